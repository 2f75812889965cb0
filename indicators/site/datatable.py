"""Tables shown on a page, and the CSV/XLSX files offered beside them.

A `DataTable` holds raw values and a kind per column; the page, the CSV and
the XLSX are all rendered from it, so a download always holds the figures
the page shows. Downloads are for people who sort, filter and add up:

- the header is the first row, with the unit in it ("Værdi (%)"); the
  caption and the note go to a second sheet "Om tabellen" (XLSX) or are left
  to the page (CSV);
- numbers are numbers (a numeric column holds only numbers or empty cells;
  words such as "opfyldt" belong in their own text column) and codes are
  written as words (the category "roed" as "Rød");
- XLSX: frozen header row and first column, and an autofilter on the header;
- CSV for the language's Excel: UTF-8 with BOM (so æøå survive); Danish:
  semicolons, decimal comma and no thousands separator (Excel would read
  "1.270" as 1,27); English: commas and a decimal point;
- a text cell that begins with =, +, - or @ (or a tab or carriage return)
  gets an apostrophe in front, so a spreadsheet never runs it as a formula
  (CSV injection). Number cells are never touched: a negative number stays a
  number that Excel can add up.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from indicators.site import xlsx_table
from indicators.site.formatting import DA, Locale, locale, rounded
from indicators.site.messages import Messages
from indicators.site.rules import CSS_KEY
from indicators.site.vocabulary import CATEGORIES

_COLOUR_OF_CSS = {css: colour for colour, css in CSS_KEY.items()}

# Column kinds: how a raw value is shown, written to CSV and typed in XLSX.
#   text, int, dec1, dec2, pct1, pp1, dkk, year, bool3, category, link
# Shown where a figure does not exist for that row (unlike None = unknown).
NOT_APPLICABLE = "–"
_DECIMALS = {"int": 0, "dec1": 1, "dec2": 2, "pct1": 1, "pct2": 2, "pp1": 1, "pp2": 2,
             "dkk": 0, "year": 0}
# The unit a download's header names (downloads.<key> in the message catalogue).
_UNITS = {"pct1": "unit_percent", "pct2": "unit_percent", "pp1": "unit_points",
          "pp2": "unit_points", "dkk": "unit_kroner"}
# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"
    numeric_header: bool = False
    unit: str | None = None  # "persons" for counts of people: downloads.unit_persons
    # The row field holding this cell's decimals, when they vary by row (a threshold
    # shown with as many decimals as make value - threshold = the distance shown).
    decimals_key: str | None = None
    # Hidden on a phone (the key columns - name, status, value, threshold, distance -
    # stay); always in the downloads.
    secondary: bool = False

    @property
    def is_number(self) -> bool:
        return self.kind in _DECIMALS

    @property
    def css_class(self) -> str:
        return " ".join(c for c in ("num" if self.is_number else "",
                                    "secondary" if self.secondary else "") if c)

    def decimals(self, row: dict | None = None) -> int:
        if row is not None and self.decimals_key and row.get(self.decimals_key) is not None:
            return int(row[self.decimals_key])
        return _DECIMALS.get(self.kind, 0)

    def page_label(self, lang: str = "da") -> str:
        """The header on the page: percentage points carry their unit there, not in cells."""
        return self.download_label(lang) if self.kind in ("pp1", "pp2") else self.label

    def download_label(self, lang: str = "da") -> str:
        """The header of a download: the label with its unit, "Værdi (%)"."""
        key = _UNITS.get(self.kind) or ("unit_persons" if self.unit == "persons" else None)
        if key is None:
            return self.label
        return Messages.load(lang).t(f"downloads.{key}", label=self.label)


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
    lang: str = "da"

    @property
    def fmt(self) -> Locale:
        return locale(self.lang)

    def body_html(self) -> Markup:
        """The rows as HTML, built in Python: a Jinja loop per cell cost a third of a
        national site's build."""
        lines = []
        fmt = self.fmt
        # Per column, not per cell: its opening tag and how its cells are read.
        layout = []
        for j, column in enumerate(self.columns):
            classes = column.css_class
            opening = '<th scope="row">' if j == 0 else (
                f'<td class="{classes}">' if classes else "<td>")
            layout.append((column, opening, "</th>" if j == 0 else "</td>"))
        for i, row in enumerate(self.rows):
            attributes = "".join(
                f' {escape(k)}="{escape(v)}"'
                for k, v in (self.row_attributes[i].items() if self.row_attributes else ()))
            # An f-string, not "+": "<td>" + Markup(...) would escape the tag.
            cells = [f"{opening}{cell_html(row.get(c.key), c.kind, fmt, _row_decimals(row, c))}"
                     f"{closing}" for c, opening, closing in layout]
            lines.append(f"<tr{attributes}>{''.join(cells)}</tr>")
        return Markup("\n".join(lines))


def _row_decimals(row: dict, column: Column) -> int | None:
    if column.decimals_key and row.get(column.decimals_key) is not None:
        return int(row[column.decimals_key])
    return None


def category_label(category: str, lang: str = "da") -> str:
    """The colour's word in the language ("roed": "Rød" / "Red"); "" for no colour."""
    if category not in _COLOUR_OF_CSS:
        return ""
    return Messages.load(lang).t(f"rules.colour.{_COLOUR_OF_CSS[category]}.label")


