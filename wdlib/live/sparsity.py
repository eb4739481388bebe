"""Dashboard "sparsity" (lesson 03): L1, elastic net and max-norm on a sparse linear problem.

The problem, its grids and its fits are ``wdlib.tasks.sparse``'; this module draws them."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection, PolyCollection

from wdlib import plots
from wdlib.live.framework import Dashboard, log_slider, register
from wdlib.tasks.sparse import CS, LAMS, fit_all, path, problem

# the λ and c grids of the path panel (tasks.sparse.LAMS, CS) are the sliders' ranges
MODES = {"l1": "L1 (lasso)", "elastic_net": "elastic net", "max_norm": "max-norm"}
OFF = "#ff7f0e"                      # colour of the features outside the true support


@register("sparsity")
class Sparsity(Dashboard):
    """Lesson 03: which penalty finds the 5 true features among 20 (n = 50, noise 0.5)?

    Left: the fitted coefficients (blue: the 5 true features, orange: the 15 others, ○: exactly
    0) against the true weights (black dashes). Middle: each coefficient along λ (or along c for
    max-norm), the slider's value marked. Right: validation loss of all four estimators at the
    current sliders, with their counts of exact zeros.
    Try: L1 and drag λ from 1e-3 up: the orange coefficients hit exactly 0 one by one, then the
    blue ones. Elastic net: lower l1_ratio and zeros become rarer (l1_ratio 0 is ridge: none).
    Max-norm: a smaller c shrinks ‖w‖₂ (not every weight: some grow or change sign, as on a ridge
    path) but never sets a weight to exactly 0. Correlation 0.9: the lasso
    drops true features that look alike (3 of 5 left at the default λ), the elastic net keeps
    all 5 at the same λ, mostly because its L1 part (λ·l1_ratio) is weaker: a lasso at
    λ·l1_ratio keeps all 5 too, and the elastic net at λ/l1_ratio keeps 3 (lesson 03 section 8).
    """

    title = "Sparsity: L1 sets weights exactly to zero; L2 and max-norm shrink ‖w‖, zeroing none"
    alt = ("left, the fitted coefficients (5 true features, 15 others) against the true "
           "weights; middle, each coefficient along λ (or along c for max-norm), the slider's "
           "value marked; right, the validation loss of the four estimators and their counts "
           "of exact zeros")

    def make_controls(self):
        return {"mode": W.Dropdown(options=[(v, k) for k, v in MODES.items()], value="l1",
                                   description="penalty"),
                "lam": log_slider("λ (L1 / elastic net)", 10 ** -1.25, LAMS[0], LAMS[-1]),
                "l1_ratio": W.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05,
                                          description="l1_ratio (elastic net)",
                                          style={"description_width": "initial"}),
                "c": log_slider("c (max-norm bound)", 10 ** 0.25, CS[0], CS[-1]),
                "correlation": W.FloatSlider(value=0.0, min=0.0, max=0.95, step=0.05,
                                             description="feature correlation ρ",
                                             style={"description_width": "initial"})}

    def compute(self, v):
        rho, mode, r = float(v["correlation"]), v["mode"], float(v["l1_ratio"])
        return {**v, **fit_all(rho, v["lam"], r, v["c"]), "row": 1 + list(MODES).index(mode),
                "path": path(rho, mode, r if mode == "elastic_net" else 1.0)}

    def setup(self, fig):
        self.ax_w, self.ax_path, self.ax_val = fig.subplots(1, 3, width_ratios=[1.25, 1.1, 0.8])
        truth = problem(0.0).meta["w_true"]                                # the same for all ρ
        self.on = truth != 0                                                # (20,) true support
        colors = np.where(self.on, plots.TRAIN, OFF)
        # one artist for 20 bars (and below for 20 lines): blitting draws each artist separately.
        # Animated artists are drawn last when blitting: their zorders put them on top in a
        # saved figure too.
        self.bars = PolyCollection([], facecolors=colors, zorder=2, animated=True)
        self.ax_w.add_collection(self.bars)
        self.ax_w.plot(np.arange(1, 21), truth, "_", color="k", ms=8, mew=2, animated=True,
                       label="true w")                      # animated: drawn over the bars
        self.zeros, = self.ax_w.plot([], [], "o", mfc="white", mec="k", ms=4, animated=True,
                                     label="exactly 0")
        self.ax_w.axhline(0, color="k", lw=0.6, zorder=1.8)
        self.ax_w.set(xlim=(0.3, 20.7), ylim=(-2.2, 2.2), xticks=[1, 5, 10, 15, 20])
        self.ax_w.legend(fontsize=7, loc="upper left")
        plots.style_axes(self.ax_w, "coefficients vs truth", "feature j", "w_j")
        self.lines = LineCollection([], colors=colors, lw=1, animated=True)
        self.ax_path.add_collection(self.lines)
        self.mark = self.ax_path.axvline(1.0, color="k", lw=0.8, ls=":", animated=True)
        self.norm, = self.ax_path.plot(CS, CS, color="k", lw=2, animated=True, label="‖w‖₂")
        self.bound, = self.ax_path.plot(CS, CS, color="k", lw=1, ls="--", animated=True,
                                        label="bound c")
        self.legend = self.ax_path.legend(fontsize=7, loc="upper left")
        self.ax_path.set_ylim(-2.2, 2.8)
        plots.style_axes(self.ax_path, None, None, "w_j")
        self.vals = self.ax_val.bar(range(4), np.ones(4), bottom=0.08, width=0.7,
                                    color=["#999999", plots.TRAIN, "#2ca02c", "#9467bd"],
                                    zorder=2, animated=True)
        self.counts = [self.ax_val.text(i, 0.2, "", ha="center", fontsize=7, animated=True)
                       for i in range(4)]
        self.ax_val.set(yscale="log", ylim=(0.08, 20), xlim=(-0.6, 3.6), xticks=range(4))
        self.ax_val.set_xticklabels(["least\nsquares", "L1", "elastic\nnet", "max-\nnorm"],
                                    fontsize=7)
        self.ax_val.axhline(0.125, color=plots.TRUE, lw=0.8, ls="--", zorder=1.8)   # ½σ²
        self.ax_val.text(0.03, 0.97, "numbers: exact zeros\n- - noise floor ½σ²", fontsize=7,
                         transform=self.ax_val.transAxes, va="top")
        plots.style_axes(self.ax_val, "validation loss (½·MSE)")
        self.drawn_mode = None

    def draw(self, r):
        w, on = r["w"][r["row"]], self.on                                   # (20,), (20,)
        x = np.arange(1, 21)[:, None] + [-0.35, -0.35, 0.35, 0.35]          # (20, 4) corners
        self.bars.set_verts(np.stack([x, w[:, None] * [0, 1, 1, 0]], axis=-1))   # (20, 4, 2)
        zero = np.flatnonzero(w == 0)
        self.zeros.set_data(zero + 1, np.zeros(zero.size))
        self._draw_path(r)
        for i, (bar, text) in enumerate(zip(self.vals, self.counts, strict=True)):
            bar.set_height(min(r["val"][i], 20) - 0.08)
            bar.set_edgecolor("k" if i == r["row"] else "none")
            bar.set_linewidth(1.5)
            text.set_text(f"{np.sum(r['w'][i] == 0)}")
            text.set_y(min(r["val"][i], 12) * 1.12)
        found, false = np.sum(w[on] != 0), np.sum(w[~on] != 0)
        strength = {"l1": f"λ = {plots.fmt_sci(r['lam'])}",
                    "elastic_net": f"λ = {plots.fmt_sci(r['lam'])}, l1_ratio = "
                                   f"{r['l1_ratio']:.2f}",
                    "max_norm": f"c = {plots.fmt_sci(r['c'])}, ‖w‖₂ = {np.linalg.norm(w):.2f}"}
        return (f"{MODES[r['mode']]}, {strength[r['mode']]}, ρ = {r['correlation']:.2f}: "
                f"{zero.size} of 20 weights exactly 0 · true support {found}/{on.sum()} "
                f"found, {false} false positives · validation loss {r['val'][r['row']]:.3f}")

    def _draw_path(self, r):
        """Coefficient paths on the mode's grid; a mode change relabels the axis (full draw)."""
        maxnorm = r["mode"] == "max_norm"
        grid = CS if maxnorm else LAMS
        if maxnorm != self.drawn_mode:                  # L1 <-> elastic net share the λ axis
            self.drawn_mode = maxnorm
            self.ax_path.set_xscale("log")
            self.ax_path.set_xlim(grid[0], grid[-1])
            self.ax_path.set_xlabel("c (bound on ‖w‖₂)" if maxnorm else "λ", fontsize=9)
            self.ax_path.set_title("path over c" if maxnorm else "path over λ", fontsize=10)
            self.legend.set_visible(maxnorm)
            self.renderer.invalidate()
        self.lines.set_segments(np.stack(np.broadcast_arrays(grid[:, None], r["path"]),
                                         axis=-1).transpose(1, 0, 2))       # (20, grid, 2)
        x = r["c"] if maxnorm else r["lam"]
        self.mark.set_xdata([x, x])
        self.norm.set_data(grid, np.linalg.norm(r["path"], axis=1))
        self.norm.set_visible(maxnorm)
        self.bound.set_visible(maxnorm)
