"""The nbgrader course for the lessons, generated (`make assignments`): one assignment a lesson.

Each exercise is written once. The lesson (`notebooks/NN_name.ipynb`) holds the prose, the stub
and the checker cell (`ok = lessonNN.check_x(fn)`); the solutions notebook
(`notebooks/solutions/NN_name_solutions.ipynb`) holds the solved function, in the code cell just
before the same checker call. From the two this script writes, in the course directory
(default `assignments/`, git-ignored):

- `source/NN_name/NN_name.ipynb`: the nbgrader source, i.e. the lesson with every stub's body
  replaced by the solution between `### BEGIN SOLUTION` / `### END SOLUTION` (a solution cell) and
  every checker cell turned into an autograder test (`lessonNN.assert_x(fn)`, which raises
  AssertionError(hint); a locked grade cell worth POINTS). The lesson's outputs and figures stay.
- `release/NN_name/NN_name.ipynb`: what students get, made by `nbgrader generate_assignment`: the
  lesson as written (the stub again, the solution removed), with graded checker cells, and a note
  in place of the launch line (ASSIGNMENT_NOTE: its links open the lesson, not the student's copy).
- `instructor/NN_name.ipynb`: the solved lesson without markers, to present or hand out later.
- `nbgrader_config.py` (from tools/nbgrader_config.py) and nbgrader's `gradebook.db`.

    python tools/assignments.py [COURSE_DIR] [--only 02_l2_weight_decay ...]

Then collect submissions into `COURSE_DIR/submitted/<student>/NN_name/NN_name.ipynb` and run
`nbgrader autograde NN_name` and `nbgrader generate_feedback NN_name` in COURSE_DIR
(TEACHING.md, "Grading"). nbgrader calls `alembic`: run it from the venv (its bin on PATH).
Then `python tools/assignments.py COURSE_DIR --audit NN_name` lists the submissions that edited
or deleted a graded cell or touch the checkers (their code runs in the checkers' kernel), and
every notebook nbgrader does not grade (not named NN_name.ipynb; it reads `submitted/` only, so
it can run before grading too). `--restore NN_name` puts the release's nbgrader metadata back on
a graded cell whose `grade`/`solution` flag a student changed (nbgrader cannot grade it), and a
deleted graded cell back after its exercise (nbgrader gives it 0 without a hint).
"""

from __future__ import annotations

import argparse
import ast
import copy
import functools
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat

if sys.version_info >= (3, 11):
    import tomllib
else:                                     # the `grade` extra brings it (pyproject.toml)
    import tomli as tomllib

from wdlib import classroom

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CONFIG = Path(__file__).resolve().parent / "nbgrader_config.py"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = "raise NotImplementedError"           # tools/nbgrader_config.py: ClearSolutions.code_stub
# A checker call in a code cell: `[ok = | assert ]lessonNN.check_name(fn)`.
CHECK = re.compile(r"^(?P<lhs>\s*(?:assert\s+|\w+\s*=\s*)?)lesson(?P<nn>\d\d)\.check_(?P<name>\w+)"
                   r"\((?P<fn>\w+)\)", re.M)

# Points per exercise (checker name); every other exercise is worth 1.
POINTS: dict[str, int] = {
    "ridge_fit": 2,
    "early_stopping_lambda": 2,
    "prox_lasso_step": 2,
    "cv_loss": 2,
    "backprop_tanh": 2,
    "momentum_updates": 2,
    "adamw_step": 2,
    "fixed_points": 2,
    "equilibrium_norm": 2,
}


@dataclass(frozen=True)
class Exercise:
    lesson: str          # "02_l2_weight_decay"
    name: str            # the checker's name: check_<name> / assert_<name>
    fn: str              # the learner's function
    stub_cell: int       # index of the stub cell in the lesson
    check_cell: int      # index of the checker cell in the lesson
    solution: str        # the solutions notebook's cell that defines fn (verbatim)
    points: int


def lessons() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def solutions_path(lesson: Path) -> Path:
    return lesson.parent / "solutions" / f"{lesson.stem}_solutions.ipynb"


def checker_calls(nb) -> list[tuple[int, str, str]]:
    """(cell index, checker name, function name) of every checker call, in order."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            out += [(i, m["name"], m["fn"]) for m in CHECK.finditer(cell.source)]
    return out


def defining_cell(nb, index: int, fn: str) -> int:
    """The code cell just before ``index``, which must define ``fn``."""
    j = index - 1
    while j >= 0 and nb.cells[j].cell_type != "code":
        j -= 1
    if j < 0 or _function(nb.cells[j].source, fn) is None:
        raise ValueError(f"the code cell before cell {index} does not define {fn}()")
    return j


def _function(source: str, fn: str) -> ast.FunctionDef | None:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    return next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == fn), None)


def signature(source: str, fn: str) -> str:
    """The function's parameters as written (defaults included), to compare stub and solution."""
    return ast.unparse(_function(source, fn).args)


