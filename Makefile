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

# plotly.js's basic bundle for the pages without a map, from the npm registry, checked
# against its pinned hash (indicators/site/vendor.py); fetched again only when the pin moves.
PLOTLY_BASIC := indicators/site/static/vendor/plotly-basic.min.js
$(PLOTLY_BASIC): indicators/site/vendor.py | $(VENV)/.installed
	$(PYTHON) -m indicators.site.vendor

install: $(VENV)/.installed $(PLOTLY_BASIC)

demo: install
	$(VENV)/bin/boligmonitor refresh

# Browser tests drive Debian's Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

# Every test process imports Dagster, Polars and the project afresh (each refresh through
# the real command is a process of its own): cached bytecode, written by the first process
# that imports a module, saves ~1.5 s of CPU per refresh and half of collecting, so the
# suites write it even where the environment says not to (cheaper than compiling all of
# site-packages at install, which costs ~25 s).
test test-fast: export PYTHONDONTWRITEBYTECODE =

# The full suite (CI runs this): unit, asset, end-to-end, Chromium and service tests, in
# three pytest-xdist workers on this machine's two cores. Tests are handed out one at a
# time as workers free up (loadgroup; a test marked xdist_group goes with its group); the
# session's refreshed home is still made once (tests/helpers/once.py). The ~130 refreshes
# through the command are most of its CPU; after the first, each is forked from an
# imported `boligmonitor` (tests/helpers/zygote.py), and the temporary homes are on
# /dev/shm (tests/conftest.py). The CPU time `time make test` counts is ~70 % of two
# cores' wall time (waits on Chromium, subprocesses and file copies; Chromium's own CPU
# may not be counted), and a third worker fills the gaps: 2026-12-03, 1443 tests, two
# workers 435 s, three 395 s (the same CPU seconds), three on fresh clones 414 and 434 s;
# on 2026-12-02, in a faster hour, two took 351 and 360 s and three 354 s; on 2026-12-04,
# a machine ~1.5x slower (test-fast 73 s), three took 591 s, four 665 s, and three on a
# fresh clone after the browser and kill-chain changes of that day 544 s (1442 tests).
XDIST := -n 2 --dist loadgroup
FULL_XDIST := -n 3 --dist loadgroup
test: install browser
	$(VENV)/bin/pytest $(FULL_XDIST)

# The edit-run loop (< 1 min): no Chromium, no Dagster webserver/daemon, no end-to-end
# refreshes through the real command, and not the slow runs over generated data (`slow`,
# ~40 s of CPU: the three status properties, the two Danish number fast paths against their
# Decimal definition, the benchmark baseline against the product on a generated national
# set; run them with `pytest -m slow` after changing the status logic, formatting.py or the
# baseline; `make test` and CI always do). Markers: pyproject.toml, tests/conftest.py.
FAST := not e2e and not browser and not service and not slow
test-fast: install
	$(VENV)/bin/pytest -q $(XDIST) -m "$(FAST)"

# Performance: sample, national (generated outside git) and the bare-DuckDB baseline.
benchmark: install
	$(UV) pip install --quiet --python $(PYTHON) -e '.[test,bench]'
	$(PYTHON) -m benchmarks.run

lint: install
	$(VENV)/bin/ruff check .
