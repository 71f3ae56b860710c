"""Report HTML from the Jinja2 templates, and PDF from it through WeasyPrint with a safe fetcher."""

from __future__ import annotations

import base64
import contextlib
import functools
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from ..city import CityConfig
from ..errors import RenderError
from ..resources import templates_dir
from .fonts import ReportFonts, find_cjk_fonts
from .labels import Labels, numbering

if TYPE_CHECKING:
    from weasyprint import Document

    from .report_data import CityReportData, SchoolReportData
    from .school_view import SchoolView

LOGO_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


@dataclass(frozen=True)
class RenderResult:
    output: Path
    pages: int
    seconds: float
    refused: tuple[str, ...] = ()  # URLs the fetcher would not load
    messages: tuple[str, ...] = ()  # WeasyPrint's warnings and errors
    notes: tuple[str, ...] = ()  # what the report could not say (no city configuration …)


@dataclass(frozen=True)
class Options:
    """How to render, shared by every report of a run (and sent to worker processes)."""

    lang: str = "zh"
    template_dir: Path | None = None
    logo: Path | None = None
    font_families: tuple[str, ...] | None = None  # None: ask fontconfig


@functools.lru_cache(maxsize=8)
def _fonts(families: tuple[str, ...] | None) -> ReportFonts:
    # fc-list once per process: a worker rendering fifty reports asks fontconfig once
    return find_cjk_fonts(families)


def _check_template_dir(template_dir: Path | None) -> Path | None:
    if template_dir is None:
        return None
    path = Path(template_dir).resolve()
    if not path.is_dir():
        raise RenderError(f"模板目录不存在 / template directory not found: {template_dir}")
    return path


def _environment(template_dir: Path | None):
    import jinja2

    loaders = [jinja2.FileSystemLoader(str(templates_dir()))]
    if template_dir is not None:
        loaders.insert(0, jinja2.FileSystemLoader(str(template_dir)))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _css_path(template_dir: Path | None) -> Path:
    if template_dir is not None and (template_dir / "report.css").is_file():
        return template_dir / "report.css"
    return templates_dir().resolve() / "report.css"


def _logo_uri(logo: Path | None) -> str | None:
    """The logo inlined as a data: URI, so the PDF never needs to reach outside the templates."""
    if logo is None:
        return None
    path = Path(logo)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RenderError(
            f"无法读取标志图片 / cannot read the logo {logo}: {exc.strerror}"
        ) from None
    mime = next((m for magic, m in LOGO_TYPES.items() if data.startswith(magic)), None)
    if mime is None and path.suffix.lower() == ".svg" and b"<svg" in data[:2048]:
        mime = "image/svg+xml"
    if mime is None:
        raise RenderError(
            f"标志图片须为 PNG、JPEG、GIF 或 SVG / the logo must be PNG, JPEG, GIF or SVG: {logo}"
        )
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


_FAMILY = re.compile(r"^[A-Za-z0-9 ._-]+$")


def _font_css(fonts: ReportFonts, lang: str, t: Labels) -> Markup:
    for family in (fonts.sans, fonts.serif):
        if not _FAMILY.match(family):
            raise RenderError(f"字体名称不受支持 / unsupported font family name: {family!r}")
    sans = fonts.css_stack("sans")
    css = (
        f"html {{ font-family: {fonts.css_stack('serif')}; }}\n"
        f"h1, h2, h3, .cover, .toc, .qr-gt, table.facts, figcaption, .caption, .placeholder "
        f"{{ font-family: {sans}; }}\n"
        f"@page {{ font-family: {sans}; }}\n"
    )
    if lang == "en":
        css += (
            '@page { @bottom-center { content: "Page " counter(page) " of " counter(pages); } }\n'
        )
    # Built from checked family names and fixed text only: safe inside <style>.
    return Markup(css)


