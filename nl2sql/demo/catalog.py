"""The fixed facts the demo data is drawn from: regions, cities, industries, products, calendars.

Plain constants, no logic; :mod:`nl2sql.demo.generate` turns them into rows.

Example:
    >>> [region.name_zh for region in REGIONS]
    ['华北', '华东', '华南', '华中', '西南', '西北', '东北']
    >>> CATEGORIES[0].name, CATEGORIES[0].name_zh
    ('Laptops', '笔记本电脑')
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class Region(NamedTuple):
    name_en: str
    name_zh: str
    share: float  # of customers
    cities: list[str]  # biggest first; customers cluster in the first ones


class Category(NamedTuple):
    name: str
    name_zh: str
    products: int  # how many the catalog holds
    low: float  # cheapest list price
    high: float  # dearest list price, before the premium of "Pro" variants
    cost_ratio: tuple[float, float]  # unit_cost / unit_price range
    return_rate: float  # chance that an order line is returned
    consumer_mix: float  # how often consumers buy from it
    business_mix: float  # how often businesses buy from it
    lines: list[str]  # product lines: "Laptop 14"
    variants: list[str]  # "{} Pro" → "Laptop 14 Pro"


REGIONS = [
    Region("North China", "华北", 0.16, ["Beijing", "Tianjin", "Shijiazhuang", "Taiyuan", "Hohhot",
                                         "Tangshan"]),
    Region("East China", "华东", 0.30, ["Shanghai", "Hangzhou", "Nanjing", "Suzhou", "Hefei", "Jinan",
                                        "Qingdao", "Fuzhou", "Xiamen", "Ningbo", "Nanchang"]),
    Region("South China", "华南", 0.20, ["Guangzhou", "Shenzhen", "Dongguan", "Foshan", "Nanning", "Haikou"]),
    Region("Central China", "华中", 0.11, ["Wuhan", "Changsha", "Zhengzhou", "Yichang", "Luoyang"]),
    Region("Southwest China", "西南", 0.11, ["Chengdu", "Chongqing", "Kunming", "Guiyang", "Lhasa"]),
    Region("Northwest China", "西北", 0.06, ["Xi'an", "Lanzhou", "Urumqi", "Yinchuan", "Xining"]),
    Region("Northeast China", "东北", 0.06, ["Shenyang", "Dalian", "Changchun", "Harbin"]),
]  # fmt: skip

CHANNELS = [  # (name, channel_type), in channel_id order
    ("Online Store", "online"),
    ("Retail Store", "offline"),
    ("Distributor", "offline"),
    ("Marketplace", "online"),
    ("Direct Sales", "offline"),
]

SEGMENTS = {  # segment: (customers, median orders a year, churn rate a year, spread of activity)
    "Enterprise": (900, 10.0, 0.07, 0.4),
    "SMB": (2600, 5.0, 0.14, 0.6),
    "Consumer": (4000, 0.8, 0.18, 0.9),
}

INDUSTRIES = {  # industry: (share of business customers, words for company names)
    "Manufacturing": (0.16, ["Machinery", "Industrial", "Precision Engineering", "Electronics"]),
    "Retail": (0.12, ["Trading", "Retail", "Commerce", "Supermarket"]),
    "Healthcare": (0.09, ["Medical", "Pharmaceutical", "Health", "Hospital Management"]),
    "Education": (0.08, ["Education Technology", "Training", "Education", "Academy"]),
    "Finance": (0.08, ["Capital", "Securities", "Financial Services", "Insurance Brokerage"]),
    "Technology": (0.14, ["Technology", "Software", "Information Technology", "Network Technology"]),
    "Logistics": (0.09, ["Logistics", "Supply Chain", "Freight", "Express"]),
    "Hospitality": (0.08, ["Hotel Management", "Catering", "Hospitality", "Tourism"]),
    "Construction": (0.09, ["Construction", "Engineering", "Building Materials", "Decoration"]),
    "Energy": (0.07, ["Energy", "New Energy", "Power Equipment", "Solar"]),
}

CATEGORIES = [
    Category("Laptops", "笔记本电脑", 30, 3499, 14999, (0.78, 0.88), 0.045, 10, 12,
             ["Laptop 14", "Laptop 15", "Laptop 16", "Ultrabook 13", "Ultrabook 14", "Workstation 16",
              "Gaming Laptop 15", "Gaming Laptop 17"], ["{}", "{} Pro", "{} Air", "{} Plus", "{} Max"]),
    Category("Desktops", "台式电脑", 18, 2999, 11999, (0.78, 0.88), 0.03, 3, 7,
             ["Desktop Tower", "Mini PC", "All-in-One 24", "All-in-One 27", "Workstation Tower",
              "Gaming Desktop"], ["{}", "{} Pro", "{} Plus"]),
    Category("Monitors", "显示器", 28, 699, 5999, (0.70, 0.82), 0.065, 6, 9,
             ["24-inch Monitor", "27-inch Monitor", "27-inch 4K Monitor", "32-inch 4K Monitor",
              "34-inch Curved Monitor", "16-inch Portable Monitor"],
             ["{}", "{} Pro", "{} Office", "{} Gaming"]),
    Category("Phones", "手机", 30, 999, 8999, (0.75, 0.87), 0.055, 14, 6,
             ["Phone X", "Phone S", "Phone Note", "Phone Fold", "Phone Mini", "Phone Lite"],
             ["{}", "{} Pro", "{} Plus", "{} 5G", "{} Max"]),
    Category("Tablets", "平板电脑", 18, 1299, 6999, (0.74, 0.85), 0.045, 8, 4,
             ["Tab 8", "Tab 10", "Tab 11", "Tab 12", "Pad Mini", "Pad Air"], ["{}", "{} Pro", "{} Kids"]),
    Category("Printers", "打印机", 20, 499, 6999, (0.65, 0.80), 0.05, 3, 6,
             ["Laser Printer", "Color Laser Printer", "Inkjet Printer", "All-in-One Printer", "Label Printer",
              "Wide-Format Printer"], ["{}", "{} Pro", "Compact {}"]),
    Category("Networking", "网络设备", 24, 129, 3999, (0.55, 0.70), 0.03, 5, 7,
             ["Wi-Fi 6 Router", "Wi-Fi 7 Router", "Mesh Wi-Fi Kit", "8-Port Switch", "24-Port Switch",
              "Access Point", "Firewall Appliance", "Network Cable Pack"], ["{}", "{} Pro", "{} Business"]),
    Category("Storage", "存储设备", 24, 199, 2999, (0.60, 0.75), 0.035, 6, 6,
             ["1TB SSD", "2TB SSD", "4TB Portable HDD", "128GB USB Drive", "2-Bay NAS", "4-Bay NAS",
              "256GB SD Card"], ["{}", "{} Pro", "{} Rugged"]),
    Category("Accessories", "电脑配件", 40, 29, 599, (0.40, 0.60), 0.04, 18, 12,
             ["Wireless Mouse", "Ergonomic Mouse", "Mechanical Keyboard", "Wireless Keyboard", "USB-C Hub",
              "Laptop Stand", "Webcam", "Headset", "Power Bank", "USB-C Charger", "Laptop Bag",
              "Monitor Arm"],
             ["{}", "{} Pro", "{} Lite"]),
    Category("Office Supplies", "办公用品", 36, 5, 199, (0.45, 0.65), 0.01, 6, 16,
             ["A4 Copy Paper 500 Sheets", "Gel Pens 12 Pack", "Sticky Notes", "Stapler", "Binder Clips",
              "File Folders 10 Pack", "Whiteboard Markers", "A5 Notebook", "Toner Cartridge",
              "Ink Cartridge Set", "Desk Organizer", "Envelopes 100 Pack"], ["{}", "Premium {}", "Eco {}"]),
    Category("Office Furniture", "办公家具", 22, 299, 4999, (0.50, 0.65), 0.025, 3, 6,
             ["Ergonomic Chair", "Mesh Office Chair", "Standing Desk", "Office Desk", "Filing Cabinet",
              "Bookshelf", "Meeting Table", "Reception Sofa"], ["{}", "Executive {}", "Compact {}"]),
    Category("Software", "软件", 14, 199, 2999, (0.15, 0.35), 0.005, 4, 7,
             ["Office Suite", "Antivirus", "Accounting Software", "Design Suite", "Backup Software",
              "Project Manager"], ["{} Standard", "{} Professional", "{} Enterprise"]),
    Category("Smart Home", "智能家居", 20, 99, 1999, (0.50, 0.70), 0.05, 14, 2,
             ["Smart Speaker", "Smart Plug", "Security Camera", "Video Doorbell", "Smart Bulb Kit",
              "Air Purifier", "Robot Vacuum", "Smart Lock"], ["{}", "{} Pro", "{} Mini"]),
]  # fmt: skip
BRANDS = ["Aurora", "Kestrel", "Nimbus", "Lotus", "Pioneer", "Summit", "Jade", "Orion", "Vertex", "Maple"]

INDUSTRY_MIX = {  # industry: {category: how much more often than other businesses it buys from it}
    "Manufacturing": {"Desktops": 1.5, "Networking": 1.3, "Office Supplies": 1.3},
    "Retail": {"Printers": 1.5, "Tablets": 1.5, "Networking": 1.2},
    "Healthcare": {"Monitors": 1.6, "Desktops": 1.6, "Printers": 1.5, "Tablets": 1.4},
    "Education": {"Tablets": 2.5, "Laptops": 1.3, "Printers": 1.4, "Office Supplies": 1.3},
    "Finance": {"Laptops": 1.4, "Monitors": 1.5, "Software": 1.5, "Office Furniture": 1.2},
    "Technology": {"Laptops": 1.6, "Networking": 1.5, "Storage": 1.5, "Software": 1.6},
    "Logistics": {"Phones": 2.0, "Tablets": 1.8, "Printers": 1.8},
    "Hospitality": {"Smart Home": 3.0, "Office Furniture": 1.6, "Tablets": 1.5},
    "Construction": {"Tablets": 1.4, "Phones": 1.5, "Printers": 1.3},
    "Energy": {"Laptops": 1.2, "Networking": 1.3, "Storage": 1.3},
}
INDUSTRY_SEASON = {  # industry: demand multiplier by calendar month
    "Education": [0.9, 0.85, 1.05, 1.0, 0.95, 0.95, 1.1, 1.25, 1.2, 0.95, 0.9, 0.9],
    "Retail": [1.0, 0.9, 0.95, 0.95, 0.95, 1.0, 0.95, 1.0, 1.05, 1.15, 1.2, 1.05],
    "Hospitality": [0.95, 0.9, 1.0, 1.05, 1.1, 1.1, 1.05, 1.0, 1.0, 1.05, 0.95, 0.95],
    "Finance": [1.1, 0.9, 1.0, 1.0, 1.0, 1.0, 0.95, 0.95, 1.0, 0.95, 1.0, 1.2],
}
TRENDS = {  # (industry or "Consumer", region): yearly growth, replacing a random one
    ("Technology", "South China"): 0.35,
    ("Logistics", "Southwest China"): 0.28,
    ("Manufacturing", "Northeast China"): -0.18,
    ("Finance", "North China"): -0.04,
    ("Healthcare", "North China"): 0.03,
    ("Consumer", "Southwest China"): 0.22,
}
# A recent boom: (industry, region, months before as_of it starts, extra demand it reaches at as_of).
SURGE = ("Healthcare", "North China", 5.0, 3.0)

RETURN_REASONS = {  # reason: (share of returns, fewest and most days from order to return)
    "Defective": (30, 3, 60),
    "Damaged in shipping": (20, 1, 5),
    "Wrong item shipped": (10, 2, 7),
    "Not as described": (15, 2, 14),
    "Changed mind": (25, 1, 7),  # the seven-day no-questions-asked window
}
RESTOCKING_FEE = 0.10  # kept back on "Changed mind" returns

CHINESE_NEW_YEAR = {
    2019: date(2019, 2, 5), 2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1),
    2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
    2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3),
    2031: date(2031, 1, 23), 2032: date(2032, 2, 11), 2033: date(2033, 1, 31), 2034: date(2034, 2, 19),
    2035: date(2035, 2, 8), 2036: date(2036, 1, 28),
}  # fmt: skip
BUSINESS_MONTHS = [1.0, 0.95, 1.05, 1.0, 1.0, 1.05, 0.95, 0.95, 1.05, 1.0, 1.1, 1.25]  # demand by month
CONSUMER_MONTHS = [1.0, 0.9, 0.9, 0.9, 0.95, 1.15, 0.9, 0.95, 1.0, 1.0, 1.45, 1.1]

SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
            "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han",
            "Feng", "Deng", "Cao", "Peng", "Zeng", "Xiao", "Tian", "Dong", "Pan", "Yuan"]  # fmt: skip
GIVEN_NAMES = ["Wei", "Fang", "Na", "Min", "Jing", "Lei", "Qiang", "Yan", "Jun", "Yang", "Jie", "Tao", "Ming",
               "Chao", "Xiuying", "Lina", "Hao", "Yu", "Xin", "Lan", "Hui", "Ping", "Gang", "Ting", "Yifan",
               "Zihan", "Haoran", "Xiaoming", "Shufen", "Jiahui", "Yuxuan", "Zhiwei", "Mengyao", "Junjie",
               "Xinyi", "Yutong", "Ruoxi", "Chenxi", "Jianguo", "Guiying"]  # fmt: skip
NAME_SYLLABLES = ["Heng", "Xin", "Hua", "Tai", "Zhong", "Jin", "Long", "Tian", "Rui", "Feng", "Hong",
                  "Yuan", "Sheng", "Jia", "An", "Bo", "Chen", "Ding", "Fu", "Guang", "Hai", "Jing", "Kai",
                  "Ming", "Qian", "Run", "Shun", "Wan", "Yong", "Zheng", "Bai", "Dong", "Da", "He", "Li",
                  "Xiang"]  # fmt: skip
