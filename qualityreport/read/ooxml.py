"""Workbooks in a zip (xlsx, xlsm, xlsb, ods): one bounded pass over the members before calamine.

The sizes in a zip's headers are whatever its writer put there, so a bomb can claim a few
kilobytes; only inflating (in bounded chunks) tells the truth, unless the compressed sizes alone
bound what the members can inflate to (a small file). The same pass counts each sheet's
rows and cells, finds its used range (calamine allocates a dense grid over it), and keeps the XML
of ordinary sheets to find what calamine does not report: formulas and their saved results,
error values, links to other workbooks, merged and hidden cells.
"""

from __future__ import annotations

import io
import math
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from ..layout import column_index
from .biff import SheetFacts, check_sheet_bounds
from .model import Limits, UnreadableFile, megabytes
from .sniff import damaged, not_a_workbook

_CHUNK = 1 << 20
_SMALL_PART = 32 * 1024 * 1024  # workbook.xml and the relationship parts are read whole
_MACRO_PARTS = ("vbaproject.bin", "xl/macrosheets/")


@dataclass
class SheetXml(SheetFacts):
    """A worksheet's facts, with what only its XML tells (rows and cells are counted only in
    XML long enough to pass their limits)."""

    formulas: dict[str, str | None] = field(default_factory=dict)
    external: dict[str, str] = field(default_factory=dict)


@dataclass
class ZipFacts:
    format: str  # xlsx, xlsm, xlsb or ods
    sheets: list[SheetXml]  # xlsx and xlsm: every worksheet, in workbook order
    macros: bool


def inspect_zip(data: bytes, limits: Limits) -> ZipFacts:
    """What a zip holds; UnreadableFile unless it is a workbook within every limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, struct.error, EOFError, ValueError):
        raise damaged("xlsx") from None
    # Located the way calamine locates them: backslashes as slashes, letter case ignored.
    members = {info.filename.replace("\\", "/").lower(): info for info in infos}
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_inflated_bytes:
        raise _too_large(declared, limits)
    try:
        package = _Package(data, members, limits)
    except (zipfile.BadZipFile, zlib.error, struct.error, EOFError, ValueError):
        raise damaged("xlsx") from None
    sheets = package.worksheets() if package.format in ("xlsx", "xlsm") else {}
    # Deflate cannot inflate more than 1032 times what it was given: when the compressed sizes
    # alone cannot reach the limit, the true size cannot either, and only the sheets need
    # inflating (to be scanned). Otherwise every member is inflated and counted.
    bounded = _inflated_bound(infos) <= limits.max_inflated_bytes
    total = 0
    try:
        for info in infos:
            name = info.filename.replace("\\", "/").lower()
            if bounded and name not in sheets:
                _data_start(data, info)  # its header at least must be where the directory says
                continue
            scanner = _SheetScanner(sheets[name], limits) if name in sheets else None
            total += _inflate(data, info, limits.max_inflated_bytes - total, scanner)
            if total > limits.max_inflated_bytes:
                raise _too_large(total, limits)
            if scanner is not None:
                scanner.finish(package.recalc_on_open)
                check_sheet_bounds(scanner.facts, limits)
    except (zipfile.BadZipFile, zlib.error, struct.error, EOFError, ValueError):
        raise damaged(package.format) from None
    macros = any(part in name for name in members for part in _MACRO_PARTS)
    return ZipFacts(package.format, list(sheets.values()), macros)


# Deflate's densest code spends two bits on a 258-byte match: 1032 bytes out for a byte in.
_RATIOS = {zipfile.ZIP_STORED: 1, zipfile.ZIP_DEFLATED: 1032}


def _inflated_bound(infos: list[zipfile.ZipInfo]) -> float:
    """The most every member together can inflate to, from the compressed sizes alone; infinite
    when a member is encrypted or compressed otherwise (those are inflated, and refused)."""
    bound = 0
    for info in infos:
        if info.flag_bits & 0x1 or info.compress_type not in _RATIOS:
            return math.inf
        bound += info.compress_size * _RATIOS[info.compress_type]
    return bound


def _too_large(size: int, limits: Limits) -> UnreadableFile:
    return UnreadableFile(
        "file-too-large",
        found=megabytes(size),
        expected=megabytes(limits.max_inflated_bytes),
        measure="解压后大小",
        measure_en="inflated size",
    )


_ATTRIBUTE = re.compile(r'([\w:.-]+)\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(r"<(?:\w+:)?Relationship\b[^>]*>")
_OVERRIDE = re.compile(r"<(?:\w+:)?Override\b[^>]*>")
_SHEET = re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
_CALC = re.compile(r"<(?:\w+:)?calcPr\b[^>]*>")


def _attributes(tag: str) -> dict[str, str]:
    return {
        key.split(":")[-1] if key.endswith(":id") else key: value
        for key, value in _ATTRIBUTE.findall(tag)
    }


def unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _resolve(base: str, target: str) -> str:
    """A relationship target as a normalised member name (relative to base's folder)."""
    target = target.replace("\\", "/")
    path = target.lstrip("/") if target.startswith("/") else base.rpartition("/")[0] + "/" + target
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts).lower()


