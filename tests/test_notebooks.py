"""Notebook hygiene (nbval itself re-runs every notebook and compares outputs: see pyproject).

These checks keep the lessons readable without a kernel and the nbval comparison meaningful:
stored outputs exist, no stored errors, a static figure before every dashboard, widget cells
tagged so nbval skips what it cannot compare, the lesson shape, a solutions notebook per lesson,
and the README listing every lesson.
"""

import ast
import base64
import importlib.metadata
import io
import json
import re
import sys
from pathlib import Path

import matplotlib
import matplotlib.ft2font
import matplotlib.image
import numpy as np
import pytest
from IPython.core.pylabtools import print_figure

from wdlib import live
from wdlib.live import framework

try:
    import tomllib
except ModuleNotFoundError:      # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))
LESSONS = [nb for nb in NOTEBOOKS if not nb.name.startswith("00_")]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
DASHBOARD = re.compile(r"live\.catalog\(\)\[")


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(nb: dict):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def _has_png(cell) -> bool:
    return any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def test_there_are_notebooks():
    assert (ROOT / "notebooks" / "00_start_here.ipynb").exists()


@pytest.mark.parametrize("path", NOTEBOOKS + SOLUTIONS, ids=lambda p: p.name)
def test_notebook_is_executed_with_a_kernelspec_and_no_stored_errors(path):
    nb = _load(path)
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3", \
        "kernelspec missing: JupyterLab would open a kernel dialog"
    for i, cell in enumerate(_code_cells(nb)):
        if not cell["source"]:
            continue
        assert cell.get("execution_count") is not None, f"code cell {i} was never executed"
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"code cell {i} stores an error"
            assert out.get("name") != "stderr" or "nbval-ignore-output" in _tags(cell), \
                f"code cell {i} stores stderr output (a warning?): {''.join(out['text'])[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS + SOLUTIONS, ids=lambda p: p.name)
def test_widget_outputs_are_tagged_for_nbval(path):
    for i, cell in enumerate(_code_cells(_load(path))):
        shows_widget = any(WIDGET_MIME in o.get("data", {}) for o in cell.get("outputs", []))
        if shows_widget:
            assert "nbval-ignore-output" in _tags(cell), \
                f"code cell {i} displays a widget but is not tagged nbval-ignore-output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_static_figure_precedes_every_dashboard(path):
    """Read-along on GitHub: the picture must be in the stored notebook, not only in a widget."""
    cells = _code_cells(_load(path))
    for i, cell in enumerate(cells):
        src = "".join(cell["source"])
        if DASHBOARD.search(src) and not _has_png(cell):
            assert any(_has_png(c) for c in cells[max(0, i - 3):i]), \
                f"code cell {i} builds a dashboard with no static figure just before it"


BUILT = re.compile(r"(\w+) = live\.catalog\(\)\[\"(\w+)\"\]\(\)")   # dash = ...["name"]()
STATIC = re.compile(r"(\w+)\.static\(\)")


def _pixels(png: bytes) -> np.ndarray:
    return matplotlib.image.imread(io.BytesIO(png), format="png")


