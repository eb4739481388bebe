"""Dashboard "lambda_curve" (lesson 04): the whole λ grid trained at once, validation curve.

The task, its features and its λ grid are ``wdlib.tasks.regression``'; this module trains the
grid (one batched ``train.fit``) and draws it."""

from __future__ import annotations

import numpy as np

from wdlib import loop, losses, models, plots, solvers, train
from wdlib.live.framework import Dashboard, int_slider, log_slider, register
from wdlib.tasks.regression import (
    LAMBDA_CURVE_LAMS,
    LAMBDA_DEGREE,
    LAMBDA_POOL,
    lambda_task,
    legendre_features,
)

# A run counts as diverged once its loss passes 1000 × its start (diverging, even if not yet
# inf): the one divergence rule of wdlib.loop with a growth threshold; shared with lambda_lr_grid.
DIVERGENCE = loop.Divergence(max_growth=1e3)


def diverged_note(lams, seeds_bad, seeds: int, first: np.ndarray) -> str:
    """The red note: "λ ≥ 2.2e+0: diverged at step 2" when every seed of every λ from the first
    diverging one on diverged; else how many of the runs did (a λ counts as left out of the
    curve when any of its seeds diverged, but "diverged" must not be said of all of them)."""
    i, step = int(np.flatnonzero(seeds_bad)[0]), int(first.min())
    if np.all(seeds_bad[i:] == seeds):
        return f"λ ≥ {plots.fmt_sci(lams[i])}: diverged at step {step}"
    return (f"{int(seeds_bad.sum())} of {len(lams) * seeds} runs diverged, from "
            f"λ = {plots.fmt_sci(lams[i])} (first at step {step})")


def first_bad(hist) -> np.ndarray:
    """(K,) the step each run diverged at, as floats: inf where it did not."""
    return np.array([np.inf if d is None else d for d in hist.diverged_at])


def band_polygons(x, lo, hi) -> list[np.ndarray]:
    """Polygons of a min-max band, one per run of finite values (a gap where a run diverged)."""
    ok = np.r_[0, np.isfinite(lo) & np.isfinite(hi), 0].astype(int)
    edges = np.flatnonzero(np.diff(ok))                              # starts, ends, ...
    return [np.r_[np.c_[x[a:b], lo[a:b]], np.c_[x[a:b], hi[a:b]][::-1]]
            for a, b in zip(edges[::2], edges[1::2], strict=True)]


def finite(x, y) -> tuple[np.ndarray, np.ndarray]:
    """The points of a curve where y is finite (a diverged λ is left out, not drawn as NaN)."""
    ok = np.isfinite(y)
    return x[ok], y[ok]


