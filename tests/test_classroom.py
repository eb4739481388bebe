"""Open anywhere: every lesson starts with the generated launch line and bootstrap cell
(``wdlib.classroom``, one REPO_URL), the bootstrap is a no-op where wdlib is installed, and
``environment.yml`` (conda, Binder) says what ``pyproject.toml`` says."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from wdlib import classroom

try:
    import tomllib
except ModuleNotFoundError:      # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _src(cell) -> str:
    return "".join(cell["source"])


def test_there_are_lessons():
    assert len(LESSONS) >= 9


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_starts_with_exactly_the_generated_cells(path):
    cells = _cells(path)
    want = classroom.classroom_cells(path.name)
    for got, exp in zip(cells[:2], want, strict=True):
        assert got["cell_type"] == exp["cell_type"]
        assert _src(got) == exp["source"], "stale: run `make classroom`"
        assert got["metadata"].get("tags") == exp["metadata"]["tags"]
    tagged = [c for c in cells if {classroom.LAUNCH_TAG, classroom.BOOTSTRAP_TAG}
              & set(c["metadata"].get("tags", []))]
    assert len(tagged) == 2, "the launch line and the bootstrap cell appear once each"
    # no hand-written launch links elsewhere in the lesson
    others = "".join(_src(c) for c in cells[2:])
    assert "colab.research.google.com" not in others and "mybinder.org" not in others
    assert cells[1]["outputs"] == [], "the bootstrap cell prints nothing where wdlib is installed"


def test_launch_links_are_built_from_the_one_repo_url():
    nb = "01_capacity_and_overfitting.ipynb"
    slug = classroom.github_slug()
    links = classroom.launch_links(nb)
    assert links["Colab"] == (f"https://colab.research.google.com/github/{slug}/blob/"
                              f"{classroom.BRANCH}/notebooks/{nb}")
    lab, voila = links["Binder · JupyterLab"], links["Binder · Voilà (code hidden)"]
    for url, prefix in ((lab, "lab/tree/"), (voila, "voila/render/")):
        parts = urlsplit(url)
        assert parts.netloc == "mybinder.org"
        assert parts.path == f"/v2/gh/{slug}/{classroom.BRANCH}"
        assert parse_qs(parts.query)["urlpath"] == [f"{prefix}notebooks/{nb}"]
    line = classroom.launch_line(nb)
    assert all(f"]({u})" in line for u in links.values())
    assert "![" not in line, "no badge images: the offline site must not fetch them"


@pytest.mark.parametrize("notebook", ["99_nope.ipynb", None, "solutions/00_start_here.ipynb",
                                      "notebooks/00_start_here.ipynb"])
def test_launch_links_are_for_a_lesson_or_an_error(notebook):
    """colab_url, binder_url and launch_line built links to any name (".../notebooks/None",
    a lesson that does not exist) and, given a lesson's stem, a link without ".ipynb", which
    Colab and Binder cannot open: they take what nbgitpuller_link takes (fuzz review)."""
    for make in (classroom.colab_url, classroom.binder_url, classroom.launch_line):
        with pytest.raises(ValueError, match=r"notebook must be a lesson in notebooks/"):
            make(notebook)
    stem = classroom.LESSONS[1].removesuffix(".ipynb")
    assert classroom.launch_links(stem) == classroom.launch_links(classroom.LESSONS[1])


def test_nbgitpuller_link_clones_the_repo_and_opens_the_lesson():
    url = classroom.nbgitpuller_link("https://hub.example.edu/", "02_l2_weight_decay.ipynb")
    parts = urlsplit(url)
    assert parts.netloc == "hub.example.edu" and parts.path == "/hub/user-redirect/git-pull"
    q = parse_qs(parts.query)
    assert q["repo"] == [classroom.REPO_URL] and q["branch"] == [classroom.BRANCH]
    name = classroom.github_slug().split("/")[1]
    assert q["targetpath"] == [name]
    assert q["urlpath"] == [f"lab/tree/{name}/notebooks/02_l2_weight_decay.ipynb"]



def test_nbgitpuller_link_opens_jupyterlab_or_jupyter_notebook_and_nothing_else():
    """``app`` was pasted into the link as given: "notebook" made notebook/tree/..., a page no
    Jupyter server has, and any other string a dead link (fuzz review)."""
    q = parse_qs(urlsplit(classroom.nbgitpuller_link(
        "https://hub.example.edu", "02_l2_weight_decay", app="notebook")).query)
    name = classroom.github_slug().split("/")[1]
    assert q["urlpath"] == [f"notebooks/{name}/notebooks/02_l2_weight_decay.ipynb"]
    for app in ("rstudio", "Lab", "", None, "lab/tree"):
        with pytest.raises(ValueError, match="app must be one of"):
            classroom.nbgitpuller_link("https://hub.example.edu", app=app)

def test_nbgitpuller_link_takes_a_local_repository():
    """The hub test pulls from a bare repository on the hub machine (no network)."""
    for repo in ("file:///srv/class/wdlib-lessons.git", "/srv/class/wdlib-lessons.git",
                 "/srv/class/wdlib-lessons/"):
        url = classroom.nbgitpuller_link("http://127.0.0.1:8000", "01_capacity_and_overfitting"
                                         ".ipynb", repo=repo, branch="lessons")
        q = parse_qs(urlsplit(url).query)
        assert q["repo"] == [repo] and q["branch"] == ["lessons"], q
        assert q["targetpath"] == ["wdlib-lessons"]
        assert q["urlpath"] == [
            "lab/tree/wdlib-lessons/notebooks/01_capacity_and_overfitting.ipynb"]
    with pytest.raises(ValueError, match="no folder name"):
        classroom.clone_folder("/")


def test_classroom_lessons_are_the_notebooks():
    """``classroom.LESSONS`` (what a hub link may open; wdlib installed from a wheel has no
    notebooks/ to look in) lists exactly the lesson files."""
    assert classroom.LESSONS == tuple(p.name for p in LESSONS)


@pytest.mark.parametrize("hub", [
    "hub.example.org",                       # no scheme: the link would be relative
    "//hub.example.org", "ftp://hub.example.org", "javascript:alert(1)", "file:///srv/hub",
    "https://hub?x=1", "https://hub.example.org/?", "https://hub.example.org/#top",
    "https://", "", "https:// hub.example.org", None, 3])
def test_nbgitpuller_link_wants_an_http_hub_url(hub):
    with pytest.raises(ValueError, match=re.escape("hub_url must be an http(s) URL without a "
                                                   "query or fragment") + ".*" +
                       re.escape(f"got {hub!r}")):
        classroom.nbgitpuller_link(hub, "02_l2_weight_decay.ipynb")


@pytest.mark.parametrize("notebook", [
    "no_such_lesson", "no_such_lesson.ipynb", "../../etc/passwd", "../README.md",
    "notebooks/02_l2_weight_decay.ipynb", "solutions/02_l2_weight_decay_solutions.ipynb",
    "02_l2_weight_decay.ipynb?x=1", "02_L2_WEIGHT_DECAY.ipynb", "", None])
def test_nbgitpuller_link_opens_only_a_lesson(notebook):
    with pytest.raises(ValueError, match=re.escape(f"notebook must be a lesson in notebooks/ "
                                                   f"(e.g. '00_start_here.ipynb'), got "
                                                   f"{notebook!r}")):
        classroom.nbgitpuller_link("https://hub.example.edu", notebook)


def test_nbgitpuller_link_takes_a_lesson_by_file_name_or_stem():
    by_name = classroom.nbgitpuller_link("https://hub.example.edu/jupyter/",
                                         "01_capacity_and_overfitting.ipynb")
    assert by_name == classroom.nbgitpuller_link("https://hub.example.edu/jupyter",
                                                 "01_capacity_and_overfitting")
    assert by_name.startswith("https://hub.example.edu/jupyter/hub/user-redirect/git-pull?")
    assert parse_qs(urlsplit(by_name).query)["urlpath"][0].endswith(
        "/notebooks/01_capacity_and_overfitting.ipynb")
    for lesson in classroom.LESSONS:                          # each lesson, http too
        assert classroom.nbgitpuller_link("http://127.0.0.1:8000", lesson).endswith(
            quote(f"/notebooks/{lesson}", safe=""))


def test_repo_url_must_be_a_github_repository():
    with pytest.raises(ValueError, match="REPO_URL must be"):
        classroom.github_slug("https://gitlab.com/a/b")
    assert classroom.github_slug("https://github.com/a/b.git") == "a/b"


def _run_bootstrap(monkeypatch, tmp_path, *, installed: bool, clone: bool) -> list:
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append((a, k)))
    if not installed:
        real = importlib.util.find_spec
        monkeypatch.setattr(importlib.util, "find_spec",
                            lambda name, *a: None if name == "wdlib" else real(name, *a))
    nbdir = tmp_path / "repo" / "notebooks"
    nbdir.mkdir(parents=True)
    if clone:
        (tmp_path / "repo" / "wdlib").mkdir()
    monkeypatch.chdir(nbdir)
    exec(classroom.bootstrap_source(), {})             # noqa: S102 - our generated cell
    return calls


def test_bootstrap_is_a_no_op_where_wdlib_is_installed(monkeypatch, tmp_path):
    assert _run_bootstrap(monkeypatch, tmp_path, installed=True, clone=True) == []


def test_bootstrap_installs_from_the_clone_or_the_repo_url(monkeypatch, tmp_path):
    (args, kwargs), = _run_bootstrap(monkeypatch, tmp_path / "a", installed=False, clone=True)
    assert args[0] == [sys.executable, "-m", "pip", "install", "--quiet", ".."]
    assert kwargs == {"check": True}
    (args, _), = _run_bootstrap(monkeypatch, tmp_path / "b", installed=False, clone=False)
    assert args[0][-1] == f"git+{classroom.REPO_URL}@{classroom.BRANCH}"


def test_generator_check_passes():
    """``make classroom`` has been run: ``--check`` finds nothing to change."""
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "classroom_cells.py"), "--check"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


# --- environment.yml (conda, Binder) == pyproject.toml -----------------------------------------

def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _env() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def test_environment_pins_a_python_that_repo2docker_reads():
    deps = [d for d in _env()["dependencies"] if isinstance(d, str)]
    pythons = [d for d in deps if re.match(r"python\b", d)]
    assert len(pythons) == 1 and re.fullmatch(r"python=3\.\d+", pythons[0]), \
        f"repo2docker needs python=X.Y, got {pythons}"
    version = pythons[0].split("=")[1]
    assert SpecifierSet(_pyproject()["project"]["requires-python"]).contains(f"{version}.0")


def test_environment_dependencies_match_pyproject():
    project = _pyproject()["project"]
    groups = {"": project["dependencies"], **project["optional-dependencies"]}
    # A package declared twice compares with its first declaration (runtime, then lab, ...):
    # environment.yml follows the runtime range of matplotlib, not the `test` extra's exact pin
    # for the stored figures (a conda build uses its own FreeType, so that test skips there).
    declared = {}
    for req in (Requirement(r) for g in groups.values() for r in g):
        declared.setdefault(req.name.lower(), req)
    env = {}
    for d in _env()["dependencies"]:
        if isinstance(d, dict):       # the pip section: installs this repository
            assert d == {"pip": ["-e ."]}, d
            continue
        name = re.match(r"[A-Za-z0-9_.-]+", d).group(0).lower()
        if name not in ("python", "pip"):
            env[name] = SpecifierSet(d[len(name):].replace(" ", ""))
    for name, spec in env.items():
        assert name in declared, f"environment.yml has {name}, pyproject.toml does not"
        assert spec == declared[name].specifier, \
            f"{name}: environment.yml {spec} != pyproject.toml {declared[name].specifier}"
    for req in map(Requirement, project["dependencies"] + project["optional-dependencies"]["lab"]):
        assert req.name.lower() in env, f"environment.yml misses {req} (runtime or lab)"


def test_readme_says_where_to_change_the_repo_url():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "wdlib/classroom.py" in readme and "make classroom" in readme
    assert unquote(classroom.REPO_URL) in Path(classroom.__file__).read_text(encoding="utf-8")


# --- Binder's Voilà link runs with the lessons' Voilà settings (tools/voila/) ------------------

# What Voilà's server extension (Binder's /voila/render/...) reads at start:
# voila.server_extension._load_jupyter_server_extension, without the server.
VOILA_SETTINGS_PROBE = """
import json
import os
from voila.configuration import VoilaConfiguration
from voila.paths import collect_template_paths
from voila.server_extension import load_config_file
conf = VoilaConfiguration()
local = load_config_file()
if local is not None:
    conf.update_config(local)
