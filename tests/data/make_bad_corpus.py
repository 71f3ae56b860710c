"""Write tests/data/bad/, formats/ and clerk/: files each named after what it triggers.

bad/ holds hostile and broken workbooks; formats/ files that are not what their name says, or
that would make a spreadsheet reader exhaust memory; clerk/ what a school's clerk really does to
the fill-in template (merging cells, hiding rows, typing "12 15", leaving last year's year).
Run from the repository root: `.venv/bin/python tests/data/make_bad_corpus.py`. Files too large
to commit (a million-row sheet) are made at test time by the functions below; tests/data/wild/
holds files collected from other projects' test suites (see its README).
"""

from __future__ import annotations

import io
import random
import re
import struct
import sys
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
FORMATS = HERE / "formats"
CLERK = HERE / "clerk"
sys.path.insert(0, str(HERE.parent))

from conftest import VALID_SPECIALTIES, school_data  # noqa: E402

from qualityreport.spec import load_spec  # noqa: E402
from qualityreport.template import write_workbook  # noqa: E402

SPEC = load_spec()
YEAR = 2024
SPECIALTY_SHEET = "xl/worksheets/sheet7.xml"  # 专业设置: the template's seventh sheet
BOMB_SHEET = "xl/worksheets/sheet2.xml"
STUDENTS_SHEET = "xl/worksheets/sheet3.xml"  # 学生发展
TEACHERS_SHEET = "xl/worksheets/sheet4.xml"  # 师资队伍
CONDITIONS_SHEET = "xl/worksheets/sheet5.xml"  # 办学条件
NARRATIVE_SHEET = "xl/worksheets/sheet8.xml"  # 文字部分
WORKBOOK = "xl/workbook.xml"
SPECIALTY_COUNTS = (
    "enrolled",
    "admitted",
    "graduates",
    "employed",
    "further_study",
    "employed_in_field",
)
HYPERLINK = '=HYPERLINK("http://evil","x")'
DDE = "=cmd|' /C calc'!A0"


def valid_workbook(path: Path, values=None, specialties=None, narratives=None, edit=None) -> Path:
    """A filled-in template, as a school would send it; edit(openpyxl_book) changes it after."""
    write_workbook(path, SPEC, YEAR, school_data(values, specialties, narratives, SPEC))
    if edit is not None:
        from openpyxl import load_workbook

        book = load_workbook(path)
        edit(book)
        book.save(path)
        _fix_timestamps(path)
    return path


