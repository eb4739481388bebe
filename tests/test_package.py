"""The package as a user meets it: imports are light and have no side effects."""

import subprocess
import sys

CORE = ("data", "init", "models", "losses", "penalties", "optim", "schedules", "clipping",
        "solvers", "train", "diagnostics")


def test_core_modules_do_not_import_matplotlib_or_ipywidgets():
    # wdlib.tasks too, every submodule of it (found on disk, so a new task module is covered)
    code = (f"import sys, pkgutil; from wdlib import {', '.join(CORE)}; import wdlib.tasks; "
            "[__import__(f'wdlib.tasks.{m.name}') "
            "for m in pkgutil.iter_modules(wdlib.tasks.__path__)]; "
            "assert len(wdlib.tasks.__all__) >= 5; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert out.stderr == ""          # no warnings printed on import


def test_importing_the_dashboards_draws_nothing():
    code = ("import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; "
            "from wdlib import live; live.catalog(); print(len(plt.get_fignums()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_nothing_in_the_repository_cites_a_file_outside_it():
    """The repository documents itself (ARCHITECTURE.md): no file refers to the founding design
    document or any other file outside the repository."""
    import pathlib
    import subprocess

    root = pathlib.Path(__file__).resolve().parents[1]
    files = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True,
                           check=True).stdout.split()
    outside = ("DESIGN.md", "../shared", "/work/")
    me = pathlib.Path(__file__).resolve().relative_to(root).as_posix()
    hits = [f"{name}: {word}" for name in files if name != me
            if name.endswith((".py", ".md", ".ipynb", ".toml", ".yml", ".cfg", "Makefile", "run"))
            for word in outside if word in (root / name).read_text(errors="ignore")]
    assert hits == []


def _building_blocks() -> set[str]:
    """The building-block modules as ARCHITECTURE.md's layer table lists them."""
    import pathlib
    import re

    text = (pathlib.Path(__file__).resolve().parents[1] / "ARCHITECTURE.md").read_text()
    row = next(line for line in text.splitlines() if line.startswith("| building blocks |"))
    cell = row.split("|")[2]
    return {pathlib.PurePosixPath(name).stem for name in re.findall(r"`([^`]+\.py)`", cell)}


def test_building_blocks_import_numpy_and_each_other_only():
    """ARCHITECTURE.md: each layer imports only the layers above it; the building blocks (the
    first layer) import NumPy, the standard library and other building blocks only, at module
    level or inside a function."""
    import ast
    import pathlib

    import wdlib
    blocks = _building_blocks()
    assert {"_checks", "init", "losses", "penalties", "data"} <= blocks, blocks
    root = pathlib.Path(wdlib.__file__).parent
    bad = []
    for name in sorted(blocks):
        tree = ast.parse((root / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{name}.py: use absolute imports"
                mod = node.module or ""
                targets = ([f"{mod}.{a.name}" for a in node.names] if mod == "wdlib" else [mod])
            else:
                continue
            for target in targets:
                top, *rest = target.split(".")
                if top == "wdlib":
                    ok = bool(rest) and rest[0] in blocks
                else:
                    ok = top in sys.stdlib_module_names or top == "numpy"
                if not ok:
                    bad.append(f"{name}.py:{node.lineno} imports {target}")
    assert bad == []
