"""The offline read-along site (``make site``, tools/build_site.py): built from the stored
outputs, every lesson a page with its figures, local math, navigation, a live note instead of
each widget's text repr, and nothing a browser would load from the network.
(tests/browser/test_links_and_site.py opens it in Chromium, over http and with the network cut
off.)"""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402

from wdlib import classroom  # noqa: E402

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
# (tag, attribute) pairs a browser fetches by itself; <a href> is a link the reader may follow
LOADS = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
         ("source", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"),
         ("object", "data"), ("input", "src")}


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.loads, self.links, self.imgs, self.styles = [], [], [], []
        self.notes, self._in_style = 0, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for t, attr in LOADS:
            if tag == t and a.get(attr):
                self.loads.append(a[attr])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        if "wdlib-live-note" in (a.get("class") or "").split():
            self.notes += 1
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def _remote(url: str) -> bool:
    return url.startswith("//") or urlsplit(url).scheme not in ("", "data", "file")


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    """The site as `make site` builds it (tests/conftest.py's ``built_site``: built once, shared
    with the browser tests, which open its pages in Chromium)."""
    return built_site[0]


def _parse(path: Path) -> tuple[Page, str]:
    text = path.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    return page, text


@pytest.mark.parametrize("nb", LESSONS, ids=lambda p: p.stem)
def test_lesson_page_has_every_figure_local_math_and_no_remote_loads(site, nb):
    page, text = _parse(site / f"{nb.stem}.html")
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])]
    pngs = sum("image/png" in o.get("data", {}) for o in outputs)
    inline = [s for s in page.imgs if s.startswith("data:image/png;base64,")]
    assert pngs > 0 and len(inline) == pngs, f"{len(inline)} figures on the page, {pngs} stored"
    # nothing the browser would fetch from the network: scripts, styles, fonts, images, math
    assert [u for u in page.loads if _remote(u)] == []
    css = "\n".join(page.styles)
    css_urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", css) + re.findall(
        r"@import\s+['\"]([^'\"]+)", css)
    assert [u for u in css_urls if _remote(u)] == []
    for url in page.loads:                  # every local resource is in the site
        if not url.startswith("data:"):
            assert (site / unquote(urlsplit(url).path)).is_file(), url
    # math: MathJax from the site itself, configured for $...$; the TeX is on the page
    assert build_site.MATHJAX_URL in page.loads
    assert (site / "mathjax" / "config" / "TeX-AMS-MML_HTMLorMML-full.js").is_file()
    assert "inlineMath: [ ['$','$']" in text and re.search(r"\$[^$]*\\[a-z]+", text)


class Blocks(HTMLParser):
    """The text of every paragraph, list item, table cell and heading of a page (a nested block's
    text counts in its own and its parent's)."""

    TAGS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}

    def __init__(self):
        super().__init__()
        self.texts, self._open = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self._open.append([tag, ""])

    def handle_endtag(self, tag):
        if tag in self.TAGS and self._open and self._open[-1][0] == tag:
            text = self._open.pop()[1]
            self.texts.append(text)
            if self._open:
                self._open[-1][1] += text

    def handle_data(self, data):
        if self._open:
            self._open[-1][1] += data


@pytest.mark.parametrize("nb", LESSONS, ids=lambda p: p.stem)
def test_no_inline_math_is_split_across_blocks(site, nb):
    """MathJax typesets $...$ only within one paragraph. A line of a markdown cell that starts
    with '+ ' (or '- ', '* ', '1. ') inside an open $...$ is a list item to nbconvert's markdown,
    which cuts the formula in two and the reader sees raw TeX (lesson 08, section 3 had
    '$\\hat m \\approx \\hat m_{\\text{data}}' and, on the next line, '+ \\lambda w$')."""
    blocks = Blocks()
    blocks.feed((site / f"{nb.stem}.html").read_text(encoding="utf-8"))
    odd = [t for t in blocks.texts if len(re.findall(r"(?<!\\)\$", t)) % 2]
    assert odd == []


@pytest.mark.parametrize("nb", LESSONS, ids=lambda p: p.stem)
def test_widget_cells_show_the_live_note_with_the_launch_links(site, nb):
    page, text = _parse(site / f"{nb.stem}.html")
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    widgets = sum(WIDGET in o.get("data", {}) for c in cells if c["cell_type"] == "code"
                  for o in c.get("outputs", []))
    assert page.notes == widgets
    # each note names the Out[n] where this page shows that dashboard's static figure
    named = [int(n) for n in re.findall(r"Its figure at the default settings is Out\[(\d+)\] above",
                                        text)]
    assert len(named) == widgets
    for n in named:
        cell = next(c for c in cells if c["cell_type"] == "code" and c["execution_count"] == n)
        assert ".static(" in "".join(cell["source"]) and any(
            "image/png" in o.get("data", {}) for o in cell["outputs"]), n
    assert "dashboard — controls:" not in text, "a widget output shows its text repr"
    for url in classroom.launch_links(nb.name).values():
        assert url in page.links
    assert "find_spec(&quot;wdlib&quot;)" not in text and 'find_spec("wdlib")' not in text, \
        "the bootstrap cell is left out of the read-along page"


def test_navigation_index_and_prev_next(site):
    index, _ = _parse(site / "index.html")
    assert index.links == [f"{nb.stem}.html" for nb in LESSONS]
    assert index.loads == ["data:,"]      # the empty icon: no /favicon.ico request
    for i, nb in enumerate(LESSONS):
        page, _ = _parse(site / f"{nb.stem}.html")
        local = [u for u in page.links if not _remote(u) and not u.startswith("#")]
        assert "index.html" in local
        if i > 0:
            assert f"{LESSONS[i - 1].stem}.html" in local
        if i < len(LESSONS) - 1:
            assert f"{LESSONS[i + 1].stem}.html" in local


def test_every_local_link_is_a_file_of_the_site(site):
    """A link between pages (lesson 00's map links every lesson's notebook) must point at a page
    of the site, not at an .ipynb the site does not have."""
    for path in [site / "index.html", *(site / f"{nb.stem}.html" for nb in LESSONS)]:
        page, _ = _parse(path)
        for url in page.links:
            if _remote(url) or url.startswith("#"):
                continue
            target = unquote(urlsplit(url).path)
            assert (site / target).is_file(), f"{path.name} links to {url}, not in the site"
