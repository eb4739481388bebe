"""Dashboard "weight_decay" (lesson 02): an MLP on two moons, with weight decay and optimizers.

The problem and its training run are ``wdlib.tasks.classification``' (``PLAYGROUND_MOONS``,
``PLAYGROUND_MLP``, ``train_playground``, ``init_seed``); this module draws them."""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as W
import numpy as np

from wdlib import losses, plots
from wdlib.live.framework import (
    Dashboard,
    int_slider,
    last_value,
    log_slider,
    register,
    val_every,
)
from wdlib.tasks.classification import (
    PLAYGROUND_MLP,
    PLAYGROUND_MOONS,
    init_seed,
    moons,
    train_playground,
)

OPTIMIZERS = {"sgd": "SGD", "momentum": "SGD + momentum 0.9", "adam": "Adam", "adamw": "AdamW"}
MEANING = {"none": "no penalty (λ is not used)",
           "l2": "λ is an L2 penalty: λ/2·‖W‖² is added to the loss (gradient λ·W)",
           "adamw": "λ is AdamW's decoupled weight decay: W ← W − lr·λ·W each step, outside "
                    "Adam's moments",
           "l1": "λ·‖W‖₁ is applied as a proximal step (soft-threshold by lr·λ each step): "
                 "exact zeros"}
L2_IS = {"sgd": "; this is weight decay: each step W ← (1 − lr·λ)·W − lr·∇L",
         "momentum": "; = PyTorch SGD(momentum=0.9, weight_decay=λ): λ·W enters the momentum "
                     "buffer with the data gradient",
         "adam": "; not weight decay: Adam rescales λ·W by its running gradient scale"}
EXTENT = 3.0                                     # the decision-boundary panel: [-3, 3]²
BINS = np.linspace(-3, 3, 31)                    # (31,) weight-histogram bin edges


# the λ = 0 comparison: trained once while only λ moves
baseline = lru_cache(maxsize=16)(train_playground)


