"""Gradient descent on a 2-D loss surface, and its picture: the pieces the "clipping" and
"schedules" dashboards share (the loop that records the path, the contour panel, the path line).
"""

from __future__ import annotations

import numpy as np

from wdlib import clipping, optim, plots


def descend(loss_and_grad, start, opt, steps: int, clip: str = "none", threshold: float = 1.0,
            max_loss: float = np.inf):
    """Run ``opt`` for ``steps`` updates on a 2-D loss ``loss_and_grad(w) -> (value, grad)``.

    ``clip``: "none" | "value" | "norm" (``clipping.clip_by_value`` / ``clip_by_global_norm``
    with ``threshold``). Returns a dict: ``path`` (steps + 1, 2), ``loss``, ``grad_norm`` (before
    clipping) and ``grad_norm_clipped`` (steps,), NaN after the run stopped, and ``diverged_at``,
    the first step whose loss or gradient is not finite, or whose loss exceeds ``max_loss``
    (None if none). Nothing is recorded for that step.
    """
    params = {"w": np.asarray(start, dtype=np.float64)}
    state = opt.init(params)
    path = np.full((steps + 1, 2), np.nan)
    rec = {k: np.full(steps, np.nan) for k in ("loss", "grad_norm", "grad_norm_clipped")}
    path[0], diverged_at = params["w"], None
    with np.errstate(all="ignore"):              # overflow is detected, not warned about
        for t in range(steps):
            value, g = loss_and_grad(params["w"])
            grads = {"w": g}
            norm = clipping.global_norm(grads)
            if not (value <= max_loss and np.isfinite(norm)):          # NaN fails too
                diverged_at = t
                break
            if clip == "value":
                grads = clipping.clip_by_value(grads, threshold)
            elif clip == "norm":
                grads, _ = clipping.clip_by_global_norm(grads, threshold)
            rec["loss"][t], rec["grad_norm"][t] = value, norm
            rec["grad_norm_clipped"][t] = clipping.global_norm(grads)
            updates, state = opt.update(grads, state, params)
            params = optim.apply_updates(params, updates)
            path[t + 1] = params["w"]
    return {"path": path, **rec, "diverged_at": diverged_at}


def path_panel(ax, loss_and_grad, start, xlim, ylim, *, grid=(181, 121), floor=1e-2,
               levels=16, labels=("x", "y")):
    """Contours of log10(loss + ``floor``) over ``xlim`` × ``ylim`` (a ``grid`` of points), the
    start (●) and the minimum at the origin (★). Returns the empty, animated line that
    ``draw_path`` fills."""
    xx, yy = np.meshgrid(np.linspace(*xlim, grid[0]), np.linspace(*ylim, grid[1]))  # (gy, gx)
    surface, _ = loss_and_grad(np.stack([xx, yy], axis=-1))
    ax.contour(xx, yy, np.log10(surface + floor), levels=levels, cmap="viridis", linewidths=0.7)
    ax.plot(*start, "o", color="k", ms=5)
    ax.plot(0, 0, "*", color="k", ms=9)
    line, = ax.plot([], [], ".-", color="#d62728", lw=1, ms=3, animated=True)
    ax.set(xlim=xlim, ylim=ylim)
    plots.style_axes(ax, "path (● start, ★ minimum)", *labels)
    return line


def draw_path(line, run) -> int:
    """Show the points a ``descend`` run reached on ``line``; returns how many steps ran."""
    n = len(run["loss"]) if run["diverged_at"] is None else run["diverged_at"]
    path = run["path"][:n + 1]
    path = path[np.isfinite(path).all(axis=1)]                     # (m, 2) points reached
    line.set_data(path[:, 0], path[:, 1])
    return n
