"""The nbgrader course generated from the lessons (`make assignments`, tools/assignments.py).

From this checkout, into a temp dir (isolated Jupyter dirs), for every lesson: generate the
source, release and instructor notebooks; the release is the lesson as written (same cells, the
same stubs, no solution line); the lesson's exercises and its solutions notebook are in sync; and
nbgrader autogrades a solved, a blank and a one-mistake submission with full, zero and partial
marks, the checker's hint in the feedback.
"""

from __future__ import annotations

import ast
import html
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402

LESSONS = assignments.lessons()
STEMS = [p.stem for p in LESSONS]
pytest.importorskip("nbgrader", reason="nbgrader is in the `test` extra (make setup)")

# A factor of 2 on the answer, whatever its form: the one mistake of the third submission.
TIMES2 = '''

def _times2(x):
    if isinstance(x, dict):
        return {k: _times2(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return type(x)(_times2(v) for v in x)
    return 2 * x

_solved_{fn} = {fn}

def {fn}(*args, **kwargs):
    return _times2(_solved_{fn}(*args, **kwargs))
'''


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The generated course (all lessons), nbgrader run with isolated Jupyter dirs."""
    tmp = tmp_path_factory.mktemp("nbgrader")
    jupyter = {f"JUPYTER_{k}_DIR": str(tmp / "jupyter" / k.lower())
               for k in ("CONFIG", "DATA", "RUNTIME")}
    env = assignments.nbgrader_env({**jupyter, "JUPYTER_PLATFORM_DIRS": "1",
                                    "IPYTHONDIR": str(tmp / "ipython")})
    root = tmp / "course"
    assignments.write_course(root, env=env)
    return root, env


def _cells(nb, kind):
    return [(i, c) for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get(kind)]


def _pngs(nb) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def _read(path):
    return nbformat.read(path, as_version=4)


# --------------------------------------------------------------------------- one source, in sync

@pytest.mark.parametrize("lesson", LESSONS, ids=STEMS)
def test_lesson_and_solutions_in_sync(lesson):
    """Same checked exercises in the same order, the same functions and signatures (exercises()
    raises otherwise); every checker has its assert form; every stub is only a stub."""
    exs = assignments.exercises(lesson)
    assert exs, f"{lesson.name} has no checked exercise"
    nb = _read(lesson)
    module = __import__(f"wdlib.exercises.lesson{lesson.stem[:2]}", fromlist=["_"])
    for ex in exs:
        assert callable(getattr(module, f"assert_{ex.name}")), ex.name
        fn = next(n for n in ast.parse(nb.cells[ex.stub_cell].source).body
                  if isinstance(n, ast.FunctionDef))
        body = [s for s in fn.body if not (isinstance(s, ast.Expr)
                                           and isinstance(s.value, ast.Constant))]
        assert [ast.unparse(s) for s in body] == ["raise NotImplementedError"], \
            f"{lesson.name}: the stub of {ex.fn} holds code besides `raise NotImplementedError`"


def test_teaching_guide_lists_every_graded_exercise_with_its_points():
    """TEACHING.md's tables (| NN | `fn` | points |) say what `make assignments` gives nbgrader."""
    guide = (ROOT / "TEACHING.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| (\d\d) \| `(\w+)` \| (\d+) \|$", guide, re.M)
    expected = [(stem[:2], ex.fn, str(ex.points)) for stem, lesson in zip(STEMS, LESSONS,
                                                                        strict=True)
                for ex in assignments.exercises(lesson)]
    assert listed == expected


# --------------------------------------------------------------------------- the student release

@pytest.mark.parametrize("stem", STEMS)
def test_release_is_the_lesson_without_solutions(course, stem):
    root, _ = course
    lesson = _read(ROOT / "notebooks" / f"{stem}.ipynb")
    release = _read(root / "release" / stem / f"{stem}.ipynb")
    exs = assignments.exercises(ROOT / "notebooks" / f"{stem}.ipynb")
    graded = {ex.check_cell for ex in exs}
    assert len(release.cells) == len(lesson.cells)
    for i, (a, b) in enumerate(zip(lesson.cells, release.cells, strict=True)):
        if i in graded:
            assert b.source == assignments.grade_cell_source(a.source)
        else:                                      # prose, code, the stubs: as in the lesson
            assert b.source == a.source, f"cell {i} differs from the lesson"
        if i not in graded and i not in {ex.stub_cell for ex in exs}:
            assert b.get("outputs") == a.get("outputs"), f"cell {i}: stored outputs lost"
    # no line of any solution (beyond what the lesson itself prints) in the student notebook
    text = "\n".join(c.source for c in release.cells)
    lesson_text = "\n".join(c.source for c in lesson.cells)
    for ex in exs:
        for line in assignments.solution_body(ex.solution, ex.fn):
            s = line.strip()
            if len(s) > 12 and s not in lesson_text:
                assert s not in text, f"{stem}: solution line {s!r} in the release"
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    # figures kept
    assert _pngs(release) == _pngs(lesson) > 0
    points = [c.metadata["nbgrader"]["points"] for _, c in _cells(release, "grade")]
    assert points == [ex.points for ex in exs]


