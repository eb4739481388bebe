"""Dashboard "schedules" (lesson on lr schedules and momentum): an ill-conditioned bowl, and
the same schedule and momentum training an MLP on two moons (full batch or minibatches).

The problems, the schedules and the training runs are ``wdlib.tasks``' (``surfaces.bowl``,
``classification.mlp_run``, ``schedule_menu.make_schedule``); this module draws them."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.patches import Rectangle

from wdlib import optim, plots
from wdlib.live._surface import draw_path, path_panel
from wdlib.live.framework import Dashboard, int_slider, last_value, log_slider, register
from wdlib.tasks.classification import mlp_run
from wdlib.tasks.schedule_menu import KINDS, STEPS, make_schedule
from wdlib.tasks.surfaces import BOWL_CURVATURES, BOWL_DIVERGENCE, BOWL_START, bowl, descend

XLIM, YLIM = (-3.0, 3.0), (-2.0, 2.0)
LR_RANGE, LOSS_RANGE = (1e-4, 3.0), (1e-10, 1e3)
MLP_LOSS_RANGE = (3e-3, 3.0)     # the MLP's loss axis (right): fixed, like every limit here

# the problem control: (label, value); "mlp*" train tasks.classification's MLP on two moons
PROBLEMS = [("quadratic (κ = 20)", "quadratic"), ("MLP on two moons", "mlp"),
            ("MLP, minibatches of 20", "mlp_minibatch")]
LABELS = {value: label for label, value in PROBLEMS}
BATCH = 20                                             # the minibatch problem: 10 epochs


@register("schedules")
class Schedules(Dashboard):
    """Lesson "schedules and momentum": SGD with a learning-rate schedule lr(t) and momentum β,
    100 steps, on one of three problems (``problem``):

    - an ill-conditioned 2-D quadratic (curvatures 1 and 20, so κ = 20) from (−2.5, 1.5);
    - an MLP 2→16→16→1 (tanh, 337 weights) on two moons (200 training and 200 validation
      points), loss ½·mean((ŷ − y)²) on the 0/1 labels, full batch, from the same initial
      weights every time;
    - the same MLP with minibatches of 20 (10 epochs): the gradient is noisy.

    Left: lr(t); for the quadratic also its stability limit 2(1 + β)/20 of the steep direction
    (dashed): while lr(t) is above it, the run oscillates with growing amplitude across the
    valley. The MLP has no such fixed limit (its curvature changes as it trains), so the line is
    hidden. Middle: the loss per step on a fixed log axis: the quadratic's on the left axis
    (13 decades), the MLP's on the right one (training loss solid, validation loss dashed).
    Right: the quadratic's path over its loss contours (greyed out for the MLP). A run whose
    loss passes 1e12 is stopped and reported as "diverged at step N" (on a quadratic the
    iterates would take hundreds of steps to overflow; ``train.fit`` trains on, so the MLP's
    curves are cut at that step).

    Try, on the quadratic: a constant lr above the limit ("diverged at step N") and then a
    decaying schedule at the same base lr (the decay can rescue it); momentum 0 versus 0.9
    along the slow, shallow direction; warmup with a large lr; cosine restarts (with a base lr
    above the limit, or β = 0.9, the loss jumps after every restart; at the defaults it does
    not: lesson 07, section 6). On the MLP (schedule cosine, β = 0.5): base lr 0.3 trains; 1.0
    diverges within a few steps; 1.0 with 20 warmup steps trains again: the curvature (the
    Hessian's largest eigenvalue) is 7.8 at these initial weights and 2.2 after the warmup, so
    the full lr is then below 2(1 + β)/curvature (from other initializations only sometimes:
    12 of 40, lesson 07 section 3). β = 0 versus 0.9 at lr 0.056 (momentum gets further).
    With minibatches: at a constant lr the validation loss keeps jittering to the end; a
    decaying schedule (cosine, step, 1/t) settles it (the training loss stays noisy: every step
    sees other points).
    """

    title = "Learning-rate schedules and momentum: an ill-conditioned bowl and an MLP"
    alt = ("left, the learning rate per step and, for the quadratic, its stability limit "
           "dashed; middle, the loss per step (quadratic: left axis; MLP: right axis, training "
           "solid, validation dashed); right, the quadratic's path over its contours")
    figsize = (9.6, 3.5)     # three panels, one with two y axes: wider than the default 8 in

    def make_controls(self):
        return {"problem": W.Dropdown(options=PROBLEMS, value="quadratic",
                                      description="problem"),
                "schedule": W.Dropdown(options=list(KINDS), value="cosine",
                                       description="schedule"),
                "lr": log_slider("base lr", 10 ** -1.25, 1e-3, 1.0),     # 0.056
                "warmup": int_slider("warmup (steps)", 0, 0, 50, step=5),
                "momentum": W.FloatSlider(value=0.5, min=0.0, max=0.99, step=0.01,
                                          description="momentum β", continuous_update=True,
                                          style={"description_width": "initial"})}

    def compute(self, values):
        lr_t = make_schedule(values["schedule"], values["lr"], values["warmup"])
        if values["problem"] == "quadratic":
            run = descend(bowl, BOWL_START, optim.sgd(lr_t, momentum=values["momentum"]),
                          STEPS, divergence=BOWL_DIVERGENCE)
        else:
            batch = BATCH if values["problem"] == "mlp_minibatch" else None
            run = mlp_run(lr_t, values["momentum"], batch)
        return {**values, **run, "lr_t": lr_t(np.arange(STEPS)),                # (STEPS,)
                "limit": 2 * (1 + values["momentum"]) / BOWL_CURVATURES[-1]}

    def setup(self, fig):
        self.ax_lr, self.ax_loss, self.ax_path = fig.subplots(1, 3, width_ratios=[1, 1, 1.2])
        steps = np.arange(STEPS)
        self.lr_line, = self.ax_lr.plot(steps, np.ones(STEPS), color="k", animated=True,
                                        label="lr(t)")
        self.limit = self.ax_lr.axhline(1.0, color=plots.VAL, ls="--", lw=0.8, animated=True,
                                        label="stability limit (quadratic)")
        self.ax_lr.set(xlim=(0, STEPS))
        plots.lambda_axis(self.ax_lr, *LR_RANGE, label="learning rate", axis="y")
        self.ax_lr.legend(fontsize=7, loc="lower left")
        plots.style_axes(self.ax_lr, "schedule lr(t)", "step t")
        self.loss, = self.ax_loss.plot(steps, np.ones(STEPS), color=plots.TRAIN, animated=True)
        self.ax_loss.set(xlim=(0, STEPS))
        plots.lambda_axis(self.ax_loss, *LOSS_RANGE, label="quadratic: loss (minimum 0)",
                          axis="y")
        plots.style_axes(self.ax_loss, "loss (left axis: quadratic, right: MLP)", "step t")
        # the MLP's losses span 2 decades, not 13: a right-hand axis of their own (fixed limits)
        self.ax_mlp = self.ax_loss.twinx()
        self.mlp_lines = [self.ax_mlp.plot([], [], color=c, lw=1, ls=ls, animated=True)[0]
                          for c, ls in ((plots.TRAIN, "-"), (plots.VAL, "--"))]
        plots.lambda_axis(self.ax_mlp, *MLP_LOSS_RANGE, label="MLP: loss ½·mean((ŷ − y)²)",
                          axis="y")
        self.ax_mlp.tick_params(labelsize=8)
        self.ax_mlp.spines["top"].set_visible(False)
        self.loss_note = self.ax_loss.text(0.03, 0.03, "", transform=self.ax_loss.transAxes,
                                           ha="left", va="bottom", fontsize=7, animated=True)
        self.path = path_panel(self.ax_path, bowl, BOWL_START, XLIM, YLIM, grid=(121, 81),
                               floor=1e-3, levels=12, labels=("w₁", "w₂"))
        # greys the path panel out while an MLP trains (axes coordinates: the limits stay put)
        self.veil = self.ax_path.add_patch(Rectangle((0, 0), 1, 1, transform=self.ax_path.transAxes,
                                                     facecolor="white", alpha=0.8, zorder=3,
                                                     animated=True, visible=False))
        self.veil_text = self.ax_path.text(0.5, 0.5, "the path is drawn\nfor the quadratic only",
                                           transform=self.ax_path.transAxes, ha="center",
                                           va="center", fontsize=9, color="#555", zorder=4,
                                           animated=True, visible=False)

    def draw(self, r):
        mlp = r["problem"] != "quadratic"
        lo, hi = LR_RANGE
        self.lr_line.set_ydata(np.clip(r["lr_t"], lo * 1.05, hi / 1.05))
        self.limit.set_ydata([r["limit"]] * 2)
        self.limit.set_visible(not mlp)
        self.veil.set_visible(mlp)
        self.veil_text.set_visible(mlp)
        if mlp:
            n = STEPS if r["diverged_at"] is None else r["diverged_at"]     # steps that ran
            lo, hi = MLP_LOSS_RANGE
            for line, key in zip(self.mlp_lines, ("loss", "val_loss"), strict=True):
                v = r[key][:n]
                m = n if np.isfinite(v).all() else int(np.argmin(np.isfinite(v)))  # cut at NaN
                line.set_data(np.arange(m), np.clip(v[:m], lo * 1.02, hi / 1.02))
            self.loss.set_data([], [])
            self.path.set_data([], [])
            self.loss_note.set_text(f"{LABELS[r['problem']]}, right axis:\n"
                                    "train (solid), validation (dashed)")
        else:
            n = draw_path(self.path, r)
            lo, hi = LOSS_RANGE
            self.loss.set_data(np.arange(n), np.clip(r["loss"][:n], lo * 1.05, hi / 1.05))
            for line in self.mlp_lines:
                line.set_data([], [])
            self.loss_note.set_text("quadratic ½ wᵀAw, left axis")
        head = (f"{r['schedule']}, base lr {plots.fmt_sci(r['lr'])}, warmup {r['warmup']}, "
                f"β = {r['momentum']:.2f}")
        done = r["loss"][np.isfinite(r["loss"])]
        final = "final " if r["diverged_at"] is None else ""     # a diverged run has no final
        if mlp:
            if not done.size:
                return head
            batch = "minibatch " if r["problem"] == "mlp_minibatch" else ""   # 20 points
            return (f"{LABELS[r['problem']]}, {head}: {final}{batch}train "
                    f"loss {last_value(r['loss'], r['diverged_at'])}, validation loss "
                    f"{last_value(r['val_loss'], r['diverged_at'])}")
        above = int(np.sum(r["lr_t"] > r["limit"]))
        return (f"{head}: lr above the stability limit {plots.fmt_sci(r['limit'])} for "
                f"{above} steps; {final}loss {last_value(r['loss'], r['diverged_at'])}")
