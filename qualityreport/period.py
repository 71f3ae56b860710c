"""The period a report year covers, read from the spec's `reporting_period` declaration.

The spec says it in words a bureau writes (学年（上一年9月1日至当年8月31日）；经费为自然年):
students, teachers and conditions are counted over a 学年 that ends in the report year, money
over the report year's 自然年. Reports print both from here, so changing the declaration changes
every cover, running title and definitions note with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# 学年（上一年9月1日至当年8月31日）: the school year's first and last day, each in the year
# before (上一年) or in the report year itself (当年).
_SCHOOL_YEAR = re.compile(
    r"学年（(?P<from_year>上一年|当年)(?P<from_month>\d{1,2})月(?P<from_day>\d{1,2})日"
    r"至(?P<to_year>上一年|当年)(?P<to_month>\d{1,2})月(?P<to_day>\d{1,2})日）"
)
_MONEY_CALENDAR_YEAR = "经费为自然年"


@dataclass(frozen=True)
class ReportingPeriod:
    """When a report year's figures were counted: the 学年 and, for money, the 自然年."""

    starts_year_before: bool  # the 学年 begins in the year before the report year
    start: tuple[int, int]  # (month, day)
    end: tuple[int, int]
    money_calendar_year: bool
    declaration: str

    def school_year(self, year: int) -> str:
        """2023—2024学年 for report year 2024 (one year's name when it starts in January)."""
        first = year - 1 if self.starts_year_before else year
        return f"{first}—{year}学年" if first != year else f"{year}学年"

    def school_year_dates(self, year: int) -> str:
        """2023年9月1日至2024年8月31日."""
        first = year - 1 if self.starts_year_before else year
        return (
            f"{first}年{self.start[0]}月{self.start[1]}日至{year}年{self.end[0]}月{self.end[1]}日"
        )

    def money_dates(self, year: int) -> str:
        """2024年1月1日至12月31日 (the report year's 自然年)."""
        return f"{year}年1月1日至12月31日"

    def note(self, year: int, lang: str = "zh") -> str:
        """The sentence a definitions table opens with: which period each kind of figure covers."""
        if lang == "zh":
            text = (
                f"统计时段：学生、教师和办学条件等数据为{self.school_year(year)}"
                f"（{self.school_year_dates(year)}）"
            )
            if self.money_calendar_year:
                text += f"；经费数据为{year}年自然年（{self.money_dates(year)}）"
            return text + "。"
        first = year - 1 if self.starts_year_before else year
        text = (
            f"Period: students, teachers and conditions over the school year "
            f"{first}/{year} ({self.start[1]} {_MONTHS[self.start[0]]} {first} to "
            f"{self.end[1]} {_MONTHS[self.end[0]]} {year})"
        )
        if self.money_calendar_year:
            text += f"; money over the calendar year {year}"
        return text + "."

    def label(self, year: int, lang: str = "zh") -> str:
        """What a cover and a running title print: 2023—2024学年 / school year 2023/2024."""
        if lang == "zh":
            return self.school_year(year)
        first = year - 1 if self.starts_year_before else year
        return f"school year {first}/{year}" if first != year else f"school year {year}"


_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def read_reporting_period(declaration: str) -> ReportingPeriod | None:
    """The period the spec declares, or None when it declares none in the form above."""
    found = _SCHOOL_YEAR.search(declaration or "")
    if found is None:
        return None
    start = (int(found["from_month"]), int(found["from_day"]))
    end = (int(found["to_month"]), int(found["to_day"]))
    return ReportingPeriod(
        starts_year_before=found["from_year"] == "上一年",
        start=start,
        end=end,
        money_calendar_year=_MONEY_CALENDAR_YEAR in declaration,
        declaration=declaration,
    )