@pytest.mark.parametrize("stem", STEMS)
def test_instructor_copy_is_solved(course, stem):
    root, _ = course
    nb = _read(root / "instructor" / f"{stem}.ipynb")
    exs = assignments.exercises(ROOT / "notebooks" / f"{stem}.ipynb")
    for ex in exs:
        src = nb.cells[ex.stub_cell].source
        assert "NotImplementedError" not in src and "SOLUTION" not in src
        assert assignments.signature(src, ex.fn) == assignments.signature(ex.solution, ex.fn)


# --------------------------------------------------------------------------- autograding

def _solved_sources(root, stem):
    source = _read(root / "source" / stem / f"{stem}.ipynb")
    return {i: assignments.strip_markers(c.source) for i, c in _cells(source, "solution")}


def _submit(root, stem, student, sources):
    nb = _read(root / "release" / stem / f"{stem}.ipynb")
    for i, src in sources.items():
        nb.cells[i].source = src
    out = root / "submitted" / student / stem
    out.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out / f"{stem}.ipynb")


def _expected_hint(stem, sources, fn, name):
    """The checker's own verdict on the mutated function, run here (not read from nbgrader)."""
    import numpy as np

    import wdlib
    from wdlib import data, losses, models, optim, penalties, solvers  # noqa: F401
    module = __import__(f"wdlib.exercises.lesson{stem[:2]}", fromlist=["_"])
    ns = {"np": np, "wdlib": wdlib, "data": data, "solvers": solvers, "optim": optim,
          "losses": losses, "models": models, "penalties": penalties,
          f"lesson{stem[:2]}": module}
    for src in sources.values():
        exec(src, ns)  # noqa: S102 - the lesson's own solutions
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        verdict = getattr(module, f"check_{name}")(ns[fn])
    assert not verdict
    return verdict.hint


def _feedback_text(path):
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


STUDENTS = ("solved", "blank", "one_mistake")


@pytest.fixture(scope="module")
def graded(course):
    """Three submissions per lesson, autograded and given feedback by nbgrader (one run of each
    command for all lessons). Returns {stem: (expected, scores, hint, feedback texts)}."""
    root, env = course
    plan = {}
    for stem in STEMS:
        exs = assignments.exercises(ROOT / "notebooks" / f"{stem}.ipynb")
        total = sum(ex.points for ex in exs)
        solved = _solved_sources(root, stem)
        wrong = exs[-1]                  # the last exercise: no later exercise builds on it
        mutated = dict(solved)
        mutated[wrong.stub_cell] += TIMES2.replace("{fn}", wrong.fn)
        hint = _expected_hint(stem, mutated, wrong.fn, wrong.name)
        for student, sources in zip(STUDENTS, (solved, {}, mutated), strict=True):
            _submit(root, stem, student, sources)
        plan[stem] = ({"solved": total, "blank": 0, "one_mistake": total - wrong.points}, hint)
    assignments.nbgrader(root, "autograde", "*", "--create", env=env)
    assignments.nbgrader(root, "generate_feedback", "*", env=env)

    from nbgrader.api import Gradebook
    out = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for stem, (expected, hint) in plan.items():
            scores = {s: gb.find_submission(stem, s).score for s in STUDENTS}
            feedback = {s: _feedback_text(root / "feedback" / s / stem / f"{stem}.html")
                        for s in STUDENTS}
            names = [ex.name for ex in assignments.exercises(ROOT / "notebooks" / f"{stem}.ipynb")]
            out[stem] = (expected, scores, hint, feedback, names)
    return out


@pytest.mark.parametrize("stem", STEMS)
def test_autograde_solved_blank_one_mistake(graded, stem):
    """Full, zero and partial marks (exactly the wrong exercise's points lost); the feedback of
    the blank submission says "not implemented yet", that of the one mistake the checker's hint.
    (Lesson 00 has one exercise: there the one mistake scores 0, like the blank.)"""
    expected, scores, hint, feedback, names = graded[stem]
    assert scores == expected
    assert "not implemented yet" in feedback["blank"]
    assert hint in feedback["one_mistake"], (hint, feedback["one_mistake"][-2000:])
    # every checker printed its line (the name is the checker's label, e.g. max_norm_project)
    assert len(re.findall(r"✓ \w+: correct", feedback["solved"])) == len(names)
    assert len(re.findall(r"✗ \w+: not implemented yet", feedback["blank"])) == len(names)