def exercises(lesson: Path) -> list[Exercise]:
    """The checked exercises of a lesson, paired with their solutions (ValueError if they
    drifted apart: a checker in one notebook but not the other, another function or signature)."""
    nb = nbformat.read(lesson, as_version=4)
    sol = nbformat.read(solutions_path(lesson), as_version=4)
    calls, sol_calls = checker_calls(nb), checker_calls(sol)
    if [c[1:] for c in calls] != [c[1:] for c in sol_calls]:
        raise ValueError(f"{lesson.name}: the lesson checks {[c[1:] for c in calls]} but its "
                         f"solutions notebook checks {[c[1:] for c in sol_calls]}")
    out = []
    for (i, name, fn), (si, _, _) in zip(calls, sol_calls, strict=True):
        stub_cell = defining_cell(nb, i, fn)
        solution = sol.cells[defining_cell(sol, si, fn)].source
        stub = nb.cells[stub_cell].source
        if signature(stub, fn) != signature(solution, fn):
            raise ValueError(f"{lesson.name}: {fn}({signature(stub, fn)}) in the lesson, "
                             f"{fn}({signature(solution, fn)}) in the solutions")
        if stub.count(STUB) != 1:
            raise ValueError(f"{lesson.name}: the stub of {fn} must contain `{STUB}` once")
        out.append(Exercise(lesson.stem, name, fn, stub_cell, i, solution, POINTS.get(name, 1)))
    return out


# --------------------------------------------------------------------------- the source notebook

def solution_body(solution: str, fn: str) -> list[str]:
    """The solved function's body (dedented, without its docstring), with the comments written
    above or below the ``def`` in the solution cell (they explain the solution: solution text)."""
    node = _function(solution, fn)
    lines = solution.split("\n")
    body = node.body
    doc = body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
        and isinstance(body[0].value.value, str)
    if doc:
        start = body[0].end_lineno              # 1-based end of the docstring = 0-based next line
    else:
        start = body[0].lineno - 1
        while start - 1 > node.lineno - 1 and lines[start - 1].strip().startswith("#"):
            start -= 1
    inner = textwrap.dedent("\n".join(lines[start:node.end_lineno])).split("\n")
    first = node.decorator_list[0].lineno - 1 if node.decorator_list else node.lineno - 1
    before = [ln for ln in lines[:first] if ln.strip()]
    after = [ln for ln in lines[node.end_lineno:] if ln.strip()]
    return before + inner + after


def solution_cell_source(stub: str, solution: str, fn: str) -> str:
    """The stub with ``raise NotImplementedError`` replaced by the solution region."""
    lines = stub.split("\n")
    k = next(i for i, ln in enumerate(lines) if ln.strip().startswith(STUB))
    indent = re.match(r"\s*", lines[k]).group(0)
    region = [indent + BEGIN] + [(indent + ln) if ln.strip() else ""
                                 for ln in solution_body(solution, fn)] + [indent + END]
    return "\n".join(lines[:k] + region + lines[k + 1:])


def grade_cell_source(source: str) -> str:
    """A checker cell as an autograder test: ``[ok = ]lessonNN.check_x(fn)`` ->
    ``lessonNN.assert_x(fn)`` (prints ✓/✗ like the checker, raises AssertionError(hint))."""
    def assert_call(m):
        indent = m["lhs"][:len(m["lhs"]) - len(m["lhs"].lstrip())]
        return f"{indent}lesson{m['nn']}.assert_{m['name']}({m['fn']})"
    return CHECK.sub(assert_call, source)