def _common_context(options: Options, fonts: ReportFonts, *, page_numbers: bool = True) -> dict:
    """What every report's template needs. Without page numbers: a part of a volume, whose
    numbers are stamped on the merged pages."""
    from .tables import shared_css

    t = Labels(options.lang)
    num, sub = numbering(options.lang)
    template_dir = _check_template_dir(options.template_dir)
    return {
        "t": t,
        "lang": options.lang,
        "num": num,
        "sub": sub,
        "gt_css": shared_css(),
        "font_css": _font_css(fonts, options.lang, t)
        + ("" if page_numbers else Markup("@page { @bottom-center { content: none; } }\n")),
        "css_url": _css_path(template_dir).as_uri(),
        "logo": _logo_uri(options.logo),
        "in_appendix": False,
    }


def _render_template(name: str, options: Options, context: dict) -> str:
    import jinja2

    env = _environment(_check_template_dir(options.template_dir))
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"找不到模板 / template not found: {exc.name}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(
            f"模板语法错误 / template error in {exc.name or name}:{exc.lineno}: {exc.message}"
        ) from None
    except jinja2.UndefinedError as exc:
        raise RenderError(
            f"模板引用了不存在的值 / template error in {name}: {exc.message}"
        ) from None


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _weasyprint_messages() -> Iterator[list[str]]:
    """WeasyPrint's warnings and errors while the block runs."""
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        yield collect.messages
    finally:
        logger.removeHandler(collect)


@dataclass
class LaidOut:
    """A report laid out in pages by WeasyPrint, not written yet."""

    document: Document
    refused: list[str]  # URLs the fetcher would not load (writing may fetch attachments)
    messages: list[str]  # WeasyPrint's warnings and errors so far
    started: float  # perf_counter when the layout began


def lay_out(html: str, options: Options) -> LaidOut:
    """HTML → pages. Only data: URLs and files under the template folders can be loaded."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from .fetcher import SafeFetcher

    start = time.perf_counter()
    template_dir = _check_template_dir(options.template_dir)
    roots = [templates_dir().resolve()] + ([template_dir] if template_dir else [])
    fetcher = SafeFetcher(roots)
    with _weasyprint_messages() as messages:
        document = HTML(
            string=html, base_url=(template_dir or roots[0]).as_uri() + "/", url_fetcher=fetcher
        ).render(font_config=FontConfiguration())
    return LaidOut(document, fetcher.refused, messages, start)


def write_laid_out(laid: LaidOut, output: str | Path) -> RenderResult:
    """The laid-out pages as a PDF file."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with _weasyprint_messages() as messages:
        try:
            laid.document.write_pdf(output)
        except OSError as exc:
            raise RenderError(f"无法写入 / cannot write {output}: {exc.strerror or exc}") from None
    return RenderResult(
        output=output,
        pages=len(laid.document.pages),
        seconds=time.perf_counter() - laid.started,
        refused=tuple(laid.refused),
        messages=tuple(laid.messages + messages),
    )


def write_pdf(html: str, output: str | Path, options: Options) -> RenderResult:
    """HTML → PDF. Only data: URLs and files under the template folders can be loaded."""
    return write_laid_out(lay_out(html, options), output)


def publication_text(month: str, lang: str = "zh") -> str:
    """2025-03 as 2025年3月 (March 2025)."""
    year, _, number = month.partition("-")
    if lang == "zh":
        return f"{year}年{int(number)}月"
    names = "January February March April May June July August September October November December"
    return f"{names.split()[int(number) - 1]} {year}"


def missing_configuration(city: CityConfig | None) -> tuple[str, ...]:
    """What the city report's cover cannot say for want of a city configuration."""
    if city is None:
        return ("name", "issuer", "publication")
    lacks = []
    if not city.name:
        lacks.append("name")
    if not city.issuer:
        lacks.append("issuer")
    if not city.publication:
        lacks.append("publication")
    return tuple(lacks)


_LACKS = {
    "name": ("城市名称", "city name"),
    "issuer": ("编制单位", "issuer"),
    "publication": ("发布月份", "publication month"),
}


