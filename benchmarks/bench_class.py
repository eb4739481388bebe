"""A class on one machine: N kernels, each dragging a dashboard now and then.

Each of N processes plays one learner's kernel (as `make lab` runs it: one BLAS thread): it builds
the dashboard, then until the time is up it waits a random pause (a learner reading), and drags a
slider for a few positions (each position one `.set()`: retrain + draw + PNG encode, what a
slider move costs in the kernel). Reported: `set()` latency p50 / p95 / share over the 150 ms
budget (key press -> new figure, README), CPU time per move, and resident memory per kernel.

With `--kernels` the learners are real Jupyter kernels (ipykernel, started with jupyter_client as
JupyterLab starts them; the same drag loop runs inside each kernel and the widget messages go out
over ZMQ), and the memory is the kernel's: idle (started, nothing imported) and after the lesson's
imports, the dashboard and the drags.

    python benchmarks/bench_class.py [--learners 8 16] [--seconds 20] [--dashboard weight_decay]
                                     [--kernels]

The default dashboard, weight_decay, is lesson 02's; the heaviest retrain per move is lesson 09's
`normalized` (`bench_live.py`; README's speed table reports both: `--dashboard normalized`). Bounded
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


def drag(name: str, seconds: float, seed: int, start_at: float, agg: bool = True):
    """One learner: build the dashboard, wait for ``start_at``, drag now and then for
    ``seconds``. Returns (set() latencies in ms, CPU ms per move, resident MB at the end)."""
    import matplotlib
    if agg:
        matplotlib.use("Agg")
    from bench_live import neighbour

    from wdlib import live
    dash = live.catalog()[name]()
    sliders = [k for k, w in dash.controls.items() if hasattr(w, "max")]
    rng = random.Random(seed)
    while time.time() < start_at:            # every kernel built: start together
        time.sleep(0.01)
    lat, cpu, end = [], [], time.time() + seconds
    time.sleep(rng.uniform(0, PAUSE_S[1]))   # learners do not start in step
    while time.time() < end:
        key = rng.choice(sliders)
        for _ in range(rng.randint(*DRAG)):
            value = neighbour(dash.controls[key])
            t0, c0 = time.perf_counter(), time.process_time()
            dash.set(**{key: value})
            lat.append(1e3 * (time.perf_counter() - t0))
            cpu.append(1e3 * (time.process_time() - c0))
        time.sleep(rng.uniform(*PAUSE_S))
    return lat, cpu, rss_mb()


def learner(name: str, seconds: float, seed: int, start_at: float, out) -> None:
    lat, cpu, mem = drag(name, seconds, seed, start_at)
    out.put((lat, cpu, mem, float("nan")))


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
    return summary(n, results)


def summary(n: int, results) -> dict:
    lat = np.concatenate([np.asarray(r[0]) for r in results])
    cpu = np.concatenate([np.asarray(r[1]) for r in results])
    return {"n": n, "moves": lat.size, "p50": np.percentile(lat, 50),
            "p95": np.percentile(lat, 95), "over": np.mean(lat > BUDGET_MS),
            "cpu": np.median(cpu), "mem": np.array([r[2] for r in results]),
            "idle": np.array([r[3] for r in results])}


# --------------------------------------------------------------------------- real kernels

KERNEL_CODE = """
import json, os, sys
_idle = [int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmRSS:")][0]
sys.path.insert(0, {here!r})
import bench_class
_r = bench_class.drag({name!r}, {seconds!r}, {seed!r}, {start_at!r}, agg=False)
with open({out!r}, "w") as _f:
    json.dump([_r[0], _r[1], _r[2], _idle], _f)
"""


def run_kernels(n: int, name: str, seconds: float) -> dict:
    """N real ipykernel kernels (jupyter_client), each running ``drag`` inside."""
    import json
    import subprocess
    import sys
    import tempfile

    from jupyter_client.manager import KernelManager
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (os.path.dirname(here), env.get("PYTHONPATH")) if p)
    tmp = tempfile.mkdtemp(prefix="bench_class_")
    kernels = []
    try:
        for _ in range(n):
            km = KernelManager(kernel_name="python3")
            km.kernel_spec.argv[0] = sys.executable      # this venv's Python
            # ipykernel's per-start warning (TCP without encryption, on loopback) is noise here;
            # a failing kernel still shows, through the execute reply's error below
            km.start_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=60)
            kernels.append((km, kc))
        start_at = time.time() + 8.0 + 0.4 * n
        outs, ids = [], []
        for i, (_km, kc) in enumerate(kernels):
            out = os.path.join(tmp, f"k{i}.json")
            outs.append(out)
            ids.append(kc.execute(KERNEL_CODE.format(here=here, name=name, seconds=seconds,
                                                      seed=i, start_at=start_at, out=out)))
        for (_km, kc), msg_id in zip(kernels, ids, strict=True):
            while True:
                reply = kc.get_shell_msg(timeout=seconds + 120)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"kernel failed: {reply['content'].get('evalue')}")
        results = []
        for out in outs:
            with open(out) as f:
                results.append(json.load(f))
    finally:
        for km, kc in kernels:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    return summary(n, results)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learners", type=int, nargs="+", default=[8, 16])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--dashboard", default="weight_decay")
    ap.add_argument("--kernels", action="store_true",
                    help="real Jupyter kernels (jupyter_client) instead of plain processes")
    args = ap.parse_args()
    what = "Jupyter kernels (ipykernel)" if args.kernels else "processes"
    print(f"dashboard {args.dashboard!r}; {os.cpu_count()} cores; learners are {what}, one BLAS "
          f"thread each; pauses {PAUSE_S[0]}-{PAUSE_S[1]} s between drags of "
          f"{DRAG[0]}-{DRAG[1]} moves; {args.seconds:g} s per class size")
    print(f"{'learners':>8}{'moves':>7}{'set() p50':>11}{'p95':>8}{'> 150 ms':>10}"
          f"{'CPU/move':>10}{'MB/kernel':>11}{'idle MB':>9}  load before/after")
    for n in args.learners:
        load = os.getloadavg()[0]
        r = (run_kernels if args.kernels else run_class)(n, args.dashboard, args.seconds)
        ok = "ok" if r["p95"] <= BUDGET_MS else "OVER"
        idle = "-" if np.isnan(r["idle"]).all() else f"{np.mean(r['idle']):.0f}"
        print(f"{n:>8}{r['moves']:>7}{r['p50']:>9.1f}ms{r['p95']:>6.0f}ms{100 * r['over']:>9.0f}%"
              f"{r['cpu']:>8.1f}ms{np.mean(r['mem']):>11.0f}{idle:>9}"
              f"  {load:.1f} / {os.getloadavg()[0]:.1f}   p95 {ok}", flush=True)


if __name__ == "__main__":
    main()