def _nbgrader(grade_id: str, *, solution: bool, grade: bool, points: int = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": grade, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def source_notebook(lesson: Path):
    """The nbgrader source notebook of a lesson (see the module docstring)."""
    nb = nbformat.read(lesson, as_version=4)
    for ex in exercises(lesson):
        stub, check = nb.cells[ex.stub_cell], nb.cells[ex.check_cell]
        stub.source = solution_cell_source(stub.source, ex.solution, ex.fn)
        stub.metadata["nbgrader"] = _nbgrader(ex.fn, solution=True, grade=False)
        check.source = grade_cell_source(check.source)
        check.metadata["nbgrader"] = _nbgrader(f"check_{ex.name}", solution=False, grade=True,
                                               points=ex.points)
        for cell in (stub, check):       # the lesson's stored "✗ not implemented yet" goes
            cell.outputs, cell.execution_count = [], None
    return nb


# The release's first cell, instead of the lesson's launch line: those links open the
# repository's lesson, a copy with no graded cells, and a student who worked there would hand in
# a notebook nbgrader scores 0 (every graded cell missing).
ASSIGNMENT_NOTE = (
    "**This is your assignment copy: work in this file and hand it back under the same name.** "
    "The lesson's launch links (Colab, Binder) open the course's own copy of the lesson, not this "
    "file: to work in Colab, upload this file (File → Upload notebook) and download it when you "
    "are done; on a JupyterHub, upload it to your home folder.")


# The lessons' pointers to their solved copies ("Solutions: `notebooks/solutions/…`.", "Solved
# versions are in …", "answer in the solutions notebook"): a graded release says none of them.
SOLUTION_POINTERS = re.compile(
    r"\s*\(?Solutions:\s*`notebooks/solutions/[^`]*`\.\)?"
    r"|\s*Solved versions are in `notebooks/solutions/`\."
    r"|;\s*answer in the solutions notebook")


def without_solution_pointers(source: str) -> str:
    """A markdown cell's text without the lesson's pointers to its solutions notebook."""
    text, n = SOLUTION_POINTERS.subn("", source)
    return text.rstrip() if n else source


def assignment_copy(nb):
    """``nb`` with its launch line (the cell tagged classroom.LAUNCH_TAG) replaced by
    ASSIGNMENT_NOTE and no pointer to the solutions in its prose
    (``without_solution_pointers``); a notebook without either is returned unchanged."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if classroom.LAUNCH_TAG in cell.metadata.get("tags", []):
            cell.source = ASSIGNMENT_NOTE
        elif cell.cell_type == "markdown":
            cell.source = without_solution_pointers(cell.source)
    return nb


def strip_markers(source: str) -> str:
    return "\n".join(ln for ln in source.split("\n") if ln.strip() not in (BEGIN, END))


def instructor_notebook(source_nb):
    """The solved lesson: the source notebook without solution markers or nbgrader metadata."""
    nb = copy.deepcopy(source_nb)
    for cell in nb.cells:
        if "nbgrader" in cell.metadata:
            del cell.metadata["nbgrader"]
            cell.source = strip_markers(cell.source)
    return nb


# --------------------------------------------------------------------------- running nbgrader

def nbgrader_env(extra: dict | None = None) -> dict:
    """The environment for nbgrader: this Python's bin first on PATH (nbgrader runs `alembic`
    from there to create the gradebook), and the kernel imports this checkout's wdlib."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("OMP_NUM_THREADS", "1")
    env.update(extra or {})
    return env


# What TEACHING.md's grading block sets with `ulimit -v 4000000` (KiB): the address space of
# nbgrader and of each kernel it starts, so an answer that allocates too much raises MemoryError
# in its cell instead of taking the grading machine's memory. Every lesson grades under it.
GRADING_MEMORY = 4_000_000 * 1024


def nbgrader(course: Path, *args: str, env: dict | None = None, check: bool = True,
             memory: int | None = None) -> subprocess.CompletedProcess:
    """``nbgrader ARGS`` in the course directory; raises with nbgrader's log if it fails (unless
    ``check`` is false: autograde fails when it skipped a submission it could not grade).
    ``memory``: the bytes of address space for nbgrader and its kernels (Unix; e.g.
    GRADING_MEMORY)."""
    def limit():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                          env=env or nbgrader_env(), capture_output=True, text=True,
                          preexec_fn=limit if memory else None)
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def write_course(course: Path, only: list[str] | None = None, env: dict | None = None) -> list:
    """Write the source and instructor notebooks and generate the release; returns the
    lessons' stems."""
    course.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CONFIG, course / "nbgrader_config.py")
    done = []
    for lesson in lessons():
        if only and lesson.stem not in only:
            continue
        nb = source_notebook(lesson)
        src = course / "source" / lesson.stem
        src.mkdir(parents=True, exist_ok=True)
        nbformat.write(assignment_copy(nb), src / lesson.name)
        (course / "instructor").mkdir(exist_ok=True)
        nbformat.write(instructor_notebook(nb), course / "instructor" / lesson.name)
        done.append(lesson.stem)
    # one nbgrader run for all of them (its start-up costs as much as converting a lesson)
    for pattern in (done if only else ["*"]):
        nbgrader(course, "generate_assignment", pattern, "--force", env=env)
    return done


# --------------------------------------------------------------------------- the tamper audit

# What an answer has no reason to touch: the checkers' private parts (a checker call, as the
# lesson makes, is fine), and the tools that rebind what the grade cells call.
PRIVATE = re.compile(r"^(_core|_ref\w*|_judge\w*|_student_answer)$")
REBINDING = frozenset({"setattr", "delattr", "getattr", "exec", "eval", "compile", "__import__",
                       "globals", "vars", "modules", "builtins", "__builtins__", "__dict__",
                       "__code__", "__globals__", "__defaults__", "__kwdefaults__", "importlib",
                       "ctypes", "gc", "__setattr__", "__delattr__", "__class__", "inspect",
                       "_getframe", "currentframe", "f_back", "f_locals", "f_globals",
                       "tb_frame", "gi_frame", "get_ipython", "user_ns",
                       # where a module's files are (to write over a checker's .py)
                       "__file__", "__path__", "__spec__", "__loader__", "__cached__"})
# What changes files or runs a program on the grading machine: a checker's .py or wdlib's
# installed files rewritten there are what the next student's kernel imports.
FILE_MODULES = frozenset({"subprocess", "pty", "shutil"})
OS_CHANGES = re.compile(r"^(remove|unlink|rename|renames|replace|rmdir|removedirs|symlink|link|"
                        r"truncate|ftruncate|chmod|chown|open|write|pwrite|system|popen|"
                        r"exec\w*|spawn\w*|posix_spawn\w*|fork\w*)$")
