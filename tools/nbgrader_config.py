# nbgrader configuration for the wdlib lessons (copied into the course directory by
# `make assignments`, tools/assignments.py). The course directory is the folder this file sits in.
c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "wdlib-lessons"

# The release keeps the lessons' stored figures and printed results (read-along without a
# kernel); nbgrader would otherwise clear every output.
c.ClearOutput.enabled = False

# A cleared solution becomes exactly the lesson's stub: the lines above `raise
# NotImplementedError` (signature, docstring, "# your code here") are outside the solution region.
c.ClearSolutions.code_stub = {"python": "raise NotImplementedError"}

# Grading runs each lesson top to bottom; the slowest cells train for a few seconds.
c.Execute.timeout = 120

# The feedback HTML shows the outputs the student's code wrote: an HTML output's <script> or
# onerror=, or a Javascript output, would run in the browser of whoever opens the feedback (the
# teacher first). Sanitized, they are shown as text (the lessons print no HTML: nothing else
# changes; tests/test_assignments.py).
c.HTMLExporter.sanitize_html = True

# That setting covers outputs only: nbgrader's feedback template renders a markdown cell's HTML as
# it is, and nbconvert emits a raw cell's text as HTML, so a student's markdown or raw cell with a
# <script>, an onerror= or a javascript: link would run there too. A markdown cell whose HTML
# uses anything but plain tags, attributes and links (FeedbackText.TAGS, ATTRS: all the lessons'
# markdown passes) and every raw cell are shown as their text, in a fenced block.
import re  # noqa: E402
import sys  # noqa: E402
from html.parser import HTMLParser  # noqa: E402

from nbconvert.filters.markdown_mistune import markdown2html_mistune  # noqa: E402
from nbconvert.preprocessors import Preprocessor  # noqa: E402


class FeedbackText(Preprocessor):
    TAGS = {"a", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4",
            "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup",
            "table", "tbody", "td", "th", "thead", "tr", "ul"}
    ATTRS = {"alt", "align", "class", "colspan", "height", "href", "id", "rowspan", "src",
             "start", "title", "width"}
    SCHEMES = {"http", "https", "mailto", "attachment"}    # else none: a relative or # link

    @classmethod
    def plain(cls, html: str) -> bool:
        """Whether ``html`` (a rendered markdown cell) holds only TAGS with ATTRS, and links and
        images of SCHEMES (read as the browser reads them: entities decoded, blanks dropped)."""
        safe = []

        def url_ok(value):
            scheme = re.match(r"([a-z][a-z0-9+.-]*):", re.sub(r"[\x00-\x20]", "", value).lower())
            return scheme is None or scheme.group(1) in cls.SCHEMES

        class Tags(HTMLParser):
            def handle_starttag(self, tag, attrs):
                safe.append(tag in cls.TAGS and all(
                    k in cls.ATTRS and (k not in ("href", "src") or url_ok(v or ""))
                    for k, v in attrs))

            def handle_endtag(self, tag):
                safe.append(tag in cls.TAGS)

        parser = Tags()
        parser.feed(html)
        parser.close()
        return all(safe)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "raw" or (cell.cell_type == "markdown"
                                       and not self.plain(markdown2html_mistune(cell.source))):
            fence = "~" * max([3] + [len(t) + 1 for t in re.findall("~+", cell.source)])
            cell.cell_type, cell.source = "markdown", f"{fence}\n{cell.source}\n{fence}"
            cell.pop("outputs", None)
        return cell, resources


c.HTMLExporter.preprocessors = [FeedbackText]

