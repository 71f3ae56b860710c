"""Read a workbook into grids of cell text with their real positions, refusing unusable files early."""

from __future__ import annotations

import hashlib
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import first_line

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile file from exhausting memory or time."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_inflated_bytes: int = 300 * 1024 * 1024  # counted while inflating: headers can lie
    max_rows: int = 100_000  # per sheet, counted in the sheet XML before calamine loads it all
    max_cells: int = 2_000_000  # per sheet: calamine holds every cell of a sheet in memory
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
    macros: bool = False  # a VBA project or Excel 4.0 macro sheets; never run, but reported


class UnreadableFile(Exception):
    """The file cannot be read as a workbook; code is a finding code of the file-* family."""

    def __init__(self, code: str, reason: str = "", found=None, expected=None, sheet=None):
        super().__init__(reason or code)
        self.code, self.reason, self.found, self.expected = code, reason, found, expected
        self.sheet = sheet


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
        raise UnreadableFile(
            "file-too-large", found=_megabytes(size), expected=_megabytes(limits.max_file_bytes)
        )
    with open(path, "rb") as handle:
        head = handle.read(8)
        if head == _OLE_MAGIC:
            # An encrypted .xlsx is an OLE container holding an EncryptionInfo stream;
            # a plain OLE file is an old .xls, which calamine reads.
            if _ENCRYPTION_STREAM in handle.read(1 << 20):
                raise UnreadableFile("file-encrypted")
            return
    if head[:4] != b"PK\x03\x04":
        raise UnreadableFile(
            "file-not-workbook", "不是 xlsx/xls/ods 格式 / not an xlsx, xls or ods file"
        )
    try:
        _check_zip(path, limits)
    except (zipfile.BadZipFile, zlib.error, struct.error, EOFError) as exc:
        raise UnreadableFile("file-not-workbook", f"压缩包损坏 / corrupt zip: {exc}") from None


_CHUNK = 1 << 20
_MACRO_PARTS = ("vbaProject.bin", "xl/macrosheets/")


def _check_zip(path: Path, limits: Limits) -> None:
    """Inflate every member once, counting bytes, rows and cells, before any reader sees the file.

    The sizes in a zip's headers are whatever its writer put there, so a bomb can claim a few
    kilobytes; only inflating (in bounded chunks) tells the truth.
    """
    with zipfile.ZipFile(path) as archive, open(path, "rb") as raw:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names and "content.xml" not in names:
            raise UnreadableFile(
                "file-not-workbook", "压缩包中没有工作簿 / the zip holds no workbook"
            )
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_inflated_bytes:
            raise UnreadableFile(
                "file-too-large",
                found=f"解压后 {_megabytes(declared)}",
                expected=_megabytes(limits.max_inflated_bytes),
            )
        small = (
            "xl/workbook.xml" in names and archive.getinfo("xl/workbook.xml").file_size < _CHUNK * 8
        )
        sheets = _sheet_members(archive) if small else {}
        total = 0
        for info in infos:
            is_sheet = info.filename in sheets or (
                info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            )
            counter = _Counter() if is_sheet else None
            total += _inflate(raw, info, limits.max_inflated_bytes - total, counter)
            if total > limits.max_inflated_bytes:
                raise UnreadableFile(
                    "file-too-large",
                    found=f"解压后超过 {_megabytes(total)}",
                    expected=_megabytes(limits.max_inflated_bytes),
                )
            if counter and (counter.rows > limits.max_rows or counter.cells > limits.max_cells):
                over_rows = counter.rows > limits.max_rows
                raise UnreadableFile(
                    "file-too-many-rows",
                    sheet=sheets.get(info.filename, info.filename),
                    found=f"{counter.rows} 行" if over_rows else f"{counter.cells} 个单元格",
                    expected=f"{limits.max_rows} 行"
                    if over_rows
                    else f"{limits.max_cells} 个单元格",
                )


class _Counter:
    """Counts row and cell elements in sheet XML arriving in chunks (a tag may straddle two)."""

    def __init__(self):
        self.rows = self.cells = 0
        self.tail = b""

    def feed(self, data: bytes) -> None:
        text = self.tail + data
        self.rows += text.count(b"<row") + text.count(b":row ")
        self.cells += text.count(b"<c ") + text.count(b":c ")
        self.tail = text[-4:]
        # drop what the tail already counted, so nothing is counted twice
        self.rows -= self.tail.count(b"<row") + self.tail.count(b":row ")
        self.cells -= self.tail.count(b"<c ") + self.tail.count(b":c ")

    def close(self) -> None:
        self.feed(b"     ")


