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
import json
import re
import shutil
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
    env = _isolated_env(tmp)
    root = tmp / "course"
    assignments.write_course(root, env=env)
    return root, env


def _isolated_env(tmp):
    """nbgrader's environment with Jupyter's and IPython's folders in ``tmp``."""
    jupyter = {f"JUPYTER_{k}_DIR": str(tmp / "jupyter" / k.lower())
               for k in ("CONFIG", "DATA", "RUNTIME")}
    return assignments.nbgrader_env({**jupyter, "JUPYTER_PLATFORM_DIRS": "1",
                                     "IPYTHONDIR": str(tmp / "ipython")})


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

@pytest.mark.parametrize("lesson", LESSONS, ids=STEMS)
def test_a_release_does_not_point_to_the_solutions(lesson):
    """Lessons 00, 01, 03 and 04 ended with "Solutions: `notebooks/solutions/…`" (and 02, 08 said
    "answer in the solutions notebook"): the graded release told students where the solved
    copy is. Only those pointers go: every other cell keeps its text."""
    nb = _read(lesson)
    release = assignments.assignment_copy(nb)
    prose = "\n".join(c.source for c in release.cells if c.cell_type == "markdown")
    assert "solutions/" not in prose and "solutions notebook" not in prose
    assert "Solved versions" not in prose
    changed = [i for i, (a, b) in enumerate(zip(nb.cells, release.cells, strict=True))
               if a.source != b.source and "wdlib-launch" not in a.metadata.get("tags", [])]
    assert all("solutions" in nb.cells[i].source.lower() for i in changed)



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
        elif "wdlib-launch" in a.metadata.get("tags", []):
            assert b.source == assignments.ASSIGNMENT_NOTE
        elif a.cell_type == "markdown":            # prose: as in the lesson, no pointer to
            assert b.source == assignments.without_solution_pointers(a.source)  # the solutions
        else:                                      # code, the stubs: as in the lesson
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
    # no link to the lesson's own copy (a student who worked there handed in no graded cells)
    assert "colab.research.google.com" in lesson_text
    assert "colab.research.google.com" not in text and "mybinder.org" not in text
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
# Two more students: one whose kernel dies in lesson 00; one who, in lesson 02, makes a checker
# cell pass and deletes another, each above a wrong answer (nbgrader runs the source's checker
# cell for the first, and gives the deleted one 0 points), and asks for 8 GB (a MemoryError
# under GRADING_MEMORY, which every lesson's grading runs under).
DIES = ("00_start_here", "import os\nos._exit(1)")


def _submit_hostile(root):
    stem, code = DIES
    i, src = next(iter(_solved_sources(root, stem).items()))
    _submit(root, stem, "dies", {i: src + "\n" + code})
    nb = _release(root)
    ids = _ids(nb)
    stub = "raise NotImplementedError"
    nb.cells[ids["l2_grad_exercise"]].source = \
        nb.cells[ids["l2_grad_exercise"]].source.replace(stub, "return {}")
    nb.cells[ids["check_l2_grad"]].source = "pass"
    nb.cells[ids["lam_for_df"]].source += "\nhog = np.empty(10**9)   # 8 GB, never touched"
    nb.cells[ids["early_stopping_lambda"]].source = \
        nb.cells[ids["early_stopping_lambda"]].source.replace(stub, "return 0.0")
    del nb.cells[ids["check_early_stopping_lambda"]]
    out = root / "submitted" / "hostile" / AUDITED
    out.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out / f"{AUDITED}.ipynb")


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
    _submit_hostile(root)
    proc = assignments.nbgrader(root, "autograde", "*", "--create", env=env, check=False,
                                memory=assignments.GRADING_MEMORY)
    log = proc.stdout + proc.stderr
    # the one submission nbgrader cannot grade is skipped and named; every other one is graded
    assert proc.returncode == 1, log[-3000:]
    assert re.findall(r"error processing assignment '(\w+)' for student '(\w+)'", log) == \
        [(DIES[0], "dies")], log[-3000:]
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


def test_autograde_hostile_submissions(graded, course):
    """The submission whose kernel died has no grade and no feedback (the others of its lesson
    were graded: test_autograde_solved_blank_one_mistake); the edited and the deleted checker
    cells give their wrong answers no points, and the audit names both."""
    root, _ = course
    assert not (root / "autograded" / "dies" / DIES[0]).exists()
    assert not (root / "feedback" / "dies" / DIES[0]).exists()
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        sub = gb.find_submission(AUDITED, "hostile")
        assert sub.score == 0 and sub.max_score == 4
    assert "✗ l2_grad: " in _feedback_text(root / "feedback" / "hostile" / AUDITED
                                           / f"{AUDITED}.html")
    nb = _read(root / "autograded" / "hostile" / AUDITED / f"{AUDITED}.ipynb")
    errors = [o.ename for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert "MemoryError" in errors, errors
    assert assignments.audit_course(root, AUDITED)["hostile"] == [
        "the graded cell check_l2_grad was edited",
        "the graded cell check_early_stopping_lambda was deleted"]


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


# --------------------------------------------------------------------------- the tamper audit

AUDITED = "02_l2_weight_decay"
# Hostile answers seen in a class: each rebinds what a grade cell calls, from the student's
# kernel, where autograding runs it (lesson02.assert_x = ... scored a wrong answer's points).
HOSTILE = {
    "import wdlib.exercises._core as c\nc.check = lambda *a, **k: True":
        ["imports wdlib.exercises._core", "assigns to c.check"],
    "lesson02.assert_l2_grad = lambda fn: None": ["assigns to lesson02.assert_l2_grad"],
    "lesson02 = None": ["rebinds the module name lesson02"],
    "np.allclose = lambda *a, **k: True": ["assigns to np.allclose"],
    "from wdlib.exercises.lesson02 import _ref_l2_grad as f": ["imports _ref_l2_grad"],
    "import sys\nsys.modules['wdlib.exercises.lesson02'] = None":
        ["assigns to sys.modules['wdlib.exercises.lesson02']", "names modules"],
    "import builtins\nsetattr(builtins, 'abs', max)": ["imports builtins", "names builtins",
                                                        "names setattr"],
    "def f(:\n    import wdlib.exercises._core": ["names _core"],        # does not parse
}


def _tiny_release(root=None, stem="02_x", middle=None):
    """A one-point release: lesson02's import, ``middle`` (a code cell, if given), and the graded
    check cell ``lesson02.assert_x(f)`` (grade_id check_x); written to the course's
    ``release/<stem>/`` when a ``root`` is given."""
    cells = ["from wdlib.exercises import lesson02"] + ([middle] if middle else [])
    release = nbformat.v4.new_notebook(cells=[
        *map(nbformat.v4.new_code_cell, cells),
        nbformat.v4.new_code_cell("lesson02.assert_x(f)", metadata={
            "nbgrader": {"grade": True, "grade_id": "check_x", "points": 1}})])
    if root is not None:
        (root / "release" / stem).mkdir(parents=True)
        nbformat.write(release, root / "release" / stem / f"{stem}.ipynb")
    return release


def _exercise_release(root, stem):
    """``_tiny_release`` with the exercise's stub ``f`` as a solution cell (grade_id f) before
    the graded cell, written to the course's ``release/<stem>/``."""
    release = _tiny_release(root, stem, middle="def f(x):\n    raise NotImplementedError")
    release.cells[1].metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "f"}
    nbformat.write(release, root / "release" / stem / f"{stem}.ipynb")
    return release


