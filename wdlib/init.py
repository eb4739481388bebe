"""Weight initializers: functions ``(rng, shape) -> array``.

A weight matrix ``W`` has shape ``(fan_in, fan_out)`` (row vectors: ``X @ W``), so
``fan_in = shape[-2]`` and ``fan_out = shape[-1]``. The scale of the initial weights decides
whether signals (and gradients) keep their size as they pass through many layers:

=================  ===========================================  =========================
name               distribution                                 keeps the variance of
=================  ===========================================  =========================
``zeros``          all 0 (every unit learns the same thing!)    --
``normal(std)``    N(0, std²)                                   --
``xavier``         N(0, 2 / (fan_in + fan_out))   (Glorot)      tanh / linear layers
``xavier_uniform`` U(-a, a), a = sqrt(6 / (fan_in + fan_out))   tanh / linear layers
``he``             N(0, 2 / fan_in)               (Kaiming)     ReLU layers
=================  ===========================================  =========================

Initializers draw one model's weights; ``models`` draws K of them (one rng per seed).
Their arguments: ``rng``, a ``np.random.Generator`` (``np.random.default_rng(seed)``);
``shape``, a tuple of ints >= 1, at least ``(fan_in, fan_out)`` except for ``zeros``. They
return a new float64 array of that shape.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wdlib import _checks

Initializer = Callable[[np.random.Generator, tuple], np.ndarray]


def _fans(shape) -> tuple[int, int]:
    shape = _shape(shape)
    if len(shape) < 2:
        raise ValueError(f"shape must have at least 2 axes (fan_in, fan_out), got {shape}")
    return shape[-2], shape[-1]


def _shape(shape) -> tuple[int, ...]:
    """A shape: a tuple of integers >= 1 (a single integer is one axis)."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        raise ValueError(f"shape must be a tuple of integers, got {_checks._fmt(shape)}")
    return tuple(_checks.positive_int(f"shape[{i}]", s) for i, s in enumerate(shape))


def _rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy Generator (np.random.default_rng(seed)), "
                         f"got {_checks._fmt(rng)}")
    return rng


def zeros(rng: np.random.Generator, shape) -> np.ndarray:
    """All zeros. Every hidden unit then computes (and learns) the same thing.

    rng, shape: see the module docstring (rng is checked, not drawn from; shape may be an int).
    """
    _rng(rng)                       # (not drawn from: checked, as every initializer's)
    return np.zeros(_shape(shape))


def normal(std: float = 1.0) -> Initializer:
    """An initializer drawing from N(0, std²): ``normal(0.1)(rng, (3, 4))``; std >= 0.

    The initializer returned takes ``rng, shape`` (see the module docstring; any shape).
    """
    std = _checks.one_number(_checks.nonnegative, "std", std)

    def draw(rng: np.random.Generator, shape) -> np.ndarray:
        return std * _rng(rng).standard_normal(_shape(shape))

    draw.__name__ = draw.__qualname__ = f"normal(std={std:g})"
    return draw


def xavier(rng: np.random.Generator, shape) -> np.ndarray:
    """Glorot normal: N(0, 2 / (fan_in + fan_out)). rng, shape: see the module docstring."""
    fan_in, fan_out = _fans(shape)
    return np.sqrt(2.0 / (fan_in + fan_out)) * _rng(rng).standard_normal(shape)


def xavier_uniform(rng: np.random.Generator, shape) -> np.ndarray:
    """Glorot uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)) (same variance as xavier).

    rng, shape: see the module docstring.
    """
    fan_in, fan_out = _fans(shape)
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return _rng(rng).uniform(-a, a, size=shape)


def he(rng: np.random.Generator, shape) -> np.ndarray:
    """He / Kaiming normal: N(0, 2 / fan_in), for ReLU layers (ReLU zeroes half the signal).

    rng, shape: see the module docstring.
    """
    fan_in, _ = _fans(shape)
    return np.sqrt(2.0 / fan_in) * _rng(rng).standard_normal(shape)


_REGISTRY: dict[str, Initializer] = {
    "zeros": zeros,
    "normal": normal(1.0),
    "xavier": xavier,
    "xavier_uniform": xavier_uniform,
    "he": he,
}


def get(name) -> Initializer:
    """The initializer called ``name`` (see the table above); a float ``s`` means ``normal(s)``.

    A callable ``(rng, shape) -> array`` is returned unchanged.
    """
    if callable(name):
        return name
    if isinstance(name, (int, float, np.integer, np.floating)) and not isinstance(name, bool):
        if not 0 <= name < np.inf:                     # (NaN too)
            raise ValueError(f"init as a number is the std of a normal draw: it must be finite "
                             f"and >= 0, got {_checks._fmt(name)}")
        return normal(float(name))
    _checks.choice("init", name, _REGISTRY)
    return _REGISTRY[name]
