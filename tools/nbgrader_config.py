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
