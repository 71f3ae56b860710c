"""The bureau's own chapters of the city report, written in Word: read, checked, and skeleton.

Why a Word document and not a workbook: the bureau's chapters are pages of prose with cases and
photos, which editors write and revise in Word (tracked changes, pictures where they belong);
a spreadsheet cell is a poor place for them. The document has one Heading 1 per section of the
city outline (`qualityreport template --city` writes the skeleton); under a heading its
paragraphs are that section's text; a Heading 2 that starts with 案例 opens a case (its title),
whose paragraphs and first picture (with a following "图…" line as caption) belong to the case.
Paragraphs in the 写作提示 style are hints and are never read.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .city import CityConfig
from .findings import Finding, FindingCounts, make_finding
from .layout import label_key
from .outline import Outline, Section, outline_for

HINT_STYLE = "写作提示"
MARKER = "qualityreport/city-text"
FILE_MAX = 50 * 1024 * 1024  # bytes of the .docx
UNPACKED_MAX = 200 * 1024 * 1024  # bytes once unzipped: a bomb is refused before it is opened
PHOTO_MAX = 10 * 1024 * 1024
PHOTO_TYPES = {"image/png", "image/jpeg", "image/gif"}
_HEADING = re.compile(r"^(heading|标题)\s*([1-9])$", re.I)
_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．]\s*)")
_CASE = re.compile(r"^\s*(?:典型)?案例\s*[0-9一二三四五六七八九十]*\s*[:：.、．]?\s*")
_CAPTION = re.compile(r"^\s*(图|照片)")


@dataclass(frozen=True)
class CaseText:
    section_id: str
    title: str
    text: str
    photo: bytes | None = None
    photo_type: str | None = None
    caption: str = ""


@dataclass(frozen=True)
class CityText:
    """What the bureau's document says for one year, by the outline's text ids."""

    year: int
    outline_id: str
    sections: dict[str, str]
    cases: tuple[CaseText, ...] = ()


@dataclass(frozen=True)
class CityTextResult(FindingCounts):
    file: str
    findings: tuple[Finding, ...]
    text: CityText | None
    sha256: str | None = None

    @property
    def valid(self) -> bool:
        return self.text is not None and self.errors == 0


@dataclass
class _Reading:
    file: str
    outline: Outline
    findings: list[Finding] = field(default_factory=list)
    texts: dict[str, list[str]] = field(default_factory=dict)
    cases: list[dict] = field(default_factory=list)

    def report(self, code: str, **kwargs) -> None:
        self.findings.append(make_finding(code, self.file, **kwargs))


def _heading_level(paragraph) -> int | None:
    style = paragraph.style
    while style is not None:
        found = _HEADING.match(style.name or "")
        if found:
            return int(found.group(2))
        style = style.base_style
    outline_level = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    return int(outline_level[0]) + 1 if outline_level else None


def _is_hint(paragraph) -> bool:
    style = paragraph.style
    return style is not None and style.name == HINT_STYLE


def _pictures(paragraph, document) -> list[tuple[bytes, str]]:
    found = []
    for rid in paragraph._p.xpath(".//a:blip/@r:embed"):
        part = document.part.related_parts.get(rid)
        if part is not None:
            found.append((part.blob, part.content_type))
    return found


def _top_sections(outline: Outline) -> dict[str, Section]:
    """Sections the document has a Heading 1 for: the outline's sections that print text."""
    return {label_key(s.title): s for s in outline.sections}


