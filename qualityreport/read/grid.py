"""Read one file in this process: check it, then let calamine build text grids of its sheets.

This runs in a reader process (see isolated.py), never in the program that prints results:
calamine can panic, allocate without bound or spin on a crafted file, and none of that can be
interrupted from Python. What it returns is plain data (dicts, lists, strings) for marshal.
"""

from __future__ import annotations

import ctypes
import hashlib
from pathlib import Path
from typing import Any

from ..errors import first_line
from ..numbers import trim
from .biff import SheetFacts, inspect_compound
from .model import Limits, UnreadableFile, megabytes
from .ooxml import SheetXml, inspect_zip
from .sniff import EMPTY_ZIP_MAGIC, OLE_MAGIC, ZIP_MAGIC, classify_head, damaged, not_a_workbook


def read_here(path: str, limits: Limits) -> dict[str, Any]:
    """The workbook at path as plain data; UnreadableFile (with the file's sha256) when it is not."""
    file = Path(path)
    if not file.is_file():
        raise UnreadableFile("file-missing")
    size = file.stat().st_size
    if size == 0:
        raise UnreadableFile("file-empty")
    if size > limits.max_file_bytes:
        raise UnreadableFile(
            "file-too-large",
            found=megabytes(size),
            expected=megabytes(limits.max_file_bytes),
            measure="大小",
            measure_en="size",
        )
    data = file.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        return _read(data, sha256, limits)
    except UnreadableFile as exc:
        exc.sha256 = sha256
        raise


def _read(data: bytes, sha256: str, limits: Limits) -> dict[str, Any]:
    facts: list[SheetFacts]
    if data.startswith(ZIP_MAGIC):
        found = inspect_zip(data, limits)
        form, facts, macros = found.format, list(found.sheets), found.macros
    elif data.startswith(OLE_MAGIC):
        old = inspect_compound(data, limits)
        form, facts, macros = "xls", list(old.sheets), old.macros
    elif data.startswith(EMPTY_ZIP_MAGIC):
        raise not_a_workbook("zip")
    else:
        raise not_a_workbook(classify_head(data[:8192]))
    sheets, duplicates = _load(data, form, facts, limits)
    return {
        "sha256": sha256,
        "format": form,
        "macros": macros,
        "sheets": sheets,
        "duplicates": duplicates,
    }


def _load(
    data: bytes, form: str, facts: list[SheetFacts], limits: Limits
) -> tuple[list[dict[str, Any]], list[str]]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)  # by content: the file's name may mislead
        names = reader.sheet_names
        by_name = {f.name: f for f in facts}
        sheets, seen, duplicates = [], set(), []
        for index, name in enumerate(names):
            key = name.casefold()  # Excel takes Sheet1 and SHEET1 for the same sheet
            if key in seen:
                duplicates.append(name)
                continue
            seen.add(key)
            known = facts[index] if len(facts) == len(names) else by_name.get(name)
            sheet = reader.load_sheet(
                index, header_row=None, skip_rows=0, dtypes="string", n_rows=limits.max_rows
            )
            sheets.append(_sheet(name, sheet, known, limits))
    except UnreadableFile:
        raise
    except MemoryError:
        raise UnreadableFile(
            "file-memory-limit", expected=megabytes(limits.max_reader_bytes)
        ) from None
    except BaseException as exc:  # a Rust panic is a BaseException (pyo3's PanicException)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        text = first_line(exc).lower()  # matched, never shown: library text is not for users
        if "password" in text or "encrypt" in text:
            raise UnreadableFile("file-encrypted") from None
        raise damaged(form) from None
    return sheets, duplicates


