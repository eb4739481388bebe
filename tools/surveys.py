"""Re-run the surveys that lessons 04 and 08 quote but are too slow to run in the notebook.

    python tools/surveys.py lesson04|lesson08|all        (make surveys: all)

Each lesson runs its experiment on one sample or a few, asserts the claim there, and quotes a larger
survey (lesson 04: training samples 0-59, and init seed 1 on 0-29; lesson 08: data sets 0-39). This
script repeats each experiment exactly as the lesson's cell computes it (the same tasks from
wdlib.tasks, the same optimizers, steps and grids) over the quoted range, prints the quoted number
next to the measured one, and exits with status 1 if any differs. ``QUOTED`` holds the lessons'
words; tests/test_surveys.py checks that each phrase is in its lesson and that the functions below
give the numbers the notebooks print on the notebooks' own seeds. The full survey takes about a
minute on the 2-core machine, one BLAS thread (38 s of CPU: lesson 04 ~28 s, 180 batched fits of
K = 102 models, one a sample and init; lesson 08 ~10 s).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from wdlib import allocator, loop, losses, models, optim, schedules, solvers, train
from wdlib.tasks.regression import (
    LAMBDA_LR_GRID_LAMS,
    LAMBDA_LR_GRID_LRS,
    LAMBDA_LR_GRID_N,
    lambda_task,
    legendre_features,
)

# What the lessons say. "phrases" are found verbatim in the lesson's cells (tests/test_surveys.py),
# "numbers" are the quoted values the survey must print, each inside one of the phrases.
QUOTED = {
    "lesson04": {
        "notebook": "notebooks/04_choosing_lambda.ipynb",
        "phrases": ["60 samples (0–59; `python tools/surveys.py lesson04` re-runs it)",
                    "lr 0.3 and 1\n  picked the exact λ or its grid neighbour",
                    "a smaller\n  lr could still pick a λ decades off, either way",
                    "(two decades or more on 11 of the 60 samples)",
                    "(two decades or more on 3 of the 60; started from\n  zeros, not one "
                    "sample's was even a decade higher)",
                    "python tools/surveys.py lesson04 re-runs this on samples 0-59 "
                    "(and init seed 1 on 0-29)",
                    "the smallest lr picks the largest λ of the row (3x to 3e7x",
                    "from zeros the smallest λ of the grid",
                    "lr 0.003-0.1 can be decades off"],
        "numbers": {"ratio": "3x to 3e7x", "off": "decades", "lower": "11 of the 60",
                    "higher": "3 of the 60", "zeros_higher": "not one"},
    },
    "lesson08": {
        "notebook": "notebooks/08_decoupled_weight_decay.ipynb",
        "phrases": ["(38-179x\n# over seeds 0-39, for feature scales spread 100x: "
                    "python tools/surveys.py lesson08)",
                    "at most 2.1·lr·λ·T on data sets 0-15, 2.3·lr·λ·T on 0-39 by\n"
                    "#      python tools/surveys.py lesson08",
                    "A survey over data sets 0–39 (`python tools/surveys.py lesson08`\nre-runs it) "
                    "gave the same order on all of them, at most 0.87 times as far"],
        "numbers": {"spread": "38-179x", "c16": "2.1", "c40": "2.3", "ends": "0.87"},
    },
}


# ---------------------------------------------------------------- lesson 04, section 8

L04_N = 20                                           # training points (section 2's n)
L04_LAMS = np.logspace(-7, 1, 17)                    # rows: 2 values a decade (cell "lams_g")
L04_LRS = np.array([0.003, 0.01, 0.03, 0.1, 0.3, 1.0])   # columns (cell "lrs_g")
L04_STEPS = 501                                      # hist.val_loss row t: after t updates


def _half_mse(w, b, X, y):
    return 0.5 * np.mean((X @ w.T + b - y) ** 2, axis=0)


def lesson04_sample(seed: int, init_seed: int = 0) -> dict:
    """Lesson 04's λ × lr grid (cell "lams_g = ..."), trained from Xavier and from zeros on
    training sample ``seed`` with initialization seed ``init_seed``: the best λ per lr (6,) after
    20 and 500 epochs ("x20", "x500" from Xavier, "z20", "z500" from zeros, NaN where every λ of
    a column diverged) and the exact minimizer's best λ on the same grid ("exact")."""
    ds = lambda_task(seed)
    F, y = legendre_features(ds.X[:L04_N]), ds.y[:L04_N]
    F_val, y_val = legendre_features(ds.X_val), ds.y_val
    gg = train.grid(lam=L04_LAMS, lr=L04_LRS)        # K = 102, the 6 lrs of one λ together
    out = {}
    for init in ("xavier", "zeros"):
        _, h = train.fit(models.linear(12), F, y, optimizer="momentum", lr=gg.flat["lr"],
                         weight_decay=gg.flat["lam"], steps=L04_STEPS, init=init, seed=init_seed,
                         X_val=F_val, y_val=y_val, record="loss")
        v = h.val_loss
        v = np.where(np.isfinite(v) & (v < 10.0), v, np.nan)    # blown-up runs -> NaN
        for epochs in (20, 500):
            V = gg.unflatten(v[epochs])                          # (17, 6)
            ok = np.isfinite(V).any(axis=0)
            best = L04_LAMS[np.argmin(np.where(np.isfinite(V), V, np.inf), axis=0)]
            out[f"{init[0]}{epochs}"] = np.where(ok, best, np.nan)
    W_ref, B_ref = solvers.ridge(F, y, L04_LAMS)
    out["exact"] = L04_LAMS[np.argmin(_half_mse(W_ref, B_ref, F_val, y_val))]
    return out