def _release(root, stem=AUDITED):
    return _read(root / "release" / stem / f"{stem}.ipynb")


def _ids(nb):
    return {c.metadata.get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(nb.cells)}


@pytest.mark.parametrize("code", list(HOSTILE), ids=range(len(HOSTILE)))
def test_audit_flags_an_answer_that_rebinds_the_checkers(course, code):
    root, _ = course
    release = _release(root)
    nb = _release(root)
    i = _ids(nb)["l2_grad_exercise"]
    nb.cells[i].source = _solved_sources(root, AUDITED)[i] + "\n" + code
    assert assignments.audit(release, nb) == [f"cell {i} (l2_grad_exercise) {w}"
                                              for w in sorted(HOSTILE[code])]


def test_audit_flags_edited_and_deleted_graded_cells(course):
    root, _ = course
    release, nb = _release(root), _release(root)
    ids = _ids(nb)
    nb.cells[ids["check_l2_grad"]].source = "pass"
    del nb.cells[ids["check_early_stopping_lambda"]]
    assert assignments.audit(release, nb) == ["the graded cell check_l2_grad was edited",
                                              "the graded cell check_early_stopping_lambda "
                                              "was deleted"]


def test_audit_leaves_honest_work_alone(course):
    """Solved answers, a scratch cell that calls a checker again, a function whose local
    variable shares a module's name: nothing to review."""
    root, _ = course
    release, nb = _release(root), _release(root)
    for i, src in _solved_sources(root, AUDITED).items():
        nb.cells[i].source = src
    nb.cells.append(nbformat.v4.new_code_cell(
        "%time ok = lesson02.check_l2_grad(l2_grad_exercise)\n"
        "def centered(X):\n    data = X - X.mean(axis=0)\n    return data\n"
        "params = {'W1': np.ones(3)}\nparams['W1'] = 2 * params['W1']"))
    assert assignments.audit(release, nb) == []
    assert assignments.audit(release, _release(root)) == []        # the blank release


def test_audit_command_lists_the_submissions_to_review(course, tmp_path, capsys):
    root, _ = course
    course_dir = tmp_path / "course"
    shutil.copytree(root / "release" / AUDITED, course_dir / "release" / AUDITED)
    honest, hostile = _release(root), _release(root)
    i = _ids(hostile)["lam_for_df"]
    hostile.cells[i].source += "\nlesson02.assert_lam_for_df = lambda fn: None"
    for student, nb in (("honest", honest), ("hostile", hostile)):
        out = course_dir / "submitted" / student / AUDITED
        out.mkdir(parents=True)
        nbformat.write(nb, out / f"{AUDITED}.ipynb")
    (course_dir / "submitted" / "broken" / AUDITED).mkdir(parents=True)
    (course_dir / "submitted" / "broken" / AUDITED / f"{AUDITED}.ipynb").write_text("{not json")
    with pytest.raises(SystemExit) as exit_:
        assignments.main([str(course_dir), "--audit", AUDITED])
    assert exit_.value.code == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("broken: not a readable notebook: ")
    assert lines[1:] == [f"hostile: cell {i} (lam_for_df) assigns to lesson02.assert_lam_for_df",
                         f"{AUDITED}: 2 of 3 submissions to review"]
    shutil.rmtree(course_dir / "submitted" / "broken")
    shutil.rmtree(course_dir / "submitted" / "hostile")
    with pytest.raises(SystemExit) as exit_:
        assignments.main([str(course_dir), "--audit", AUDITED])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"{AUDITED}: 0 of 1 submissions to review\n"
    with pytest.raises(SystemExit) as exit_:
        assignments.main([str(course_dir), "--audit", "02_l2"])
    assert exit_.value.code == 2
    assert "--audit: no assignment '02_l2' in" in capsys.readouterr().err


# Typical honest answers (a PyTorch model's `.eval()`/`.modules()`, a list named like an imported
# module the grade cells do not call) and rebindings of the checker module's name that are not
# `=` (a class, a def, an import, a loop target): read with the lesson's names, no course needed.
LESSON_MODULES = {"np", "plt", "lesson02", "losses", "models", "train", "sys", "os"}
HONEST = ("import torch\nnet = torch.nn.Linear(2, 2)\nnet.eval()\n"
          "n = sum(1 for m in net.modules())\nx = torch.zeros(2)\nx.data = 2 * x.data",
          "losses = []\nfor step in range(3):\n    losses.append(step)",
          "import torch\nmodel = torch.nn.Linear(2, 2)\nlayers = list(model.modules())",
          # the setup cell's import again (after a kernel restart), lesson 09's `gc` (a gradient)
          "import numpy as np\nfrom wdlib.exercises import lesson02\nimport torch",
          "def f(x):\n    return x, 2 * x\nLc, gc = f(1.0)",
          "models = {'small': 1}\nmodels['big'] = 2")
