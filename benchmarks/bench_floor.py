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

``--task batched`` does the same for ``bench_train.py``'s batched row: 32 MLPs 2->32->32->1 on 200
two-moons points, BCE, AdamW (lr a K-array, decay on the weights), ``record="loss"``, no
validation. Its bare loop holds the two flat groups ``fit`` trains on ({"W": (32, 1120), "b":
(32, 65)}), runs the models in ``fit``'s blocks of 8 through five reused (8, 200, 32) buffers (the
MLP's ``Workspace``), and AdamW's one loop (``optim._adamw_in_one_loop``).
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


BATCH = dict(K=32, n=200, block=8, steps=200, lr=np.full(32, 1e-2), wd=1e-2, b1=0.9, b2=0.999,
             eps=1e-8)
BATCH_DS = data.two_moons(n=200, n_val=200, noise=0.2, seed=0)
BATCH_MLP = models.MLP((2, 32, 32, 1), activation="tanh")
BATCH_START = BATCH_MLP.init(seed=np.arange(32))
W_CUTS = ((0, 64, (2, 32)), (64, 1088, (32, 32)), (1088, 1120, (32, 1)))   # W1, W2, W3 in "W"
B_CUTS = ((0, 32), (32, 64), (64, 65))                                     # b1, b2, b3 in "b"


def batched_model(GW, Gb, X, y, bufs):
    """The K models' BCE values and gradients, block by block, as ``MLP.loss_and_grad``."""
    c = BATCH
    K, B, n = c["K"], c["block"], float(c["n"])
    Ws = [GW[:, a:b].reshape((K,) + shape) for a, b, shape in W_CUTS]
    bs = [Gb[:, a:b] for a, b in B_CUTS]
    Z1, Z2, D1, D2, T = bufs
    ones = np.ones(c["n"])
    values, parts = [], []
    for i in range(0, K, B):
        (w1, w2, w3), (c1, c2, c3) = ([a[i:i + B] for a in group] for group in (Ws, bs))
        np.matmul(X, w1, out=Z1)
        Z1 += c1[..., None, :]
        np.tanh(Z1, out=Z1)
        np.matmul(Z1, w2, out=Z2)
        Z2 += c2[..., None, :]
        np.tanh(Z2, out=Z2)
        z = Z2 @ w3
        z += c3[..., None, :]
        e = np.exp(np.copysign(z, NEG))
        per_entry = np.maximum(z, ZERO)
        per_entry -= y * z
        per_entry += np.log1p(e)
        values.append(np.add.reduce(per_entry.reshape(B, -1), axis=1) / n)
        dz = np.maximum(e, z >= ZERO)
        dz /= ONE + e
        dz -= y
        dz /= n
        g3, gb3 = Z2.swapaxes(-1, -2) @ dz, ones @ dz
        np.copyto(D2, dz)
        D2 *= w3.swapaxes(-1, -2)
        np.multiply(D2, Z2, out=T)
        T *= Z2
        D2 -= T
        g2, gb2 = Z1.swapaxes(-1, -2) @ D2, ones @ D2
        np.matmul(D2, np.ascontiguousarray(w2.swapaxes(-1, -2)), out=D1)
        np.multiply(D1, Z1, out=T)
        T *= Z1
        D1 -= T
        parts.append((X.swapaxes(-1, -2) @ D1, ones @ D1, g2, gb2, g3, gb3))
    g = [np.concatenate([p[j] for p in parts]) for j in range(6)]
    return np.concatenate(values), {
        "W": np.concatenate([g[j].reshape(K, -1) for j in (0, 2, 4)], axis=-1),
        "b": np.concatenate([g[j].reshape(K, -1) for j in (1, 3, 5)], axis=-1)}


