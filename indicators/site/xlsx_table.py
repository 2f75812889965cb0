"""Small XLSX workbooks for the tables' downloads, written directly.

xlsxwriter spends ~4 ms on every workbook, most of it in `close()` (styles,
theme, document properties, zip), and a national site offers ~9,000 table
downloads. A download needs a sheet of text and numbers in a few number
formats (and a second sheet about the table): a few small XML parts,
written here in ~0.3 ms. The first sheet has its header frozen and an
autofilter (the hidden `_xlnm._FilterDatabase` name Excel itself writes).

The archive is assembled in memory and written in one go: the parts every
workbook shares (styles, relationships, content types) are deflated once per
process, and only the sheets and the workbook part are compressed per file.
`zipfile` spent most of a national site's ~20,000 workbooks creating a
compressor per part and seeking back to patch each header. The bytes are the
ones `zipfile` writes for the same parts (a test holds the two equal).
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from indicators.excel_cells import column_letter

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# Column letters A..ZZ, worked out once instead of for every cell.
_LETTERS = tuple(column_letter(i) for i in range(26 * 27))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Cell styles (index into cellXfs): 0 plain, 1 bold wrapped header, then number formats.
BOLD = 1
NUMBER_STYLE = {0: 2, 1: 3, 2: 4, "thousands": 5}

_PARTS = {
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0"/>'
        '<numFmt numFmtId="165" formatCode="0.00"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0"/></cellStyleXfs><cellXfs count="6">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
        'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
        '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>'
        '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '</cellXfs></styleSheet>'),
}


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '{sheets}'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
               'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_REL = ('<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/{kind}" Target="{target}"/>')


def column_name(col: int) -> str:
    """0 -> A, 26 -> AA."""
    return _LETTERS[col] if col < len(_LETTERS) else column_letter(col)


_letter = column_name


def _attribute(text: str) -> str:
    return _text(text).replace('"', "&quot;")


def escape_text(text: str) -> str:
    """Text as a cell's XML holds it: markup characters escaped, control characters
    (which XML 1.0 cannot hold) dropped."""
    text = _CONTROL.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


_text = escape_text


class Sheet:
    """Cells added row by row; text or numbers, with a style."""

    def __init__(self, name: str = "Tabel") -> None:
        # Excel's sheet names: at most 31 characters, none of []:*?/\\
        self.name = re.sub(r"[\[\]:*?/\\]", " ", name)[:31]
        self.rows: dict[int, list[str]] = {}
        self.widths: dict[int, float] = {}
        self.frozen: tuple[int, int] = (0, 0)
        self.filter: str | None = None

    def freeze(self, rows: int, cols: int) -> None:
        """Keep the first `rows` rows and `cols` columns in view while scrolling."""
        self.frozen = (rows, cols)

    def autofilter(self, n_cols: int, n_rows: int) -> None:
        """A filter on the header row over `n_rows` data rows."""
        self.filter = f"A1:{column_letter(max(n_cols, 1) - 1)}{n_rows + 1}"

    def text(self, row: int, col: int, value: str, style: int = 0) -> None:
        attribute = f' s="{style}"' if style else ""
        self.rows.setdefault(row, []).append(
            f'<c r="{_letter(col)}{row + 1}" t="inlineStr"{attribute}><is>'
            f'<t xml:space="preserve">{_text(value)}</t></is></c>')

    def number(self, row: int, col: int, value: float, style: int = 0) -> None:
        attribute = f' s="{style}"' if style else ""
        self.rows.setdefault(row, []).append(
            f'<c r="{_letter(col)}{row + 1}"{attribute}><v>{value!r}</v></c>')

    def width(self, col: int, width: float) -> None:
        self.widths[col] = width

    def xml(self) -> str:
        cols = "".join(f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'
                       for c, w in sorted(self.widths.items()))
        rows = "".join(f'<row r="{r + 1}">{"".join(cells)}</row>'
                       for r, cells in sorted(self.rows.items()))
        views = ""
        rows_frozen, cols_frozen = self.frozen
        if rows_frozen or cols_frozen:
            pane = "bottomRight" if rows_frozen and cols_frozen else (
                "bottomLeft" if rows_frozen else "topRight")
            split = (f' xSplit="{cols_frozen}"' if cols_frozen else "") + (
                f' ySplit="{rows_frozen}"' if rows_frozen else "")
            top_left = f"{column_letter(cols_frozen)}{rows_frozen + 1}"
            views = (f'<sheetViews><sheetView workbookViewId="0"><pane{split} '
                     f'topLeftCell="{top_left}" activePane="{pane}" state="frozen"/>'
                     f'<selection pane="{pane}" activeCell="{top_left}" sqref="{top_left}"/>'
                     '</sheetView></sheetViews>')
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + views
                + (f"<cols>{cols}</cols>" if cols else "")
                + f"<sheetData>{rows}</sheetData>"
                + (f'<autoFilter ref="{self.filter}"/>' if self.filter else "")
                + "</worksheet>")


def _workbook(sheets: list[Sheet]) -> str:
    entries = "".join(f'<sheet name="{_attribute(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, s in enumerate(sheets, start=1))
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{_reference(s.name)}!{_absolute(s.filter)}</definedName>"
        for i, s in enumerate(sheets) if s.filter)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{entries}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + "</workbook>")


def _reference(name: str) -> str:
    """A sheet's name in a formula: quoted, its apostrophes written twice."""
    return "'" + _attribute(name).replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    """A1:K20 -> $A$1:$K$20"""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))