def lacking_note(lacks: tuple[str, ...], lang: str) -> str:
    """The line the cover and the log print when the city configuration is missing or partial."""
    if not lacks:
        return ""
    zh = lang == "zh"
    names = ("、" if zh else ", ").join(_LACKS[x][0 if zh else 1] for x in lacks)
    if zh:
        return f"未提供城市配置（--config）中的{names}"
    return f"no city configuration (--config) gave the {names}"


def _cover_note(t: Labels, year: int, issuer: str, publication: str) -> str:
    when = publication_text(publication, t.lang) if publication else str(year + 1)
    if t.lang == "zh" and not publication:
        when += "年"
    if t.lang == "zh":
        return f"{issuer}　{when}" if issuer else when
    return f"{issuer}, {when}" if issuer else when


def _options(
    lang: str,
    template_dir: str | Path | None,
    logo: str | Path | None,
    font_families: Iterable[str] | None,
) -> Options:
    return Options(
        lang=lang,
        template_dir=Path(template_dir) if template_dir else None,
        logo=Path(logo) if logo else None,
        font_families=tuple(font_families) if font_families is not None else None,
    )


def school_report_html(data: SchoolReportData, *, options: Options = Options()) -> str:
    """The school report as HTML (what render_school_report prints to PDF): its own document
    with its own data, so it can be rendered apart from the city report."""
    from .school_view import school_view

    fonts = _fonts(options.font_families)
    context = _common_context(options, fonts)
    t = context["t"]
    view = school_view(data, t, fonts)
    toc = view.toc()
    city = data.city_config
    context.update(
        v=view,
        title=view.title,
        author=data.name,
        toc_entries=toc,
        running_title=view.running_title,
        cover_lines=[data.name, t.school_report_kind],
        cover_subtitle=t("year_label", year=data.year),
        cover_period=data.period.label(data.year, t.lang) if data.period else "",
        cover_note=_cover_note(t, data.year, data.name, city.publication if city else ""),
    )
    return _render_template("school.html.j2", options, context)


def city_title(city: CityConfig | None, year: int, t: Labels) -> str:
    place = city.name if city and t.lang == "zh" else (city.name_en or city.name) if city else ""
    return t("city_title", city=place or t.city_default, year=year)


@dataclass(frozen=True)
class CityFront:
    """What the city report's cover and contents print: the front of the report."""

    title: str
    running_title: str
    author: str
    cover_lines: tuple[str, ...]
    cover_subtitle: str
    cover_period: str
    cover_note: str
    cover_lacks: str
    toc_entries: tuple[tuple[int, str, str], ...]  # level, anchor, heading


def _city_front(
    data: CityReportData,
    toc: list[tuple[int, str, str]],
    appendix: Iterable[tuple[str, str]],
    title: str | None,
    t: Labels,
) -> CityFront:
    """The cover and contents; `appendix` holds the anchor and name of each appended school."""
    from .school_view import running_title

    city = data.city_config
    place = city.name if city and city.name else ""
    if title:
        cover_lines = [title]
    elif t.lang == "zh":
        cover_lines = [place, t.city_report_kind] if place else [t.city_report_kind]
    else:
        cover_lines = [city_title(city, data.year, t)]
    appended = [(3, f"{anchor}-title", name) for anchor, name in appendix]
    if appended:
        toc = [*toc, (1, "city-appendix", t.ch_school_reports), *appended]
    title = title or city_title(city, data.year, t)
    return CityFront(
        title=title,
        running_title=running_title(title, data.period, data.year, t.lang),
        author=(city.issuer or city.name) if city else "",
        toc_entries=tuple(toc),
        cover_lines=tuple(cover_lines),
        cover_subtitle=t("year_label", year=data.year),
        cover_period=data.period.label(data.year, t.lang) if data.period else "",
        cover_note=_cover_note(
            t, data.year, city.issuer if city else "", city.publication if city else ""
        ),
        cover_lacks=lacking_note(missing_configuration(city), t.lang),
    )