PATH_CHANGES = frozenset({"write_text", "write_bytes", "unlink", "touch", "chmod", "rmdir",
                          "symlink_to", "hardlink_to"})
# A string that names a Python source, or where installed packages or wdlib's files are.
PATH_WORDS = re.compile(r"\.py[cw]?$|\.pth$|site-packages|dist-packages|wdlib[/\\]|/exercises\b")
# IPython magics that run a program or write a file (`%%writefile lesson02.py`, `!sed -i ...`);
# timing magics are read as the code they time (`%time x = f()`).
# (`%%html`, `%%latex`, `%%markdown` only display: not listed)
MAGICS_THAT_RUN = frozenset({"writefile", "file", "bash", "sh", "script", "system", "sx", "sc",
                             "run", "load", "save", "store", "autoreload", "aimport", "load_ext",
                             "reload_ext", "perl", "ruby", "python", "python2", "python3", "pypy",
                             "js", "javascript", "pip", "conda", "mamba"})
MAGIC = re.compile(r"^\s*(%%?)(\w+)(.*)$")
TIMED = re.compile(r"^\s*%%?(?:time|timeit|prun)\b(?:\s+-\w+(?:\s+\d+)?)*\s*")


def _code_of(source: str) -> ast.Module | None:
    """The cell's code without IPython's magics and shell lines (a timing magic's statement is
    kept: `%time x = f()` is `x = f()`); None if it does not parse."""
    lines = [TIMED.sub("", ln) if TIMED.match(ln)
             else "" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.split("\n")]
    try:
        return ast.parse("\n".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):   # e.g. 10**5 nested `-`
        return None


def _imported(tree: ast.Module) -> set[str]:
    return {(a.asname or a.name).split(".")[0] for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}


def _import_roots(tree: ast.Module) -> set[str]:
    """The top-level modules a cell imports (`numpy` for `import numpy.linalg as la`); a
    relative import (`from . import x`, `from .helpers import f`) is ``"."``."""
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom):
            out.add("." if n.level else (n.module or "").split(".")[0])
        elif isinstance(n, ast.Import):
            out |= {a.name.split(".")[0] for a in n.names}
    return out


def _aliases(trees, modules: set[str]) -> set[str]:
    """The names bound to a module or a module's attribute in these cells (`m = lesson02`,
    `m = wdlib.exercises.lesson02`, `m, k = lesson02, 1`, `for m in [lesson02]`), aliases of
    aliases included: what ``suspicious`` then watches like the module itself."""
    def rooted(v, known):
        while isinstance(v, ast.Attribute):
            v = v.value
        return isinstance(v, ast.Name) and v.id in known
    pairs = []
    for tree in trees:
        for n in ast.walk(tree):
            if isinstance(n, ast.Assign):
                pairs += [(t, n.value) for t in n.targets]
            elif isinstance(n, ast.AnnAssign | ast.NamedExpr) and n.value is not None:
                pairs.append((n.target, n.value))
            elif isinstance(n, ast.For | ast.comprehension) \
                    and isinstance(n.iter, ast.Tuple | ast.List | ast.Set):
                pairs += [(n.target, e) for e in n.iter.elts]
    flat = []
    while pairs:                          # `a, b = lesson02, x`: element by element
        t, v = pairs.pop()
        if isinstance(t, ast.Tuple | ast.List) and isinstance(v, ast.Tuple | ast.List) \
                and len(t.elts) == len(v.elts):
            pairs += list(zip(t.elts, v.elts, strict=True))
        elif isinstance(t, ast.Name):
            flat.append((t.id, v))
    known, out = set(modules), set()
    while True:                           # aliases of aliases, whatever the cells' order
        new = {name for name, v in flat if name not in known and rooted(v, known)}
        if not new:
            return out
        known |= new
        out |= new