# Formulas in the feedback with nothing fetched from another host. nbgrader's feedback template
# calls nbconvert's `mathjax()` macro without an argument, so the page loaded MathJax from
# cdnjs.cloudflare.com whatever `HTMLExporter.mathjax_url` said. The page travels alone: the
# teacher opens feedback/<student>/NN_name/NN_name.html from disk, `nbgrader release_feedback`
# copies only the .html file to the exchange (`fetch_feedback` puts it in the student's
# NN_name/feedback/<time>/), and a student opens it from JupyterLab's file browser (a sandboxed
# frame once trusted, or /user/<name>/files/... served with `sandbox allow-scripts`): no folder
# beside it, no server path to rely on. So each page carries MathJax 2 as the jupyter-server-mathjax
# package ships it (the read-along site's copy, tools/build_site.py): its files as text in the page
# (MathJax's loader reads them from there instead of requesting them) and the STIX-Web fonts as
# data: URLs; about 2.5 MB a page, the same rendering (HTML-CSS, STIX-Web) as the site.
import base64  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import jinja2  # noqa: E402
from nbconvert.exporters import HTMLExporter  # noqa: E402
from traitlets import default  # noqa: E402

# MathJax 2 configured as the read-along site's template does (tools/site/wdlib_site.html.j2 says
# why each line), plus the loader's two hooks: a file MathJax asks for is run from FILES, a web
# font is given as a data: URL from FONTS. A file missing from both would be requested as before
# (tests/browser/test_feedback.py fails on any request).
OFFLINE_MATHJAX = """<script>
(function () {
  var FILES = %(files)s, FONTS = %(fonts)s;
  function offline(face) {
    var name = (String(face.src || "").match(/([\\w-]+\\.woff)[?']/) || [])[1];
    if (FONTS[name]) {
      face = MathJax.Hub.Insert({}, face);
      face.src = "url('data:font/woff;base64," + FONTS[name] + "') format('woff')";
    }
    return face;
  }
  window.MathJax = {
    config: ["TeX-AMS-MML_HTMLorMML-full.js", "Safe.js"],
    "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
                 styles: {"@font-face": {src: "local('MathJax_Blank')"}}},
    NativeMML: {styles: {"@font-face /*1*/": {src: "local('MathJax_Caligraphic')"},
                         "@font-face /*2*/": {src: "local('MathJax_Caligraphic Bold')"},
                         "@font-face /*3*/": {src: "local('MathJax_AMS')"},
                         "@font-face /*4*/": {src: "local('MathJax_Script')"},
                         "@font-face /*5*/": {src: "local('MathJax_Fraktur')"},
                         "@font-face /*6*/": {src: "local('MathJax_Fraktur Bold')"}}},
    MathMenu: {showRenderer: false},
    // nbconvert's settings (its mathjax.html.j2), here: a text/x-mathjax-config block after
    // this script would be read too late (MathJax starts before the parser reaches it)
    TeX: {equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
    tex2jax: {inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]],
              displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
              processEscapes: true, processEnvironments: true},
    displayAlign: "center", messageStyle: "none",
    AuthorInit: function () {
      var AJAX = MathJax.Ajax, JS = AJAX.loader.JS, Styles = AJAX.Styles;
      AJAX.loader.JS = function (url, callback) {
        var text = FILES[this.fileName(url)];
        if (text === undefined) { return JS.call(this, url, callback); }
        var script = document.createElement("script"), head = this.head;
        this.loading[url] = {callback: callback, status: this.STATUS.OK, script: script,
                             timeout: setTimeout(MathJax.Callback(["loadTimeout", this, url]),
                                                 this.timeout),
                             message: MathJax.Message.File(this.fileName(url))};
        script.text = text;        // run as a fetched file is: later, calling loadComplete(url)
        setTimeout(function () { head.appendChild(script); }, 0);
      };
      AJAX.Styles = function (styles, callback) {
        var out = {};
        for (var key in styles) {
          if (!styles.hasOwnProperty(key)) { continue; }
          var v = styles[key];
          out[key] = /^@font-face/.test(key)
            ? (Object.prototype.toString.call(v) === "[object Array]" ? v.map(offline) : offline(v))
            : v;
        }
        return Styles.call(this, out, callback);
      };
    }
  };
  var core = document.createElement("script");
  core.text = FILES["[MathJax]/MathJax.js"];
  document.head.appendChild(core);
})();
</script>"""

