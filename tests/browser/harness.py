"""Drive JupyterLab (and Voilà) in a real headless Chromium: the pieces shared by the browser
tests (``tests/browser``) and the latency benchmark (``benchmarks/bench_browser.py``).

Nothing here runs at import time. The three building blocks are context managers:

    with jupyter_server(root, tmp) as server, chromium(tmp / "profile") as ctx:
        page = ctx.new_page()
        nb = Notebook(page, server, "00_start_here.ipynb").open().run_all()
        nb.errors()                     # [] when every cell ran cleanly

and the dashboard helpers speak the DOM contract with ``wdlib.live``: a root widget with class
``wdlib-dashboard``, controls ``wdlib-control-<key>``, the figure ``wdlib-figure`` (an
``ipywidgets.Image``; an ipympl ``canvas`` inside it is accepted too) and ``wdlib-status``.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Flags found to work on this machine (ARCHITECTURE.md, "Browser testing").
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}
# JupyterLab user settings that keep the page quiet and the notebooks on disk untouched.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}
WIDGET_ERRORS = ("Error displaying widget", "model not found")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dashboard_notebooks(folder: Path) -> list[Path]:
    """Notebooks in ``folder`` (not recursive) with a code cell that uses ``live.``."""
    found = []
    for path in sorted(Path(folder).glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        if any(c.get("cell_type") == "code" and "live." in "".join(c.get("source", ""))
               for c in cells):
            found.append(path)
    return found


ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def lesson_notebooks() -> list[Path]:
    """The lessons with a dashboard; the hand-built fixture while there are none."""
    return dashboard_notebooks(NOTEBOOKS) or [FIXTURES / "dashboard_fixture.ipynb"]


# --------------------------------------------------------------------------- servers
@dataclass
class Server:
    """A running Jupyter server (JupyterLab or Voilà) on loopback."""
    url: str          # http://127.0.0.1:PORT
    token: str
    root: Path        # the folder it serves (a temporary copy)
    proc: subprocess.Popen
    log: Path
    kernel_api: bool = True   # Voilà does not expose /api/kernels

    def api(self, method: str, path: str) -> object:
        """Call the server's REST API; returns the decoded JSON (or None)."""
        req = urllib.request.Request(f"{self.url}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=5) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut down every kernel this server runs (each notebook's kernel, when done)."""
        if not self.kernel_api:
            return
        for k in self.api("GET", "/api/kernels") or []:
            self.api("DELETE", f"/api/kernels/{k['id']}")

    def kernels_idle(self) -> bool:
        """True when no kernel of this server is busy (widget messages make them busy too).
        Always True without a kernel API (Voilà): callers then rely on a quiet period."""
        if not self.kernel_api:
            return True
        return all(k["execution_state"] == "idle" for k in self.api("GET", "/api/kernels") or [])

    @property
    def runtime_dir(self) -> Path:
        """Where the server writes its kernels' connection files (``_isolated_env``)."""
        return self.log.parent / "runtime"

    def lab_url(self, notebook: str) -> str:
        return f"{self.url}/lab/tree/{notebook}?reset&token={self.token}"


def _isolated_env(tmp: Path) -> dict[str, str]:
    """Environment with every Jupyter config/data/runtime/settings dir inside ``tmp``."""
    env = dict(os.environ)
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                     ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython"),
                     ("MPLCONFIGDIR", "mpl")]:
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / sub)
    for name, settings in LAB_SETTINGS.items():
        f = tmp / "settings" / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(settings))
    env["PYTHONHASHSEED"] = "0"
    # One BLAS thread per kernel unless the caller says otherwise: on this busy 2-core machine a
    # multi-threaded OpenBLAS spin-waits and a 10 ms solve took 330 ms (measured). Small
    # lesson-size matrices gain nothing from a second thread.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    env.pop("MPLBACKEND", None)
    return env


