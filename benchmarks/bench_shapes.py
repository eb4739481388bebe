"""The shapes sweep: wdlib's ``train.fit`` against PyTorch eager (and JAX jit+vmap, where simple)
over a grid of MLP shapes, optimizers and dtypes, so that a ratio measured at one shape is not
read as a claim about all of them.

Run: ``python benchmarks/bench_shapes.py [--grid small|full|options] [--rounds 3] [--no-jax]``.
``small`` (the default, ~1-2 min on 2 cores): width {8, 64, 256} x depth {1, 3} hidden layers at
(n, K) = (50, 1), (50, 8), (1000, 1), SGD with momentum, float64. ``full``: width {8, 64, 256} x
depth {1, 3} x n {50, 1000, 10000} x K {1, 8, 64}, momentum, float64 (~10 min). ``options``:
SGD, momentum, AdamW, momentum with clipping by norm, momentum with a cosine schedule, each in
float64 and float32, over width {8, 64, 256} x depth {1, 3} x (n, K) in (50, 1), (1000, 1),
(50, 8), (1000, 8) (~15 min). Every model is 10 -> width^depth -> 1, tanh, MSE.

Each cell runs ``steps`` = 3e8 / (its flops a step), clamped to 10..200 (each contender takes
roughly the same wall time per cell); a cell over ``--flops-cap`` a step (default 1e9) is
skipped and says so. Prints wdlib's time per step and the ratios wdlib/PyTorch and wdlib/JAX
(> 1: wdlib slower), ``!!`` where wdlib takes more than 1.2x PyTorch's time, ``(differs)``
where the final losses disagree, and the load average at each row. How it measures is
``bench_peers.race``: one thread per library, contenders interleaved round by round, medians
of per-round ratios, the same initial weights and data. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_peers as peers  # noqa: E402  (pins every library to one thread before numpy)

OPTIONS = {"sgd": dict(optimizer="sgd"), "momentum": dict(optimizer="momentum"),
           "adamw": dict(optimizer="adamw", weight_decay=1e-2, lr=0.01),
           "clip": dict(optimizer="momentum", clip="norm", clip_threshold=0.5),
           "cosine": dict(optimizer="momentum", schedule="cosine")}
WIDTHS, DEPTHS = (8, 64, 256), (1, 3)


def cells(grid: str):
    """(width, depth, n, K, option, dtype) for each cell of ``grid``."""
    if grid == "small":
        nK = ((50, 1), (50, 8), (1000, 1))
        return [(w, d, n, K, "momentum", "float64") for w in WIDTHS for d in DEPTHS
                for n, K in nK]
    if grid == "full":
        return [(w, d, n, K, "momentum", "float64") for w in WIDTHS for d in DEPTHS
                for n in (50, 1000, 10000) for K in (1, 8, 64)]
    nK = ((50, 1), (1000, 1), (50, 8), (1000, 8))
    return [(w, d, n, K, o, dt) for o in OPTIONS for dt in ("float64", "float32")
            for w in WIDTHS for d in DEPTHS for n, K in nK]


def flops_per_step(sizes: tuple, n: int, K: int) -> float:
    """Forward and backward matmuls: 6 flops per weight per sample per model."""
    return 6.0 * K * n * sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", choices=("small", "full", "options"), default="small")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--flops-cap", type=float, default=1e9)
    ap.add_argument("--no-jax", action="store_true")
    args = ap.parse_args()
    torch = peers.torch_or_none()
    jax = None if args.no_jax else peers.jax_or_none()
    print(f"one thread per library; wall clock; {args.rounds} interleaved rounds, medians; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    base = peers.Case(loss="mse", activation="tanh")
    for w, d, n, K, option, dtype in cells(args.grid):
        sizes = (10,) + (w,) * d + (1,)
        label = f"width {w:3d} depth {d} n {n:5d} K {K:2d} {option:<8} {dtype}"
        f = flops_per_step(sizes, n, K)
        if f > args.flops_cap:
            print(f"  {label}  skipped ({f:.1e} flop a step)", flush=True)
            continue
        steps = int(max(10, min(200, 3e8 / f)))
        case = replace(base, sizes=sizes, n=n, K=K if K > 1 else None, dtype=dtype,
                       steps=steps, **OPTIONS[option])
        r = peers.race(case, torch, jax, args.rounds)
        cols = []
        for c in ("torch", "jax"):
            if c in r:
                cols.append(f"wdlib/{c} {r[c]:5.2f}x{'' if r[c + '_same'] else ' (differs)'}")
        flag = " !!" if r.get("torch", 0) > 1.2 else ""
        print(f"  {label}  {steps:3d} steps {r['us_step']:9.1f} us/step  {'  '.join(cols)}"
              f"  load {os.getloadavg()[0]:.1f}{flag}", flush=True)


if __name__ == "__main__":
    main()