def _sheet(name: str, sheet, facts: SheetFacts | None, limits: Limits) -> dict[str, Any]:
    columns = sheet.available_columns()
    positions = [c.absolute_index for c in columns]
    width = max(positions) + 1 if positions else 0
    height = sheet.height
    if height * width > limits.max_cells and facts is None:
        # formats we cannot inspect beforehand (xlsb, ods) are at least bounded before our grid
        raise UnreadableFile(
            "file-used-range-too-large",
            sheet=name,
            found=f"{height} × {width}",
            expected=limits.max_cells,
            cells=trim(height * width, 0),
        )
    columns = _text_columns(sheet) if positions else []
    rows = _rows(columns, positions, width) if positions else []
    while rows and not any(v is not None and v.strip() for v in rows[-1]):
        rows.pop()
    xml = facts if isinstance(facts, SheetXml) else None
    return {
        "name": name,
        "visible": sheet.visible == "visible",
        "rows": rows,
        "cells": sum(len(column) - column.count(None) for column in columns),
        "total_rows": sheet.total_height,
        "formulas": xml.formulas if xml else {},
        "merged": list(facts.merged) if facts else [],
        "hidden_rows": sorted(facts.hidden_rows) if facts else [],
        "errors": facts.errors if facts else {},
        "external": xml.external if xml else {},
    }


def _rows(columns: list[list[str | None]], positions: list[int], width: int):
    if positions == list(range(width)):
        return [list(values) for values in zip(*columns, strict=True)]
    rows = []
    for values in zip(*columns, strict=True):
        row: list[str | None] = [None] * width
        for position, value in zip(positions, values, strict=True):
            row[position] = value
        rows.append(row)
    return rows


# The sheet's columns arrive through the Arrow C data interface. Decoding its string arrays
# here keeps polars and pyarrow (150 ms of imports, and allocators that reserve address space
# up front) out of a process that runs under a memory limit.
class _ArrowSchema(ctypes.Structure):
    pass


_ArrowSchema._fields_ = [
    ("format", ctypes.c_char_p),
    ("name", ctypes.c_char_p),
    ("metadata", ctypes.c_char_p),
    ("flags", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("children", ctypes.POINTER(ctypes.POINTER(_ArrowSchema))),
    ("dictionary", ctypes.c_void_p),
    ("release", ctypes.c_void_p),
    ("private_data", ctypes.c_void_p),
]


class _ArrowArray(ctypes.Structure):
    pass


_ArrowArray._fields_ = [
    ("length", ctypes.c_int64),
    ("null_count", ctypes.c_int64),
    ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)),
    ("children", ctypes.POINTER(ctypes.POINTER(_ArrowArray))),
    ("dictionary", ctypes.c_void_p),
    ("release", ctypes.c_void_p),
    ("private_data", ctypes.c_void_p),
]
_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_OFFSET_TYPES = {b"u": ctypes.c_int32, b"U": ctypes.c_int64}


def _text_columns(sheet) -> list[list[str | None]]:
    """Every column of a sheet loaded as strings, as Python lists (None for an empty cell)."""
    schema_capsule, array_capsule = sheet.__arrow_c_array__()
    schema = _ArrowSchema.from_address(_capsule_pointer(schema_capsule, b"arrow_schema"))
    array = _ArrowArray.from_address(_capsule_pointer(array_capsule, b"arrow_array"))
    columns = []
    for index in range(schema.n_children):
        column_format = schema.children[index].contents.format
        columns.append(_strings(array.children[index].contents, _OFFSET_TYPES[column_format]))
    return columns  # the capsules release the arrays when they go


def _strings(array: _ArrowArray, offset_type) -> list[str | None]:
    count, first = array.length, array.offset
    if count == 0:
        return []
    offsets = (offset_type * (first + count + 1)).from_address(array.buffers[1])[first:]
    start, end = offsets[0], offsets[count]
    data = ctypes.string_at(array.buffers[2] + start, end - start) if end > start else b""
    bounds = [o - start for o in offsets]
    texts: list[str | None] = [
        data[a:b].decode("utf-8") for a, b in zip(bounds, bounds[1:], strict=False)
    ]
    if array.null_count and array.buffers[0]:
        bits = ctypes.string_at(array.buffers[0], (first + count + 7) // 8)
        for k in range(count):
            at = first + k
            if not bits[at >> 3] >> (at & 7) & 1:
                texts[k] = None
    return texts