@contextlib.contextmanager
def _serve(cmd: list[str], root: Path, tmp: Path, port: int, token: str,
           ready_path: str | None, timeout: float = 60.0,
           env: dict[str, str] | None = None) -> Iterator[Server]:
    tmp.mkdir(parents=True, exist_ok=True)
    log = tmp / "server.log"
    with open(log, "wb") as logf:
        proc = subprocess.Popen(cmd, cwd=root, env={**_isolated_env(tmp), **(env or {})},
                                stdout=logf,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", token, root, proc, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}:\n"
                                   f"{log.read_text()[-3000:]}")
            try:
                if ready_path:
                    server.api("GET", ready_path)
                else:                       # Voilà: GET / would execute the notebook
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server not ready after {timeout:.0f} s:\n"
                                       f"{log.read_text()[-3000:]}") from None
                time.sleep(0.2)
        yield server
    finally:
        _shutdown(server)


def _shutdown(server: Server) -> None:
    """Stop every kernel, then the server: API first, signals as the fallback."""
    proc = server.proc
    if proc.poll() is None:
        with contextlib.suppress(OSError, urllib.error.URLError, ValueError):
            server.shutdown_kernels()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)   # the server cleans up kernels it still has
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def copy_notebooks(notebooks: list[Path], dest: Path) -> Path:
    """Copy the notebooks into ``dest``: the server only ever sees the copies."""
    dest.mkdir(parents=True, exist_ok=True)
    for nb in notebooks:
        shutil.copy2(nb, dest / nb.name)
    return dest


@contextlib.contextmanager
def jupyter_server(root: Path, tmp: Path) -> Iterator[Server]:
    """``jupyter lab`` serving ``root`` on 127.0.0.1 at a free port, with a token."""
    port, token = free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           "--ServerApp.port_retries=0", "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    with _serve(cmd, root, tmp, port, token, "/api/status") as server:
        yield server


# The lessons' Voilà settings, as ``make present`` uses them (tools/voila/README.md): its
# template (no stylesheet from a CDN) and only the widgets' front-end extension.
VOILA_SETTINGS = ROOT / "tools" / "voila"


@contextlib.contextmanager
def voila_server(notebook: Path, tmp: Path) -> Iterator[Server]:
    """``voila NB.ipynb`` on 127.0.0.1 at a free port (code cells hidden by default), with the
    lessons' Voilà settings (``VOILA_SETTINGS``), as ``make present`` runs it."""
    port, token = free_port(), secrets.token_hex(16)
    voila = Path(sys.executable).with_name("voila")
    cmd = [str(voila), notebook.name, "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
           f"--Voila.token={token}"]
    env = {"JUPYTER_PATH": str(VOILA_SETTINGS), "JUPYTER_CONFIG_PATH": str(VOILA_SETTINGS)}
    with _serve(cmd, notebook.parent, tmp, port, token, None, env=env) as server:
        server.kernel_api = False
        yield server


@contextlib.contextmanager
def chromium(profile: Path, headless: bool = True):
    """A persistent Chromium context (playwright driving /usr/bin/chromium)."""
    from playwright.sync_api import sync_playwright  # imported here: optional dependency
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=headless, args=CHROMIUM_ARGS,
            viewport=VIEWPORT)
        try:
            yield ctx
        finally:
            ctx.close()


# --------------------------------------------------------------------------- Voilà page
def voila_open(page, url: str, cell_timeout: float = 120.0, total_timeout: float = 900.0):
    """Open a Voilà page and wait until it has run every cell and shows a dashboard figure.

    Voilà executes the whole notebook before any widget renders ("Executing k of N" in
    ``#loading_text``); on a busy machine that takes minutes (lesson 06: 25 s at load 2.5), so
    a fixed budget for the figure fails a healthy page. This waits on the execution itself:
    it fails when one cell runs longer than ``cell_timeout`` (naming it), or after
    ``total_timeout``; once the loading element is gone the figure must follow within 30 s."""
    page.goto(url, wait_until="commit")
    start = last_change = time.monotonic()
    text = "(not loaded)"
    while True:
        now_text = page.evaluate("""() => {
          const e = document.getElementById('loading');
          if (e) return (document.getElementById('loading_text') || e).innerText;
          return document.getElementById('rendered_cells') ? null : '(not loaded)'; }""")
        now = time.monotonic()
        if now_text is None:            # every cell ran, the loading element is gone
            break
        if now_text != text:
            text, last_change = now_text, now
        if now - last_change > cell_timeout:
            raise AssertionError(f"Voilà stuck at {text!r} for {cell_timeout:.0f} s")
        if now - start > total_timeout:
            raise AssertionError(f"Voilà still at {text!r} after {total_timeout:.0f} s")
        page.wait_for_timeout(200)
    page.locator(".wdlib-dashboard .wdlib-figure").first.wait_for(timeout=30_000)


