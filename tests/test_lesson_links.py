"""A teacher presents a lesson from a shared link (``make present``; Voilà hands the URL query to
the kernel as QUERY_STRING): the lesson must still run top to bottom. Its checks compute at the
lesson's own values (``dash.defaults``, which a link never changes), while the dashboard shows, and
keeps showing, the link's (``dash.opened``). Every dashboard of every lesson and solutions
notebook is opened with every control moved to the far end of its range (a slider's top, a menu's
last option, a checkbox flipped), the setting furthest from what the lesson's checks assume.

The notebooks run two at a time (one kernel each, ~2-3 min on 2 cores)."""

from __future__ import annotations

import asyncio
import functools
import os
import re
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

import ipywidgets as W
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from wdlib import live
from wdlib.live import framework

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import execute_notebooks  # noqa: E402  (tools/: the kernels of this Python)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "notebooks" / "solutions").glob("*.ipynb"))
USES = re.compile(r'catalog\(\)\[\\"(\w+)\\"\]')

# Appended to the notebook: every dashboard the link names (kept in a variable) opened at the link's
# values and still shows them after the lesson's cells ran (a lesson that "restores the defaults"
# would undo the link).
CHECK = """
from wdlib.live import framework as _framework
_linked = [v for v in list(globals().values()) if isinstance(v, _framework.Dashboard)
           and _framework._catalog_name(v) == {name!r}]
assert _linked, "no {name} dashboard kept in a variable: nothing to check"
for _d in _linked:
    assert _d.link_error is None, _d.link_error
    assert _d.opened != _d.defaults, "the link changed nothing"
    assert _d.values() == _d.opened, ("the lesson's cells moved the linked dashboard", _d.values())
    assert "set by the link" in _d.status.value, ("the link's note is gone", _d.status.value)
"""
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@functools.cache
def far_query(name: str) -> str:
    """``?dashboard=name&...`` with every control at the far end of its range."""
    d = live.catalog()[name]()
    values = {}
    for key, w in d.controls.items():
        if isinstance(w, W.FloatLogSlider):
            far = w.base ** (w.max if w.value != w.base ** w.max else w.min)
        elif hasattr(w, "options"):
            options = [o[1] if isinstance(o, tuple) else o for o in w.options]
            far = options[-1] if w.value != options[-1] else options[0]
        elif isinstance(w.value, bool):
            far = not w.value
        else:
            far = w.max if w.value != w.max else w.min
        values[key] = framework.format_value(far)
    d.close()
    return "?" + urlencode({"dashboard": name, **values}, quote_via=quote)


def cases() -> list[tuple[Path, str]]:
    return [(path, name) for path in NOTEBOOKS
            for name in sorted(set(USES.findall(path.read_text(encoding="utf-8"))))]


async def run_with_link(path: Path, name: str, query: str) -> str | None:
    """Run the notebook in a fresh kernel whose QUERY_STRING is the link's, as Voilà starts it;
    the error, or None."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(CHECK.format(name=name)))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            kernel_manager_class=execute_notebooks.ThisPythonKernel,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        await client.async_execute(env={**os.environ, "QUERY_STRING": query.lstrip("?")})
    except CellExecutionError as err:
        lines = [line for line in ANSI.sub("", str(err)).splitlines() if line.strip()]
        return "\n".join(lines[-4:])
    except Exception as err:          # a timeout, a dead kernel: named, not the whole test aborted
        return f"{type(err).__name__}: {err}"
    return None


async def run_all(jobs: list, at_once: int = 2) -> list:
    gate = asyncio.Semaphore(at_once)

    async def one(job):
        async with gate:
            return await run_with_link(*job)

    return await asyncio.gather(*(one(job) for job in jobs))


def test_cases_cover_every_dashboard():
    assert {name for _, name in cases()} == set(live.catalog())


def test_every_lesson_runs_under_a_link_that_moves_every_control(monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)
    jobs = [(path, name, far_query(name)) for path, name in cases()]
    results = asyncio.run(run_all(jobs))
    errors = {f"{path.relative_to(ROOT)} {query}": err
              for (path, _, query), err in zip(jobs, results, strict=True) if err}
    assert not errors, "\n\n".join(f"{case}:\n{err}" for case, err in errors.items())


def test_the_check_catches_a_lesson_that_undoes_the_link(tmp_path, monkeypatch):
    """The appended check fails on a notebook that puts its dashboard back to the defaults."""
    monkeypatch.delenv("QUERY_STRING", raising=False)
    undo = ('from wdlib import live\n'
            'dash = live.catalog()["polynomial"]()\n'
            'dash.set(**dash.defaults)')
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(undo)])
    path = tmp_path / "undo.ipynb"
    nbformat.write(nb, path)
    err = asyncio.run(run_with_link(path, "polynomial", far_query("polynomial")))
    assert err is not None and "moved the linked dashboard" in err


def test_kernels_are_this_python_whatever_kernelspec_is_named_python3(tmp_path, monkeypatch):
    """A user's (or conda's) kernelspec named python3 for another Python must not run the
    notebooks here or in `make notebooks`: they would test another environment's wdlib."""
    import json

    from jupyter_client import AsyncKernelManager

    spec = tmp_path / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": ["/elsewhere/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "Python 3", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert AsyncKernelManager(kernel_name="python3").kernel_spec.argv[0] == "/elsewhere/bin/python"
    assert execute_notebooks.ThisPythonKernel(kernel_name="python3").kernel_spec.argv[0] == \
        sys.executable
