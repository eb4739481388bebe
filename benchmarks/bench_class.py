"""A class on one machine: N kernels, each dragging a dashboard now and then.

Each of N processes plays one learner's kernel (as `make lab` runs it: one BLAS thread): it builds
the dashboard, then until the time is up it waits a random pause (a learner reading), and drags a
slider for a few positions (each position one `.set()`: retrain + draw + PNG encode, what a
slider move costs in the kernel). Reported: `set()` latency p50 / p95 / share over the 150 ms
budget (key press -> new figure, README), and resident memory per kernel.

    python benchmarks/bench_class.py [--learners 8 16] [--seconds 20] [--dashboard weight_decay]

The default dashboard is the heaviest retrain per move (`bench_live.py`: weight_decay). Bounded
time: about (seconds + start-up) per N. Asserts nothing; the machine's load is printed.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"                   # as `make lab` / `make present` run the kernels

import argparse  # noqa: E402
import multiprocessing as mp  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

BUDGET_MS = 150.0
PAUSE_S = (1.0, 4.0)         # a learner reads, then drags again
DRAG = (2, 6)                # slider positions per drag


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc; NaN elsewhere)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def learner(name: str, seconds: float, seed: int, start_at: float, out) -> None:
    import matplotlib
    matplotlib.use("Agg")
    from bench_live import neighbour

    from wdlib import live
    dash = live.catalog()[name]()
    sliders = [k for k, w in dash.controls.items() if hasattr(w, "max")]
    rng = random.Random(seed)
    while time.time() < start_at:            # every kernel built: start together
        time.sleep(0.01)
    lat, end = [], time.time() + seconds
    time.sleep(rng.uniform(0, PAUSE_S[1]))   # learners do not start in step
    while time.time() < end:
        key = rng.choice(sliders)
        for _ in range(rng.randint(*DRAG)):
            value = neighbour(dash.controls[key])
            t0 = time.perf_counter()
            dash.set(**{key: value})
            lat.append(1e3 * (time.perf_counter() - t0))
        time.sleep(rng.uniform(*PAUSE_S))
    out.put((lat, rss_mb()))


def run_class(n: int, name: str, seconds: float) -> dict:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    start_at = time.time() + 8.0 + 0.4 * n   # time for every kernel to import and build
    procs = [ctx.Process(target=learner, args=(name, seconds, i, start_at, out))
             for i in range(n)]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    lat = np.concatenate([np.asarray(r[0]) for r in results])
    mem = np.array([r[1] for r in results])
    return {"n": n, "moves": lat.size, "p50": np.percentile(lat, 50),
            "p95": np.percentile(lat, 95), "over": np.mean(lat > BUDGET_MS), "mem": mem}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learners", type=int, nargs="+", default=[8, 16])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--dashboard", default="weight_decay")
    args = ap.parse_args()
    print(f"dashboard {args.dashboard!r}; {os.cpu_count()} cores; each kernel one BLAS thread; "
          f"pauses {PAUSE_S[0]}-{PAUSE_S[1]} s between drags of {DRAG[0]}-{DRAG[1]} moves; "
          f"{args.seconds:g} s per class size")
    print(f"{'kernels':>8}{'moves':>7}{'set() p50':>11}{'p95':>8}{'> 150 ms':>10}"
          f"{'MB/kernel':>11}  load before")
    for n in args.learners:
        load = os.getloadavg()[0]
        r = run_class(n, args.dashboard, args.seconds)
        ok = "ok" if r["p95"] <= BUDGET_MS else "OVER"
        print(f"{n:>8}{r['moves']:>7}{r['p50']:>9.1f}ms{r['p95']:>6.0f}ms{100 * r['over']:>9.0f}%"
              f"{np.mean(r['mem']):>11.0f}  {load:.1f}   p95 {ok}")


if __name__ == "__main__":
    main()