def _fix_timestamps(path: Path) -> None:
    """openpyxl stamps the time of saving; a fixed one keeps the committed corpus reproducible."""
    import re

    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-09-01T00:00:00Z", data
                )
            archive.writestr(
                zipfile.ZipInfo(name, (2024, 9, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )


def set_text(book, sheet: str, cell: str, text: str) -> None:
    """Put text into a cell as text: openpyxl would otherwise take "=..." for a formula."""
    book[sheet][cell].value = text
    book[sheet][cell].data_type = "s"


def rewrite_zip(
    source: Path,
    target: Path,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
) -> Path:
    """A copy of a workbook's zip with some members replaced or added, deflated."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = replace.get(info.filename, old.read(info.filename))
            new.writestr(
                zipfile.ZipInfo(info.filename, info.date_time),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
                compresslevel=9,
            )
        for name, data in add.items():
            new.writestr(
                zipfile.ZipInfo(name, (2024, 9, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
                compresslevel=9,
            )
    return target


def many_rows_workbook(path: Path, rows: int) -> Path:
    """A valid workbook whose specialty sheet goes on for `rows` more rows (made at test time)."""
    base = valid_workbook(path.with_suffix(".base.xlsx"))
    with zipfile.ZipFile(base) as archive:
        xml = archive.read(SPECIALTY_SHEET).decode()
    first = 1000
    extra = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>710201</t></is></c><c r="D{n}"><v>1</v></c></row>'
        for n in range(first, first + rows)
    )
    last = first + rows - 1
    head, _, tail = xml.partition("</sheetData>")
    head = head.replace(
        head[head.find('<dimension ref="') :].split("/>", 1)[0], f'<dimension ref="A1:I{last}"', 1
    )
    rewrite_zip(
        base, path, replace={SPECIALTY_SHEET: (head + extra + "</sheetData>" + tail).encode()}
    )
    base.unlink()
    return path


def _bomb_sheet(inflated: int) -> bytes:
    # Whitespace inside sheetData is valid XML that a streaming parser may buffer whole.
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
        b'formats.org/spreadsheetml/2006/main"><sheetData>'
    )
    return head + b" " * inflated + b"</sheetData></worksheet>"


def zip_bomb(source: Path, target: Path, inflated: int, lie: bool) -> Path:
    """One sheet inflating to `inflated` bytes; with lie=True its headers claim 1 KB."""
    rewrite_zip(source, target, replace={BOMB_SHEET: _bomb_sheet(inflated)})
    if lie:
        data = bytearray(target.read_bytes())
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
            info = archive.getinfo(BOMB_SHEET)
            local = info.header_offset
        # uncompressed size: offset 22 in the local header, 24 in the central directory entry
        struct.pack_into("<I", data, local + 22, 1024)
        name = BOMB_SHEET.encode()
        central = data.find(b"PK\x01\x02")
        while central != -1:
            length = struct.unpack_from("<H", data, central + 28)[0]
            if bytes(data[central + 46 : central + 46 + length]) == name:
                struct.pack_into("<I", data, central + 24, 1024)
                break
            central = data.find(b"PK\x01\x02", central + 4)
        target.write_bytes(bytes(data))
    return target


# ---- OLE compound files, for password-protected xlsx and old .xls ----------------------------

_END, _FREE, _FAT_SECTOR, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, start: int, size: int, child=_NONE, right=_NONE) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(encoded), kind, 1, _NONE, right, child)
        + b"\0" * 16
        + b"\0" * 4
        + b"\0" * 16
        + struct.pack("<IQ", start, size)
    )


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A version-3 OLE compound file holding the streams in the root storage.

    Streams are padded to 4096 bytes so that all of them live in regular sectors and no mini
    stream is needed.
    """
    sector = 512
    body, fat, entries = b"", [], []
    ordered = sorted(streams.items(), key=lambda kv: (len(kv[0]), kv[0].upper()))
    for index, (name, data) in enumerate(ordered):
        data = data.ljust(4096, b"\0")
        start, count = len(body) // sector, -(-len(data) // sector)
        body += data.ljust(count * sector, b"\0")
        fat += [start + i + 1 for i in range(count - 1)] + [_END]
        right = index + 2 if index + 1 < len(ordered) else _NONE
        entries.append(_dir_entry(name, 2, start, len(data), right=right))
    directory = [_dir_entry("Root Entry", 5, _END, 0, child=1 if ordered else _NONE), *entries]
    while len(directory) % 4:
        directory.append(_dir_entry("", 0, 0, 0))
    dir_start = len(body) // sector
    dir_sectors = len(directory) // 4
    body += b"".join(directory)
    fat += [dir_start + i + 1 for i in range(dir_sectors - 1)] + [_END]
    fat_sectors = -(-(len(fat) + 1) // 128)
    while -(-(len(fat) + fat_sectors) // 128) > fat_sectors:
        fat_sectors += 1
    fat_start = len(body) // sector
    fat += [_FAT_SECTOR] * fat_sectors
    fat += [_FREE] * (fat_sectors * 128 - len(fat))
    body += struct.pack(f"<{len(fat)}I", *fat)
    difat = [fat_start + i for i in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, fat_sectors, dir_start, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", *difat)
    )
    return header + body


def encrypted_xlsx() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE file with an agile
    EncryptionInfo descriptor and an EncryptedPackage stream (random bytes stand in for the
    AES-encrypted package; no AES is available to encrypt a real one)."""
    rng = random.Random(7)

    def b64(n: int) -> str:
        import base64

        return base64.b64encode(bytes(rng.randrange(256) for _ in range(n))).decode()

    descriptor = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" '
        'xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        f'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
        f'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="{b64(16)}"/>'
        f'<dataIntegrity encryptedHmacKey="{b64(64)}" encryptedHmacValue="{b64(64)}"/>'
        '<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        f'<p:encryptedKey spinCount="100000" saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
        f'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
        f'saltValue="{b64(16)}" encryptedVerifierHashInput="{b64(16)}" '
        f'encryptedVerifierHashValue="{b64(64)}" encryptedKeyValue="{b64(32)}"/>'
        "</keyEncryptor></keyEncryptors></encryption>"
    )
    info = struct.pack("<HHI", 4, 4, 0x40) + descriptor.encode()
    package = struct.pack("<Q", 6000) + bytes(rng.randrange(256) for _ in range(6016))
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": package})


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))


def _biff_string(text: str, length_bytes: int) -> bytes:
    return (
        struct.pack("<B" if length_bytes == 1 else "<H", len(text))
        + b"\x01"
        + text.encode("utf-16-le")
    )


def xls_workbook(
    sheets: list[tuple[str, bool, list[list]]],
    password: bool = False,
    xor: bool = False,
    dimensions: tuple[int, int] | None = None,
) -> bytes:
    """A BIFF8 .xls (Excel 97–2003) with text and number cells, hand-assembled.

    password=True adds a FILEPASS record, as Excel does for a file with an opening password
    (xor=True: the old XOR obfuscation instead of RC4). dimensions=(rows, columns) makes each
    sheet's DIMENSIONS record claim that much, whatever the cells are.
    """
    bodies = []
    for _name, _visible, rows in sheets:
        cells = b""
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool) or not isinstance(value, int | float):
                    cells += _record(
                        0x0204, struct.pack("<HHH", r, c, 0) + _biff_string(str(value), 2)
                    )
                else:
                    cells += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
        width = max((len(r) for r in rows), default=0)
        claimed_rows, claimed_width = dimensions or (len(rows), width)
        bodies.append(
            _bof(0x0010)
            + _record(0x0200, struct.pack("<IIHHH", 0, claimed_rows, 0, claimed_width, 0))
            + cells
            + _record(0x000A)
        )
    globals_head = _bof(0x0005)
    if password and xor:
        # XOR obfuscation: type 0, then the key and the password's verifier
        globals_head += _record(0x002F, struct.pack("<HHH", 0, 0x5A3C, 0xC3A5))
    elif password:
        # RC4 encryption header: type, version 1.1, salt, verifier and its hash
        globals_head += _record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(range(48)))
    globals_head += _record(0x0042, struct.pack("<H", 1200))
    sheet_records_size = sum(4 + 6 + len(_biff_string(name, 1)) for name, _, _ in sheets)
    offset = len(globals_head) + sheet_records_size + 4
    boundsheets = b""
    for (name, visible, _rows), body in zip(sheets, bodies, strict=True):
        boundsheets += _record(
            0x0085, struct.pack("<IBB", offset, 0 if visible else 1, 0) + _biff_string(name, 1)
        )
        offset += len(body)
    stream = globals_head + boundsheets + _record(0x000A) + b"".join(bodies)
    return compound_file({"Workbook": stream})


def xls_from_xlsx(source: Path) -> list[tuple[str, bool, list[list]]]:
    """Every sheet of an xlsx as (name, visible, rows of values), to write out as BIFF8."""
    from openpyxl import load_workbook

    book = load_workbook(source)
    return [
        (
            ws.title,
            ws.sheet_state == "visible",
            [[cell.value for cell in row] for row in ws.iter_rows()],
        )
        for ws in book.worksheets
    ]


# ---- the corpus --------------------------------------------------------------------------------


def _specialties(**changes) -> list[dict]:
    rows = [dict(r) for r in VALID_SPECIALTIES]
    rows[0].update(changes)
    return rows


class _Folder:
    """A corpus folder being written: the filled-in template every file starts from, and the
    files made so far."""

    def __init__(self, target: Path):
        target.mkdir(parents=True, exist_ok=True)
        self.target, self.made = target, list[Path]()
        self.base = valid_workbook(target / "_base.xlsx")

    def out(self, name: str) -> Path:
        self.made.append(self.target / name)
        return self.target / name

    def finish(self) -> list[Path]:
        self.base.unlink()
        return self.made


def make(target: Path = BAD) -> list[Path]:
    """Write every corpus file into target; returns them."""
    folder = _Folder(target)
    base, out = folder.base, folder.out
    data = base.read_bytes()

    out("empty.xlsx").write_bytes(b"")
    out("corrupt-zip.xlsx").write_bytes(
        b"PK\x03\x04" + bytes(random.Random(1).randrange(256) for _ in range(4000))
    )
    out("truncated.xlsx").write_bytes(data[: len(data) // 2])
    out("csv-renamed.xlsx").write_text(
        "学校标识码,学校名称\n4205000001,宜昌市三峡中等专业学校\n", encoding="utf-8"
    )
    zip_bomb(base, out("zip-bomb.xlsx"), 310 * 1024 * 1024, lie=False)
    zip_bomb(base, out("zip-bomb-lying-sizes.xlsx"), 310 * 1024 * 1024, lie=True)
    out("password-protected.xlsx").write_bytes(encrypted_xlsx())
    sheets = xls_from_xlsx(base)
    out("old-format.xls").write_bytes(xls_workbook(sheets))
    out("password-protected.xls").write_bytes(xls_workbook(sheets, password=True))
    rewrite_zip(
        base,
        out("macros.xlsm"),
        add={
            "xl/vbaProject.bin": compound_file(
                {
                    "dir": b'Attribute VB_Name = "Module1"\r\nSub AutoOpen()\r\nShell "calc"\r\nEnd Sub\r\n'
                }
            )
        },
    )

    def edit(name: str, change, **kwargs) -> None:
        valid_workbook(out(name), edit=change, **kwargs)

    def formulas(book):
        book["师资队伍"]["C4"] = "=C5+C6"
        book["基本信息"]["C4"] = HYPERLINK  # a live formula, with no cached value

    edit("formulas-uncached.xlsx", formulas)

    def injection(book):
        set_text(book, "基本信息", "C4", HYPERLINK)
        set_text(book, "基本信息", "C5", DDE)
        set_text(book, "办学条件", "C6", DDE)
        set_text(book, "文字部分", "B3", "@SUM(1+1)*cmd|' /C calc'!A0")

    edit("formula-strings.xlsx", injection)
    edit(
        "nan-inf-huge.xlsx",
        None,
        values={
            "books": "NaN",
            "graduates": "inf",
            "students_enrolled": "1e308",
            "campus_area": 1e300,
            "awards_city": "-Infinity",
        },
    )
    edit(
        "negative-and-fractional-counts.xlsx",
        None,
        values={"awards_city": -3, "teachers_full_time": 150.5, "books": "-1"},
        specialties=_specialties(enrolled=-5, admitted=600.5),
    )
    edit(
        "zero-professional-teachers.xlsx",
        None,
        values={
            "teachers_professional": 0,
            "teachers_dual_qualified": 0,
            "teachers_general": 150,
            "students_enrolled": 0,
            "graduates": 0,
            "graduates_employed": 0,
            "graduates_further_study": 0,
            "graduates_employed_in_field": 0,
            "students_admitted": 0,
            "students_dropped": 0,
            "students_certified": 0,
            "apprenticeship_students": 0,
        },
        specialties=[{**r, **dict.fromkeys(SPECIALTY_COUNTS, 0)} for r in VALID_SPECIALTIES],
    )
    edit("duplicate-school-a.xlsx", None)
    edit("duplicate-school-b.xlsx", None, values={"books": 120000})
    edit(
        "another-schools-code.xlsx",
        None,
        values={"school_name": "宜昌市机电工程学校", "county": "伍家岗区"},
    )

    def dates(book):
        book["办学条件"]["C6"] = datetime(2024, 3, 1)
        book["师资队伍"]["C4"] = datetime(2024, 9, 1, 8, 30)

    edit("dates-in-number-cells.xlsx", dates)

    def hidden(book):
        book["师资队伍"].sheet_state = "hidden"
        book.create_sheet("草稿").sheet_state = "veryHidden"

    edit("hidden-sheets.xlsx", hidden)
    edit(
        "very-long-strings.xlsx",
        None,
        values={"school_name": "宜" * 100_000},
        narratives={n.id: "本年度" * 33_334 for n in SPEC.narratives},
    )

    def rtl_sheet(book):
        book.create_sheet("\u202ecod.exe")

    edit(
        "control-characters-and-rtl.xlsx",
        rtl_sheet,
        values={
            "school_name": "宜昌市\u202e三峡\u200b中等专业学校\x07",
            "county": "西陵\u2066区\u2069",
            "students_enrolled": "\u200f3000",
        },
    )
    return folder.finish()


# ---- files that are not what their name says, and files that would exhaust a reader ---------


def _sheet_with_cells(source: Path, member: str, cells: list[str]) -> bytes:
    """The sheet XML of member with extra cells (each '<c r="..">…</c>') in rows of their own."""
    with zipfile.ZipFile(source) as archive:
        xml = archive.read(member).decode()
    rows = "".join(f'<row r="{re.sub(r"[A-Z]", "", c.split(chr(34))[1])}">{c}</row>' for c in cells)
    return xml.replace("</sheetData>", rows + "</sheetData>").encode()


def excel4_worksheet() -> bytes:
    """An Excel 4.0 worksheet (BIFF4): a BOF of type 0x0409 and a cell, no OLE container."""
    bof = _record(0x0409, struct.pack("<HHH", 0x0000, 0x0010, 0x0000))
    return bof + _record(0x0203, struct.pack("<HHHd", 0, 0, 0, 45.0)) + _record(0x000A)


def make_formats(target: Path = FORMATS) -> list[Path]:
    """Write every file of formats/ into target; returns them."""
    folder = _Folder(target)
    base, out = folder.base, folder.out

    out("csv-export.csv").write_text(
        "学校标识码,学校名称,在校生数\n4205000001,宜昌市三峡中等专业学校,3000\n", encoding="utf-8"
    )
    out("web-page-named.xls").write_text(
        '<html><head><meta charset="utf-8"></head><body><table><tr><td>学校名称</td>'
        "<td>宜昌市三峡中等专业学校</td></tr></table></body></html>",
        encoding="utf-8",
    )
    out("pdf-named.xlsx").write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    sheets = xls_from_xlsx(base)
    out("old-xls-named.xlsx").write_bytes(xls_workbook(sheets))
    out("wps-sheet.et").write_bytes(xls_workbook(sheets))
    out("xlsx-named.xlsb").write_bytes(base.read_bytes())
    out("template-copy.xltx").write_bytes(base.read_bytes())
    out("xor-password.xls").write_bytes(xls_workbook(sheets, password=True, xor=True))
    out("excel4-worksheet.xls").write_bytes(excel4_worksheet())
    out("word-document-named.xls").write_bytes(
        compound_file({"WordDocument": b"\xec\xa5" + bytes(510), "1Table": bytes(512)})
    )
    with zipfile.ZipFile(out("numbers-named.xlsx"), "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("Index/Document.iwa", "Index/CalculationEngine.iwa", "Index/Tables/Tile.iwa"):
            archive.writestr(zipfile.ZipInfo(name, (2024, 9, 1, 0, 0, 0)), bytes(64))
    with zipfile.ZipFile(out("word-docx-named.xlsx"), "w", zipfile.ZIP_DEFLATED) as archive:
        parts = {
            "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxml'
            'formats.org/package/2006/content-types"><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>',
            "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxml'
            'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
            "word/document.xml": "<w:document/>",
        }
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 9, 1, 0, 0, 0)), text)
    with zipfile.ZipFile(out("empty-zip.xlsx"), "w"):
        pass
    # WPS Office writes zip entries with backslashes; calamine opens them
    with (
        zipfile.ZipFile(base) as old,
        zipfile.ZipFile(out("wps-backslash-paths.xlsx"), "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            name = info.filename.replace("/", "\\")
            new.writestr(zipfile.ZipInfo(name, info.date_time), old.read(info.filename))
    # the workbook part found through _rels/.rels, in a folder not called xl/
    with (
        zipfile.ZipFile(base) as old,
        zipfile.ZipFile(out("workbook-in-another-folder.xlsx"), "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data, name = old.read(info.filename), info.filename
            if name.startswith("xl/"):
                name = "excel/" + name[3:]
            if name in ("_rels/.rels", "[Content_Types].xml"):
                data = data.replace(b"/xl/", b"/excel/").replace(b'Target="xl/', b'Target="excel/')
            new.writestr(zipfile.ZipInfo(name, info.date_time), data)
    # ten cells far out: a dense grid up to them would cost gigabytes
    far = [
        f'<c r="{col}{row}"><v>1</v></c>'
        for col, row in zip(
            ("AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG", "HHH", "III", "JJJ"),
            range(60_000, 60_010),
            strict=True,
        )
    ]
    rewrite_zip(
        base,
        out("ten-cells-far-out.xlsx"),
        replace={TEACHERS_SHEET: _sheet_with_cells(base, TEACHERS_SHEET, far)},
    )
    rewrite_zip(
        base,
        out("one-cell-at-xfd99999.xlsx"),
        replace={
            TEACHERS_SHEET: _sheet_with_cells(
                base, TEACHERS_SHEET, ['<c r="XFD99999"><v>1</v></c>']
            )
        },
    )
    # an .xls whose DIMENSIONS claim 65,536 rows of 256 columns: calamine reserves room for all
    out("xls-claiming-huge-dimensions.xls").write_bytes(
        xls_workbook(sheets, dimensions=(65_536, 256))
    )
    return folder.finish()


# ---- what a clerk really does to the template ----------------------------------------------


def _set_cell(xml: bytes, ref: str, cell: str) -> bytes:
    """Sheet XML with the cell at ref replaced by cell (an XML string)."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
    replaced, count = pattern.subn(cell.encode(), xml, count=1)
    assert count == 1, ref
    return replaced


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def make_clerk(target: Path = CLERK) -> list[Path]:
    """Write every file of clerk/ into target; returns them."""
    folder = _Folder(target)
    base, out = folder.base, folder.out

    def edit(name: str, change, **kwargs) -> None:
        valid_workbook(out(name), edit=change, **kwargs)

    def merge_into_unit_column(book):
        # the clerk merges B4:C4 (unit and value) and types the number: it lands in B4
        sheet = book["师资队伍"]
        sheet["B4"], sheet["C4"] = 150, None
        sheet.merge_cells("B4:C4")

    edit("number-typed-into-merged-cells.xlsx", merge_into_unit_column)

    def merge_value_and_note(book):
        book["师资队伍"].merge_cells("C5:D5")  # the value stays in C5, read as it is

    edit("value-cells-merged-with-note.xlsx", merge_value_and_note)

    def merge_status_down(book):
        book["专业设置"].merge_cells("C3:C4")  # one status typed for two specialties

    edit("status-merged-across-rows.xlsx", merge_status_down)

    def hide_specialty(book):
        book["专业设置"].row_dimensions[4].hidden = True

    edit(
        "hidden-specialty-row.xlsx",
        hide_specialty,
        specialties=[
            *[dict(r) for r in VALID_SPECIALTIES],
            {
                "specialty_code": "730701",
                "specialty_name": "电子商务",
                "status": "停招",
                **dict.fromkeys(SPECIALTY_COUNTS, 0),
            },
        ],
    )

    def add_copy(book):
        book.create_sheet("师资队伍（旧）")

    # Excel refuses a second sheet of one name; a tool may not: the second copy is renamed
    copy = valid_workbook(target / "_copy.xlsx", edit=add_copy)
    workbook = _member(copy, WORKBOOK).replace("师资队伍（旧）".encode(), "师资队伍".encode())
    rewrite_zip(copy, out("two-sheets-one-name.xlsx"), replace={WORKBOOK: workbook})
    copy.unlink()

    external = _set_cell(
        _member(base, TEACHERS_SHEET), "C8", '<c r="C8"><f>[1]师资!C8</f><v>30</v></c>'
    )
    rewrite_zip(
        base, out("formula-linking-another-workbook.xlsx"), replace={TEACHERS_SHEET: external}
    )

    edit("two-numbers-in-one-cell.xlsx", None, values={"teachers_part_time": "12 15"})

    def remark_column(book):
        sheet = book["专业设置"]
        sheet["J2"] = "备注"
        sheet["J3"] = "2023年新增"

    edit("remark-column.xlsx", remark_column)

    # Excel saves a formula's result; a result of 0 is a real 0
    computed = _set_cell(
        _member(base, STUDENTS_SHEET), "C11", '<c r="C11"><f>C12-C12</f><v>0</v></c>'
    )
    calculated = _member(base, WORKBOOK).replace(
        b'<calcPr calcId="124519" fullCalcOnLoad="1"/>', b'<calcPr calcId="191029"/>'
    )
    rewrite_zip(
        base,
        out("formula-saved-result-zero.xlsx"),
        replace={STUDENTS_SHEET: computed, WORKBOOK: calculated},
    )
    # a writer that cannot calculate leaves 0 and asks Excel to recalculate when opening
    rewrite_zip(base, out("formula-placeholder-zero.xlsx"), replace={STUDENTS_SHEET: computed})
    division = _set_cell(
        _member(base, CONDITIONS_SHEET), "C8", '<c r="C8" t="e"><f>C5/0</f><v>#DIV/0!</v></c>'
    )
    rewrite_zip(
        base,
        out("formula-dividing-by-zero.xlsx"),
        replace={CONDITIONS_SHEET: division, WORKBOOK: calculated},
    )
    edit("number-1e308.xlsx", None, values={"campus_area": 1e308})
    edit(
        "total-row-in-specialties.xlsx",
        None,
        specialties=[
            *[dict(r) for r in VALID_SPECIALTIES],
            {
                "specialty_code": "合计",
                **{c: sum(r[c] for r in VALID_SPECIALTIES) for c in SPECIALTY_COUNTS},
            },
        ],
    )
    # Excel stops a cell at 32,767 characters; another tool wrote 300,000 into each section
    narrative = _member(base, NARRATIVE_SHEET)
    for row in range(3, 3 + len(SPEC.narratives)):
        cell = f'<c r="B{row}" t="inlineStr"><is><t>{"本校" * 150_000}</t></is></c>'
        narrative = _set_cell(narrative, f"B{row}", cell)
    rewrite_zip(base, out("narrative-300000-characters.xlsx"), replace={NARRATIVE_SHEET: narrative})
    # last year's file sent again: the template of 2023, with 年度 left at 2023
    write_workbook(out("last-years-template.xlsx"), SPEC, 2023, school_data({"year": 2023}))
    return folder.finish()


if __name__ == "__main__":
    for path in make() + make_formats() + make_clerk():
        print(f"{path.stat().st_size:>9,}  {path.relative_to(HERE.parent.parent)}")
