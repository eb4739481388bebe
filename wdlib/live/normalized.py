"""Dashboard "normalized" (lesson 09): weight decay on a weight behind a LayerNorm.

The problem is ``wdlib.tasks.normalized``: an 8 → 32 (LayerNorm, tanh) → 1 net, minibatches of
32, weight decay on the scale-invariant W1 only. Three runs train together (one batched pass):
the chosen (lr, λ), and (2·lr, λ/2), (lr/2, 2·λ), which share the product lr·λ.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from wdlib import loop, plots
from wdlib.live.framework import Dashboard, log_slider, register
from wdlib.tasks import normalized as task

STEPS, WINDOW = 120, 10
SPREAD = np.array([1.0, 2.0, 0.5])                       # lr factors; λ gets the inverse
# A run whose loss passes 1000 × its start is diverging even while still finite (a weight that
# decays to 0 behind the LayerNorm can leave the output layer to blow up slowly).
DIVERGENCE = loop.Divergence(max_growth=1e3)
COLORS = ("k", "#1f77b4", "#d62728")
NORM_RANGE, ANGLE_RANGE, LOSS_RANGE = (0.05, 30.0), (1e-4, 2.0), (0.02, 3.0)
RUN_NAMES = ("run 1 (black)", "run 2 (blue)", "run 3 (red)")
LEGEND = ("black: lr, λ", "blue: 2·lr, λ/2", "red: lr/2, 2·λ", "dashed: predicted angle")


def running_rms(x: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """√(mean of x² over the last ``window`` rows) along axis 0 (fewer rows at the start)."""
    c = np.cumsum(np.square(x), axis=0)
    c[window:] = c[window:] - c[:-window]
    n = np.minimum(np.arange(1, len(x) + 1), window)
    return np.sqrt(c / n.reshape((-1,) + (1,) * (x.ndim - 1)))


def running_mean(x: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Mean over the last ``window`` rows along axis 0."""
    c = np.cumsum(x, axis=0)
    c[window:] = c[window:] - c[:-window]
    n = np.minimum(np.arange(1, len(x) + 1), window)
    return c / n.reshape((-1,) + (1,) * (x.ndim - 1))


def finite_prefix(y: np.ndarray) -> int:
    """The number of leading finite entries (a diverged run is cut there, never NaN-drawn)."""
    bad = np.flatnonzero(~np.isfinite(y))
    return int(bad[0]) if bad.size else len(y)


