"""Show validation results to people and programs: terminal text, JSON and a standalone HTML page."""

from __future__ import annotations

import json
from collections.abc import Sequence

from . import __version__
from .records import SkippedFile, ValidationResult
from .textwidth import pad

JSON_SCHEMA_VERSION = 1

_WORDS = {
    "zh": {
        "error": "错误",
        "warning": "警告",
        "info": "提示",
        "valid": "通过",
        "invalid": "未通过",
        "unusable": "无法读取",
        "files": "个文件",
        "errors": "个错误",
        "warnings": "个警告",
        "found": "填写",
        "expected": "应为",
        "summary": "合计",
        "comma": "，",
    },
    "en": {
        "error": "error",
        "warning": "warning",
        "info": "note",
        "valid": "valid",
        "invalid": "invalid",
        "unusable": "unreadable",
        "files": "files",
        "errors": "errors",
        "warnings": "warnings",
        "found": "found",
        "expected": "expected",
        "summary": "total",
        "comma": ", ",
    },
}


def exit_code(results: Sequence[ValidationResult]) -> int:
    """0 when every file is valid, 1 when a file has errors, 2 when a file could not be read."""
    if any(not r.usable for r in results):
        return 2
    return 1 if any(r.errors for r in results) else 0


def verdict(result: ValidationResult, lang: str = "zh") -> str:
    words = _WORDS[lang]
    if not result.usable:
        return words["unusable"]
    return words["valid"] if result.valid else words["invalid"]


def summary_line(result: ValidationResult, lang: str = "zh") -> str:
    """One line a file: mark, file, verdict, counts."""
    words = _WORDS[lang]
    mark = "✓" if result.valid else "✗"
    return (
        f"{mark} {result.file}  {verdict(result, lang)}  {result.errors} {words['errors']}"
        f"{words['comma']}{result.warnings} {words['warnings']}"
    )


def finding_lines(result: ValidationResult, lang: str = "zh") -> list[str]:
    words = _WORDS[lang]
    lines = []
    for f in result.findings:
        where = f.location or "—"
        rule = f.rule if f.rule and f.rule != f.code else f.code
        lines.append(f"  {pad(words[f.severity], 7)} {pad(where, 18)} [{rule}] {f.message(lang)}")
    return lines


def totals_line(
    results: Sequence[ValidationResult], lang: str = "zh", skipped: Sequence[SkippedFile] = ()
) -> str:
    """Every outcome counted: valid, invalid, unreadable (and files skipped in directories)."""
    words = _WORDS[lang]
    valid = sum(r.valid for r in results)
    unreadable = sum(not r.usable for r in results)
    invalid = len(results) - valid - unreadable
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    if lang == "zh":
        line = f"{words['summary']}：{len(results)} {words['files']}，{valid} 个通过，{invalid} 个未通过"
        line += f"，{unreadable} 个无法读取" if unreadable else ""
        line += f"；{errors} {words['errors']}，{warnings} {words['warnings']}"
        return line + (f"；跳过 {len(skipped)} 个不是工作簿的文件" if skipped else "")
    line = (
        f"{words['summary']}: {len(results)} {words['files']}, {valid} valid, {invalid} not valid"
    )
    line += f", {unreadable} unreadable" if unreadable else ""
    line += f"; {errors} {words['errors']}, {warnings} {words['warnings']}"
    return line + (f"; {len(skipped)} skipped (not workbooks)" if skipped else "")


def skipped_line(skipped: SkippedFile, lang: str = "zh") -> str:
    """One line a file not read: it is named, with the reason."""
    if lang == "zh":
        return f"- {skipped.file}  跳过：{skipped.reason}"
    return f"- {skipped.file}  skipped: {skipped.reason_en}"


def to_json_document(
    results: Sequence[ValidationResult],
    spec_version: str,
    skipped: Sequence[SkippedFile] = (),
) -> dict:
    """The stable JSON form of a validation run (documented in the README)."""
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": f"qualityreport {__version__}",
        "spec_version": spec_version,
        "valid": all(r.valid for r in results),
        "files": [r.to_dict() for r in results],
        "skipped": [s.to_dict() for s in skipped],
        "summary": {
            "files": len(results),
            "valid": sum(r.valid for r in results),
            "unreadable": sum(not r.usable for r in results),
            "skipped": len(skipped),
            "errors": sum(r.errors for r in results),
            "warnings": sum(r.warnings for r in results),
        },
    }


def to_json(
    results: Sequence[ValidationResult], spec_version: str, skipped: Sequence[SkippedFile] = ()
) -> str:
    return json.dumps(
        to_json_document(results, spec_version, skipped), ensure_ascii=False, indent=2
    )


def to_html(
    results: Sequence[ValidationResult],
    spec_version: str,
    lang: str = "zh",
    skipped: Sequence[SkippedFile] = (),
) -> str:
    """A standalone HTML page of every finding; every submitted value is escaped."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from .resources import templates_dir

    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    template = env.get_template("findings.html.j2")
    return template.render(
        results=results,
        lang=lang,
        words=_WORDS[lang],
        spec_version=spec_version,
        verdict=verdict,
        skipped=skipped,
        totals=totals_line(results, lang, skipped),
        version=__version__,
    )