class KernelTraffic:
    """The kernel messages a page sends and the kernel's replies, read off the page's
    websockets (JSON frames, or jupyter_server's binary v1 protocol): for a server without a
    kernel API (Voilà), whether the kernel has handled everything the page sent, and which
    widget updates (``comm_msg`` with ``method: update``) the page sent. Attach before
    ``page.goto``."""

    def __init__(self, page):
        self.sent: dict[str, dict] = {}        # msg_id -> content of a shell message sent
        self.done: set[str] = set()             # msg_ids whose "idle" status came back
        self.updates: list[dict] = []           # the state of each widget update sent
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        if "/api/kernels/" not in ws.url or "/channels" not in ws.url:
            return                      # another websocket (JupyterLab's events, terminals)
        ws.on("framesent", self._sent)
        ws.on("framereceived", self._received)

    @staticmethod
    def _parse(payload) -> tuple[str | None, dict, dict, dict]:
        """(channel, header, parent_header, content) of one websocket frame."""
        if isinstance(payload, str):
            msg = json.loads(payload)
            return (msg.get("channel"), msg.get("header", {}), msg.get("parent_header", {}),
                    msg.get("content", {}))
        n = int.from_bytes(payload[:8], "little")
        offsets = [int.from_bytes(payload[8 * (i + 1):8 * (i + 2)], "little") for i in range(n)]
        parts = [payload[offsets[i]:offsets[i + 1]] for i in range(n - 1)]
        header, parent, _, content = (json.loads(p) if p else {} for p in parts[1:5])
        return parts[0].decode(), header, parent, content

    def _sent(self, payload) -> None:
        channel, header, _, content = self._parse(payload)
        if channel == "shell":
            self.sent[header["msg_id"]] = content
            if header.get("msg_type") == "comm_msg" and \
                    content.get("data", {}).get("method") == "update":
                self.updates.append(content["data"].get("state", {}))

    def _received(self, payload) -> None:
        channel, header, parent, content = self._parse(payload)
        if channel == "iopub" and header.get("msg_type") == "status" and \
                content.get("execution_state") == "idle" and parent.get("msg_id"):
            self.done.add(parent["msg_id"])

    def pending(self) -> list[str]:
        return [m for m in self.sent if m not in self.done]

    def wait_handled(self, page, timeout: float = 60.0) -> None:
        """Wait until the kernel has handled every message the page sent so far."""
        deadline = time.monotonic() + timeout
        while self.pending():
            if time.monotonic() > deadline:
                raise AssertionError(f"kernel has not handled {len(self.pending())} "
                                     f"message(s) after {timeout:.0f} s")
            page.wait_for_timeout(50)

    def wait_update(self, page, key: str, count: int = 1, timeout: float = 30.0) -> list[dict]:
        """Wait until the page has sent ``count`` widget updates of trait ``key`` and the
        kernel has handled them; returns those updates."""
        deadline = time.monotonic() + timeout
        while len(found := [u for u in self.updates if key in u]) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"the page sent {len(found)} update(s) of {key!r} in "
                                     f"{timeout:.0f} s, expected {count}")
            page.wait_for_timeout(50)
        self.wait_handled(page, max(1.0, deadline - time.monotonic()))
        return found