REBINDS = {"class lesson02:\n    def assert_l2_grad(fn):\n        pass": "lesson02",
           "def lesson02():\n    pass": "lesson02",
           "import math as lesson02": "lesson02",
           "from wdlib.exercises import lesson03 as lesson02": "lesson02",
           "for lesson02 in [None]:\n    pass": "lesson02",
           "def f():\n    global lesson02\n    lesson02 = None": "lesson02"}
# rebinding a checker without `=` on the attribute: a loop or `with` target, __setattr__
ATTRIBUTE_TRICKS = {
    "for lesson02.assert_l2_grad in [print]:\n    pass": "assigns to lesson02.assert_l2_grad",
    "with open('f') as lesson02.assert_l2_grad:\n    pass": "assigns to lesson02.assert_l2_grad",
    "object.__setattr__(lesson02, 'assert_l2_grad', print)": "names __setattr__",
    "m = sys.modules['wdlib.exercises.lesson02']\nm.assert_l2_grad = print": "names modules",
    "import gc\ngc.get_referrers(lesson02)": "imports gc",
    # the answer, called by the checker, reads the expected value from the checker's frame
    "import sys\ndef f(X):\n    return sys._getframe(1).f_locals['expected']": "names f_locals",
    "import inspect\ndef f(X):\n    return inspect.stack()[1].frame.f_locals": "imports inspect"}


@pytest.mark.parametrize("code", list(ATTRIBUTE_TRICKS), ids=range(len(ATTRIBUTE_TRICKS)))
def test_suspicious_flags_attribute_rebinding_without_assignment(code):
    assert ATTRIBUTE_TRICKS[code] in assignments.suspicious(code, LESSON_MODULES)


@pytest.mark.parametrize("code", HONEST, ids=range(len(HONEST)))
def test_suspicious_leaves_typical_answers_alone(code):
    assert assignments.suspicious(code, LESSON_MODULES, guarded={"lesson02"}) == []


@pytest.mark.parametrize("code", list(REBINDS), ids=range(len(REBINDS)))
def test_suspicious_flags_every_rebinding_of_the_checker_module(code):
    assert f"rebinds the module name {REBINDS[code]}" in \
        assignments.suspicious(code, LESSON_MODULES, guarded={"lesson02"})


@pytest.mark.parametrize("code", ["x = " + "1+" * 200_000 + "1", "x = " + "-" * 100_000 + "1"],
                         ids=["long-sum", "deep-unary"])
def test_suspicious_survives_a_cell_the_parser_cannot_hold(code):
    assert assignments.suspicious(code, LESSON_MODULES) == []


def test_audit_course_reports_json_that_is_not_a_notebook(tmp_path, recwarn):
    """Valid JSON that nbformat reads but is no notebook (a list; a cell's nbgrader metadata a
    string) is reported for that student; the other submissions are still audited. The cell
    has an id, as nbformat 4.5 wants: without one nbformat warned (MissingIDFieldWarning), a
    warning every run of the suite printed, about the fixture, not the audit."""
    stem = "02_x"
    release = _tiny_release(tmp_path, stem)
    cell = {"cell_type": "code", "id": "c1", "source": "x = 1", "metadata": {"nbgrader": "x"},
            "outputs": [], "execution_count": None}
    files = {"a_list": "[]", "b_meta": ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, '
                                        f'"cells": [{json.dumps(cell)}]}}'),
             "c_honest": nbformat.writes(release)}
    for student, text in files.items():
        (tmp_path / "submitted" / student / stem).mkdir(parents=True)
        (tmp_path / "submitted" / student / stem / f"{stem}.ipynb").write_text(text)
    found = assignments.audit_course(tmp_path, stem)
    assert found["a_list"][0].startswith("not a readable notebook: ")
    assert found["b_meta"][0].startswith("not a readable notebook: ")
    assert found["c_honest"] == []
    assert [str(w.message) for w in recwarn] == []