def display(value, kind: str, fmt: Locale = DA, decimals: int | None = None) -> str:
    """The text a reader sees in the page."""
    if kind == "link":
        return value.text if isinstance(value, Link) else ("" if value is None else str(value))
    if kind == "category":
        return category_label(value, fmt.lang)
    if kind == "bool3":
        return fmt.yes_no_unknown(value)
    if value is None or value == "":
        return "–" if kind == "text" else fmt.unknown
    if isinstance(value, str):
        return value  # e.g. NOT_APPLICABLE in a numeric column
    if kind == "int":
        return fmt.integer(value)
    if kind == "dkk":
        return fmt.money(value)
    if kind == "year":
        return str(int(value))
    d = _DECIMALS[kind] if decimals is None and kind in _DECIMALS else decimals
    if kind in ("dec1", "dec2"):
        return fmt.number(value, d)
    if kind in ("pct1", "pct2"):
        return fmt.percent(value, d)
    if kind in ("pp1", "pp2"):
        # The header names the unit ("Afstand til grænsen (procentpoint)"); the cell
        # keeps the sign, so a table column stays narrow enough for a phone and A4.
        return fmt.number(value, d, signed=True)
    return str(value)


def cell_html(value, kind: str, fmt: Locale = DA, decimals: int | None = None) -> Markup:
    """HTML of one cell: links, colour badges with icon and word, unknown marked."""
    if kind == "link" and isinstance(value, Link):
        return Markup('<a href="{}">{}</a>').format(value.href, value.text)
    if kind == "category" and value in CATEGORIES:
        return badge(value, category_label(value, fmt.lang))
    text = display(value, kind, fmt, decimals)
    if text == fmt.unknown or (kind == "bool3" and value is None):
        return Markup('<span class="unknown">{}</span>').format(text)
    return escape(text)


def badge(category: str, text: str | None = None) -> Markup:
    """A colour badge that always carries an icon and a word, never colour alone."""
    cat = CATEGORIES[category]
    return Markup(
        '<span class="badge badge-{key}"><svg class="icon" aria-hidden="true" '
        'focusable="false"><use href="#icon-{key}"></use></svg>{label}</span>'
    ).format(key=cat.key, label=text or cat.label)


def neutralise(text: str) -> str:
    """A text cell a spreadsheet cannot run as a formula: "=SUM(A1)" -> "'=SUM(A1)"."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _text_value(value, kind: str, fmt: Locale) -> str:
    """A cell as download text (numeric columns' non-numbers included)."""
    # Codes first: a category code is a string too, and must leave as its word.
    if kind == "link":
        return value.text if isinstance(value, Link) else ("" if value is None else str(value))
    if kind == "category":
        return category_label(value, fmt.lang)
    if kind == "bool3":
        return fmt.yes_no_unknown(value)
    if isinstance(value, str) and kind != "text":
        return "" if value == NOT_APPLICABLE else value
    return "" if value is None else str(value)


def _csv_value(value, kind: str, fmt: Locale = DA, decimals: int | None = None) -> str:
    if kind in _DECIMALS and isinstance(value, int | float) and not isinstance(value, bool):
        return fmt.plain_number(value, _DECIMALS[kind] if decimals is None else decimals)
    return neutralise(_text_value(value, kind, fmt))


def write_csv(table: DataTable, path: Path) -> None:
    fmt = table.fmt
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=fmt.csv_delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(c.download_label(table.lang)) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(row.get(c.key), c.kind, fmt, _row_decimals(row, c))
                         for c in table.columns])
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


def write_xlsx(table: DataTable, path: Path) -> None:
    msgs = Messages.load(table.lang)
    fmt = table.fmt
    sheet = xlsx_table.Sheet(msgs.t("common.xlsx.sheet"))
    styles = {k: xlsx_table.NUMBER_STYLE[min(d, 2)] for k, d in _DECIMALS.items()}
    styles["int"] = styles["dkk"] = xlsx_table.NUMBER_STYLE["thousands"]
    styles["year"] = xlsx_table.NUMBER_STYLE[0]
    for j, column in enumerate(table.columns):
        label = column.download_label(table.lang)
        sheet.text(0, j, label, xlsx_table.BOLD)
        sheet.width(j, max(12, min(40, len(label) + 2)) if column.is_number else 28)
    for i, row in enumerate(table.rows, start=1):
        for j, column in enumerate(table.columns):
            value = row.get(column.key)
            if column.is_number and isinstance(value, int | float) and not isinstance(value, bool):
                # Rounded as the page rounds it (half up on the written decimal).
                decimals = column.decimals(row)
                style = (styles[column.kind] if decimals == _DECIMALS[column.kind]
                         else xlsx_table.NUMBER_STYLE[min(decimals, 2)])
                sheet.number(i, j, float(rounded(value, decimals)), style)
            else:
                # Text is stored as text (an inline string), never as a formula.
                text = _text_value(value, column.kind, fmt)
                if text:
                    sheet.text(i, j, text)
    sheet.freeze(rows=1, cols=1)
    sheet.autofilter(len(table.columns), len(table.rows))
    about = xlsx_table.Sheet(msgs.t("downloads.about_sheet"))
    about.text(0, 0, table.caption, xlsx_table.BOLD)
    about.width(0, 100)
    if table.note:
        about.text(1, 0, table.note)
    xlsx_table.save([sheet, about], path)


def write_downloads(table: DataTable, folder: Path, page_stem: str) -> None:
    """Write the table's CSV and XLSX next to its page and remember their links."""
    stem = f"{page_stem}_{table.slug}"
    write_csv(table, folder / f"{stem}.csv")
    write_xlsx(table, folder / f"{stem}.xlsx")
    table.csv_href = f"{stem}.csv"
    table.xlsx_href = f"{stem}.xlsx"
