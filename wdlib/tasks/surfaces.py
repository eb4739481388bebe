"""2-D loss surfaces of the lessons, and gradient descent on them.

A surface is a function ``w (..., 2) -> (loss (...), grad (..., 2))``: it takes any stack of
points (a single point, a path, a contour grid) and is vectorized over the leading axes. Its
minimum is at the origin, where the loss is 0. Units: the coordinates and the loss are plain
numbers (no data set behind them).

- ``cliff`` / ``CLIFF_START``: a valley below a steep wall (lesson 06, dashboard "clipping").
- ``bowl`` / ``BOWL_HESSIAN`` / ``BOWL_START``: an ill-conditioned quadratic, κ = 20 (lesson 07,
  dashboard "schedules").
- ``descend``: a first-order optimizer from ``wdlib.optim`` run on a surface, with optional
  gradient clipping, recording the path.
"""

from __future__ import annotations

import numpy as np

from wdlib import _checks, clipping, loop, losses, optim

__all__ = ["CLIFF_H", "CLIFF_B", "CLIFF_C", "CLIFF_START", "cliff", "BOWL_ANGLE",
           "BOWL_ROTATION", "BOWL_CURVATURES", "BOWL_HESSIAN", "BOWL_START", "BOWL_DIVERGENCE",
           "bowl", "descend", "CLIP_MODES"]

# ----------------------------------------------------------------------------- the cliff

CLIFF_H, CLIFF_B, CLIFF_C = 60.0, 0.3, 0.01      # plateau height, wall width, ramp smoothing
CLIFF_START = (2.5, -0.5)                        # on the plateau, above the wall


def _points(w) -> np.ndarray:
    """``w`` as a float64 array whose last axis has length 2 (ValueError otherwise)."""
    w = losses.as_float(w, "w").astype(np.float64, copy=False)
    if w.ndim == 0 or w.shape[-1] != 2:
        raise ValueError(f"w must have a last axis of length 2, got shape {w.shape}")
    return w


def cliff(w):
    """A valley below a cliff (after Pascanu et al. 2013, fig. 6): ``w`` (..., 2) -> (loss, grad).

    L(x, y) = H·ramp((x − 1)/b) + 0.1·x² + 0.02·x⁴ + ½(y − x/2)²,  H = 60, b = 0.3,

    where ramp(u) = c·(softplus(u/c) − softplus((u − 1)/c)), c = 0.01, rises from 0 (u < 0) to
    1 (u > 1) with slope 1 in between. So a plateau 60 high for x > 1.3 drops to a valley with
    its minimum L = 0 at (0, 0) over a wall 0.3 wide of slope H/b = 200. The quartic makes the
    far side steep, so a step thrown far past the wall lands where the gradient is larger still.
    Returns loss (...) and grad (..., 2).
    """
    w = _points(w)
    x, y = w[..., 0], w[..., 1]
    u = (x - 1.0) / CLIFF_B
    ramp = CLIFF_C * (np.logaddexp(0, u / CLIFF_C) - np.logaddexp(0, (u - 1) / CLIFF_C))
    slope = losses.sigmoid(u / CLIFF_C) - losses.sigmoid((u - 1) / CLIFF_C)   # ramp'(u)
    r = y - 0.5 * x                                                           # across the valley
    value = CLIFF_H * ramp + 0.1 * x**2 + 0.02 * x**4 + 0.5 * r**2
    dx = CLIFF_H / CLIFF_B * slope + 0.2 * x + 0.08 * x**3 - 0.5 * r
    return value, np.stack([dx, r], axis=-1)                                  # (...), (..., 2)


# ----------------------------------------------------------------------------- the bowl

BOWL_ANGLE = np.pi / 6                                     # the axes of the bowl, turned by 30°
BOWL_ROTATION = np.array([[np.cos(BOWL_ANGLE), -np.sin(BOWL_ANGLE)],   # (2, 2)
                          [np.sin(BOWL_ANGLE), np.cos(BOWL_ANGLE)]])
