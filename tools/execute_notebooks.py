"""Re-execute notebooks in place so their stored outputs follow the library (`make notebooks`).

Widget state is not stored (the dashboards need a live kernel anyway); the static figure before
each dashboard is what GitHub and nbviewer show. The matplotlib and FreeType versions are recorded
in the notebook's metadata (``wdlib.rendered_with_matplotlib``, ``wdlib.rendered_with_freetype``)
for tests/test_notebooks.py, and the kernels run with ``WDLIB_PIXEL_RATIO=1`` and no
``QUERY_STRING`` (the figures are stored at 1x and at the dashboards' defaults, whatever the
caller's environment says).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import ipykernel.kernelspec
import matplotlib
import matplotlib.ft2font
import nbformat
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbconvert.preprocessors import ExecutePreprocessor
from traitlets import default


class _ThisPythonSpec(KernelSpecManager):
    """Every kernel name means an IPython kernel of this Python (what nbval's
    ``--nbval-current-env`` does): a kernelspec named ``python3`` elsewhere on the machine (a
    user's, conda's) would run the notebooks in another environment, with another wdlib."""

    def get_kernel_spec(self, kernel_name):
        return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                      **ipykernel.kernelspec.get_kernel_dict())


class ThisPythonKernel(AsyncKernelManager):
    """The kernel manager for nbclient (``kernel_manager_class=``): kernels of this Python."""

    @default("kernel_spec_manager")
    def _this_python(self):
        return _ThisPythonSpec()


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    ExecutePreprocessor(timeout=120, kernel_name="python3", record_timing=False,
                        kernel_manager_class=ThisPythonKernel).preprocess(
        nb, {"metadata": {"path": str(path.parent)}})
    elapsed = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    # tests/test_notebooks.py compares the stored dashboard figures pixel for pixel with fresh
    # renders, under the matplotlib and the FreeType that drew them (another version of either
    # may place or rasterize text differently).
    nb.metadata["wdlib"] = {"rendered_with_matplotlib": matplotlib.__version__,
                            "rendered_with_freetype": matplotlib.ft2font.__freetype_version__}
    for cell in nb.cells:               # no timestamps: a re-run changes only what it computed
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return elapsed


def main(paths: list[str]) -> None:
    # The kernels inherit this process's environment (jupyter_client copies os.environ when it
    # starts each one): the dashboards render at 1x (wdlib/live/framework.py reads
    # WDLIB_PIXEL_RATIO on import), not at a HiDPI ratio the caller's shell may have set.
    os.environ["WDLIB_PIXEL_RATIO"] = "1"
    os.environ.pop("QUERY_STRING", None)      # a Voila page's query would move the defaults
    for p in paths:
        print(f"{p}: executed in {execute(Path(p)):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
