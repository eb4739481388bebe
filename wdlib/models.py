"""Models: an MLP of any depth and activation, and a small tanh RNN trained by BPTT.

Both are frozen dataclasses that hold only the *architecture*; parameters live in a plain dict
``{"W1": ..., "b1": ..., ...}`` so that optimizers, penalties and plots can treat them alike::

    m = MLP((2, 16, 16, 1), activation="tanh")
    params = m.init(seed=0)                              # W1 (2, 16), b1 (16,), ...
    value, grads = m.loss_and_grad(params, X, y, losses.mse)

K models at once: ``m.init(seed=[0, 1, 2])`` (or ``K=3``, or a length-3 ``scale``) gives every
parameter a leading K axis (``W1`` (3, 2, 16)); the data ``X`` stays shared, and
``X @ W`` broadcasts to ``(K, n, h)``. Model k is bit-for-bit what a single model with the k-th
seed and scale would be.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from wdlib import _checks, losses
from wdlib import init as initializers

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return losses.sigmoid(z)
    return z


def _activation_grad(name: str, da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dL/dz from dL/da for a = act(z). Overwrites ``da`` (a fresh array owned by backward)."""
    if name == "tanh":                   # da * (1 - a²)
        t = da * a
        t *= a
        da -= t
    elif name == "relu":                 # da * [z > 0]
        np.multiply(da, z > 0, out=da)
    elif name == "sigmoid":              # da * a (1 - a)
        t = 1.0 - a
        t *= a
        da *= t
    return da


def _T(a: np.ndarray) -> np.ndarray:
    """Transpose the last two axes: (.., n, h) -> (.., h, n)."""
    return a.swapaxes(-1, -2)


def _seeds(seed) -> int | np.ndarray:
    """A seed is an int >= 0 or a 1-D array of them (one per model)."""
    arr = np.asarray(seed)
    if arr.dtype == bool or arr.ndim > 1 or arr.size == 0 or not (
            np.issubdtype(arr.dtype, np.integer)
            or (np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr)))):
        raise ValueError(f"seed must be an integer >= 0 or a 1-D array of them, got {seed!r}")
    if np.any(arr < 0):
        raise ValueError(f"seed must be >= 0, got {seed!r}")
    return int(arr) if arr.ndim == 0 else arr.astype(np.int64)


def _draw(shapes: Mapping[str, tuple], seed, K, init, scale) -> dict[str, np.ndarray]:
    """Draw weights (keys starting with "W") with ``init`` and zero biases, one or K models.

    Each model draws its weights in key order from ``np.random.default_rng(seed_k)``, then
    multiplies them by its ``scale``.
    """
    seed = _seeds(seed)
    scale = _checks.nonnegative("scale", scale)
    draw = initializers.get(init)
    if K is not None:
        K = _checks.positive_int("K", K)
    Kh = _checks.batch_size(seed=seed, scale=scale)
    if K is not None and Kh is not None and K != Kh:
        raise ValueError(f"K must match the length of seed/scale ({Kh}), got {K}")
    K = K if K is not None else Kh

    def one(s: int) -> dict[str, np.ndarray]:
        rng = np.random.default_rng(s)
        return {k: np.asarray(draw(rng, shp), dtype=np.float64) if k.startswith("W")
                else np.zeros(shp) for k, shp in shapes.items()}

    if K is None:
        return {k: scale * v if k.startswith("W") else v for k, v in one(seed).items()}
    if np.ndim(seed) == 0:
        single = one(seed)
        stacked = {k: np.broadcast_to(v, (K,) + v.shape).copy() for k, v in single.items()}
    else:
        models = [one(int(s)) for s in seed]       # init only: not a hot path
        stacked = {k: np.stack([m[k] for m in models]) for k in shapes}
    return {k: _checks.per_model(scale, v.ndim) * v if k.startswith("W") else v
            for k, v in stacked.items()}


