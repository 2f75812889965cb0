"""The analyst's starting notebooks run against the published sample warehouse."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.e2e

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_to_start_from():
    names = {p.stem for p in NOTEBOOKS}
    assert {"area_profile", "survey_comparison"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_against_the_serving_file(path, sample_home, monkeypatch):
    monkeypatch.setenv("BOLIGMONITOR_HOME", str(sample_home))
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(o.output_type == "execute_result" for o in outputs)
