"""Dashboard "depth_init" (lesson on depth and initialization): vanishing and exploding signals."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from wdlib import diagnostics, models, plots, train
from wdlib.live.framework import Dashboard, int_slider, last_value, log_slider, register
from wdlib.tasks.regression import (
    DEPTH_LR,
    DEPTH_MAX,
    DEPTH_MOMENTUM,
    DEPTH_STEPS,
    deep_mlp,
    depth_curve,
)

MAX_DEPTH = DEPTH_MAX
ACT_RANGE, GRAD_RANGE, LOSS_RANGE = (1e-8, 1e8), (1e-12, 1e12), (1e-3, 1e5)   # fixed log axes


def _onto(values, lo_hi):
    """Values outside a fixed log axis drawn at its edge (0, NaN and inf included)."""
    lo, hi = lo_hi
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=hi, posinf=hi)
    return np.clip(v, lo * 1.05, hi / 1.05)


@register("depth_init")
class DepthInit(Dashboard):
    """Lesson "depth and initialization": a deep MLP at initialization, and how it then trains.

    The net (1 → ``width`` × ``depth`` hidden layers → 1) fits the 64-point S-curve of
    ``data.polynomial``. Left: the standard deviation of each hidden layer's activations at
    initialization. Middle: the gradient norm ‖∂L/∂W_l‖ of each weight matrix at initialization
    (``diagnostics.layer_stats``). Right: the loss over 60 steps of SGD (lr 0.05, momentum 0.9)
    from that initialization. ``init_scale`` multiplies the initial weights: scale 1 with
    ``xavier`` is Glorot's init, with ``he`` Kaiming's; ``normal`` is N(0, 1) (std = scale).

    Try: depth 12 with sigmoid (gradients vanish towards the input, training stalls); scale 0.3
    (signals die out layer by layer); relu with scale 3 (they explode: "diverged at step N");
    relu with xavier versus he at depth 12; tanh with ``normal`` (saturated units).
    """

    title = "Depth and initialization: do signals and gradients survive the layers?"
    alt = ("left, the standard deviation of each hidden layer's activations at initialization; "
           "middle, each weight matrix's gradient norm at initialization; right, the training "
           "loss over 60 steps")
    STEPS, LR, MOMENTUM = DEPTH_STEPS, DEPTH_LR, DEPTH_MOMENTUM

    def __init__(self, **initial):
        self.data = depth_curve()
        super().__init__(**initial)

    def make_controls(self):
        return {"depth": int_slider("depth (hidden layers)", 4, 1, MAX_DEPTH),
                "width": int_slider("width", 32, 4, 64, step=4),
                "activation": W.Dropdown(options=list(models.ACTIVATIONS), value="tanh",
                                         description="activation"),
                "init": W.Dropdown(options=["xavier", "he", "normal"], value="xavier",
                                   description="init"),
                "init_scale": log_slider("init scale (× the init's std)", 1.0, 0.1, 10.0,
                                         step=0.125)}

    def compute(self, values):
        d, w = values["depth"], values["width"]
        model = deep_mlp(d, w, values["activation"])
        X, y = self.data.X, self.data.y
        params = model.init(seed=0, init=values["init"], scale=values["init_scale"])
        stats = diagnostics.layer_stats(model, params, X, y)
        _, hist = train.fit(model, X, y, lr=self.LR, momentum=self.MOMENTUM, steps=self.STEPS,
                            params=params, record="loss")
        return {**values, "act_std": stats["act_std"][:-1],           # (depth,) hidden layers
                "grad_norm": stats["grad_norm"],                       # (depth + 1,) W1..W_out
                "weight_std": float(np.std(params[f"W{min(d, 2)}"])),  # a hidden layer's
                "loss": hist.train_loss, "diverged_at": hist.diverged_at}

    def setup(self, fig):
        self.ax_act, self.ax_grad, self.ax_loss = fig.subplots(1, 3)
        layers = np.arange(1, MAX_DEPTH + 2)
        self.act, = self.ax_act.plot([], [], "o-", color=plots.TRAIN, ms=4, animated=True)
        self.grad, = self.ax_grad.plot([], [], "o-", color=plots.VAL, ms=4, animated=True)
        self.loss, = self.ax_loss.plot(np.arange(self.STEPS), np.ones(self.STEPS),
                                       color=plots.TRAIN, animated=True)
        for ax, lo_hi, title, label in (
                (self.ax_act, ACT_RANGE, "activation std at init", "std of layer l's output"),
                (self.ax_grad, GRAD_RANGE, "gradient norm at init", "‖∂L/∂W_l‖")):
            ax.set(xlim=(0.5, layers[-1] + 0.5), xticks=[1, 4, 7, 10, 13])
            plots.lambda_axis(ax, *lo_hi, label=label, axis="y")
            plots.style_axes(ax, title, "layer l (input → output)")
        self.ax_loss.set(xlim=(0, self.STEPS))
        plots.lambda_axis(self.ax_loss, *LOSS_RANGE, label="loss (½·MSE)", axis="y")
        plots.style_axes(self.ax_loss, f"training ({self.STEPS} steps of SGD)", "step")

    def draw(self, r):
        d = r["depth"]
        self.act.set_data(np.arange(1, d + 1), _onto(r["act_std"], ACT_RANGE))
        self.grad.set_data(np.arange(1, d + 2), _onto(r["grad_norm"], GRAD_RANGE))
        n = self.STEPS if r["diverged_at"] is None else r["diverged_at"]   # steps that ran
        self.loss.set_data(np.arange(n), _onto(r["loss"][:n], LOSS_RANGE))
        named = {"xavier": "Xavier/Glorot init", "he": "He/Kaiming init"}.get(r["init"])
        scale = r["init_scale"]
        what = f"{r['init']} × {scale:.2g}" + (f" (= {named})" if named and scale == 1 else "")
        first, out = r["grad_norm"][0], r["grad_norm"][-1]
        if out > 0 and np.isfinite(out) and np.isfinite(first):
            gradient = f"gradient at layer 1 = {first / out:.1e} × the output layer's"
        else:                   # no ratio (never a NaN): e.g. dead ReLUs leave both at 0
            gradient = f"gradient norm {first:.2g} at layer 1, {out:.2g} at the output layer"
        loss = r["loss"][np.isfinite(r["loss"])]
        if not loss.size:
            trained = "no finite loss"
        elif r["diverged_at"] is not None and loss.size == 1:   # no "A → A": it never trained
            trained = f"loss {last_value(r['loss'], r['diverged_at'])}"
        else:
            trained = f"loss {loss[0]:.3g} → {last_value(r['loss'], r['diverged_at'])}"
        return (f"{what}: weight std {r['weight_std']:.2g}; last hidden layer's std "
                f"{r['act_std'][-1]:.2g}; {gradient}; {trained}")