def _inflate(raw, info: zipfile.ZipInfo, budget: int, counter: _Counter | None) -> int:
    """The member's real inflated size, stopping once it passes budget."""
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        if counter:
            while left > 0 and (chunk := raw.read(min(_CHUNK, left))):
                left -= len(chunk)
                counter.feed(chunk)
            counter.close()
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile(
            f"unsupported compression {info.compress_type} for {info.filename}"
        )
    inflater, size = zlib.decompressobj(-15), 0
    while left > 0 and not inflater.eof and size <= budget:
        # small compressed reads: each may inflate a thousandfold, and tails are copied per call
        chunk = raw.read(min(_CHUNK >> 4, left))
        if not chunk:
            break
        left -= len(chunk)
        data = inflater.decompress(chunk, _CHUNK)
        while True:
            size += len(data)
            if counter:
                counter.feed(data)
            if not inflater.unconsumed_tail or size > budget:
                break
            data = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
    if counter:
        counter.close()
    return size


def _has_macros(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(part in name for name in archive.namelist() for part in _MACRO_PARTS)
    except (zipfile.BadZipFile, OSError):
        return False


_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
_RELATIONSHIP_TAG = re.compile(r"<Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')
_FORMULA_CELL = re.compile(
    r'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*>\s*<f\b[^>]*?(?:/>|>.*?</f>)\s*(?:<v>(.*?)</v>)?', re.S
)
_MERGE = re.compile(r'<mergeCell\b[^>]*?ref="([^"]*)"')


def _unescape(name: str) -> str:
    return (
        name.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def inspect_xlsx(
    path: Path, limits: Limits
) -> dict[str, tuple[dict[str, str | None], tuple[str, ...]]]:
    """Formula cells (with cached values) and merged ranges per sheet name, from the sheet XML.

    calamine hands back only cached values, so whether a cell holds a formula, and which cells
    are merged, has to come from the file itself.
    """
    found: dict[str, tuple[dict[str, str | None], tuple[str, ...]]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for member, name in _sheet_members(archive).items():
                if archive.getinfo(member).file_size > limits.max_inspected_sheet_bytes:
                    continue
                xml = archive.read(member).decode("utf-8", "replace")
                formulas = (
                    {ref: value for ref, value in _FORMULA_CELL.findall(xml)} if "<f" in xml else {}
                )
                found[name] = (formulas, tuple(_MERGE.findall(xml)))
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    return found


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Zip member of each worksheet → the sheet's name, from workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {}
    for tag in _RELATIONSHIP_TAG.findall(rels):
        attributes = dict(_ATTRIBUTE.findall(tag))
        targets[attributes.get("Id")] = attributes.get("Target", "")
    members = {}
    names = set(archive.namelist())
    for tag in _SHEET_TAG.findall(workbook):
        attributes = dict(_ATTRIBUTE.findall(tag))
        name, target = attributes.get("name", ""), targets.get(attributes.get("r:id"), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if member in names:
            members[member] = _unescape(name)
    return members


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
            sheet = reader.load_sheet(
                index, header_row=None, skip_rows=0, dtypes="string", n_rows=limits.max_rows
            )
            visibility[name] = sheet.visible == "visible"
            sheets[name] = _grid(name, sheet, visibility[name])
    except UnreadableFile:
        raise
    except Exception as exc:  # calamine reports corrupt content in many exception types
        text = first_line(exc)
        if "password" in text.lower() or "encrypt" in text.lower():
            raise UnreadableFile("file-encrypted") from None
        raise UnreadableFile("file-not-workbook", text[:200]) from None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        for name, (formulas, merged) in inspect_xlsx(path, limits).items():
            if name in sheets:
                old = sheets[name]
                sheets[name] = Sheet(
                    old.name, old.visible, old.rows, old.total_rows, formulas, merged
                )
    return Workbook(path=path, sha256=file_sha256(path), sheets=sheets, macros=_has_macros(path))


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
