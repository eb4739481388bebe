"""nbgrader on lesson 00 alone, each test with a course of its own (tests/test_assignments.py's
helpers): re-grading a skipped or replaced submission as TEACHING.md says, a submission that
prints hundreds of megabytes, and only the notebook graded and handed back. A file of their own
(they were in tests/test_assignments.py: 101, 54 and 62 s wall at load ~3) so that `make test`'s
second worker can run them while the first runs the whole course's autograding (conftest.py at
the root starts both files first). nbgrader generates lesson 00's course once for the module
(``released``, one `generate_assignment`: ~10 s of the file's ~150 s); each test grades in a copy
of its own, made before any submission, so no test sees another's work."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402
from test_assignments import (  # noqa: E402
    _feedback_text,
    _isolated_env,
    _output_sizes,
    _read,
    _solved_sources,
    _submit,
)

pytest.importorskip("nbgrader", reason="nbgrader is in the `test` extra (make setup)")
STEM = "00_start_here"


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """Lesson 00's course as `make assignments` writes it (source, instructor copy, the release
    and the gradebook generate_assignment fills), before any submission: the tests' template."""
    tmp = tmp_path_factory.mktemp("lesson00")
    root = tmp / "course"
    assignments.write_course(root, only=[STEM], env=_isolated_env(tmp))
    return root


def _course(released: Path, tmp_path: Path) -> tuple[dict, Path]:
    """A course of this test's own: a copy of ``released`` with Jupyter's and IPython's folders
    in ``tmp_path``; ``(env, course folder)``."""
    root = tmp_path / "course"
    shutil.copytree(released, root)
    return _isolated_env(tmp_path), root


def test_regrading_a_skipped_or_replaced_submission_as_teaching_says(released, tmp_path):
    """With the real nbgrader, lesson 00 (one exercise): a misnamed notebook alone is a
    submission nbgrader could not grade; beside the release's untouched copy it is never read
    (the copy scores 0). After renaming, TEACHING.md's commands re-grade both: the skipped student
    with `--student <id>` (no `--create`), the graded one only with `--force` (without it
    nbgrader says "Skipping existing assignment", exits 0 and keeps the old score and feedback)."""
    stem = STEM
    env, root = _course(released, tmp_path)
    solved = _solved_sources(root, stem)
    _submit(root, stem, "bob", solved)
    _submit(root, stem, "cy", solved)
    bob, cy = (root / "submitted" / s / stem for s in ("bob", "cy"))
    (bob / f"{stem}.ipynb").rename(bob / f"{stem} (1).ipynb")
    (cy / f"{stem}.ipynb").rename(cy / f"{stem} (1).ipynb")
    shutil.copyfile(root / "release" / stem / f"{stem}.ipynb", cy / f"{stem}.ipynb")
    assert {s: [f.split(" (it")[0] for f in found]
            for s, found in assignments.audit_course(root, stem).items()} == {
        "bob": [f"handed in '{stem} (1).ipynb', which nbgrader does not grade"],
        "cy": [f"handed in '{stem} (1).ipynb', which nbgrader does not grade"]}

    def grade(*args):
        proc = assignments.nbgrader(root, *args, env=env, check=False)
        return proc.returncode, proc.stdout + proc.stderr

    def score(student):
        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            return gb.find_submission(stem, student).score

    def feedback(student):
        return _feedback_text(root / "feedback" / student / stem / f"{stem}.html")

    code, log = grade("autograde", stem, "--create")
    assert code == 1 and "No notebooks found" in log, log[-3000:]
    assert re.findall(r"error processing assignment '(\w+)' for student '(\w+)'", log) == \
        [(stem, "bob")]
    assert f"Skipping unknown notebook: {cy / f'{stem} (1).ipynb'}" in log
    assert (score("bob"), score("cy")) == (0, 0)
    assert grade("generate_feedback", stem)[0] == 0
    assert "not implemented yet" in feedback("cy")

    (bob / f"{stem} (1).ipynb").rename(bob / f"{stem}.ipynb")
    (cy / f"{stem} (1).ipynb").replace(cy / f"{stem}.ipynb")
    guide = (ROOT / "TEACHING.md").read_text(encoding="utf-8")
    for args in (["autograde", stem, "--student", "bob"],
                 ["generate_feedback", stem, "--student", "bob"]):
        assert " ".join(["nbgrader", *args]).replace(stem, "NN_name").replace("bob", "<id>") \
            in guide
        assert grade(*args)[0] == 0
    assert score("bob") == 1 and "✓ half_mse: correct" in feedback("bob")

    for command in ("autograde", "generate_feedback"):
        code, log = grade(command, stem, "--student", "cy")
        assert code == 0 and "Skipping existing assignment" in log, log[-3000:]
    assert score("cy") == 0 and "not implemented yet" in feedback("cy")
    for args in (["autograde", stem, "--student", "cy", "--force"],
                 ["generate_feedback", stem, "--student", "cy", "--force"]):
        assert f"`nbgrader {' '.join(args).replace(stem, 'NN_name').replace('cy', '<id>')}`" \
            in guide.replace("\n", " ")
        assert grade(*args)[0] == 0
    assert score("cy") == 1 and "✓ half_mse: correct" in feedback("cy")


