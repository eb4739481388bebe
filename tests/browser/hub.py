"""A real JupyterHub on loopback for the classroom test (``test_hub.py``), everything in a temp dir.

    with jupyterhub(tmp, ["alice", "bob"]) as hub:
        hub.url                  # http://127.0.0.1:PORT (the proxy: what students open)
        hub.password             # the shared student password
        hub.home("alice")        # that student's home directory (under tmp)
        hub.user_server("alice") # a harness.Server for her single-user server (API via a token)

What runs, all on 127.0.0.1 at free ports, all started by ``jupyterhub`` itself:
- the hub, with ``SharedPasswordAuthenticator`` (JupyterHub's dummy authenticator with a
  password: one shared password, only the listed users) and ``SimpleLocalProcessSpawner``: every
  student's server runs as the hub's own system user (root here) with ``HOME`` set to a per-user
  folder. A test setup, not isolation: on a real hub use ``LocalProcessSpawner`` with system
  users, or DockerSpawner / KubeSpawner (Zero to JupyterHub);
- the proxy: ``configurable-http-proxy``, the pure-Python port from PyPI (the ``hub`` extra), so
  nothing but pip is needed; JupyterHub drives it through the same command line and REST API as
  the npm package;
- one ``jupyterhub-singleuser`` (JupyterLab) per student, from this Python environment, with
  ``--allow-root`` when the hub runs as root.

The hub database, cookie secret, proxy token, Jupyter dirs and homes live in ``tmp``. On exit the
hub is stopped with SIGTERM (it stops the students' servers and the proxy), then anything it
started that is still alive is killed.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import harness as H

BIN = Path(sys.executable).parent
PROXY = BIN / "configurable-http-proxy"


@dataclass
class Hub:
    url: str            # the proxy's public address: http://127.0.0.1:PORT
    password: str
    token: str          # a service token with admin:users, admin:servers, access:servers
    tmp: Path
    proc: subprocess.Popen
    log: Path
    leftovers: list[int] | None = None   # after exit: pids still alive after the hub stopped

    def api(self, method: str, path: str, body: dict | None = None) -> object:
        """Call the hub's REST API (``/hub/api`` + ``path``); returns the decoded JSON."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.url}/hub/api{path}", data=data, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    def home(self, user: str) -> Path:
        return self.tmp / "home" / user

    def memory_mb(self) -> dict[str, float]:
        """Resident memory of each student's server with its kernels, in MB (for the guide's
        per-student figure; read from /proc)."""
        out: dict[str, float] = {}
        for pid in _children(self.proc.pid):
            with contextlib.suppress(OSError):
                env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                users = [e[16:].decode() for e in env if e.startswith(b"JUPYTERHUB_USER=")]
                if users and b"singleuser" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    out[users[0]] = sum(map(_rss_mb, [pid, *_children(pid)]))
        return out

    def user_server(self, user: str) -> HubUserServer:
        """The student's single-user server as a ``harness.Server``: its REST API is called with
        the hub's service token; the browser is logged in as the student (no token in URLs)."""
        return HubUserServer(f"{self.url}/user/{user}", self.token, self.home(user), self.proc,
                             self.log)


class HubUserServer(H.Server):
    def lab_url(self, notebook: str) -> str:
        return f"{self.url}/lab/tree/{notebook}"


def _config(tmp: Path, users: list[str], ports: dict[str, int], password: str,
            token: str) -> str:
    """``jupyterhub_config.py`` for the test hub (also what the hub admin guide describes)."""
    root_args = ["--allow-root"] if os.geteuid() == 0 else []
    return f"""\
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {ports["proxy"]}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {ports["hub"]}
c.JupyterHub.db_url = "sqlite:///{tmp / "hub" / "jupyterhub.sqlite"}"
c.JupyterHub.cookie_secret_file = "{tmp / "hub" / "jupyterhub_cookie_secret"}"
c.JupyterHub.pid_file = "{tmp / "hub" / "jupyterhub.pid"}"
c.ConfigurableHTTPProxy.command = ["{PROXY}"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports["proxy_api"]}"
c.ConfigurableHTTPProxy.pid_file = "{tmp / "hub" / "proxy.pid"}"

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.Authenticator.allowed_users = {set(users)!r}

c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = "{tmp / "home"}/{{username}}"
c.Spawner.cmd = ["{BIN / "jupyterhub-singleuser"}"]
c.Spawner.args = {root_args!r} + ["--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.environment = {{"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}}
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90

c.JupyterHub.services = [{{"name": "classroom-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "classroom-test", "services": ["classroom-test"],
    "scopes": ["admin:users", "admin:servers", "access:servers"]}}]
"""


def _children(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (from /proc), children first."""
    parents: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                parents.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def _rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError, IndexError, ValueError):
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf(
            "SC_PAGE_SIZE") / 1e6
    return 0.0


def _alive(pid: int) -> bool:
    """True unless ``pid`` is gone or a zombie (exited, not yet reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _stop(proc: subprocess.Popen) -> list[int]:
    """SIGTERM the hub (it stops the servers it spawned and its proxy); SIGKILL whatever it
    started that outlives it. Returns the pids that had to be killed."""
    started = _children(proc.pid)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    deadline = time.monotonic() + 5
    while any(map(_alive, started)) and time.monotonic() < deadline:
        time.sleep(0.2)
    killed = [pid for pid in started if _alive(pid)]
    for pid in killed:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return killed


def write_lab_settings(home: Path) -> None:
    """The quiet JupyterLab settings of the lab tests (no news toast, no autosave) in a home."""
    for name, settings in H.LAB_SETTINGS.items():
        f = home / ".jupyter" / "lab" / "user-settings" / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(settings))


@contextlib.contextmanager
def jupyterhub(tmp: Path, users: list[str], timeout: float = 60.0) -> Iterator[Hub]:
    """Start JupyterHub (see the module docstring); yield a ``Hub`` once its API answers."""
    ports = {k: H.free_port() for k in ("proxy", "proxy_api", "hub")}
    password, token = secrets.token_urlsafe(12), secrets.token_hex(16)
    (tmp / "hub").mkdir(parents=True, exist_ok=True)
    for user in users:
        write_lab_settings(tmp / "home" / user)
    config = tmp / "hub" / "jupyterhub_config.py"
    config.write_text(_config(tmp, users, ports, password, token))
    env = H._isolated_env(tmp / "hub")           # the hub's own JUPYTER_* dirs, in tmp
    env["CONFIGPROXY_AUTH_TOKEN"] = secrets.token_hex(16)
    log = tmp / "hub" / "jupyterhub.log"
    with open(log, "wb") as logf:
        proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)],
                                cwd=tmp / "hub", env=env, stdout=logf,
                                stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{ports['proxy']}", password, token, tmp, proc, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with {proc.returncode}:\n"
                                   f"{log.read_text()[-3000:]}")
            try:
                hub.api("GET", "/")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"jupyterhub not ready after {timeout:.0f} s:\n"
                                       f"{log.read_text()[-3000:]}") from None
                time.sleep(0.3)
        yield hub
    finally:
        hub.leftovers = _stop(proc)
