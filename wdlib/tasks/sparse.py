"""Lesson 03's sparse linear problem: 5 true features among 20, and its penalty paths.

The task (``problem``) is ``data.sparse_linear``: n = 50 training and 200 validation points,
d = 20 standardized features of which k = 5 carry true weights, noise std 0.5 on y. X (50, 20),
y (50, 1), X_val (200, 20), y_val (200, 1); ``meta["w_true"]`` (20,). The features' pairwise
correlation ``rho`` is a parameter; the true weights do not depend on it (seed 1).

``LAMS`` / ``CS`` are the lesson's grids of penalty strength (the "sparsity" dashboard's
slider ranges); ``path`` and ``fit_all`` are their solutions by ``wdlib.solvers`` (max-norm:
ridge with its multiplier found by Newton's method; L1 and elastic net: FISTA, accelerated
proximal gradient), batched over the grid.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from wdlib import _checks, data, solvers

__all__ = ["LAMS", "CS", "MODES", "problem", "path", "fit_all"]

LAMS = np.logspace(-3, 1, 41)        # (41,) λ grid (L1, elastic net)
CS = np.logspace(-2, 1, 31)          # (31,) c grid (max-norm bound on ‖w‖₂)
MODES = ("l1", "elastic_net", "max_norm")
for _a in (LAMS, CS):
    _a.setflags(write=False)         # shared constants: read-only


def _rho(rho) -> float:
    return float(_checks.in_range("rho", rho, 0.0, 1.0))


@lru_cache(maxsize=32)
def _problem(rho: float) -> data.Dataset:
    ds = data.sparse_linear(n=50, n_val=200, d=20, k=5, noise=0.5, correlation=rho, seed=1)
    for a in (ds.X, ds.y, ds.X_val, ds.y_val, ds.meta["w_true"]):
        a.setflags(write=False)      # cached and shared: read-only
    return ds


def problem(rho: float = 0.0) -> data.Dataset:
    """The lesson's data at feature correlation ``rho`` in [0, 1) (see the module docstring)."""
    return _problem(_rho(rho))


def fit_all(rho: float, lam: float, r: float, c: float) -> dict:
    """Four estimators on ``problem(rho)``: rows least squares, L1 (λ = ``lam``), elastic net
    (``lam``, l1_ratio ``r``), max-norm (‖w‖₂ <= ``c``). Returns ``w`` (4, 20) and ``val``
    (4,), each one's validation loss ½·mean((ŷ − y)²)."""
    ds = problem(rho)
    lam = float(_checks.one_number(_checks.positive, "lam", lam))
    r = float(_checks.one_number(_checks.in_range, "r", r, 0.0, 1.0, hi_open=False))
    c = float(_checks.one_number(_checks.positive, "c", c))
    w_en, _ = solvers.elastic_net(ds.X, ds.y, np.array([lam, lam]), np.array([1.0, r]))
    w_ls, w_mn = solvers.max_norm(ds.X, ds.y, np.array([np.inf, c]))[0]   # c = inf: plain LS
    w = np.vstack([w_ls, w_en, w_mn])                                      # (4, d)
    b = ds.y.mean() - w @ ds.X.mean(0)                                     # (4,)
    val = 0.5 * np.mean((ds.X_val @ w.T + b - ds.y_val) ** 2, axis=0)      # (4,)
    return {"w": w, "val": val}


@lru_cache(maxsize=64)
def _path(rho: float, mode: str, r: float) -> np.ndarray:
    ds = problem(rho)
    if mode == "max_norm":
        w = solvers.max_norm(ds.X, ds.y, CS)[0]
    else:
        w, _ = solvers.elastic_net(ds.X, ds.y, LAMS, 1.0 if mode == "l1" else r)
    w.setflags(write=False)          # cached and shared: read-only
    return w


def path(rho: float, mode: str, r: float = 1.0) -> np.ndarray:
    """Every coefficient of ``problem(rho)``'s solution along the grid of the mode's strength:
    (41, 20) on ``LAMS`` for "l1"
    and "elastic_net" (l1_ratio ``r`` in [0, 1]; "l1" ignores it), (31, 20) on ``CS`` for
    "max_norm". Computed once per problem and ratio (cached, read-only)."""
    mode = _checks.choice("mode", mode, MODES)
    r = float(_checks.in_range("r", r, 0.0, 1.0, hi_open=False))
    return _path(_rho(rho), mode, r)
