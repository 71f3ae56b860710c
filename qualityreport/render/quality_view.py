"""The bureau's internal report: who submitted, what was returned, and the findings hit list.

Kept out of the public 总报告: completeness and data quality are administration, not results.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..city import CityConfig
from ..store import Store
from ..store.queries import FindingTally, finding_tallies
from .labels import Labels
from .report_data import Completeness, _completeness, report_year
from .school_view import Block
from .tables import Column, keep_together, text_table


@dataclass(frozen=True)
class QualityReportData:
    year: int
    completeness: Completeness
    tallies: tuple[FindingTally, ...]
    city_config: CityConfig | None = None


def load_quality_report_data(
    store: Store, year: int | None = None, *, city: CityConfig | None = None
) -> QualityReportData:
    year = report_year(store, year)
    return QualityReportData(
        year=year,
        completeness=_completeness(store, year, city),
        tallies=tuple(finding_tallies(store, year, store.spec)),
        city_config=city,
    )


def quality_blocks(data: QualityReportData, t: Labels) -> dict[str, Block]:
    zh = t.lang == "zh"
    comp = data.completeness
    share = f"{comp.received / comp.expected * 100:.1f}%" if comp.expected else "—"
    blocks = {
        "completeness": Block(
            sentences=(
                (
                    f"{data.year}年度应报送学校{comp.expected}所，已报送并通过审核{comp.received}所，"
                    f"报送率{share}；被退回的文件{len(comp.rejected)}个，"
                    f"带警告通过{comp.accepted_with_warnings}个。"
                )
                if zh
                else (
                    f"{comp.received} of {comp.expected} schools have an accepted submission "
                    f"({share}); {len(comp.rejected)} files were rejected."
                ),
            )
        )
    }
    blocks["missing"] = (
        Block(
            table=text_table(
                "quality-missing-table",
                [Column("code", t.school_code, "30%"), Column("name", t.school, "70%")],
                [{"code": c, "name": keep_together(n)} for c, n in comp.missing],
            ),
            table_caption=t.missing_schools,
        )
        if comp.missing
        else Block(sentences=(t.none_missing,))
    )
    blocks["rejected"] = (
        Block(
            table=text_table(
                "quality-rejected-table",
                [
                    Column("school", t.school, "28%"),
                    Column("file", t.file, "34%"),
                    Column("errors", t.errors, "9%", "right"),
                    Column("warnings", t.warnings, "9%", "right"),
                    Column("time", t.time, "20%", "center"),
                ],
                [
                    {
                        "school": keep_together(r.school_name or r.school_code),
                        "file": r.file_name,
                        "errors": str(r.errors),
                        "warnings": str(r.warnings),
                        "time": keep_together(r.ingested_at),
                    }
                    for r in comp.rejected
                ],
                font_size="8pt",
            ),
            table_caption=t.rejected_files,
        )
        if comp.rejected
        else Block(sentences=(t.no_rejected,))
    )
    blocks["hits"] = (
        Block(
            sentences=(
                (
                    "每条规则查出问题的文件数和学校数：一条规则在许多学校出现，多半是填报模板的说明不够清楚，"
                    "而不是学校的错误。"
                )
                if zh
                else "Each rule with the files and schools it caught.",
            ),
            table=text_table(
                "quality-hits-table",
                [
                    Column("severity", t.kind, "9%", "center"),
                    Column("rule", t.code, "22%"),
                    Column("title", t.finding, "27%"),
                    Column("files", t.files, "8%", "right"),
                    Column("schools", t.schools, "8%", "right"),
                    Column("names", t.school, "26%"),
                ],
                [
                    {
                        "severity": keep_together(
                            {"error": "错误", "warning": "警告"}.get(x.severity, x.severity)
                            if zh
                            else x.severity
                        ),
                        "rule": x.rule,
                        "title": x.title,
                        "files": str(x.files),
                        "schools": str(x.schools),
                        "names": "、".join(keep_together(n) for n in x.school_names[:6])
                        + ("等" if len(x.school_names) > 6 else ""),
                    }
                    for x in data.tallies
                ],
                font_size="8pt",
            ),
            table_caption=t.hit_list,
        )
        if data.tallies
        else Block(sentences=(t.no_findings,))
    )
    return blocks
