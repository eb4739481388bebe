"""Dashboard "schedules" (lesson on lr schedules and momentum): an ill-conditioned bowl."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from wdlib import optim, plots, schedules
from wdlib.live._surface import descend, draw_path, path_panel
from wdlib.live.framework import Dashboard, int_slider, log_slider, register

STEPS = 100
ANGLE = np.pi / 6
ROT = np.array([[np.cos(ANGLE), -np.sin(ANGLE)], [np.sin(ANGLE), np.cos(ANGLE)]])
CURVATURES = np.array([1.0, 20.0])                    # eigenvalues of the Hessian: κ = 20
HESSIAN = ROT @ np.diag(CURVATURES) @ ROT.T            # (2, 2)
START = (-2.5, 1.5)
XLIM, YLIM = (-3.0, 3.0), (-2.0, 2.0)
LR_RANGE, LOSS_RANGE = (1e-4, 3.0), (1e-10, 1e3)
MAX_LOSS = 1e12          # a run past this (1e11 x its start) counts as diverged

# name -> builder(base lr, steps after the warmup); each is a function of the step
KINDS = {
    "constant": lambda lr, n: schedules.constant(lr),
    "step": lambda lr, n: schedules.step_decay(lr, step_size=max(n // 4, 1), gamma=0.5),
    "exponential": lambda lr, n: schedules.exponential(lr, gamma=0.97),
    "1/t": lambda lr, n: schedules.inverse_time(lr, decay_rate=0.1),
    "cosine": lambda lr, n: schedules.cosine(lr, total_steps=n),
    "warmup+cosine": None,                               # schedules.warmup_cosine, below
    "cosine restarts": lambda lr, n: schedules.cosine_warm_restarts(lr, T_0=max(n // 4, 1)),
}


def quadratic(w):
    """L(w) = ½ wᵀ A w with A's eigenvalues 1 and 20 (axes turned by 30°): (loss, grad)."""
    g = w @ HESSIAN                                    # (..., 2); A is symmetric
    return 0.5 * np.sum(w * g, axis=-1), g


def make_schedule(kind: str, lr: float, warmup: int, steps: int = STEPS):
    """The dashboard's lr(t): a linear warmup over ``warmup`` steps (none if 0), then ``kind``
    over the remaining steps. "warmup+cosine" is ``schedules.warmup_cosine`` (>= 1 warmup step).
    """
    if kind == "warmup+cosine":
        return schedules.warmup_cosine(lr, max(warmup, 1), steps)
    main = KINDS[kind](lr, steps - warmup)
    return main if warmup == 0 else schedules.join([schedules.warmup(lr, warmup), main],
                                                   [warmup])


@register("schedules")
class Schedules(Dashboard):
    """Lesson "schedules and momentum": SGD with a learning-rate schedule on an ill-conditioned
    2-D quadratic (curvatures 1 and 20, so κ = 20), 100 steps from (−2.5, 1.5).

    Left: lr(t), with the stability limit 2(1 + β)/20 of the steep direction (dashed): while
    lr(t) is above it, the run oscillates with growing amplitude across the valley. Middle: the
    loss (the minimum is 0). Right: the path over the loss contours. A run whose loss passes
    1e12 (10¹¹ times where it started) is stopped and reported as "diverged at step N" (on a
    quadratic the iterates would take hundreds of steps to overflow).

    Try: a constant lr above the limit ("diverged at step N") and then a decaying schedule at
    the same base lr (the decay can rescue it); momentum 0 versus 0.9 along the slow, shallow
    direction; warmup with a large lr; cosine restarts (the loss jumps at every restart).
    """

    title = "Learning-rate schedules and momentum on an ill-conditioned bowl"

    def make_controls(self):
        return {"schedule": W.Dropdown(options=list(KINDS), value="cosine",
                                       description="schedule"),
                "lr": log_slider("base lr", 0.05, 1e-3, 1.0),
                "warmup": int_slider("warmup (steps)", 0, 0, 50, step=5),
                "momentum": W.FloatSlider(value=0.5, min=0.0, max=0.99, step=0.01,
                                          description="momentum β", continuous_update=True,
                                          style={"description_width": "initial"})}

    def compute(self, values):
        lr_t = make_schedule(values["schedule"], values["lr"], values["warmup"])
        run = descend(quadratic, START, optim.sgd(lr_t, momentum=values["momentum"]), STEPS,
                      max_loss=MAX_LOSS)
        return {**values, **run, "lr_t": lr_t(np.arange(STEPS)),                # (STEPS,)
                "limit": 2 * (1 + values["momentum"]) / CURVATURES[-1]}

    def setup(self, fig):
        self.ax_lr, self.ax_loss, self.ax_path = fig.subplots(1, 3, width_ratios=[1, 1, 1.2])
        steps = np.arange(STEPS)
        self.lr_line, = self.ax_lr.plot(steps, np.ones(STEPS), color="k", animated=True,
                                        label="lr(t)")
        self.limit = self.ax_lr.axhline(1.0, color=plots.VAL, ls="--", lw=0.8, animated=True,
                                        label="stability limit")
        self.ax_lr.set(xlim=(0, STEPS))
        plots.lambda_axis(self.ax_lr, *LR_RANGE, label="learning rate", axis="y")
        self.ax_lr.legend(fontsize=7, loc="lower left")
        plots.style_axes(self.ax_lr, "schedule lr(t)", "step t")
        self.loss, = self.ax_loss.plot(steps, np.ones(STEPS), color=plots.TRAIN, animated=True)
        self.ax_loss.set(xlim=(0, STEPS))
        plots.lambda_axis(self.ax_loss, *LOSS_RANGE, label="loss (minimum 0)", axis="y")
        plots.style_axes(self.ax_loss, "loss", "step t")
        self.path = path_panel(self.ax_path, quadratic, START, XLIM, YLIM, grid=(121, 81),
                               floor=1e-3, levels=12, labels=("w₁", "w₂"))

    def draw(self, r):
        lo, hi = LR_RANGE
        self.lr_line.set_ydata(np.clip(r["lr_t"], lo * 1.05, hi / 1.05))
        self.limit.set_ydata([r["limit"]] * 2)
        lo, hi = LOSS_RANGE
        n = draw_path(self.path, r)                                     # steps that ran
        self.loss.set_data(np.arange(n), np.clip(r["loss"][:n], lo * 1.05, hi / 1.05))
        above = int(np.sum(r["lr_t"] > r["limit"]))
        done = r["loss"][np.isfinite(r["loss"])]
        return (f"{r['schedule']}, base lr {plots.fmt_sci(r['lr'])}, warmup {r['warmup']}, "
                f"β = {r['momentum']:.2f}: lr above the stability limit "
                f"{plots.fmt_sci(r['limit'])} for {above} steps; final loss {done[-1]:.3g}")