@register("weight_decay")
class WeightDecay(Dashboard):
    """Lesson 02: weight decay on a small classifier that can overfit (60 noisy points).

    Left: the predicted probability of class 1 on the plane, with the training points. Middle:
    train and validation loss per step; the faint curves are a comparison run (``ghost``): by
    default the same net trained with λ = 0, or the previous run. Right: histogram of all 304
    weights (faint outline: the comparison run).
    The default optimizer is SGD with momentum 0.9, where λ is exactly PyTorch's
    ``SGD(momentum=0.9, weight_decay=λ)`` with the biases in a group with ``weight_decay=0``: an
    L2 penalty on the weights whose gradient λ·W joins the data gradient (with plain SGD, one
    step multiplies W by 1 − lr·λ). With Adam that is no longer
    true: Adam divides the λ·W term by its running gradient scale; AdamW decays W directly.
    ``same init`` ticked (the default): every retrain starts from the initial weights drawn with
    ``init seed``, so what changes in the picture is caused by the setting you moved, not by
    luck; move only the seed to see how large the luck is. Unticked: each setting draws its own
    initial weights (a seed derived from the setting), so two settings differ by their effect
    *plus* luck. Try: drag λ down to 1e-6: the boundary wraps around single points, the
    validation loss climbs while the training loss falls, the weights spread. Up to 1: underfit.
    Switch to Adam: the same λ now shrinks the weights by a different amount; AdamW's decay
    shrinks W by the factor 1 − lr·λ each step, outside Adam's scaling, so it needs a far larger
    λ. L1 (a proximal step) sets weights exactly to 0.
    """

    title = ("Weight decay: a smaller ‖W‖ gives a smoother boundary and, up to a point, a lower "
             "validation loss")
    alt = ("left, the predicted probability of class 1 over the plane with the training "
           "points; middle, train and validation loss per step, faint curves a comparison run; "
           "right, a histogram of all 304 weights")

    def __init__(self, **initial):
        g = np.linspace(-EXTENT, EXTENT, 50)
        self.grid = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)     # (2500, 2)
        self.last = self.previous = None       # (key, result) of the last two distinct runs
        super().__init__(**initial)

    def make_controls(self):
        drop = lambda label, options, value: W.Dropdown(options=options, value=value,
                                                        description=label)
        return {"lam": log_slider("λ (weight decay)", 1e-2, 1e-6, 1.0),
                "lr": log_slider("lr", 10 ** -0.5, 1e-4, 10.0),
                "optimizer": drop("optimizer", [(v, k) for k, v in OPTIMIZERS.items()],
                                  "momentum"),
                "penalty": drop("penalty", [("none", "none"), ("L2", "l2"), ("L1", "l1")], "l2"),
                "epochs": int_slider("epochs (full-batch steps)", 80, 10, 400, step=10),
                "seed": int_slider("init seed", 0, 0, 9),
                "same_init": W.Checkbox(value=True, description="same init for every setting",
                                        indent=False),
                "ghost": drop("faint curves", [("λ = 0", "lam0"), ("none", "none"),
                                               ("previous run", "previous")], "lam0")}

    def compute(self, v):
        key = (v["optimizer"], v["penalty"], v["lam"], v["lr"], v["epochs"], v["seed"],
               bool(v["same_init"]), val_every(v["epochs"]))   # validate as often as drawn
        params, hist, weights = train_playground(*key)
        base = None
        if v["ghost"] == "lam0" and v["penalty"] != "none":
            _, base_hist, base_weights = baseline(v["optimizer"], "none", 0.0, *key[3:])
            base = (base_hist, base_weights)
        logits = PLAYGROUND_MLP.forward(params, self.grid)                            # (2500, 1)
        return {**v, "key": key, "hist": hist, "weights": weights, "diverged_at": hist.diverged_at,
                "divergence": hist.divergence,
                "prob": losses.sigmoid(logits).reshape(50, 50), "base": base}

    def setup(self, fig):
        self.ax_b, self.ax_loss, self.ax_w = fig.subplots(1, 3, width_ratios=[1, 1.2, 1])
        ds = moons(PLAYGROUND_MOONS)
        self.prob = self.ax_b.imshow(np.full((50, 50), 0.5), origin="lower", cmap="RdBu_r",
                                     vmin=0, vmax=1, extent=[-EXTENT, EXTENT] * 2,
                                     alpha=0.6, animated=True)
        self.ax_b.scatter(*ds.X.T, c=np.where(ds.y[:, 0] > 0, "#b2182b", "#2166ac"), s=14,
                          edgecolors="white", linewidths=0.6, animated=True)   # over the image
        self.ax_b.set(xticks=[], yticks=[])
        self.ax_b.spines[:].set_visible(False)       # the image would cover them when blitting
        plots.style_axes(self.ax_b, "P(class 1) and training points", "x₁", "x₂")
        self.ghosts = [self.ax_loss.plot([], [], color=c, lw=3, alpha=0.25, animated=True)[0]
                       for c in (plots.TRAIN, plots.VAL)]
        self.curves = [self.ax_loss.plot([], [], color=c, lw=1.2, label=lab, animated=True)[0]
                       for c, lab in ((plots.TRAIN, "train"), (plots.VAL, "validation"))]
        self.ax_loss.set(yscale="log", ylim=(1e-3, 10))
        self.ax_loss.legend(fontsize=7, loc="lower left", title="faint: comparison run",
                            title_fontsize=7)
        plots.style_axes(self.ax_loss, "loss (binary cross-entropy)", "step")
        self.hist = self.ax_w.stairs(np.zeros(30), BINS, fill=True, color=plots.TRAIN,
                                     zorder=2, animated=True)   # one artist, over the grid
        self.ghost_hist = self.ax_w.stairs(np.zeros(30), BINS, color="k", lw=1, alpha=0.5,
                                           zorder=2, animated=True)
        self.w_text = self.ax_w.text(0.03, 0.97, "", transform=self.ax_w.transAxes, va="top",
                                     fontsize=7, animated=True)
        self.ax_w.set_yscale("function", functions=(lambda n: np.sqrt(np.maximum(n, 0)), np.square))
        self.ax_w.set(xlim=(BINS[0], BINS[-1]), ylim=(0, 304), yticks=[0, 10, 50, 100, 200, 300])
        plots.style_axes(self.ax_w, "all 304 weights", "weight value (clipped to ±3)",
                         "count (√ scale)")

    def draw(self, r):
        if self.last is None or self.last[0] != r["key"]:    # a new run (not just a redraw)
            self.previous, self.last = self.last, (r["key"], r)
        prev = self.previous and (self.previous[1]["hist"], self.previous[1]["weights"])
        ghost = {"lam0": r["base"], "none": None, "previous": prev}[r["ghost"]]   # (hist, w)
        self.prob.set_data(r["prob"])
        # x range 100, 200 or 400 steps: fixed while only λ or lr move (a new range redraws all)
        self.ax_loss.set_xlim(0, next(n for n in (100, 200, 400) if r["epochs"] <= n))
        for line, curve in zip(self.curves, self._curves(r["hist"]), strict=True):
            line.set_data(*curve)
        for line, curve in zip(self.ghosts, self._curves(ghost and ghost[0]), strict=True):
            line.set_data(*curve)
        self.hist.set_data(self._histogram(r["weights"]))
        self.ghost_hist.set_data(self._histogram(ghost[1] if ghost else []))
        self.ghost_hist.set_visible(ghost is not None)
        norm, zeros = np.linalg.norm(r["weights"]), int(np.sum(r["weights"] == 0))
        self.w_text.set_text(f"‖W‖₂ = {norm:.3g}\n{zeros} exactly 0")
        decoupled = r["optimizer"] == "adamw" and r["penalty"] == "l2"
        meaning = MEANING["adamw" if decoupled else r["penalty"]]
        if r["optimizer"] == "adamw" and not decoupled:     # AdamW's own decay is 0 here
            meaning += "; AdamW's decoupled decay is 0, so this is Adam"
        if r["penalty"] == "l2" and not decoupled:
            meaning += L2_IS[r["optimizer"]]
        h = r["hist"]
        init = (f"init seed {r['seed']} for every setting" if r["same_init"] else
                f"own init for this setting (seed {init_seed(*r['key'][:7])})")
        return (f"{OPTIMIZERS[r['optimizer']]}, {meaning}"
                f" · λ = {plots.fmt_sci(r['lam'])}, lr = {plots.fmt_sci(r['lr'])}, {init}: "
                f"train loss {last_value(h.train_loss, h.diverged_at)}, validation loss "
                f"{last_value(h.val_loss, h.diverged_at)}, ‖W‖₂ = {norm:.3g}, {zeros} of "
                f"{r['weights'].size} weights exactly 0")

    @staticmethod
    def _curves(hist):
        """(steps, train loss) and (steps, validation loss) of a History; empty for None."""
        if hist is None:
            return ([], []), ([], [])
        steps = np.arange(hist.steps)
        val = np.isfinite(hist.val_loss)                   # the steps validated (val_every)
        return (steps, hist.train_loss), (steps[val], hist.val_loss[val])

    @staticmethod
    def _histogram(weights):
        return np.histogram(np.clip(weights, BINS[0], BINS[-1]), BINS)[0]   # (30,)