@functools.cache
def known_modules() -> frozenset[str]:
    """The modules an answer may import without a finding: the standard library, wdlib, the
    kernel's IPython, and every distribution pyproject.toml declares (dependencies and extras),
    by the names they are imported under here (their own name where one is not installed)."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*meta["dependencies"], *(r for extra in meta["optional-dependencies"].values()
                                         for r in extra)]
    dists = {_normalized(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r).group(0)) for r in declared}
    names = {top for top, owners in importlib.metadata.packages_distributions().items()
             if any(_normalized(d) in dists for d in owners)}
    return frozenset(sys.stdlib_module_names | {"wdlib", "IPython"} | names
                     | {d.replace("-", "_") for d in dists})


def _normalized(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def _magic_lines(source: str) -> set[str]:
    """The shell lines and the magics that run a program or write a file, as written."""
    out = set()
    for ln in source.split("\n"):
        m = MAGIC.match(ln)
        if ln.lstrip().startswith("!"):
            out.add(f"runs a shell command: {ln.strip()[:80]}")
        elif m and m[2] in MAGICS_THAT_RUN:
            out.add(f"runs the magic {m[1]}{m[2]}{m[3][:60]}")
    return out


def _file_changes(n: ast.AST, modules: set[str]) -> str | None:
    """A finding if ``n`` writes, moves or deletes a file or runs a program (read as data)."""
    if isinstance(n, ast.Constant) and isinstance(n.value, str) and PATH_WORDS.search(n.value):
        return f"names the path {n.value[:80]!r}"
    if isinstance(n, ast.ImportFrom) and n.module in ("os", "shutil") \
            and any(n.module == "shutil" or OS_CHANGES.match(a.name) for a in n.names):
        return f"imports {n.module}.{','.join(a.name for a in n.names)}"
    if not isinstance(n, ast.Call):
        return None
    f, text = n.func, ast.unparse(n)[:80]
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in modules \
            and (f.value.id == "os" and OS_CHANGES.match(f.attr) or f.value.id in FILE_MODULES):
        return f"changes files or runs a program: {text}"
    if isinstance(f, ast.Attribute) and f.attr in PATH_CHANGES:
        return f"changes a file: {text}"
    if isinstance(f, ast.Name) and f.id == "open" or isinstance(f, ast.Attribute) \
            and f.attr == "open":
        modes = [k.value for k in n.keywords if k.arg in ("mode", "flags")] \
            + [a for a in n.args[1 if isinstance(f, ast.Name) else 0:][:1]]
        if any(isinstance(m, ast.Constant) and isinstance(m.value, str)
               and re.search(r"[wax+]", m.value) for m in modes):
            return f"opens a file to write: {text}"
        if any(not isinstance(m, ast.Constant) for m in modes):
            return f"opens a file in a mode computed when it runs: {text}"
    return None


# Attribute names that are a rebinding tool as a name or a module's attribute (`sys.modules`,
# `builtins.eval`), not as any object's (`net.eval()`, `net.modules()` are PyTorch's).
ATTRIBUTE_OK = frozenset({"eval", "compile", "modules", "vars", "globals", "gc"})
# Modules that are a rebinding tool once imported (`import gc` is flagged), not as any name:
# lesson 09 calls a gradient `gc`.
IMPORT_ONLY = frozenset({"gc", "ctypes"})


def suspicious(source: str, modules: set[str], guarded: set[str] | None = None,
               known: frozenset[str] | None = None) -> list[str]:
    """What in one student-written code cell could change the grading (read, never run): a
    private part of the checkers, a rebinding tool, an assignment to an attribute of an
    imported module or of an alias of one (``lesson02.assert_x = ...``, ``np.allclose = ...``,
    ``m = lesson02; m.assert_x = ...``), a new binding of a name in ``guarded`` (the module
    names the grade cells call; default: ``modules``) by ``=``, ``def``, ``class``, ``import ...
    as``, a loop or a ``with``; a file written, moved or deleted, a program run (a shell line,
    ``%%writefile``, ``subprocess``, ``os.system``), a path to a ``.py`` or to installed
    packages; an import of a module not in ``known`` (default: ``known_modules()``), such as a
    helper file of the student's that grading does not have."""
    guarded = modules if guarded is None else guarded
    known = known_modules() if known is None else known
    tree = _code_of(source)
    magics = _magic_lines(source)
    if tree is None:                      # a syntax error: look at the words only
        return sorted(magics | {f"names {w}" for w in re.findall(r"[A-Za-z_]\w*", source)
                                if PRIVATE.match(w) or w in REBINDING})
    modules = modules | _imported(tree)
    modules |= _aliases([tree], modules)
    out = magics | {f"imports {m if m != '.' else 'a module by a relative import'}: not the "
                    "standard library, wdlib or a course dependency (a file of the student's, "
                    "not handed in?)" for m in _import_roots(tree) - known}
    for n in ast.walk(tree):
        if isinstance(n, ast.Import | ast.ImportFrom):
            names = [getattr(n, "module", None) or ""] + [a.name for a in n.names]
            out |= {f"imports {m}" for m in names
                    if any(PRIVATE.match(p) or p in REBINDING | FILE_MODULES
                           for p in m.split("."))}
        change = _file_changes(n, modules)
        if change:
            out.add(change)
        name = n.id if isinstance(n, ast.Name) and (n.id not in IMPORT_ONLY or n.id in modules) \
            else n.attr if isinstance(n, ast.Attribute) \
            and (n.attr not in ATTRIBUTE_OK
                 or isinstance(n.value, ast.Name) and n.value.id in modules) else None
        if name and (PRIVATE.match(name) or name in REBINDING):
            out.add(f"names {name}")
        # every target, whatever binds it: `=`, `del`, `+=`, a `for` or `with ... as` target
        targets = [n] if isinstance(n, ast.Attribute | ast.Subscript) \
            and isinstance(n.ctx, ast.Store | ast.Del) else []
        if isinstance(n, ast.Global):      # `global lesson02` in a def, then `lesson02 = ...`
            out |= {f"rebinds the module name {g}" for g in n.names if g in guarded}
        for t in targets:
            base, top = t, None            # top: what is taken from the base name first
            while isinstance(base, ast.Attribute | ast.Subscript):
                base, top = base.value, base
            # a module has attributes, not items: `data['x'] = ...` is a dict named like one
            if isinstance(top, ast.Attribute) and isinstance(base, ast.Name) \
                    and base.id in modules:
                out.add(f"assigns to {ast.unparse(t)}")
    for n in _outside_functions(tree):     # a function's local `data = ...` is its own
        out |= {f"rebinds the module name {b}" for b in _bound(n) if b in guarded}
    return sorted(out)


