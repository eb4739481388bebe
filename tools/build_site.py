"""Build the offline read-along site (``make site``): every lesson as static HTML from its stored
outputs (nothing is executed), with navigation, typeset math and every figure.

    python tools/build_site.py OUT_DIR

Nothing is fetched, at build time or when a page is viewed: the figures are inlined PNGs, the
template (``tools/site/wdlib_site.html.j2``) drops JupyterLab's CDN scripts, and MathJax 2 (the
version nbconvert's template configures) is copied from the ``jupyter-server-mathjax`` package
into ``OUT_DIR/mathjax``. Open ``OUT_DIR/index.html`` from disk or serve the folder anywhere.
A dashboard cell shows a note with the lesson's launch links instead of a widget's text repr,
naming the Out[n] where the page shows that dashboard's static figure;
the bootstrap cell (installs wdlib on Colab) is left out.
"""

from __future__ import annotations

import html
import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from wdlib import classroom

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIR = Path(__file__).resolve().parent / "site"
WIDGET = "application/vnd.jupyter.widget-view+json"
MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"


def lessons() -> list[Path]:
    return sorted((ROOT / classroom.NOTEBOOK_DIR).glob("[0-9][0-9]_*.ipynb"))


def page_name(nb: Path) -> str:
    return f"{nb.stem}.html"


def title(nb) -> str:
    """The lesson's first heading (markdown stripped to text)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return re.sub(r"[*_`$]", "", m.group(1)).strip()
    return "lesson"


def live_note(notebook: str, figure: int | None) -> str:
    """The note a dashboard's cell shows on the site; ``figure`` is the execution count of the
    cell that drew the dashboard's static figure (``Out[figure]`` on the page), if any."""
    links = " · ".join(f'<a href="{html.escape(url)}">{html.escape(label)}</a>'
                       for label, url in classroom.launch_links(notebook).items())
    where = (f"Its figure at the default settings is Out[{figure}] above." if figure is not None
             else "This page has no figure of it.")
    return (f'<div class="wdlib-live-note"><b>Live dashboard</b> — the sliders retrain the model '
            f'in a running kernel: open this lesson in JupyterLab, Voilà or Colab '
            f'({links}; locally: <code>make lab</code>). {where}</div>')


STATIC = re.compile(r"\b(\w+)\.static\(")       # a cell drawing dashboard NAME's static figure


# a markdown link to another lesson's notebook, e.g. lesson 00's map: ](02_l2_weight_decay.ipynb)
LESSON_LINK = re.compile(r"\]\((\d\d_\w+)\.ipynb(#[^)\s]*)?\)")


def site_links(markdown: str) -> str:
    """Point links to a lesson's notebook at its page: the site has no .ipynb files."""
    names = {p.stem for p in lessons()}
    return LESSON_LINK.sub(lambda m: f"]({m[1]}.html{m[2] or ''})" if m[1] in names else m[0],
                           markdown)


def for_the_site(nb, notebook: str):
    """Drop the bootstrap cell; replace each widget output by the live note; link lessons to
    their pages."""
    nb.cells = [c for c in nb.cells
                if classroom.BOOTSTRAP_TAG not in c.get("metadata", {}).get("tags", [])]
    figures = {}                       # dashboard name -> Out[n] of its static figure
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = site_links(cell.source)
            continue
        outputs = cell.get("outputs", [])
        if any("image/png" in out.get("data", {}) for out in outputs):
            count = cell.get("execution_count")
            figures.update({m[1]: count for m in STATIC.finditer(cell.source)})
        for out in outputs:
            if WIDGET in out.get("data", {}):
                name = re.match(r"\s*(\w*)", cell.source)[1]      # the cell shows `dash`, ...
                out["data"] = {"text/html": live_note(notebook, figures.get(name))}
    return nb


def nav(pages: list[tuple[str, str]], i: int, where: str) -> str:
    def link(j, arrow):
        if not 0 <= j < len(pages):
            return "<span></span>"
        href, text = pages[j]
        return f'<a href="{href}">{arrow} {html.escape(text)}</a>' if arrow == "←" else \
            f'<a href="{href}">{html.escape(text)} {arrow}</a>'
    return (f'<nav class="wdlib-nav {where}">{link(i - 1, "←")}'
            f'<a href="index.html">All lessons</a>{link(i + 1, "→")}</nav>')


def index_page(pages: list[tuple[str, str]]) -> str:
    items = "\n".join(f'<li><a href="{href}">{html.escape(text)}</a></li>' for href, text in pages)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>wdlib lessons — weight decay and training dynamics</title>
<style>body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; padding: 0 1em;
line-height: 1.5; }} li {{ margin: 0.3em 0; }}</style></head>
<body><main>
<h1>wdlib lessons — weight decay and training dynamics</h1>
<p>Read-along edition: every lesson with its figures and math, no kernel needed and nothing
fetched from the network. The dashboards are live only in a running kernel: each lesson's first
line links to Colab and Binder (JupyterLab, or Voilà with the code hidden); locally,
<code>make lab</code>.</p>
<ol start="0">
{items}
</ol>
</main></body></html>
"""


def copy_mathjax(out: Path) -> None:
    import jupyter_server_mathjax
    src = Path(jupyter_server_mathjax.__file__).resolve().parent / "static"
    shutil.copytree(src, out / "mathjax", dirs_exist_ok=True)


def build(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    copy_mathjax(out)
    exporter = HTMLExporter(template_name="lab", extra_template_basedirs=[str(TEMPLATE_DIR)],
                            template_file="wdlib_site.html.j2", mathjax_url=MATHJAX_URL)
    exporter.template_paths.insert(0, str(TEMPLATE_DIR))   # find wdlib_site.html.j2 first
    paths = lessons()
    notebooks = [nbformat.read(p, as_version=4) for p in paths]
    pages = [(page_name(p), title(nb)) for p, nb in zip(paths, notebooks, strict=True)]
    written = []
    for i, (path, nb) in enumerate(zip(paths, notebooks, strict=True)):
        resources = {"metadata": {"name": title(nb)},
                     "wdlib_nav_top": nav(pages, i, "top"),
                     "wdlib_nav_bottom": nav(pages, i, "bottom")}
        body, _ = exporter.from_notebook_node(for_the_site(nb, path.name), resources)
        target = out / page_name(path)
        target.write_text(body, encoding="utf-8")
        written.append(target)
    (out / "index.html").write_text(index_page(pages), encoding="utf-8")
    return [out / "index.html", *written]


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "_site")
    pages = build(out)
    print(f"site: {len(pages)} pages in {out}/ (open {out / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