def test_teaching_grading_block_is_what_the_test_grades_under():
    """TEACHING.md's grading commands set the memory limit GRADING_MEMORY is (KiB for `ulimit
    -v`) and the one-thread BLAS nbgrader_env gives the test's autograde: under an address-space
    limit each BLAS thread's buffers and malloc arenas count, so many threads on a many-core
    machine could exhaust 4 GB that one thread never approaches."""
    text = (Path(assignments.ROOT) / "TEACHING.md").read_text()
    block = text[text.index("cd assignments && export PATH"):]
    block = block[:block.index("```")]
    assert re.search(r"^ulimit -v (\d+)", block, re.M).group(1) == \
        str(assignments.GRADING_MEMORY // 1024)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        assert re.search(rf"\b{var}=1\b", block), f"{var}=1 not in TEACHING's grading block"
    assert "python ../tools/assignments.py . --audit 02_l2_weight_decay" in block


def test_only_with_an_unknown_lesson_is_an_error_naming_it(tmp_path, capsys):
    """`--only 99_nope` (a typo) wrote an empty course and exited 0; now argparse's error, status
    2, naming the option and the value, and nothing written."""
    with pytest.raises(SystemExit) as exit_:
        assignments.main([str(tmp_path / "c"), "--only", "02_l2_weight_decay", "99_nope"])
    assert exit_.value.code == 2
    assert "--only: no lesson '99_nope' in " in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


def test_audit_reports_a_graded_cell_copied():
    """A graded cell copied in Jupyter keeps its nbgrader metadata: two cells with one grade_id
    (the copy with code added was skipped as if it were the graded cell, unread)."""
    release = _tiny_release()
    nb = nbformat.reads(nbformat.writes(release), as_version=4)
    copy_ = nbformat.reads(nbformat.writes(release), as_version=4).cells[1]
    copy_.source = "lesson02.assert_x = print\n" + copy_.source
    nb.cells.insert(1, copy_)
    found = assignments.audit(release, nb)
    assert "the graded cell check_x appears 2 times" in found
    assert "cell 1 (check_x) assigns to lesson02.assert_x" in found


def test_audit_names_a_notebook_nbgrader_does_not_grade(tmp_path, capsys):
    """nbgrader grades only `NN_name.ipynb` in a student's folder: a browser's `NN_name (1).ipynb`
    or a `lesson02.ipynb` was skipped with one log line among hundreds (alone, the student read as
    "could not be graded"; beside the release's file, the work was never read). The audit names
    the student and the file (it reads `submitted/` only, so it can run before autograding)."""
    stem = "02_x"
    release = _tiny_release(tmp_path, stem)
    files = {"ada": [f"{stem}.ipynb"], "bob": [f"{stem} (1).ipynb"],
             "cy": [f"{stem}.ipynb", "lesson02.ipynb"], "dan": []}
    for student, names in files.items():
        (tmp_path / "submitted" / student / stem).mkdir(parents=True)
        for name in names:
            nbformat.write(release, tmp_path / "submitted" / student / stem / name)
    assert assignments.audit_course(tmp_path, stem) == {
        "ada": [],
        "bob": [f"handed in '{stem} (1).ipynb', which nbgrader does not grade (it grades only "
                f"{stem}.ipynb, missing here)"],
        "cy": ["handed in 'lesson02.ipynb', which nbgrader does not grade (it grades only "
               f"{stem}.ipynb, here another file)"],
        "dan": [f"no notebook in {stem}/ ({stem}.ipynb expected)"]}
    with pytest.raises(SystemExit) as exit_:
        assignments.main([str(tmp_path), "--audit", stem])
    assert exit_.value.code == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == ["bob", "cy", "dan", stem]
    assert out[-1] == f"{stem}: 3 of 4 submissions to review"


# What the audit missed (each scored a wrong answer's points or could: an alias of the checker
# module rebinds its functions as the module's name does; a checker's .py or wdlib's installed
# files rewritten on the grading machine are what the next student's kernel imports; a helper
# module of the student's, not handed in, fails or differs on the grading machine).
MISSED = {
    "m = lesson02\nm.assert_l2_grad = print": "assigns to m.assert_l2_grad",
    "a, b = lesson02, 1\nc = a\nc.assert_l2_grad = print": "assigns to c.assert_l2_grad",
    "import wdlib\nm = wdlib.exercises.lesson02\nm.assert_l2_grad = print":
        "assigns to m.assert_l2_grad",
    "%time lesson02.assert_l2_grad = print": "assigns to lesson02.assert_l2_grad",
    "open(lesson02.__file__, 'w').write('')": "opens a file to write: "
                                               "open(lesson02.__file__, 'w')",
    "with open(p, mode='a') as f:\n    f.write('x')": "opens a file to write: open(p, mode='a')",
    "f = open(path, m)": "opens a file in a mode computed when it runs: open(path, m)",
    "import pathlib\npathlib.Path(p).write_text('')": "changes a file: "
                                                     "pathlib.Path(p).write_text('')",
    "os.remove(p)": "changes files or runs a program: os.remove(p)",
    "import shutil\nshutil.copy(a, b)": "imports shutil",
    "from os import replace\nreplace(a, b)": "imports os.replace",
    "import subprocess\nsubprocess.run(['cp', a, b])": "imports subprocess",
    "x = '/usr/lib/python3/site-packages/wdlib/exercises/lesson02.py'":
        "names the path '/usr/lib/python3/site-packages/wdlib/exercises/lesson02.py'",
    "%%writefile ../wdlib/exercises/lesson02.py\ndef assert_l2_grad(fn): pass":
        "runs the magic %%writefile ../wdlib/exercises/lesson02.py",
    "!sed -i s/raise/pass/ lesson02.py": "runs a shell command: !sed -i s/raise/pass/ lesson02.py",
    "%run helpers.py": "runs the magic %run helpers.py",
    "%pip install helpers": "runs the magic %pip install helpers",
    "get_ipython().system('ls')": "names get_ipython",
    "import my_helpers\nl2_grad_exercise = my_helpers.l2_grad":
        "imports my_helpers: not the standard library, wdlib or a course dependency (a file "
        "of the student's, not handed in?)",
    "from helpers import l2_grad as l2_grad_exercise":
        "imports helpers: not the standard library, wdlib or a course dependency (a file "
        "of the student's, not handed in?)",
    "from .helpers import l2_grad":
        "imports a module by a relative import: not the standard library, wdlib or a course "
        "dependency (a file of the student's, not handed in?)"}
# and what an honest answer does that looks near them
HONEST_NEAR = (
    "%timeit -n 3 l2_grad_exercise({'W1': np.ones(2)}, 0.1)",
    "with open('notes.txt') as f:\n    text = f.read()\nopen('w.txt', 'r').read()",
    "from IPython.display import display\nimport numpy.linalg as la\nimport sklearn.linear_model",
    "np.save('w.npy', np.ones(2))\nimport math, functools, itertools, collections",
    "x = np.pi\ny = np.linalg.norm(np.ones(2))\nz = lesson02.check_l2_grad\nfor m in [1, 2]:\n"
    "    pass",
    "import torch\nimport torch.nn.functional as F\nout = F.relu(torch.zeros(2))",
    "s = 'lesson02'.replace('0', 'o')\nprint(f'{s}: done')",
    "%%html\n<b>my notes</b>")


@pytest.mark.parametrize("code", list(MISSED), ids=range(len(MISSED)))
def test_suspicious_flags_aliases_file_writes_and_unknown_imports(code):
    assert MISSED[code] in assignments.suspicious(code, LESSON_MODULES, guarded={"lesson02"})


@pytest.mark.parametrize("code", HONEST_NEAR, ids=range(len(HONEST_NEAR)))
def test_suspicious_leaves_honest_files_imports_and_timing_alone(code):
    assert assignments.suspicious(code, LESSON_MODULES, guarded={"lesson02"}) == []


def test_audit_follows_an_alias_made_in_another_cell():
    """`from wdlib.exercises import lesson02 as L` (or `m = lesson02`) in one cell, the
    rebinding in a later one: each cell alone looked like a name that is no module."""
    release = _tiny_release(middle="def f(x):\n    raise NotImplementedError")
    for alias, name in (("from wdlib.exercises import lesson02 as L", "L"),
                        ("m = lesson02", "m"), ("import wdlib.exercises.lesson02 as L", "L")):
        nb = nbformat.reads(nbformat.writes(release), as_version=4)
        nb.cells[1].source = f"{alias}\n\ndef f(x):\n    return x"
        nb.cells.insert(2, nbformat.v4.new_code_cell(f"{name}.assert_x = print"))
        assert assignments.audit(release, nb) == [
            f"cell 2 (a cell the student wrote or changed) assigns to {name}.assert_x"]


def _without_bootstrap(nb):
    """The notebook without its generated bootstrap cell (it runs pip to install wdlib where it
    is missing; a submission keeps it unchanged, so the audit never reads it)."""
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    nb.cells = [c for c in nb.cells if "wdlib-bootstrap" not in c.metadata.get("tags", [])]
    return nb


@pytest.mark.parametrize("lesson", LESSONS, ids=STEMS)
def test_audit_leaves_the_lessons_and_solutions_alone(lesson):
    """Honest controls: every code cell of the lesson and of its solutions notebook read as if
    the student wrote it (against an empty release: no import is the release's) gives nothing
    to review but lesson 03's `plt.rcParams["figure.dpi"] = 80` (an imported module's dict
    changed, as `sys.modules[...] = ...` does: flagged by design); the solutions notebook
    against the lesson gives nothing at all."""
    empty = nbformat.v4.new_notebook()
    nb, sol = _read(lesson), _read(assignments.solutions_path(lesson))
    known = {"assigns to plt.rcParams['figure.dpi']"}
    for notebook in (nb, sol):
        found = assignments.audit(empty, _without_bootstrap(notebook))
        assert {f.split(") ", 1)[1] for f in found} <= known, found
    assert assignments.audit(nb, sol) == []


def test_audit_names_and_restore_fixes_a_graded_cell_whose_flags_changed(tmp_path, capsys):
    """A graded cell whose `grade` flag was turned off (or `solution` on) in the cell's metadata,
    its source untouched: nbgrader's checksum reads both flags and autograde puts neither back,
    so it skipped the whole submission ("Inconsistent checksums for cell check_x", read as 0)
    while the audit said nothing. The audit now names it, and `--restore NN_name` puts the
    release's metadata back (the original kept as NN_name.ipynb.orig): the checksum is then the
    release's again, which is what nbgrader's autograde checks."""
    from nbgrader.utils import compute_checksum
    stem = "02_x"
    release = _tiny_release(tmp_path, stem)
    gid = "check_x"
    release.cells[-1].metadata["nbgrader"].update(solution=False, locked=True,
                                                  checksum=compute_checksum(release.cells[-1]))
    nbformat.write(release, tmp_path / "release" / stem / f"{stem}.ipynb")
    changes = {"ada": {"grade": False}, "bob": {"solution": True}, "cy": {"points": 100}}
    for student, change in changes.items():
        nb = nbformat.reads(nbformat.writes(release), as_version=4)
        nb.cells[-1].metadata["nbgrader"].update(change)
        (tmp_path / "submitted" / student / stem).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "submitted" / student / stem / f"{stem}.ipynb")
    found = assignments.audit_course(tmp_path, stem)
    why = "nbgrader cannot grade this notebook (Inconsistent checksums): --restore puts the " \
          "release's back"
    assert found == {
        "ada": [f"the graded cell {gid}'s nbgrader metadata was changed (grade: True -> False): "
                + why],
        "bob": [f"the graded cell {gid}'s nbgrader metadata was changed (solution: False -> "
                "True): " + why],
        "cy": []}                         # points: autograde puts the release's back itself
    with pytest.raises(SystemExit) as exit_:
        assignments.main([str(tmp_path), "--restore", stem])
    assert exit_.value.code == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{s}: {what}" for s in ("ada", "bob") for what in (
        f"restored the nbgrader metadata of {gid}",
        f"the submission as handed in: {stem}.ipynb.orig")]
    for student in ("ada", "bob"):
        folder = tmp_path / "submitted" / student / stem
        cell = _read(folder / f"{stem}.ipynb").cells[-1]
        assert compute_checksum(cell) == release.cells[-1].metadata["nbgrader"]["checksum"]
        assert _read(folder / f"{stem}.ipynb.orig").cells[-1].metadata["nbgrader"] != \
            cell.metadata["nbgrader"]
    note = f"(as handed in, {stem}.ipynb.orig; --restore put the release's graded cells back " \
           f"in {stem}.ipynb)"
    assert assignments.audit_course(tmp_path, stem) == {       # read as handed in (.orig)
        "ada": found["ada"] + [note], "bob": found["bob"] + [note], "cy": []}
    with pytest.raises(SystemExit) as exit_:
        assignments.main([str(tmp_path), "--restore", "02_y"])
    assert exit_.value.code == 2
    assert "--restore: no assignment '02_y' in" in capsys.readouterr().err


