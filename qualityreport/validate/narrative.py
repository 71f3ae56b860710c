"""Figures a school's narrative states, held against the figures its own workbook gives.

A narrative printed above the report's generated sentences must not say 45% where the table says
82.4%. Only a number clearly attached to an indicator's name is read ("专任教师141人",
"就业率为96.5%", "双师型教师14名，占专业课教师45%", "生师比17.3:1"): the name, then at most a
connecting word, then the number with its unit. Whatever might be about something else is left
alone — another year, the city or province, a specialty, a target, a change, an approximation
(约, 近, 余, 以上) — so a narrative that agrees with its workbook is never flagged.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from ..layout import label_key
from ..records import CellValue
from ..spec import Derived, Field, Spec

Report = Callable[..., None]

# Units a narrative writes after a number, with the factor to the spec's unit.
_UNITS: dict[str, tuple[str, float]] = {
    "人": ("人", 1),
    "名": ("人", 1),
    "位": ("人", 1),
    "人次": ("人次", 1),
    "个": ("个", 1),
    "项": ("项", 1),
    "家": ("个", 1),
    "册": ("册", 1),
    "平方米": ("平方米", 1),
    "㎡": ("平方米", 1),
    "m²": ("平方米", 1),
    "m2": ("平方米", 1),
    "亩": ("平方米", 10_000 / 15),
    "元": ("元", 1),
}
_UNIT_WORDS = sorted(_UNITS, key=len, reverse=True)
_NUMBER = r"(?P<number>\d+(?:[,]\d{3})*(?:\.\d+)?)"
# A number with its unit: 45%, 17.3:1, 1:17.3, 141人, 1.2万人, 62331平方米, 900万元.
_PERCENT = re.compile(_NUMBER + r"\s*%")
_RATIO = re.compile(r"(?P<left>\d+(?:\.\d+)?)\s*[:∶比]\s*(?P<right>\d+(?:\.\d+)?)")
_AMOUNT = re.compile(
    _NUMBER + r"\s*(?P<wan>万)?\s*(?P<unit>" + "|".join(map(re.escape, _UNIT_WORDS)) + ")"
)
# What may stand between an indicator's name and its number.
_LINK = r"(?:[（(][^（()）]{0,12}[)）])?\s*(?:[：:]|共有|共计|共|有|为|是|达到|达|计)?\s*"
_LINK_ONLY = re.compile(rf"^{_LINK}$")
# "14名，占专业课教师45%" / "占专任教师的比例为22.7%" / "占比45%": a share of what follows 占.
_SHARE_OF = re.compile(
    rf"^{_LINK}(?:\d+(?:[,]\d{{3}})*\s*[名人位]\s*)?[，,、]?\s*占(?P<of>[^，,。；;%\d]{{0,16}}?)"
    r"(?:总数|总人数|人数)?的?(?:比例|比重|比)?(?:为|达到|达|是)?\s*$"
)
# A number that is not exact, or a figure that is not this school's now.
_APPROXIMATE_BEFORE = re.compile(r"(约|近|超过|逾|不足|不到|将近|接近|大约)\s*$")
_APPROXIMATE_AFTER = re.compile(r"^\s*(余|多|以上|以下|左右|上下|强|弱)")
_ELSEWHERE = re.compile(r"全国|全省|全市|全区|全县|各地|省内|市内|平均水平|兄弟学校")
_INTENT = re.compile(
    r"力争|目标|计划|预计|争取|将达|将提高|将提升|确保|要求|标准|不低于|不少于|应达"
)
_CHANGE = re.compile(r"较|比上|同比|环比|增长|增加|减少|下降|提高|提升|上升|降低|增幅|降幅|翻")
_YEAR = re.compile(r"(20\d\d)\s*(?:年|届|—|-|–|至)")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_END = re.compile(r"[，,。！？!?；;\n]")
_QUOTES = re.compile(r"[“”\"'‘’「」『』]")


@dataclass(frozen=True)
class Term:
    """A name a narrative uses for an indicator: a submitted count or amount, or a figure."""

    text: str
    indicator: str
    derived: bool


@dataclass(frozen=True)
class Claim:
    """A number the narrative attaches to an indicator."""

    quote: str  # from the indicator's name to the number, as written
    term: Term
    value: float  # in the unit the figure is printed in (45 for 45%)
    step: float  # one unit of the last digit written: the rounding allowed
    unit: str  # percent, ratio or a spec unit
    of: str | None = None  # the words after 占: what the narrative says it is a share of
    context: str = ""  # the sentence, where the 口径 may be named (不含顶岗实习学生)


@dataclass(frozen=True)
class Figure:
    """A figure the workbook gives, as a narrative's number is compared with it."""

    name: str  # what the message calls it
    name_en: str
    value: float  # in the printed unit
    unit: str
    caliber: str = ""  # the 口径 of a second figure, empty for the primary one


