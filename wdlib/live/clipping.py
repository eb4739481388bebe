"""Dashboard "clipping" (lesson on exploding gradients): gradient descent falling off a cliff.

The surface, its start and the descent loop are ``wdlib.tasks.surfaces``'; the path panel is
``wdlib.live._surface``'s (shared with "schedules").
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from wdlib import optim, plots
from wdlib.live._surface import draw_path, path_panel
from wdlib.live.framework import Dashboard, last_value, log_slider, register
from wdlib.tasks.surfaces import CLIFF_START, cliff, descend

XLIM, YLIM = (-1.5, 3.0), (-1.5, 1.5)
GRAD_RANGE, LOSS_RANGE = (1e-3, 1e5), (1e-4, 1e3)


@register("clipping")
class Clipping(Dashboard):
    """Lesson "exploding gradients and clipping": SGD on a loss surface with a cliff.

    From (2.5, −0.5) on a high plateau, gradient descent walks towards a steep wall (slope
    200) with the minimum below it at (0, 0). Left: the path over the loss contours. Middle:
    the loss per step. Right: the gradient norm before clipping, the threshold (dashed) and the
    steps where clipping acted (dots).

    Without clipping the step on the wall is lr·200: at the default lr (every lr from 0.1 to
    0.56) the run is thrown far past the valley, where the quartic side is steeper still, and
    it diverges (it does *not* reach the optimum faster); at lr 0.65 and above the first step
    jumps from the plateau over the wall and never meets it (lesson 06, section 2). Clipping
    by norm bounds every step by lr·threshold (by value each coordinate: up to √2·lr·threshold
    here): at the default threshold the run walks down the wall and converges. The default
    clips by global norm; try: mode none (it diverges) → value; a tiny
    lr (then the cliff is harmless, but 100 steps barely leave the plateau); a large lr with
    clipping (it still settles: near the minimum the gradients are small, clipping stops acting,
    and the valley is stable for every lr on the slider, lr < 2/1.3).
    """

    title = "Gradient clipping: a steep wall throws gradient descent away"
    alt = ("left, the gradient descent path over the contours of a loss surface with a cliff; "
           "middle, the loss per step; right, the gradient norm per step before clipping, the "
           "threshold dashed, each clipped step a black dot")
    STEPS = 100

    def make_controls(self):
        return {"lr": log_slider("lr", 0.1, 1e-3, 1.0),
                "mode": W.Dropdown(options=[("none", "none"), ("by value", "value"),
                                            ("by global norm", "norm")], value="norm",
                                   description="clipping"),
                "threshold": log_slider("threshold", 1.0, 1e-2, 1e2)}

    def compute(self, values):
        run = descend(cliff, CLIFF_START, optim.sgd(values["lr"]), self.STEPS, values["mode"],
                      values["threshold"])
        over = run["grad_norm"] > values["threshold"] if values["mode"] == "norm" else \
            run["grad_norm_clipped"] < run["grad_norm"] * (1 - 1e-12)   # a coordinate was cut
        return {**values, **run, "clipped": over & (values["mode"] != "none")}

    def setup(self, fig):
        self.ax_path, self.ax_loss, self.ax_grad = fig.subplots(1, 3, width_ratios=[1.2, 1, 1])
        self.path = path_panel(self.ax_path, cliff, CLIFF_START, XLIM, YLIM, grid=(181, 121),
                               floor=1e-2, levels=16, labels=("x", "y"))
        steps = np.arange(self.STEPS)
        self.loss, = self.ax_loss.plot(steps, np.ones(self.STEPS), color=plots.TRAIN,
                                       animated=True)
        self.ax_loss.set(xlim=(0, self.STEPS))
        plots.lambda_axis(self.ax_loss, *LOSS_RANGE, label="loss", axis="y")
        plots.style_axes(self.ax_loss, "loss", "step")
        self.gnorm, = self.ax_grad.plot(steps, np.ones(self.STEPS), color=plots.VAL, lw=1,
                                        animated=True)
        self.events, = self.ax_grad.plot([], [], "o", color="k", ms=3, animated=True,
                                         label="clipped")
        self.thr = self.ax_grad.axhline(1.0, color="k", ls="--", lw=0.8, animated=True,
                                        label="threshold")
        self.ax_grad.set(xlim=(0, self.STEPS))
        plots.lambda_axis(self.ax_grad, *GRAD_RANGE, label="‖gradient‖ before clipping",
                          axis="y")
        self.ax_grad.legend(fontsize=7, loc="upper right")
        plots.style_axes(self.ax_grad, "gradient norm", "step")

    def draw(self, r):
        lo, hi = GRAD_RANGE
        on_axis = lambda v, lo, hi: np.clip(v, lo * 1.05, hi / 1.05)
        n = draw_path(self.path, r)                                    # steps that ran
        self.loss.set_data(np.arange(n), on_axis(r["loss"][:n], *LOSS_RANGE))
        self.gnorm.set_data(np.arange(n), on_axis(r["grad_norm"][:n], lo, hi))
        steps = np.flatnonzero(r["clipped"])
        self.events.set_data(steps, on_axis(r["grad_norm"][steps], lo, hi))
        self.thr.set_ydata([r["threshold"]] * 2)
        self.thr.set_visible(r["mode"] != "none")
        done = np.flatnonzero(np.isfinite(r["loss"]))
        far = np.max(np.abs(r["path"][np.isfinite(r["path"]).all(axis=1)]))
        clipped = (f"{steps.size} of {done.size} steps clipped" if r["mode"] != "none" else
                   "no clipping (the threshold is not used)")
        return (f"lr {plots.fmt_sci(r['lr'])}, clipping {r['mode']}: {clipped}; largest "
                f"|coordinate| reached {far:.3g}; "
                f"loss {r['loss'][0]:.3g} → {last_value(r['loss'], r['diverged_at'])}")