def test_feedback_html_does_not_run_a_submission_s_scripts(tmp_path):
    """The feedback HTML is made from the autograded notebook, whose outputs the student's code
    wrote: `display(HTML("<script>...</script>"))`, an `<img onerror=...>` or
    `display(Javascript(...))` came out as live script in feedback/<student>/NN_name/*.html, run
    by the browser of whoever opens it (the teacher first). With the course's nbgrader_config.py
    the feedback exporter sanitizes outputs (the lessons have no HTML outputs: nothing else
    changes). That left the cells: nbgrader's feedback template renders a markdown cell's HTML
    as it is and a raw cell as HTML, so a student's `<script>` there ran too; such a cell is
    now shown as its text (every lesson's and solutions notebook's markdown renders as before:
    test_feedback_renders_the_lessons_markdown_as_before). Built as `nbgrader
    generate_feedback` builds its exporter."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.converters import GenerateFeedback
    from traitlets.config.loader import PyFileConfigLoader
    cfg = PyFileConfigLoader(assignments.CONFIG.name,
                             path=str(assignments.CONFIG.parent)).load_config()
    feedback = GenerateFeedback(config=cfg)
    exporter = feedback.exporter_class(config=feedback.config)
    assert issubclass(feedback.exporter_class, HTMLExporter)
    cell = nbformat.v4.new_code_cell("display(...)", outputs=[
        nbformat.v4.new_output("display_data", {"text/html": '<script>window.A = 1</script>'
                                                '<img src="x" onerror="window.B = 1">'}),
        nbformat.v4.new_output("display_data", {"application/javascript": "window.C = 1"})])
    mine = [nbformat.v4.new_markdown_cell('<script>window.D = 1</script> $a<b$'),
            nbformat.v4.new_markdown_cell('<img src="x" onerror="window.E = 1">'),
            nbformat.v4.new_markdown_cell('<a href="java&#9;script:window.F = 1">a</a>'),
            nbformat.v4.new_markdown_cell('<a href="&#106;avascript:window.G = 1">a</a>'),
            nbformat.v4.new_markdown_cell('<svg onload="window.H = 1"></svg>'),
            nbformat.v4.new_raw_cell("<script>window.I = 1</script>",
                                     metadata={"raw_mimetype": "text/html"}),
            nbformat.v4.new_raw_cell("<script>window.J = 1</script>")]
    body, _ = exporter.from_notebook_node(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("The loss is $\\frac{1}{2}$ of the mean, $\\lambda < 1$: "
                                      "**see** [lesson 02](02_l2_weight_decay.ipynb#top)."),
        cell, *mine]),
        resources={"nbgrader": {"score": 0, "max_score": 1, "late_penalty": 0, "notebook": "x"}})
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", body, re.S)
    assert not [s for s in scripts if re.search(r"window\.[A-J] = 1", s)], scripts
    assert not re.search(r"<img[^>]*onerror|<svg|<a [^>]*script:", body)  # shown as text
    for k in "ABDEFGHIJ":          # as text, `&lt;script&gt;window.D ...` (C, Javascript: dropped)
        assert f"window.{k} = 1" in body
    assert "$\\frac{1}{2}$ of the mean, $\\lambda &lt; 1$: <strong>see</strong> <a href=" \
           '"02_l2_weight_decay.ipynb#top">lesson 02</a>' in body   # the prose and its math kept


# What a page fetches: an element's src/href (a stylesheet, a script, an image; a link the reader
# follows, <a href>, fetches nothing until clicked), a CSS url() or @import.
FETCHED = re.compile(r"<(?!a\b)\w+\b[^>]*?\b(?:src|href)\s*=\s*[\"']?([^\"'\s>]+)"
                     r"|url\(\s*[\"']?([^\"')\s]+)|@import\s+[\"']([^\"']+)", re.I)


def _fetched(page: str) -> list[str]:
    return [next(u for u in m.groups() if u) for m in FETCHED.finditer(page)]


def test_feedback_math_needs_no_other_host():
    """nbgrader's feedback template calls nbconvert's mathjax() macro without an argument, so
    every feedback page loaded MathJax from cdnjs.cloudflare.com (HTMLExporter.mathjax_url
    changed nothing). The page travels alone (release_feedback copies the .html only), so it
    now carries MathJax and its fonts: nothing it fetches names a host or a scheme but data:
    (a figure, a font). tests/browser/test_feedback.py opens one in Chromium."""
    from nbgrader.converters import GenerateFeedback
    from traitlets.config.loader import PyFileConfigLoader
    cfg = PyFileConfigLoader(assignments.CONFIG.name,
                             path=str(assignments.CONFIG.parent)).load_config()
    feedback = GenerateFeedback(config=cfg)
    exporter = feedback.exporter_class(config=feedback.config)
    nb = _read(ROOT / "notebooks" / "00_start_here.ipynb")
    body, _ = exporter.from_notebook_node(nb, resources={"nbgrader": {
        "score": 1, "max_score": 1, "late_penalty": 0, "notebook": "00_start_here"}})
    fetched = _fetched(body)          # (bootstrap.css names its glyph font by a relative URL:
    remote = [u for u in fetched      # no glyph is used, so never fetched; the browser test)
              if re.match(r"([a-z][a-z0-9+.-]*:|//)", u, re.I) and not u.startswith("data:")]
    assert fetched and remote == [], remote
    assert "cdnjs" not in body and "MathJax.Ajax" in body
    assert body.count("data:image/png") == _pngs(nb) > 0           # the figures, inlined
    assert _fetched('<script src="https://x/MathJax.js"></script><a href="https://y">y</a>'
                    "<style>@font-face {src: url('//z/f.woff')}</style>") == \
        ["https://x/MathJax.js", "//z/f.woff"]


def test_feedback_renders_the_lessons_markdown_as_before():
    """The feedback shows a markdown cell as its text when its HTML holds more than plain tags,
    attributes and links (nbgrader_config.py's FeedbackText): no markdown cell of a lesson or a
    solutions notebook does, so their prose, math, tables and links render as before."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    from traitlets.config.loader import PyFileConfigLoader
    cfg = PyFileConfigLoader(assignments.CONFIG.name,
                             path=str(assignments.CONFIG.parent)).load_config()
    [text] = cfg.HTMLExporter.preprocessors
    cells = [c.source for lesson in LESSONS
             for path in (lesson, assignments.solutions_path(lesson))
             for c in _read(path).cells if c.cell_type == "markdown"]
    assert len(cells) > 100
    assert not [s[:80] for s in cells if not text.plain(markdown2html_mistune(s))]
    assert text.plain(markdown2html_mistune("| a | b |\n|---|---|\n| 1 | 2 |\n\n> note"))
    assert not text.plain('<a href="#x" onclick="f()">x</a>')


def test_restore_puts_a_deleted_graded_cell_back_after_its_exercise(tmp_path, capsys):
    """A deleted checker cell scored 0 with nothing in the feedback (nbgrader grades the graded
    cells the notebook has). `--restore` inserts the release's cell after the exercise's cell
    (found by its grade_id), so the checker grades the answer and gives its hint; a notebook
    without that exercise cell either (the instructor's solved copy, an empty notebook) is left
    as it is and said, for the teacher to grade by hand."""
    stem = "02_x"
    release = _exercise_release(tmp_path, stem)
    dan = nbformat.reads(nbformat.writes(release), as_version=4)
    dan.cells[1].source = "def f(x):\n    return x"
    dan.cells.append(nbformat.v4.new_markdown_cell("my notes"))
    del dan.cells[2]
    eve = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def f(x):\n    return x")])
    for student, nb in (("dan", dan), ("eve", eve), ("fay", release)):
        (tmp_path / "submitted" / student / stem).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "submitted" / student / stem / f"{stem}.ipynb")
    with pytest.raises(SystemExit) as exit_:
        assignments.main([str(tmp_path), "--restore", stem])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.splitlines() == [
        "dan: put back the deleted graded cell check_x after f",
        f"dan: the submission as handed in: {stem}.ipynb.orig",
        "eve: left out the deleted graded cell check_x: its exercise's cell f is gone too (not "
        "the assignment's copy? grade by hand)"]
    got = _read(tmp_path / "submitted" / "dan" / stem / f"{stem}.ipynb")
    assert [c.source for c in got.cells] == [release.cells[0].source, "def f(x):\n    return x",
                                             release.cells[2].source, "my notes"]
    assert got.cells[2].metadata == release.cells[2].metadata
    assert not (tmp_path / "submitted" / "eve" / stem / f"{stem}.ipynb.orig").exists()
    assert assignments.audit_course(tmp_path, stem)["dan"] == [     # as handed in (.orig)
        "the graded cell check_x was deleted", f"(as handed in, {stem}.ipynb.orig; --restore "
        f"put the release's graded cells back in {stem}.ipynb)"]


