"""Dashboard "lambda_lr_grid" (lesson 04): validation loss over a λ × lr grid, one batched fit."""

from __future__ import annotations

import ipywidgets as W
import matplotlib
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from wdlib import losses, models, optim, plots, train
from wdlib.live.framework import Dashboard, int_slider, register
from wdlib.live.lambda_curve import DIVERGENCE, first_bad
from wdlib.tasks.regression import (
    LAMBDA_DEGREE,
    LAMBDA_LR_GRID_LAMS,
    LAMBDA_LR_GRID_LRS,
    LAMBDA_LR_GRID_N,
    lambda_task,
    legendre_features,
)

# the menu: label -> the optim.OPTIMIZERS entry it builds (the momentum slider is Adam's β1)
CHOICES = {"SGD+L2": "sgd", "SGDW": "sgdw", "Adam+L2": "adam", "AdamW": "adamw"}
BAD = "#c8c8c8"                                  # the colour of a diverged cell
RULE = {"SGD+L2": "SGD + L2: g ← g + λθ", "SGDW": "SGDW: θ ← θ − λθ each step",
        "Adam+L2": "Adam + L2: g ← g + λθ", "AdamW": "AdamW: θ ← θ − lr·λθ each step"}


@register("lambda_lr_grid")
class LambdaLrGrid(Dashboard):
    """Lesson 04: the best λ depends on the learning rate, and how depends on the optimizer.

    8 values of λ × 8 learning rates = 64 models (the degree-12 polynomial fit of "lambda_curve",
    20 training points) train together in one ``train.fit`` on a ``train.grid(lam=, lr=)``. The
    heatmap shows the validation loss (½·MSE, log colour scale) after ``epochs`` full-batch steps;
    the star marks the best cell, the dots the best λ for each lr; grey cells diverged. For
    SGD+L2 and Adam+L2 λ is the L2 coupling (λθ added to the gradient); for SGDW and AdamW it is
    the decoupled weight decay.
    ``momentum`` is SGD's momentum and Adam's β1.
    Try: SGD+L2 against SGDW (its decay per step is λ itself, not lr·λ: the good band tilts, and
    λ ≥ 2 blows up at every lr); Adam+L2 against AdamW; fewer epochs (the good region narrows to the
    middle learning rates: within 2× of the best cell, lr 0.01–1 at 50 epochs, 0.1–0.32 at 10;
    the small ones have not trained yet); momentum 0 (plain gradient
    descent: at the defaults most cells end with a higher training loss, 38 of the 47 SGD+L2
    cells that train both ways, and more cells diverge, 17 instead of 10, as the stability
    limit falls from 2(1 + β)/e_max to 2/e_max).
    """

    title = "Validation loss over λ × learning rate, one batched training run"
    alt = ("a heatmap of the validation loss over 8 values of λ and 8 learning rates; a star "
           "marks the best cell, dots the best λ for each learning rate, grey cells diverged")
    LAMS = LAMBDA_LR_GRID_LAMS                                              # (8,) rows
    LRS = LAMBDA_LR_GRID_LRS                                                # (8,) columns
    NORM = LogNorm(2e-2, 2.0)                                               # colour range

    def __init__(self, **initial):
        ds, n = lambda_task(), LAMBDA_LR_GRID_N
        self.X, self.y = legendre_features(ds.X[:n]), ds.y[:n]
        self.X_val, self.y_val = legendre_features(ds.X_val), ds.y_val
        self.model = models.linear(LAMBDA_DEGREE)
        self.grid = train.grid(lam=self.LAMS, lr=self.LRS)                  # K = 64, λ-major
        super().__init__(**initial)

    def make_controls(self):
        return {"optimizer": W.Dropdown(options=list(CHOICES), value="SGD+L2",
                                        description="optimizer"),
                "epochs": int_slider("epochs", 50, 10, 300, step=10),
                "momentum": W.FloatSlider(value=0.9, min=0.0, max=0.95, step=0.05,
                                          description="momentum (Adam: β1)",
                                          continuous_update=True,
                                          style={"description_width": "initial"})}

    def compute(self, v):
        g = self.grid.flat
        name = CHOICES[v["optimizer"]]
        beta = "momentum" if "momentum" in optim.arguments(name) else "b1"
        opt = optim.get(name, lr=g["lr"], weight_decay=g["lam"], mask=["W1"],
                        **{beta: v["momentum"]})
        params, hist = train.fit(self.model, self.X, self.y, optimizer=opt,
                                 steps=v["epochs"], record="loss", divergence=DIVERGENCE)
        step = first_bad(hist)                                              # (64,), inf = fine
        bad = np.isfinite(step)
        val = losses.mse(self.model.forward(params, self.X_val), self.y_val)[0]   # (64,)
        val = self.grid.unflatten(np.where(bad, np.nan, val))              # (8, 8)
        best = np.unravel_index(np.nanargmin(val), val.shape) if np.isfinite(val).any() else None
        return {**v, "val": val, "best": best, "n_bad": int(np.sum(bad)),
                "diverged_at": int(step.min()) if np.all(bad) else None,
                "divergence": DIVERGENCE}

    def setup(self, fig):
        ax = self.ax = fig.subplots()
        cmap = matplotlib.colormaps["viridis"].with_extremes(bad=BAD)
        self.heat = ax.imshow(np.full((8, 8), np.nan), origin="lower", norm=self.NORM,
                              cmap=cmap, aspect="auto", animated=True)
        self.per_lr, = ax.plot([], [], "o-", color="white", mec="k", ms=4, lw=0.8,
                               animated=True)
        self.star, = ax.plot([], [], "*", color="white", mec="k", ms=15, animated=True)
        self.bad_text = ax.text(0.47, 1.02, "", transform=ax.transAxes, fontsize=7,
                                color="#b00020", animated=True)
        self.rule = ax.text(1.0, 1.02, "", transform=ax.transAxes, ha="right", fontsize=9,
                            animated=True)          # not the title: a new title redraws it all
        fig.colorbar(self.heat, ax=ax, label="validation loss (½·MSE)")
        ax.set_xticks(range(8), [plots.fmt_sci(v) for v in self.LRS], fontsize=7)
        ax.set_yticks(range(8), [plots.fmt_sci(v) for v in self.LAMS], fontsize=7)
        ax.set_xlabel("learning rate lr", fontsize=9)
        ax.set_ylabel("λ (weight decay)", fontsize=9)
        ax.spines[:].set_visible(False)         # the blitted image would cover them
        marks = [Patch(color=BAD, label="diverged"),
                 Line2D([], [], ls="", marker="*", color="white", mec="k", ms=9, label="best"),
                 Line2D([], [], marker="o", color="white", mec="k", ms=4, label="best λ per lr")]
        ax.legend(handles=marks, fontsize=7, loc="lower left", bbox_to_anchor=(0.0, 1.0),
                  ncols=3, frameon=False, handlelength=1.2, borderaxespad=0.1)

    def draw(self, r):
        self.rule.set_text(RULE[r["optimizer"]])
        self.heat.set_data(r["val"])
        self.bad_text.set_text(f"{r['n_bad']} of {r['val'].size} diverged" if r["n_bad"] else "")
        ok = np.isfinite(r["val"]).any(axis=0)                             # (8,) lr columns
        rows = np.nanargmin(np.where(np.isfinite(r["val"]), r["val"], np.inf), axis=0)
        self.per_lr.set_data(np.flatnonzero(ok), rows[ok])
        text = f"{r['optimizer']}, {r['epochs']} epochs, momentum {r['momentum']:.2f}"
        # the status line says it too: the figure's grey cells are easy to miss
        bad = f"; {r['n_bad']} of {r['val'].size} runs diverged (grey)" if r["n_bad"] else ""
        i, j = r["best"] if r["best"] is not None else ([], [])
        self.star.set_data(np.atleast_1d(j), np.atleast_1d(i))
        if r["best"] is None:
            return text + bad
        return (f"{text}; best: λ = {plots.fmt_sci(self.LAMS[i])}, lr = "
                f"{plots.fmt_sci(self.LRS[j])}, validation loss {r['val'][i, j]:.3g}{bad}")