@register("lambda_curve")
class LambdaCurve(Dashboard):
    """Lesson 04: pick λ on a validation set. 25 values of λ × up to 5 seeds (random
    initializations) are trained together, in one batched ``train.fit`` by full-batch gradient
    descent with momentum 0.9 (coupled L2: the ridge objective), on a degree-12 polynomial
    (Legendre) fit of the first ``n_train`` of 200 noisy points.

    Left: train and validation loss (½·MSE) against λ, mean over seeds, the band is min-max over
    seeds; the chosen λ (lowest mean validation loss) is marked; grey dots: the fully trained
    (closed-form ridge) validation loss. Right: the fit at the chosen λ and at λ = 1e-7.
    Defaults (n = 20, 50 epochs at lr = 0.1) choose λ ≈ 5e-2, inside the grid, with a clear dip.
    Try: more data (n_train 100) moves the chosen λ left; fewer epochs or a smaller lr leave
    part of the random initialization in place, and a larger λ is chosen to decay it away;
    lr = 1 makes the largest λ diverge (the penalty adds λ to the curvature).
    """

    title = "Choosing λ: validation loss over the whole λ grid, trained at once"
    alt = ("left, train and validation loss against λ (mean over seeds, a min-max band), the "
           "chosen λ marked, dots the fully trained validation loss; right, the fit at the "
           "chosen λ and at λ = 1e-7")
    LAMS = LAMBDA_CURVE_LAMS                                               # (25,)

    def __init__(self, **initial):
        self.data = lambda_task()
        self.F, self.F_val = legendre_features(self.data.X), legendre_features(self.data.X_val)
        self.x_grid = np.linspace(-1, 1, 200)                              # (200,)
        self.F_grid = legendre_features(self.x_grid)                       # (200, 12)
        self.model = models.linear(LAMBDA_DEGREE)
        super().__init__(**initial)

    def make_controls(self):
        return {"lr": log_slider("lr", 0.1, 1e-3, 1.0),
                "epochs": int_slider("epochs", 50, 10, 500, step=10),
                "n_train": int_slider("n_train", 20, 10, LAMBDA_POOL, step=10),
                "seeds": int_slider("seeds", 3, 1, 5)}

    def compute(self, v):
        n, S = v["n_train"], v["seeds"]
        X, y, ds = self.F[:n], self.data.y[:n], self.data
        g = train.grid(lam=self.LAMS, seed=np.arange(S))                   # K = 25·S, λ-major
        params, hist = train.fit(self.model, X, y, optimizer="momentum", lr=v["lr"],
                                 weight_decay=g.flat["lam"], seed=g.flat["seed"],
                                 steps=v["epochs"], record="loss", divergence=DIVERGENCE)
        step = first_bad(hist)                                             # (K,), inf = fine
        bad = np.isfinite(step)

        def loss(A, b):                                                    # (25, S)
            value = losses.mse(self.model.forward(params, A), b)[0]       # (K,)
            return g.unflatten(np.where(bad, np.nan, value))

        tr, va = loss(X, y), loss(self.F_val, ds.y_val)
        w, b = solvers.ridge(X, y, self.LAMS)                              # (25, 12), (25,)
        ridge_val = 0.5 * np.mean((self.F_val @ w.T + b - ds.y_val) ** 2, axis=0)   # (25,)
        mean_val = va.mean(axis=1)                                         # NaN if a seed blew up
        best = int(np.nanargmin(mean_val)) if np.isfinite(mean_val).any() else None
        fits = [np.full(200, np.nan) if bad[k] else
                self.F_grid @ params["W1"][k, :, 0] + params["b1"][k, 0]
                for k in (0, S * (best or 0))]                             # seed 0: (200,) each
        first = g.unflatten(step).min(axis=1)                              # (25,), inf = fine
        return {**v, "train": tr, "val": va, "ridge_val": ridge_val, "best": best, "fits": fits,
                "first_bad": first, "seeds_bad": g.unflatten(bad).sum(axis=1),    # (25,) counts
                "diverged_at": int(step.min()) if bad.all() else None,
                "divergence": DIVERGENCE}

    def setup(self, fig):
        self.ax, self.ax_fit = fig.subplots(1, 2, width_ratios=[1.4, 1])
        ax, L, nan = self.ax, self.LAMS, np.full(25, np.nan)
        self.ridge, = ax.plot(L, nan, ".", color="0.6", ms=4, label="fully trained",
                              animated=True)
        self.bands, self.lines = [], []
        for color, label in ((plots.TRAIN, "train"), (plots.VAL, "validation")):
            self.bands.append(ax.fill_between(L, nan, nan, color=color, alpha=0.2, lw=0,
                                              animated=True))
            self.lines += ax.plot(L, nan, "-", color=color, lw=1.5, label=label, animated=True)
        self.best_line = ax.axvline(1.0, color="k", lw=0.8, ls=":", animated=True)
        self.best_dot, = ax.plot([], [], "o", color=plots.VAL, ms=6, animated=True)
        self.best_text = ax.text(1.0, 0.97, "", transform=ax.get_xaxis_transform(), ha="center",
                                 va="top", fontsize=8, animated=True,
                                 bbox=dict(facecolor="white", edgecolor="none", alpha=0.8))
        self.bad_text = ax.text(0.98, 0.05, "", transform=ax.transAxes, ha="right", fontsize=8,
                                color="#b00020", animated=True)
        ax.set(yscale="log", ylim=(1e-3, 3.0))                 # fixed limits: every move blits
        plots.lambda_axis(ax, L[0], L[-1], label="λ (L2 weight decay)")
        ax.legend(fontsize=7, loc="upper left")
        plots.style_axes(ax, "loss (½·MSE) vs λ: mean, min–max over seeds", ylabel="loss")
        ds, axf = self.data, self.ax_fit
        axf.plot(ds.X_val[:, 0], ds.y_val[:, 0], ".", color=plots.VAL, ms=2, alpha=0.25)
        axf.plot(self.x_grid, ds.meta["f"](self.x_grid), "--", color=plots.TRUE, lw=1,
                 label="true f")
        self.points, = axf.plot([], [], "o", color=plots.TRAIN, ms=3, label="train",
                                animated=True)
        self.fit_small, = axf.plot(self.x_grid, np.zeros(200), color="0.6", lw=1,
                                   label="λ = 1e-7", animated=True)
        self.fit_best, = axf.plot(self.x_grid, np.zeros(200), color="k", lw=1.5,
                                  label="chosen λ", animated=True)
        axf.set(xlim=(-1, 1), ylim=(-2.0, 2.0), xticks=[-1, -0.5, 0, 0.5, 1])
        axf.legend(fontsize=7, loc="lower right")
        plots.style_axes(axf, "fits (seed 0)", "x", "y")

    def draw(self, r):
        L = self.LAMS
        for band, line, values in zip(self.bands, self.lines, (r["train"], r["val"]),
                                      strict=True):
            line.set_data(*finite(L, values.mean(axis=1)))
            band.set_verts(band_polygons(L, values.min(axis=1), values.max(axis=1)))
        self.ridge.set_data(*finite(L, r["ridge_val"]))
        self.points.set_data(self.data.X[:r["n_train"], 0], self.data.y[:r["n_train"], 0])
        self.fit_small.set_data(*finite(self.x_grid, r["fits"][0]))
        self.fit_best.set_data(*finite(self.x_grid, r["fits"][1]))
        note = (diverged_note(L, r["seeds_bad"], r["seeds"], r["first_bad"])
                if r["seeds_bad"].any() else "")
        self.bad_text.set_text(note)
        i = r["best"]
        shown = i is not None
        for artist in (self.best_line, self.best_dot, self.best_text, self.fit_best):
            artist.set_visible(shown)
        head = (f"n = {r['n_train']}, {r['epochs']} epochs at lr = {plots.fmt_sci(r['lr'])}, "
                f"{r['seeds']} seed(s)") + (f" ({note})" if note else "")
        if not shown:
            return head
        val = r["val"].mean(axis=1)
        self.best_line.set_xdata([L[i], L[i]])
        self.best_dot.set_data([L[i]], [val[i]])
        self.best_text.set_x(L[i])
        self.best_text.set_text(f"chosen λ = {plots.fmt_sci(L[i])}")
        return (f"{head}: chosen λ = {plots.fmt_sci(L[i])}, validation loss {val[i]:.3g} "
                f"(at λ = 1e-7: {val[0]:.3g}; fully trained: best λ = "
                f"{plots.fmt_sci(L[np.argmin(r['ridge_val'])])})")