# What a page may ask MathJax for: its core, both configs, every extension and output file the
# HTML-CSS output with STIX-Web can load (not the accessibility extensions, the translations, the
# SVG output's fonts or mhchem 3: a Safe-mode page never loads those).
MATHJAX_SKIP = ("extensions/a11y/", "localization/", "jax/output/SVG/", "extensions/TeX/mhchem3/")


def _script_text(text: str) -> str:
    """``text`` as a JSON string safe inside <script>...</script>."""
    return json.dumps(text).replace("</", "<\\/").replace("<!--", "<\\!--")


@functools.cache
def offline_mathjax(_url=None) -> str:
    """The <script> blocks that typeset a page's math offline (OFFLINE_MATHJAX with the files)."""
    import jupyter_server_mathjax
    static = Path(jupyter_server_mathjax.__file__).resolve().parent / "static"
    files = {f"[MathJax]/{p.relative_to(static).as_posix()}": p.read_text(encoding="utf-8")
             for p in sorted(static.rglob("*.js"))
             if not p.relative_to(static).as_posix().startswith(MATHJAX_SKIP)}
    fonts = {p.name: base64.b64encode(p.read_bytes()).decode("ascii")
             for p in sorted((static / "fonts" / "HTML-CSS" / "STIX-Web" / "woff").glob("*.woff"))}
    return OFFLINE_MATHJAX % {
        "files": "{" + ",\n".join(f"{_script_text(k)}: {_script_text(v)}"
                                  for k, v in files.items()) + "}",
        "fonts": json.dumps(fonts)}


class FeedbackHTML(HTMLExporter):
    """nbgrader's feedback exporter, with nbconvert's `mathjax()` macro (which the feedback
    template calls) giving ``offline_mathjax()`` instead of the CDN's <script src>."""

    @default("extra_loaders")
    def _offline_mathjax_macro(self):
        return [jinja2.DictLoader({"mathjax.html.j2": (
            "{%- macro mathjax(url=None) -%}{{ url | offline_mathjax }}{%- endmacro %}")})]

    def default_filters(self):
        yield from super().default_filters()
        yield ("offline_mathjax", offline_mathjax)


c.GenerateFeedback.exporter_class = FeedbackHTML

# A cap on what a graded notebook's outputs can hold. A submission that printed 60 MB gave a 60 MB
# feedback page; one that printed 700 MB made nbgrader skip the student (the output did not reach
# it within nbclient's 4 s output time-out, "CellTimeoutError"; nbgrader's RSS 2.9 GB), and
# nbgrader's LimitOutput counts lines only (1000 a cell, of any length) and only after the run. So
# the grading kernel itself keeps at most TEXT characters of printed text and tracebacks and
# DISPLAY of figures and reprs a cell, TOTAL in the whole notebook, and says once in the cell
# where and why it cut (OUTPUT_CUT; the feedback shows it). The lessons and their solutions write
# at most 2 KB of text and 155 KB of display data a cell, 750 KB a notebook
# (tests/test_assignments.py keeps them far below). Run in the kernel at start-up, in a
# namespace of its own (the student's sees nothing).
# The same start-up caps each file the graded code writes at FILE bytes (RLIMIT_FSIZE, soft and
# hard, so the code cannot raise it; SIGXFSZ ignored, so the write past it raises OSError
# "File too large" in that cell instead of killing the kernel): a loop writing one file could fill
# the grading machine's disk. A lower limit set in the teacher's shell (`ulimit -f`) is kept.
# nbgrader and nbclient, which write the graded notebooks, run in another process; the kernel's
# one file of its own, IPython's history database (shared by every session of the teacher), would
# stop being saved past the cap, not the grading. Not on Windows (no `resource` module); many
# files are each capped, not their total.
OUTPUT_LIMITS = {"TEXT": 1_000_000, "DISPLAY": 4_000_000, "TOTAL": 10_000_000,
                 "FILE": 100_000_000}
