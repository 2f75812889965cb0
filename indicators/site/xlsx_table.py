"""Small XLSX workbooks for the tables' downloads, written directly.

xlsxwriter spends ~4 ms on every workbook, most of it in `close()` (styles,
theme, document properties, zip), and a national site offers ~9,000 table
downloads. A download needs one sheet of text and numbers in a few number
formats: six small XML parts, written here in ~0.3 ms.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from indicators.excel_cells import column_letter

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Cell styles (index into cellXfs): 0 plain, 1 bold wrapped header, then number formats.
BOLD = 1
NUMBER_STYLE = {0: 2, 1: 3, 2: 4, "thousands": 5}

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Tabel" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/styles" Target="styles.xml"/></Relationships>'),
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


def _text(text: str) -> str:
    text = _CONTROL.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class Sheet:
    """Cells added row by row; text or numbers, with a style."""

    def __init__(self) -> None:
        self.rows: dict[int, list[str]] = {}
        self.widths: dict[int, float] = {}

    def text(self, row: int, col: int, value: str, style: int = 0) -> None:
        attribute = f' s="{style}"' if style else ""
        self.rows.setdefault(row, []).append(
            f'<c r="{column_letter(col)}{row + 1}" t="inlineStr"{attribute}><is>'
            f'<t xml:space="preserve">{_text(value)}</t></is></c>')

    def number(self, row: int, col: int, value: float, style: int = 0) -> None:
        attribute = f' s="{style}"' if style else ""
        self.rows.setdefault(row, []).append(
            f'<c r="{column_letter(col)}{row + 1}"{attribute}><v>{value!r}</v></c>')

    def width(self, col: int, width: float) -> None:
        self.widths[col] = width

    def xml(self) -> str:
        cols = "".join(f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'
                       for c, w in sorted(self.widths.items()))
        rows = "".join(f'<row r="{r + 1}">{"".join(cells)}</row>'
                       for r, cells in sorted(self.rows.items()))
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + (f"<cols>{cols}</cols>" if cols else "")
                + f"<sheetData>{rows}</sheetData></worksheet>")


def save(sheet: Sheet, path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in _PARTS.items():
            archive.writestr(zipfile.ZipInfo(name, _FIXED_TIME), body, zipfile.ZIP_DEFLATED)
        archive.writestr(zipfile.ZipInfo("xl/worksheets/sheet1.xml", _FIXED_TIME), sheet.xml(),
                         zipfile.ZIP_DEFLATED)
