"""The lessons' problems, each defined once: data sets, loss surfaces, grids and the training
routines that the lessons and the dashboards share. NumPy only (no matplotlib, no ipywidgets).

    from wdlib.tasks import surfaces
    run = surfaces.descend(surfaces.cliff, surfaces.CLIFF_START, optim.sgd(0.1), 100, "norm")

A task is a pure function or a constant: the same arguments give the same numbers, and nothing
is computed on import. Modules, by concept:

- ``surfaces``: 2-D loss surfaces (the clipping cliff, the κ = 20 bowl) and ``descend``.
- ``regression``: the noisy S-curve tasks (lessons 01, 04, 05), Legendre features, λ grids,
  the deep nets of lesson 05.
- ``sparse``: lesson 03's sparse linear problem, its λ / c grids and penalty paths.
- ``classification``: the two-moons tasks and the MLP training routines (lessons 02, 07).
- ``schedule_menu``: lesson 07's learning-rate schedules by name.
- ``normalized``: lesson 09's normalized net (LayerNorm after each linear layer) and its
  equilibrium predictions.

``wdlib.live`` dashboards draw these tasks; a change to a dashboard cannot change a lesson's
numbers.
"""

from wdlib.tasks import classification, normalized, regression, schedule_menu, sparse, surfaces

__all__ = ["classification", "normalized", "regression", "schedule_menu", "sparse", "surfaces"]