def lesson04_survey(samples=range(60), init_seed: int = 0) -> dict:
    """The claims of lesson 04's section 8 over ``samples`` (arrays of len(samples)): whether
    Xavier's smallest lr picks the largest λ of the 20-epoch row and more than lr 0.1's
    ("small_lr_largest"), its λ over lr 0.1's ("ratio"), whether from zeros lr 3e-3 picks the
    grid's smallest λ ("zeros_smallest"), the largest distance in grid steps (half decades) from
    the exact λ at 500 epochs for lr 0.3 and 1 ("off_fast", diverged columns skipped), and for
    lr 0.003-0.1 at 500 epochs the lowest and the highest log10(chosen / exact λ) of the four, in
    decades, from Xavier ("low", "high") and from zeros ("low_zeros", "high_zeros")."""
    rows = [lesson04_sample(s, init_seed) for s in samples]
    x20 = np.array([r["x20"] for r in rows])
    exact = np.array([r["exact"] for r in rows])[:, None]
    x500 = np.log10(np.array([r["x500"] for r in rows]) / exact)             # decades
    z500 = np.log10(np.array([r["z500"] for r in rows]) / exact)[:, :4]
    fast = np.where(np.isfinite(x500[:, 4:]), np.abs(x500[:, 4:]) * 2, 0.0)
    return {"small_lr_largest": (x20[:, 0] >= np.nanmax(x20, axis=1)) & (x20[:, 0] > x20[:, 3]),
            "ratio": x20[:, 0] / x20[:, 3],
            "zeros_smallest": np.array([r["z20"][0] == L04_LAMS[0] for r in rows]),
            "off_fast": fast.max(axis=1),
            "low": np.nanmin(x500[:, :4], axis=1), "high": np.nanmax(x500[:, :4], axis=1),
            "low_zeros": np.nanmin(z500, axis=1), "high_zeros": np.nanmax(z500, axis=1)}


def _times(v: float) -> str:
    """3.16 -> '3x', 3.16e7 -> '3e7x': how the lesson writes a grid ratio."""
    return f"{v:.0f}x" if v < 9.5 else f"{v:.0e}".replace("e+0", "e").replace("e+", "e") + "x"