def _unpacked_size(data: bytes) -> int | None:
    """Bytes the document inflates to, counted by inflating it (a zip's headers may lie), and
    no further than the limit."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                with archive.open(info) as member:
                    while chunk := member.read(1 << 20):
                        total += len(chunk)
                        if total > UNPACKED_MAX:
                            return total
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return None  # python-docx then says it is not a document
    return total


def read_city_text(
    path: str | Path,
    *,
    year: int | None = None,
    outline: str | None = None,
) -> CityTextResult:
    """Read and check the bureau's document: every Heading 1 must be a section of the outline
    (an unknown one is an error: its text would be lost), every outline section with text
    should have its heading (a missing one is a warning: the report prints 本部分未填写)."""
    path = Path(path)
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        finding = make_finding(
            "file-missing" if not path.exists() else "document-unreadable",
            file,
            reason=exc.strerror or str(exc),
            reason_en=str(exc),
        )
        return CityTextResult(file, (finding,), None)
    sha256 = hashlib.sha256(data).hexdigest()
    unpacked = _unpacked_size(data)
    if len(data) > FILE_MAX or (unpacked is not None and unpacked > UNPACKED_MAX):
        size = max(len(data), unpacked or 0)
        finding = make_finding(
            "file-too-large",
            file,
            found=size,
            expected=UNPACKED_MAX,
            measure="大小",
            measure_en="size",
        )
        return CityTextResult(file, (finding,), None, sha256)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a file that is not a document
        finding = make_finding(
            "document-unreadable", file, reason=type(exc).__name__, reason_en=str(exc)[:200]
        )
        return CityTextResult(file, (finding,), None, sha256)
    properties = document.core_properties
    said = dict(
        item.split("=", 1) for item in (properties.keywords or "").split(";") if "=" in item
    )
    if year is None and said.get("year", "").isdigit():
        year = int(said["year"])
    if year is None:
        finding = make_finding("document-year-missing", file)
        return CityTextResult(file, (finding,), None, sha256)
    chosen = outline_for("city", year, outline or said.get("outline") or None)
    reading = _Reading(file, chosen)
    _read_body(document, reading)
    _check_sections(reading)
    text = CityText(
        year=year,
        outline_id=chosen.id,
        sections={k: "\n".join(v) for k, v in reading.texts.items() if v},
        cases=tuple(
            CaseText(
                section_id=c["section"],
                title=c["title"],
                text="\n".join(c["text"]),
                photo=c["photo"][0] if c["photo"] else None,
                photo_type=c["photo"][1] if c["photo"] else None,
                caption=c["caption"],
            )
            for c in reading.cases
        ),
    )
    return CityTextResult(file, tuple(reading.findings), text, sha256)


def _read_body(document, reading: _Reading) -> None:
    sections = _top_sections(reading.outline)
    seen: set[str] = set()
    current: Section | None = None
    case: dict | None = None
    last_was_photo = False
    for number, paragraph in enumerate(document.paragraphs, start=1):
        where = f"第{number}段"
        if _is_hint(paragraph):
            continue
        text = paragraph.text.strip()
        level = _heading_level(paragraph)
        if level == 1:
            title = _NUMBER.sub("", text)
            current, case = sections.get(label_key(title)), None
            if current is None:
                expected = "、".join(s.title for s in reading.outline.sections)
                reading.report("chapter-unknown", sheet=where, found=text, expected=expected)
            elif current.id in seen:
                reading.report("chapter-repeated", sheet=where, found=text)
            else:
                seen.add(current.id)
                reading.texts.setdefault(current.text or current.id, [])
            continue
        if current is None:
            continue  # the title and anything before the first chapter
        if level == 2 and _CASE.match(text):
            case = {
                "section": current.id,
                "title": _CASE.sub("", text) or text,
                "text": [],
                "photo": None,
                "caption": "",
            }
            reading.cases.append(case)
            last_was_photo = False
            continue
        pictures = _pictures(paragraph, document)
        if pictures and case is not None:
            blob, kind = pictures[0]
            if kind not in PHOTO_TYPES or len(blob) > PHOTO_MAX:
                reading.report("photo-unusable", sheet=where, found=kind, expected="PNG、JPEG、GIF")
            elif case["photo"] is None:
                case["photo"] = (blob, kind)
            last_was_photo = True
            if not text:
                continue
        elif pictures:
            reading.report("photo-outside-case", sheet=where)
        if not text:
            continue
        if case is not None:
            if last_was_photo and _CAPTION.match(text) and not case["caption"]:
                case["caption"] = text
            else:
                case["text"].append(text)
        else:
            reading.texts.setdefault(current.text or current.id, []).append(text)
        last_was_photo = False


def _check_sections(reading: _Reading) -> None:
    for section in reading.outline.sections:
        key = section.text or section.id
        if section.text is None:
            continue
        if key not in reading.texts:
            reading.report("chapter-missing", label=section.title, label_en=section.title_en)
        elif (
            section.required
            and not reading.texts[key]
            and not any(c["section"] == section.id for c in reading.cases)
        ):
            reading.report("chapter-empty", label=section.title, label_en=section.title_en)


def write_skeleton(
    path: str | Path, year: int, *, city: CityConfig | None = None, outline: str | None = None
) -> Path:
    """The bureau's document to fill in: the report's title, then one Heading 1 for each
    section of the year's city outline, each with a hint of what to write (in a style the
    reader skips)."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    chosen = outline_for("city", year, outline)
    document = docx.Document()
    hint = document.styles.add_style(HINT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    hint.base_style = document.styles["Normal"]
    hint.font.italic = True
    hint.font.size = Pt(9)
    hint.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    properties = document.core_properties
    name = city.name if city else ""
    properties.title = f"{name}中等职业教育质量年度报告（{year}年度）"
    properties.subject = MARKER
    properties.keywords = f"year={year};outline={chosen.id}"
    properties.author = city.issuer if city else ""
    document.add_paragraph(properties.title, style="Title")
    document.add_paragraph(
        "写作提示：每个一级标题（“标题 1”样式）对应报告的一章，请勿改动标题文字；在标题下写正文。"
        "典型案例用“标题 2”样式写一行“案例：标题”，其下写正文，可插入照片，照片下一行写“图：说明”。"
        "灰色斜体的写作提示不会印入报告。",
        style=HINT_STYLE,
    )
    for section in chosen.sections:
        if section.text is None:
            continue
        document.add_heading(section.title, level=1)
        wanted = "（必填）" if section.required else ""
        document.add_paragraph(
            f"写作提示{wanted}：{section.hint or section.title}", style=HINT_STYLE
        )
        if section.cases:
            document.add_paragraph(
                "本章的案例：每个案例一个“标题 2”，如“案例：校企共建产业学院”，其下写正文和照片。",
                style=HINT_STYLE,
            )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))
    return target
