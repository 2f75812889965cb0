"""What fastexcel does not say about a workbook's first sheet: formula cells without a
saved value, error cells and merged ranges.

fastexcel (calamine) reads a formula cell's cached value, the value Excel last showed,
which is what the contract means by the cell's value. But it reads an error cell
(`#DIV/0!`, `#N/A`), a formula whose value was never calculated (a workbook written by
a program that does not calculate) and every cell of a merged range but the top-left
one as empty, and an empty KÅS cell means "not delivered". So the KÅS reader asks
this module where such cells are and refuses them.

The sheet's XML is read with the standard library: a byte search first, since most
deliveries hold none of these, and a streaming parse only when it finds one.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal
from xml.etree import ElementTree

from indicators.excel_cells import column_letter

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
# Any formula, error cell or merged range, with or without a namespace prefix.
_WORTH_PARSING = re.compile(rb"<(?:\w+:)?(?:f|mergeCell)[\s>/]|\st=\"e\"")
_AFTER_TAG_NAME = frozenset(b" \t\n\r\f\v>/")


@dataclass(frozen=True)
class CellIssue:
    """One cell (or merged range) whose value fastexcel reads as empty."""

    kind: Literal["no_value", "error", "merged"]
    ref: str  # "C14", or "A4:B4" for a merged range
    first_row: int  # 1-based, as Excel numbers rows
    last_row: int
    first_column: int  # 0-based
    last_column: int
    error: str | None = None  # the error code of an error cell, e.g. "#DIV/0!"


def first_sheet_issues(path: Path | BinaryIO) -> list[CellIssue]:
    """Formula cells without a saved value, error cells and merged ranges of the first
    sheet, in sheet order. Raises zipfile.BadZipFile, KeyError or ElementTree.ParseError
    when the file is not a readable workbook."""
    with zipfile.ZipFile(path) as book:
        xml = book.read(_first_sheet_member(book))
    if not _worth_parsing(xml):
        return []
    issues: list[CellIssue] = []
    row_number = 0
    column = -1
    for _, element in ElementTree.iterparse(io.BytesIO(xml), events=("end",)):
        tag = _local(element.tag)
        if tag == "c":
            row_number, column = _position(element.get("r"), row_number, column)
            issue = _cell_issue(element, row_number, column)
            if issue is not None:
                issues.append(issue)
        elif tag == "row":
            element.clear()  # keep memory flat on large sheets
        elif tag == "mergeCell":
            merged = _merged(element.get("ref") or "")
            if merged is not None:
                issues.append(merged)
    return issues


def _worth_parsing(xml: bytes) -> bool:
    """`_WORTH_PARSING.search(xml)`, answered first by substring searches for what any
    match must contain: the regex alone tries every tag of a large sheet (a tenth of a
    second per national workbook), memchr-speed searches find nothing in most."""
    maybe = b't="e"' in xml or b"mergeCell" in xml or any(
        _tag_at(xml, needle) for needle in (b"<f", b":f"))
    return maybe and _WORTH_PARSING.search(xml) is not None


def _tag_at(xml: bytes, needle: bytes) -> bool:
    """`needle` followed by what ends a tag name (whitespace, '>' or '/')."""
    at = xml.find(needle)
    while at >= 0:
        end = at + len(needle)
        if end < len(xml) and xml[end] in _AFTER_TAG_NAME:
            return True
        at = xml.find(needle, at + 1)
    return False


def _first_sheet_member(book: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet (the one fastexcel reads as sheet 0)."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    sheet = next(e for e in workbook.iter() if _local(e.tag) == "sheet")
    rel_id = sheet.get(f"{{{_REL_NS}}}id") or sheet.get(f"{{{_STRICT_REL_NS}}}id")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    target = next(
        e.get("Target") or "" for e in rels.iter()
        if _local(e.tag) == "Relationship" and e.get("Id") == rel_id
    )
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - ord("A") + 1)
    return index - 1


def _position(ref: str | None, row_number: int, column: int) -> tuple[int, int]:
    """(row, column) of a cell; a cell without `r` follows the one before it."""
    match = _CELL_REF.match(ref or "")
    if match is None:
        return row_number, column + 1
    return int(match.group(2)), _column_index(match.group(1))


def _cell_issue(cell: ElementTree.Element, row_number: int, column: int) -> CellIssue | None:
    children = {_local(child.tag): child for child in cell}
    ref = f"{column_letter(column)}{row_number}"
    value = children.get("v")
    if cell.get("t") == "e":
        code = (value.text or "").strip() if value is not None else ""
        return CellIssue("error", ref, row_number, row_number, column, column, code or None)
    if "f" in children:
        saved = value is not None and (value.text not in (None, "") or cell.get("t") == "str")
        if not saved:
            return CellIssue("no_value", ref, row_number, row_number, column, column)
    return None


def _merged(ref: str) -> CellIssue | None:
    first, _, last = ref.partition(":")
    start, end = _CELL_REF.match(first), _CELL_REF.match(last or first)
    if start is None or end is None:
        return None
    return CellIssue(
        "merged", ref, int(start.group(2)), int(end.group(2)),
        _column_index(start.group(1)), _column_index(end.group(1)),
    )