@pytest.mark.parametrize("path", NOTEBOOKS + SOLUTIONS, ids=lambda p: p.name)
def test_stored_dashboard_figures_are_current(path, monkeypatch):
    """Each stored ``dash.static()`` figure is, pixel for pixel, what the dashboard draws now
    (a change to a dashboard must come with a re-run of its notebooks: ``make notebooks``).
    Exact only under the matplotlib and the FreeType that drew them (recorded by
    tools/execute_notebooks.py): another version of either may lay out or rasterize text
    differently, so then the test is skipped, saying why. (The `test` extra pins matplotlib,
    and with it the FreeType its wheels bundle, so `make test` compares.)"""
    nb = _load(path)
    recorded = nb["metadata"].get("wdlib", {})
    drawn_with = recorded.get("rendered_with_matplotlib")
    freetype = recorded.get("rendered_with_freetype")
    assert drawn_with and freetype, \
        "notebook not executed by tools/execute_notebooks.py (make notebooks)"
    if drawn_with != matplotlib.__version__:
        pytest.skip(f"stored figures drawn with matplotlib {drawn_with}, "
                    f"this is {matplotlib.__version__}")
    if freetype != matplotlib.ft2font.__freetype_version__:
        pytest.skip(f"stored figures drawn with FreeType {freetype}, this matplotlib uses "
                    f"FreeType {matplotlib.ft2font.__freetype_version__} (text rasterizes "
                    f"differently)")
    # The stored figures are drawn at 1x (tools/execute_notebooks.py sets WDLIB_PIXEL_RATIO=1);
    # a developer's WDLIB_PIXEL_RATIO=2 (read on import) must not fail the comparison.
    monkeypatch.setattr(framework, "PIXEL_RATIO", 1.0)
    monkeypatch.delenv("QUERY_STRING", raising=False)       # nor a query's starting settings
    built, compared = {}, 0
    for i, cell in enumerate(_code_cells(nb)):
        src = "".join(cell["source"])
        built.update(BUILT.findall(src))
        shown = STATIC.search(src)
        if shown is None or not _has_png(cell):
            continue
        assert shown.group(1) in built, f"code cell {i}: which dashboard is {shown.group(1)}?"
        dash = live.catalog()[built[shown.group(1)]]()
        try:
            fresh = _pixels(print_figure(dash.static(), "png"))
        finally:
            dash.close()
        stored = _pixels(base64.b64decode(next(
            o["data"]["image/png"] for o in cell["outputs"] if "image/png" in o.get("data", {}))))
        assert fresh.shape == stored.shape and np.array_equal(fresh, stored), \
            f"code cell {i}: the stored figure of {built[shown.group(1)]!r} is out of date"
        compared += 1
    if path in NOTEBOOKS and any(DASHBOARD.search("".join(c["source"])) for c in _code_cells(nb)):
        assert compared, "a lesson with a dashboard but no stored dash.static() figure compared"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_shape(path):
    headings = "\n".join("".join(c["source"]) for c in _load(path)["cells"]
                         if c["cell_type"] == "markdown").lower()
    for part in ("goal", "remember", "exercise"):
        assert re.search(rf"^#+ .*{part}", headings, re.M), f"no '{part}' heading"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_lesson_has_a_solutions_notebook_and_checker_tests(path):
    stem = path.stem
    assert (ROOT / "notebooks" / "solutions" / f"{stem}_solutions.ipynb").exists()
    number = stem[:2]
    assert (ROOT / "wdlib" / "exercises" / f"lesson{number}.py").exists()
    assert (ROOT / "tests" / f"test_exercises_lesson{number}.py").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_readme_lists_the_notebook(path):
    assert f"`{path.stem}`" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", NOTEBOOKS + SOLUTIONS, ids=lambda p: p.name)
def test_the_learning_rate_is_written_lr(path):
    """Lesson 00's notation: the learning rate is lr in every lesson's formulas; η only ever appears
    as the AdamW paper's schedule multiplier η_t (lesson 09 once wrote the learning rate as η)."""
    text = "\n".join("".join(c["source"]) for c in _load(path)["cells"])
    assert re.findall(r"\\eta(?!_)", text) == []                     # LaTeX: \eta_t only
    assert re.findall(r"\blr \(\$\\(?:alpha|eta)\$\)", text) == []  # no "lr ($\alpha$)" aliases


def _runtime_modules() -> set:
    """Top-level modules of pyproject.toml's runtime and `lab` dependencies (what README, lesson
    00 and TEACHING.md tell a hub to install). What those pull in is not counted: a version of
    them may stop pulling it in, so a notebook names what it imports in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r).group(0).lower().replace("_", "-")
              for r in project["dependencies"] + project["optional-dependencies"]["lab"]}
    return {top for top, dists in importlib.metadata.packages_distributions().items()
            if any(d.lower().replace("_", "-") in wanted for d in dists)}


@pytest.mark.parametrize("path", NOTEBOOKS + SOLUTIONS, ids=lambda p: p.name)
def test_a_notebook_imports_only_what_a_plain_install_brings(path):
    """Lesson 02 imported scikit-learn while pyproject.toml declared it for the tests only: on a
    hub set up with `pip install -e .` (README, lesson 00) the lesson stopped there."""
    allowed = _runtime_modules() | set(sys.stdlib_module_names) | {"wdlib", "IPython"}
    imported = set()
    for cell in _code_cells(_load(path)):
        source = "\n".join(line for line in "".join(cell["source"]).splitlines()
                           if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert imported - allowed == set()
