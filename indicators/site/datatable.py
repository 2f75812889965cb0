"""Tables shown on a page, and the CSV/XLSX files offered beside them.

A `DataTable` holds raw values and a kind per column; the page, the CSV and
the XLSX are all rendered from it, so a download always holds the figures
the page shows. Downloads are for people who sort, filter and add up:

- a page's tables are the sheets of one workbook, in the page's order; each
  header is the first row, with the unit in it ("Værdi (%)"); the captions and
  notes go to a last sheet "Om tabellerne" (XLSX) or are left to the page (CSV);
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
import math
import weakref
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from indicators.site import xlsx_table
from indicators.site.formatting import (
    _SCALE,
    DA,
    MINUS,
    NBSP,
    Locale,
    locale,
    rounded,
    rounded_digits,
)
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
# A column's class by (numeric, secondary).
_CSS_CLASS = {(False, False): "", (True, False): "num", (False, True): "secondary",
              (True, True): "num secondary"}
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
    # stay) and in print; always in the downloads.
    secondary: bool = False
    # Hidden on a phone only, so the key columns fit in view at 390 px (the criteria
    # table's comparison word: the distance's sign and "Opfyldt" say the same).
    phone_hidden: bool = False

    @property
    def is_number(self) -> bool:
        return self.kind in _DECIMALS

    @property
    def css_class(self) -> str:
        css = _CSS_CLASS[self.kind in _DECIMALS, bool(self.secondary)]
        return f"{css} phone-hidden".lstrip() if self.phone_hidden else css

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
        # Asked per column of every table, page and download alike: remembered.
        words = _words(lang)
        remembered = words.get((key, self.label))
        if remembered is None:
            remembered = words[key, self.label] = Messages.load(lang).t(
                f"downloads.{key}", label=self.label)
        return remembered


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
    xlsx_href: str | None = None  # the page's workbook
    workbook: Workbook | None = field(default=None, repr=False, compare=False)
    lang: str = "da"
    # The cells as page, CSV and XLSX write them, worked out once for all three.
    _cells: _Cells | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def fmt(self) -> Locale:
        return locale(self.lang)

    def cells(self) -> _Cells:
        """Every cell's HTML, CSV text and XLSX cell, in the table's language: one pass
        for the page and both downloads (a national site has ~3 million cells a
        language, and each figure used to be rounded and formatted three times)."""
        cells = self._cells
        if (cells is None or cells.lang != self.lang or cells.rows is not self.rows
                or cells.n_rows != len(self.rows)):
            cells = self._cells = _Cells.of(self)
        return cells

    def xlsx_sheet(self) -> int | None:
        """The table's sheet in its page's workbook (from 1), in the page's order."""
        return None if self.workbook is None else self.workbook.sheet_of(self)

    def head_html(self) -> Markup:
        """The header cells: percentage points carry their unit there (`page_label`)."""
        cells = []
        for c in self.columns:
            opening = f'<th scope="col" class="{c.css_class}">' if c.css_class else (
                '<th scope="col">')
            cells.append(f"{opening}{escape(c.page_label(self.lang))}</th>")
        return Markup("".join(cells))

    def body_html(self) -> Markup:
        """The rows as HTML, built in Python: a Jinja loop per cell cost a third of a
        national site's build."""
        rows = map("".join, zip(*self.cells().html, strict=True)) if self.columns else (
            "" for _ in self.rows)
        if not self.row_attributes:
            return Markup("\n".join([f"<tr>{cells}</tr>" for cells in rows]))
        lines = []
        # Not strict: attributes beyond the last row were always ignored.
        for attributes, cells in zip(self.row_attributes, rows, strict=False):
            written = "".join(f' {escape(k)}="{escape(v)}"' for k, v in attributes.items())
            lines.append(f"<tr{written}>{cells}</tr>")
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


# XLSX cell styles per column kind at its own decimals.
_STYLES = {k: xlsx_table.NUMBER_STYLE[min(d, 2)] for k, d in _DECIMALS.items()}
_STYLES["int"] = _STYLES["dkk"] = xlsx_table.NUMBER_STYLE["thousands"]
_STYLES["year"] = xlsx_table.NUMBER_STYLE[0]
_TEXT_CELL = ' t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>'

# A cell as the page, the CSV and the XLSX write it: (the HTML with its <td> or <th>,
# the CSV text, the XLSX cell after its '<c r="B2"' or None for no cell).
Cell = tuple[str, str, str | None]


def _xlsx_number(number: float, style: int) -> str:
    return f' s="{style}"><v>{number!r}</v></c>' if style else f"><v>{number!r}</v></c>"


def _xlsx_text(text: str) -> str | None:
    # Text is stored as text (an inline string), never as a formula.
    return _TEXT_CELL.format(xlsx_table.escape_text(text)) if text else None


def _xlsx_style(kind: str, decimals: int) -> int:
    return (_STYLES[kind] if decimals == _DECIMALS[kind]
            else xlsx_table.NUMBER_STYLE[min(decimals, 2)])


def _cell_slowly(value, column: Column, fmt: Locale, decimals: int | None,
                 tags: tuple[str, str]) -> Cell:
    """A cell by the general rules (`cell_html`, `_csv_value`, `_text_value`): the fast
    paths below must give what this gives, and any value they do not expect comes here."""
    kind = column.kind
    if value != value:  # NaN is unknown, as None is
        value = None
    html = f"{tags[0]}{cell_html(value, kind, fmt, decimals)}{tags[1]}"
    csv_text = _csv_value(value, kind, fmt, decimals)
    if column.is_number and isinstance(value, int | float) and not isinstance(value, bool):
        # Rounded as the page rounds it (half up on the written decimal).
        d = _DECIMALS[kind] if decimals is None else decimals
        return html, csv_text, _xlsx_number(float(rounded(value, d)), _xlsx_style(kind, d))
    return html, csv_text, _xlsx_text(_text_value(value, kind, fmt))


# Cells remembered by what they depend on: the language's formats, the column's kind,
# decimals and tag, and the value. A national site's ~3 million cells a language hold
# far fewer distinct figures and names (an area's figures recur across its tables).
_MEMO: dict[tuple, dict] = {}
_MEMO_LIMIT = 1 << 18


def _memo(*key) -> dict:
    memo = _MEMO.get(key)
    if memo is None or len(memo) > _MEMO_LIMIT:
        memo = _MEMO[key] = {}
    return memo


def _number_cell(value, column: Column, fmt: Locale, d: int, tags: tuple[str, str]
                 ) -> Cell | None:
    """A float or int cell of a numeric column, rounded once for page, CSV and XLSX;
    None where `rounded_digits` does not apply."""
    fast = rounded_digits(value, d)
    if fast is None:
        return None
    negative, digits = fast
    kind = column.kind
    if d:
        whole, fraction = divmod(digits, _SCALE[d])
        exact = f"{'-' if negative else ''}{whole}.{fraction:0{d}d}"  # decimal_text
        csv_text = exact.replace(".", fmt.decimal)
    else:
        exact = f"-{digits}" if negative else str(digits)
        # As str(int(Decimal)): a whole number has no minus zero.
        csv_text = exact if digits or not negative else "0"
    if kind == "year":
        text = str(int(value))
    elif kind in ("int", "dkk"):
        # The page writes counts and kroner whole, whatever a row's decimals say.
        text = fmt.from_digits(negative, digits, 0) if d == 0 else fmt.number(value, 0)
        if kind == "dkk":
            text += NBSP + fmt.currency
    elif d and whole < 1000:
        # fmt.from_digits without a thousands separator to write.
        text = f"{whole}{fmt.decimal}{fraction:0{d}d}"
        if digits:
            text = (MINUS + text if negative else "+" + text if kind in ("pp1", "pp2")
                    else text)
        if kind in ("pct1", "pct2"):
            text += fmt.percent_sign
    else:
        text = fmt.from_digits(negative, digits, d, signed=kind in ("pp1", "pp2"))
        if kind in ("pct1", "pct2"):
            text += fmt.percent_sign
    return (f"{tags[0]}{text}{tags[1]}", csv_text,
            _xlsx_number(float(exact), _xlsx_style(kind, d)))


