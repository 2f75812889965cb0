"""The downloads' XLSX archive, assembled by hand, is the one zipfile writes."""

from __future__ import annotations

import io
import zipfile

from indicators.site import xlsx_table


def _sheets() -> list[xlsx_table.Sheet]:
    table = xlsx_table.Sheet("Tabel")
    table.text(0, 0, "Område", xlsx_table.BOLD)
    table.text(0, 1, "Værdi (%)", xlsx_table.BOLD)
    for row in range(1, 30):
        table.text(row, 0, f"Æblehaven {row} & <Øst>")
        table.number(row, 1, row * 1.25, xlsx_table.NUMBER_STYLE[2])
    table.freeze(rows=1, cols=1)
    table.autofilter(2, 29)
    about = xlsx_table.Sheet("Om tabellen")
    about.text(0, 0, "Kriterier pr. område", xlsx_table.BOLD)
    return [table, about]


def _zipfile_bytes(sheets: list[xlsx_table.Sheet]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in xlsx_table.parts(sheets).items():
            archive.writestr(zipfile.ZipInfo(name, xlsx_table._FIXED_TIME), body,
                             zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_saved_workbook_is_byte_for_byte_what_zipfile_writes(tmp_path) -> None:
    sheets = _sheets()
    path = tmp_path / "t.xlsx"
    xlsx_table.save(sheets, path)
    # Twice: the second file reuses the parts deflated for the first.
    xlsx_table.save(sheets, tmp_path / "again.xlsx")
    assert path.read_bytes() == _zipfile_bytes(sheets)
    assert (tmp_path / "again.xlsx").read_bytes() == path.read_bytes()


def test_saved_workbook_reads_back_with_every_part(tmp_path) -> None:
    sheets = _sheets()
    path = tmp_path / "t.xlsx"
    xlsx_table.save(sheets, path)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert names == list(xlsx_table.parts(sheets))
    assert "Æblehaven 3 &amp; &lt;Øst&gt;" in sheet
    assert "<v>3.75</v>" in sheet
