"""The analyst's notebooks run against a published sample warehouse, from wherever Jupyter
was started: the project root or notebooks/, with the home found from the project."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PLOTLY = "application/vnd.plotly.v1+json"


def test_one_notebook_per_typical_question_stored_without_outputs():
    assert {p.stem for p in NOTEBOOKS} == {
        "area_trend", "what_if_regimes", "survey_waves", "national_picture"}
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        assert notebook.cells[0].cell_type == "markdown"
        source = "\n".join(c.source for c in code)
        assert "open_warehouse()" in source  # the home comes from the project, not the cwd
        assert "plotly.express" not in source and "Path.cwd()" not in source


@pytest.fixture(scope="module")
def project(tmp_path_factory, sample_home) -> Path:
    """A project folder as a clone has it (pyproject.toml, notebooks/, home/) whose home is
    the session's published sample, so the notebooks find it by walking up."""
    folder = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    (folder / "home").symlink_to(sample_home, target_is_directory=True)
    return folder


@pytest.mark.parametrize("where", ["root", "notebooks"])
@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS])
def test_notebook_draws_its_figures_without_error(project, name, where, monkeypatch):
    monkeypatch.delenv("BOLIGMONITOR_HOME", raising=False)
    cwd = project if where == "root" else project / "notebooks"
    notebook = nbformat.read(project / "notebooks" / f"{name}.ipynb", as_version=4)
    NotebookClient(notebook, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    figures = [json.loads(o.data[PLOTLY]) if isinstance(o.data[PLOTLY], str) else o.data[PLOTLY]
               for o in outputs if o.output_type in ("execute_result", "display_data")
               and PLOTLY in o.get("data", {})]
    assert figures, "no Plotly figure in the outputs"
    for figure in figures:  # every figure has data drawn, not an empty frame
        assert any(trace.get("x") not in (None, [], {}) for trace in figure["data"])
    # The first cell printed the home it found: the project's (a link to the published
    # sample), though the working directory and the environment name none.
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert printed.startswith(f"{(project / 'home').resolve()}: refresh ")