BOWL_CURVATURES = np.array([1.0, 20.0])                    # eigenvalues of the Hessian: κ = 20
BOWL_HESSIAN = BOWL_ROTATION @ np.diag(BOWL_CURVATURES) @ BOWL_ROTATION.T    # (2, 2), symmetric
BOWL_START = (-2.5, 1.5)
# lesson 07: a run whose loss passes 1e12 (1.5e10 × the start's loss, 66) counts as diverged
BOWL_DIVERGENCE = loop.Divergence(max_loss=1e12)
for _a in (BOWL_ROTATION, BOWL_CURVATURES, BOWL_HESSIAN):
    _a.setflags(write=False)                               # shared constants: read-only


def bowl(w):
    """L(w) = ½ wᵀ A w with A = ``BOWL_HESSIAN`` (eigenvalues 1 and 20, axes turned by 30°).

    ``w`` (..., 2) -> (loss (...), grad (..., 2) = w A).
    """
    w = _points(w)
    g = w @ BOWL_HESSIAN                               # (..., 2); A is symmetric
    return 0.5 * np.sum(w * g, axis=-1), g


# ----------------------------------------------------------------------------- the descent

CLIP_MODES = ("none", "value", "norm")


def descend(loss_and_grad, start, opt, steps: int, clip: str = "none", threshold: float = 1.0,
            divergence: loop.Divergence = loop.NONFINITE):
    """Run ``opt`` for ``steps`` updates on a 2-D loss ``loss_and_grad(w) -> (value, grad)``,
    through the one training loop (``loop.run``) and its divergence rule.

    ``start``: the first point, (2,). ``opt``: an ``optim`` Optimizer (one model, not K).
    ``clip``: "none" | "value" | "norm" (``optim.clip_by_value`` / ``clip_by_global_norm`` with
    ``threshold``, chained before ``opt``). ``divergence``: a ``loop.Divergence`` (e.g. the bowl's
    ``BOWL_DIVERGENCE``). Returns a dict: ``path`` (steps + 1, 2), the points the run reached (NaN
    after it stopped), ``loss``, ``grad_norm`` (before clipping) and ``grad_norm_clipped``
    (steps,), NaN from the step the run diverged on, and ``diverged_at`` (None if it did not).
    """
    if not callable(loss_and_grad):
        raise ValueError(f"loss_and_grad must be a function w -> (value, grad), "
                         f"got {_checks._fmt(loss_and_grad)}")
    start = _checks.finite_array("start", start, ndim=1)
    if start.shape != (2,):
        raise ValueError(f"start must have shape (2,), got {start.shape}")
    steps = _checks.positive_int("steps", steps)
    clip = _checks.choice("clip", clip, CLIP_MODES)
    if not isinstance(divergence, loop.Divergence):
        raise ValueError(f"divergence must be a loop.Divergence, got {divergence!r}")
    if not isinstance(opt, optim.Optimizer):      # (chain's message named "transforms[1]")
        raise ValueError(f"opt must be an optim Optimizer (optim.sgd(0.1), ...), "
                         f"got {_checks._fmt(opt)}")
    if clip != "none":
        _checks.positive("threshold", threshold)
    clipper = {"none": None, "value": optim.clip_by_value, "norm": optim.clip_by_global_norm}[clip]
    path = np.full((steps + 1, 2), np.nan)
    rec = {k: np.full(steps, np.nan) for k in ("loss", "grad_norm", "grad_norm_clipped")}
    now = [0]                                                 # the step being recorded

    def objective(p, t):
        path[t] = p["w"]                                      # every point the run reaches
        value, g = loss_and_grad(p["w"])
        return value, {"w": g}

    def monitor(t, p, value, grads, alive):
        now[0] = t
        rec["loss"][t], rec["grad_norm"][t] = value, clipping.global_norm(grads)

    def after_clip(grads):
        rec["grad_norm_clipped"][now[0]] = clipping.global_norm(grads)

    parts = [] if clipper is None else [clipper(threshold)]
    run = loop.run(objective, {"w": start}, optim.chain(*parts, optim.tap(after_clip), opt),
                   steps, divergence=divergence, monitor=monitor)
    if run.diverged_at is None:
        path[steps] = run.params["w"]
    return {"path": path, **rec, "diverged_at": run.diverged_at, "divergence": divergence}
