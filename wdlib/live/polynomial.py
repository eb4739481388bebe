"""Dashboard "polynomial" (lesson 01): polynomial degree and λ, ridge in closed form."""

from __future__ import annotations

import numpy as np

from wdlib import data, plots, solvers
from wdlib.live.framework import Dashboard, int_slider, log_slider, register
from wdlib.tasks.regression import OVERFIT_LAMS, overfit_curve


@register("polynomial")
class Polynomial(Dashboard):
    """Lesson 01: a degree-``degree`` polynomial fit by ridge regression (closed form).

    Left: the fit on 20 noisy points of an S-curve. Middle: train and validation loss against λ
    for this degree (one batched ridge solve), a marker at the slider's λ. Right: |w_k|.
    Defaults (degree 12, λ = 1e-7) overfit; drag λ right to about 1e-2 to fix it.
    """

    title = "Polynomial regression: weight decay tames a wiggly fit"
    alt = ("left, the polynomial fit on 20 noisy points of an S-curve; middle, train and "
           "validation loss against λ for this degree, the slider's λ marked; right, the size "
           "of each coefficient |w_k|")
    LAMS = OVERFIT_LAMS                    # (33,) the λ slider's positions

    def __init__(self, **initial):
        self.data = overfit_curve()
        self.features = data.polynomial_features
        self.x_grid = np.linspace(-1, 1, 200)[:, None]                          # (200, 1)
        super().__init__(**initial)

    def make_controls(self):
        return {"degree": int_slider("degree", 12, 1, 15),
                "lam": log_slider("λ (weight decay)", 1e-7, self.LAMS[0], self.LAMS[-1])}

    def compute(self, values):
        d, lam, ds = values["degree"], values["lam"], self.data
        lams = np.append(self.LAMS, [lam, 0.0])                                 # (K,) K = 35
        w, b = solvers.ridge(self.features(ds.X, d), ds.y, lams)                # (K, d), (K,)

        def loss(X, y):                                                         # (K,)
            yhat = self.features(X, d) @ w.T + b                                # (m, K)
            return 0.5 * np.mean((yhat - y) ** 2, axis=0)

        train, val = loss(ds.X, ds.y), loss(ds.X_val, ds.y_val)
        return {"degree": d, "lam": lam, "train": train[:-1], "val": val[:-1],
                "val_at_0": val[-1],             # λ = 0 exactly: the slider's far left is 1e-7
                "curve": self.features(self.x_grid, d) @ w[-2] + b[-2], "coef": np.abs(w[-2])}

    def setup(self, fig):
        self.ax_fit, self.ax_lam, self.ax_w = fig.subplots(1, 3, width_ratios=[1.3, 1, 1])
        ds, xg = self.data, self.x_grid[:, 0]
        plots.plot_fit(ds.X, ds.y, xg, np.full_like(xg, np.nan), x_val=ds.X_val, y_val=ds.y_val,
                       f_true=ds.meta["f"], ax=self.ax_fit, title="fit",
                       legend_loc="lower center")
        self.fit_line = self.ax_fit.lines[-1]
        self.fit_line.set_animated(True)
        self.ax_fit.set_ylim(ds.y.min() - 0.75, ds.y.max() + 0.75)       # a wild fit leaves the box
        self.train_curve, = self.ax_lam.plot(self.LAMS, np.ones(33), color=plots.TRAIN,
                                             label="train", animated=True)
        self.val_curve, = self.ax_lam.plot(self.LAMS, np.ones(33), color=plots.VAL,
                                           label="validation", animated=True)
        self.marks, = self.ax_lam.plot([1, 1], [1, 1], "o", color="k", ms=5, animated=True)
        self.lam_line = self.ax_lam.axvline(1.0, color="k", lw=0.8, ls=":", animated=True)
        self.zero_line = self.ax_lam.axhline(1.0, color=plots.VAL, lw=0.8, ls="--",
                                             animated=True)
        self.zero_text = self.ax_lam.text(2e-7, 1.0, "validation at λ = 0", fontsize=7,
                                          color=plots.VAL, va="bottom", animated=True)
        self.ax_lam.set(yscale="log", ylim=(3e-3, 2.0))   # fixed limits: every move only blits
        plots.lambda_axis(self.ax_lam, self.LAMS[0], self.LAMS[-1], label="λ")
        pad = 10 ** 0.3                                   # room for the markers at the ends
        self.ax_lam.set_xlim(self.LAMS[0] / pad, self.LAMS[-1] * pad)
        self.ax_lam.legend(fontsize=7, loc="lower right")
        plots.style_axes(self.ax_lam, "loss vs λ", ylabel="loss (½·MSE)")
        self.coef, = self.ax_w.plot([], [], "o-", color=plots.TRAIN, ms=4, lw=0.8, animated=True)
        self.ax_w.set(yscale="log", xlim=(0.5, 15.5), ylim=(1e-4, 1e2), xticks=[1, 5, 10, 15])
        plots.style_axes(self.ax_w, "|weights|", "k  (feature √(2k+1)·xᵏ)", ylabel="|w_k|")

    def draw(self, r):
        self.fit_line.set_ydata(r["curve"])
        self.train_curve.set_ydata(r["train"][:-1])
        self.val_curve.set_ydata(r["val"][:-1])
        self.zero_line.set_ydata([r["val_at_0"], r["val_at_0"]])
        self.zero_text.set_y(min(r["val_at_0"], 1.0) * 1.15)
        self.marks.set_data([r["lam"], r["lam"]], [r["train"][-1], r["val"][-1]])
        self.lam_line.set_xdata([r["lam"], r["lam"]])
        k = np.arange(1, r["degree"] + 1)
        self.coef.set_data(k, r["coef"])
        return (f"degree {r['degree']}, λ = {plots.fmt_sci(r['lam'])}: train loss "
                f"{r['train'][-1]:.3g}, validation loss {r['val'][-1]:.3g}")