# --------------------------------------------------------------------------- JupyterLab page
class Notebook:
    """One notebook open in JupyterLab: open, clear, run all, collect errors."""

    def __init__(self, page, server: Server, name: str):
        self.page, self.server, self.name = page, server, name

    def open(self, timeout: float = 60.0) -> Notebook:
        self.page.goto(self.server.lab_url(self.name))
        self.page.locator(".jp-Notebook").first.wait_for(timeout=timeout * 1000)
        self.wait_idle(timeout)
        return self

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Wait for the status bar's kernel status (the toolbar says idle before a kernel)."""
        self.page.get_by_text("(ipykernel) | Idle").first.wait_for(timeout=timeout * 1000)

    def command(self, command_id: str) -> None:
        """Run a JupyterLab command through its main-menu entry (``data-command``)."""
        menu = command_id.split(":")[0].removesuffix("menu")
        label = {"edit": "Edit", "run": "Run", "kernel": "Kernel", "file": "File"}[menu]
        self.page.locator(".lm-MenuBar-itemLabel", has_text=label).first.click()
        self.page.locator(f'.lm-Menu-item[data-command="{command_id}"]').first.click()

    def run_all(self, timeout: float = 120.0) -> Notebook:
        """Clear stored outputs, run every cell, wait until every code cell has run."""
        self.command("editmenu:clear-all")
        self.command("runmenu:run-all")
        page, deadline = self.page, time.monotonic() + timeout
        page.wait_for_timeout(300)
        while True:
            # textContent, not innerText: off-screen cells (content-visibility) render no text.
            # A cell whose source is hidden (metadata.jupyter.source_hidden) shows a placeholder
            # with an empty prompt instead of its input area: only input areas' prompts count.
            prompts = page.locator(".jp-CodeCell .jp-InputArea .jp-InputPrompt").all_text_contents()
            done = prompts and all(p.strip() not in ("[ ]:", "[*]:", "") for p in prompts)
            idle = page.get_by_text("(ipykernel) | Idle").count()
            if idle and (done or self.errors()):    # run-all stops at a cell that raised
                return self
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: cells not all run after {timeout:.0f} s: "
                                   f"{prompts}")
            page.wait_for_timeout(200)

    def errors(self) -> list[str]:
        """Error outputs of any cell and widget-rendering failures anywhere on the page."""
        page = self.page
        found = [t[:500] for t in page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
            ).all_inner_texts() if "Traceback" in t or "Error" in t]
        found += [t[:500] for t in page.locator(".jp-RenderedText[data-mime-type="
                                                "'application/vnd.jupyter.error']").all_inner_texts()]
        body = page.locator("body").inner_text()
        found += [f"page shows {msg!r}" for msg in WIDGET_ERRORS if msg in body]
        return found


# --------------------------------------------------------------------------- dashboards
# In-page instrumentation: the times of key presses / pointer downs (capture phase) and of the
# first frame after each new figure image has been decoded (img src replaced or img added) or a
# canvas inside the dashboard was drawn (ipympl). All in performance.now() milliseconds.
_PROBE_JS = """
(root) => {
  if (root.__probe) return;
  const p = root.__probe = {inputs: [], frames: []};
  const frame = () => requestAnimationFrame(() => p.frames.push(performance.now()));
  document.addEventListener('keydown', () => p.inputs.push(performance.now()), true);
  document.addEventListener('pointerdown', () => p.inputs.push(performance.now()), true);
  new MutationObserver((muts) => {
    for (const m of muts) {
      const imgs = m.type === 'attributes' ? [m.target]
        : [...m.addedNodes].flatMap(n => n.tagName === 'IMG' ? [n]
            : (n.querySelectorAll ? [...n.querySelectorAll('img')] : []));
      for (const img of imgs) if (img.tagName === 'IMG') img.decode().then(frame, frame);
    }
  }).observe(root, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...a) {
    const r = draw.apply(this, a);
    if (root.contains(this.canvas)) frame();
    return r;
  };
}
"""


_SHOWN_SHA = """async (el) => {
  const img = el.tagName === 'IMG' ? el : el.querySelector('img');
  const bytes = await (await fetch(img.src)).arrayBuffer();
  const h = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(h)].map(b => b.toString(16).padStart(2, '0')).join('');
}"""