def _label(name: str) -> str:
    """A name as a message prints it inside its own quotes: “双师型”教师 → 双师型教师."""
    return name.replace("“", "").replace("”", "")


def _plain(text: str) -> str:
    return _QUOTES.sub("", unicodedata.normalize("NFKC", text))


def _plain_with_origin(text: str) -> tuple[str, list[int]]:
    """The text as it is matched (NFKC, no quotes), and for each of its characters the position
    of the character it came from, so a quote prints what the school wrote."""
    plain: list[str] = []
    origin: list[int] = []
    for position, char in enumerate(text):
        if _QUOTES.match(char):
            continue
        for piece in unicodedata.normalize("NFKC", char):
            plain.append(piece)
            origin.append(position)
    return "".join(plain), origin


def vocabulary(spec: Spec) -> list[Term]:
    """Every name a narrative may use for an indicator, longest first (so 对口就业率 wins over
    就业率). A count's name is also taken without its trailing 数 (在校生数 → 在校生) when three
    characters or more remain: 就业 and 升学 alone say too little."""
    terms: dict[str, Term] = {}
    for field in spec.indicators:
        if not field.is_numeric or field.id == "year":
            continue
        for name in (field.name, *field.aliases):
            for text in _forms(name, field):
                terms.setdefault(text, Term(text, field.id, False))
    for derived in spec.derived:
        if derived.variant_of is not None:
            continue  # a second figure is found through its primary figure and its 口径 words
        for name in (derived.name, *derived.aliases):
            text = _plain(label_key(name))
            terms.setdefault(text, Term(text, derived.id, True))
    return sorted(terms.values(), key=lambda t: -len(t.text))


def _forms(name: str, field: Field) -> list[str]:
    base = _plain(label_key(name))
    forms = [base]
    for suffix in ("人数", "数量", "数"):
        if base.endswith(suffix) and len(base) - len(suffix) >= 3:
            forms.append(base[: -len(suffix)])
            break
    if field.unit == "人次" and base.endswith("人次") and len(base) > 5:
        forms.append(base[:-2])
    return forms


def claims(text: str, spec: Spec, year: int | None) -> list[Claim]:
    """The numbers a narrative clearly attaches to an indicator's name."""
    index = _index(spec)
    plain, origin = _plain_with_origin(text)
    found: list[Claim] = []
    start = 0
    for end_match in [*_SENTENCE_END.finditer(plain), None]:
        end = end_match.start() if end_match else len(plain)
        sentence = plain[start:end]
        if not _about_elsewhere(sentence, year):
            for claim, (begin, stop) in _sentence_claims(sentence, index):
                quote = text[origin[start + begin] : origin[start + stop - 1] + 1]
                # The message quotes it in “…”: quotes of its own (“双师型”) would nest.
                quote = _QUOTES.sub("", quote).strip()
                found.append(dataclasses.replace(claim, quote=quote))
        start = end + 1
    return found


def _about_elsewhere(sentence: str, year: int | None) -> bool:
    if _ELSEWHERE.search(sentence) or _INTENT.search(sentence):
        return True
    years = {int(y) for y in _YEAR.findall(sentence)}
    return bool(years and (year is None or years - {year, year - 1}))


@dataclass(frozen=True)
class _Index:
    terms: tuple[Term, ...]
    pattern: re.Pattern[str]  # every term, longest first
    by_text: dict[str, Term]


_INDEXES: dict[str, _Index] = {}


def _index(spec: Spec) -> _Index:
    """The spec's vocabulary, made once per spec (its fingerprint): one alternation, longest
    first, so at each position the longest name wins (对口就业率 over 就业率)."""
    key = spec.fingerprint or str(id(spec))
    if key not in _INDEXES:
        terms = tuple(vocabulary(spec))
        pattern = re.compile("|".join(re.escape(term.text) for term in terms))
        _INDEXES[key] = _Index(terms, pattern, {term.text: term for term in terms})
    return _INDEXES[key]


def _mentions(sentence: str, index: _Index) -> list[tuple[int, int, Term]]:
    """Where terms stand in a sentence, leftmost first, never overlapping."""
    return [
        (m.start(), m.end(), index.by_text[m.group()]) for m in index.pattern.finditer(sentence)
    ]