# Columns whose values are all of these types are looked up in bulk (`map` over the
# memo): no value of one type equals a value of another that is written differently
# (True == 1, but "True" is not "1"; Decimal("2") == 2, but its CSV text differs).
_NUMBER_TYPES = {float, int, type(None)}
_TEXT_TYPES = {str}
_CODE_TYPES = {str, bool, type(None)}


def _number_column(column: Column, values: list, row_decimals: list | None, fmt: Locale,
                   tags: tuple[str, str]) -> list[Cell]:
    default = _DECIMALS[column.kind]
    missing = (f'{tags[0]}<span class="unknown">{escape(fmt.unknown)}</span>{tags[1]}',
               "", None)
    if row_decimals is None and set(map(type, values)) <= _NUMBER_TYPES:
        memo = _memo(fmt.lang, column.kind, default, tags)
        cells = list(map(memo.get, values))  # 2 and 2.0 are written alike
        if None in cells:  # not yet remembered, or never: zeros and None
            for i, cell in enumerate(cells):
                if cell is None:
                    cells[i] = _number_miss(values[i], None, default, column, fmt, tags,
                                            memo, missing)
        return cells
    memos = {}
    cells = []
    for value, decimals in zip(values, row_decimals or [None] * len(values), strict=True):
        d = default if decimals is None else decimals
        memo = memos.get(d)
        if memo is None:
            memo = memos[d] = _memo(fmt.lang, column.kind, d, tags)
        t = type(value)
        cell = memo.get(value) if t is float or t is int else None
        cells.append(cell if cell is not None else _number_miss(
            value, decimals, d, column, fmt, tags, memo, missing))
    return cells


def _number_miss(value, decimals: int | None, d: int, column: Column, fmt: Locale,
                 tags: tuple[str, str], memo: dict, missing: Cell) -> Cell:
    """A numeric cell not found in `memo` (remembered there when it may be)."""
    t = type(value)
    if t is float or t is int:
        # Zeros keep their sign (0.0 == -0.0 as keys): remembered under their own keys.
        key = value if value else ("zero", t is float and math.copysign(1.0, value) < 0)
        cell = memo.get(key)
        if cell is None:
            cell = _number_cell(value, column, fmt, d, tags)
            if cell is None:
                return _cell_slowly(value, column, fmt, decimals, tags)
            memo[key] = cell
        return cell
    if value is None:
        memo[None] = missing
        return missing
    return _cell_slowly(value, column, fmt, decimals, tags)


def _remembered(values: list, memo: dict, column: Column, fmt: Locale,
                tags: tuple[str, str]) -> list[Cell]:
    """Cells of plain values (no row decimals) looked up in bulk in `memo`; the ones
    not there yet are worked out and remembered."""
    cells = list(map(memo.get, values))
    if None in cells:
        for i, cell in enumerate(cells):
            if cell is None:
                cells[i] = memo[values[i]] = _cell_slowly(values[i], column, fmt, None, tags)
    return cells


def _text_column(column: Column, values: list, row_decimals: list | None, fmt: Locale,
                 tags: tuple[str, str]) -> list[Cell]:
    memo = _memo(fmt.lang, "text", tags)
    if set(map(type, values)) <= _TEXT_TYPES:
        return _remembered(values, memo, column, fmt, tags)
    cells = []
    for i, value in enumerate(values):
        if type(value) is str:
            cell = memo.get(value)
            if cell is None:
                cell = memo[value] = _cell_slowly(value, column, fmt, None, tags)
        else:
            cell = _cell_slowly(value, column, fmt, row_decimals[i] if row_decimals else None,
                                tags)
        cells.append(cell)
    return cells