def test_audit_after_grading_names_the_students_nbgrader_skipped(tmp_path):
    """A submission nbgrader could not grade reads 0 in grades.csv, like an honest 0, and is
    named only by a log line among hundreds. Once autograded/ holds the assignment for anyone,
    the audit names each student with a submission but no autograded folder; before grading
    it says nothing of the kind."""
    stem = "02_x"
    release = _tiny_release(tmp_path, stem)
    for student in ("ada", "bob"):
        (tmp_path / "submitted" / student / stem).mkdir(parents=True)
        nbformat.write(release, tmp_path / "submitted" / student / stem / f"{stem}.ipynb")
    assert assignments.audit_course(tmp_path, stem) == {"ada": [], "bob": []}
    (tmp_path / "autograded" / "ada" / stem).mkdir(parents=True)
    (tmp_path / "autograded" / "cy" / "01_y").mkdir(parents=True)    # another assignment
    assert assignments.audit_course(tmp_path, stem) == {"ada": [], "bob": [
        f"not graded: nbgrader skipped this submission (no autograded/bob/{stem}/; it reads 0 "
        "in grades.csv): see TEACHING.md, 'A submission nbgrader could not grade'"]}


def test_restore_and_audit_trust_no_orig_the_student_or_an_old_submission_left(tmp_path, capsys):
    """The audit read NN_name.ipynb.orig instead of the notebook nbgrader grades whenever one
    existed: a student who handed in a clean copy under that name beside a notebook rebinding
    the checker (`lesson02.assert_x = lambda fn: None`: full marks) was audited clean, and so was
    a replaced submission after an earlier --restore (the old one's .orig was kept). A symbolic
    link of that name pointing outside the course was written through by --restore, and so was
    a notebook that is a link to one outside (restored in place there). Now the
    .orig counts only when restoring it gives the graded notebook, a notebook that needs a
    change is what was handed in (its copy replaces an older .orig), a second run changes
    nothing, and neither file is written through a link."""
    stem = "02_x"
    release = _exercise_release(tmp_path, stem)
    cheat = nbformat.reads(nbformat.writes(release), as_version=4)
    cheat.cells[1].source = "def f(x):\n    return 0\nlesson02.assert_x = lambda fn: None"
    del cheat.cells[2]
    folders = {s: tmp_path / "submitted" / s / stem for s in ("ada", "bob", "cy", "dee")}
    for student, folder in folders.items():
        folder.mkdir(parents=True)
        nbformat.write(cheat, folder / f"{stem}.ipynb" if student != "dee" else
                       tmp_path / "outside.ipynb")
    (folders["dee"] / f"{stem}.ipynb").symlink_to(tmp_path / "outside.ipynb")
    nbformat.write(release, folders["ada"] / f"{stem}.ipynb.orig")       # handed in by ada
    outside = tmp_path / "outside.txt"
    (folders["cy"] / f"{stem}.ipynb.orig").symlink_to(outside)           # dangling link
    why = ["the graded cell check_x was deleted", "cell 1 (f) assigns to lesson02.assert_x"]
    assert assignments.audit_course(tmp_path, stem) == {s: why for s in folders}
    with pytest.raises(SystemExit):
        assignments.main([str(tmp_path), "--restore", stem])
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "ada: put back the deleted graded cell check_x after f",
        f"ada: replaced an older {stem}.ipynb.orig (handed in, or from a submission replaced "
        "since)", f"ada: the submission as handed in: {stem}.ipynb.orig",
        "bob: put back the deleted graded cell check_x after f",
        f"bob: the submission as handed in: {stem}.ipynb.orig",
        f"cy: not restored: {stem}.ipynb.orig is a symbolic link or a folder (grade by hand)",
        f"dee: not restored: {stem}.ipynb is a symbolic link or a folder (grade by hand)"]
    assert not outside.exists() and _read(tmp_path / "outside.ipynb") == cheat
    note = f"(as handed in, {stem}.ipynb.orig; --restore put the release's graded cells back " \
           f"in {stem}.ipynb)"
    assert assignments.audit_course(tmp_path, stem) == {"ada": why + [note], "bob": why + [note],
                                                        "cy": why, "dee": why}
    kept = {s: (f / f"{stem}.ipynb.orig").read_bytes() for s, f in folders.items()
            if s in ("ada", "bob")}
    with pytest.raises(SystemExit):                       # a second run: nothing new
        assignments.main([str(tmp_path), "--restore", stem])
    assert capsys.readouterr().out.splitlines() == out[-2:]
    assert kept == {s: (f / f"{stem}.ipynb.orig").read_bytes() for s, f in folders.items()
                    if s in ("ada", "bob")}
    # bob hands in again (the checker cell deleted once more, honest now): this one is audited
    honest = nbformat.reads(nbformat.writes(cheat), as_version=4)
    honest.cells[1].source = "def f(x):\n    return x"
    nbformat.write(honest, folders["bob"] / f"{stem}.ipynb")
    assert assignments.audit_course(tmp_path, stem)["bob"] == why[:1]
    with pytest.raises(SystemExit):
        assignments.main([str(tmp_path), "--restore", stem])
    assert _read(folders["bob"] / f"{stem}.ipynb.orig").cells[1].source == "def f(x):\n    return x"
    assert assignments.audit_course(tmp_path, stem)["bob"] == why[:1] + [note]


