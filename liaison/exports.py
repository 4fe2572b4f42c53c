"""Every file the platform hands out goes through here: spreadsheets (.xlsx and .csv) with
formula injection neutralised, and downloads with an RFC 6266 Content-Disposition that carries
the Chinese file name."""

from __future__ import annotations

import re

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A spreadsheet reads a cell starting with one of these as a formula (or DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run is kept as text: a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_dataset(dataset: tablib.Dataset, title: str = "") -> tablib.Dataset:
    safe = tablib.Dataset(headers=[safe_cell(h) for h in dataset.headers or []])
    for row in dataset:
        safe.append([safe_cell(value) for value in row])
    safe.title = sheet_title(title or dataset.title or "数据")
    return safe


def sheet_title(name: str) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "", name)[:31] or "数据"


def attach(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def stamped(name: str) -> str:
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}"


def spreadsheet_response(dataset: tablib.Dataset, fmt: str, name: str) -> HttpResponse:
    """`dataset` as an .xlsx (default) or a .csv (UTF-8 with BOM, as Excel opens it) download
    named `name` and the time, with every cell neutralised."""
    dataset = safe_dataset(dataset, name)
    if fmt == "csv":
        response = HttpResponse("\ufeff" + dataset.export("csv"),
                                content_type="text/csv; charset=utf-8")
    else:
        fmt = "xlsx"
        response = HttpResponse(dataset.export("xlsx"), content_type=XLSX)
    return attach(response, f"{stamped(name)}.{fmt}")


def pdf_response(pdf: bytes, name: str) -> HttpResponse:
    return attach(HttpResponse(pdf, content_type="application/pdf"), f"{name}.pdf")


def workbook_response(sheets: list[tuple[str, tablib.Dataset]], name: str) -> HttpResponse:
    """Several tables as the sheets of one .xlsx download, every cell neutralised."""
    book = tablib.Databook([safe_dataset(dataset, title) for title, dataset in sheets])
    return attach(HttpResponse(book.export("xlsx"), content_type=XLSX),
                  f"{stamped(name)}.xlsx")
