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
