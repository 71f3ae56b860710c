"""Say what a file really is from its content, whatever it is called, and what to do with it."""

from __future__ import annotations

import codecs
import re
import struct

from .model import UnreadableFile

# Files a directory run reads: spreadsheets of every format the reader may open (by content,
# so a misnamed one is still read), Office and WPS templates included.
WORKBOOK_SUFFIXES = (
    ".xlsx",
    ".xlsm",
    ".xltx",
    ".xltm",
    ".xlsb",
    ".xls",
    ".xlt",
    ".ods",
    ".et",
    ".ett",
)
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

SAVE_AS_XLSX = (
    "请用 Excel 或 WPS 打开后另存为 .xlsx 再提交",
    "open it in Excel or WPS and save it as .xlsx",
)
FILL_TEMPLATE = (
    "请在填报模板中填写后提交 .xlsx 文件",
    "fill in the template and submit the .xlsx file",
)

# kind → (what it is in Chinese, in English, what to do in Chinese, in English)
KINDS: dict[str, tuple[str, str, str, str]] = {
    "csv": ("CSV 或文本文件", "a CSV or text file", *FILL_TEMPLATE),
    "html": (
        "网页（HTML）文件，有些系统导出的“Excel”其实是网页",
        "a web page (HTML); some systems export web pages named as Excel files",
        *SAVE_AS_XLSX,
    ),
    "mhtml": ("单个文件网页（MHTML）", "a single-file web page (MHTML)", *SAVE_AS_XLSX),
    "xml2003": ("Excel 2003 XML 表格", "an Excel 2003 XML spreadsheet", *SAVE_AS_XLSX),
    "pdf": (
        "PDF 文档",
        "a PDF document",
        "请提交填写好的 .xlsx 填报模板，而不是打印或导出的 PDF",
        "submit the filled-in .xlsx template, not a printed or exported PDF",
    ),
    "rtf": ("RTF 文档", "an RTF document", *FILL_TEMPLATE),
    "word": ("Word 文档", "a Word document", *FILL_TEMPLATE),
    "powerpoint": ("PowerPoint 演示文稿", "a PowerPoint presentation", *FILL_TEMPLATE),
    "opendocument": (
        "OpenDocument 文本或演示文稿",
        "an OpenDocument text or presentation",
        *FILL_TEMPLATE,
    ),
    "numbers": (
        "Apple Numbers 表格",
        "an Apple Numbers spreadsheet",
        "请在 Numbers 中选择“文件 › 导出到 › Excel”，提交导出的 .xlsx",
        "in Numbers choose File › Export To › Excel and submit the .xlsx",
    ),
    "iwork": ("Apple iWork 文稿", "an Apple iWork document", *FILL_TEMPLATE),
    "biff-stream": (
        "未按 .xls 格式保存的旧版 Excel 工作表数据，无法读取",
        "old Excel worksheet data not stored as an .xls file, which cannot be read",
        *SAVE_AS_XLSX,
    ),
    "biff2-4": (
        "Excel 2.0—4.0 格式（1987—1992 年）的旧工作表，无法读取",
        "an Excel 2.0–4.0 worksheet (1987–1992), too old to read",
        *SAVE_AS_XLSX,
    ),
    "zip": (
        "普通 zip 压缩包，其中没有工作簿",
        "a zip archive holding no workbook",
        "请解压后提交其中的 .xlsx 文件",
        "unpack it and submit the .xlsx inside",
    ),
    "archive": (
        "压缩包（rar/7z/gzip）",
        "a compressed archive (rar/7z/gzip)",
        "请解压后提交其中的 .xlsx 文件",
        "unpack it and submit the .xlsx inside",
    ),
    "ole": (
        "Office 复合文档，但其中没有工作簿",
        "an Office compound file holding no workbook",
        *FILL_TEMPLATE,
    ),
    "image": ("图片", "an image", *FILL_TEMPLATE),
    "unknown": ("无法识别的格式", "of an unknown format", *FILL_TEMPLATE),
}

# What each content is called when read, for saying that a file's name misleads.
FORMAT_NAMES = {
    "xlsx": ("Excel 工作簿 (.xlsx)", "an Excel workbook (.xlsx)"),
    "xlsm": ("启用宏的 Excel 工作簿 (.xlsm)", "a macro-enabled Excel workbook (.xlsm)"),
    "xlsb": ("Excel 二进制工作簿 (.xlsb)", "an Excel binary workbook (.xlsb)"),
    "xls": ("Excel 97—2003 工作簿 (.xls)", "an Excel 97–2003 workbook (.xls)"),
    "ods": ("OpenDocument 表格 (.ods)", "an OpenDocument spreadsheet (.ods)"),
}
# Suffixes a content may honestly carry: an Office Open XML package is one format whether it is
# called a workbook, a template or macro-enabled; WPS names the .xls format .et.
_OOXML = (".xlsx", ".xlsm", ".xltx", ".xltm")
SUFFIXES_OF = {
    "xlsx": _OOXML,
    "xlsm": _OOXML,
    "xlsb": (".xlsb",),
    "xls": (".xls", ".xlt", ".et", ".ett"),
    "ods": (".ods",),
}


