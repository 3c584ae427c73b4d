"""What a question asks a figure of, and whether the data holds it.

A question that asks for a number names the thing it counts or sums: the head of "how many *X*", "what
was our *X*", "the number of *X*", "*X*是多少", "多少*X*". When that thing is no word of the data (an
*employee*, the *weather*, 净推荐值), nothing in the database answers the question, whatever else it
names; when it is a word of the data ("how many *orders* did our Direct Sales team bring in"), words the
data lacks elsewhere in the question only qualify it, and are no reason to refuse. A noun the data lacks
before the data's word ("*EBITDA* margin", "customer *acquisition* cost") makes another thing of it; a
word after it ("revenue *mix*"), an adjective before it ("*dormant* accounts") or a Chinese word fused to
it ("*首单*金额") may only qualify it, and is left to the other rules.

Example:
    >>> measured_phrase("How many employees work in the sales team?")
    ('employees',)
    >>> measured_phrase("What's our Net Promoter Score this quarter?")
    ('net', 'promoter', 'score')
    >>> measured_phrase("本季度客户净推荐值是多少？")
    ('本季度客户净推荐值',)
    >>> measured_phrase("Show revenue by channel") is None
    True
    >>> measured_phrase("What was the online store's conversion rate yesterday?")
    ('conversion', 'rate')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from nl2sql.semantic.cjk import CJK as _CJK
from nl2sql.semantic.mapper import STOPWORDS_EN, STOPWORDS_ZH

_EN_CUE = re.compile(
    r"\bhow (?:many|much)\s+|\b(?:number|amount|count|total|level|volume) of\s+"
    r"|^\W*(?:so\s+|and\s+|then\s+)?(?:what|who)(?:'s|’s|\s+is|\s+was|\s+are|\s+were|\s+will be)\s+"
)
"""Where the phrase a question asks a figure of begins, in English."""
_EN_DETERMINERS = frozenset("the our my your a an its their this that these those all of".split())  # noqa: SIM905
_EN_ENDS = frozenset(
    (  # noqa: SIM905 (a word list reads best as text)
        "of for in on at to from by with across during over under since between vs versus among than"
        " and or but did do does is was are were have has had will would can could should shall may might"
        " went goes came comes got gets"
        " this last next each every so right today yesterday now that which who whom whose when where"
        " going like we you they i he she it there here as if after before until compared against"
    ).split()
)
"""Words that end the phrase: prepositions, verbs that follow it, time words, conjunctions."""
_EN_LONGEST = 4
_ZH_CUE = re.compile(r"多少|几(?![乎])")
"""Where a Chinese question asks for a figure."""
_ZH_BEFORE = re.compile(
    r"([\u3400-\u9fff]+?)(?:一共|总共|总计|合计|大概|大约|大致|平均|共|还剩|剩)?(?:是|有|为|在)?$"
)
"""The run of Chinese characters a "是多少" asks the figure of ("电费是多少")."""
_ZH_AFTER = re.compile(r"([个名位家件台笔次人条项款种通张套份成点]?)([\u3400-\u9fff]*)")
"""The run after "多少" and its measure word ("多少名员工")."""
_ZH_NOUN = re.compile("[^天日月年周季" + "".join(sorted(STOPWORDS_ZH)) + "]$")
"""A word that may be whose a figure is ("员工"): not a time ("当天") nor made of function characters
("最高")."""
_ZH_RUN_BREAKS = re.compile(r".*[的了过得着在从给把被向对和与及或]")
"""Characters that end a noun phrase from the left: what follows them is the thing asked about."""


def measured_phrase(question: str) -> tuple[str, ...] | None:
    """The words of the phrase ``question`` asks a figure of: English words after the cue, or one run of
    Chinese characters (before "是多少", else after "多少"); None when it asks no figure that way.

    Example:
        >>> measured_phrase("What is the average salary of our sales staff?")
        ('average', 'salary')
        >>> measured_phrase("How much did we spend on ads?") is None
        True
        >>> measured_phrase("北京仓库五月份的电费是多少"), measured_phrase("公司一共有多少名员工")
        (('电费',), ('员工',))
    """
    found = _phrase(question)
    return found[0] if found else None


def _phrase(question: str) -> tuple[tuple[str, ...], bool, tuple[str, ...]] | None:
    """The phrase, whether its head is its last word (English, Chinese before "是多少") rather than its
    first (Chinese after "多少"), and the phrase it is "of" ("the performance *of the Vertex brand*")."""
    text = question.lower().replace("’", "'")
    if _CJK.search(text):
        for cue in _ZH_CUE.finditer(text):
            after = _ZH_AFTER.match(text, cue.end())
            if after and after.group(2) and after.group(2)[0] not in STOPWORDS_ZH:  # "多少名员工": head first
                return (after.group(2),), False, ()
            if after and after.group(1):  # "买几件", "占几成": the measure word says what is counted
                return None
            before = _ZH_BEFORE.search(text[: cue.start()])
            run = _ZH_RUN_BREAKS.sub("", before.group(1)) if before else ""
            if run and not run.endswith(("了", "过", "得")):  # "花了多少": a verb asks, not a noun
                whose = before.group(1)[: len(before.group(1)) - len(run)]  # "门店员工的业绩": 门店员工
                return (run,), True, (whose[:-1],) if whose.endswith("的") else ()
        return None
    for cue in _EN_CUE.finditer(text):
        words = re.findall(r"[a-z][a-z0-9'&-]*|\d\S*|[^\sa-z0-9]", text[cue.end() :])
        content, rest = _noun_phrase(words, counted=cue.group().startswith("how many"))
        owner = [i for i, word in enumerate(content[:-1]) if word.endswith(("'s", "s'"))]
        if owner:  # "the online store's conversion rate": the rate is measured, of the store
            return content[owner[-1] + 1 :], True, content[: owner[-1] + 1]
        if content:
            of = _noun_phrase(rest[1:])[0] if rest and rest[0] in ("of", "for", "on") else ()
            return content, True, of
    return None


def _noun_phrase(words: list[str], *, counted: bool = False) -> tuple[tuple[str, ...], list[str]]:
    """The content words of the noun phrase ``words`` begin with, and the words after it."""
    while words and words[0] in _EN_DETERMINERS:
        words = words[1:]
    phrase: list[str] = []
    for word in words:
        if word in _EN_ENDS or not word[0].isalpha() or len(phrase) == _EN_LONGEST:
            break
        phrase.append(word)
        following = words[len(phrase)] if len(phrase) < len(words) else ""
        if counted and word.endswith("s") and not following.endswith("s"):  # "employees *work*": a verb
            break
    # "per" and "rate" carry what is measured: "cost *per* click", "conversion *rate*"
    content = tuple(word for word in phrase if word not in STOPWORDS_EN or word in ("per", "rate", "rates"))
    return content, words[len(phrase) :]


@dataclass(frozen=True)
class Measured:
    """What a question measures: whether the data holds it, and the words it lacks."""

    known: bool
    unknown: tuple[str, ...] = ()


def measured(
    question: str,
    unexplained: Iterable[str],
    names: Callable[[str], bool],
    *,
    mentions: Callable[[str], bool] | None = None,
    data_words: Iterable[str] = (),
) -> Measured | None:
    """Whether the thing ``question`` asks a figure of is something of the data; None when the question
    names no such thing (:func:`measured_phrase`) or the words say too little to tell.

    English: lacking when no word of the phrase is one of the data's, or a word the rules could not
    place and the data never uses comes before the data's word (a kind of it the data lacks: "EBITDA
    margin"); a word after it ("revenue *mix*", "sales *team*") may be an aspect of the data's thing or
    another thing, and is left undecided. Chinese: the head of the run (its end before "是多少", its
    start after "多少") decides, likewise; a word of the data after 的 is the figure of what comes
    before it, lacking when that ends with a word the rules could not place (门店*员工*的业绩).

    Args:
        unexplained: the words the rules could not place in the question (``Mapping.unexplained``).
        names: whether a word names something of the data by itself.
        mentions: whether the data's words use a word at all ("repeat" of "repeat rate"); ``names``
            when not given.
        data_words: the data's words, for the Chinese words a run begins or ends with.

    Example:
        >>> known = {"order", "revenue", "margin", "订单", "成本"}
        >>> def is_data(word):
        ...     return word.rstrip("s") in known or word in known
        >>> measured("How many orders did our sales team bring in?", ("team",), is_data)
        Measured(known=True, unknown=())
        >>> measured("What was our EBITDA margin in 2025?", ("ebitda",), is_data)
        Measured(known=False, unknown=('ebitda',))
        >>> measured("What's the revenue mix by segment?", ("mix",), is_data) is None
        True
        >>> measured("北京仓库的电费是多少", ("电费",), is_data, data_words=known)
        Measured(known=False, unknown=('电费',))
        >>> measured("门店员工的成本是多少", ("员工",), is_data, data_words=known)
        Measured(known=False, unknown=('员工',))
    """
    found = _phrase(question)
    if found is None:
        return None
    phrase, head_last, of = found
    left = {word.lower() for word in unexplained}
    if _CJK.search(phrase[0]):
        chinese = frozenset(word for word in data_words if _CJK.search(word))
        lacking = [w for w in left if _CJK.search(w) and len(w) > 1 and not names(w)]
        whose = next((f for f in lacking if of and of[0].endswith(f) and _ZH_NOUN.search(f)), None)
        if whose is not None and _known_edge(phrase[0], chinese, last=True) == phrase[0]:
            return Measured(False, (whose,))  # "员工的业绩": the figure of someone the data lacks
        return _zh_measured(phrase[0], head_last, lacking, chinese)
    used = mentions or names

    def lacks(word: str) -> bool:
        placed = word not in left and word.removesuffix("'s") not in left
        return not placed and not used(word) and not _neutral(word)

    if of and of[-1].endswith(("'s", "s'")):  # "*Lenovo's* share price": of something the data lacks
        owner = tuple(word for word in of if lacks(word))
        if owner and not any(_ADJECTIVE.search(word) for word in owner):
            return Measured(False, owner)
    if "per" in phrase:  # "cost per *click*": a ratio to something the data lacks
        per = phrase.index("per")
        phrase, over = phrase[:per], tuple(word for word in phrase[per + 1 :] if lacks(word))
        if over:
            return Measured(False, over)
    known = [i for i, word in enumerate(phrase) if names(word)]
    unknown = tuple(word for word in phrase if lacks(word))
    if not known:
        # "the performance of the Vertex brand": an aspect of a thing of the data, maybe
        aspect = len(unknown) == 1 and bool(of) and names(of[-1])
        return Measured(False, unknown) if unknown and not aspect else None
    before = tuple(word for word in phrase[: known[-1]] if lacks(word))
    if before and not any(_ADJECTIVE.search(word) for word in before):
        return Measured(False, before)
    if unknown:  # "revenue *mix*", "*dormant* accounts": an aspect or a kind the rules cannot read
        return None
    # "units ... in *stock*", "laptops sitting in *inventory*": counted where the data does not look
    places = tuple(place for place in _places(question) if lacks(place))
    return Measured(False, places) if places and _COUNTS.search(question.lower()) else Measured(True)


_COUNTS = re.compile(r"\bhow many\b")
_ADJECTIVE = re.compile(r"..(?:ant|ent|ive|al|ous|ful|less|able|ible|ic|ed|ary)$")
"""Endings of English adjectives ("dormant", "loyal"): a quality of the data's thing, not another thing
as a noun before it makes ("*EBITDA* margin")."""


def _neutral(word: str) -> bool:
    """A superlative ("weakest") or a compound of closed-class words ("top-selling"): how, not what."""
    parts = [part for part in word.split("-") if part]
    return (word.endswith("est") and len(word) > 5) or (
        len(parts) > 1 and any(part in STOPWORDS_EN for part in parts)
    )


def _places(question: str) -> list[str]:
    """The head of each place a question puts things in ("in stock at the warehouse": stock,
    warehouse)."""
    text = question.lower().replace("’", "'")
    heads = []
    for cue in re.finditer(r"\b(?:in|at|inside|into)\s+", text):
        words = re.findall(r"[a-z][a-z0-9'&-]*|\S", text[cue.end() :])
        while words and words[0] in _EN_DETERMINERS:
            words = words[1:]
        phrase = []
        for word in words[:_EN_LONGEST]:
            if word in _EN_ENDS or not word[0].isalpha():
                break
            phrase.append(word)
        content = [word for word in phrase if word not in STOPWORDS_EN]
        heads += content[-1:]
    return heads


def _zh_measured(run: str, head_last: bool, lacking: list[str], known: frozenset[str]) -> Measured | None:
    """A run of Chinese characters: known when its head is a word of the data with no unplaced word fused
    to it (房租成本), lacking when its head is a word the rules could not place."""
    head = _known_edge(run, known, last=head_last)
    if head is not None:
        rest = run[: len(run) - len(head)] if head_last else run[len(head) :]
        fused = any(rest.endswith(f) if head_last else rest.startswith(f) for f in lacking)
        return None if fused else Measured(True)  # 首单金额, 房租成本: another amount, or one of its kinds
    edge = run.rstrip("".join(STOPWORDS_ZH)) if head_last else run
    unknown = tuple(f for f in lacking if (edge.endswith(f) if head_last else edge.startswith(f)))
    return Measured(False, unknown) if unknown else None


def _known_edge(run: str, known: frozenset[str], *, last: bool) -> str | None:
    """The longest word of the data (two characters or more) ``run`` ends (``last``) or begins with."""
    for size in range(len(run), 1, -1):
        edge = run[-size:] if last else run[:size]
        if edge in known:
            return edge
    return None


def fused_with(text: str, name: str, lacking: set[str]) -> bool | None:
    """Whether every place ``text`` (lower case) names ``name`` has one of the ``lacking`` words right
    before or after it, fused into another thing ("sales rep", "净利润"); None when it never names it.

    Example:
        >>> fused_with("which sales rep closed the most deals?", "sales", {"rep", "deals"})
        True
        >>> fused_with("revenue by region, revenue only", "revenue", {"only"} - {"only"})
        False
        >>> fused_with("华东门店的房租成本", "成本", {"房租"}), fused_with("订单数", "营收", set())
        (True, None)
    """
    places = [m.span() for m in re.finditer(re.escape(name), text)]
    if not _CJK.search(name):
        places = [(a, b) for a, b in places if not _word_char(text, a - 1) and not _word_char(text, b)]
    if not places:
        return None
    return all(_fused_at(text, start, end, lacking) for start, end in places)


def _fused_at(text: str, start: int, end: int, lacking: set[str]) -> bool:
    before, after = text[:start], text[end:]
    if any(_CJK.search(word) and (before.endswith(word) or after.startswith(word)) for word in lacking):
        return True
    left = re.search(r"([a-z][a-z0-9'&-]*)\s+$", before)
    right = re.match(r"\s+([a-z][a-z0-9'&-]*)", after)
    words = {left.group(1), left.group(1).removesuffix("'s")} if left else set()
    return bool((words | ({right.group(1)} if right else set())) & lacking)


def _word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (text[index].isascii() and text[index].isalnum())


def one_slip(word: str, other: str) -> bool:
    """Whether ``word`` is ``other`` mistyped once (a letter swapped with the next, changed, added or
    left out), in words of five letters or more: "retrun" is "return", not another thing.

    Example:
        >>> one_slip("retrun", "return"), one_slip("reveune", "revenue"), one_slip("stock", "store")
        (True, True, False)
    """
    if word == other or min(len(word), len(other)) < 5 or abs(len(word) - len(other)) > 1:
        return False
    if len(word) == len(other):
        diff = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == other[diff[1]]
        return len(diff) == 1 or (swapped and word[diff[1]] == other[diff[0]])
    short, long = sorted((word, other), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