def test_a_submission_that_prints_hundreds_of_megabytes_is_graded_with_small_feedback(
        released, tmp_path):
    """With the real nbgrader on lesson 00: a solved answer that also prints 60 MB at once gave a
    60 MB feedback page, and one that prints 700 MB (a loop of 1 MB lines) was skipped
    (CellTimeoutError after nbclient's 4 s output time-out: 0 in grades.csv). The grading kernel
    now keeps 1 MB of a cell's text: both score their point, their outputs and feedback stay
    small (the page is mostly its MathJax), and the cell says the output was cut."""
    stem = STEM
    env, root = _course(released, tmp_path)
    [(i, solved)] = _solved_sources(root, stem).items()
    loud = {"sixty": "print('y' * 60_000_000)",
            "seven_hundred": "for _ in range(700):\n    print('x' * 1_000_000)"}
    for student, code in loud.items():
        _submit(root, stem, student, {i: solved + "\n" + code})
    proc = assignments.nbgrader(root, "autograde", stem, "--create", env=env, check=False)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assignments.nbgrader(root, "generate_feedback", stem, env=env)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert {s: gb.find_submission(stem, s).score for s in loud} == {s: 1 for s in loud}
    note = "[output cut by the grader: this cell's printed text passed 1 MB; the rest was not kept]"
    for student in loud:
        nb = _read(root / "autograded" / student / stem / f"{stem}.ipynb")
        text, _, total = _output_sizes(nb)
        assert text < 1_000_200 and total < 2_000_000, (student, text, total)
        assert "".join(o.get("text", "") for o in nb.cells[i].outputs).endswith(note + "\n")
        page = root / "feedback" / student / stem / f"{stem}.html"
        assert page.stat().st_size < 4_000_000, (student, page.stat().st_size)
        feedback = _feedback_text(page)
        assert note in feedback and "✓ half_mse: correct" in feedback


# A package handed in beside the notebook, named like an installed one: the graded code runs in the
# submission's folder, whose place on sys.path is before site-packages, so `import numpy` ran
# it; it loads the real NumPy and turns lesson 00's checker off.
SHADOW = '''import os, sys
here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
del sys.modules["numpy"]
import numpy
from wdlib.exercises import lesson00
lesson00.assert_half_mse = lesson00.check_half_mse = lambda fn: True
'''


def test_only_the_notebook_is_graded_and_handed_back(released, tmp_path):
    """With the real nbgrader on lesson 00. nbgrader copied every file beside a notebook into
    autograded/<id>/NN_name/, where the graded code runs first on sys.path, and every file there
    into feedback/<id>/NN_name/: a `numpy/` package handed in beside the untouched release was
    imported instead of NumPy and turned the checker off (blank answer, full marks), and a
    file the student's code wrote while graded, or a data file handed in, came back as feedback.
    Now (CourseDirectory.ignore) only notebooks are copied: the blank answer scores 0, a solved
    one that writes a file still scores 1, the written file stays in autograded/ for the teacher,
    the feedback folder holds the page only, and the audit names what was handed in beside."""
    stem = STEM
    env, root = _course(released, tmp_path)
    [(i, solved)] = _solved_sources(root, stem).items()
    _submit(root, stem, "shadow", {})
    (root / "submitted" / "shadow" / stem / "numpy").mkdir()
    (root / "submitted" / "shadow" / stem / "numpy" / "__init__.py").write_text(SHADOW)
    _submit(root, stem, "writer", {i: solved + "\nopen('scratch.txt', 'w').write('x' * 1000)"})
    (root / "submitted" / "writer" / stem / "data.csv").write_text("1,2\n")
    assignments.nbgrader(root, "autograde", stem, "--create", env=env)
    assignments.nbgrader(root, "generate_feedback", stem, env=env)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert {s: gb.find_submission(stem, s).score for s in ("shadow", "writer")} == \
            {"shadow": 0, "writer": 1}

    def files(step, student):
        folder = root / step / student / stem
        return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))

    assert files("autograded", "shadow") == [f"{stem}.ipynb"]
    assert files("autograded", "writer") == [f"{stem}.ipynb", "scratch.txt"]
    assert files("feedback", "shadow") == files("feedback", "writer") == [f"{stem}.html"]
    assert "not implemented yet" in _feedback_text(root / "feedback" / "shadow" / stem
                                                   / f"{stem}.html")
    found = assignments.audit_course(root, stem)
    assert [f for f in found["shadow"] if "beside" in f] == [
        "handed in 'numpy/' beside the notebook: nbgrader grades the notebook alone (its code "
        "cannot read or import it)"]
    assert [f for f in found["writer"] if "beside" in f] == [
        "handed in 'data.csv' beside the notebook: nbgrader grades the notebook alone (its code "
        "cannot read or import it)"]