def _check_params(params: Mapping, shapes: Mapping[str, tuple]) -> int | None:
    """Every expected key with the expected shape, all with or all without a K axis.
    Returns K (None for one model)."""
    try:
        got = [params[k].shape for k in shapes]
    except (KeyError, AttributeError, TypeError):
        got = None
    if got is not None:                                   # fast path: the usual, valid case
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


def _check_X(X, n_in: int, ndim: int, layout: str) -> np.ndarray:
    """X as float64, with ``ndim`` axes, ``n_in`` features on the last axis, all finite."""
    if not isinstance(X, np.ndarray) or X.dtype != np.float64:
        X = _checks.finite_array("X", X)
    if X.ndim != ndim or X.shape[-1] != n_in:
        raise ValueError(f"X must have shape {layout} with n_in={n_in} to match params, "
                         f"got {X.shape}")
    if not np.isfinite(X).all():
        _checks.finite_array("X", X)                      # raises, with a count
    return X


@dataclass(frozen=True)
class MLP:
    """Multi-layer perceptron: ``sizes = (n_in, h1, ..., n_out)``, hidden activation ``activation``,
    linear output layer. Layer l computes ``a_l = act(a_{l-1} @ Wl + bl)``."""

    sizes: tuple = (2, 32, 32, 1)
    activation: str = "tanh"

    def __post_init__(self):
        try:
            sizes = tuple(self.sizes)
        except TypeError:
            raise ValueError(f"sizes must be a sequence of layer widths, "
                             f"got {self.sizes!r}") from None
        if len(sizes) < 2:
            raise ValueError(f"sizes must have at least 2 entries (n_in, n_out), got {sizes}")
        sizes = tuple(_checks.positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes))
        object.__setattr__(self, "sizes", sizes)
        _checks.choice("activation", self.activation, ACTIVATIONS)

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    @cached_property
    def shapes(self) -> dict[str, tuple]:
        """Parameter shapes of one model, in draw order: W1, b1, W2, b2, ..."""
        out = {}
        for l, (fi, fo) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True), start=1):
            out[f"W{l}"], out[f"b{l}"] = (fi, fo), (fo,)
        return out

    def num_params(self) -> int:
        """Number of parameters of one model."""
        return sum(int(np.prod(s)) for s in self.shapes.values())

    def init(self, seed=0, K=None, init="xavier", scale=1.0) -> dict[str, np.ndarray]:
        """Initial parameters: weights from ``init`` (a name from ``wdlib.init``, or a float std)
        times ``scale``, biases 0. ``seed`` / ``scale`` may be length-K arrays (see module doc)."""
        return _draw(self.shapes, seed, K, init, scale)

    @cached_property
    def _layers(self) -> tuple:
        """(W key, b key, activation) per layer; the output layer is linear."""
        L = self.n_layers
        return tuple((f"W{l}", f"b{l}", self.activation if l < L else "linear")
                     for l in range(1, L + 1))

    def forward_cache(self, params, X, *, check=True) -> tuple[np.ndarray, dict]:
        """Output ``(n, out)`` or ``(K, n, out)``, and the cache backward needs:
        ``cache["a"] = [X, a1, ..., aL]`` (activations, aL = output) and
        ``cache["z"] = [z1, ..., zL]`` (pre-activations; zL = aL)."""
        if check:        # ``check=False``: the caller (``train.fit``) validated them already
            _check_params(params, self.shapes)
            X = _check_X(X, self.sizes[0], 2, "(n, n_in)")
        a = X
        acts, pre = [a], []
        for W, b, act in self._layers:
            z = a @ params[W]                                 # (K, n, h)
            z += params[b][..., None, :]
            a = _activate(act, z)
            pre.append(z)
            acts.append(a)
        return a, {"a": acts, "z": pre}

    def forward(self, params, X, *, check=True) -> np.ndarray:
        """Model output: ``(n, out)`` or ``(K, n, out)``."""
        return self.forward_cache(params, X, check=check)[0]

    def backward(self, params, cache, dyhat) -> dict[str, np.ndarray]:
        """Gradients of a loss w.r.t. every parameter, given ``dyhat`` = d loss / d output."""
        acts, pre = cache["a"], cache["z"]
        dz = np.asarray(dyhat, dtype=np.float64)              # (K, n, out)
        if dz.shape != acts[-1].shape:
            raise ValueError(f"dyhat must have the output's shape {acts[-1].shape}, "
                             f"got {dz.shape}")
        ones = np.ones(dz.shape[-2])
        grads = {}
        for l in range(self.n_layers, 0, -1):
            W, b, _ = self._layers[l - 1]
            grads[W] = _T(acts[l - 1]) @ dz                   # (K, fan_in, fan_out)
            grads[b] = ones @ dz                              # (K, fan_out): sum over samples
            if l > 1:
                da = dz @ _T(params[W])                       # (K, n, fan_in)
                dz = _activation_grad(self.activation, da, pre[l - 2], acts[l - 1])
        return {k: grads[k] for k in self.shapes}

    def loss_and_grad(self, params, X, y, loss="mse", *, check=True) -> tuple:
        """``(value, grads)`` of ``loss(forward(params, X), y)``; value shape () or (K,)."""
        yhat, cache = self.forward_cache(params, X, check=check)
        value, dyhat = losses.get(loss)(yhat, y)
        return value, self.backward(params, cache, dyhat)