def not_a_workbook(kind: str, **extra) -> UnreadableFile:
    what, what_en, todo, todo_en = KINDS[kind]
    space = " " if what[0].isascii() else ""  # 文件是 CSV…, 文件是图片
    return UnreadableFile(
        "file-not-workbook",
        f"文件是{space}{what}；{todo}",
        f"the file is {what_en}; {todo_en}",
        **extra,
    )


def damaged(format_name: str, **extra) -> UnreadableFile:
    """A file that says it is a workbook of a known format but cannot be read as one."""
    zh, en = FORMAT_NAMES.get(format_name, (format_name, format_name))
    return UnreadableFile(
        "file-not-workbook",
        f"文件按 {zh} 读取时出错，可能已损坏或未完整保存；{SAVE_AS_XLSX[0]}",
        f"the file could not be read as {en}; it may be damaged or incompletely saved: "
        f"{SAVE_AS_XLSX[1]}",
        **extra,
    )


_HTML = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|table|meta)\b", re.I | re.S
)
_BIFF_BOF = {0x0009, 0x0209, 0x0409}  # Excel 2, 3 and 4 worksheets start with one of these


def classify_head(head: bytes) -> str:
    """The kind of a file that is neither a zip nor an OLE compound file, from its first bytes."""
    text = head.lstrip(b"\xef\xbb\xbf")
    if text.startswith(b"%PDF-"):
        return "pdf"
    if text.startswith(b"{\\rtf"):
        return "rtf"
    if len(head) >= 4:
        kind, length = struct.unpack_from("<HH", head)
        if kind in _BIFF_BOF and 4 <= length <= 16:
            return "biff2-4"
        if kind == 0x0809 and 4 <= length <= 20:  # a BIFF5/8 stream without its OLE container
            return "biff-stream"
    if head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")):
        return "archive"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or (
        head.startswith(b"BM") and head[6:10] == b"\0\0\0\0"
    ):
        return "image"
    lowered = text[:4096].lower()
    if b"mime-version:" in lowered[:400]:
        return "mhtml"
    if lowered.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in lowered:
        return "xml2003"
    if _HTML.match(text) or b"<html" in lowered[:1024]:
        return "html"
    encodings = ("utf-16",) if head.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            # incremental: the head may end in the middle of a character
            decoded = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeError:
            continue
        if "\x00" not in decoded and all(
            ch.isprintable() or ch in "\r\n\t" for ch in decoded[:2000]
        ):
            return "csv"
    return "unknown"


# What a directory holds besides workbooks, by name: it is listed as skipped, never read.
_SKIPPED_KINDS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".htm": "html",
    ".html": "html",
    ".mht": "mhtml",
    ".mhtml": "mhtml",
    ".xml": "xml2003",
    ".pdf": "pdf",
    ".doc": "word",
    ".docx": "word",
    ".wps": "word",
    ".ppt": "powerpoint",
    ".pptx": "powerpoint",
    ".odt": "opendocument",
    ".odp": "opendocument",
    ".numbers": "numbers",
    ".pages": "iwork",
    ".key": "iwork",
    ".zip": "zip",
    ".rar": "archive",
    ".7z": "archive",
    ".gz": "archive",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".gif": "image",
    ".bmp": "image",
}
LOCK_FILE = (
    "Excel 或 WPS 打开工作簿时留下的临时文件",
    "a temporary file Excel or WPS leaves while a workbook is open",
)


def skip_reason(name: str) -> tuple[str, str] | None:
    """Why a file found in a directory is not read (in each language); None when it is read."""
    lowered = name.lower()
    if lowered.startswith(("~$", ".~")):
        return LOCK_FILE
    suffix = "." + lowered.rpartition(".")[2] if "." in lowered else ""
    if suffix in WORKBOOK_SUFFIXES:
        return None
    shown = suffix or name
    kind = _SKIPPED_KINDS.get(suffix)
    if kind is None:
        return f"不是工作簿（{shown}）", f"not a workbook ({shown})"
    what, what_en, _, _ = KINDS[kind]
    return f"不是工作簿（{shown}：{what}）", f"not a workbook ({shown}: {what_en})"
