"""The picture of gradient descent on a 2-D loss surface: the pieces the "clipping" and
"schedules" dashboards share (the contour panel, the path line). The surfaces and the descent
loop are ``wdlib.tasks.surfaces``'.
"""

from __future__ import annotations

import numpy as np

from wdlib import plots


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
    """Show the points a ``tasks.surfaces.descend`` run reached on ``line``; returns how many
    steps ran."""
    n = len(run["loss"]) if run["diverged_at"] is None else run["diverged_at"]
    path = run["path"][:n + 1]
    path = path[np.isfinite(path).all(axis=1)]                     # (m, 2) points reached
    line.set_data(path[:, 0], path[:, 1])
    return n
