"""Old Excel files (.xls) and other OLE compound files: what they hold, checked before calamine.

calamine trusts what an .xls says about itself: a DIMENSIONS record claiming millions of rows
makes it reserve gigabytes before reading a cell, and an XOR-obfuscated file is read as garbage.
This module reads the compound file's directory and the BIFF records itself, every step bounded
by the bytes really present, to say what the file is and whether its sheets are in bounds.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ..layout import cell_ref
from ..numbers import trim
from .model import Limits, UnreadableFile
from .sniff import not_a_workbook

_END_OF_CHAIN = 0xFFFFFFFE
_LAST_REGULAR_SECTOR = 0xFFFFFFFA
_EXCEL_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}


class _Corrupt(Exception):
    """The compound file or its records contradict themselves."""


class CompoundFile:
    """The streams of an OLE compound file held in memory, read as leniently as calamine reads
    them (a short last sector, an unused broken mini stream) but with every chain bounded."""

    def __init__(self, data: bytes):
        if len(data) < 512:
            raise _Corrupt("short header")
        self.data = data
        (self.major, order, sector_shift, mini_shift) = struct.unpack_from("<HHHH", data, 26)
        if order != 0xFFFE or sector_shift not in (9, 12) or mini_shift != 6:
            raise _Corrupt("bad header")
        self.sector_size = 1 << sector_shift
        (
            _dir_sectors,
            fat_sectors,
            first_dir,
            _transaction,
            _cutoff,
            self.first_mini_fat,
            self.mini_fat_sectors,
            first_difat,
            difat_sectors,
        ) = struct.unpack_from("<9I", data, 40)
        self.last_sector = len(data) // self.sector_size  # the last may be short, as in calamine
        fat_list = [s for s in struct.unpack_from("<109I", data, 76) if s < _LAST_REGULAR_SECTOR]
        per_sector = self.sector_size // 4 - 1
        sector, seen = first_difat, 0
        while sector < _LAST_REGULAR_SECTOR and seen < min(difat_sectors, self.last_sector):
            words = self._sector(sector).ljust(self.sector_size, b"\xff")
            entries = struct.unpack_from(f"<{per_sector + 1}I", words)
            fat_list += [s for s in entries[:per_sector] if s < _LAST_REGULAR_SECTOR]
            sector, seen = entries[per_sector], seen + 1
        self.fat = b"".join(self._sector(s) for s in fat_list[: max(fat_sectors, 1) * 2])
        self.entries: dict[str, tuple[int, int]] = {}  # upper-case name → (start, size)
        self.root: tuple[int, int] | None = None
        directory = self._chain(first_dir, self.fat, self._sector, len(data))
        for offset in range(0, len(directory) - 127, 128):
            length, kind = struct.unpack_from("<HB", directory, offset + 64)
            if kind not in (1, 2, 5) or not 2 <= length <= 64:
                continue
            name = directory[offset : offset + length - 2].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<IQ", directory, offset + 116)
            if self.sector_size == 512:
                size &= 0xFFFFFFFF
            if kind == 5 and self.root is None:
                self.root = (start, size)
            else:
                self.entries.setdefault(name.upper(), (start, size))

    def _sector(self, number: int) -> bytes:
        if number > self.last_sector:
            raise _Corrupt("sector past the end")
        start = (number + 1) * self.sector_size
        return self.data[start : start + self.sector_size]

    @staticmethod
    def _chain(start: int, table: bytes, sector, wanted: int) -> bytes:
        """The sectors of a chain, in order, up to `wanted` bytes; a bad link is corruption."""
        links = len(table) // 4
        parts, number, size, steps = [], start, 0, 0
        while number != _END_OF_CHAIN and size < wanted:
            if number >= links or steps > links:
                raise _Corrupt("broken chain")
            part = sector(number)
            parts.append(part)
            size += len(part)
            (number,) = struct.unpack_from("<I", table, number * 4)
            steps += 1
        return b"".join(parts)

    def has(self, name: str) -> bool:
        return name.upper() in self.entries

    def stream(self, name: str) -> bytes:
        start, size = self.entries[name.upper()]
        size = min(size, len(self.data))
        if size >= 4096:  # the mini stream's cutoff, fixed as calamine fixes it
            return self._chain(start, self.fat, self._sector, size)[:size]
        if not self.mini_fat_sectors or self.root is None:
            raise _Corrupt("no mini stream")
        mini_fat = self._chain(self.first_mini_fat, self.fat, self._sector, len(self.data))
        mini = self._chain(self.root[0], self.fat, self._sector, self.root[1])

        def mini_sector(number: int) -> bytes:
            return mini[number * 64 : number * 64 + 64]

        return self._chain(start, mini_fat, mini_sector, size)[:size]


@dataclass
class SheetFacts:
    """What the records of one worksheet say, gathered before any grid is built."""

    name: str
    visible: bool
    offset: int  # where the sheet's records start in the Workbook stream
    macro: bool = False
    cells: int = 0
    rows: int = 0  # rows holding cells
    first: tuple[int, int] | None = None  # 0-based (row, col) of the used range
    last: tuple[int, int] | None = None
    hidden_rows: set[int] = field(default_factory=set)  # 1-based
    errors: dict[str, str] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)
    # the range its DIMENSIONS record claims: calamine reserves room for all of it
    claimed: tuple[tuple[int, int], tuple[int, int]] | None = None

    def add(self, row: int, col: int) -> None:
        self.cells += 1
        if self.first is None or self.last is None:
            self.first = self.last = (row, col)
            return
        self.first = (min(self.first[0], row), min(self.first[1], col))
        self.last = (max(self.last[0], row), max(self.last[1], col))


@dataclass
class XlsFacts:
    sheets: list[SheetFacts]
    macros: bool


_CELL_RECORDS = {0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6}


def _a1(row: int, col: int) -> str:
    return cell_ref(row + 1, col)


def _records(stream: bytes, start: int):
    """(type, data) of each BIFF record from start, stopping at the end of the stream."""
    position, end = start, len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        position += 4
        if position + length > end:
            raise _Corrupt("record past the end")
        yield kind, stream[position : position + length]
        position += length


def _sheet_name(data: bytes, biff8: bool) -> str:
    length = data[6]
    if biff8:
        wide = data[7] & 1
        raw = data[8 : 8 + length * (2 if wide else 1)]
        return raw.decode("utf-16-le" if wide else "latin-1", "replace")
    return data[7 : 7 + length].decode("cp1252", "replace")


def _scan_sheet(stream: bytes, facts: SheetFacts) -> None:
    rows: set[int] = set()
    try:
        _scan_records(stream, facts, rows)
    finally:
        facts.rows = len(rows)


def _scan_records(stream: bytes, facts: SheetFacts, rows: set[int]) -> None:
    depth = 0
    for kind, data in _records(stream, facts.offset):
        if kind == 0x0809:  # BOF: a chart embedded in the sheet opens a substream of its own
            depth += 1
            continue
        if kind == 0x000A:  # EOF
            depth -= 1
            if depth <= 0:
                return
            continue
        if depth != 1 or len(data) < 4:
            continue
        if kind in _CELL_RECORDS:
            row, col = struct.unpack_from("<HH", data)
            facts.add(row, col)
            rows.add(row)
            if kind == 0x0205 and len(data) >= 8 and data[7]:
                facts.errors[_a1(row, col)] = _EXCEL_ERRORS.get(data[6], "#ERROR")
            elif kind == 0x0006 and len(data) >= 14 and data[12:14] == b"\xff\xff" and data[6] == 2:
                facts.errors[_a1(row, col)] = _EXCEL_ERRORS.get(data[8], "#ERROR")
        elif kind in (0x00BD, 0x00BE) and len(data) >= 6:  # MULRK, MULBLANK: a run of cells
            row, first = struct.unpack_from("<HH", data)
            (last,) = struct.unpack_from("<H", data, len(data) - 2)
            if last >= first:
                facts.add(row, first)
                facts.add(row, last)
                facts.cells += last - first - 1
                rows.add(row)
        elif kind == 0x0208 and len(data) >= 14:  # ROW
            (row,) = struct.unpack_from("<H", data)
            (flags,) = struct.unpack_from("<H", data, 12)
            if flags & 0x20:
                facts.hidden_rows.add(row + 1)
        elif kind == 0x0200:  # DIMENSIONS, read as calamine reads it
            if len(data) == 14:
                first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", data)
            elif len(data) == 10:
                first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", data)
            else:
                continue
            if first_col > 0xFF or last_col < first_col:
                first_col = 0
            if last_row > first_row and last_col > first_col:
                facts.claimed = ((first_row, first_col), (last_row - 1, last_col - 1))
        elif kind == 0x00E5 and len(data) >= 2:  # MERGEDCELLS
            (count,) = struct.unpack_from("<H", data)
            for index in range(min(count, (len(data) - 2) // 8)):
                top, bottom, left, right = struct.unpack_from("<HHHH", data, 2 + index * 8)
                facts.merged.append(f"{_a1(top, left)}:{_a1(bottom, right)}")


def inspect_compound(data: bytes, limits: Limits) -> XlsFacts:
    """What an OLE file is; UnreadableFile unless it is an .xls whose sheets are in bounds."""
    try:
        ole = CompoundFile(data)
    except (_Corrupt, struct.error):
        return XlsFacts([], False)  # calamine may read more than this parse: it decides
    if ole.has("EncryptionInfo") or ole.has("EncryptedPackage"):
        raise UnreadableFile("file-encrypted")
    name = "Workbook" if ole.has("Workbook") else "Book" if ole.has("Book") else None
    if name is None:
        if ole.has("WordDocument"):
            raise not_a_workbook("word")
        if ole.has("PowerPoint Document"):
            raise not_a_workbook("powerpoint")
        raise not_a_workbook("ole")
    try:
        stream = ole.stream(name)
    except (_Corrupt, struct.error):
        return XlsFacts([], False)
    return _inspect_biff(stream, ole, limits)


def _inspect_biff(stream: bytes, ole: CompoundFile, limits: Limits) -> XlsFacts:
    """Sheets, encryption and macros from the records; a record cut short ends the reading there
    (calamine may still read what came before), but a sheet out of bounds is refused."""
    sheets: list[SheetFacts] = []
    try:
        records = _records(stream, 0)
        kind, data = next(records, (None, b""))
        if kind != 0x0809 or len(data) < 4:
            return XlsFacts([], False)
        biff8 = struct.unpack_from("<H", data)[0] == 0x0600
        for kind, data in records:
            if kind == 0x002F:  # FILEPASS: RC4 or XOR, the cells are unreadable without it
                raise UnreadableFile("file-encrypted")
            if kind == 0x0085 and len(data) >= 8:  # BOUNDSHEET
                offset, visibility, sheet_type = struct.unpack_from("<IBB", data)
                if sheet_type in (0, 1):  # charts and VB modules hold no cells
                    name = _sheet_name(data, biff8)
                    sheets.append(SheetFacts(name, visibility == 0, offset, sheet_type == 1))
            if kind == 0x000A:
                break
    except (_Corrupt, struct.error, IndexError):
        pass
    for facts in sheets:
        if facts.offset < len(stream):
            try:
                _scan_sheet(stream, facts)
            except (_Corrupt, struct.error, IndexError):
                pass
            check_sheet_bounds(facts, limits)
    macros = ole.has("_VBA_PROJECT_CUR") or ole.has("_VBA_PROJECT") or any(s.macro for s in sheets)
    return XlsFacts([s for s in sheets if not s.macro], macros)


def check_sheet_bounds(facts: SheetFacts, limits: Limits) -> None:
    """Rows, cells and the area calamine will allocate, against the limits."""
    if facts.rows > limits.max_rows:
        raise too_many("rows", facts.name, facts.rows, limits.max_rows)
    if facts.cells > limits.max_cells:
        raise too_many("cells", facts.name, facts.cells, limits.max_cells)
    ranges = [facts.claimed]
    if facts.first is not None and facts.last is not None:
        ranges.append((facts.first, facts.last))
    for bounds in ranges:
        if bounds is not None:
            (top, left), (bottom, right) = bounds
            if (bottom - top + 1) * (right - left + 1) > limits.max_cells:
                raise used_range(facts.name, (top, left), (bottom, right), limits)


def too_many(what: str, sheet: str, found: int, limit: int) -> UnreadableFile:
    unit, unit_en = ("行", "rows") if what == "rows" else ("个单元格", "cells")
    return UnreadableFile(
        "file-too-many-rows", found=found, expected=limit, sheet=sheet, unit=unit, unit_en=unit_en
    )


def used_range(
    sheet: str, first: tuple[int, int], last: tuple[int, int], limits: Limits
) -> UnreadableFile:
    cells = (last[0] - first[0] + 1) * (last[1] - first[1] + 1)
    return UnreadableFile(
        "file-used-range-too-large",
        sheet=sheet,
        found=f"{_a1(*first)}:{_a1(*last)}",
        expected=limits.max_cells,
        cells=trim(cells, 0),
    )