def _front_context(front: CityFront) -> dict:
    return {
        "title": front.title,
        "running_title": front.running_title,
        "author": front.author,
        "toc_entries": front.toc_entries,
        "cover_lines": front.cover_lines,
        "cover_subtitle": front.cover_subtitle,
        "cover_period": front.cover_period,
        "cover_note": front.cover_note,
        "cover_lacks": front.cover_lacks,
    }


def city_report_html(
    data: CityReportData,
    *,
    schools: tuple[SchoolReportData, ...] = (),
    title: str | None = None,
    options: Options = Options(),
) -> str:
    """The city report (总报告) as HTML, with the given school reports as an appendix."""
    from .city_view import city_view
    from .school_view import school_view

    fonts = _fonts(options.font_families)
    context = _common_context(options, fonts)
    t = context["t"]
    view = city_view(data, t, fonts)
    views: tuple[SchoolView, ...] = tuple(school_view(d, t, fonts) for d in schools)
    front = _city_front(data, view.toc(), [(v.anchor, v.data.name) for v in views], title, t)
    context.update(
        _front_context(front),
        c=view,
        schools=views,
        volume_part="whole",
        toc_pages=None,
        appendix_heading=True,
    )
    return _render_template("city.html.j2", options, context)


def city_body_html(
    data: CityReportData,
    *,
    appendix: Iterable[tuple[str, str]] = (),
    title: str | None = None,
    options: Options = Options(),
) -> tuple[str, CityFront]:
    """The city report's chapters as HTML without page numbers (a part of a volume), and its
    front: the cover and contents, with the schools to be appended (anchor, name) listed."""
    from .city_view import city_view

    fonts = _fonts(options.font_families)
    context = _common_context(options, fonts, page_numbers=False)
    t = context["t"]
    view = city_view(data, t, fonts)
    front = _city_front(data, view.toc(), appendix, title, t)
    context.update(
        _front_context(front),
        c=view,
        schools=(),
        volume_part="body",
        toc_pages=None,
        appendix_heading=False,
    )
    return _render_template("city.html.j2", options, context), front


def city_front_html(
    front: CityFront, pages: dict[str, int], *, options: Options = Options()
) -> str:
    """The cover and contents without page numbers (a part of a volume); the contents print
    the page in the volume of each anchor, from `pages`."""
    fonts = _fonts(options.font_families)
    context = _common_context(options, fonts, page_numbers=False)
    context.update(
        _front_context(front),
        c=None,
        schools=(),
        volume_part="front",
        toc_pages=pages,
        appendix_heading=False,
    )
    return _render_template("city.html.j2", options, context)


def appended_school_html(
    data: SchoolReportData, *, first: bool, options: Options = Options()
) -> str:
    """One school's report as the city report's appendix prints it, without page numbers (a
    part of a volume); the first carries the appendix heading."""
    from .school_view import school_view

    fonts = _fonts(options.font_families)
    context = _common_context(options, fonts, page_numbers=False)
    view = school_view(data, context["t"], fonts)
    context.update(
        title=view.title,
        author=data.name,
        toc_entries=(),
        c=None,
        schools=(view,),
        volume_part="appendix",
        toc_pages=None,
        appendix_heading=first,
    )
    return _render_template("city.html.j2", options, context)


def render_school_report(
    db_path: str | Path,
    school: str,
    year: int | None,
    output: str | Path,
    *,
    city: CityConfig | None = None,
    outline: str | None = None,
    lang: str = "zh",
    template_dir: str | Path | None = None,
    logo: str | Path | None = None,
    font_families: Iterable[str] | None = None,
) -> RenderResult:
    """One school's 质量年报 as a PDF; the school is given by its code or full name; the
    outline is the year's national one unless one is chosen (2016, 2024 or a YAML file)."""
    from ..store import open_store
    from .report_data import load_school_report_data

    options = _options(lang, template_dir, logo, font_families)
    _fonts(options.font_families)  # no font: stop before reading anything
    with open_store(db_path, read_only=True) as store:
        data = load_school_report_data(store, school, year, city=city, outline=outline)
    return write_pdf(school_report_html(data, options=options), output, options)


