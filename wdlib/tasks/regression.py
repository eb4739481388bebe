"""The lessons' regression problems: the noisy S-curve, its features, its λ grids, deep nets.

Every task is a seeded ``data.Dataset`` (X (n, 1) in [-1, 1], y (n, 1), a separate validation
set; units: none, the target is the noise-free curve ``meta["f"]`` plus Gaussian noise of the
given std). The same arguments give bit-identical arrays; the cached ones are read-only, so one
user cannot change them under another.

- ``overfit_curve``: 20 points, lesson 01 and the "polynomial" dashboard (ridge in closed form).
- ``lambda_task`` + ``legendre_features`` + ``LAMBDA_CURVE_LAMS`` / ``LAMBDA_LR_GRID_*``:
  lesson 04 and the "lambda_curve" / "lambda_lr_grid" dashboards (degree-12 fits by GD).
- ``depth_curve`` + ``deep_mlp`` + ``DEPTH_STEPS`` / ``DEPTH_LR`` / ``DEPTH_MOMENTUM``: lesson 05
  and the "depth_init" dashboard.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from wdlib import _checks, data, models

__all__ = ["OVERFIT_LAMS", "overfit_curve", "LAMBDA_DEGREE", "LAMBDA_POOL", "LAMBDA_N_VAL",
           "LAMBDA_CURVE_LAMS", "LAMBDA_LR_GRID_N", "LAMBDA_LR_GRID_LAMS", "LAMBDA_LR_GRID_LRS",
           "lambda_task", "legendre_features", "depth_curve", "deep_mlp", "DEPTH_MAX",
           "DEPTH_STEPS", "DEPTH_LR", "DEPTH_MOMENTUM"]


def _frozen(ds: data.Dataset) -> data.Dataset:
    """``ds`` with read-only arrays (a cached task is shared by every caller)."""
    for a in (ds.X, ds.y, ds.X_val, ds.y_val):
        a.setflags(write=False)
    return ds


# ------------------------------------------------------------------ lesson 01: overfitting

OVERFIT_LAMS = np.logspace(-7, 1, 33)      # (33,) the λ grid of the "polynomial" dashboard


@lru_cache(maxsize=8)
def _overfit_curve(seed: int) -> data.Dataset:
    return _frozen(data.polynomial(n=20, n_val=200, degree=3, noise=0.2, seed=seed))


def overfit_curve(seed: int = 0) -> data.Dataset:
    """Lesson 01's task: 20 noisy points (noise std 0.2) of a degree-3 S-curve on [-1, 1], 200
    validation points. X (20, 1), y (20, 1), X_val (200, 1), y_val (200, 1); ``meta["f"]`` is
    the noise-free curve. ``seed`` (int >= 0) draws the points."""
    return _overfit_curve(_checks.positive_int("seed", seed, minimum=0))


# ------------------------------------------------------------------ lesson 04: choosing λ

LAMBDA_DEGREE = 12           # the fits' number of features (Legendre degree 1..12)
LAMBDA_POOL = 200            # training points in the pool; a fit uses the first n
LAMBDA_N_VAL = 500           # validation points
LAMBDA_CURVE_LAMS = np.logspace(-7, 1, 25)    # (25,) the "lambda_curve" dashboard's λ grid
LAMBDA_LR_GRID_N = 20                         # the "lambda_lr_grid" dashboard trains on 20 points
LAMBDA_LR_GRID_LAMS = np.logspace(-6, 1, 8)   # (8,) its rows
LAMBDA_LR_GRID_LRS = np.logspace(-3, 0.5, 8)  # (8,) its columns
for _a in (OVERFIT_LAMS, LAMBDA_CURVE_LAMS, LAMBDA_LR_GRID_LAMS, LAMBDA_LR_GRID_LRS):
    _a.setflags(write=False)                  # shared constants: read-only


@lru_cache(maxsize=64)
def _lambda_task(seed: int) -> data.Dataset:
    return _frozen(data.polynomial(n=LAMBDA_POOL, n_val=LAMBDA_N_VAL, degree=3, noise=0.2,
                                   seed=seed))


def lambda_task(seed: int = 0) -> data.Dataset:
    """Lesson 04's task: a pool of 200 noisy points (noise std 0.2) of the degree-3 S-curve
    (use the first n), 500 validation points. X (200, 1), y (200, 1), X_val (500, 1),
    y_val (500, 1). ``seed`` (int >= 0) draws the points (lesson 04 averages over 30 seeds)."""
    return _lambda_task(_checks.positive_int("seed", seed, minimum=0))


def legendre_features(x, degree: int = LAMBDA_DEGREE) -> np.ndarray:
    """Lesson 04's features: ``data.legendre_features`` at degree 12 (well conditioned for GD).
    x (n,) or (n, 1) in [-1, 1] -> (n, degree)."""
    return data.legendre_features(x, degree)


# ------------------------------------------------------------------ lesson 05: depth and init

DEPTH_MAX = 12               # the deepest net of the lesson (hidden layers)


@lru_cache(maxsize=1)
def _depth_curve() -> data.Dataset:
    return _frozen(data.polynomial(n=64, n_val=10, degree=3, noise=0.1, seed=0))


def depth_curve() -> data.Dataset:
    """Lesson 05's task: 64 points (noise std 0.1) of the degree-3 S-curve, 10 validation
    points. X (64, 1), y (64, 1), X_val (10, 1), y_val (10, 1); seed 0."""
    return _depth_curve()


def deep_mlp(depth: int, width: int, activation: str = "tanh") -> models.MLP:
    """The net of lesson 05: 1 → ``width`` × ``depth`` hidden layers → 1 (``models.MLP``).
    ``depth`` in 1..12 hidden layers, ``width`` >= 1 units each, ``activation`` one of
    ``models.ACTIVATIONS``."""
    depth = _checks.positive_int("depth", depth)
    if depth > DEPTH_MAX:
        raise ValueError(f"depth must be an integer <= {DEPTH_MAX}, got {depth}")
    width = _checks.positive_int("width", width)
    _checks.choice("activation", activation, models.ACTIVATIONS)
    return models.MLP((1,) + (width,) * depth + (1,), activation)


DEPTH_STEPS, DEPTH_LR, DEPTH_MOMENTUM = 60, 0.05, 0.9    # full-batch SGD with momentum
