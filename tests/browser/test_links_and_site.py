"""Classroom edition in a real browser: a Voilà link with a URL query opens a dashboard at the
query's values (and a bad value shows the clear error), and the read-along site works with the
network cut off (math typeset by the local MathJax, every figure decoded, no remote request)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import quote

import harness as H
import pytest

pytestmark = pytest.mark.browser
LESSON = "01_capacity_and_overfitting.ipynb"      # the polynomial dashboard (degree, λ)


def _open(page, server, query: str) -> H.Dashboard:
    H.voila_open(page, f"{server.url}/?token={server.token}&{query}")
    page.locator(".wdlib-dashboard .wdlib-share").first.wait_for(timeout=30_000)
    return H.Dashboard.all(page, server)[0]


def test_voila_link_opens_the_dashboard_at_the_query_values(served_root, page, tmp_path):
    with H.voila_server(served_root / LESSON, tmp_path / "voila") as server:
        dash = _open(page, server, "dashboard=polynomial&degree=5&lam=0.001")
        assert dash.readout("degree") == "5"
        assert dash.readout("lam") == "1.0e-3"
        assert "error" not in dash.status() and "degree 5" in dash.status()
        share = dash.root.locator(".wdlib-share").first
        assert 'live.catalog()["polynomial"](degree=5, lam=0.001)' in share.inner_text()
        assert share.locator("a").first.get_attribute("href") == \
            "?dashboard=polynomial&degree=5&lam=0.001"
        # the share link, followed in the same Voilà, reopens at the same values
        share.locator("a").first.evaluate("a => a.removeAttribute('target')")
        share.locator("a").first.click()
        page.wait_for_url("**dashboard=polynomial**")
        again = _open(page, server, "dashboard=polynomial&degree=5&lam=0.001")
        assert again.readout("degree") == "5" and again.readout("lam") == "1.0e-3"


def test_voila_bad_link_value_shows_the_clear_error(served_root, page, tmp_path):
    with H.voila_server(served_root / LESSON, tmp_path / "voila") as server:
        dash = _open(page, server, "dashboard=polynomial&degree=5&lam=1000")
        status = dash.status()
        assert "error in the link: ValueError: lam must be in [1e-07, 10], got 1000" in status
        assert dash.readout("degree") == "12" and dash.readout("lam") == "1.0e-7"  # defaults
        body = page.locator("body").inner_text()
        assert "Traceback" not in body and "There was an error" not in body
        dash = _open(page, server, "dashboard=polynomial&lam=__import__('os')")
        assert "lam must be a number in [1e-07, 10], got \"__import__('os')\"" in dash.status()
        # never evaluated: the message alone cannot tell (a framework that evaluated the text,
        # kept a number and else fell back to the text gave this very message), a trace can
        trace = tmp_path / "evaluated"
        code = f"__import__('pathlib').Path({str(trace)!r}).touch()"
        dash = _open(page, server, "dashboard=polynomial&lam=" + quote(code, safe=""))
        assert "error in the link: ValueError: lam must be a number in [1e-07, 10], got " \
            in dash.status()
        assert not trace.exists(), f"the link's text was evaluated: {code}"


def test_site_reads_offline_math_figures_and_no_remote_request(page, built_site):
    site, _ = built_site
    remote = []

    def only_files(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            remote.append(route.request.url)
            route.abort()

    page.route("**/*", only_files)
    for name in ("index.html", Path(LESSON).with_suffix(".html").name):
        page.goto((site / name).as_uri())
        page.wait_for_load_state("load")
    page.wait_for_function("() => window.MathJax && MathJax.Hub", timeout=30_000)
    page.evaluate("() => new Promise(done => MathJax.Hub.Queue(() => done(true)))")
    typeset = page.locator(".MathJax, .MathJax_Display, .MathJax_CHTML").count()
    assert typeset > 20, f"only {typeset} typeset formulas"
    assert "Math Processing Error" not in page.locator("body").inner_text()
    assert page.locator("script[type^='math/tex']").count() >= typeset // 2
    broken = page.evaluate("() => [...document.images].filter(i => !i.complete || "
                           "!i.naturalWidth).length")
    stored = (H.NOTEBOOKS / LESSON).read_text(encoding="utf-8").count('"image/png"')
    assert broken == 0 and page.locator("img").count() == stored > 0
    assert page.locator(".wdlib-live-note").count() == 1
    assert page.locator("nav.wdlib-nav a[href='index.html']").count() == 2
    assert remote == [], f"the page asked the network for {remote[:5]}"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def _http(folder: Path):
    """``folder`` served over http on 127.0.0.1 (a static host, as the README offers)."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _watch(page) -> list[str]:
    """Every failed request, error status and console error or page error of ``page``."""
    problems = []
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return problems