print(json.dumps({"template": conf.template, "allowlist": conf.extension_allowlist,
                  "paths": collect_template_paths(["voila", "nbconvert"], conf.template)}))
"""


def _voila_settings(tmp_path: Path, through_start: bool) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH")}
    env.update(JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_DATA_DIR=str(tmp_path / "data"))
    cmd = [sys.executable, "-c", VOILA_SETTINGS_PROBE]
    if through_start:
        cmd = [str(ROOT / "start"), *cmd]        # as repo2docker runs it: start CMD...
    out = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_binder_start_gives_voila_the_lessons_template_and_extensions(tmp_path):
    """Binder's Voilà link ran Voilà's defaults (the lab template: Font Awesome from
    cdn.jsdelivr.net; every JupyterLab extension: nbgrader's console errors). repo2docker runs
    the repository's ``start`` before the server; it must point Voilà at tools/voila/, whatever
    the working directory, and repo2docker reads it only without a binder/ or .binder/ folder."""
    start = ROOT / "start"
    assert start.is_file() and os.access(start, os.X_OK), "start missing or not executable"
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    voila_json = json.loads((ROOT / "tools" / "voila" / "voila.json").read_text(encoding="utf-8"))
    settings = _voila_settings(tmp_path, through_start=True)
    assert settings["template"] == voila_json["VoilaConfiguration"]["template"] == "wdlib"
    assert settings["allowlist"] == voila_json["VoilaConfiguration"]["extension_allowlist"]
    wdlib = ROOT / "tools" / "voila" / "voila" / "templates" / "wdlib"
    assert Path(settings["paths"][0]).resolve() == wdlib.resolve(), settings["paths"]
    assert (wdlib / "index.html.j2").is_file()
    # without start, the same probe sees Voilà's defaults: the settings come from start
    assert _voila_settings(tmp_path, through_start=False)["template"] != "wdlib"


def test_binder_start_keeps_the_callers_paths_and_arguments(tmp_path):
    """``start`` puts tools/voila first and keeps what the image had set after it (a kernel or
    setting found through JUPYTER_PATH or JUPYTER_CONFIG_PATH stays found), adds no empty entry
    when they are unset or empty, and runs the server's command with its arguments as given
    (spaces, globs, an empty one)."""
    voila = str((ROOT / "tools" / "voila").resolve())
    probe = [sys.executable, "-c", "import json, os, sys; print(json.dumps([sys.argv[1:], "
             "os.environ['JUPYTER_PATH'], os.environ['JUPYTER_CONFIG_PATH']]))",
             "a b", "*", "", "$HOME"]
    for given, path, config in (({"JUPYTER_PATH": "/x/y", "JUPYTER_CONFIG_PATH": "/c d:/e"},
                                 f"{voila}:/x/y", f"{voila}:/c d:/e"),
                                ({"JUPYTER_PATH": ""}, voila, voila), ({}, voila, voila)):
        env = {k: v for k, v in os.environ.items()
               if k not in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH")}
        out = subprocess.run([str(ROOT / "start"), *probe], cwd=tmp_path, env={**env, **given},
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        argv, got_path, got_config = json.loads(out.stdout)
        assert argv == ["a b", "*", "", "$HOME"]
        assert [str(Path(p).resolve()) if p.endswith("voila") else p
                for p in got_path.split(":")] == path.split(":"), got_path
        assert [str(Path(p).resolve()) if p.endswith("voila") else p
                for p in got_config.split(":")] == config.split(":"), got_config