def lesson04(samples=range(60), seed1_samples=range(30)) -> list[tuple[str, str, str]]:
    """(claim, quoted, measured) for lesson 04's survey."""
    out, quoted = [], QUOTED["lesson04"]["numbers"]
    for init_seed, rng in ((0, samples), (1, seed1_samples)):
        s = lesson04_survey(rng, init_seed)
        where = f"samples {rng[0]}-{rng[-1]}, init seed {init_seed}"
        n, eps = len(rng), 1e-9
        off = max(-s["low"].min(), s["high"].max())
        out += [
            (f"{where}: Xavier, 20 epochs, lr 3e-3 picks the row's largest λ", f"{n} of {n}",
             f"{s['small_lr_largest'].sum()} of {n}"),
            (f"{where}: ... that λ / lr 0.1's", quoted["ratio"],
             f"{_times(s['ratio'].min())} to {_times(s['ratio'].max())}"),
            (f"{where}: zeros, 20 epochs, lr 3e-3 picks the grid's smallest λ", f"{n} of {n}",
             f"{s['zeros_smallest'].sum()} of {n}"),
            (f"{where}: 500 epochs, lr 0.3 and 1 within one grid step of the exact λ",
             f"{n} of {n}", f"{np.sum(s['off_fast'] <= 1 + eps)} of {n}"),
            (f"{where}: 500 epochs, lr 0.003-0.1 can be off the exact λ by", quoted["off"],
             ("decades" if off >= 2 - eps else "less than two decades") +
             f" (farthest {s['low'].min():+.1f} and {s['high'].max():+.1f} decades)"),
        ]
        if init_seed == 0:                             # the lesson's text counts these samples
            out += [
                (f"{where}: ... two decades or more lower (Xavier) on", quoted["lower"],
                 f"{np.sum(s['low'] <= -2 + eps)} of the {n}"),
                (f"{where}: ... two decades or more higher (Xavier) on", quoted["higher"],
                 f"{np.sum(s['high'] >= 2 - eps)} of the {n}"),
                (f"{where}: ... from zeros, a decade or more higher on", quoted["zeros_higher"],
                 (f"{np.sum(s['high_zeros'] >= 1 - eps)} of the {n}" if s["high_zeros"].max()
                  >= 1 - eps else "not one") + f" (farthest {s['high_zeros'].max():+.1f}; "
                 f"lower: {s['low_zeros'].min():+.1f})"),
            ]
    return out


# ---------------------------------------------------------------- lesson 08

def lesson08_grid_val(name: str, seed: int, steps: int = 50) -> np.ndarray:
    """Lesson 08's ``grid_val`` (the "lambda_lr_grid" dashboard's computation) on data set
    ``seed``: (8 λ, 8 lr) validation losses, NaN where a run diverged."""
    ds, g = lambda_task(seed), train.grid(lam=LAMBDA_LR_GRID_LAMS, lr=LAMBDA_LR_GRID_LRS)
    n = LAMBDA_LR_GRID_N
    X_, y_, Xv_, yv_ = legendre_features(ds.X[:n]), ds.y[:n], legendre_features(ds.X_val), ds.y_val
    beta = "momentum" if name in ("sgd", "sgdw") else "b1"
    opt = optim.get(name, lr=g.flat["lr"], weight_decay=g.flat["lam"], mask=["W1"], **{beta: 0.9})
    p, h = train.fit(models.linear(12), X_, y_, optimizer=opt, steps=steps, record="loss",
                     divergence=loop.Divergence(max_growth=1e3))
    bad = np.array([d is not None for d in h.diverged_at])
    return g.unflatten(np.where(bad, np.nan, losses.mse(models.linear(12).forward(p, Xv_), yv_)[0]))


def lesson08_no_decay_yet(seeds) -> tuple[np.ndarray, np.ndarray]:
    """Section 5, claim 2 and 3 (AdamW, 50 steps): per data set, the largest relative change of
    the validation loss from the λ = 1e-6 row over lr·λ·T, where lr·λ·T ≤ 0.005; and whether
    the diverged cells are exactly those with lr·λ > 2."""
    lr_lam = np.outer(LAMBDA_LR_GRID_LAMS, LAMBDA_LR_GRID_LRS)
    early = lr_lam * 50 <= 0.005
    worst, exact = [], []
    for s in seeds:
        val = lesson08_grid_val("adamw", s)
        worst.append((np.abs(val / val[0] - 1) / (lr_lam * 50))[early].max())
        exact.append(np.array_equal(~np.isfinite(val), lr_lam > 2))
    return np.array(worst), np.array(exact)


L08_N, L08_D = 200, 6                                # section 3: 6 features, scales 0.1 ... 10
L08_SCALE = np.logspace(-1, 1, L08_D)
L08_LR, L08_LAM, L08_EPS = 1e-2, 0.1, 1e-8


def lesson08_adam_l2_decay(seed: int) -> np.ndarray:
    """Section 3's ``adam_l2_decay``: the decay per step lr·λ/(√v̂ + ε) (6,) Adam + L2 gives each
    weight after 400 minibatch steps, on data set ``seed`` of the scaled-feature regression."""
    r = np.random.default_rng(seed)
    Xs = r.standard_normal((L08_N, L08_D)) * L08_SCALE
    ys = (Xs @ (r.standard_normal(L08_D) / L08_SCALE) + 0.5 * r.standard_normal(L08_N))[:, None]
    lin = models.linear(L08_D)
    batch_at = loop.minibatches(L08_N, 20, seed=0)

    def objective(p, t):
        i = batch_at(t)
        return lin.loss_and_grad(p, Xs[i], ys[i], losses.mse)

    st = loop.run(objective, lin.init(seed=0),
                  optim.adam(L08_LR, weight_decay={"W1": L08_LAM}), 400).state[1]
    return L08_LR * L08_LAM / (np.sqrt(st.v["W1"][:, 0] / (1 - 0.999 ** st.count)) + L08_EPS)


