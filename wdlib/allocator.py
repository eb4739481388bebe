"""Keep freed memory in the process, so that K-model training does not pay for page faults.

Batched training allocates the same large temporaries (``(K, n, hidden)`` arrays, often > 1 MB)
on every step. glibc's malloc returns such blocks to the operating system when they are freed and
asks for fresh pages on the next step; on the virtual machines this project runs on, each new
4 KB page costs ~5 µs, which made a batched step *slower* per model than a loop of single runs.
``keep_freed_memory()`` raises glibc's mmap and trim thresholds (``mallopt``) so the blocks are
reused. It changes the whole process, so nothing in the core calls it: it is an explicit opt-in,
made by the live dashboards (``wdlib.live``, when a dashboard is built) and by the benchmarks,
and open to any script (``from wdlib import allocator; allocator.keep_freed_memory()``). Set the
environment variable ``WDLIB_KEEP_FREED_MEMORY=0`` to decline it even there. Elsewhere (macOS,
musl, Windows) it does nothing. Measured: ``benchmarks/bench_train.py``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3        # glibc's mallopt parameter numbers
TRIM_BYTES, MMAP_BYTES = 256 * 2**20, 32 * 2**20    # keep up to 256 MB; mmap only blocks > 32 MB
_done: bool | None = None


def keep_freed_memory() -> bool:
    """Tune glibc's allocator once; True when the tuning is in effect."""
    global _done
    if _done is None:
        _done = False
        if os.environ.get("WDLIB_KEEP_FREED_MEMORY", "1") != "0":
            name = ctypes.util.find_library("c")
            libc = ctypes.CDLL(name) if name else None
            mallopt = getattr(libc, "mallopt", None)
            if mallopt is not None and _is_glibc():
                _done = bool(mallopt(M_TRIM_THRESHOLD, TRIM_BYTES)) and bool(
                    mallopt(M_MMAP_THRESHOLD, MMAP_BYTES))
    return _done


def _is_glibc() -> bool:
    names = getattr(os, "confstr_names", {})
    return "CS_GNU_LIBC_VERSION" in names and "glibc" in (os.confstr("CS_GNU_LIBC_VERSION") or "")
