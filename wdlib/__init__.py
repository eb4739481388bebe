"""wdlib: a small, vectorized NumPy library behind the weight-decay lessons.

One concept a module; import the ones you need::

    from wdlib import data, models, losses, penalties, optim, schedules, clipping, solvers, train

Conventions (see the README's "Library conventions" section):

* Parameters are ``dict[str, np.ndarray]`` (``W1, b1, W2, ...``), ``W`` of shape
  ``(fan_in, fan_out)``, row vectors: ``X @ W + b``. Gradients and optimizer state use the
  same keys.
* Any hyperparameter may be a 1-D array of length K: then K models train in lock step and
  every parameter carries a leading K axis, e.g. ``W1`` of shape ``(K, fan_in, fan_out)``.
* ``mse`` is ``1/2 * mean((yhat - y)**2)``; ``L2(lam)`` is ``lam/2 * ||w||^2`` with gradient
  ``lam * w`` (= PyTorch ``weight_decay=lam``).
* float64 by default; ``train.fit(..., dtype="float32")`` (and ``model.init(dtype=...)``) runs
  float32 end to end. ``import wdlib`` imports nothing; the core modules import only NumPy
  (matplotlib and ipywidgets are imported by ``plots`` and ``live`` only).
"""

__version__ = "0.1.0"