def lesson08_end_points(seed: int) -> float:
    """Section 5's long AdamW runs (2000 steps, cosine to 0; λ 1 and 3 × peak lr 0.01, 0.03,
    0.1, K = 6 at once) on data set ``seed``: the spread of one λ's end points over the three
    lrs divided by the distance between the two runs of lr·λ = 0.03 (under 1: same λ is closer)."""
    T_long, lams2, lrs2 = 2000, np.array([1.0, 3.0]), np.array([0.01, 0.03, 0.1])
    g2, cos_T = train.grid(lam=lams2, lr=lrs2), schedules.cosine(1.0, T_long)
    ds = lambda_task(seed)
    opt = optim.adamw(lambda t: g2.flat["lr"] * cos_T(t), weight_decay={"W1": g2.flat["lam"]})
    p, _ = train.fit(models.linear(12), legendre_features(ds.X[:20]), ds.y[:20], optimizer=opt,
                     steps=T_long, record="loss")
    Wk = p["W1"][:, :, 0].reshape(2, 3, 12)                       # (λ, lr, feature)
    spread = max(np.abs(Wk[i] - Wk[i, 0]).max() for i in range(2))
    return float(spread / np.abs(Wk[0, 1] - Wk[1, 0]).max())


def lesson08(seeds=range(40)) -> list[tuple[str, str, str]]:
    """(claim, quoted, measured) for lesson 08's surveys."""
    seeds = list(seeds)
    n, first16 = len(seeds), [s for s in seeds if s < 16]
    d = np.array([lesson08_adam_l2_decay(s) for s in seeds])
    spread = d.max(axis=1) / d.min(axis=1)
    worst, exact = lesson08_no_decay_yet(seeds)
    ends = np.array([lesson08_end_points(s) for s in seeds])
    where, quoted = f"data sets {seeds[0]}-{seeds[-1]}", QUOTED["lesson08"]["numbers"]
    return [
        (f"{where}: Adam + L2, largest / smallest decay per step", quoted["spread"],
         f"{spread.min():.0f}-{spread.max():.0f}x"),
        (f"{where}: the largest-gradient weight decays slower than AdamW's lr·λ", f"{n} of {n}",
         f"{np.sum(d.min(axis=1) < L08_LR * L08_LAM)} of {n}"),
        ("data sets 0-15: AdamW, lr·λ·T ≤ 0.005: relative change ≤ c·lr·λ·T, c at most",
         quoted["c16"], f"{worst[:len(first16)].max():.1f}"),
        (f"{where}: the same, c at most", quoted["c40"], f"{worst.max():.1f}"),
        (f"{where}: AdamW diverges exactly where lr·λ > 2", f"{n} of {n}",
         f"{exact.sum()} of {n}"),
        (f"{where}: same λ closer than same lr·λ (end points, 2000 steps)", f"{n} of {n}",
         f"{np.sum(ends < 1)} of {n}"),
        (f"{where}: ... at most this many times as far", quoted["ends"], f"{ends.max():.2f}"),
    ]


SURVEYS = {"lesson04": lesson04, "lesson08": lesson08}


def main(argv: list[str]) -> int:
    names = list(SURVEYS) if argv in ([], ["all"]) else argv
    unknown = [a for a in names if a not in SURVEYS]
    if unknown:
        print(f"usage: python tools/surveys.py {'|'.join(SURVEYS)}|all (unknown: {unknown})")
        return 2
    allocator.keep_freed_memory()      # a process of its own: reuse freed blocks (~1.5x less CPU)
    differ = 0
    for name in names:
        start = time.perf_counter()
        rows = SURVEYS[name]()
        print(f"{name} ({QUOTED[name]['notebook']}), {time.perf_counter() - start:.0f} s:")
        for claim, quoted, measured in rows:
            same = quoted == measured.split(" (")[0]          # the part in brackets: context
            differ += not same
            print(f"  {'ok ' if same else 'DIFFERS'} {claim}: quoted {quoted}, measured {measured}")
    print("every quoted number reproduced" if not differ else f"{differ} quoted number(s) differ")
    return int(differ > 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