def _link_column(column: Column, values: list, row_decimals: list | None, fmt: Locale,
                 tags: tuple[str, str]) -> list[Cell]:
    cells = []
    for i, value in enumerate(values):
        if type(value) is Link and type(value.text) is str and type(value.href) is str:
            cells.append((f'{tags[0]}<a href="{escape(value.href)}">{escape(value.text)}</a>'
                          f"{tags[1]}", neutralise(value.text), _xlsx_text(value.text)))
        else:
            cells.append(_cell_slowly(value, column, fmt,
                                      row_decimals[i] if row_decimals else None, tags))
    return cells


# A code's cells depend on the language's words: remembered per catalogue as loaded
# (an edited catalogue is a new one), as the labels are.
_WORDS: weakref.WeakKeyDictionary[Messages, dict] = weakref.WeakKeyDictionary()


def _words(lang: str) -> dict:
    messages = Messages.load(lang)
    words = _WORDS.get(messages)
    if words is None:
        words = _WORDS[messages] = {}
    return words


def _code_column(column: Column, values: list, row_decimals: list | None, fmt: Locale,
                 tags: tuple[str, str]) -> list[Cell]:
    words = _words(fmt.lang)
    if set(map(type, values)) <= _CODE_TYPES:
        memo = words.get((column.kind, tags))
        if memo is None:
            memo = words[column.kind, tags] = {}
        return _remembered(values, memo, column, fmt, tags)
    cells = []
    for i, value in enumerate(values):
        key = (column.kind, tags, type(value), value)
        try:
            cell = words[key]
        except KeyError:
            cell = words[key] = _cell_slowly(value, column, fmt, None, tags)
        except TypeError:  # unhashable: nothing to remember it by
            cell = _cell_slowly(value, column, fmt,
                                row_decimals[i] if row_decimals else None, tags)
        cells.append(cell)
    return cells


def _other_column(column: Column, values: list, row_decimals: list | None, fmt: Locale,
                  tags: tuple[str, str]) -> list[Cell]:
    return [_cell_slowly(v, column, fmt, row_decimals[i] if row_decimals else None, tags)
            for i, v in enumerate(values)]


_COLUMN_CELLS = {"text": _text_column, "link": _link_column, "category": _code_column,
                 "bool3": _code_column, **dict.fromkeys(_DECIMALS, _number_column)}


@dataclass
class _Cells:
    """A table's cells column by column: HTML (in the cell's tag), CSV text and the XLSX
    cell after its reference (None: no cell)."""

    lang: str
    rows: list
    n_rows: int
    html: list[tuple[str, ...]]
    csv: list[tuple[str, ...]]
    xlsx: list[tuple[str | None, ...]]

    @classmethod
    def of(cls, table: DataTable) -> _Cells:
        fmt = table.fmt
        rows = table.rows
        html, csv_texts, xlsx = [], [], []
        for j, column in enumerate(table.columns):
            try:
                values = list(map(dict.get, rows, repeat(column.key)))
            except TypeError:  # rows that are mappings but not dicts
                values = [row.get(column.key) for row in rows]
            # NaN is unknown, as None is: never "nan" in a cell (only NaN is unequal to itself).
            values = [None if v != v else v for v in values]
            key = column.decimals_key
            row_decimals = ([None if row.get(key) is None else int(row[key]) for row in rows]
                            if key else None)
            classes = column.css_class
            tags = ('<th scope="row">', "</th>") if j == 0 else (
                f'<td class="{classes}">' if classes else "<td>", "</td>")
            cells = _COLUMN_CELLS.get(column.kind, _other_column)(
                column, values, row_decimals, fmt, tags)
            if not cells:
                cells = [(), (), ()]
            else:
                cells = list(zip(*cells, strict=True))
            html.append(cells[0])
            csv_texts.append(cells[1])
            xlsx.append(cells[2])
        return cls(table.lang, rows, len(rows), html, csv_texts, xlsx)