class _Package:
    """The parts that say what a zip is and where its worksheets are."""

    def __init__(self, data: bytes, members: dict[str, zipfile.ZipInfo], limits: Limits):
        self.data, self.members, self.limits = data, members, limits
        self.recalc_on_open = False
        self.workbook = ""
        self.format = self._classify()

    def text(self, name: str) -> str | None:
        info = self.members.get(name)
        if info is None:
            return None
        budget = min(_SMALL_PART, self.limits.max_inflated_bytes)
        chunks: list[bytes] = []
        if _inflate(self.data, info, budget, chunks) > budget:
            raise _too_large(budget + 1, self.limits)
        return b"".join(chunks).decode("utf-8", "replace")

    def _classify(self) -> str:
        members = self.members
        rels = self.text("_rels/.rels")
        if rels is not None:
            for tag in _RELATIONSHIP.findall(rels):
                attributes = _attributes(tag)
                if attributes.get("Type", "").endswith("/officeDocument"):
                    self.workbook = _resolve("", attributes.get("Target", ""))
                    break
        if self.workbook:
            kind = self._content_type(self.workbook)
            if "wordprocessingml" in kind or self.workbook.startswith("word/"):
                raise not_a_workbook("word")
            if "presentationml" in kind or self.workbook.startswith("ppt/"):
                raise not_a_workbook("powerpoint")
            if "binary" in kind or self.workbook.endswith(".bin"):
                return "xlsb"
            if self.workbook not in members:
                raise damaged("xlsx")
            return "xlsm" if "macroenabled" in kind.lower() else "xlsx"
        mimetype = self.text("mimetype") if "mimetype" in members else None
        if mimetype is not None and "opendocument" in mimetype and "spreadsheet" not in mimetype:
            raise not_a_workbook("opendocument")
        if mimetype is not None or "content.xml" in members:
            # LibreOffice encrypts each part and says so in the manifest
            if "encryption-data" in (self.text("meta-inf/manifest.xml") or ""):
                raise UnreadableFile("file-encrypted")
            return "ods"
        if any(name.endswith(".iwa") or name.startswith("index/") for name in members):
            numbers = any(
                n.startswith(("index/tables/", "index/calculationengine")) for n in members
            )
            raise not_a_workbook("numbers" if numbers else "iwork")
        if "xl/workbook.xml" in members or "[content_types].xml" in members:
            raise damaged("xlsx")  # an Office package without its relationships
        raise not_a_workbook("zip")

    def _content_type(self, part: str) -> str:
        types = self.text("[content_types].xml") or ""
        for tag in _OVERRIDE.findall(types):
            if part not in tag.replace("\\", "/").lower():
                continue  # another part's (most of them): not worth reading its attributes
            attributes = _attributes(tag)
            if attributes.get("PartName", "").lstrip("/").replace("\\", "/").lower() == part:
                return attributes.get("ContentType", "")
        return ""

    def worksheets(self) -> dict[str, SheetXml]:
        """Member name → facts to fill, for each worksheet listed in workbook.xml."""
        workbook = self.text(self.workbook) or ""
        calc = _CALC.search(workbook)
        self.recalc_on_open = bool(
            calc and _attributes(calc.group(0)).get("fullCalcOnLoad") in ("1", "true")
        )
        base, _, name = self.workbook.rpartition("/")
        rels = self.text(f"{base}/_rels/{name}.rels" if base else f"_rels/{name}.rels") or ""
        targets = {}
        for tag in _RELATIONSHIP.findall(rels):
            attributes = _attributes(tag)
            if attributes.get("TargetMode") != "External":
                targets[attributes.get("Id")] = _resolve(
                    self.workbook, attributes.get("Target", "")
                )
        sheets: dict[str, SheetXml] = {}
        for tag in _SHEET.findall(workbook):
            attributes = _attributes(tag)
            member = targets.get(attributes.get("id"), "")
            if member in self.members and member not in sheets:
                visible = attributes.get("state", "visible") == "visible"
                sheets[member] = SheetXml(unescape(attributes.get("name", "")), visible, 0)
        return sheets


