"""Read a workbook into grids of cell text with their real positions, refusing unusable files early."""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile file from exhausting memory or time."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_inflated_bytes: int = 300 * 1024 * 1024
    max_rows: int = 100_000
    max_inspected_sheet_bytes: int = 30 * 1024 * 1024


@dataclass(frozen=True)
class Sheet:
    """One sheet as text: rows[0] is Excel row 1 and rows[r][0] is column A."""

    name: str
    visible: bool
    rows: list[list[str | None]]
    total_rows: int
    formulas: dict[str, str | None] = field(default_factory=dict)  # A1 → cached value text
    merged: tuple[str, ...] = ()

    def cell(self, row: int, col: int) -> str | None:
        """Text of the cell at a 1-based row and 0-based column, None when empty."""
        if row < 1 or row > len(self.rows):
            return None
        values = self.rows[row - 1]
        return values[col] if col < len(values) else None


@dataclass(frozen=True)
class Workbook:
    path: Path
    sha256: str
    sheets: dict[str, Sheet]


class UnreadableFile(Exception):
    """The file cannot be read as a workbook; code is a finding code of the file-* family."""

    def __init__(self, code: str, reason: str = "", found=None, expected=None):
        super().__init__(reason or code)
        self.code, self.reason, self.found, self.expected = code, reason, found, expected


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


def check_file(path: Path, limits: Limits) -> None:
    """Raise UnreadableFile for what no reader should be handed: missing, empty, huge, encrypted."""
    if not path.is_file():
        raise UnreadableFile("file-missing")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile("file-empty")
    if size > limits.max_file_bytes:
        raise UnreadableFile("file-too-large", found=_megabytes(size),
                             expected=_megabytes(limits.max_file_bytes))
    with open(path, "rb") as handle:
        head = handle.read(8)
        if head == _OLE_MAGIC:
            # An encrypted .xlsx is an OLE container holding an EncryptionInfo stream;
            # a plain OLE file is an old .xls, which calamine reads.
            if _ENCRYPTION_STREAM in handle.read(1 << 20):
                raise UnreadableFile("file-encrypted")
            return
    if head[:4] != b"PK\x03\x04":
        raise UnreadableFile("file-not-workbook", "不是 xlsx/xls/ods 格式 / not an xlsx, xls or ods file")
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
            if inflated > limits.max_inflated_bytes:
                raise UnreadableFile("file-too-large", found=f"解压后 {_megabytes(inflated)}",
                                     expected=_megabytes(limits.max_inflated_bytes))
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("file-not-workbook", f"压缩包损坏 / corrupt zip: {exc}") from None
    if "xl/workbook.xml" not in names and "content.xml" not in names:
        raise UnreadableFile("file-not-workbook", "压缩包中没有工作簿 / the zip holds no workbook")


_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
_RELATIONSHIP_TAG = re.compile(r"<Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')
_FORMULA_CELL = re.compile(
    r'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*>\s*<f\b[^>]*?(?:/>|>.*?</f>)\s*(?:<v>(.*?)</v>)?', re.S)
_MERGE = re.compile(r'<mergeCell\b[^>]*?ref="([^"]*)"')


def _unescape(name: str) -> str:
    return (name.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def inspect_xlsx(path: Path, limits: Limits) -> dict[str, tuple[dict[str, str | None], tuple[str, ...]]]:
    """Formula cells (with cached values) and merged ranges per sheet name, from the sheet XML.

    calamine hands back only cached values, so whether a cell holds a formula, and which cells
    are merged, has to come from the file itself.
    """
    found: dict[str, tuple[dict[str, str | None], tuple[str, ...]]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            targets = {}
            for tag in _RELATIONSHIP_TAG.findall(rels):
                attributes = dict(_ATTRIBUTE.findall(tag))
                targets[attributes.get("Id")] = attributes.get("Target", "")
            for tag in _SHEET_TAG.findall(workbook):
                attributes = dict(_ATTRIBUTE.findall(tag))
                name, target = attributes.get("name", ""), targets.get(attributes.get("r:id"), "")
                member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                try:
                    info = archive.getinfo(member)
                except KeyError:
                    continue
                if info.file_size > limits.max_inspected_sheet_bytes:
                    continue
                xml = archive.read(member).decode("utf-8", "replace")
                formulas = {ref: value for ref, value in _FORMULA_CELL.findall(xml)} if "<f" in xml else {}
                found[_unescape(name)] = (formulas, tuple(_MERGE.findall(xml)))
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    return found


def read_workbook(path: str | Path, limits: Limits | None = None) -> Workbook:
    """Every sheet of a workbook as text at its real position; UnreadableFile when that fails."""
    import fastexcel

    path = Path(path)
    limits = limits or Limits()
    check_file(path, limits)
    try:
        reader = fastexcel.read_excel(path)
        visibility = {}
        sheets: dict[str, Sheet] = {}
        names = reader.sheet_names
        for index, name in enumerate(names):
            sheet = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string",
                                      n_rows=limits.max_rows)
            visibility[name] = sheet.visible == "visible"
            sheets[name] = _grid(name, sheet, visibility[name])
    except UnreadableFile:
        raise
    except Exception as exc:  # calamine reports corrupt content in many exception types
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "password" in text.lower() or "encrypt" in text.lower():
            raise UnreadableFile("file-encrypted") from None
        raise UnreadableFile("file-not-workbook", text[:200]) from None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        for name, (formulas, merged) in inspect_xlsx(path, limits).items():
            if name in sheets:
                old = sheets[name]
                sheets[name] = Sheet(old.name, old.visible, old.rows, old.total_rows, formulas, merged)
    return Workbook(path=path, sha256=file_sha256(path), sheets=sheets)


def _grid(name: str, sheet, visible: bool) -> Sheet:
    columns = sheet.available_columns()
    frame = sheet.to_polars()
    if frame.width == 0:
        return Sheet(name, visible, [], 0)
    width = max(c.absolute_index for c in columns) + 1
    positions = [c.absolute_index for c in columns]
    rows: list[list[str | None]] = []
    for values in frame.iter_rows():
        row: list[str | None] = [None] * width
        for position, value in zip(positions, values, strict=True):
            row[position] = value
        rows.append(row)
    while rows and not any(v is not None and v.strip() for v in rows[-1]):
        rows.pop()
    return Sheet(name, visible, rows, sheet.total_height)
