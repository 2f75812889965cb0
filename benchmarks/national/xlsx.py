"""A minimal XLSX writer for large, plain sheets, vectorised with Polars.

xlsxwriter spends ~5 µs per cell in Python; a national 10-year series has
millions of cells. This writes the same kind of workbook (one sheet, text as
inline strings, numbers as numbers, empty cells left out) by building each
row's XML as one Polars string expression, then zipping the parts with fixed
timestamps so the bytes are reproducible. Excel, LibreOffice and calamine
(fastexcel, the product's reader) all open it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import polars as pl

from indicators.excel_cells import column_letter

_FIXED_TIME = (2025, 11, 1, 8, 0, 0)

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
</Types>"""

_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""

_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"""

_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/></Relationships>"""

_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               "<sheetData>")
_SHEET_TAIL = "</sheetData></worksheet>"


def _escape(expr: pl.Expr) -> pl.Expr:
    return (expr.str.replace_all("&", "&amp;", literal=True)
            .str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True))


def _text_cell(ref: str, text: str) -> str:
    safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{safe}</t></is></c>'


def _number_cell(ref: str, value: float | int) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def head_rows(rows: list[list[str | int | float | None]]) -> list[str]:
    """XML of a few leading rows (titles, header) built cell by cell."""
    out = []
    for r, cells in enumerate(rows, start=1):
        parts = []
        for c, value in enumerate(cells):
            if value is None:
                continue
            ref = f"{column_letter(c)}{r}"
            parts.append(_text_cell(ref, value) if isinstance(value, str)
                         else _number_cell(ref, value))
        out.append(f'<row r="{r}">{"".join(parts)}</row>')
    return out


def body_rows(frame: pl.DataFrame, first_row: int, text_columns: set[str]) -> pl.Series:
    """Each frame row as one `<row>` element. Columns in `text_columns` are written as
    text; the others hold numbers as text ('12', '3.5') written as numbers, except '..'
    (written as text) and nulls (left out)."""
    row = pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64).cast(pl.Utf8)
    cells = []
    for index, name in enumerate(frame.columns):
        col = pl.col(name).cast(pl.Utf8)
        ref = pl.concat_str(pl.lit(column_letter(index)), row)
        text = pl.concat_str(pl.lit('<c r="'), ref, pl.lit('" t="inlineStr"><is><t>'),
                             _escape(col), pl.lit("</t></is></c>"))
        number = pl.concat_str(pl.lit('<c r="'), ref, pl.lit('"><v>'), col, pl.lit("</v></c>"))
        if name in text_columns:
            cell = text
        else:
            cell = pl.when(col == "..").then(text).otherwise(number)
        cells.append(pl.when(col.is_null()).then(pl.lit("")).otherwise(cell))
    xml = pl.concat_str(pl.lit('<row r="'), row, pl.lit('">'), *cells, pl.lit("</row>"))
    return frame.select(xml.alias("xml")).to_series()


def write_workbook(path: Path, sheet_name: str, head: list[str], body: pl.Series) -> None:
    """Zip the parts; `head` and `body` are the sheet's `<row>` elements in order."""
    def entry(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(entry("[Content_Types].xml"), _CONTENT_TYPES)
        archive.writestr(entry("_rels/.rels"), _ROOT_RELS)
        archive.writestr(entry("xl/workbook.xml"), _WORKBOOK.format(name=sheet_name))
        archive.writestr(entry("xl/_rels/workbook.xml.rels"), _WORKBOOK_RELS)
        with archive.open(entry("xl/worksheets/sheet1.xml"), "w") as sheet:
            sheet.write(_SHEET_HEAD.encode())
            sheet.write("".join(head).encode())
            for chunk in _chunks(body):
                sheet.write(chunk.encode())
            sheet.write(_SHEET_TAIL.encode())


def _chunks(body: pl.Series, size: int = 20_000):
    for start in range(0, body.len(), size):
        yield "".join(body.slice(start, size).to_list())
