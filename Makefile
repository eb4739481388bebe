# wdlib lessons: `make lab` opens the lessons, `make test` runs every test.
# Both create a local virtual environment in .venv on first use (Python >= 3.10 and pip only).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
NOTEBOOKS := $(wildcard notebooks/*.ipynb) $(wildcard notebooks/solutions/*.ipynb)

.PHONY: setup lab present test test-fast test-browser notebooks bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,lab,browser]"
	@touch $(STAMP)

setup: $(STAMP)  ## create .venv and install wdlib with everything the lessons and tests use

# Lesson-sized matrices gain nothing from BLAS threads, and on a shared machine (a classroom hub,
# a busy laptop) waiting threads turned a 10 ms retrain into 300 ms (benchmarks/bench_browser.py).
LIVE_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# Jupyter refuses to start as root (containers, CI) unless told it is intended.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup  ## open JupyterLab on the lessons
	$(LIVE_ENV) $(VENV)/bin/jupyter lab $(AS_ROOT) notebooks/00_start_here.ipynb

present: setup  ## present a lesson's dashboards with the code hidden: make present NB=02_l2_weight_decay
	$(LIVE_ENV) $(VENV)/bin/voila notebooks/$(or $(NB),00_start_here).ipynb

test: setup  ## the whole suite: unit tests, every notebook under nbval, the browser tests
	$(PY) -m pytest

test-fast: setup  ## unit tests only
	$(PY) -m pytest tests --ignore=tests/browser

test-browser: setup  ## only the real-browser tests (JupyterLab and Voila in Chromium)
	$(PY) -m pytest tests/browser

notebooks: setup  ## re-execute every notebook in place so stored outputs follow the library
	$(PY) tools/execute_notebooks.py $(NOTEBOOKS)

bench: setup  ## print the benchmark figures (bench_browser.py needs Chromium: see tests/browser)
	$(LIVE_ENV) $(PY) benchmarks/bench_train.py
	$(LIVE_ENV) $(PY) benchmarks/bench_live.py
	$(LIVE_ENV) $(PY) benchmarks/bench_class.py
	$(LIVE_ENV) $(PY) benchmarks/bench_browser.py

lint: setup
	$(VENV)/bin/ruff check wdlib tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache
