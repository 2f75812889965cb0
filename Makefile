# The two commands a newcomer runs (README): `make demo` and `make test`.
# Both create .venv with uv (fast, pinned by pyproject.toml) on first use.

VENV   := .venv
PYTHON := $(VENV)/bin/python
UV     := $(VENV)/bin/uv

.PHONY: demo test test-fast browser install lint schema benchmark

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv
	$(UV) pip install --quiet --python $(PYTHON) -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/boligmonitor refresh

# Browser tests drive Debian's Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

# The full suite (CI runs this): unit, asset, end-to-end, Chromium and service tests.
test: install browser
	$(VENV)/bin/pytest

# The edit-run loop (< 1 min): no Chromium, no Dagster webserver/daemon, no end-to-end
# refreshes through the real command. Markers: pyproject.toml, tests/conftest.py.
FAST := not e2e and not browser and not service
test-fast: install
	$(VENV)/bin/pytest -q -m "$(FAST)"

# Performance: sample, national (generated outside git) and the bare-DuckDB baseline.
benchmark: install
	$(UV) pip install --quiet --python $(PYTHON) -e '.[test,bench]'
	$(PYTHON) -m benchmarks.run

lint: install
	$(VENV)/bin/ruff check .
