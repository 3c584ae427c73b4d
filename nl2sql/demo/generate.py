"""Generate the demo retailer's rows: an office and electronics seller with customers all over China.

Pure and deterministic: the same ``seed`` and ``as_of`` give the same rows, table by table, in
primary-key order. The story in the data, on top of noise:

* three full calendar years of orders plus the current year up to ``as_of``, growing about 20 % a year;
* seasonality: a Chinese New Year dip, a National Day (October 1-7) lull for businesses, consumer
  peaks on 6.18 and Singles' Day (November 11), year-end budget spending, quiet B2B weekends;
* per industry and region trends, the strongest a Healthcare surge in North China over the last
  five months before ``as_of`` (so "which industry in North China grew fastest lately?" has a clear
  answer), steady growth for Technology in South China and Logistics in Southwest China, and a
  decline for Manufacturing in Northeast China;
* Marketplace gaining share from the Retail Store channel;
* repeat buyers: Enterprise customers order often, most Consumers once or twice a year;
* returns of a few percent of order lines, most for Smart Home and Monitors, fewest for Software.

Example:
    >>> _nice_price(4987.3), _nice_price(19.6)
    (4989.0, 19.9)
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from nl2sql.demo.catalog import (
    BRANDS,
    BUSINESS_MONTHS,
    CATEGORIES,
    CHANNELS,
    CHINESE_NEW_YEAR,
    CONSUMER_MONTHS,
    GIVEN_NAMES,
    INDUSTRIES,
    INDUSTRY_MIX,
    INDUSTRY_SEASON,
    NAME_SYLLABLES,
    REGIONS,
    RESTOCKING_FEE,
    RETURN_REASONS,
    SEGMENTS,
    SURGE,
    SURNAMES,
    TRENDS,
)

Row = tuple[object, ...]
ONLINE_STORE, DISTRIBUTOR, MARKETPLACE = 1, 3, 4  # channel_ids, positions in CHANNELS


@dataclass
class _Customer:
    customer_id: int
    segment: str
    industry: str | None
    region: str
    signup: date
    churn: date
    rate: float  # orders a year at the start, before trends and seasonality
    channel: int  # preferred channel_id


@dataclass
class _Product:
    product_id: int
    category: int  # index in CATEGORIES
    price: float  # list price at as_of
    drift: float  # yearly price change
    launch: date
    popularity: float


def generate_demo_rows(*, seed: int, as_of: date) -> dict[str, list[Row]]:
    """All rows of the demo database, by table, in primary-key order.

    Orders run from January 1 three years before ``as_of``'s year through ``as_of``.

    Example:
        >>> from datetime import date
        >>> rows = generate_demo_rows(seed=7, as_of=date(2025, 3, 31))
        >>> rows["orders"][-1][3] <= "2025-03-31" and len(rows["orders"]) > 50_000
        True
        >>> rows["regions"][0]
        (1, 'North China', '华北')
    """
    rng = random.Random(seed)
    start = date(as_of.year - 3, 1, 1)
    rows: dict[str, list[Row]] = {
        "regions": [(i, region.name_en, region.name_zh) for i, region in enumerate(REGIONS, 1)],
        "channels": [(i, name, kind) for i, (name, kind) in enumerate(CHANNELS, 1)],
        "categories": [(i, category.name, category.name_zh) for i, category in enumerate(CATEGORIES, 1)],
    }
    rows["products"], products = _products(rng, start, as_of)
    rows["customers"], customers = _customers(rng, start, as_of)
    rows["orders"], rows["order_items"], rows["returns"] = _orders(rng, start, as_of, customers, products)
    return rows


def _nice_price(raw: float) -> float:
    """A shelf price near ``raw``: ending in 9 yuan from 100 yuan up (4999.0, 129.0), in .9 below (19.9)."""
    return float(max(round(raw / 10), 1) * 10 - 1) if raw >= 100 else max(round(raw) - 0.1, 0.9)


def _products(rng: random.Random, start: date, as_of: date) -> tuple[list[Row], list[_Product]]:
    rows, products = [], []
    span = (as_of - start).days - 30
    for category, spec in enumerate(CATEGORIES):
        brands = rng.sample(BRANDS, 5)
        combos = [
            (brand, line, variant) for brand in brands for line in spec.lines for variant in spec.variants
        ]
        for index, (brand, line, variant) in enumerate(sorted(rng.sample(combos, spec.products))):
            product_id = len(products) + 1
            premium = 1.25 if " Pro" in variant or "Max" in variant or "Executive" in variant else 1.0
            price = _nice_price(spec.low * (spec.high / spec.low) ** rng.random() * premium)
            cost = round(price * rng.uniform(*spec.cost_ratio), 2)
            if rng.random() < 0.65 or index == 0:  # every category has products from the first day
                launch = start - timedelta(days=rng.randint(30, 4 * 365))
            else:
                launch = start + timedelta(days=rng.randint(0, span))
            full_name = f"{brand} {variant.format(line)}"
            rows.append((product_id, full_name, brand, category + 1, price, cost, launch.isoformat()))
            drift = rng.uniform(-0.06, 0.04)
            products.append(_Product(product_id, category, price, drift, launch, rng.lognormvariate(0, 0.8)))
    return rows, products


def _customers(rng: random.Random, start: date, as_of: date) -> tuple[list[Row], list[_Customer]]:
    rows, customers = [], []
    names: set[str] = set()
    industries = list(INDUSTRIES)
    industry_share = [share for share, _ in INDUSTRIES.values()]
    span = (as_of - start).days - 14
    for segment, (count, median_rate, churn, spread) in SEGMENTS.items():
        for _ in range(count):
            customer_id = len(customers) + 1
            region = rng.choices(range(len(REGIONS)), weights=[r.share for r in REGIONS])[0]
            cities = REGIONS[region].cities
            city = cities[min(int(rng.expovariate(0.9)), len(cities) - 1)]  # the big cities first
            if rng.random() < 0.6:
                signup = start - timedelta(days=rng.randint(1, 4 * 365))
            else:  # more sign-ups as the business grows
                while True:
                    day = rng.randint(0, span)
                    if rng.random() < 1.25 ** (day / 365) / 1.25 ** (span / 365):
                        break
                signup = start + timedelta(days=day)
            churn_date = signup + timedelta(days=int(rng.expovariate(churn) * 365))
            if segment == "Consumer":
                industry = None
                name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN_NAMES)}"
            else:
                industry = rng.choices(industries, weights=industry_share)[0]
                while True:
                    first, second = rng.sample(NAME_SYLLABLES, 2)
                    name = f"{city} {first}{second.lower()} {rng.choice(INDUSTRIES[industry][1])} Co., Ltd."
                    if name not in names:
                        break
                names.add(name)
            rate = rng.lognormvariate(math.log(median_rate), spread)
            channel = 1 + _pick(
                rng, list(itertools.accumulate(_channel_mix(segment, (signup - start).days / 365.25)))
            )
            rows.append((customer_id, name, industry, region + 1, segment, city, signup.isoformat()))
            customers.append(
                _Customer(
                    customer_id, segment, industry, REGIONS[region].name_en, signup, churn_date, rate, channel
                )
            )
    return rows, customers


def _channel_mix(segment: str, years: float) -> list[float]:
    """Channel weights in channel_id order; Marketplace gains and the Retail Store loses share."""
    market, store = max(1 + 0.4 * years, 0.4), min(max(1 - 0.15 * years, 0.25), 1.3)
    return {  # Online Store, Retail Store, Distributor, Marketplace, Direct Sales
        "Enterprise": [15, 0, 35, 0, 50],
        "SMB": [35, 15 * store, 25, 20 * market, 5],
        "Consumer": [35, 35 * store, 0, 30 * market, 0],
    }[segment]


def _day_factor(day: date, consumer: bool) -> float:
    """Relative demand on ``day`` for consumers or businesses (holidays, promotions, weekends)."""
    factor = (CONSUMER_MONTHS if consumer else BUSINESS_MONTHS)[day.month - 1]
    to_new_year = (day - CHINESE_NEW_YEAR.get(day.year, date(day.year, 2, 5))).days
    if -10 <= to_new_year < 0:
        factor *= 1.15 if consumer else 0.8
    elif 0 <= to_new_year <= 6:
        factor *= 0.35 if consumer else 0.1
    elif 7 <= to_new_year <= 13:
        factor *= 0.8 if consumer else 0.6
    if day.month == 10 and day.day <= 7:
        factor *= 1.1 if consumer else 0.15
    if day.weekday() >= 5:
        factor *= 1.25 if consumer else 0.25
    if consumer and day.month == 11 and day.day <= 11:
        factor *= 4.0 if day.day == 11 else 1.4
    if consumer and day.month == 6 and day.day <= 18:
        factor *= 2.5 if day.day == 18 else 1.25
    return factor


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _month_starts(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _trend_factors(rng: random.Random, start: date, as_of: date, months: list[date]) -> dict:
    """Demand multiplier by (industry or "Consumer", region) and month index."""
    factors = {}
    for key in [*INDUSTRIES, "Consumer"]:
        for region in (r.name_en for r in REGIONS):
            growth = TRENDS.get((key, region), rng.gauss(0.05, 0.06))
            row = []
            for month in months:
                middle = month + timedelta(days=14)
                years = (middle - start).days / 365.25
                factor = (1 + growth) ** years * INDUSTRY_SEASON.get(key, [1.0] * 12)[month.month - 1]
                if (key, region) == SURGE[:2]:
                    months_before = max((as_of - middle).days, 0) / 30.44
                    factor *= 1 + SURGE[3] * min(max((SURGE[2] - months_before) / SURGE[2], 0), 1)
                row.append(factor)
            factors[key, region] = row
    return factors


def _orders(
    rng: random.Random, start: date, as_of: date, customers: list[_Customer], products: list[_Product]
) -> tuple[list[Row], list[Row], list[Row]]:
    months = _month_starts(start, as_of)
    trends = _trend_factors(rng, start, as_of, months)
    days = [start + timedelta(days=i) for i in range((as_of - start).days + 1)]
    seasons = {}
    for consumer in (False, True):
        raw = [_day_factor(day, consumer) for day in days]
        mean = sum(raw) / len(raw)
        seasons[consumer] = [value / mean for value in raw]
    maker = _OrderMaker(rng, as_of, products)
    day_index = 0
    for month_index, month in enumerate(months):
        years = (month - start).days / 365.25
        pools: dict[str, tuple[list[_Customer], list[float]]] = {segment: ([], []) for segment in SEGMENTS}
        loyalty = 1.05**years  # existing customers spend a little more each year
        for customer in customers:
            if customer.signup < month < customer.churn:
                ids, weights = pools[customer.segment]
                trend = trends[customer.industry or "Consumer", customer.region][month_index]
                ids.append(customer)
                weights.append((weights[-1] if weights else 0.0) + customer.rate * loyalty * trend)
        maker.start_month(month, years)
        while day_index < len(days) and days[day_index].month == month.month:
            day = days[day_index]
            for segment, (ids, weights) in pools.items():
                consumer = segment == "Consumer"
                count = _poisson(rng, weights[-1] * seasons[consumer][day_index] / 365.25) if ids else 0
                for customer in rng.choices(ids, cum_weights=weights, k=count):
                    maker.order(day, customer)
            day_index += 1
    return maker.orders, maker.items, maker.returns


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    """An index drawn with the weights whose running totals are ``cumulative``."""
    return bisect.bisect(cumulative, rng.random() * cumulative[-1], 0, len(cumulative) - 1)


class _OrderMaker:
    """Makes orders one at a time, appending their rows (and their items' returns) to its lists."""

    def __init__(self, rng: random.Random, as_of: date, products: list[_Product]) -> None:
        self.rng, self.as_of, self.products = rng, as_of, products
        self.orders: list[Row] = []
        self.items: list[Row] = []
        self.returns: list[Row] = []
        self.category_mix = {}
        for industry in [None, *INDUSTRIES]:
            boost = INDUSTRY_MIX.get(industry or "", {})
            mix = [
                c.consumer_mix if industry is None else c.business_mix * boost.get(c.name, 1.0)
                for c in CATEGORIES
            ]
            self.category_mix[industry] = list(itertools.accumulate(mix))
        self.return_rates = [category.return_rate for category in CATEGORIES]
        self.prices: dict[int, list[float]] = {}  # year: price by product_id - 1
        self.reason_names = list(RETURN_REASONS)
        self.reasons = list(itertools.accumulate(share for share, _, _ in RETURN_REASONS.values()))

    def start_month(self, month: date, years: float) -> None:
        """Take stock of the products on sale and the channel mix for orders placed in ``month``."""
        self.by_category: list[tuple[list[_Product], list[float]]] = [([], []) for _ in CATEGORIES]
        for product in self.products:
            if product.launch < month:
                pool, cumulative = self.by_category[product.category]
                pool.append(product)
                cumulative.append((cumulative[-1] if cumulative else 0.0) + product.popularity)
        self.channel_mix = {
            segment: list(itertools.accumulate(_channel_mix(segment, years))) for segment in SEGMENTS
        }
        if month.year not in self.prices:
            back = self.as_of.year - month.year
            self.prices[month.year] = [
                _nice_price(p.price / (1 + p.drift) ** back) if back else p.price for p in self.products
            ]

    def order(self, day: date, customer: _Customer) -> None:
        """Append one order by ``customer`` on ``day``, with its items and any returns."""
        rng, segment = self.rng, customer.segment
        order_id = len(self.orders) + 1
        channel = customer.channel if rng.random() < 0.6 else 1 + _pick(rng, self.channel_mix[segment])
        if segment == "Consumer":
            lines = 1 if rng.random() < 0.7 else 2 if rng.random() < 0.75 else 3
            scale, discounts = 0.0, (0, 0, 0, 0.05, 0.1)
        elif segment == "SMB":
            lines, scale, discounts = rng.randint(1, 4), 2000.0, (0, 0, 0.05, 0.05, 0.1, 0.15)
        else:
            lines, scale, discounts = rng.randint(1, 6), 15000.0, (0.05, 0.1, 0.12, 0.15, 0.18, 0.2)
        promotion = channel in (ONLINE_STORE, MARKETPLACE) and (
            (day.month == 11 and day.day <= 11) or (day.month == 6 and day.day <= 18)
        )
        extra = (0.05 if channel == DISTRIBUTOR else 0.0) + (rng.choice((0.05, 0.1)) if promotion else 0.0)
        age = (self.as_of - day).days
        if rng.random() < 0.025 + (0.02 if channel == MARKETPLACE else 0) + (
            0.01 if segment == "Consumer" else 0
        ):
            status = "cancelled"
        elif age < 7 and rng.random() < (7 - age) / 7:
            status = "processing"
        else:
            status = "completed"
        return_boost = (1.3 if segment == "Consumer" else 1.0) * (1.5 if channel == MARKETPLACE else 1.0)
        prices = self.prices[day.year]
        mix = self.category_mix[customer.industry]
        chosen: list[int] = []
        total = 0.0
        for _ in range(3 * lines):
            if len(chosen) == lines:
                break
            category = _pick(rng, mix)
            pool, cumulative = self.by_category[category]
            if not pool:
                continue
            product_id = pool[_pick(rng, cumulative)].product_id
            if product_id in chosen:
                continue
            chosen.append(product_id)
            price = prices[product_id - 1]
            if scale:
                quantity = 1 + int((0.3 + 1.4 * rng.random()) * min(scale / price, 60))
            else:
                quantity = 1 if price > 200 or rng.random() < 0.7 else rng.randint(2, 5)
            discount = (
                discounts[int(rng.random() * len(discounts))] + extra + (0.02 if rng.random() < 0.25 else 0)
            )
            discount = round(min(discount, 0.3), 2)
            item_id = len(self.items) + 1
            self.items.append((item_id, order_id, product_id, quantity, price, discount))
            total += quantity * price * (1 - discount)
            if status == "completed" and rng.random() < self.return_rates[category] * return_boost:
                self._return(day, item_id, quantity, price, discount)
        self.orders.append(
            (order_id, customer.customer_id, channel, day.isoformat(), status, round(total, 2))
        )

    def _return(self, day: date, item_id: int, quantity: int, price: float, discount: float) -> None:
        rng = self.rng
        reason = self.reason_names[_pick(rng, self.reasons)]
        _, fewest, most = RETURN_REASONS[reason]
        returned = day + timedelta(days=fewest + int((most - fewest + 1) * rng.random() ** 2))
        if returned > self.as_of:  # not back yet
            return
        back = quantity if quantity == 1 or rng.random() < 0.5 else rng.randint(1, quantity)
        keep = 1 - RESTOCKING_FEE if reason == "Changed mind" else 1.0
        refund = round(back * price * (1 - discount) * keep, 2)
        self.returns.append((len(self.returns) + 1, item_id, returned.isoformat(), back, reason, refund))