OUTPUT_CUT = "[output cut by the grader: {what} passed {mb:g} MB; the rest was not kept]"
CAP_OUTPUT = '''
import json, signal, sys
from IPython import get_ipython
try:
    import resource
except ImportError:                             # Windows
    resource = None
if resource is not None:
    cap = min([FILE] + [n for n in resource.getrlimit(resource.RLIMIT_FSIZE)
                        if n != resource.RLIM_INFINITY])      # a lower limit of the shell's stays
    resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
shell = get_ipython()
used = {"text": 0, "display": 0, "total": 0, "said": set()}
LIMIT = {"text": TEXT, "display": DISPLAY}
DISPLAYS = {"display_data", "update_display_data", "execute_result"}


def new_cell(*args):
    used.update(text=0, display=0, said=set())


def room(kind):
    return max(0, min(LIMIT[kind] - used[kind], TOTAL - used["total"]))


def take(kind, n):
    used[kind] += n
    used["total"] += n


def note(kind):
    """The cut's note, the first time in this cell (else '')."""
    if kind in used["said"]:
        return ""
    used["said"].add(kind)
    if LIMIT[kind] - used[kind] <= TOTAL - used["total"]:
        what = "this cell's " + ("printed text" if kind == "text" else "display output")
        return CUT.format(what=what, mb=LIMIT[kind] / 1e6)
    return CUT.format(what="the notebook's output", mb=TOTAL / 1e6)


def size(data):
    return sum(len(v) if isinstance(v, (str, bytes)) else len(json.dumps(v, default=str))
               for v in (data or {}).values())


def capped(msg_type, content):
    """An output message's content cut to the room left (None: send nothing)."""
    if msg_type == "stream":
        text = content["text"]
        k = min(len(text), room("text"))
        take("text", k)
        if k < len(text):
            said = note("text")
            if not (k or said):
                return None
            content = {**content, "text": text[:k] + ("\\n" + said + "\\n" if said else "")}
    elif msg_type in DISPLAYS:
        n = size(content.get("data"))
        if n <= room("display"):
            take("display", n)
        else:
            said = note("display")
            if not said:
                return None
            content = {**content, "data": {"text/plain": said}, "metadata": {}}
    elif msg_type == "error":                # never dropped: the cell failed
        lines = content.get("traceback", [])
        kept, n = [], room("text")
        for line in lines[:-1]:
            if len(line) > n:
                kept += [line[:n], note("text")]
                n = 1000
                break
            kept.append(line)
            n -= len(line)
        else:
            n = max(n, 1000)
        # the error's own line ("AssertionError: <the checker's hint>") always: whole when there
        # is room, else its first 1000 characters (as evalue)
        kept = [line for line in kept if line] + [
            line if len(line) <= n else line[:n] + "\\n" + note("text") for line in lines[-1:]]
        take("text", sum(map(len, kept)))
        content = {**content, "traceback": kept, "evalue": content.get("evalue", "")[:1000]}
    return content


def capped_send(send):
    def sender(stream, msg_or_type, content=None, *args, **kwargs):
        if isinstance(msg_or_type, dict):
            new = capped(msg_or_type["header"]["msg_type"], msg_or_type["content"])
            if new is None:
                return None
            msg_or_type = {**msg_or_type, "content": new}
        elif isinstance(msg_or_type, str) and content is not None:
            content = capped(msg_or_type, content)
            if content is None:
                return None
        return send(stream, msg_or_type, content, *args, **kwargs)
    return sender


# Every output leaves the kernel through its session's send (streams from the I/O thread,
# displays, results and errors from the shell): cut there, whatever printed or displayed it.
for session in {id(o.session): o.session
                for o in (sys.stdout, sys.stderr, shell.display_pub, shell.displayhook)}.values():
    session.send = capped_send(session.send)
shell.events.register("pre_run_cell", new_cell)
'''
c.Execute.extra_arguments = [
    f"--IPKernelApp.exec_lines=exec({CAP_OUTPUT!r}, {dict(OUTPUT_LIMITS, CUT=OUTPUT_CUT)!r})"]