def page_errors(page) -> list[str]:
    """A list that collects, from now on, the page's console errors and uncaught exceptions."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text[:300]) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {str(e)[:300]}"))
    return errors


class Dashboard:
    """One ``.wdlib-dashboard`` on a page (JupyterLab or Voilà) served by ``server``."""

    def __init__(self, page, root, server: Server):
        self.page, self.root, self.server = page, root, server

    @classmethod
    def all(cls, page, server: Server) -> list[Dashboard]:
        roots = page.locator(".wdlib-dashboard")
        return [cls(page, roots.nth(i), server) for i in range(roots.count())]

    def slider_keys(self) -> list[str]:
        """Keys of the controls that are sliders (have a noUiSlider handle), in page order."""
        return self.root.evaluate("""(root) =>
          [...root.querySelectorAll('[class*="wdlib-control-"]')]
          .filter(el => el.querySelector('.noUi-handle'))
          .map(el => [...el.classList].find(c => c.startsWith('wdlib-control-')).slice(14))""")

    def main_sliders(self) -> list[str]:
        """The sliders a test moves: ``lam`` and ``lr`` where present, else the first slider."""
        sliders = self.slider_keys()
        return [k for k in ("lam", "lr") if k in sliders] or sliders[:1]

    def control(self, key: str):
        return self.root.locator(f".wdlib-control-{key}").first

    @property
    def figure(self):
        return self.root.locator(".wdlib-figure").first

    def readout(self, key: str) -> str:
        return self.control(key).locator(".widget-readout").first.inner_text().strip()

    def figure_state(self) -> str:
        """Something that changes whenever the figure is redrawn: the img src (a blob URL or
        data URL of the PNG) plus the decoded pixels' hash, or a canvas's pixels."""
        return self.figure.evaluate("""(el) => {
          const img = el.tagName === 'IMG' ? el : el.querySelector('img');
          const cv = el.tagName === 'CANVAS' ? el : el.querySelector('canvas');
          const src = img || cv;
          const c = document.createElement('canvas');
          c.width = src.naturalWidth || src.width; c.height = src.naturalHeight || src.height;
          c.getContext('2d').drawImage(src, 0, 0);
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let h = 0; for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) | 0;
          return `${c.width}x${c.height}:${h}`;
        }""")

    def install_probe(self) -> None:
        self.root.evaluate(_PROBE_JS)

    def probe(self) -> dict[str, list[float]]:
        """``{"inputs": [...], "frames": [...]}`` recorded since ``install_probe``."""
        return self.root.evaluate("(r) => ({inputs: r.__probe.inputs, frames: r.__probe.frames})")

    def wait_figure_change(self, before: str, timeout: float = 10.0) -> str:
        """Wait until ``figure_state()`` differs from ``before``; return the new state."""
        deadline = time.monotonic() + timeout
        while True:
            now = self.figure_state()
            if now != before:
                return now
            if time.monotonic() > deadline:
                raise AssertionError(f"figure did not change within {timeout:.0f} s")
            self.page.wait_for_timeout(50)

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Wait until the server's kernels are idle (the page's cells / callbacks are done)."""
        deadline = time.monotonic() + timeout
        while not self.server.kernels_idle():
            if time.monotonic() > deadline:
                raise AssertionError(f"kernel still busy after {timeout:.0f} s")
            self.page.wait_for_timeout(100)

    def wait_figure_settled(self, before: str, timeout: float = 10.0, quiet_ms: int = 400) -> str:
        """Wait for a change, then until the kernel is idle and the figure has stayed the same
        for ``quiet_ms`` (a drag may redraw several times)."""
        state = self.wait_figure_change(before, timeout)
        deadline = time.monotonic() + timeout
        while True:
            self.page.wait_for_timeout(quiet_ms)
            now = self.figure_state()
            if now == state and self.server.kernels_idle():
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"figure or kernel still busy after {timeout:.0f} s")
            state = now

    def _towards_room(self, key: str) -> int:
        """+1 if the handle has more room to its right on the track, else -1."""
        box = self.control(key).locator(".noUi-handle").first.bounding_box()
        track = self.control(key).locator(".noUi-target").first.bounding_box()
        return 1 if box["x"] + box["width"] / 2 <= track["x"] + track["width"] / 2 else -1

    def press(self, key: str, keys: str | None = None) -> None:
        """Focus the control's slider handle and press a key on it (default: the arrow towards
        the side of the track with more room)."""
        handle = self.control(key).locator(".noUi-handle").first
        if keys is None:
            keys = "ArrowRight" if self._towards_room(key) > 0 else "ArrowLeft"
        handle.focus()
        handle.press(keys)

    def drag(self, key: str, dx: float = 40.0) -> None:
        """Drag the control's slider handle ``dx`` pixels with the mouse, towards the side of
        the track with more room."""
        box = self.control(key).locator(".noUi-handle").first.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        dx *= self._towards_room(key)
        mouse = self.page.mouse
        mouse.move(x, y)
        mouse.down()
        mouse.move(x + dx / 2, y, steps=4)
        mouse.move(x + dx, y, steps=4)
        mouse.up()

    def shown_sha(self) -> str:
        """The SHA-256 (hex) of the PNG bytes the figure's <img> shows (its blob or data URL):
        equal to the kernel's ``hashlib.sha256(dash.image.value)`` when it shows the newest."""
        return self.figure.evaluate(_SHOWN_SHA)

    def status(self) -> str:
        loc = self.root.locator(".wdlib-status")
        return loc.first.inner_text() if loc.count() else ""


