"""CSV and XLSX files of the report tables, with the page's headers (Thai, or English when the reader chose it)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .tables import Table

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, Promise):  # a translated label (gettext_lazy): its text now
        value = str(value)
    # Free text (survey comments) must not become a live formula in Excel: quote it.
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_response(table: Table, filename: str, title: str) -> HttpResponse:
    buffer = io.StringIO()
    # A BOM so Excel opens the Thai text as UTF-8.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(table.header_row())
    for row in table.value_rows():
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(table: Table, filename: str, title: str) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    ws.title = table.key[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(table.header_row())
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    for row in table.value_rows():
        ws.append([_cell(v) for v in row])
    for i, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = (
            44 if column.key == "definition" else max(12, min(40, len(str(column.header)) + 4))
        )
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
