"""The model interface: what every wdlib model provides, and the shared parameter machinery.

A model is a frozen dataclass that holds only the *architecture*; its parameters live in a plain
dict ``{"W1": ..., "b1": ..., ...}`` so that optimizers, penalties, clipping and plots treat every
model alike. A subclass of ``Model`` defines four things::

    shapes          {key: shape} of one model's parameters, in the order ``init`` draws them
    weight_keys     the keys that are weight matrices: drawn by ``init``, penalized and decayed
                    by default (every other parameter, e.g. a bias, starts at 0 and is not)
    forward_cache(params, X, *, check=True) -> (output, cache)
    backward(params, cache, dyhat) -> grads            (same keys as params)
    layer_activations(cache) -> (names, activations, pre-activations)   per layer, for diagnostics

and inherits ``num_params``, ``init``, ``forward``, ``loss_and_grad`` and ``check_params``.
K models at once: a parameter with a leading K axis (``W1`` of shape ``(K, fan_in, fan_out)``)
makes the model compute K outputs ``(K, n, out)`` from the shared data (see ``wdlib/__init__``),
or, an MLP, from one data set per model (X ``(K, n, n_in)``: K draws of a data set in one pass;
``train.fit`` takes shared data only, its minibatches cut rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property, lru_cache

import numpy as np

from wdlib import _checks, losses
from wdlib import init as initializers
from wdlib.naming import is_weight


class Model:
    """Base class of wdlib models (see the module docstring for the interface).

    The methods' arguments: ``params``, a dict ``{key: array}`` of the ``shapes`` (K models: a
    leading K axis on every array); ``X``, the inputs shared by the K models ((n, n_in); RNN:
    (n, T, n_in)), or for an MLP one data set per model, (K, n, n_in); ``y``, ``loss``:
    targets, shared ((n, out)) or one set per model ((K, n, out)), and a loss name or function
    (see ``losses``);
    ``check``: validate params and X (False: a training loop that validated its first call);
    ``cache``: what ``forward_cache`` returned; ``dyhat``: d loss / d output, the output's shape.
    """

    #: True for a model whose ``backward`` can also return per-time-step gradient norms.
    recurrent = False

    @property
    def shapes(self) -> dict[str, tuple]:
        raise NotImplementedError

    @cached_property
    def weight_keys(self) -> tuple[str, ...]:
        """Keys of the weight matrices (drawn at init; decayed and penalized by default)."""
        return tuple(k for k in self.shapes if is_weight(k))

    def num_params(self) -> int:
        """Number of parameters of one model."""
        return sum(int(np.prod(s)) for s in self.shapes.values())

    def init(self, seed=0, K=None, init="xavier", scale=1.0, dtype="float64"
             ) -> dict[str, np.ndarray]:
        """Initial parameters: weights from ``init`` (a name from ``wdlib.init``, or a float std)
        times ``scale``, other parameters 0. ``seed`` / ``scale`` may be length-K arrays (then
        every parameter has a leading K axis; model k is what ``seed[k]``, ``scale[k]`` give).
        ``dtype``: "float64" (the default) or "float32" (the float64 draw, rounded)."""
        return draw_params(self.shapes, self.weight_keys, seed, K, init, scale, dtype)

    def check_params(self, params) -> int | None:
        """Validate ``params`` (a dict) against ``shapes``; returns K (None for one model)."""
        return check_params(params, self.shapes)

    def forward_cache(self, params, X, *, check=True) -> tuple[np.ndarray, dict]:
        """``(output, cache)``: the output ``(n, out)`` or ``(K, n, out)`` and what ``backward``
        needs. params, X, check: see the class docstring."""
        raise NotImplementedError

    def backward(self, params, cache, dyhat) -> dict[str, np.ndarray]:
        """The gradient of the loss w.r.t. every parameter, a dict with the keys of ``shapes``.
        params, cache, dyhat: see the class docstring."""
        raise NotImplementedError

    def layer_activations(self, cache) -> tuple[list[str], list, list]:
        """``(names, activations, pre-activations)`` per layer, from ``cache`` (see the class
        docstring)."""
        raise NotImplementedError

    def forward(self, params, X, *, check=True) -> np.ndarray:
        """Model output: ``(n, out)`` or ``(K, n, out)``. params, X, check: see the class
        docstring."""
        return self.forward_cache(params, X, check=check)[0]

    def loss_and_grad(self, params, X, y, loss="mse", *, check=True) -> tuple:
        """``(value, grads)`` of ``loss(forward(params, X), y)``; value shape () or (K,). params,
        X, y, loss, check: see the class docstring.
        ``check=False`` skips validating params and X (a training loop validated them once)."""
        yhat, cache = self.forward_cache(params, X, check=check)
        value, dyhat = loss_pair(losses.get(loss), yhat, y)
        return value, self.backward(params, cache, dyhat)


def _seeds(seed) -> int | np.ndarray:
    """A seed is an int >= 0 or a 1-D array of them (one per model)."""
    arr = np.asarray(seed)
    if arr.dtype == bool or arr.ndim > 1 or arr.size == 0 or not (
            np.issubdtype(arr.dtype, np.integer)
            or (np.issubdtype(arr.dtype, np.floating) and np.all(np.isfinite(arr))
                and np.all(arr == np.round(arr)) and (arr.ndim == 0 or np.all(arr < 2.0**63)))):
        # (a float array becomes int64: 1e300 would wrap around to a negative seed)
        raise ValueError(f"seed must be an integer >= 0 or a 1-D array of them, got {seed!r}")
    if np.any(arr < 0):
        raise ValueError(f"seed must be >= 0, got {seed!r}")
    return int(arr) if arr.ndim == 0 else arr.astype(np.int64)


def draw_params(shapes: Mapping[str, tuple], weight_keys, seed, K, init, scale,
                dtype="float64") -> dict[str, np.ndarray]:
    """Draw the ``weight_keys`` with ``init`` and set the other parameters to 0, one or K models.

    Each model draws its weights in key order from ``np.random.default_rng(seed_k)``, then
    multiplies them by its ``scale`` (in float64; then rounded once to ``dtype``). shapes:
    ``{key: one model's shape}``; seed: an int >= 0 or (K,) ints; K: None or an int; init: as
    ``wdlib.init.get`` takes it; scale >= 0, a float or (K,) array (see ``Model.init``).
    """
    dtype = _checks.float_dtype("dtype", dtype)
    params = _draw_float64(shapes, weight_keys, seed, K, init, scale)
    return params if dtype == np.float64 else {k: v.astype(dtype) for k, v in params.items()}


def _draw_float64(shapes, weight_keys, seed, K, init, scale) -> dict[str, np.ndarray]:
    seed = _seeds(seed)
    scale = _checks.nonnegative("scale", scale)
    draw = initializers.get(init)
    if K is not None:
        K = _checks.positive_int("K", K)
    Kh = _checks.batch_size(seed=seed, scale=scale)
    if K is not None and Kh is not None and K != Kh:
        raise ValueError(f"K must match the length of seed/scale ({Kh}), got {K}")
    K = K if K is not None else Kh
    weights = frozenset(weight_keys)

    def one(s: int) -> dict[str, np.ndarray]:
        rng = np.random.default_rng(s)
        return {k: np.asarray(draw(rng, shp), dtype=np.float64) if k in weights
                else np.zeros(shp) for k, shp in shapes.items()}

    if K is None:
        return {k: scale * v if k in weights else v for k, v in one(seed).items()}
    if np.ndim(seed) == 0:
        single = one(seed)
        stacked = {k: np.broadcast_to(v, (K,) + v.shape).copy() for k, v in single.items()}
    else:
        models = [one(int(s)) for s in seed]       # init only: not a hot path
        stacked = {k: np.stack([m[k] for m in models]) for k in shapes}
    return {k: _checks.per_model(scale, v.ndim) * v if k in weights else v
            for k, v in stacked.items()}


def check_params(params: Mapping, shapes: Mapping[str, tuple]) -> int | None:
    """Every expected key of ``shapes`` (``{key: one model's shape}``) in ``params`` with the
    expected shape, all with or all without a K axis. Returns K (None for one model)."""
    try:
        got = [params[k].shape for k in shapes]
    except (KeyError, AttributeError, TypeError, IndexError):   # (an array: IndexError)
        got = None
    if got is not None:                                   # fast path: the usual, valid case
        _float_entries(params, shapes)
        if all(g == s for g, s in zip(got, shapes.values(), strict=True)):
            return None
        K = got[0][0] if got[0] else None
        if all(g == (K,) + s for g, s in zip(got, shapes.values(), strict=True)):
            return K
    if not isinstance(params, Mapping) or any(k not in params for k in shapes):
        keys = list(params) if isinstance(params, Mapping) else type(params).__name__
        raise ValueError(f"params must be a dict with keys {list(shapes)}, got {keys}")
    K = None
    for i, (k, shp) in enumerate(shapes.items()):
        s = np.shape(params[k])
        if s[len(s) - len(shp):] != shp or len(s) - len(shp) not in (0, 1):
            raise ValueError(f"params[{k!r}] must have shape {shp} or (K, *{shp}), got {s}")
        k_here = s[0] if len(s) > len(shp) else None
        if i and k_here != K:
            raise ValueError(f"params[{k!r}] has shape {s}, but the first parameter implies "
                             f"K={K}; all parameters must share the same K axis")
        K = k_here
    raise ValueError(f"params must be numpy arrays with shapes {list(shapes.values())}")


_FLOATS = (np.dtype(np.float64), np.dtype(np.float32))


def _float_entries(params: Mapping, shapes: Mapping) -> None:
    """Every parameter float64 or float32, the two precisions a model computes in: an integer
    W1 failed deep in NumPy ("Cannot cast ufunc 'tanh' output from dtype('float64') to
    dtype('int64')"), a bool or float16 bias was taken as it was, a complex one failed in a sum
    (``train.fit`` casts what it is given; ``model.init(dtype=...)`` draws either)."""
    for k in shapes:
        dtype = getattr(params[k], "dtype", None)
        if dtype not in _FLOATS:
            raise ValueError(f"params[{k!r}] must be a float64 or float32 array (model.init("
                             f"dtype=...) draws one; train.fit converts), got dtype {dtype}")


def check_X(X, n_in: int, ndim: int, layout: str, dtype=np.float64) -> np.ndarray:
    """X as ``dtype`` (the parameters' float64 or float32), with ``ndim`` axes, ``n_in``
    features on the last axis, all finite; ``layout``: the expected shape in words, for the
    message (``"(n, n_in)"``)."""
    if not isinstance(X, np.ndarray) or X.dtype != dtype:
        X = _checks.finite_array("X", X).astype(dtype, copy=False)
    if X.ndim != ndim or X.shape[-1] != n_in:
        raise ValueError(f"X must have shape {layout} with n_in={n_in} to match params, "
                         f"got {X.shape}")
    if not np.isfinite(X).all():
        _checks.finite_array("X", X)                      # raises, with a count
    return X




def in_blocks(step, params: Mapping[str, np.ndarray], K: int | None, per_block: int,
              per_model: tuple = ()):
    """``step(params, *per_model)`` for one model, or for K models in blocks of at most
    ``per_block`` models (of equal size: 32 = 4 x 8), joined along the K axis: an output array,
    or a ``(value, grads)`` pair. ``per_model``: arrays with a leading K axis (each model's own
    data or targets), cut into the same blocks as the parameters. Each model's arithmetic is
    what it is alone, so the blocks change the memory traffic only: activations of a block that
    fit the CPU's cache make a batched step faster (64 NormMLPs 2->32->32->1 on 200 points:
    2.5x in ``fit``, from 1.85x a loop of 64 single runs' time to 0.82x;
    ``benchmarks/bench_peers.py``)."""
    if K is None or K <= per_block:
        return step(params, *per_model)
    block = -(-K // -(-K // per_block))
    parts = [step({k: v[i:i + block] for k, v in params.items()},
                  *(a[i:i + block] for a in per_model)) for i in range(0, K, block)]
    if isinstance(parts[0], np.ndarray):                      # an output
        return np.concatenate(parts)
    return (np.concatenate([value for value, _ in parts]),
            {k: np.concatenate([grads[k] for _, grads in parts]) for k in params})


def own_targets(y, K: int | None) -> tuple:
    """``(y,)`` when ``y`` holds one set of targets per model (an array ``(K, n, out)``), else
    ``()``: what ``in_blocks`` must cut into blocks with the parameters. A 3-axis array for
    another K is an error naming y (cut into blocks, its message would show a block's shapes)."""
    if K is None or not (isinstance(y, np.ndarray) and y.ndim == 3):
        return ()
    if y.shape[0] != K:
        raise ValueError(f"y must have shape (n, out), shared by the K models, or (K={K}, n, "
                         f"out), one set of targets per model, got {y.shape}")
    return (y,)


def loss_pair(loss, yhat, y) -> tuple:
    """``loss(yhat, y)`` as the pair ``(value, dyhat)`` every model's backward pass needs; a
    custom loss that returns something else (its value alone) is named, not unpacked."""
    out = loss(yhat, y)
    if type(out) is tuple and len(out) == 2:          # the usual answer: no further look
        return out
    return _checks.value_and_grads("loss", out, "value", "dyhat = d loss / d output")


def check_output_grad(dyhat, shape: tuple, dtype) -> np.ndarray:
    """``dyhat`` (d loss / d output, e.g. from a custom loss) as an array of the model's output
    ``shape`` and ``dtype`` (a float64 gradient on a float32 model is rounded, a list becomes an
    array); any other shape is an error naming it."""
    dyhat = np.asarray(dyhat, dtype=dtype)
    if dyhat.shape != tuple(shape):
        raise ValueError(f"dyhat must have the output's shape {tuple(shape)} (it is d loss / "
                         f"d output), got {dyhat.shape}")
    return dyhat


@lru_cache(maxsize=32)
def sample_ones(n: int, dtype: np.dtype) -> np.ndarray:
    """A read-only vector of ``n`` ones in ``dtype``: ``sample_ones(n, dz.dtype) @ dz`` sums a
    gradient over the samples (a bias gradient). Cached: every backward pass of a run asks for
    the same one, and allocating it cost ~1 µs a step."""
    ones = np.ones(n, dtype=dtype)
    ones.flags.writeable = False
    return ones


def swap_last(a: np.ndarray) -> np.ndarray:
    """Transpose the last two axes of ``a``: (.., n, h) -> (.., h, n) (a view)."""
    return a.swapaxes(-1, -2)
