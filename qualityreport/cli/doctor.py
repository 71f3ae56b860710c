"""`qualityreport doctor`: check that reports can be rendered here and say what to install."""

from __future__ import annotations

import ctypes.util
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata

import click

PACKAGES = (
    "weasyprint",
    "great-tables",
    "matplotlib",
    "jinja2",
    "duckdb",
    "polars",
    "pandera",
    "fastexcel",
    "openpyxl",
    "xlsxwriter",
    "click",
    "rich",
    "pyarrow",
    "pyyaml",
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    needed: bool = True  # False: only slower or less convenient without it


def _harfbuzz_subset() -> bool:
    if ctypes.util.find_library("harfbuzz-subset"):
        return True
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    try:
        out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "libharfbuzz-subset" in out


def run_checks(font_families=None) -> list[Check]:
    """Everything rendering needs, in the order a user would fix it."""
    from ..errors import RenderError
    from ..render.fonts import INSTALL_HINT, find_cjk_fonts

    checks = []
    try:
        fonts = find_cjk_fonts(font_families)
        checks.append(Check("中文字体 / CJK font", True, f"{fonts.sans}; {fonts.serif}"))
    except RenderError:
        checks.append(
            Check(
                "中文字体 / CJK font",
                False,
                "none found by fc-list :lang=zh",
                INSTALL_HINT.split(". ", 1)[1],
            )
        )
    subset = _harfbuzz_subset()
    checks.append(
        Check(
            "libharfbuzz-subset",
            subset,
            "found" if subset else "missing",
            "sudo apt-get install libharfbuzz-subset0 (Debian/Ubuntu); without it each PDF takes ~6 s more",
            needed=False,
        )
    )
    try:
        import weasyprint
        from weasyprint.text.ffi import pango

        number = pango.pango_version()  # major * 10000 + minor * 100 + micro
        pango_version = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
        checks.append(
            Check(
                "WeasyPrint / Pango",
                True,
                f"weasyprint {weasyprint.__version__}, pango {pango_version}",
            )
        )
    except Exception as exc:  # an OSError from a missing shared library, most often
        checks.append(
            Check(
                "WeasyPrint / Pango",
                False,
                f"{type(exc).__name__}: {exc}",
                "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                "(Debian/Ubuntu); pip install 'weasyprint>=70,<71'",
            )
        )
    for tool in ("pdftoppm", "pdftotext"):
        found = shutil.which(tool)
        checks.append(
            Check(
                tool,
                bool(found),
                found or "missing",
                "sudo apt-get install poppler-utils (only for tests and previews)",
                needed=False,
            )
        )
    return checks


def package_versions() -> list[tuple[str, str]]:
    rows = [("python", platform.python_version())]
    for name in PACKAGES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "—"))
    return rows


@click.command("doctor")
def doctor_command():
    """检查运行环境 / check fonts and libraries needed for PDF reports."""
    checks = run_checks()
    for c in checks:
        mark = "✓" if c.ok else ("✗" if c.needed else "!")
        click.echo(f"{mark} {c.name}: {c.detail}")
        if not c.ok:
            click.echo(f"    → {c.fix}")
    click.echo("")
    click.echo("  ".join(f"{name} {version}" for name, version in package_versions()))
    missing = [c for c in checks if c.needed and not c.ok]
    if missing:
        click.echo(f"缺少必需组件 / missing: {', '.join(c.name for c in missing)}", err=True)
        sys.exit(1)
    click.echo("可以生成报告 / ready to render reports.")