def _config():
    from traitlets.config.loader import PyFileConfigLoader
    return PyFileConfigLoader(assignments.CONFIG.name,
                              path=str(assignments.CONFIG.parent)).load_config()


def _output_sizes(nb):
    """(largest text of a cell, largest display data of a cell, the notebook's total)."""
    text = display = total = 0
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        t = sum(len(o.get("text", "")) + len("".join(o.get("traceback", [])))
                for o in c.outputs)
        d = sum(len(json.dumps(o.get("data", {}))) for o in c.outputs
                if o.output_type in ("display_data", "execute_result"))
        text, display, total = max(text, t), max(display, d), total + t + d
    return text, display, total


def test_output_limits_are_far_above_what_any_lesson_writes():
    """The grading kernel's caps (nbgrader_config.py OUTPUT_LIMITS) never touch honest work:
    every lesson and solutions notebook, as stored, writes under a hundredth of the text cap
    and a tenth of the display and notebook caps (measured: 2 KB, 155 KB, 750 KB)."""
    [arg] = _config().Execute.extra_arguments       # exec(CAP_OUTPUT, {limits...}) at start-up
    option, code = arg.split("=", 1)
    assert option == "--IPKernelApp.exec_lines"
    cfg = ast.literal_eval(ast.parse(code).body[0].value.args[1])
    for lesson in LESSONS:
        for path in (lesson, assignments.solutions_path(lesson)):
            text, display, total = _output_sizes(_read(path))
            assert text < cfg["TEXT"] / 100 and display < cfg["DISPLAY"] / 10 and \
                total < cfg["TOTAL"] / 10, (path.name, text, display, total)


