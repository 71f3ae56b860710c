"""qualityreport: quality annual reports for vocational schools, from fill-in workbook to PDF."""

__version__ = "0.1.0"