def _numbers(sentence: str) -> list[tuple[int, int, float, float, str]]:
    """(start, end, value, step, unit) of each number with a unit, in order."""
    numbers: list[tuple[int, int, float, float, str]] = []
    taken: set[int] = set()
    for match in _PERCENT.finditer(sentence):
        value, step = _read(match.group("number"))
        numbers.append((match.start(), match.end(), value, step, "percent"))
        taken.update(range(match.start(), match.end()))
    for match in _RATIO.finditer(sentence):
        if taken & set(range(match.start(), match.end())):
            continue
        left, left_step = _read(match.group("left"))
        right, right_step = _read(match.group("right"))
        if left == 1 and right != 1:  # 师生比 1:17.3
            numbers.append((match.start(), match.end(), right, right_step, "ratio"))
        elif right == 1:  # 生师比 17.3:1
            numbers.append((match.start(), match.end(), left, left_step, "ratio"))
        taken.update(range(match.start(), match.end()))
    for match in _AMOUNT.finditer(sentence):
        if taken & set(range(match.start(), match.end())):
            continue
        value, step = _read(match.group("number"))
        unit, factor = _UNITS[match.group("unit")]
        if match.group("wan"):
            factor *= 10_000
        numbers.append((match.start(), match.end(), value * factor, step * factor, unit))
    return sorted(numbers)


def _read(text: str) -> tuple[float, float]:
    digits = text.replace(",", "")
    decimals = len(digits.partition(".")[2])
    return float(digits), 10.0**-decimals


def _sentence_claims(sentence: str, index: _Index) -> list[tuple[Claim, tuple[int, int]]]:
    """The claims of one sentence, each with where its quote begins and ends."""
    mentions = _mentions(sentence, index)
    # A name right after 占 says what a share is of; the subject is the name before it.
    subjects = [
        m for m in mentions if not sentence[max(0, m[0] - 2) : m[0]].rstrip().endswith("占")
    ]
    clause_ends = [m.start() for m in _CLAUSE_END.finditer(sentence)]
    found = []
    for start, stop, value, step, unit in _numbers(sentence):
        at = bisect.bisect_right([m[1] for m in subjects], start) - 1
        if at < 0:
            continue
        begin, end, term = subjects[at]
        gap = sentence[end:start]
        if len(gap) > 40:
            continue
        clause = bisect.bisect_left(clause_ends, start)
        clause_start = clause_ends[clause - 1] + 1 if clause else 0
        clause_stop = clause_ends[clause] if clause < len(clause_ends) else len(sentence)
        if (
            _APPROXIMATE_BEFORE.search(sentence[max(0, start - 4) : start])
            or _APPROXIMATE_AFTER.match(sentence[stop : stop + 3])
            or _CHANGE.search(sentence[clause_start:clause_stop])
            or _about_a_specialty(sentence[max(0, begin - 12) : begin])
        ):
            continue
        between = any(end <= m[0] < start for m in mentions)
        share = _SHARE_OF.match(gap)
        if share and unit == "percent":
            of = share.group("of").strip() or None
        elif _LINK_ONLY.match(gap) and not between:
            if unit == "percent" and not term.derived:
                continue  # 双师型教师45%: a share, but of what the words do not say
            of = None
        else:
            continue
        claim = Claim(sentence[begin:stop], term, value, step, unit, of, sentence)
        found.append((claim, (begin, stop)))
    return found


def _about_a_specialty(before: str) -> bool:
    # 护理专业就业率, 计算机应用专业双师型教师: a specialty's figure, not the school's.
    clause = _CLAUSE_END.split(before)[-1].rstrip()
    return clause.endswith(("专业", "专业的", "班", "系", "部"))


# ---- the workbook's figures ---------------------------------------------------------------


def _value(values: dict[str, CellValue], indicator: str) -> float | None:
    cell = values.get(indicator)
    if cell is None or isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
        return None
    return float(cell.value)


def _side(values: dict[str, CellValue], added: tuple[str, ...], less: tuple[str, ...]):
    parts = [_value(values, t) for t in added + less]
    if any(p is None for p in parts):
        return None
    return sum(parts[: len(added)]) - sum(parts[len(added) :])  # type: ignore[arg-type]


def derived_value(derived: Derived, values: dict[str, CellValue]) -> float | None:
    """A derived figure from one workbook's values, as the views compute it."""
    numerator = _side(values, derived.numerator, derived.numerator_less)
    denominator = _side(values, derived.denominator, derived.denominator_less)
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _printed(derived: Derived, value: float) -> float:
    return value * 100 if derived.unit == "percent" else value


def _figures_for(claim: Claim, spec: Spec, values: dict[str, CellValue]) -> list[Figure]:
    """The figures the claim is held against: the one its words name first, then the others
    counting the same thing in another 口径."""
    term = claim.term
    if term.derived:
        primary = spec.derived_by_id[term.indicator]
        options = [primary, *spec.variants(primary.id)]
        return _derived_figures(options, claim, values)
    field = spec.indicator_by_id[term.indicator]
    if claim.unit != "percent":
        value = _value(values, field.id)
        if value is None or claim.unit != field.unit:
            return []
        return [Figure(_label(field.name), field.name_en, value, field.unit)]
    # A share of a count: the figures whose numerator is this count.
    options = [
        d
        for d in spec.derived
        if d.numerator == (field.id,) and not d.numerator_less and d.unit == "percent"
    ]
    options.sort(key=lambda d: d.variant_of is not None)
    if claim.of and not any(_names(claim.of, d) for d in options):
        # 占教职工的20%: a share of another count, where no figure is declared for it; a share
        # of something the spec does not count (全体教师) cannot be told apart, so it is left.
        own = _share_of_named_count(claim, field, spec, values)
        return [own, *_derived_figures(options, claim, values)] if own else []
    return _derived_figures(options, claim, values)