def render_quality_report(
    db_path: str | Path,
    year: int | None,
    output: str | Path,
    *,
    city: CityConfig | None = None,
    lang: str = "zh",
    font_families: Iterable[str] | None = None,
) -> RenderResult:
    """The bureau's internal report: completeness of the year's submissions, the files
    returned, and every rule with the files and schools it caught."""
    from ..store import open_store
    from .quality_view import load_quality_report_data, quality_blocks

    options = _options(lang, None, None, font_families)
    fonts = _fonts(options.font_families)
    with open_store(db_path, read_only=True) as store:
        data = load_quality_report_data(store, year, city=city)
    context = _common_context(options, fonts)
    t = context["t"]
    place = city.name if city else ""
    title = f"{place}{t.quality_report_kind}" if t.lang == "zh" else t.quality_report_kind
    context.update(
        b=quality_blocks(data, t),
        title=title,
        author=city.issuer if city else "",
        toc_entries=[],
        cover_lines=[x for x in (place, t.quality_report_kind) if x],
        cover_subtitle=t("year_label", year=data.year),
        cover_note=_cover_note(t, data.year, city.issuer if city else "", ""),
        cover_lacks=t.internal,
    )
    return write_pdf(_render_template("quality.html.j2", options, context), output, options)


def report_file_name(code: str, name: str, year: int) -> str:
    """2024-4205000001-宜昌市三峡中等专业学校.pdf — only characters every file system takes."""
    safe = re.sub(r"[^\w\u4e00-\u9fff（）()-]", "", name)[:40] or "school"
    code = re.sub(r"[^\w-]", "_", code)
    return f"{year}-{code}-{safe}.pdf"


def _render_one(job: tuple) -> RenderResult:
    db_path, code, year, output, options, city, outline = job
    from ..store import open_store
    from .report_data import load_school_report_data

    with open_store(db_path, read_only=True) as store:
        data = load_school_report_data(store, code, year, city=city, outline=outline)
    return write_pdf(school_report_html(data, options=options), output, options)


def render_school_reports(
    db_path: str | Path,
    year: int | None,
    out_dir: str | Path,
    *,
    city: CityConfig | None = None,
    outline: str | None = None,
    workers: int | None = None,
    lang: str = "zh",
    template_dir: str | Path | None = None,
    logo: str | Path | None = None,
    font_families: Iterable[str] | None = None,
    progress: Callable[[RenderResult], None] | None = None,
) -> tuple[RenderResult, ...]:
    """Every school's report for a year, one process per core; results in the city's order."""
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    from ..store import open_store
    from .report_data import report_year, school_codes

    options = _options(lang, template_dir, logo, font_families)
    _fonts(options.font_families)  # fail once, before starting any process
    _check_template_dir(options.template_dir)
    _logo_uri(options.logo)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open_store(db_path, read_only=True) as store:
        year = report_year(store, year)
        codes = school_codes(store, year, city)
    jobs = [
        (
            str(db_path),
            code,
            year,
            out_dir / report_file_name(code, name, year),
            options,
            city,
            outline,
        )
        for code, name in codes
    ]
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    results: dict[str, RenderResult] = {}
    if workers == 1:
        for job in jobs:
            results[job[1]] = _render_one(job)
            if progress:
                progress(results[job[1]])
    else:
        # forkserver: workers start from a clean process, not a copy of a threaded parent
        method = "forkserver" if os.name == "posix" else "spawn"
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context(method)) as pool:
            futures = {pool.submit(_render_one, job): job[1] for job in jobs}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if progress:
                    progress(results[futures[future]])
    return tuple(results[job[1]] for job in jobs)