def batched_adamw(G, grads, m, v, t: int):
    """AdamW's step on both groups (the decay on "W" only): new (params, m, v)."""
    c = BATCH
    b1, b2, step = c["b1"], c["b2"], -1.0 * c["lr"][:, None]
    new, m2, v2 = {}, {}, {}
    for k, g in grads.items():
        mk = b1 * m[k]
        tmp = (1 - b1) * g
        mk += tmp
        vk = b2 * v[k]
        np.multiply(g, 1 - b2, out=tmp)
        tmp *= g
        vk += tmp
        denom = np.sqrt(vk, out=tmp)
        denom /= math.sqrt(1 - b2**t)
        denom += c["eps"]
        direction = mk / (1 - b1**t)
        direction /= denom
        term = direction
        if k == "W":
            term = np.multiply(c["wd"], G[k], out=denom)
            term += direction
        new[k] = G[k] + np.multiply(step, term, out=direction)
        m2[k], v2[k] = mk, vk
    return new, m2, v2


def bare_batched(_=None):
    """The batched run, as bare NumPy calls: (final parameters, train loss rows, None)."""
    c = BATCH
    K, X, y = c["K"], BATCH_DS.X, BATCH_DS.y
    G = {g: np.concatenate([BATCH_START[k].reshape(K, -1) for k in keys], axis=-1)
         for g, keys in (("W", ("W1", "W2", "W3")), ("b", ("b1", "b2", "b3")))}
    m = {k: np.zeros_like(a) for k, a in G.items()}
    v = {k: np.zeros_like(a) for k, a in G.items()}
    bufs = [np.empty((c["block"], c["n"], 32)) for _ in range(5)]
    rows = np.full((c["steps"], K), np.nan)
    for t in range(c["steps"]):
        value, grads = batched_model(G["W"], G["b"], X, y, bufs)
        if not np.isfinite(value).all():
            break
        rows[t] = value
        new, m, v = batched_adamw(G, grads, m, v, t + 1)
        if not all(np.isfinite(a).reshape(K, -1).all(axis=1).all() for a in new.values()):
            break
        G = new
    flat = np.concatenate([G["W"], G["b"]], axis=-1)
    return flat, rows, None


def library_batched(_=None):
    c = BATCH
    params, hist = train.fit(BATCH_MLP, BATCH_DS.X, BATCH_DS.y, loss="bce", optimizer="adamw",
                             lr=c["lr"], weight_decay=c["wd"], steps=c["steps"],
                             params=BATCH_START, record="loss")
    K = c["K"]
    flat = np.concatenate([params[k].reshape(K, -1) for k in ("W1", "W2", "W3", "b1", "b2", "b3")],
                          axis=-1)
    return flat, hist.train_loss, None


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
    ap.add_argument("--task", choices=("slider", "batched"), default="slider",
                    help="the slider retrain (default) or bench_train.py's batched row")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error(f"--rounds must be >= 1, got {args.rounds}")
    if args.task == "batched":
        modes, runs = {"train": None}, {"fit": library_batched, "bare": bare_batched}
        steps = BATCH["steps"]
    else:
        modes, runs = {"train": None, "dashboard": VAL_EVERY}, {"fit": library, "bare": bare}
        steps = STEPS
    for mode, every in modes.items():
        lib, raw = runs["fit"](every), runs["bare"](every)
        for name, a, b in zip(("parameters", "train loss", "val loss"), lib, raw, strict=True):
            if a is not None and (a.dtype != b.dtype or a.tobytes() != b.tobytes()):
                sys.exit(f"{mode}: the bare loop's {name} differ from fit's: it is not fit's "
                         f"computation (update it to the library's arithmetic)")
    times = {(who, mode): [] for who in ("fit", "bare") for mode in modes}
    for _ in range(args.rounds):
        for (who, mode), row in times.items():
            start = time.process_time()
            runs[who](modes[mode])
            row.append(time.process_time() - start)
    print(f"{args.task}: {steps} steps, CPU ms, median of {args.rounds} alternating rounds "
          f"(same bits checked); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for mode in modes:
        fit_ms, bare_ms = (1e3 * statistics.median(times[who, mode]) for who in ("fit", "bare"))
        print(f"  {mode:<9} fit {fit_ms:6.2f} ms   bare NumPy calls {bare_ms:6.2f} ms   "
              f"bare/fit {bare_ms / fit_ms:.2f}")


if __name__ == "__main__":
    main()