def write_csv(table: DataTable, path: Path) -> None:
    fmt = table.fmt
    cells = table.cells()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=fmt.csv_delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(c.download_label(table.lang)) for c in table.columns])
    if table.columns:
        writer.writerows(zip(*cells.csv, strict=True))
    else:
        writer.writerows([] for _ in table.rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


def sheet_name(number: int, caption: str) -> str:
    """A table's sheet in its page's workbook: its number on the page, then as much of
    its caption as Excel's 31 characters hold (the number keeps the names distinct)."""
    # Excel refuses a name that ends with an apostrophe.
    return f"{number} {caption}"[:31].rstrip(" '")


def table_sheet(table: DataTable, name: str) -> xlsx_table.Sheet:
    """The table as a sheet: its header on row 1 with units, frozen, with a filter."""
    cells = table.cells()
    sheet = xlsx_table.Sheet(name)
    for j, column in enumerate(table.columns):
        label = column.download_label(table.lang)
        sheet.text(0, j, label, xlsx_table.BOLD)
        sheet.width(j, max(12, min(40, len(label) + 2)) if column.is_number else 28)
    letters = [xlsx_table.column_name(j) for j in range(len(table.columns))]
    for i, row in enumerate(zip(*cells.xlsx, strict=True), start=1):
        written = "".join([f'<c r="{letter}{i + 1}"{cell}'
                           for letter, cell in zip(letters, row, strict=True) if cell is not None])
        if written:  # a row without a cell is left out, as Excel does
            sheet.rows[i] = [written]
    sheet.freeze(rows=1, cols=1)
    sheet.autofilter(len(table.columns), len(table.rows))
    return sheet


def write_workbook(tables: list[DataTable], path: Path) -> None:
    """One workbook for a page: a sheet per table in the page's order, then a sheet
    naming each sheet's table in full with its note. (A workbook per table cost a
    national site 15,000 archives a language, most of its build.)"""
    msgs = Messages.load(tables[0].lang)
    sheets = []
    about = xlsx_table.Sheet(msgs.t("downloads.about_sheet"))
    for j, label in enumerate((msgs.t("downloads.sheet"), msgs.t("downloads.table"),
                               msgs.t("common.xlsx.note"))):
        about.text(0, j, label, xlsx_table.BOLD)
    about.width(0, 32)
    about.width(1, 80)
    about.width(2, 80)
    for number, table in enumerate(tables, start=1):
        sheet = table_sheet(table, sheet_name(number, table.caption))
        sheets.append(sheet)
        about.text(number, 0, sheet.name)
        about.text(number, 1, table.caption)
        if table.note:
            about.text(number, 2, table.note)
    about.freeze(rows=1, cols=0)
    xlsx_table.save([*sheets, about], path)


def write_xlsx(table: DataTable, path: Path) -> None:
    """A workbook of one table (as a page of one table gets)."""
    write_workbook([table], path)


class Workbook:
    """A page's workbook: its tables in the order the page shows them, numbered as the
    page's links name their sheets (a page lists its tables in no particular order)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tables: list[DataTable] = []

    def sheet_of(self, table: DataTable) -> int:
        for number, known in enumerate(self.tables, start=1):
            if known is table:
                return number
        self.tables.append(table)
        return len(self.tables)

    def write(self, tables: list[DataTable]) -> None:
        """Every table of the page: the ones shown, in their order, then any other."""
        shown = {id(t) for t in self.tables}
        write_workbook(self.tables + [t for t in tables if id(t) not in shown], self.path)


def write_downloads(tables: list[DataTable], folder: Path, page_stem: str) -> Workbook | None:
    """Write each table's CSV next to the page and link the tables to the page's
    workbook, which is written (`Workbook.write`) once the page has numbered them."""
    if not tables:
        return None
    workbook = Workbook(folder / f"{page_stem}.xlsx")
    for table in tables:
        stem = f"{page_stem}_{table.slug}"
        write_csv(table, folder / f"{stem}.csv")
        table.csv_href = f"{stem}.csv"
        table.xlsx_href = workbook.path.name
        table.workbook = workbook
    return workbook
