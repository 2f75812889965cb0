"""A notebook finds the published warehouse from the project, not its working directory."""

from __future__ import annotations

import pytest

from pipelines.notebook_home import find_project, notebook_home, open_warehouse
from pipelines.settings import DEFAULT_HOME

PYPROJECT = '[project]\nname = "{}"\nversion = "0"\n'


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "clone"
    (root / "notebooks" / "scratch").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT.format("boligmonitor"))
    # Another project's pyproject.toml on the way up is not ours.
    (root / "notebooks" / "scratch" / "pyproject.toml").write_text(PYPROJECT.format("other"))
    return root


def test_the_project_is_found_from_any_folder_inside_it(project):
    assert find_project(project) == project
    assert find_project(project / "notebooks") == project
    assert find_project(project / "notebooks" / "scratch") == project
    assert find_project(project.parent) is None


def test_home_is_the_projects_unless_the_environment_names_one(project, monkeypatch):
    monkeypatch.delenv("BOLIGMONITOR_HOME", raising=False)
    assert notebook_home(project / "notebooks") == project / "home"
    monkeypatch.setenv("BOLIGMONITOR_HOME", str(project / "elsewhere"))
    assert notebook_home(project / "notebooks") == project / "elsewhere"


def test_outside_any_project_the_installed_checkouts_home(tmp_path, monkeypatch):
    monkeypatch.delenv("BOLIGMONITOR_HOME", raising=False)
    assert notebook_home(tmp_path) == DEFAULT_HOME.resolve()


def test_no_publication_yet_says_what_to_run(project, monkeypatch):
    monkeypatch.delenv("BOLIGMONITOR_HOME", raising=False)
    with pytest.raises(FileNotFoundError, match="run `boligmonitor refresh` first"):
        open_warehouse(project)