def check_dashboard(dash: Dashboard, keys=None, timeout: float = 10.0) -> list[str]:
    """Move sliders by a key press and by a mouse drag; after each move the figure must change
    and the slider's readout text too. ``keys`` default: the λ and lr sliders the dashboard has
    (``lam``, ``lr``), else its first slider. Returns the readouts seen, for the report.
    Raises ``AssertionError`` naming the control and the move that did nothing."""
    assert dash.root.locator(".wdlib-figure").count(), "dashboard has no .wdlib-figure"
    assert dash.root.locator(".wdlib-status").count(), "dashboard has no .wdlib-status"
    dash.root.scroll_into_view_if_needed()
    dash.wait_idle()
    keys = dash.main_sliders() if keys is None else keys
    assert keys, "dashboard has no slider control (.wdlib-control-<key> with a slider)"
    seen = []
    for key in keys:
        assert dash.control(key).count(), f"dashboard has no .wdlib-control-{key}"
        for move in ("key", "drag"):
            readout, figure = dash.readout(key), dash.figure_state()
            if move == "drag":
                dash.drag(key)
            else:
                dash.press(key)
            try:
                dash.wait_figure_settled(figure, timeout)
            except AssertionError as e:
                raise AssertionError(f"{key} slider, {move}: {e} (readout {readout!r} -> "
                                     f"{dash.readout(key)!r})") from None
            after = dash.readout(key)
            assert after != readout, f"{key} slider, {move}: readout stayed {readout!r}"
            seen.append(f"{key}: {readout} -> {after}")
    return seen


# Evaluated in the notebook's kernel as a user expression: every wdlib dashboard object alive
# there (displayed or not) and what it says about itself. Reads only; imports nothing new (a
# kernel that never imported wdlib.live has none).
_DASHBOARDS_EXPR = """__import__("json").dumps([
  {"type": type(d).__name__, "renders": d.renders, "moves": d.moves,
   "error": None if d.error is None else repr(d.error), "status": d.status.value}
  for fw in [__import__("sys").modules.get("wdlib.live.framework")] if fw is not None
  for d in __import__("gc").get_objects() if isinstance(d, fw.Dashboard)])"""


def kernel_dashboards(server: Server, timeout: float = 30.0) -> list[dict]:
    """The wdlib dashboards in the server's one running kernel, read by a second client on the
    kernel's own ZMQ channels: a silent execute (no prompt, no output, no history) whose user
    expression lists each dashboard's ``renders``, ``moves`` (changes from the front end that
    retrained it), ``error`` and status-line HTML."""
    return kernel_expression(server, _DASHBOARDS_EXPR, timeout)


def _kernel_client(server: Server):
    """A second client on the server's one running kernel (its ZMQ channels started)."""
    from jupyter_client import BlockingKernelClient  # a dependency of ipykernel
    kernels = server.api("GET", "/api/kernels") or []
    assert len(kernels) == 1, f"expected one kernel, the server runs {len(kernels)}"
    client = BlockingKernelClient(
        connection_file=str(server.runtime_dir / f"kernel-{kernels[0]['id']}.json"))
    client.load_connection_file()
    # No heartbeat: each short-lived client's heartbeat thread held its own ZMQ socket, and in a
    # long browser run one of them failed with "Too many open files" (a warning, until it is not).
    client.start_channels(hb=False)
    return client


