# wdlib lessons: `make lab` opens the lessons, `make test` runs every test.
# Both create a local virtual environment in .venv on first use (Python >= 3.10 and pip only).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
NOTEBOOKS := $(wildcard notebooks/*.ipynb) $(wildcard notebooks/solutions/*.ipynb)

# A second environment with ipywidgets 7.7.1 (what Colab ships): the kernel-side dashboard tests
# run there too, so the dashboards keep working under ipywidgets 7 and 8.
VENV7  ?= .venv-ipywidgets7
STAMP7 := $(VENV7)/.installed-stamp
SITE   ?= _site

.PHONY: setup lab present test test-fast test-browser test-hub test-widgets7 notebooks classroom \
	site assignments surveys class bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,lab,browser,site,hub,grade]"
	@touch $(STAMP)

$(STAMP7): pyproject.toml
	$(PYTHON) -m venv $(VENV7)
	$(VENV7)/bin/python -m pip install --quiet --upgrade pip
	$(VENV7)/bin/python -m pip install --quiet -e . "ipywidgets==7.7.1" "pytest>=7.4" "pytest-xdist>=3.5"
	@touch $(STAMP7)

setup: $(STAMP)  ## create .venv and install wdlib with everything the lessons and tests use

# Lesson-sized matrices gain nothing from BLAS threads, and on a shared machine (a classroom hub,
# a busy laptop) waiting threads turned a 10 ms retrain into 300 ms (benchmarks/bench_browser.py).
LIVE_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# Jupyter refuses to start as root (containers, CI) unless told it is intended.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup  ## open JupyterLab on the lessons
	$(LIVE_ENV) $(VENV)/bin/jupyter lab $(AS_ROOT) notebooks/00_start_here.ipynb

# Voilà with the lessons' settings (tools/voila/README.md): no stylesheet from a CDN, and only
# the widgets' front-end extension (nbgrader's fails in Voilà's page). Put first, ahead of a
# JUPYTER_PATH / JUPYTER_CONFIG_PATH of the caller's own (kept: kernels may be found there).
VOILA_ENV := JUPYTER_PATH=$(CURDIR)/tools/voila$(if $(JUPYTER_PATH),:$(JUPYTER_PATH)) \
	JUPYTER_CONFIG_PATH=$(CURDIR)/tools/voila$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))

present: setup  ## present a lesson's dashboards with the code hidden: make present NB=02_l2_weight_decay
	$(LIVE_ENV) $(VOILA_ENV) $(VENV)/bin/voila --token --Voila.ip=127.0.0.1 notebooks/$(or $(NB),00_start_here).ipynb

# Two pytest-xdist workers (a file or a notebook a unit, the browser tests one unit, the longest
# units first: see conftest.py) halve the wall time on a 2-core machine; TEST_WORKERS=0 runs in
# one process.
TEST_WORKERS ?= 2
XDIST = -n $(TEST_WORKERS) --dist loadfile

test: setup $(STAMP7)  ## the whole suite: unit tests, notebooks under nbval, the browser tests, ipywidgets 7
	$(LIVE_ENV) $(PY) -m pytest $(XDIST)
	$(MAKE) --no-print-directory test-widgets7

# ipywidgets 7 warns that ipykernel's Comm is deprecated on every widget: not ours to fix.
test-widgets7: $(STAMP7)  ## the kernel-side dashboard tests under ipywidgets 7.7.1 (Colab's)
	$(VENV7)/bin/python -m pytest -o addopts=-ra $(XDIST) -W ignore::DeprecationWarning \
		tests/test_live.py tests/test_live_*.py tests/test_share_links.py

test-fast: setup  ## unit tests only
	$(PY) -m pytest tests --ignore=tests/browser

test-browser: setup  ## only the real-browser tests (JupyterLab and Voila in Chromium)
	$(PY) -m pytest tests/browser

test-hub: setup  ## only the JupyterHub test: two students pull a lesson with nbgitpuller and run it
	$(PY) -m pytest tests/browser/test_hub.py

notebooks: setup  ## re-execute every notebook in place so stored outputs follow the library
	$(PY) tools/execute_notebooks.py $(NOTEBOOKS)

classroom: setup  ## regenerate each lesson's launch line and bootstrap cell (wdlib/classroom.py)
	$(PY) tools/classroom_cells.py

assignments: setup  ## the nbgrader course in assignments/: source, student release, instructor copies
	$(PY) tools/assignments.py assignments

site: setup  ## the offline read-along site in _site/ (stored outputs, no execution, no network)
	$(PY) tools/build_site.py $(SITE)

# Lessons 01-09 quote surveys over more samples than a notebook can run (3-4 minutes idle before
# claims were also re-run on fresh ranges, seeds from 1000 on (lesson 01's from 2000); with them 18.5 minutes at load 4-5, not timed idle);
# this re-runs them and fails if a printed number is not the one the lesson quotes.
surveys: setup  ## re-run the larger surveys lessons quote: python tools/surveys.py all
	$(LIVE_ENV) $(PY) tools/surveys.py all

# Every reading of every exercise prompt, typical mistakes and odd return values, through every
# checker (tests/test_simulate_class.py runs the same without the tests' own lists).
class: setup  ## the simulated class: counts of false rejects, false accepts, wrong hints, crashes
	$(PY) tools/simulate_class.py --all

bench: setup  ## print the benchmark figures (bench_browser.py needs Chromium: see tests/browser)
	$(LIVE_ENV) $(PY) benchmarks/bench_train.py
	$(LIVE_ENV) $(PY) benchmarks/bench_versions.py
	$(LIVE_ENV) $(PY) benchmarks/bench_floor.py
	$(LIVE_ENV) $(PY) benchmarks/bench_floor.py --task batched
	$(LIVE_ENV) $(PY) benchmarks/bench_live.py
	$(LIVE_ENV) $(PY) benchmarks/bench_class.py
	$(LIVE_ENV) $(PY) benchmarks/bench_browser.py

lint: setup  ## ruff on every Python file (notebooks excluded in pyproject.toml); CI runs it first
	$(VENV)/bin/ruff check conftest.py wdlib tests benchmarks tools

# The class's work in assignments/ (submitted, autograded, feedback, grades.csv, gradebook.db) stays.
clean:  ## remove the environments, the site and the generated course
	rm -rf $(VENV) $(VENV7) $(SITE) .pytest_cache \
		assignments/source assignments/release assignments/instructor
