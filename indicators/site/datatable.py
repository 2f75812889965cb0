"""Tables shown on a page, and the CSV/XLSX files offered beside them.

A `DataTable` holds raw values and a kind per column; the page, the CSV and
the XLSX are all rendered from it, so a download always holds the figures
the page shows. CSV files are written for Danish Excel: UTF-8 with BOM (so
æøå survive), semicolons, decimal comma and no thousands separator (Excel
would read "1.270" as 1,27).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from indicators.site import danish, xlsx_table
from indicators.site.vocabulary import CATEGORIES

# Column kinds: how a raw value is shown, written to CSV and typed in XLSX.
#   text, int, dec1, dec2, pct1, pp1, dkk, year, bool3, category, link
# Shown where a figure does not exist for that row (unlike None = unknown).
NOT_APPLICABLE = "–"
_DECIMALS = {"int": 0, "dec1": 1, "dec2": 2, "pct1": 1, "pp1": 1, "dkk": 0, "year": 0}


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"
    numeric_header: bool = False

    @property
    def is_number(self) -> bool:
        return self.kind in _DECIMALS


@dataclass
class Link:
    text: str
    href: str


@dataclass
class DataTable:
    slug: str          # file-name part: <page>_<slug>.csv
    caption: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None
    row_attributes: list[dict[str, str]] | None = None  # e.g. data-municipality per row
    csv_href: str | None = None
    xlsx_href: str | None = None

    def body_html(self) -> Markup:
        """The rows as HTML, built in Python: a Jinja loop per cell cost a third of a
        national site's build."""
        lines = []
        for i, row in enumerate(self.rows):
            attributes = "".join(
                f' {escape(k)}="{escape(v)}"'
                for k, v in (self.row_attributes[i].items() if self.row_attributes else ()))
            cells = []
            for j, column in enumerate(self.columns):
                html = cell_html(row.get(column.key), column.kind)
                if j == 0:
                    cells.append(f'<th scope="row">{html}</th>')
                else:
                    numeric = ' class="num"' if column.is_number else ""
                    cells.append(f"<td{numeric}>{html}</td>")
            lines.append(f"<tr{attributes}>{''.join(cells)}</tr>")
        return Markup("\n".join(lines))


def display(value, kind: str) -> str:
    """The text a reader sees in the page."""
    if kind == "link":
        return value.text if isinstance(value, Link) else ("" if value is None else str(value))
    if kind == "category":
        return CATEGORIES[value].label if value in CATEGORIES else ""
    if kind == "bool3":
        return danish.yes_no_unknown(value)
    if value is None or value == "":
        return "–" if kind == "text" else danish.UNKNOWN
    if isinstance(value, str):
        return value  # e.g. NOT_APPLICABLE in a numeric column
    if kind == "int":
        return danish.integer(value)
    if kind == "dkk":
        return danish.integer(value) + danish.NBSP + "kr."
    if kind == "year":
        return str(int(value))
    if kind == "dec1":
        return danish.number(value, 1)
    if kind == "dec2":
        return danish.number(value, 2)
    if kind == "pct1":
        return danish.percent(value, 1)
    if kind == "pp1":
        return danish.points(value, 1)
    return str(value)


def cell_html(value, kind: str) -> Markup:
    """HTML of one cell: links, colour badges with icon and word, unknown marked."""
    if kind == "link" and isinstance(value, Link):
        return Markup('<a href="{}">{}</a>').format(value.href, value.text)
    if kind == "category" and value in CATEGORIES:
        return badge(value)
    text = display(value, kind)
    if text == danish.UNKNOWN or (kind == "bool3" and value is None):
        return Markup('<span class="unknown">{}</span>').format(text)
    return escape(text)


def badge(category: str, text: str | None = None) -> Markup:
    """A colour badge that always carries an icon and a word, never colour alone."""
    cat = CATEGORIES[category]
    return Markup(
        '<span class="badge badge-{key}"><svg class="icon" aria-hidden="true" '
        'focusable="false"><use href="#icon-{key}"></use></svg>{label}</span>'
    ).format(key=cat.key, label=text or cat.label)


def _csv_value(value, kind: str) -> str:
    if isinstance(value, str) and kind != "text":
        return "" if value == NOT_APPLICABLE else value
    if kind in _DECIMALS:
        return danish.plain_number(value, _DECIMALS[kind]) if value is not None else ""
    if kind == "link":
        return value.text if isinstance(value, Link) else ("" if value is None else str(value))
    if kind == "category":
        return CATEGORIES[value].label if value in CATEGORIES else ""
    if kind == "bool3":
        return danish.yes_no_unknown(value)
    return "" if value is None else str(value)


def write_csv(table: DataTable, path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(row.get(c.key), c.kind) for c in table.columns])
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


def write_xlsx(table: DataTable, path: Path) -> None:
    sheet = xlsx_table.Sheet()
    styles = {k: xlsx_table.NUMBER_STYLE[min(d, 2)] for k, d in _DECIMALS.items()}
    styles["int"] = styles["dkk"] = xlsx_table.NUMBER_STYLE["thousands"]
    sheet.text(0, 0, table.caption, xlsx_table.BOLD)
    header_row = 2
    for j, column in enumerate(table.columns):
        sheet.text(header_row, j, column.label, xlsx_table.BOLD)
        sheet.width(j, 14 if column.is_number else 28)
    for i, row in enumerate(table.rows, start=header_row + 1):
        for j, column in enumerate(table.columns):
            value = row.get(column.key)
            if column.is_number and isinstance(value, int | float):
                decimals = _DECIMALS[column.kind]
                sheet.number(i, j, round(float(value), decimals), styles[column.kind])
            else:
                sheet.text(i, j, _csv_value(value, column.kind))
    if table.note:
        sheet.text(header_row + len(table.rows) + 2, 0, table.note)
    xlsx_table.save(sheet, path)


def write_downloads(table: DataTable, folder: Path, page_stem: str) -> None:
    """Write the table's CSV and XLSX next to its page and remember their links."""
    stem = f"{page_stem}_{table.slug}"
    write_csv(table, folder / f"{stem}.csv")
    write_xlsx(table, folder / f"{stem}.xlsx")
    table.csv_href = f"{stem}.csv"
    table.xlsx_href = f"{stem}.xlsx"