_HOLD = """def _wdlib_test_hold(started, path, timeout):
    import os, time
    open(started, "w").close()
    end = time.monotonic() + timeout
    while not os.path.exists(path) and time.monotonic() < end:
        time.sleep(0.002)
_wdlib_test_hold({started!r}, {path!r}, {timeout!r}); del _wdlib_test_hold"""


@contextlib.contextmanager
def kernel_held(server: Server, timeout: float = 60.0) -> Iterator[None]:
    """Keep the server's kernel busy for the ``with`` block (a silent execute that waits for a
    file, at most ``timeout`` s): what the page sends meanwhile queues in the kernel and is
    handled back to back on release, as after a slow retrain. Returns once the kernel has
    finished the hold."""
    token = secrets.token_hex(8)
    flag = server.runtime_dir / f"release-{token}"
    started = server.runtime_dir / f"held-{token}"
    client = _kernel_client(server)
    try:
        msg_id = client.execute(_HOLD.format(started=str(started), path=str(flag),
                                             timeout=timeout), silent=True, store_history=False)
        # The kernel runs the hold once it has written ``started``: a file, not its "busy" on
        # iopub, which a subscription this fresh can miss (ZMQ's slow joiner).
        deadline = time.monotonic() + 30
        while not started.exists():
            assert time.monotonic() < deadline, "the kernel did not start the hold in 30 s"
            time.sleep(0.01)
        started.unlink()
        try:
            yield
        finally:
            flag.touch()
            deadline = time.monotonic() + timeout
            while True:
                reply = client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            flag.unlink()
    finally:
        client.stop_channels()


def kernel_expression(server: Server, expr: str, timeout: float = 30.0):
    """``json.loads`` of the text a Python expression that returns JSON text gives in the
    server's one running kernel (a silent execute, as ``kernel_dashboards``)."""
    client = _kernel_client(server)
    try:
        msg_id = client.execute("", silent=True, store_history=False,
                                user_expressions={"d": expr})
        deadline = time.monotonic() + timeout
        while True:
            reply = client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                break
    finally:
        client.stop_channels()
    out = reply["content"].get("user_expressions", {}).get("d", {})
    assert out.get("status") == "ok", f"evaluating in the kernel failed: {out}"
    return json.loads(ast.literal_eval(out["data"]["text/plain"]))


def status_problems(text: str) -> list[str]:
    """What a status line should not say at a lesson's settings: an error (a bug, a bad link)
    or that the whole run diverged (the framework's first " · " part, ``diverged at step N``).
    A dashboard that trains many runs may say how many diverged ("10 of 64 runs diverged")."""
    parts = [p.strip() for p in text.split(" · ")]
    return ([f"error: {text[:300]!r}"] if "error" in text.lower() else []) + \
        ([f"diverged: {text[:300]!r}"] if parts and parts[0].startswith("diverged") else [])


def check_opened_quietly(page, server: Server, settle_ms: int = 500) -> list[dict]:
    """Right after run-all, before any slider moves: every dashboard is shown (scrolled into
    view, as a learner reading down would), then, after twice a ``settle_ms`` pause and an idle
    kernel, no wdlib dashboard in the kernel has been retrained by a change from the front end
    (``moves == 0``: ipywidgets 8's sliders may echo a value from code, which must change
    nothing), none holds an error, and no status line on the page says error or diverged.
    Returns the kernel's dashboards (for the report); raises ``AssertionError`` listing every
    problem."""
    shown = Dashboard.all(page, server)
    for dash in shown:
        dash.root.scroll_into_view_if_needed()
    deadline = time.monotonic() + 60
    for _ in range(2):                  # views render, sliders echo, the kernel handles them
        page.wait_for_timeout(settle_ms)
        while not server.kernels_idle():
            assert time.monotonic() < deadline, "kernel still busy 60 s after run-all"
            page.wait_for_timeout(100)
    found = kernel_dashboards(server)
    problems = [f"{d['type']} retrained {d['moves']} time(s) by the front end on open "
                f"(renders {d['renders']}; status {_plain(d['status'])[:300]!r})"
                for d in found if d["moves"]]
    problems += [f"{d['type']}: error {d['error']}" for d in found if d["error"]]
    for i, dash in enumerate(shown):
        problems += [f"dashboard {i} on the page, status line: {p}"
                     for p in status_problems(dash.status())]
    assert not problems, "\n".join(problems)
    return found


