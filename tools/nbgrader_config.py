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