def _bound(n: ast.AST) -> list[str]:
    """The names one statement or expression binds in its own scope."""
    if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [n.name]
    if isinstance(n, ast.Import | ast.ImportFrom):   # not the lesson's own import again
        return [b for a in n.names
                for b in [(a.asname or a.name).split(".")[0]]
                if not (a.asname or isinstance(n, ast.ImportFrom)) or a.name.split(".")[-1] != b]
    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del):
        return [n.id]                      # `=`, `+=`, `for x in`, `with ... as x`, `x :=`
    return []


def _outside_functions(node: ast.AST):
    """The nodes of ``node`` not inside a def, lambda or class body (iterative: a deep tree
    does not hit the recursion limit); a def or class itself is yielded, its body is not."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(child.decorator_list if not isinstance(child, ast.Lambda) else [])
        else:
            stack.extend(ast.iter_child_nodes(child))


def audit(release, submitted) -> list[str]:
    """What a submission changed that it should not have (both notebooks read as data, nothing
    run): a graded checker cell deleted or edited (nbgrader grades the original source of an
    edited one, and gives a deleted one 0 points), and any cell the student wrote or changed that
    names the checkers or rebinds a module's attribute (see ``suspicious``). Autograding runs the
    student's code in the checker's own kernel: this is how a teacher sees an attempt at it."""
    graded = {c.metadata["nbgrader"]["grade_id"]: c for c in release.cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    given, kinds = {}, {}                 # grade_id: the sources (the cells) that carry it
    for c in submitted.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        given.setdefault(gid, []).append(c.source)
        kinds.setdefault(gid, []).append(c)
    findings = []
    for gid, cell in graded.items():
        if gid not in given:
            findings.append(f"the graded cell {gid} was deleted")
        elif any(s != cell.source for s in given[gid]):
            findings.append(f"the graded cell {gid} was edited")
        for changed in {_flags_changed(cell, c) for c in kinds.get(gid, [])} - {""}:
            findings.append(f"the graded cell {gid}'s nbgrader metadata was changed ({changed}): "
                            "nbgrader cannot grade this notebook (Inconsistent checksums): "
                            "--restore puts the release's back")
        if len(given.get(gid, [])) > 1:   # a cell copied in Jupyter keeps its metadata
            findings.append(f"the graded cell {gid} appears {len(given[gid])} times")
    unchanged = {c.source for c in release.cells if c.cell_type == "code"}
    modules, called = set(), set()
    for c in release.cells:
        tree = _code_of(c.source) if c.cell_type == "code" else None
        modules |= _imported(tree) if tree else set()
        if tree and c.metadata.get("nbgrader", {}).get("grade"):
            called |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    guarded = modules & called           # `lesson02`: a list named `losses` is the student's
    known = known_modules() | {m for c in release.cells if c.cell_type == "code"
                               for m in _import_roots(_code_of(c.source) or ast.Module([], []))}
    # an import or an alias in one cell is used in another: `m = lesson02`, later `m.x = ...`
    trees = [t for c in submitted.cells if c.cell_type == "code"
             for t in [_code_of(c.source)] if t is not None]
    modules |= {m for t in trees for m in _imported(t)}
    modules |= _aliases(trees, modules)
    for i, c in enumerate(submitted.cells):
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if c.cell_type != "code" or c.source in unchanged:   # an edited graded cell is read too
            continue
        findings += [f"cell {i} ({gid or 'a cell the student wrote or changed'}) {what}"
                     for what in suspicious(c.source, modules, guarded, known)]
    return findings


# The flags of a graded cell that nbgrader's checksum reads and autograde does not put back (it
# restores the source, `locked` and `points`): changed, the submission cannot be graded.
CHECKSUM_FLAGS = ("grade", "solution")


def _flags_changed(release_cell, cell) -> str:
    """What of CHECKSUM_FLAGS differs between a graded cell of the release and the submission's
    cell with its grade_id ("grade: True -> False"), compared as nbgrader's checksum does."""
    old, new = release_cell.metadata["nbgrader"], cell.metadata.get("nbgrader", {})
    return ", ".join(f"{k}: {old.get(k, False)!r} -> {new.get(k, False)!r}"
                     for k in CHECKSUM_FLAGS if str(old.get(k, False)) != str(new.get(k, False)))


