# The two commands a newcomer runs (README): `make demo` and `make test`.
# Both create .venv with uv (fast, pinned by pyproject.toml) on first use.

VENV   := .venv
PYTHON := $(VENV)/bin/python
UV     := $(VENV)/bin/uv

.PHONY: demo test browser install lint schema benchmark

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

test: install browser
	$(VENV)/bin/pytest

# Performance: sample, national (generated outside git) and the bare-DuckDB baseline.
benchmark: install
	$(UV) pip install --quiet --python $(PYTHON) -e '.[test,bench]'
	$(PYTHON) -m benchmarks.run

lint: install
	$(VENV)/bin/ruff check .