def _derived_figures(options: list[Derived], claim: Claim, values) -> list[Figure]:
    units = {"percent": "percent", "ratio": "ratio"}
    figures = []
    computed: list[tuple[Figure, Derived]] = []
    for derived in options:
        if units.get(derived.unit, derived.unit) != claim.unit:
            continue
        value = derived_value(derived, values)
        if value is None:
            continue
        figure = Figure(
            _label(derived.name),
            derived.name_en,
            _printed(derived, value),
            claim.unit,
            derived.caliber if derived.variant_of else "",
        )
        figures.append(figure)
        computed.append((figure, derived))
    # The figure the words name comes first: by what it is a share of (占专任教师), or by its
    # 口径 named in the sentence (生师比17.3:1（不含顶岗实习学生）).
    named = [
        figure
        for figure, derived in computed
        if (claim.of and _names(claim.of, derived)) or _caliber_named(claim.context, derived)
    ]
    if named:
        figures.remove(named[0])
        figures.insert(0, named[0])
    return figures


def _caliber_named(context: str, derived: Derived) -> bool:
    if derived.variant_of is None or not derived.caliber:
        return False
    words = _plain(derived.caliber).removesuffix("学生")
    return len(words) >= 3 and words in context


def _names(of: str, derived: Derived) -> bool:
    """Whether the words after 占 name this figure's denominator (专业课教师, 专任教师 …)."""
    return bool(derived.denominator_name) and _plain(derived.denominator_name) == _plain(of).rstrip(
        "的"
    )


def _share_of_named_count(claim: Claim, field: Field, spec: Spec, values) -> Figure | None:
    """占教职工的20%: the count over the count its words name, where no figure is declared."""
    of = _plain(claim.of or "")
    for term in _index(spec).terms:
        if not term.derived and term.text == of:
            numerator, denominator = _value(values, field.id), _value(values, term.indicator)
            if numerator is None or not denominator:
                return None
            name = f"{_forms(field.name, field)[-1]}占{of}比例"
            name_en = f"{field.name_en} as a share of {term.indicator}"
            return Figure(name, name_en, numerator / denominator * 100, "percent")
    return None


def _agrees(claim: Claim, figure: Figure) -> bool:
    # Within one unit of the last digit written: rounded, cut off or rounded up, all agree.
    return math.isclose(claim.value, figure.value) or abs(claim.value - figure.value) < claim.step


def shown(figure: Figure) -> str:
    """A figure as the message prints it: 82.4%, 25.1:1, 3539人."""
    from ..numbers import format_value

    if figure.unit == "percent":
        return format_value(figure.value / 100, "percent")
    return format_value(figure.value, figure.unit)


def check_narratives(
    spec: Spec,
    texts: dict[str, str],
    cells: dict[str, tuple[str, str]],
    values: dict[str, CellValue],
    report: Report,
) -> None:
    """A warning at the narrative cell for each number that differs from the workbook's own
    figure beyond rounding, quoting both; silent where the narrative agrees."""
    year_cell = values.get("year")
    year = year_cell.value if year_cell and isinstance(year_cell.value, int) else None
    sections = {n.id: n for n in spec.narratives}
    for section_id, text in texts.items():
        for claim in claims(text, spec, year):
            figures = _figures_for(claim, spec, values)
            if not figures or _agrees(claim, figures[0]):
                continue
            agreeing = [f for f in figures[1:] if _agrees(claim, f)]
            sheet, cell = cells[section_id]
            section = sections[section_id]
            hint_zh = hint_en = ""
            if agreeing:
                other = agreeing[0]
                words = other.caliber or other.name
                hint_zh = f"；按“{words}”的口径为{shown(other)}，与文字相符，请在文字中写明口径"
                hint_en = (
                    f"; counted as “{words}” it is {shown(other)}, as the text says: "
                    "say which 口径 the text uses"
                )
            report(
                "narrative-figure-mismatch",
                sheet=sheet,
                cell=cell,
                label=section.name,
                label_en=section.name_en,
                indicator=claim.term.indicator,
                found=claim.quote,
                expected=shown(figures[0]),
                figure=figures[0].name,
                figure_en=figures[0].name_en[:1].lower() + figures[0].name_en[1:],
                other_caliber=hint_zh,
                other_caliber_en=hint_en,
            )
