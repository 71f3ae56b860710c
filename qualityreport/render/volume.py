"""The city report as a PDF; with every school report appended, made as one volume of parts.

The city report's chapters and each school report are laid out in worker processes, one report
at a time (a worker's memory is bounded by one report, whatever the size of the city); each part
is written without page numbers and tells its pages, bookmarks and anchors. The cover and the
contents are laid out last, when the first page of every part in the volume is known, so the
contents print true page numbers; merge.join_parts then puts the parts together with one outline,
the contents' links and "第 N 页 共 M 页" on every page but the cover.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..city import CityConfig
from ..errors import RenderError
from .parts import Part, write_part
from .pdf import (
    CityFront,
    Options,
    RenderResult,
    _check_template_dir,
    _fonts,
    _logo_uri,
    _options,
    appended_school_html,
    city_body_html,
    city_front_html,
    city_report_html,
    lacking_note,
    lay_out,
    missing_configuration,
    write_pdf,
)

FRONT_LAYOUTS = 4  # the contents are laid out again while their page count still changes


@dataclass(frozen=True)
class _Job:
    db_path: str
    year: int
    city: CityConfig | None
    outline: str | None
    options: Options
    path: Path
    school: str = ""  # the school's code; empty: the city report's chapters
    first: bool = False  # the first appended school report carries the appendix heading
    title: str | None = None
    appendix: tuple[tuple[str, str], ...] = ()  # anchor and name of every appended school


def _render_part(job: _Job) -> tuple[Part, CityFront | None]:
    from ..store import open_store
    from .report_data import load_city_report_data, load_school_report_data

    with open_store(job.db_path, read_only=True) as store:
        if job.school:
            school = load_school_report_data(
                store, job.school, job.year, city=job.city, outline=job.outline
            )
        else:
            city = load_city_report_data(store, job.year, city=job.city, outline=job.outline)
    if job.school:
        html = appended_school_html(school, first=job.first, options=job.options)
        return write_part(lay_out(html, job.options), job.path), None
    html, front = city_body_html(city, appendix=job.appendix, title=job.title, options=job.options)
    return write_part(lay_out(html, job.options), job.path), front


def _run(
    jobs: list[_Job], workers: int, progress: Callable[[], None] | None
) -> list[tuple[Part, CityFront | None]]:
    """Every job, in worker processes when there is more than one worker; results in order."""
    if workers == 1:
        done = []
        for job in jobs:
            done.append(_render_part(job))
            if progress:
                progress()
        return done
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    # forkserver: workers start from a clean process, not a copy of a threaded parent
    method = "forkserver" if os.name == "posix" else "spawn"
    results: dict[int, tuple[Part, CityFront | None]] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context(method)) as pool:
        futures = {pool.submit(_render_part, job): n for n, job in enumerate(jobs)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress:
                progress()
    return [results[n] for n in range(len(jobs))]


def _front(front: CityFront, starts: dict[str, int], options: Options, path: Path) -> Part:
    """The cover and contents: each contents line prints the volume page of its anchor, which
    depends on how many pages the front itself takes; laid out until that count holds."""
    front_pages = 2  # the cover and one page of contents
    for _ in range(FRONT_LAYOUTS):
        pages = {anchor: front_pages + start + 1 for anchor, start in starts.items()}
        laid = lay_out(city_front_html(front, pages, options=options), options)
        if len(laid.document.pages) == front_pages:
            return write_part(laid, path)
        front_pages = len(laid.document.pages)
    raise RenderError("目录页数不收敛 / the contents' page count does not settle")


def render_volume(
    db_path: str | Path,
    year: int,
    output: str | Path,
    schools: Sequence[tuple[str, str]],
    *,
    city: CityConfig | None,
    outline: str | None,
    title: str | None,
    options: Options,
    workers: int | None = None,
    progress: Callable[[], None] | None = None,
) -> RenderResult:
    """The city report with the reports of `schools` ((code, name), in order) appended, as one
    PDF; parts are laid out by `workers` processes (default: one per core)."""
    from .merge import join_parts
    from .page_numbers import stamp_page_numbers
    from .school_view import anchor_for

    start = time.perf_counter()
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix="qualityreport-volume-") as folder:
        jobs = [
            _Job(
                str(db_path),
                year,
                city,
                outline,
                options,
                Path(folder, "city.pdf"),
                title=title,
                appendix=tuple((anchor_for(code), name) for code, name in schools),
            )
        ]
        jobs += [
            _Job(
                str(db_path),
                year,
                city,
                outline,
                options,
                Path(folder, f"school-{n}.pdf"),
                school=code,
                first=n == 0,
            )
            for n, (code, _name) in enumerate(schools)
        ]
        count = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
        done = _run(jobs, count, progress)
        front = done[0][1]
        if front is None:  # the first job is the city's chapters, which returns the front
            raise RenderError("城市报告缺少封面 / the city report has no cover")
        parts = [part for part, _ in done]
        starts: dict[str, int] = {}  # anchor → its page in the volume after the front
        offset = 0
        for part in parts:
            for anchor, (page, _x, _y) in part.anchors.items():
                starts.setdefault(anchor, offset + page)
            offset += part.pages
        listed = {anchor for _, anchor, _ in front.toc_entries}
        listed_starts = {anchor: page for anchor, page in starts.items() if anchor in listed}
        parts.insert(0, _front(front, listed_starts, options, Path(folder, "front.pdf")))
        stamp = stamp_page_numbers(
            [size for part in parts for size in part.sizes],
            Path(folder, "page-numbers.pdf"),
            options,
            unnumbered={0},  # the cover
        )
        join_parts(parts, output, stamp=stamp, title=front.title, author=front.author)
    return RenderResult(
        output=output,
        pages=sum(part.pages for part in parts),
        seconds=time.perf_counter() - start,
        refused=tuple(url for part in parts for url in part.refused),
        messages=tuple(message for part in parts for message in part.messages),
    )


def render_city_report(
    db_path: str | Path,
    year: int | None,
    output: str | Path,
    *,
    city: CityConfig | None = None,
    outline: str | None = None,
    title: str | None = None,
    with_school_reports: bool = False,
    workers: int | None = None,
    lang: str = "zh",
    template_dir: str | Path | None = None,
    logo: str | Path | None = None,
    font_families: Iterable[str] | None = None,
    progress: Callable[[], None] | None = None,
) -> RenderResult:
    """The city's 总报告 as a PDF. With every school report as an appendix it is made as a
    volume of parts laid out by `workers` processes (default: one per core) and merged
    (render/volume.py); `progress` is called as each part is done. Without a city
    configuration the cover and the result's notes say what it lacked."""
    from ..store import open_store
    from .report_data import load_city_report_data, report_year, school_codes

    options = _options(lang, template_dir, logo, font_families)
    _fonts(options.font_families)
    note = lacking_note(missing_configuration(city), "zh")
    notes = (note,) if note else ()
    if with_school_reports:
        _check_template_dir(options.template_dir)
        _logo_uri(options.logo)
        with open_store(db_path, read_only=True) as store:
            year = report_year(store, year)
            schools = school_codes(store, year, city)
        result = render_volume(
            db_path,
            year,
            output,
            schools,
            city=city,
            outline=outline,
            title=title,
            options=options,
            workers=workers,
            progress=progress,
        )
        return replace(result, notes=notes)
    with open_store(db_path, read_only=True) as store:
        data = load_city_report_data(store, year, city=city, outline=outline)
    html = city_report_html(data, title=title, options=options)
    return replace(write_pdf(html, output, options), notes=notes)