@cache
def _fixed_parts(n_sheets: int) -> tuple[tuple[str, str], ...]:
    """The parts that depend on nothing but the number of sheets, in the order written,
    with None where the workbook part goes."""
    rels = "".join(_REL.format(n=i, kind="worksheet", target=f"worksheets/sheet{i}.xml")
                   for i in range(1, n_sheets + 1))
    rels += _REL.format(n=n_sheets + 1, kind="styles", target="styles.xml")
    return (
        ("[Content_Types].xml", _CONTENT_TYPES.format(sheets="".join(
            _SHEET_TYPE.format(n=i) for i in range(1, n_sheets + 1)))),
        ("_rels/.rels", _ROOT_RELS),
        ("xl/workbook.xml", None),
        ("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>")),
        *_PARTS.items(),
    )


@dataclass
class _Named:
    name: str
    filter: str | None


@lru_cache(maxsize=1024)
def _workbook_of(names: tuple[str, ...], filters: tuple[str | None, ...]) -> str:
    # Tables of the same shape share their workbook part (sheet names, filter range).
    return _workbook([_Named(n, f) for n, f in zip(names, filters, strict=True)])


def parts(sheets: list[Sheet]) -> dict[str, str]:
    """The workbook's parts by their names in the archive, in the order written."""
    out = {}
    for name, body in _fixed_parts(len(sheets)):
        out[name] = body if body is not None else _workbook_of(
            tuple(s.name for s in sheets), tuple(s.filter for s in sheets))
    for i, sheet in enumerate(sheets, start=1):
        out[f"xl/worksheets/sheet{i}.xml"] = sheet.xml()
    return out


# The ZIP records as zipfile writes them for a ZipInfo(name, _FIXED_TIME) deflated at
# the default level: version 2.0, made on Unix, no flags (the names are ASCII), file
# mode 0600, no extra fields or comments.
_DOS_TIME = (_FIXED_TIME[3] << 11) | (_FIXED_TIME[4] << 5) | (_FIXED_TIME[5] // 2)
_DOS_DATE = ((_FIXED_TIME[0] - 1980) << 9) | (_FIXED_TIME[1] << 5) | _FIXED_TIME[2]
_VERSION, _UNIX, _DEFLATED, _MODE = 20, 3, 8, 0o600 << 16


def _deflate(body: str) -> tuple[bytes, bytes]:
    """(the deflated part, its CRC and sizes as both of its records state them)."""
    raw = body.encode("utf-8")
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    data = compressor.compress(raw) + compressor.flush()
    return data, struct.pack("<3L", zlib.crc32(raw), len(data), len(raw))


def _records(name: str, body: str) -> tuple[bytes, bytes]:
    """(the part's local header and data, its central directory entry up to the
    offset of its local header)."""
    data, sizes = _deflate(body)
    encoded = name.encode("ascii")
    local = (struct.pack("<4s2B4H", b"PK\x03\x04", _VERSION, 0, 0, _DEFLATED,
                         _DOS_TIME, _DOS_DATE)
             + sizes + struct.pack("<2H", len(encoded), 0) + encoded + data)
    central = (struct.pack("<4s4B4H", b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0,
                           0, _DEFLATED, _DOS_TIME, _DOS_DATE)
               + sizes + struct.pack("<5HL", len(encoded), 0, 0, 0, 0, _MODE))
    return local, central + encoded


# The parts every workbook shares are deflated once per process; a workbook part is
# shared by the tables of one shape.
_shared_records = cache(_records)
_workbook_records = lru_cache(maxsize=1024)(_records)


def _archive(named: dict[str, str], shared: set[str]) -> bytes:
    local, central = [], []
    offset = 0
    for name, body in named.items():
        head, entry = (_shared_records if name in shared else _workbook_records
                       if name == "xl/workbook.xml" else _records)(name, body)
        # The entry ends with the part's name; its local header's offset goes before it.
        central.append(entry[:-len(name)] + struct.pack("<L", offset) + entry[-len(name):])
        local.append(head)
        offset += len(head)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                      len(directory), offset, 0)
    return b"".join(local) + directory + end


# Parts that depend on nothing but the number of sheets: deflated once per process.
_SHARED = {"[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", *_PARTS}


def save(sheets: Sheet | list[Sheet], path: Path) -> None:
    sheets = [sheets] if isinstance(sheets, Sheet) else list(sheets)
    Path(path).write_bytes(_archive(parts(sheets), _SHARED))