# Only notebooks travel. nbgrader copies every other file of a student's submitted/<id>/NN_name/
# into autograded/<id>/NN_name/, where the graded code runs with that folder on sys.path ahead of
# site-packages, and every other file of autograded/ into feedback/<id>/NN_name/: a handed-in
# `numpy/` was imported instead of NumPy and turned a checker off (a blank answer scored full
# marks, lesson 00 with the real nbgrader), and whatever the student's code wrote while graded
# was handed back as feedback. An assignment here is its notebook, so the copies keep notebooks
# only: these globs (nbgrader matches them on a file's or folder's name) match every name that
# does not end in ".ipynb", after nbgrader's own. The same list filters nbgrader's exchange
# (release, fetch, submit, collect: notebooks only, as the release is); feedback moves as .html.
# A file written while grading stays in autograded/ for the teacher; the audit names every file
# handed in beside the notebook.
# (".*": nbgrader's copy in autograde and generate_feedback matches with glob, where "*" skips a
# hidden name; a hidden notebook is not graded either.)
# Some other names pass, each exactly: the assignment's own folder, and the two files nbgrader's
# `submit` writes beside the notebook in the exchange, which `collect`, autograde and
# generate_feedback carry on into feedback/ and `release_feedback` reads (the submission's time
# and the secret its feedback is filed under). nbgrader's copies in autograde and
# generate_feedback test the folder they copy from too, so with every name but a notebook's
# ignored they copied nothing from it, and with the exchange's two files ignored `collect`
# dropped them: `release_feedback` stopped with FileNotFoundError on timestamp.txt (the whole
# exchange flow run with the real nbgrader, tests/test_exchange.py).
NBGRADER_FILES = ("timestamp.txt", "submission_secret.txt")
_source = Path(__file__).resolve().parent / "source"
_FOLDERS = sorted(p.name for p in (_source.iterdir() if _source.is_dir() else ()) if p.is_dir())


def spellable(name: str) -> bool:
    """A folder name the globs below can keep: letters, digits, "_" and ".", not ending in "b"
    (the globs' character classes and the ".ipynb" suffix chain are built from those)."""
    return re.fullmatch(r"[A-Za-z0-9_.]+", name) is not None and not name.endswith("b")


# A folder the globs cannot keep (e.g. "quiz-1", made in formgrader) is named on every command
# rather than stopping all of them: that assignment's notebooks are not copied from it.
for _name in _FOLDERS:
    if not spellable(_name):
        print(f"nbgrader_config.py: assignment folder source/{_name} cannot be kept by the "
              f"notebook-only filter (CourseDirectory.ignore): nbgrader will not copy its "
              f"notebooks. Rename it with letters, digits, '_' and '.' only, not ending in 'b' "
              f"(the lessons' folders are NN_name).", file=sys.stderr)
KEPT = frozenset(NBGRADER_FILES) | frozenset(n for n in _FOLDERS if spellable(n))


def not_kept_ending_in(suffix, words):
    """Globs matching every unhidden name that ends in ``suffix`` but ``words``, by the words'
    suffix tree: the name itself when not a word, and each name one letter further back that
    is not the end of a word."""
    ends = sorted({w[-len(suffix) - 1] for w in words if w.endswith(suffix) and w != suffix})
    globs = [] if suffix in words else [suffix]
    globs.append("*" + (f"[!{''.join(ends)}]" if ends else "?") + suffix)
    for c in ends:
        globs += not_kept_ending_in(c + suffix, words)
    return globs


assert all(spellable(w) for w in KEPT), KEPT                        # (nbgrader's two files too)
_LAST = "".join(sorted({w[-1] for w in KEPT}))
NOT_A_NOTEBOOK = ["*[!b" + _LAST + "]", *(g for x in _LAST for g in not_kept_ending_in(x, KEPT)),
                  "*[!n]b", "*[!y]nb", "*[!p]ynb", "*[!i]pynb", "*[!.]ipynb",
                  "b", "nb", "ynb", "pynb", "ipynb", ".*"]
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            *NOT_A_NOTEBOOK]