def linear(d_in: int, d_out: int = 1) -> MLP:
    """A linear model ``X @ W1 + b1`` (an MLP without hidden layers)."""
    return MLP((d_in, d_out), activation="linear")


@dataclass(frozen=True)
class RNN:
    """Many-to-one tanh RNN: ``h_t = tanh(x_t Wx + h_{t-1} Wh + b)``, ``h_0 = 0``,
    output ``y = h_T Wy + by``. Input X has shape ``(n, T, n_in)``.

    Backpropagation through time multiplies the gradient by ``diag(1 - h_t²) Wh^T`` once per
    step, so it shrinks (vanishes) or grows (explodes) geometrically with the size of ``Wh``:
    ``backward(..., return_time_grads=True)`` also returns ``||dL/dh_t||`` for every t.
    """

    n_in: int = 1
    n_hidden: int = 16
    n_out: int = 1

    def __post_init__(self):
        for name in ("n_in", "n_hidden", "n_out"):
            object.__setattr__(self, name, _checks.positive_int(name, getattr(self, name)))

    @cached_property
    def shapes(self) -> dict[str, tuple]:
        H = self.n_hidden
        return {"Wx": (self.n_in, H), "Wh": (H, H), "b": (H,),
                "Wy": (H, self.n_out), "by": (self.n_out,)}

    def num_params(self) -> int:
        return sum(int(np.prod(s)) for s in self.shapes.values())

    def init(self, seed=0, K=None, init="xavier", scale=1.0, recurrent_scale=1.0):
        """Initial parameters, as ``MLP.init``. ``recurrent_scale`` (float or K-array) further
        multiplies ``Wh``: with xavier, ``Wh`` has spectral radius about 1, so
        ``recurrent_scale`` < 1 makes gradients vanish over time and > 1 makes them explode."""
        rs = _checks.nonnegative("recurrent_scale", recurrent_scale)
        K_rs = _checks.batch_size(recurrent_scale=rs)
        if K_rs is not None:
            if K is not None and K != K_rs:
                raise ValueError(f"K must match the length of recurrent_scale ({K_rs}), got {K}")
            K = K_rs
        params = _draw(self.shapes, seed, K, init, scale)
        return {**params, "Wh": _checks.per_model(rs, params["Wh"].ndim) * params["Wh"]}

    def forward_cache(self, params, X, *, check=True) -> tuple[np.ndarray, dict]:
        """Output and cache, stored time-major: ``cache["h"]`` (T+1, [K,] n, H) hidden states
        with ``h[0] = 0``, ``cache["z"]`` (T, [K,] n, H) pre-activations, ``cache["X"]``."""
        if check:        # ``check=False``: the caller (``train.fit``) validated them already
            _check_params(params, self.shapes)
            X = _check_X(X, self.n_in, 3, "(n, T, n_in)")
        K = params["Wh"].shape[0] if params["Wh"].ndim == 3 else None
        n, T, n_in = X.shape
        H = self.n_hidden
        lead = () if K is None else (K,)
        # x_t Wx + b for every t (and model) in one matmul: [x_t, 1] @ [Wx; b]
        x1 = np.ones((T, n, n_in + 1))
        x1[..., :n_in] = X.transpose(1, 0, 2)
        Wb = np.concatenate([params["Wx"], params["b"][..., None, :]], axis=-2)  # (K, n_in+1, H)
        if K is None:
            zs = (x1.reshape(T * n, n_in + 1) @ Wb).reshape(T, n, H)
        else:                 # (T*n, n_in+1) @ (n_in+1, K*H), then (T, K, n, H)
            Wb = Wb.transpose(1, 0, 2).reshape(n_in + 1, K * H)
            zs = np.ascontiguousarray(
                (x1.reshape(T * n, n_in + 1) @ Wb).reshape(T, n, K, H).transpose(0, 2, 1, 3))
        hs = np.zeros((T + 1,) + lead + (n, H))
        Wh = params["Wh"]
        tmp = np.empty(lead + (n, H))        # reused: no large allocation inside the time loop
        for t in range(T):
            zs[t] += np.matmul(hs[t], Wh, out=tmp)                         # z_t
            np.tanh(zs[t], out=hs[t + 1])                                  # h_t
        yhat = hs[T] @ params["Wy"] + params["by"][..., None, :]           # (K, n, out)
        return yhat, {"X": X, "h": hs, "z": zs}

    def forward(self, params, X, *, check=True) -> np.ndarray:
        return self.forward_cache(params, X, check=check)[0]

    def backward(self, params, cache, dyhat, return_time_grads=False):
        """BPTT. With ``return_time_grads`` also returns ``||dL/dh_t||`` for t = 1..T, shape
        (T,) or (K, T) (norm over samples and units)."""
        X, hs = cache["X"], cache["h"]
        T = hs.shape[0] - 1
        hT = hs[T]                                                         # (K, n, H)
        dy = np.asarray(dyhat, dtype=np.float64)                           # (K, n, out)
        if dy.shape != hT.shape[:-1] + (self.n_out,):
            raise ValueError(f"dyhat must have the output's shape "
                             f"{hT.shape[:-1] + (self.n_out,)}, got {dy.shape}")
        ones = np.ones(dy.shape[-2])
        x_t = X.transpose(1, 2, 0)                                         # (T, n_in, n)
        grads = {"Wy": _T(hT) @ dy, "by": ones @ dy}
        dWx, dWh, db = (np.zeros_like(params[k]) for k in ("Wx", "Wh", "b"))
        dh = dy @ _T(params["Wy"])                                         # dL/dh_T (K, n, H)
        WhT = _T(params["Wh"])
        dz = np.empty_like(hT)
        norms = np.empty(hT.shape[:-2] + (T,))
        for t in range(T, 0, -1):                                          # dh = dL/dh_t
            if return_time_grads:
                norms[..., t - 1] = np.sqrt(np.einsum("...ij,...ij->...", dh, dh))
            np.multiply(hs[t], hs[t], out=dz)
            np.subtract(1.0, dz, out=dz)
            dz *= dh                                                       # dL/dz_t
            dWx += x_t[t - 1] @ dz
            dWh += _T(hs[t - 1]) @ dz
            db += ones @ dz
            if t > 1:
                np.matmul(dz, WhT, out=dh)                                 # dL/dh_{t-1}
        grads.update(Wx=dWx, Wh=dWh, b=db)
        grads = {k: grads[k] for k in self.shapes}
        return (grads, norms) if return_time_grads else grads

    def loss_and_grad(self, params, X, y, loss="mse", *, check=True) -> tuple:
        yhat, cache = self.forward_cache(params, X, check=check)
        value, dyhat = losses.get(loss)(yhat, y)
        return value, self.backward(params, cache, dyhat)
