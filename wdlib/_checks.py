"""Argument checks and hyperparameter batching, shared by every module.

Every public function validates its arguments *before* doing any work and raises
``ValueError`` whose message names the argument and the offending value::

    ValueError: lr must be > 0, got -0.1

Hyperparameter batching: any hyperparameter may be a float or a 1-D array of length K.
``batch_size`` finds the common K (or None when all are scalars) and ``per_model`` reshapes a
length-K array so that it broadcasts against an array whose leading axis is K.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from numbers import Real

import numpy as np

Hyper = float | np.ndarray


def _fmt(value) -> str:
    """Short, readable rendering of a value for an error message."""
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return np.array2string(value, precision=4, separator=", ")
        return f"array of shape {value.shape}"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def hyper(name: str, value, *, allow_schedule: bool = False) -> Hyper | Callable:
    """Return ``value`` as a float or a 1-D float array (length K >= 1).

    A callable is passed through when ``allow_schedule`` (a schedule: step -> value).
    """
    if callable(value):
        if allow_schedule:
            return value
        raise ValueError(f"{name} must be a number or a 1-D array, got a callable {value!r}")
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        raise ValueError(f"{name} must be a number or a 1-D array, got {_fmt(value)}")
    if isinstance(value, Real):
        try:
            value = float(value)
        except OverflowError:
            digits = len(str(value))
            raise ValueError(f"{name} must be finite, got an integer of {digits} digits") from None
        if not np.isfinite(value):
            raise ValueError(f"{name} must be finite, got {_fmt(value)}")
        return value
    raw = np.asarray(value)
    if raw.dtype.kind not in "iuf":   # no strings, bools, objects: numbers only
        raise ValueError(f"{name} must be a number or a 1-D array of numbers, got {_fmt(value)}")
    arr = raw.astype(np.float64)
    if arr.ndim == 0:
        return hyper(name, float(arr))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a number or a non-empty 1-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {_fmt(arr)}")
    return arr


def _values(value) -> np.ndarray | None:
    """The numeric values of a hyper (None for schedules: checked when evaluated)."""
    if callable(value):
        return None
    return np.atleast_1d(np.asarray(value, dtype=np.float64))


def positive(name: str, value, **kw) -> Hyper:
    """A hyperparameter that must be > 0 (lr, eps, max_norm, ...)."""
    if type(value) is float and 0.0 < value < math.inf:   # the common case, at every step
        return value
    value = hyper(name, value, **kw)
    v = _values(value)
    if v is not None and np.any(v <= 0):
        raise ValueError(f"{name} must be > 0, got {_fmt(value)}")
    return value


def nonnegative(name: str, value, **kw) -> Hyper:
    """A hyperparameter that must be >= 0 (lam, weight_decay, ...)."""
    if type(value) is float and 0.0 <= value < math.inf:  # the common case, at every step
        return value
    value = hyper(name, value, **kw)
    v = _values(value)
    if v is not None and np.any(v < 0):
        raise ValueError(f"{name} must be >= 0, got {_fmt(value)}")
    return value


def in_range(name: str, value, lo: float, hi: float, *, lo_open=False, hi_open=True, **kw) -> Hyper:
    """A hyperparameter in an interval, e.g. momentum in [0, 1)."""
    value = hyper(name, value, **kw)
    v = _values(value)
    if v is not None:
        bad_lo = np.any(v <= lo) if lo_open else np.any(v < lo)
        bad_hi = np.any(v >= hi) if hi_open else np.any(v > hi)
        if bad_lo or bad_hi:
            interval = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
            raise ValueError(f"{name} must be in {interval}, got {_fmt_apart(value, lo, hi)}")
    return value


def _fmt_apart(value, *bounds: float) -> str:
    """``_fmt(value)``, or every digit where the short form of an entry would read as a bound it
    is not: momentum 1.0000000001 is "got 1.0000000001", not "must be in [0, 1), got 1" (an
    array's entries: "[0.5, 1.0000001]", not "[0.5, 1. ]")."""
    if isinstance(value, np.ndarray):
        if value.size > 6:
            return _fmt(value)

        def short(x):
            return np.format_float_positional(x, precision=4, trim="-")
    else:
        def short(x):
            return f"{x:g}"
    v = np.atleast_1d(np.asarray(value, dtype=np.float64)).tolist()
    if not any(short(x) == short(b) and x != b for x in v for b in bounds):
        return _fmt(value)
    return "[" + ", ".join(map(repr, v)) + "]" if isinstance(value, np.ndarray) else repr(v[0])


def positive_int(name: str, value, *, minimum: int = 1) -> int:
    """An integer count (steps, degree, width, ...)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {_fmt(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def choice(name: str, value, options: Iterable[str]) -> str:
    """One of a fixed set of names; the message lists the valid ones."""
    options = list(options)
    if not (value is None or isinstance(value, str)) or value not in options:   # (an array's
        #                                   ``in`` would compare element-wise, a list's hash)
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def finite_array(name: str, value, *, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """A float64 data array with no NaN or inf (and optionally a given number of axes)."""
    if value is None:                   # (NumPy would read None as NaN)
        raise ValueError(f"{name} must be a numeric array, got None")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a numeric array, got {_fmt(value)}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            raise ValueError(f"{name} must have {' or '.join(map(str, allowed))} axes, "
                             f"got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must contain only finite numbers, got {bad} NaN or inf values")
    return arr


DTYPES = ("float64", "float32")


def seed(name: str, value) -> int:
    """A seed for ``np.random.default_rng``: an integer >= 0."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def flag(name: str, value) -> bool:
    """A switch: True or False (a Python or NumPy bool; never a truthy 1, "no" or None)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def float_dtype(name: str, value) -> np.dtype:
    """A floating-point precision for a whole run: "float64" (the default everywhere) or
    "float32" (also given as ``np.float32`` or a ``np.dtype``)."""
    try:
        dtype = np.dtype(value) if value is not None else None
    except TypeError:
        dtype = None
    if dtype is None or dtype.name not in DTYPES:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, DTYPES))}; got {value!r}")
    return dtype


def same_rows(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """X and y must have the same number of samples."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"{name_a} and {name_b} must have the same number of rows, "
                         f"got {a.shape[0]} and {b.shape[0]}")


