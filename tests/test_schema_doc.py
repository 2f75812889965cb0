"""docs/schema.md is generated from the table definitions and kept current."""

from pathlib import Path

from indicators import tables
from indicators.schema_doc import render

DOC = Path(__file__).resolve().parents[1] / "docs" / "schema.md"


def test_schema_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/schema.md is stale: run `boligmonitor schema-doc`"
    )


def test_every_published_column_is_documented():
    text = render()
    for table in tables.PUBLISHED:
        assert f"`{table.qualified}`" in text
        for column in table.columns:
            assert f"| `{column.name}` |" in text