# Every formula of the page typeset by MathJax (its HTML-CSS frame exists), none an error, in
# the STIX-Web fonts the site ships, each of them loaded.
TYPESET = """() => new Promise(done => MathJax.Hub.Queue(() => {
  const scripts = [...document.querySelectorAll("script[type^='math/tex']")];
  const stix = [...document.fonts].filter(f => f.family.startsWith('STIXMathJax'));
  done({formulas: scripts.length,
        framed: scripts.filter(s => {
          const jax = MathJax.Hub.getJaxFor(s);
          return jax && document.getElementById(jax.inputID + '-Frame'); }).length,
        errors: document.querySelectorAll('.MathJax_Error, .merror').length
                + (document.body.innerText.includes('Math Processing Error') ? 1 : 0),
        font: MathJax.OutputJax['HTML-CSS'].fontInUse,
        stix: stix.filter(f => f.status === 'loaded').length,
        stix_not_loaded: stix.filter(f => f.status === 'error' || f.status === 'loading')
                             .map(f => f.family)});
}))"""


def _typeset(page) -> dict:
    page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.OutputJax['HTML-CSS']"
                           " && MathJax.OutputJax['HTML-CSS'].fontInUse", timeout=60_000)
    return page.evaluate(TYPESET)


def _assert_typeset_in_stix(page, url: str, at_least: int) -> None:
    """More than ``at_least`` formulas on the page, each framed by MathJax's HTML-CSS output in
    the STIX-Web fonts it ships (all loaded), none a "Math Processing Error"."""
    typeset = _typeset(page)
    assert typeset["formulas"] > at_least and typeset["framed"] == typeset["formulas"], \
        (url, typeset)
    assert typeset["errors"] == 0 and typeset["font"] == "STIX-Web", (url, typeset)
    assert typeset["stix"] > 0 and typeset["stix_not_loaded"] == [], (url, typeset)


def test_site_pages_make_no_failed_request_log_no_error_and_typeset(page, built_site):
    """Each page, served over http and opened from disk (README: "a USB stick or any static
    host"), asks only for files the site has and logs no console error, and MathJax typesets
    every formula with the STIX-Web fonts it ships. Before: each lesson page asked for
    jax/output/HTML-CSS/fonts/TeX/fontdata.js (the default web font, TeX, is not shipped) and,
    for \\mathbb/\\mathcal, fonts/HTML-CSS/TeX/otf/MathJax_AMS-Regular.otf and
    MathJax_Script-Regular.otf (NativeMML's styles on AssistiveMML's hidden copy); with STIX-Web
    alone there was still MathJax_Blank's url('about:blank'), a CORS error; and over http every
    page asked for /favicon.ico."""
    site, pages = built_site
    problems = _watch(page)
    with _http(site) as base:
        urls = [f"{base}/{name}" for name in pages]
        urls += [(site / name).as_uri() for name in ("index.html", Path(LESSON).stem + ".html")]
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("load")
            if url.endswith("/index.html"):
                page.wait_for_timeout(500)
                assert problems == [], url
                continue
            _assert_typeset_in_stix(page, url, at_least=0)
            page.wait_for_timeout(300)      # a late font or script request
            assert problems == [], url


def test_voila_link_at_a_slider_position_keeps_its_value_bit_for_bit(served_root, page, tmp_path):
    """Chromium computes the clipping lr slider's position 10 ** -1.75 as 0.017782794100389236
    (Math.pow), Python as 0.01778279410038923. The slider sent its float back once shown: the
    dashboard retrained and its share link changed from the link it was opened with. Now a
    position is compared as a position, and a move runs at the position's Python value."""
    lr = repr(10 ** -1.75)
    with H.voila_server(served_root / "06_gradient_clipping.ipynb", tmp_path / "voila") as server:
        traffic = H.KernelTraffic(page)         # Voilà has no kernel API: read the websocket
        dash = _open(page, server, f"dashboard=clipping&lr={lr}")
        share = dash.root.locator(".wdlib-share").first
        # the slider's value, sent back once shown, and handled by the kernel (the case this
        # test is about: the browser's float, not Python's)
        echo = traffic.wait_update(page, "value")
        assert [u["value"] for u in echo] == [0.017782794100389236], echo
        assert f"lr={lr}," in share.inner_text()
        assert "rounded" not in dash.status() and "between" not in dash.status()
        for n, key in enumerate(("ArrowRight", "ArrowLeft"), 2):  # away and back: Python's value
            figure = dash.figure_state()
            dash.press("lr", key)
            traffic.wait_update(page, "value", count=n)
            dash.wait_figure_settled(figure)
        assert f"lr={lr}," in share.inner_text() and f"lr={lr}&" in \
            share.locator("a").first.get_attribute("href")