@register("normalized")
class Normalized(Dashboard):
    """Lesson 09: ‖W1‖, the angle W1 turns by per step and the loss, for three (lr, λ) with
    the same product lr·λ, with SGD + L2, the paper's SGDW or PyTorch's AdamW.

    Dashed lines: the predicted equilibrium angular step (``task.predicted_angle``; for AdamW
    with β1 = 0.9 the no-momentum value times √((1 − β1)/(1 + β1)), lesson 09 section 5).
    Try: SGD, move lr and λ: where lr·λ is large enough for the 120 steps (the defaults'
    0.0316), the three angle curves settle on one line, their norms differ; at smaller lr·λ they
    end below it and apart (lesson 09 measures both); SGDW: the angle follows λ alone, so the
    three runs separate; AdamW: like SGD, smaller.
    """

    title = "Weight decay behind a LayerNorm: norm, angular step and loss"
    alt = ("for three runs sharing lr·λ (black: lr, λ; blue: 2·lr, λ/2; red: lr/2, 2·λ): left, "
           "the norm of W1; middle, the angle W1 turns per step, predicted angles dashed; "
           "right, the minibatch loss")

    def make_controls(self):
        return {"optimizer": W.Dropdown(options=list(task.OPTIMIZERS), value="SGD",
                                        description="optimizer"),
                "lr": log_slider("lr", 0.1, 1e-3, 10 ** -0.25),              # up to 0.56
                "lam": log_slider("λ (weight decay)", 10 ** -0.5, 1e-3, 1.0)}   # 0.316

    def compute(self, v):
        lr, lam = v["lr"] * SPREAD, v["lam"] / SPREAD
        r = task.train(v["optimizer"], lr, lam, STEPS, seed=0, divergence=DIVERGENCE)
        pred = predicted(v["optimizer"], lr, lam)
        stopped = [d for d in r["diverged_at"] if d is not None]      # None: did not diverge
        return {**v, "norm": r["norm"], "angle": running_rms(r["angle"]),
                "loss": running_mean(r["loss"]), "pred": pred, "lrs": lr, "lams": lam,
                "diverged_at": min(stopped) if len(stopped) == len(SPREAD) else None,
                "runs_diverged_at": tuple(r["diverged_at"]),
                "n_bad": len(stopped), "divergence": DIVERGENCE}

    def setup(self, fig):
        self.axes = fig.subplots(1, 3)
        ranges = (NORM_RANGE, ANGLE_RANGE, LOSS_RANGE)
        titles = ("‖W1‖ (the scale the net cannot see)",
                  f"angle W1 turns per step (RMS of {WINDOW})", "minibatch loss (mean of 10)")
        ylabels = ("‖W1‖", "radians", "½·MSE")
        self.lines, self.guides = [], []
        for ax, lim, title, ylabel in zip(self.axes, ranges, titles, ylabels, strict=True):
            ax.set(xlim=(0, STEPS), ylim=lim, yscale="log")
            plots.style_axes(ax, title, "step", ylabel)
            ax.title.set_fontsize(8)
            self.lines.append([ax.plot([], [], color=c, lw=1.2, animated=True)[0]
                               for c in COLORS])
        self.guides = [self.axes[1].axhline(0.1, color=c, ls="--", lw=0.9, animated=True)
                       for c in COLORS]
        # Text is the costly part of a frame (~70 us a glyph in Agg): the legend never changes
        # (the values of lr and λ are in the status line), so it is drawn in the cached
        # background. The update rule changes with the optimizer: drawn with every frame (~2
        # ms), since a new background for it would make a dropdown change a full redraw (~80 ms).
        for i, (line, color) in enumerate(zip(LEGEND, COLORS + ("0.3",), strict=True)):
            self.axes[0].text(0.97, 0.97 - 0.075 * i, line, color=color, fontsize=7,
                              transform=self.axes[0].transAxes, ha="right", va="top")
        self.rule = self.axes[2].text(0.97, 0.97, "", transform=self.axes[2].transAxes,
                                      fontsize=7, ha="right", va="top", animated=True)

    def draw(self, r):
        for k in range(len(SPREAD)):
            for line, key, (lo, hi) in zip((ln[k] for ln in self.lines), ("norm", "angle", "loss"),
                                           (NORM_RANGE, ANGLE_RANGE, LOSS_RANGE), strict=True):
                y = r[key][:, k]
                m = finite_prefix(y)
                line.set_data(np.arange(m), np.clip(y[:m], lo * 1.02, hi / 1.02))
            pred = r["pred"][k]             # NaN where there is no equilibrium (d >= 2):
            self.guides[k].set_visible(bool(np.isfinite(pred)))   # no line, and no NaN in one
            if np.isfinite(pred):
                self.guides[k].set_ydata([np.clip(pred, *ANGLE_RANGE)] * 2)
        self.rule.set_text(task.RULES[r["optimizer"]])
        text = (f"{r['optimizer']}, lr {plots.fmt_sci(r['lr'])}, λ {plots.fmt_sci(r['lam'])}: "
                f"{first_run_summary(r)}, predicted {r['pred'][0]:.3g}")
        return text + others_diverged(r)


def others_diverged(r) -> str:
    """The status line's words on runs that diverged: how many, and which (by colour) at which
    step (a count alone left the learner to find a shortened curve; run 1 is said first)."""
    if not r["n_bad"]:
        return ""
    which = [f"{name} at step {step}" for name, step in
             zip(RUN_NAMES, r["runs_diverged_at"], strict=True) if step is not None]
    return f"; {r['n_bad']} of 3 runs diverged: {', '.join(which)}"


def first_run_summary(r) -> str:
    """The status line's words on run 1 (black, the chosen lr and λ): its angle per step where
    the plotted curve ends (the RMS of the last ``WINDOW`` steps, the curve's last point),
    or, when it has none (never a NaN, never a warning): "no angle per step" if it diverged
    (why, with the step, is said once, by ``others_diverged`` right after: it said "run 1
    diverged at step 7" here and "run 1 (black) at step 7" there), or why: ‖W1‖ fell to 0
    (SGDW with λ near 1 multiplies W1 by 1 − λ each step), so the angle is undefined
    from the first step with no finite angle on."""
    if r["runs_diverged_at"][0] is not None:
        return "no angle per step"
    angle = r["angle"][:, 0]
    first_bad = finite_prefix(angle)
    if first_bad < len(angle):            # a running RMS stays NaN from its first NaN on
        norm = r["norm"][:, 0]
        why = (" (‖W1‖ fell to 0)" if np.any(norm == 0) else
               " (‖W1‖ is not finite)" if not np.isfinite(norm).all() else "")
        return f"run 1: angle undefined from step {first_bad}{why}"
    return f"angle per step {angle[-1]:.3g} rad"


def predicted(optimizer: str, lr, lam):
    """The dashed lines: ``task.predicted_angle``, and for AdamW (β1 = 0.9) times
    √((1 − β1)/(1 + β1)) (momentum correlates the steps; lesson 09, section 5)."""
    angle = task.predicted_angle(optimizer, lr, lam)
    return angle * np.sqrt(0.1 / 1.9) if optimizer == "AdamW" else angle