def _inflate(data: bytes, info: zipfile.ZipInfo, budget: int, sink) -> int:
    """The member's real inflated size, stopping once it passes budget; sink gets the bytes.

    sink is a list (the bytes are kept) or a _SheetScanner (they are scanned) or None.
    """
    start = _data_start(data, info)
    compressed = memoryview(data)[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        size = len(compressed)
        if sink is not None and size <= budget:
            for at in range(0, size, _CHUNK):
                _feed(sink, bytes(compressed[at : at + _CHUNK]))
        return size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile(f"unsupported compression {info.compress_type}")
    inflater, size, at = zlib.decompressobj(-15), 0, 0
    while at < len(compressed) and not inflater.eof and size <= budget:
        # small compressed reads: each may inflate a thousandfold, and tails are copied per call
        chunk = compressed[at : at + (_CHUNK >> 4)]
        at += len(chunk)
        piece = inflater.decompress(chunk, _CHUNK)
        while True:
            size += len(piece)
            if sink is not None and size <= budget:
                _feed(sink, piece)
            if not inflater.unconsumed_tail or size > budget:
                break
            piece = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
    return size


def _data_start(data: bytes, info: zipfile.ZipInfo) -> int:
    """Where a member's compressed bytes begin, after its local header."""
    offset = info.header_offset
    header = data[offset : offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return offset + 30 + name_length + extra_length


def _feed(sink, piece: bytes) -> None:
    if isinstance(sink, list):
        sink.append(piece)
    else:
        sink.feed(piece)


# The reference of a cell that holds something: <c r="XFD99999" t="s">, not a cell that only
# carries formatting (<c r="XFD99999" s="1"/>), which calamine leaves out of the range; rows
# have digits only, so never match.
_REF = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\sr="([0-9]+)"')
_CELL = re.compile(rb"<((?:\w+:)?)c\b([^>]*?)(?:/>|>(.*?)</\1c>)", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v>)", re.S)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]*)"')
# Where a formula or an error value may be: the engine finds a pattern opening with a literal
# byte at memory speed, so formula tags are found by their rare "f" and the byte before it.
_FORMULA_MARK = re.compile(rb"f[ >/]")
_ERROR_MARK = b't="e"'
# [1]Sheet!A1, '[budget.xlsx]Sheet 1'!A1: a reference into another workbook
_EXTERNAL = re.compile(r"\[[^\]]+\][^!\[\]]*!")


class _SheetScanner:
    """Counts rows and cells and finds the used range of sheet XML arriving in chunks.

    A sheet of up to max_inspected_sheet_bytes (nearly every sheet) is kept and scanned whole
    once it has arrived, then inspected. A larger one is scanned chunk by chunk and not kept: a
    tag may straddle two chunks, so counting keeps a tail so nothing is counted twice, and the
    range search rescans a short overlap, which is harmless for a minimum and a maximum.
    """

    def __init__(self, facts: SheetXml, limits: Limits):
        self.facts, self.keep = facts, limits.max_inspected_sheet_bytes
        # "<row" takes 4 bytes and "<c " 3: XML shorter than this cannot hold more rows or cells
        # than the limits allow, and is not counted (its counts stay 0)
        self.countless = min(4 * limits.max_rows, 3 * limits.max_cells)
        self.rows = self.cells = 0
        self.tail = b""
        self.kept: list[bytes] | None = []
        self.kept_size = 0
        self.columns: set[bytes] = set()
        self.first_row = self.last_row = 0

    def feed(self, data: bytes) -> None:
        if self.kept is not None:
            self.kept_size += len(data)
            if self.kept_size <= self.keep:
                self.kept.append(data)
                return
            kept, self.kept = self.kept, None  # too large to inspect: counted and bounded only
            for piece in kept:
                self._scan(piece)
        self._scan(data)

    def _scan(self, data: bytes) -> None:
        text = self.tail + data
        self._count(text, 1)
        self._range(text)
        self.tail = text[-24:]
        self._count(self.tail, -1)  # what the tail counted is counted again with the next chunk

    def _count(self, text: bytes, sign: int) -> None:
        self.rows += sign * (text.count(b"<row") + text.count(b":row "))
        self.cells += sign * (text.count(b"<c ") + text.count(b":c "))

    def _range(self, text: bytes) -> None:
        refs = _REF.findall(text)
        if refs:
            columns, rows = zip(*refs, strict=True)
            self.columns.update(columns)
            numbers = list(map(int, rows))
            low, high = min(numbers), max(numbers)
            self.first_row = min(self.first_row, low) if self.first_row else low
            self.last_row = max(self.last_row, high)

    def finish(self, recalc_on_open: bool) -> None:
        xml = None
        if self.kept is not None:
            xml, self.kept = b"".join(self.kept), None
            if len(xml) > self.countless:
                self._count(xml, 1)
            self._range(xml)
        else:
            self._count(self.tail, 1)
        facts = self.facts
        facts.rows = self.rows
        facts.cells = self.cells
        if self.columns:
            numbers = [column_index(c.decode("ascii")) for c in self.columns]
            facts.first = (self.first_row - 1, min(numbers))
            facts.last = (self.last_row - 1, max(numbers))
        if xml is not None:
            _inspect(xml, facts, recalc_on_open)


def _inspect(xml: bytes, facts: SheetXml, recalc_on_open: bool) -> None:
    """Formulas, error values, merged ranges and hidden rows of one sheet's XML."""
    # Each pattern is looked for only where a plain search says it may be: a search for a few
    # bytes runs at memory speed, a pattern opening with "<" is tried at every tag.
    if b"mergeCell" in xml:
        facts.merged = [m.decode("ascii", "replace") for m in _MERGE.findall(xml)]
    if b'hidden="' in xml:
        for tag in _HIDDEN_ROW.findall(xml):
            number = _ROW_NUMBER.search(tag)
            if number:
                facts.hidden_rows.add(int(number.group(1)))
    starts = set()
    for mark in _FORMULA_MARK.finditer(xml):  # <f>, <f , <f/, :f>, :f
        at = mark.start() - 1
        if xml[at : at + 1] == b"<" or (xml[at : at + 1] == b":" and xml[at + 2 : at + 3] != b"/"):
            starts.add(_cell_start(xml, at))
    at = xml.find(_ERROR_MARK)
    while at != -1:
        starts.add(_cell_start(xml, at))
        at = xml.find(_ERROR_MARK, at + 1)
    for start in sorted(starts):
        cell = _CELL.match(xml, start) if start >= 0 else None
        if cell is not None:
            content = cell.group(3) or b""
            _inspect_cell(cell.group(2).decode("utf-8", "replace"), content, facts, recalc_on_open)


def _cell_start(xml: bytes, position: int) -> int:
    """Where the cell element around position opens (<c or a prefixed <x:c)."""
    plain = xml.rfind(b"<c ", 0, position)
    prefixed = xml.rfind(b":c ", 0, position)
    return xml.rfind(b"<", 0, prefixed) if prefixed > plain else plain


def _inspect_cell(attributes: str, content: bytes, facts: SheetXml, recalc_on_open: bool) -> None:
    values = _attributes(attributes)
    ref = values.get("r")
    if not ref:
        return
    value = _VALUE.search(content)
    cached = (
        unescape(value.group(1).decode("utf-8", "replace")) if value and value.group(1) else None
    )
    if values.get("t") == "e" and cached:
        facts.errors[ref] = cached
    formula = _FORMULA.search(content)
    if formula is None:
        return
    text = unescape((formula.group(1) or b"").decode("utf-8", "replace"))
    if _EXTERNAL.search(text):
        facts.external[ref] = text[:200]
    # A writer that cannot calculate (xlsxwriter, openpyxl) leaves 0 or nothing and asks Excel to
    # recalculate on opening; a saved 0 is a real result only from a program that calculates.
    placeholder = recalc_on_open and cached in ("0", "")
    facts.formulas[ref] = None if placeholder else cached