def restore_graded_cells(release, submitted) -> list[str]:
    """Put the release's graded cells back where nbgrader would not grade them, in place; returns
    what was done, one line each. A cell carrying a graded cell's grade_id whose flags nbgrader
    cannot restore (``_flags_changed``) gets the release's nbgrader metadata back; a graded cell
    deleted (scored 0 without a word) is inserted again, as in the release, right after its
    exercise's cell (the solution cell before it in the release, found by its grade_id): the
    checker then grades the student's answer and gives its hint. A graded cell whose exercise
    cell is gone too is left out and said (a notebook that is not the assignment's copy, e.g.
    the instructor's solved lesson: grade it by hand). The sources are left as they are:
    autograde restores a graded cell's source from the source notebook itself."""
    graded = {c.metadata["nbgrader"]["grade_id"]: c for c in release.cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    done = []
    for c in submitted.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid in graded and _flags_changed(graded[gid], c):
            c.metadata["nbgrader"] = copy.deepcopy(graded[gid].metadata["nbgrader"])
            done.append(f"restored the nbgrader metadata of {gid}")
    anchor = None                          # the solution cell last seen in the release
    for c in release.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("solution"):
            anchor = meta["grade_id"]
        if not meta.get("grade"):
            continue
        ids = [d.metadata.get("nbgrader", {}).get("grade_id") for d in submitted.cells]
        if meta["grade_id"] in ids:
            continue
        if anchor in ids:
            submitted.cells.insert(ids.index(anchor) + 1, copy.deepcopy(c))
            done.append(f"put back the deleted graded cell {meta['grade_id']} after {anchor}")
        else:
            done.append(f"left out the deleted graded cell {meta['grade_id']}: its exercise's "
                        f"cell {anchor} is gone too (not the assignment's copy? grade by hand)")
    return done


def misnamed(folder: Path, stem: str) -> list[str]:
    """What nbgrader does not grade in one student's ``submitted/<student>/NN_name`` folder: a
    notebook not named ``NN_name.ipynb`` (a browser's ``NN_name (1).ipynb``, a ``lesson02.ipynb``).
    nbgrader skips it with a log line; with no ``NN_name.ipynb`` beside it, the student is one of
    the submissions it could not grade (exit status 1), else the misnamed work is never read."""
    expected = f"{stem}.ipynb"
    others = sorted(p.name for p in folder.glob("*.ipynb") if p.name != expected)
    graded = (folder / expected).is_file()
    return [f"handed in {name!r}, which nbgrader does not grade (it grades only {expected}"
            + (", here another file)" if graded else ", missing here)") for name in others] \
        + ([] if graded or others else [f"no notebook in {folder.name}/ ({expected} expected)"])


# What a student's folder may hold beside the graded notebook without a word: --restore's copy
# (NN_name.ipynb.orig, checked by handed_in), what Jupyter and Python leave behind, and the two
# files nbgrader's `submit` writes beside a submission that `collect` brings (nbgrader_config.py,
# NBGRADER_FILES: without them `release_feedback` fails).
LEFT_BEHIND = frozenset({".ipynb_checkpoints", "__pycache__", "timestamp.txt",
                         "submission_secret.txt"})


def beside(folder: Path, stem: str) -> list[str]:
    """Every file or folder handed in beside the notebooks of ``submitted/<student>/NN_name``:
    nbgrader copies notebooks only (nbgrader_config.py, CourseDirectory.ignore), so the graded
    code cannot read or import it (a helper module, a data file, a package named like wdlib)."""
    keep = LEFT_BEHIND | {f"{stem}.ipynb.orig"}
    return [f"handed in '{p.name}{'/' if p.is_dir() else ''}' beside the notebook: nbgrader "
            "grades the notebook alone (its code cannot read or import it)"
            for p in sorted(folder.iterdir())
            if p.suffix != ".ipynb" and p.name not in keep]


def audit_course(course: Path, stem: str) -> dict[str, list[str]]:
    """``audit`` of every submission of one assignment: {student: findings}, every student with
    a folder for it in ``submitted/``, a misnamed notebook included (``misnamed``)."""
    release = nbformat.read(course / "release" / stem / f"{stem}.ipynb", as_version=4)
    out = {}
    # once nbgrader has graded anyone, a student it skipped has no autograded/<student>/NN_name/
    # and reads 0 in grades.csv, like one who handed nothing in: say so here, by name
    graded = any(p.is_dir() for p in (course / "autograded").glob(f"*/{stem}"))
    for folder in sorted(p for p in (course / "submitted").glob(f"*/{stem}") if p.is_dir()):
        student, path = folder.parent.name, folder / f"{stem}.ipynb"
        out[student] = misnamed(folder, stem) + beside(folder, stem)
        if graded and not (course / "autograded" / student / stem).is_dir():
            out[student].append(f"not graded: nbgrader skipped this submission (no autograded/"
                                f"{student}/{stem}/; it reads 0 in grades.csv): see TEACHING.md, "
                                "'A submission nbgrader could not grade'")
        if not path.is_file():
            continue
        try:
            nb = nbformat.read(path, as_version=4)
            orig = handed_in(release, path, nb)
            out[student] += audit(release, nb if orig is None else orig)
            if orig is not None:
                out[student].append(f"(as handed in, {path.name}.orig; --restore put the "
                                    f"release's graded cells back in {path.name})")
        # any failure to read one (JSON that is no notebook: a list, a string where a dict is
        # expected, AttributeError or TypeError) is that student's finding, not the end of it
        except Exception as exc:  # noqa: BLE001
            out[student].append(f"not a readable notebook: {type(exc).__name__}: {exc}")
    return out


def handed_in(release, path: Path, nb):
    """The notebook as handed in that ``--restore`` kept beside ``path`` (``NN_name.ipynb.orig``),
    or None when there is none. It counts only when restoring it gives ``nb``, the notebook
    nbgrader grades, cell for cell (type, source, metadata; nbformat may renumber a duplicate
    cell id): an ``.orig`` the student handed in, or one left from a submission replaced since,
    would otherwise be what the audit reads instead of the code that runs. A symbolic link is
    never read."""
    orig = path.with_name(f"{path.name}.orig")
    if orig.is_symlink() or not orig.is_file():
        return None
    try:
        old = nbformat.read(orig, as_version=4)
        restored = copy.deepcopy(old)
        restore_graded_cells(release, restored)
    except Exception:  # noqa: BLE001 - not a notebook: not the original of this one
        return None
    def cells(n):
        return [(c.cell_type, c.source, c.metadata) for c in n.cells]
    return old if cells(restored) == cells(nb) else None


def restore_course(course: Path, stem: str) -> int:
    """``restore_graded_cells`` on every submission of one assignment that needs it (the original
    kept as ``NN_name.ipynb.orig``, which nbgrader does not read); prints what it did and what
    it left out. A notebook it restored needs nothing on a second run, so a notebook that needs
    a change is as handed in: its copy replaces an older ``.orig`` (handed in by the student, or
    left from a submission replaced since). Neither file is written through a symbolic link."""
    release = nbformat.read(course / "release" / stem / f"{stem}.ipynb", as_version=4)
    for path in sorted((course / "submitted").glob(f"*/{stem}/{stem}.ipynb")):
        student, orig = path.parents[1].name, path.with_name(f"{stem}.ipynb.orig")
        try:
            nb = nbformat.read(path, as_version=4)
            done = restore_graded_cells(release, nb)
        except Exception as exc:  # noqa: BLE001 - reported, as --audit does
            print(f"{student}: not a readable notebook: {type(exc).__name__}: {exc}")
            continue
        changed = [d for d in done if not d.startswith("left out")]
        if changed and (path.is_symlink() or orig.is_symlink() or orig.is_dir()):
            done = [f"not restored: {path.name if path.is_symlink() else orig.name} is a "
                    "symbolic link or a folder (grade by hand)"]
        elif changed:
            if orig.exists():
                orig.unlink()
                done.append(f"replaced an older {orig.name} (handed in, or from a submission "
                            "replaced since)")
            with path.open("rb") as src, orig.open("xb") as dst:   # x: never through a link
                shutil.copyfileobj(src, dst)
            nbformat.write(nb, path)
            done.append(f"the submission as handed in: {orig.name}")
        for d in done:
            print(f"{student}: {d}")
    return 0


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("course", nargs="?", default=str(ROOT / "assignments"))
    ap.add_argument("--only", nargs="*", help="lesson stems, e.g. 02_l2_weight_decay")
    ap.add_argument("--audit", metavar="NN_name",
                    help="list the submissions of this assignment that edited or deleted a "
                         "graded cell or tamper with the checkers, and the notebooks nbgrader "
                         "does not grade (misnamed) (exit status 1 if any)")
    ap.add_argument("--restore", metavar="NN_name",
                    help="in every submission of this assignment, put the release's nbgrader "
                         "metadata back on a graded cell whose grade or solution flag was "
                         "changed (nbgrader cannot grade it) and a deleted graded cell back "
                         "after its exercise; the original is kept as NN_name.ipynb.orig")
    a = ap.parse_args(argv)
    course = Path(a.course).resolve()
    for stem in a.only or []:
        if stem not in {lesson.stem for lesson in lessons()}:
            ap.error(f"--only: no lesson {stem!r} in {NOTEBOOKS}")
    if a.restore:
        if not (course / "release" / a.restore).is_dir():
            ap.error(f"--restore: no assignment {a.restore!r} in {course / 'release'}")
        sys.exit(restore_course(course, a.restore))
    if a.audit:
        if not (course / "release" / a.audit).is_dir():
            ap.error(f"--audit: no assignment {a.audit!r} in {course / 'release'}")
        found = audit_course(course, a.audit)
        for student, findings in found.items():
            for f in findings:
                print(f"{student}: {f}")
        flagged = sum(bool(f) for f in found.values())
        print(f"{a.audit}: {flagged} of {len(found)} submissions to review")
        sys.exit(1 if flagged else 0)
    for stem in write_course(course, a.only):
        exs = exercises(NOTEBOOKS / f"{stem}.ipynb")
        print(f"{stem}: {len(exs)} graded exercises, {sum(e.points for e in exs)} points "
              f"-> {course / 'release' / stem}")


if __name__ == "__main__":
    main()