def one_number(check: Callable, name: str, value, *args, **kw) -> float:
    """A hyperparameter that must be one number (not one per model), validated by ``check``
    (``positive``, ``nonnegative``, ``in_range``, ...) with its ``args``."""
    value = check(name, value, *args, **kw)
    if np.ndim(value):
        raise ValueError(f"{name} must be a single number, got {_fmt(value)}")
    return value


def numpy_numbers(name: str, value, kinds: str = "biuf"):
    """A NumPy array or NumPy scalar of numbers (dtype kind in ``kinds``), as it is."""
    if not isinstance(value, (np.ndarray, np.generic)) or value.dtype.kind not in kinds:
        what = (f"dtype {value.dtype}" if isinstance(value, (np.ndarray, np.generic))
                else f"a {type(value).__name__}")
        raise ValueError(f"{name} must be a numpy array of numbers, got {_fmt(value)} ({what})")
    return value


def number_entries(name: str, arrays: Mapping) -> Mapping:
    """The one rule for the values of a gradient or parameter dict (clipping, optimizers): each
    is a NumPy array or NumPy scalar of integers or floats (no bools, complex, strings or
    objects), named ``name['key']`` when it is not. Returns ``arrays``."""
    for k, a in arrays.items():
        numpy_numbers(f"{name}[{k!r}]", a, kinds="iuf")
    return arrays


def value_and_grads(name: str, answer, value: str = "loss", grads: str = "grads") -> tuple:
    """The answer of a function ``name`` that returns ``(value, grads)`` (an objective, a
    grad_check target, a custom loss's (value, dyhat)): a pair (a NamedTuple too) whose first
    entry is a real number or K of them (a NumPy array of numbers). Returns the pair (its
    grads are checked by the caller, against its params or output)."""
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        raise ValueError(f"{name} must return a pair ({value}, {grads}), got {_fmt(answer)}")
    if np.asarray(answer[0]).dtype.kind not in "iuf":   # (a bool's kind is "b")
        raise ValueError(f"{name} must return a {value} that is a real number (or K of them), "
                         f"got {_fmt(answer[0])}")
    return tuple(answer)


def names(value) -> tuple[str, ...] | None:
    """A list of parameter names as a tuple, or None when ``value`` is not one: a lone string
    is not (iterating "W1" gives "W" and "1"), nor a non-iterable or a list holding a
    non-string. The callers raise, each naming its argument."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return None
    value = tuple(value)
    return value if all(isinstance(k, str) for k in value) else None


def params_dict(name: str, value) -> Mapping:
    """A dict of parameter (or gradient) arrays, keyed by name: ``{"W1": ..., "b1": ...}``."""
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ValueError(f"{name} must be a dict of arrays keyed by parameter name "
                         f"({{'W1': ..., 'b1': ...}}), got {_fmt(value)}")
    return value


def same_keys(name_a: str, a: Mapping, name_b: str, b: Mapping, *, shapes: bool = True) -> None:
    """Two parameter dicts (e.g. params and grads) must match in keys and shapes."""
    params_dict(name_a, a)
    params_dict(name_b, b)
    if set(a) != set(b):
        raise ValueError(f"{name_a} and {name_b} must have the same keys, "
                         f"got {sorted(a)} and {sorted(b)}")
    if shapes:
        for k in a:
            sa, sb = np.shape(a[k]), np.shape(b[k])
            if sa != sb:
                raise ValueError(f"{name_a}[{k!r}] and {name_b}[{k!r}] must have the same shape, "
                                 f"got {sa} and {sb}")


def batch_size(**hypers) -> int | None:
    """The common length K of the array-valued hyperparameters, or None if all are scalar.

    >>> batch_size(lr=np.ones(4), lam=0.1)
    4
    Different lengths raise ``ValueError`` naming them.
    """
    lengths = {name: np.shape(v)[0] for name, v in hypers.items()
               if not callable(v) and v is not None and np.ndim(v) == 1}
    if not lengths:
        return None
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{n} has {k}" for n, k in lengths.items())
        raise ValueError(f"hyperparameter arrays must all have the same length K; {desc}")
    return next(iter(lengths.values()))


def common_K(**Ks) -> int | None:
    """The one K that several parts of a run imply (each an int, or None for "any"):
    ``common_K(optimizer=4, penalty=None)`` is 4; different Ks raise naming the parts."""
    given = {name: k for name, k in Ks.items() if k is not None}
    if len(set(given.values())) > 1:
        desc = ", ".join(f"{n} has K={k}" for n, k in given.items())
        raise ValueError(f"every part of a run must train the same number of models K; {desc}")
    return next(iter(given.values()), None)


def per_model(value, ndim: int):
    """Reshape a length-K hyperparameter to broadcast against an array of ``ndim`` axes
    whose leading axis is K: (K,) -> (K, 1, ..., 1). Scalars pass through unchanged."""
    if np.ndim(value) == 0:
        return value
    return np.reshape(value, (-1,) + (1,) * (ndim - 1))


def at_step(value, step):
    """Evaluate a hyperparameter at an optimizer step: schedules are called, numbers returned."""
    return value(step) if callable(value) else value