def _plain(html_text: str) -> str:
    """Status-line HTML as text (for messages)."""
    return re.sub(r"<[^>]+>", "", html_text)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in [0, 100]) of a non-empty list."""
    xs = sorted(values)
    k = max(0, min(len(xs) - 1, int(-(-q * len(xs) // 100)) - 1))
    return xs[k]


_TURN = {"ArrowRight": "ArrowLeft", "ArrowLeft": "ArrowRight"}


def timed_press(dash: Dashboard, key: str, keys: str = "ArrowRight",
                gap_ms: int = 300) -> tuple[float, str]:
    """Press ``keys`` on the focused handle of control ``key``; return the milliseconds from
    the keydown to the new figure's first frame, and the key to press next time (the arrow
    turns around at the end of the slider). Waits ``gap_ms`` after the frame so redraws never
    overlap; raises ``AssertionError`` if no new figure shows up within 10 s."""
    dash.install_probe()
    handle = dash.control(key).locator(".noUi-handle").first
    handle.focus()
    before = dash.readout(key)
    n0, f0 = (len(v) for v in dash.probe().values())
    handle.press(keys)
    if dash.readout(key) == before:           # at the end of the slider: turn around
        keys = _TURN[keys]
        n0 += 1
        handle.press(keys)
    deadline = time.monotonic() + 10
    while len(dash.probe()["frames"]) <= f0:
        if time.monotonic() > deadline:
            raise AssertionError(f"{key!r} {keys}: no new figure after 10 s")
        dash.page.wait_for_timeout(5)
    dash.page.wait_for_timeout(gap_ms)
    p = dash.probe()
    return p["frames"][f0] - p["inputs"][n0], keys


def key_latencies(dash: Dashboard, key: str, presses: int = 15, gap_ms: int = 300) -> list[float]:
    """``presses`` timed key presses on control ``key`` (see ``timed_press``), in ms."""
    out, keys = [], "ArrowRight"
    for _ in range(presses):
        t, keys = timed_press(dash, key, keys, gap_ms)
        out.append(t)
    return out


def burst(dash: Dashboard, key: str, presses: int = 10, gap_ms: int = 20,
          keys: str = "ArrowRight", settle_ms: int = 1500) -> dict[str, float]:
    """Press ``presses`` times, ``gap_ms`` apart, faster than a redraw; report the backlog.

    Returns the number of figure updates, the delay from the last press to the last update
    (``settle_ms``), and the single-press latency measured just before, for comparison.
    """
    dash.install_probe()
    handle = dash.control(key).locator(".noUi-handle").first
    handle.focus()
    n0, f0 = (len(v) for v in dash.probe().values())
    for _ in range(presses):
        handle.press(keys)
        dash.page.wait_for_timeout(gap_ms)
    dash.page.wait_for_timeout(settle_ms)
    last_frame = len(dash.probe()["frames"])
    while True:        # wait until no frame arrived during one more settle period
        dash.page.wait_for_timeout(settle_ms)
        p = dash.probe()
        if len(p["frames"]) == last_frame:
            break
        last_frame = len(p["frames"])
    inputs, frames = p["inputs"][n0:], p["frames"][f0:]
    return {"presses": presses, "updates": len(frames),
            "last_press_to_last_frame_ms": (frames[-1] - inputs[-1]) if frames else float("nan"),
            "burst_ms": inputs[-1] - inputs[0]}


def kernel_catalog_names() -> list[str]:
    """The names in ``wdlib.live.catalog()``, in lesson order, read in a subprocess (the test
    process does not import ipywidgets or the dashboards)."""
    out = subprocess.run([sys.executable, "-c", "from wdlib import live; "
                          "print(' '.join(live.catalog()))"], capture_output=True, text=True,
                         check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return out.stdout.split()
