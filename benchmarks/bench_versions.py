"""One slider retrain, this checkout against an older commit of this repository (default:
``f5322c0``, the version before the hot-path work of issue #12).

Run: `python benchmarks/bench_versions.py [--commit f5322c0] [--rounds 5] [--runs 30]`.
Prints figures; asserts nothing. The task is `bench_train.py`'s slider row: 2->16->16->1 tanh
MLP, 60 two-moons points (200 validation points), 300 SGD + momentum steps, from the same
initial weights, in two modes:

* ``train``: training data only (no validation loss);
* ``dashboard``: with the validation loss, as the dashboard runs it: every
  ``steps // 40`` steps in a version whose ``fit`` has ``val_every``, every step in an older one
  (which had no choice).

How it measures: the older commit is exported with ``git archive`` (from this repository's own
history: nothing is fetched) into a temporary folder; every round starts one fresh process per
version, alternating (old, new, old, new, ...), one BLAS thread each; a process times ``--runs``
retrains in CPU seconds (``time.process_time``: time spent waiting for a core on a shared machine
does not count) and reports the median. Figures are medians over the rounds; the ratio is the
median of the per-round ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS, VAL_POINTS = 300, 40

#: Run inside each version's process (its own ``wdlib`` first on the path): the medians, in ms.
CHILD = r"""
import inspect, json, sys, time
import numpy as np
import wdlib
from wdlib import data, models, train
want, runs = sys.argv[1], int(sys.argv[2])
if not wdlib.__file__.startswith(want):
    sys.exit(f"imported {wdlib.__file__}, expected a wdlib under {want}")
ds = data.two_moons(n=60, n_val=200, noise=0.35, seed=0)
mlp = models.MLP((2, 16, 16, 1), activation="tanh")
kw = dict(loss="bce", optimizer="momentum", lr=10 ** -0.5, steps=STEPS,
          params=mlp.init(seed=0), record="loss")
has_val_every = "val_every" in inspect.signature(train.fit).parameters
modes = {"train": lambda: train.fit(mlp, ds.X, ds.y, **kw),
         "dashboard": (lambda: train.fit(mlp, ds, val_every=max(1, STEPS // VAL_POINTS), **kw))
                      if has_val_every else (lambda: train.fit(mlp, ds, **kw))}
out = {"val_every": has_val_every}
for mode, run in modes.items():
    for _ in range(3):
        run()
    times = []
    for _ in range(runs):
        t = time.process_time()
        run()
        times.append(time.process_time() - t)
    out[mode] = 1e3 * float(np.median(times))
print(json.dumps(out))
""".replace("STEPS", str(STEPS)).replace("VAL_POINTS", str(VAL_POINTS))


def export(commit: str, into: Path) -> Path:
    """The tree of ``commit`` (this repository's history) written under ``into``."""
    got = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True)
    if got.returncode:
        sys.exit(f"--commit {commit!r}: git archive failed (a shallow clone has no history): "
                 f"{got.stderr.decode(errors='replace').strip()}")
    archive = got.stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def measure(tree: Path, runs: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(tree / "wdlib"), str(runs)],
                          env=env, cwd=tree, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commit", default="f5322c0", help="the older version (any git revision)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=30, help="retrains per process")
    args = ap.parse_args()
    for name in ("rounds", "runs"):
        if getattr(args, name) < 1:
            ap.error(f"--{name} must be >= 1, got {getattr(args, name)}")
    with tempfile.TemporaryDirectory() as tmp:
        versions = {args.commit: export(args.commit, Path(tmp)), "this checkout": ROOT}
        rows = {v: [] for v in versions}
        for _ in range(args.rounds):
            for v, tree in versions.items():
                rows[v].append(measure(tree, args.runs))
    print(f"one slider retrain ({STEPS} steps), CPU ms, median of {args.runs} runs a process, "
          f"{args.rounds} alternating rounds; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    new, old = rows["this checkout"], rows[args.commit]
    for mode in ("train", "dashboard"):
        for v, r in rows.items():
            how, every = "", max(1, STEPS // VAL_POINTS)
            if mode == "dashboard":
                how = (f" (validation every {every} steps)" if r[0]["val_every"]
                       else " (validation every step: no val_every)")
            print(f"  {mode:<9} {v:<14} {statistics.median(x[mode] for x in r):7.1f} ms{how}")
        ratio = statistics.median(n[mode] / o[mode] for n, o in zip(new, old, strict=True))
        print(f"  {mode:<9} this checkout / {args.commit} = {ratio:.2f}x")


if __name__ == "__main__":
    main()
