"""How far the slider retrain is from its NumPy floor: ``fit`` against a bare loop that makes
exactly the NumPy calls ``fit`` makes, with no library around them (issue #12's question: how
much of a step is Python overhead).

Run: `python benchmarks/bench_floor.py [--rounds 15]`. The task is ``bench_versions.py``'s: a
2->16->16->1 tanh MLP, 60 two-moons points (200 validation points), 300 SGD + momentum steps,
BCE, ``record="loss"``, in two modes: ``train`` (no validation) and ``dashboard`` (validation
every 7 steps and at the last, as the dashboard runs it). The bare loop holds the parameters in
one flat vector as ``fit`` does (``layout.ALL``), runs the MLP's forward and backward, the BCE,
momentum (PyTorch's buffer: ``buf = g`` at step 0), the lr step and the finiteness test as the
library writes them; before timing, it checks that its final parameters, loss row and
validation row equal ``fit``'s **bit for bit** (else it exits: the floor would be another
computation). Then it times both in CPU seconds, alternating, one BLAS thread, and prints the
medians and bare/fit. The bare loop is no alternative to the library (it knows one model, one
optimizer, one loss): it is the time the library could reach with zero Python overhead.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")      # before numpy is imported
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from wdlib import data, models, train  # noqa: E402

STEPS, VAL_EVERY, LR, MU = 300, 7, 10 ** -0.5, 0.9
DS = data.two_moons(n=60, n_val=200, noise=0.35, seed=0)
MLP = models.MLP((2, 16, 16, 1), activation="tanh")
START = MLP.init(seed=0)
NEG, ZERO, ONE = np.array(-1.0), np.array(0.0), np.array(1.0)    # as ``losses`` passes them


def forward(p, X):
    """The three layers from the flat parameters (views, as ``layout.Layout.views``)."""
    W1, b1, W2 = p[0:32].reshape(2, 16), p[32:48], p[48:304].reshape(16, 16)
    b2, W3, b3 = p[304:320], p[320:336].reshape(16, 1), p[336:337]
    z1 = X @ W1
    z1 += b1
    np.tanh(z1, out=z1)
    z2 = z1 @ W2
    z2 += b2
    np.tanh(z2, out=z2)
    z3 = z2 @ W3
    z3 += b3
    return W2, W3, z1, z2, z3


def bce_value(z, y, e):
    per_entry = np.maximum(z, ZERO)
    per_entry -= y * z
    per_entry += np.log1p(e)
    return np.add.reduce(per_entry, axis=None) / float(z.size)


def bare(val_every: int | None):
    """The run, as bare NumPy calls: (final parameters, train loss row, validation row)."""
    X, y = DS.X, DS.y
    ones = np.ones(len(X))
    p = np.concatenate([START[k] for k in MLP.shapes], axis=None)
    rows, val_rows, buf = np.full(STEPS, np.nan), np.full(STEPS, np.nan), None
    for t in range(STEPS):
        W2, W3, z1, z2, z3 = forward(p, X)
        e = np.exp(np.copysign(z3, NEG))
        loss = bce_value(z3, y, e)
        dz = np.maximum(e, z3 >= ZERO)
        dz /= ONE + e
        dz -= y
        dz /= float(z3.size)
        g3, gb3 = z2.swapaxes(-1, -2) @ dz, ones @ dz
        da = np.multiply(dz, W3.swapaxes(-1, -2))
        tmp = np.multiply(da, z2)
        tmp *= z2
        da -= tmp
        g2, gb2 = z1.swapaxes(-1, -2) @ da, ones @ da
        da1 = np.matmul(da, np.ascontiguousarray(W2.swapaxes(-1, -2)))
        tmp = np.multiply(da1, z1)
        tmp *= z1
        da1 -= tmp
        g1, gb1 = X.swapaxes(-1, -2) @ da1, ones @ da1
        g = np.concatenate([g1, gb1, g2, gb2, g3, gb3], axis=None)
        if not math.isfinite(loss):
            break
        rows[t] = loss
        if val_every and (t % val_every == 0 or t == STEPS - 1):
            v = forward(p, DS.X_val)[-1]
            val_rows[t] = bce_value(v, DS.y_val, np.exp(np.copysign(v, NEG)))
        if buf is None:
            buf = np.array(g)
        else:
            buf = MU * buf
            buf += g
        new = p + (-LR) * buf
        if not math.isfinite(np.vdot(new, new)):
            break
        p = new
    return p, rows, val_rows


def library(val_every: int | None):
    kw = dict(loss="bce", optimizer="momentum", lr=LR, steps=STEPS, params=START, record="loss")
    if val_every:
        params, hist = train.fit(MLP, DS, val_every=val_every, **kw)
    else:
        params, hist = train.fit(MLP, DS.X, DS.y, **kw)
    flat = np.concatenate([params[k] for k in MLP.shapes], axis=None)
    return flat, hist.train_loss, hist.val_loss


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error(f"--rounds must be >= 1, got {args.rounds}")
    modes = {"train": None, "dashboard": VAL_EVERY}
    for mode, every in modes.items():
        lib, raw = library(every), bare(every)
        for name, a, b in zip(("parameters", "train loss", "val loss"), lib, raw, strict=True):
            if a is not None and (a.dtype != b.dtype or a.tobytes() != b.tobytes()):
                sys.exit(f"{mode}: the bare loop's {name} differ from fit's: it is not fit's "
                         f"computation (update it to the library's arithmetic)")
    times = {(who, mode): [] for who in ("fit", "bare") for mode in modes}
    for _ in range(args.rounds):
        for (who, mode), row in times.items():
            run = library if who == "fit" else bare
            start = time.process_time()
            run(modes[mode])
            row.append(time.process_time() - start)
    print(f"{STEPS} steps, CPU ms, median of {args.rounds} alternating rounds (same bits checked); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for mode in modes:
        fit_ms, bare_ms = (1e3 * statistics.median(times[who, mode]) for who in ("fit", "bare"))
        print(f"  {mode:<9} fit {fit_ms:6.2f} ms   bare NumPy calls {bare_ms:6.2f} ms   "
              f"bare/fit {bare_ms / fit_ms:.2f}")


if __name__ == "__main__":
    main()
