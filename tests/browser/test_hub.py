"""A class on a real JupyterHub: two students log in, one nbgitpuller link pulls the lessons into
each one's home, and a lesson's dashboard runs live in each student's own server.

The hub (``hub.py``) runs on loopback with a shared-password authenticator and
``SimpleLocalProcessSpawner`` (every student's server runs as this machine's user, root here,
with its own home under the temp dir: a test setup, not isolation). The lessons come from a
bare clone of this repository made at test time, so nothing is fetched; the link is exactly
``wdlib.classroom.nbgitpuller_link(hub, lesson, repo=<bare clone>)``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import time
import urllib.error

import harness as H
import pytest
from hub import PROXY, jupyterhub

from wdlib import classroom

pytestmark = pytest.mark.browser

LESSON = "01_capacity_and_overfitting.ipynb"     # a light lesson: one dashboard, fast cells
STUDENTS = ["alice", "bob"]


@pytest.fixture(autouse=True)
def need_hub():
    """Skip (or, with CI=true, fail) without the ``hub`` extra (``make setup`` installs it)."""
    missing = [m for m in ("jupyterhub", "nbgitpuller") if importlib.util.find_spec(m) is None]
    missing += [] if PROXY.exists() else [str(PROXY)]
    if missing:
        msg = f"missing {', '.join(missing)}: pip install -e '.[hub]' (make setup)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)


def _git(*args, cwd=None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True, timeout=60).stdout.strip()


def lessons_repo(dest) -> tuple[str, str]:
    """A bare clone of this repository (what a teacher's git server would hold) whose ``main``
    is the commit checked out here; returns (its file:// URL, the commit)."""
    _git("clone", "--bare", "--quiet", str(H.ROOT), str(dest))
    head = _git("rev-parse", "HEAD", cwd=H.ROOT)
    _git("update-ref", "refs/heads/main", head, cwd=dest)
    _git("symbolic-ref", "HEAD", "refs/heads/main", cwd=dest)
    return dest.as_uri(), head


def log_in(page, hub, user: str, link: str) -> None:
    """Open the link as a student would: the hub asks for a login first, then starts the
    student's server, and nbgitpuller clones and opens the lesson."""
    page.goto(link)
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(hub.password)
    page.locator("#login_submit").click()


def student_runs_lesson(page, hub, user: str, link: str, artifacts) -> list[str]:
    log_in(page, hub, user, link)
    server = hub.user_server(user)
    # spawn (~10 s) + clone + JupyterLab loading the notebook, on a busy 2-core machine
    page.wait_for_url(f"{server.url}/lab/tree/**", timeout=120_000)
    nb = H.Notebook(page, server, f"wdlib-lessons/notebooks/{LESSON}")
    page.locator(".jp-Notebook").first.wait_for(timeout=90_000)
    nb.wait_idle(90)
    nb.run_all()
    assert nb.errors() == [], f"{user}: errors after run-all"
    bootstrap = page.locator(".jp-CodeCell").first
    assert "importlib.util.find_spec" in bootstrap.text_content()   # off-screen: no innerText
    assert bootstrap.locator(".jp-OutputArea-output").count() == 0, \
        f"{user}: the bootstrap cell printed something (it must be a no-op on the hub)"
    dashboards = H.Dashboard.all(page, server)
    assert dashboards, f"{user}: no .wdlib-dashboard after run-all"
    seen = [s for dash in dashboards for s in H.check_dashboard(dash)]
    assert nb.errors() == [], f"{user}: errors after moving the sliders"
    page.screenshot(path=str(artifacts / f"hub-{user}-{LESSON[:2]}.png"), full_page=True)
    return seen


@pytest.fixture
def shared_browser(browser):
    """The session's browser, its cookies cleared afterwards too: cookies are per host, not per
    port, and the other browser tests use 127.0.0.1 as well."""
    yield browser
    browser.clear_cookies()


def test_two_students_pull_and_run_a_lesson_on_jupyterhub(shared_browser, artifacts, tmp_path):
    browser = shared_browser
    t0 = time.monotonic()
    repo, commit = lessons_repo(tmp_path / "wdlib-lessons.git")
    with jupyterhub(tmp_path / "hub", STUDENTS) as hub:
        link = classroom.nbgitpuller_link(hub.url, LESSON, repo=repo)
        for user in STUDENTS:
            browser.clear_cookies()          # the next student, in the same browser
            page = browser.new_page()
            try:
                seen = student_runs_lesson(page, hub, user, link, artifacts)
            except Exception:
                page.screenshot(path=str(artifacts / f"hub-{user}-FAILED.png"), full_page=True)
                print(hub.log.read_text()[-4000:])
                raise
            print(f"{user}: {seen} ({time.monotonic() - t0:.0f} s)")

            # the lessons were cloned into this student's own home, at the teacher's commit,
            # and the bootstrap cell installed nothing there (no build output in the clone)
            clone = hub.home(user) / classroom.clone_folder(repo)
            assert (clone / "notebooks" / LESSON).is_file()
            assert _git("rev-parse", "HEAD", cwd=clone) == commit
            assert not (clone / "build").exists() and not list(clone.glob("*.egg-info"))

            if user == STUDENTS[-1]:
                # a student cannot open another student's server
                other = hub.user_server(STUDENTS[0])
                resp = page.goto(f"{other.url}/api/contents")
                assert resp.status == 403, f"{user} opened {other.url}: {resp.status}"
            page.close()

        # both servers run at once, each with its own kernel for the lesson
        for user in STUDENTS:
            info = hub.api("GET", f"/users/{user}")
            assert info["servers"][""]["ready"], info
            server = hub.user_server(user)
            kernels = server.api("GET", "/api/kernels")
            assert len(kernels) == 1, f"{user}: kernels {kernels}"
            sessions = server.api("GET", "/api/sessions")
            assert [s["path"] for s in sessions] == [f"wdlib-lessons/notebooks/{LESSON}"]
        print("memory per student (server + lesson kernel), MB:",
              {u: round(mb) for u, mb in hub.memory_mb().items()})
        proc = hub.proc
    assert proc.poll() is not None, "the hub is still running"
    assert hub.leftovers == [], f"still running after the hub stopped: {hub.leftovers}"
    with pytest.raises(urllib.error.URLError):
        hub.api("GET", "/")
    print(f"hub test: {time.monotonic() - t0:.0f} s")
