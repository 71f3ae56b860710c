"""Render the school 质量年报 and the city 总报告 as PDF (heavy libraries load on first use)."""

from .pdf import (
    Options,
    RenderResult,
    city_report_html,
    render_quality_report,
    render_school_report,
    render_school_reports,
    school_report_html,
)
from .volume import render_city_report

__all__ = [
    "Options",
    "RenderResult",
    "city_report_html",
    "render_city_report",
    "render_quality_report",
    "render_school_report",
    "render_school_reports",
    "school_report_html",
]
