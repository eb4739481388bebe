"""A many-to-one tanh RNN trained by backpropagation through time."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from wdlib import _checks
from wdlib.models.base import (
    Model,
    check_output_grad,
    check_params,
    check_X,
    draw_params,
    in_blocks,
    own_targets,
    sample_ones,
    swap_last,
)
from wdlib.models.mlp import models_per_block


@dataclass(frozen=True)
class RNN(Model):
    """Many-to-one tanh RNN: ``h_t = tanh(x_t Wx + h_{t-1} Wh + b)``, ``h_0 = 0``,
    output ``y = h_T Wy + by``. Input X has shape ``(n, T, n_in)``: n_in features per time
    step; n_hidden: H, the hidden units; n_out: the outputs.

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

    recurrent = True

    @cached_property
    def shapes(self) -> dict[str, tuple]:
        H = self.n_hidden
        return {"Wx": (self.n_in, H), "Wh": (H, H), "b": (H,),
                "Wy": (H, self.n_out), "by": (self.n_out,)}

    @cached_property
    def weight_keys(self) -> tuple[str, ...]:
        return ("Wx", "Wh", "Wy")

    def init(self, seed=0, K=None, init="xavier", scale=1.0, recurrent_scale=1.0,
             dtype="float64"):
        """Initial parameters, as ``Model.init`` (seed, K, init, scale, dtype), the float64
        draw rounded to dtype. ``recurrent_scale`` (float or
        K-array) further multiplies ``Wh``: with xavier, ``Wh`` has spectral radius about 1, so
        ``recurrent_scale`` < 1 makes gradients vanish over time and > 1 makes them explode."""
        rs = _checks.nonnegative("recurrent_scale", recurrent_scale)
        K_rs = _checks.batch_size(recurrent_scale=rs)
        if K_rs is not None:
            if K is not None and K != K_rs:
                raise ValueError(f"K must match the length of recurrent_scale ({K_rs}), got {K}")
            K = K_rs
        dtype = _checks.float_dtype("dtype", dtype)
        params = draw_params(self.shapes, self.weight_keys, seed, K, init, scale)
        params = {**params, "Wh": _checks.per_model(rs, params["Wh"].ndim) * params["Wh"]}
        return {k: v.astype(dtype, copy=False) for k, v in params.items()}

    def loss_and_grad(self, params, X, y, loss="mse", *, check=True) -> tuple:
        """``(value, grads)`` as ``Model.loss_and_grad``, K models in blocks whose per-step
        arrays fit the cache (the same numbers: each model's arithmetic is its own). params, X,
        y, loss, check: see ``Model``'s class docstring."""
        if _checks.flag("check", check):
            X = self._checked(params, X)
        return self._in_blocks(                  # y: the block's, for per-model targets
            lambda p, y=y: Model.loss_and_grad(self, p, X, y, loss, check=False), params, X, y)

    def forward(self, params, X, *, check=True) -> np.ndarray:
        """Model output ``(n, out)`` or ``(K, n, out)`` (K models in blocks). params, X, check:
        see ``Model``'s class docstring."""
        if _checks.flag("check", check):
            X = self._checked(params, X)
        return self._in_blocks(lambda p: self.forward_cache(p, X, check=False)[0], params, X)

    def _checked(self, params, X) -> np.ndarray:
        check_params(params, self.shapes)
        X = check_X(X, self.n_in, 3, "(n, T, n_in)", dtype=params["Wh"].dtype)
        if X.shape[-2] == 0:        # (no step: the output was the readout's bias, and trained)
            raise ValueError(f"X must hold at least one time step (T >= 1, as data.sequence "
                             f"makes), got shape {X.shape}")
        return X

    def _in_blocks(self, step, params, X, y=None):
        """``step(params)`` for one model, or K models in blocks (``models_per_block`` of the
        MLP, over 4 arrays of the hidden width: z_t, h_t, dh and dz of a time step);
        per-model targets y ``(K, n, out)`` are cut into the same blocks."""
        Wh = params["Wh"]
        K = Wh.shape[0] if Wh.ndim == 3 else None
        return in_blocks(step, params, K,
                         models_per_block(np.shape(X)[0], 4 * self.n_hidden, Wh.itemsize),
                         own_targets(y, K))

    def forward_cache(self, params, X, *, check=True) -> tuple[np.ndarray, dict]:
        """Output and cache, stored time-major: ``cache["h"]`` (T+1, [K,] n, H) hidden states
        with ``h[0] = 0``, ``cache["z"]`` (T, [K,] n, H) pre-activations, ``cache["X"]``.
        params, X, check: see ``Model``'s class docstring."""
        # ``check=False``: the caller (``train.fit``) validated them already
        if _checks.flag("check", check):
            X = self._checked(params, X)
        K = params["Wh"].shape[0] if params["Wh"].ndim == 3 else None
        n, T, n_in = X.shape
        H = self.n_hidden
        lead = () if K is None else (K,)
        # x_t Wx + b for every t (and model) in one matmul: [x_t, 1] @ [Wx; b]
        dtype = params["Wh"].dtype                     # float64, or float32 throughout
        x1 = np.ones((T, n, n_in + 1), dtype=dtype)
        x1[..., :n_in] = X.transpose(1, 0, 2)
        Wb = np.concatenate([params["Wx"], params["b"][..., None, :]], axis=-2)  # (K, n_in+1, H)
        if K is None:
            zs = (x1.reshape(T * n, n_in + 1) @ Wb).reshape(T, n, H)
        else:                 # (T*n, n_in+1) @ (n_in+1, K*H), then (T, K, n, H)
            Wb = Wb.transpose(1, 0, 2).reshape(n_in + 1, K * H)
            zs = np.ascontiguousarray(
                (x1.reshape(T * n, n_in + 1) @ Wb).reshape(T, n, K, H).transpose(0, 2, 1, 3))
        hs = np.zeros((T + 1,) + lead + (n, H), dtype=dtype)
        Wh = params["Wh"]
        tmp = np.empty(lead + (n, H), dtype=dtype)   # reused: no large allocation in the time loop
        for t in range(T):
            zs[t] += np.matmul(hs[t], Wh, out=tmp)                         # z_t
            np.tanh(zs[t], out=hs[t + 1])                                  # h_t
        yhat = hs[T] @ params["Wy"] + params["by"][..., None, :]           # (K, n, out)
        return yhat, {"X": X, "h": hs, "z": zs, "yhat": yhat}

    def backward(self, params, cache, dyhat, return_time_grads=False):
        """BPTT. With ``return_time_grads`` also returns ``||dL/dh_t||`` for t = 1..T, shape
        (T,) or (K, T) (norm over samples and units). params, cache, dyhat: see ``Model``'s
        class docstring."""
        return_time_grads = _checks.flag("return_time_grads", return_time_grads)
        X, hs = cache["X"], cache["h"]
        T = hs.shape[0] - 1
        hT = hs[T]                                                         # (K, n, H)
        dy = check_output_grad(dyhat, hT.shape[:-1] + (self.n_out,), hT.dtype)  # (K, n, out)
        ones = sample_ones(dy.shape[-2], dy.dtype)
        x_t = X.transpose(1, 2, 0)                                         # (T, n_in, n)
        grads = {"Wy": swap_last(hT) @ dy, "by": ones @ dy}
        dWx, dWh, db = (np.zeros_like(params[k]) for k in ("Wx", "Wh", "b"))
        dh = dy @ swap_last(params["Wy"])                                  # dL/dh_T (K, n, H)
        WhT = swap_last(params["Wh"])
        dz = np.empty_like(hT)
        norms = np.empty(hT.shape[:-2] + (T,))
        for t in range(T, 0, -1):                                          # dh = dL/dh_t
            if return_time_grads:
                norms[..., t - 1] = np.sqrt(np.einsum("...ij,...ij->...", dh, dh))
            np.multiply(hs[t], hs[t], out=dz)
            np.subtract(1.0, dz, out=dz)
            dz *= dh                                                       # dL/dz_t
            dWx += x_t[t - 1] @ dz
            dWh += swap_last(hs[t - 1]) @ dz
            db += ones @ dz
            if t > 1:
                np.matmul(dz, WhT, out=dh)                                 # dL/dh_{t-1}
        grads.update(Wx=dWx, Wh=dWh, b=db)
        grads = {k: grads[k] for k in self.shapes}
        return (grads, norms) if return_time_grads else grads

    def layer_activations(self, cache) -> tuple[list[str], list, list]:
        """One "layer" per time step ("h1", ..., "hT"), then "out": names, activations and
        pre-activations (the output layer is linear: both are the output), from
        ``forward_cache``'s cache."""
        hs, zs, yhat = cache["h"][1:], cache["z"], cache["yhat"]
        return [f"h{t}" for t in range(1, len(hs) + 1)] + ["out"], [*hs, yhat], [*zs, yhat]