def test_a_failed_cell_keeps_its_error_line_after_its_text_was_cut():
    """The feedback shows a failed checker cell's hint as its traceback's last line
    ("AssertionError: <hint>"). When the cell had already printed past the text cap (a learner's
    function printing while the checker runs it), the grading kernel cut the traceback to
    ['', '']: the page showed no error and no hint. The error's own line is now always kept
    (cut to 1000 characters, as its evalue). A kernel with the grading caps, no nbgrader (~3 s)."""
    from nbclient import NotebookClient
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "print('x' * 1_100_000)\nraise AssertionError('half_mse: the hint')"),
        nbformat.v4.new_code_cell("raise AssertionError('y' * 3000)")])
    NotebookClient(nb, extra_arguments=list(_config().Execute.extra_arguments),
                   allow_errors=True, kernel_name="python3", timeout=60).execute()
    [stream, error] = nb.cells[0].outputs
    assert len(stream.text) < 1_000_200 and stream.text.endswith("the rest was not kept]\n")
    assert error.traceback and "half_mse: the hint" in error.traceback[-1], error.traceback
    [error] = nb.cells[1].outputs                   # within the cap: the whole traceback
    assert "y" * 3000 in error.traceback[-1] and len(error.traceback) > 1, error.traceback


@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_FSIZE on Windows")
def test_a_file_the_graded_code_writes_is_capped_in_its_cell(tmp_path):
    """The grading kernel caps each file the graded code writes (OUTPUT_LIMITS["FILE"]): a write
    past it fails in its own cell with OSError "File too large" (not a killed kernel), the file
    stops at the cap, a small file is written whole, the code cannot raise the cap, and the next
    cell still runs. Before, a loop writing one file could fill the grading machine's disk."""
    from nbclient import NotebookClient
    cap = _config().Execute.extra_arguments[0]
    cap = ast.literal_eval(ast.parse(cap.split("=", 1)[1]).body[0].value.args[1])["FILE"]
    big, small = tmp_path / "big.bin", tmp_path / "small.bin"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in (
        f"with open({str(big)!r}, 'wb') as f:\n    for _ in range({cap // 2**20 + 2}):\n"
        f"        f.write(bytes(2**20))",
        f"with open({str(small)!r}, 'wb') as f:\n    f.write(bytes(2**20))",
        "import resource\nresource.setrlimit(resource.RLIMIT_FSIZE, "
        "(resource.RLIM_INFINITY, resource.RLIM_INFINITY))",
        "print('still running')")])
    NotebookClient(nb, extra_arguments=list(_config().Execute.extra_arguments),
                   allow_errors=True, kernel_name="python3", timeout=60).execute()
    outputs = [c.outputs for c in nb.cells]
    assert [o.output_type for o in outputs[0]] == ["error"], outputs[0]
    assert outputs[0][0].ename == "OSError" and "File too large" in outputs[0][0].evalue
    assert big.stat().st_size <= cap and small.stat().st_size == 2**20
    assert [o.ename for o in outputs[2]] == ["ValueError"], outputs[2]   # cannot raise it
    assert outputs[3][0].text == "still running\n"


@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_FSIZE on Windows")
def test_a_lower_file_size_limit_of_the_teachers_shell_is_kept(tmp_path):
    """A teacher's `ulimit -S -f` below the grading cap stays in force in the grading kernel (the
    start-up took the cap for the soft limit too, raising a 20 MB limit to 100 MB)."""
    import subprocess
    out = tmp_path / "out.bin"
    script = tmp_path / "run.py"
    cell = f"with open({str(out)!r}, 'wb') as f:\n    f.write(bytes(30 * 2**20))"
    script.write_text(
        "import sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import test_assignments as t\n"
        f"nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell({cell!r})])\n"
        "NotebookClient(nb, extra_arguments=list(t._config().Execute.extra_arguments),\n"
        "               allow_errors=True, kernel_name='python3', timeout=60).execute()\n"
        "print([o.get('ename') for o in nb.cells[0].outputs])\n")
    run = subprocess.run(["bash", "-c", f"ulimit -S -f {20 * 1024} && "
                          f"exec {sys.executable!r} {str(script)!r}"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "['OSError']", run.stdout
    assert out.stat().st_size <= 20 * 2**20
