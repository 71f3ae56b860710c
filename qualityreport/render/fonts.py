"""Find a Chinese font through fontconfig before rendering (WeasyPrint can crash without one)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import RenderError

# Simplified-Chinese families in order of preference; the first sans and serif found are used.
SANS_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
)
SERIF_FAMILIES = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN")

INSTALL_HINT = (
    "没有找到中文字体 / no Chinese (CJK) font found through fontconfig. "
    "Install one: Debian/Ubuntu `sudo apt-get install fonts-noto-cjk`, "
    "Fedora `sudo dnf install google-noto-sans-cjk-fonts google-noto-serif-cjk-fonts`, "
    "macOS `brew install --cask font-noto-sans-cjk-sc`; then check with `fc-list :lang=zh family`."
)


@dataclass(frozen=True)
class ReportFonts:
    """The families the report and its charts use: headings and tables in sans, body in serif."""

    sans: str
    serif: str

    def css_stack(self, which: str) -> str:
        first = self.sans if which == "sans" else self.serif
        generic = "sans-serif" if which == "sans" else "serif"
        return f'"{first}", "{self.sans}", {generic}'


def installed_cjk_families() -> tuple[str, ...]:
    """Every family fontconfig lists as covering Chinese (empty when fc-list is missing)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families: list[str] = []
    for line in out.splitlines():
        # A line lists a face's names separated by commas ("文泉驿正黑,WenQuanYi Zen Hei").
        for name in line.split(","):
            name = name.strip().replace("\\-", "-")
            if name and name not in families:
                families.append(name)
    return tuple(families)


def find_cjk_fonts(families: Iterable[str] | None = None) -> ReportFonts:
    """Pick the report fonts from the installed families; RenderError saying what to install."""
    available = tuple(installed_cjk_families() if families is None else families)
    sans = next((f for f in SANS_FAMILIES if f in available), None)
    serif = next((f for f in SERIF_FAMILIES if f in available), None)
    if sans is None:
        sans = serif
    if sans is None:
        raise RenderError(INSTALL_HINT)
    return ReportFonts(sans=sans, serif=serif or sans)
