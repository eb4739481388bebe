"""Put the launch line and the bootstrap cell (``wdlib.classroom``) at the top of every lesson
(``make classroom``); ``--check`` only reports lessons that differ (exit status 1).

Mechanical: the two cells tagged ``wdlib-launch`` / ``wdlib-bootstrap`` are removed wherever they
are and inserted again as the first two cells; every other cell, output and metadata is kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from wdlib import classroom

ROOT = Path(__file__).resolve().parents[1]
TAGS = {classroom.LAUNCH_TAG, classroom.BOOTSTRAP_TAG}


def lessons() -> list[Path]:
    return sorted((ROOT / classroom.NOTEBOOK_DIR).glob("[0-9][0-9]_*.ipynb"))


def with_classroom_cells(nb, name: str):
    """``nb`` with the generated cells first and any older copies of them removed."""
    keep = [c for c in nb.cells if not TAGS & set(c.get("metadata", {}).get("tags", []))]
    nb.cells = [nbformat.from_dict(c) for c in classroom.classroom_cells(name)] + keep
    return nb


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path in lessons():
        text = path.read_text(encoding="utf-8")
        nb = with_classroom_cells(nbformat.reads(text, as_version=4), path.name)
        new = nbformat.writes(nb) + "\n"
        if new != text:
            stale.append(path.name)
            if not check:
                path.write_text(new, encoding="utf-8")
    verb = "differ" if check else "updated"
    print(f"classroom cells: {len(stale)} lesson(s) {verb}: {', '.join(stale) or '-'}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
