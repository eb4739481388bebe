"""A class's whole round through nbgrader's exchange, with the real nbgrader on lesson 00, as
TEACHING.md section 4 ("Through nbgrader's exchange") tells it: the teacher releases, two
students fetch, one solves and one hands in the blank release with a `numpy/` package and a
data file beside it, both submit, the teacher collects, autogrades, generates and releases the
feedback, and each student fetches a feedback page that carries its own MathJax (no other host;
tests/browser/test_feedback.py opens such a page in Chromium). Isolated Jupyter folders and a
temp exchange; the exchange's root is set where the guide says (a Jupyter config folder's
nbgrader_config.py, shared by teacher and students). `--student` stands in for the login name
nbgrader takes the student's id from, and each student has a Jupyter data folder of their own
(where `submit` keeps the copy `fetch_feedback` finds the feedback by)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402
from test_assignments import (  # noqa: E402
    _feedback_text,
    _fetched,
    _isolated_env,
    _read,
    _solved_sources,
)
from test_grading_lesson00 import SHADOW  # noqa: E402

pytest.importorskip("nbgrader", reason="nbgrader is in the `test` extra (make setup)")
STEM = "00_start_here"
COURSE = "wdlib-lessons"


def class_round(tmp_path):
    """The whole round in ``tmp_path``, each nbgrader command one of the guide's; returns the
    course folder and the students' homes (ada solved lesson 00, bob handed in the blank release
    with `numpy/` and `data.csv` beside it), each home with its fetched feedback."""
    env, root = _isolated_env(tmp_path), tmp_path / "course"
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    config = Path(env["JUPYTER_CONFIG_DIR"])
    config.mkdir(parents=True)
    (config / "nbgrader_config.py").write_text(f"c.Exchange.root = {str(exchange)!r}\n")
    assignments.write_course(root, only=[STEM], env=env)

    guide = (ROOT / "TEACHING.md").read_text().split("**Through nbgrader's exchange**")[1]
    guide = guide[:guide.index("\n**")]

    def as_written(args):                 # the command is one of the guide's, for its lesson
        line = " ".join(["nbgrader", *args]).replace(STEM, "02_l2_weight_decay")
        assert re.search(rf"^{re.escape(line)}(\s+#|$)", guide, re.M), line

    def run(where, *args, **kw):
        as_written(args)
        return assignments.nbgrader(where, *args, env=env, **kw)

    def as_student(student, *args):       # each a user of their own (their submissions' cache)
        as_written(args)
        home = homes[student]
        return assignments.nbgrader(home, *args, f"--student={student}", env={
            **env, "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter")})

    run(root, "release_assignment", STEM)
    homes = {s: tmp_path / "home" / s for s in ("ada", "bob")}
    for student, home in homes.items():
        home.mkdir(parents=True)
        as_student(student, "fetch_assignment", STEM, "--course", COURSE)
    mine = {s: home / STEM / f"{STEM}.ipynb" for s, home in homes.items()}
    assert _read(mine["ada"]) == _read(root / "release" / STEM / f"{STEM}.ipynb")
    nb = _read(mine["ada"])
    for i, solved in _solved_sources(root, STEM).items():
        nb.cells[i].source = solved
    nbformat.write(nb, mine["ada"])
    (mine["bob"].parent / "numpy").mkdir()
    (mine["bob"].parent / "numpy" / "__init__.py").write_text(SHADOW)
    (mine["bob"].parent / "data.csv").write_text("1,2\n")
    for student in homes:
        as_student(student, "submit", STEM, "--course", COURSE)

    run(root, "collect", STEM)
    for student in homes:
        assert sorted(p.name for p in (root / "submitted" / student / STEM).iterdir()) == \
            [f"{STEM}.ipynb", "submission_secret.txt", "timestamp.txt"]
    found = assignments.audit_course(root, STEM)
    assert found == {"ada": [], "bob": []}, found       # nbgrader's own files are not the student's
    run(root, "autograde", STEM, "--create", memory=assignments.GRADING_MEMORY)
    run(root, "generate_feedback", STEM)
    run(root, "release_feedback", STEM)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert {s: gb.find_submission(STEM, s).score for s in homes} == {"ada": 1, "bob": 0}
    for student in homes:
        as_student(student, "fetch_feedback", STEM, "--course", COURSE)
    return root, homes


def test_release_fetch_submit_collect_grade_and_feedback_through_the_exchange(exchange_round):
    """Before: `release_feedback` stopped with FileNotFoundError (feedback/<id>/NN_name/
    timestamp.txt): CourseDirectory.ignore let only notebooks through, so `collect` dropped the
    timestamp.txt and submission_secret.txt `submit` writes, and no feedback reached a student.
    (The round is tests/conftest.py's `exchange_round`: class_round, once per process.)"""
    root, homes = exchange_round
    for student, home in homes.items():
        [page] = (home / STEM / "feedback").glob(f"*/{STEM}.html")
        assert sorted(p.name for p in page.parent.iterdir()) == [f"{STEM}.html"]
        body = page.read_text()
        text = _feedback_text(page)
        assert f"Score: {1.0 if student == 'ada' else 0.0} / 1.0" in text, student
        remote = [u for u in _fetched(body) if re.match(r"([a-z][a-z0-9+.-]*:|//)", u, re.I)
                  and not u.startswith("data:")]
        assert remote == [] and "cdnjs" not in body and "MathJax.Ajax" in body
    assert "not implemented yet" in _feedback_text(
        next((homes["bob"] / STEM / "feedback").glob(f"*/{STEM}.html")))


def test_the_ignore_list_lets_through_exactly_notebooks_assignments_and_nbgrader_s_files(tmp_path):
    """nbgrader matches CourseDirectory.ignore with fnmatch (the exchange) and with glob in the
    folder (autograde, generate_feedback). Before: every name but a notebook's was ignored, so
    the exchange's timestamp.txt never reached feedback/ and release_feedback failed. Now, on
    names made from the kept ones (cut, extended, a letter changed) and random ones, a name is
    ignored exactly when it is hidden, or neither a notebook, an assignment's folder (as listed
    in source/ beside the config) nor one of nbgrader's two files."""
    import fnmatch
    import glob
    import random
    import shutil

    from traitlets.config.loader import PyFileConfigLoader
    stems = ["00_start_here", "02_l2_weight_decay", "09_normalized_weights"]
    for stem in stems:
        (tmp_path / "source" / stem).mkdir(parents=True)
    shutil.copy(assignments.CONFIG, tmp_path / "nbgrader_config.py")
    ignore = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path)).load_config() \
        .CourseDirectory.ignore
    kept = {*stems, "timestamp.txt", "submission_secret.txt"}
    names = {"a.ipynb", "00_start_here.ipynb.orig", "numpy", "data.csv", ".x.ipynb", "here"}
    for word in [*kept, "x.ipynb"]:
        for i in range(len(word) + 1):
            names |= {word[:i], word[i:], word[:i] + "x" + word[i:], word[:i] + word[i + 1:]}
    rng = random.Random(0)
    names |= {"".join(rng.choice("09_.abeinptxy") for _ in range(rng.randint(1, 9)))
              for _ in range(1500)}
    names -= {"", ".", ".."}
    folder = tmp_path / "folder"
    folder.mkdir()
    wrong = []
    for name in sorted(names):
        keep = not name.startswith(".") and (name.endswith(".ipynb") or name in kept)
        (folder / name).touch()
        path = str(folder / name)
        if any(fnmatch.fnmatch(name, g) for g in ignore) == keep or \
                any(path in glob.glob(str(folder / g)) for g in ignore) == keep:
            wrong.append(name)
        (folder / name).unlink()
    assert wrong == []


def test_an_assignment_folder_the_filter_cannot_keep_is_named_not_fatal(tmp_path):
    """The notebook-only filter is built from source/'s folder names with an ``assert`` that
    each is letters, digits, '_' and '.': a teacher's own folder "quiz-1" (or one ending in
    "b") stopped every nbgrader command, for every assignment, with a bare AssertionError. Now
    the config loads, keeps the lessons' folders and names the one it cannot keep."""
    import shutil
    import subprocess
    import sys

    for stem in ("00_start_here", "quiz-1", "lab"):
        (tmp_path / "source" / stem).mkdir(parents=True)
    shutil.copy(assignments.CONFIG, tmp_path / "nbgrader_config.py")
    code = ("from traitlets.config.loader import PyFileConfigLoader\n"
            "c = PyFileConfigLoader('nbgrader_config.py', path='.').load_config()\n"
            "print(len(c.CourseDirectory.ignore))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "source/quiz-1 cannot be kept" in run.stderr
    assert "source/lab cannot be kept" in run.stderr
    assert "00_start_here" not in run.stderr
