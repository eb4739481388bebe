"""Multi-layer perceptron of any depth, with tanh / ReLU / sigmoid / linear hidden units."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import cached_property
from itertools import zip_longest

import numpy as np

from wdlib import _checks, losses
from wdlib.models.base import (
    Model,
    check_output_grad,
    check_params,
    check_X,
    in_blocks,
    loss_pair,
    own_targets,
    sample_ones,
    swap_last,
)


def _relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.maximum(z, 0, out=out)


def _tanh_grad(da: np.ndarray, a: np.ndarray, tmp: np.ndarray | None) -> np.ndarray:
    # da * (1 - a²), as da - da·a·a (no ``out=None`` keyword: NumPy parses it, ~0.1 µs a call)
    t = da * a if tmp is None else np.multiply(da, a, out=tmp)
    t *= a
    da -= t
    return da


def _relu_grad(da: np.ndarray, a: np.ndarray, tmp: np.ndarray | None) -> np.ndarray:
    return np.multiply(da, a > 0, out=da)    # da * [z > 0]; a = max(z, 0) > 0 exactly where z > 0


def _sigmoid_grad(da: np.ndarray, a: np.ndarray, tmp: np.ndarray | None) -> np.ndarray:
    t = np.subtract(1.0, a, out=tmp)     # da * a (1 - a)
    t *= a
    da *= t
    return da


#: The activations, each as ``(act(z, out=None), grad(da, a, tmp))``: ``act`` computes act(z)
#: (``out=z``: in place), ``grad`` turns dL/da into dL/dz from the activation a alone. The
#: identity ("linear", also every MLP's output layer) is ``None``: there is nothing to compute,
#: and the passes skip it (no call, no copy). The one table of this rule.
ACTIVATION_TABLE = {
    "tanh": (np.tanh, _tanh_grad),
    "relu": (_relu, _relu_grad),
    "sigmoid": (losses.sigmoid, _sigmoid_grad),
    "linear": (None, None),
}
ACTIVATIONS = tuple(ACTIVATION_TABLE)


def _activate(name: str, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """act(z); ``out=z`` computes it in place (training: the pre-activation is not kept)."""
    act = ACTIVATION_TABLE[name][0]
    return z if act is None else act(z, out=out)


def _activation_grad(name: str, da: np.ndarray, a: np.ndarray,
                     tmp: np.ndarray | None = None) -> np.ndarray:
    """dL/dz from dL/da for a = act(z), from the activation alone (z is not needed).
    Overwrites ``da`` (an array owned by the caller); ``tmp``: scratch space of da's shape."""
    grad = ACTIVATION_TABLE[name][1]
    return da if grad is None else grad(da, a, tmp)


def _through_weights(dz: np.ndarray, W: np.ndarray, out: np.ndarray | None = None
                     ) -> np.ndarray:
    """dz @ Wᵀ, the gradient flowing back through a layer, at full speed: a fan-out of 1 makes
    it an outer product, computed as a broadcast multiply (the same single product per entry,
    where BLAS runs at a fraction of its speed); otherwise Wᵀ is made contiguous first (a
    strided transpose made this matmul ~45 % of the backward pass)."""
    Wt = swap_last(W)                                                # (K, fan_out, fan_in)
    if W.shape[-1] == 1:                  # (without a buffer, no ``out=None`` keyword: ~0.1 µs)
        if out is None:
            return dz * Wt
        if dz.dtype != out.dtype:         # (rounded to the buffer after the product, as here)
            return np.multiply(dz, Wt, out=out)
        np.copyto(out, dz)                # dz spread over the row, then times W's row: the same
        out *= Wt                         # products, ~20 % faster than one broadcast multiply
        return out                        # (a stride-0 operand in its inner loop)
    Wt = np.ascontiguousarray(Wt)   # (one model too: BLAS reading a 2-D transpose as it is
    #                                 rounds differently at some widths, e.g. 19 and 34)
    return dz @ Wt if out is None else np.matmul(dz, Wt, out=out)


#: The size one (block of models, n, width) array may have in ``loss_and_grad``: K models'
#: activations that fit the CPU's L2 cache make a batched step ~1.4x faster than one big block
#: (which streams every element-wise pass through memory; benchmarks/bench_train.py).
BLOCK_BYTES = 512 * 1024


def models_per_block(n: int, width: int, itemsize: int) -> int:
    """How many models ``loss_and_grad`` runs at once: their (n, width) activations of
    ``itemsize`` bytes a number fit ``BLOCK_BYTES`` (at least one model)."""
    return max(1, BLOCK_BYTES // (n * width * itemsize))


class Workspace:
    """Buffers that ``loss_and_grad`` reuses from one call to the next for large activations,
    so that a training step allocates only its results: a fresh array above glibc's mmap
    threshold (128 KB) costs its page faults every step, up to ~40 % of a batched step
    (benchmarks/bench_train.py). Small arrays are cheaper to allocate than to look up, so
    below ``MIN_BYTES`` per activation there is no workspace; and none when one hidden layer's
    buffers (its z, d and scratch) would exceed ``MAX_LAYER_BYTES`` or the whole set
    ``MAX_SET_BYTES`` (a kernel should not hold that much memory between calls; the limits count
    three buffers a layer, though layers of one width share their scratch). The bounds are
    large because the page faults are not dwarfed by a large layer's arithmetic: with 8 MB a
    layer, 10 000 samples through 64 or 256 units got no buffers and a step took 1.1-1.45x as
    long as with them (a sweep of shapes against PyTorch; the same bits). A deep net of
    ordinary layers keeps its buffers (12 hidden layers of 64 units, 5 models of 200 points:
    12.8 MB held, 17.6 MiB as the limits count it).

    One set per (leading shape, n, dtype), per thread (``threading.local``); at most ``KEEP``
    sets per thread, and together at most ``MAX_SET_BYTES`` (as the limits count them), the
    least recently used dropped first (the set just used is always kept); ``clear()`` frees
    them. A call holds its
    set exclusively (``take`` ... ``give_back``), so a loss that calls the same model again
    gets buffers of its own. The output layer is never a buffer (the loss sees, and may keep,
    a fresh ``yhat``), and nothing outside the call ever sees one. A deep copy or a pickle
    starts with no buffers; a shallow copy shares them (harmless, by the rule above).
    widths: ``(h1, ..., h_{L-1})``, the hidden layers' widths."""

    KEEP, MIN_BYTES, MAX_LAYER_BYTES, MAX_SET_BYTES = 4, 64 * 1024, 64 * 2**20, 256 * 2**20

    def __init__(self, widths: tuple):
        self.widths = widths                 # (h1, ..., h_{L-1}): the hidden layers' widths
        self._max, self._sum = max(widths, default=0), sum(widths)   # cached for the hot path
        self._local = threading.local()

    def __reduce__(self):
        return Workspace, (self.widths,)

    def _sets(self) -> dict:
        return self._local.__dict__.setdefault("sets", {})

    def take(self, lead: tuple, n: int, dtype: np.dtype) -> dict | None:
        """The buffers for this block shape (``lead``: the K axis, ``()`` or ``(K,)``; ``n``
        samples; ``dtype``), removed from the workspace until ``give_back``; None when they would
        be too small to pay off, too large to keep, or there are no hidden layers."""
        row_bytes = n * math.prod(lead) * dtype.itemsize        # one unit's activations
        if not self.widths or row_bytes * self._max < self.MIN_BYTES:
            return None
        if (3 * row_bytes * self._max > self.MAX_LAYER_BYTES
                or 3 * row_bytes * self._sum > self.MAX_SET_BYTES):
            return None
        return self._sets().pop((lead, n, dtype), None) or self._new(lead, n, dtype)

    def give_back(self, work: dict) -> None:
        """Return ``work``, a set from ``take`` (now the most recently used; the oldest beyond
        KEEP goes)."""
        sets = self._sets()
        sets[work["key"]] = work
        while len(sets) > self.KEEP or (len(sets) > 1 and sum(
                w["bytes"] for w in sets.values()) > self.MAX_SET_BYTES):
            del sets[next(iter(sets))]

    def clear(self) -> None:
        """Free this thread's buffers."""
        self._sets().clear()

    def _new(self, lead: tuple, n: int, dtype: np.dtype) -> dict:
        """Per hidden layer: z (its activation, kept for the backward pass) and d (d loss / d
        its activation); layers of one width share a scratch t. Each d is distinct, as the
        product writing layer l's d reads layer l+1's."""
        def empty(h):
            return np.empty(lead + (n, h), dtype)
        scratch = {h: empty(h) for h in set(self.widths)}
        counted = 3 * n * math.prod(lead) * dtype.itemsize * self._sum     # as ``take`` counts
        return {"key": (lead, n, dtype), "bytes": counted, "z": [empty(h) for h in self.widths],
                "d": [empty(h) for h in self.widths], "t": [scratch[h] for h in self.widths]}


@dataclass(frozen=True)
class MLP(Model):
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

    @cached_property
    def weight_keys(self) -> tuple[str, ...]:
        return tuple(f"W{l}" for l in range(1, self.n_layers + 1))

    @cached_property
    def _layers(self) -> tuple:
        """Per layer, output layer last: (W key, b key, activation function, or None for the
        identity: ``ACTIVATION_TABLE``). The output layer is linear."""
        L = self.n_layers
        return tuple((f"W{l}", f"b{l}", ACTIVATION_TABLE[self.activation if l < L else "linear"][0])
                     for l in range(1, L + 1))

    @cached_property
    def _backward_layers(self) -> tuple:
        """Per layer, output layer first: (W key, b key, the index of its input in the
        activations [X, a1, ...], the gradient function of that input's activation or None
        for the identity). Read once, so that the backward pass looks nothing up by name."""
        grad = ACTIVATION_TABLE[self.activation][1]
        return tuple((W, b, i, grad) for i, (W, b, _) in reversed(tuple(enumerate(self._layers))))

    @cached_property
    def _no_buffers(self) -> dict:
        """The buffers of a call without a workspace: None for every hidden layer."""
        nothing = (None,) * (self.n_layers - 1)
        return {"z": nothing, "d": nothing, "t": nothing}

    @cached_property
    def _no_grads(self) -> dict:
        """Every parameter key (in ``shapes`` order) with None: copied, the backward pass's
        gradient dict (a copy is cheaper than ``dict.fromkeys`` each step)."""
        return dict.fromkeys(self.shapes)

    @cached_property
    def _workspace(self) -> Workspace:
        return Workspace(self.sizes[1:-1])

    def forward_cache(self, params, X, *, check=True) -> tuple[np.ndarray, dict]:
        """Output ``(n, out)`` or ``(K, n, out)``, and the cache backward needs (params, X,
        check: see ``Model``'s class docstring):
        ``cache["a"] = [X, a1, ..., aL]`` (activations, aL = output) and
        ``cache["z"] = [z1, ..., zL]`` (pre-activations; zL = aL)."""
        return self._forward(params, X, _checks.flag("check", check), keep_pre=True)

    def forward(self, params, X, *, check=True) -> np.ndarray:
        """Model output ``(n, out)`` or ``(K, n, out)`` (a new array; params, X, check: see
        ``Model``'s class docstring). As ``loss_and_grad``:
        activations in place, K models in blocks, hidden layers in the workspace's buffers (a
        validation every step allocated its large activations afresh: ~0.6 of a training
        step's time for K models, now ~0.4; the same numbers)."""
        if _checks.flag("check", check):
            check_params(params, self.shapes)
            X = self._check_data(params, X)
        if params["W1"].ndim == 2:          # one model: straight to its step (``_in_blocks``)
            return self._predict(params, X)
        return self._in_blocks(self._predict, params, X)

    def _predict(self, params, X) -> np.ndarray:
        W1 = params["W1"]
        work = self._workspace.take(W1.shape[:-2], X.shape[-2], W1.dtype)
        try:
            return self._forward(params, X, False, keep_pre=False,
                                 out=(work or self._no_buffers)["z"])[0]
        finally:
            if work is not None:
                self._workspace.give_back(work)

    def loss_and_grad(self, params, X, y, loss="mse", *, check=True) -> tuple:
        """``(value, grads)`` of ``loss(forward(params, X), y)`` (params, X, y, loss, check: see
        ``Model``'s class docstring).

        Two things make it faster than forward + backward, with the same numbers: the forward
        pass keeps no pre-activations (each activation is computed in place of its z), and K
        models go through in blocks of ``models_per_block`` (each model's arithmetic is exactly
        what it would be alone, so the blocks change nothing but the memory traffic)."""
        if _checks.flag("check", check):
            check_params(params, self.shapes)
            X = self._check_data(params, X)
        if params["W1"].ndim == 2:          # one model: straight to its step (``_in_blocks``)
            return self._loss_and_grad(params, X, y, losses.get(loss))
        return self._in_blocks(self._loss_and_grad, params, X, y, losses.get(loss))

    def _check_data(self, params, X) -> np.ndarray:
        """X for the (checked) ``params``: ``(n, n_in)``, shared by the K models, or, K models
        only, ``(K, n, n_in)``: each model its own data (its own draw of a data set)."""
        W1 = params["W1"]
        if W1.ndim == 2 or np.ndim(X) != 3:
            return check_X(X, self.sizes[0], 2, "(n, n_in)", dtype=W1.dtype)
        K = W1.shape[0]
        X = check_X(X, self.sizes[0], 3, f"(n, n_in) or, one data set per model, (K={K}, n, "
                    f"n_in)", dtype=W1.dtype)
        if X.shape[0] != K:
            raise ValueError(f"X must have shape (n, n_in) or, one data set per model, (K={K}, "
                             f"n, n_in) to match params, got {X.shape}")
        return X

    def _in_blocks(self, step, params, X, *args):
        """``step(params, X, *args)`` for K models, in blocks (``models_per_block``); per-model
        data (X ``(K, n, n_in)``, and targets y ``(K, n, out)``, ``args[0]``) is cut into the
        same blocks. One model calls its step directly (``loss_and_grad``, ``forward``: this
        call and the bound method it is given were ~2 % of a small model's training step)."""
        W1 = params["W1"]
        K = W1.shape[0]
        per_block = models_per_block(np.shape(X)[-2], max(self.sizes), W1.itemsize)
        own_X, own_y = np.ndim(X) == 3, bool(args) and bool(own_targets(args[0], K))
        if not (own_X or own_y):                  # the usual case: data shared by the K models
            return in_blocks(lambda p: step(p, X, *args), params, K, per_block)

        def block(p, *data):                      # data: this block's X and/or y
            Xb = data[0] if own_X else X
            return step(p, Xb, *((data[-1],) if own_y else args[:1]), *args[1:])
        return in_blocks(block, params, K, per_block, (X,) * own_X + args[:1] * own_y)

    def _loss_and_grad(self, params, X, y, loss) -> tuple:
        W1 = params["W1"]
        work = self._workspace.take(W1.shape[:-2], X.shape[-2], W1.dtype)
        try:
            yhat, cache = self._forward(params, X, False, keep_pre=False,
                                        out=(work or self._no_buffers)["z"])
            value, dyhat = loss_pair(loss, yhat, y)
            dyhat = check_output_grad(dyhat, yhat.shape, yhat.dtype)
            return value, self._backward(params, cache["a"], dyhat, work)
        finally:
            if work is not None:
                self._workspace.give_back(work)

    def _forward(self, params, X, check: bool, keep_pre: bool, out: list | None = None
                 ) -> tuple[np.ndarray, dict]:
        """Activations (and pre-activations when ``keep_pre``); ``out``: a buffer or None per
        hidden layer (the output is always a new array)."""
        if check:        # ``check=False``: the caller (``train.fit``) validated them already
            check_params(params, self.shapes)
            X = self._check_data(params, X)
        a = X
        acts, pre = [a], []
        for (W, b, act), buf in zip_longest(self._layers, out or ()):   # output layer: None
            # (K, n, h); ``@`` without a buffer: NumPy parses an ``out=None`` keyword ~0.1 µs
            z = a @ params[W] if buf is None else np.matmul(a, params[W], out=buf)
            bias = params[b]                  # (h,) broadcasts as it is; (K, h) as (K, 1, h)
            z += bias if bias.ndim == 1 else bias[..., None, :]
            if keep_pre:
                pre.append(z)
            if act is not None:               # None: the identity (the output layer's z is
                z = act(z, out=None if keep_pre else z)                    # its output)
            a = z
            acts.append(a)
        return a, {"a": acts, "z": pre if keep_pre else None}

    def backward(self, params, cache, dyhat) -> dict[str, np.ndarray]:
        """Gradients of a loss w.r.t. every parameter, given ``dyhat`` = d loss / d output
        (params, cache: see ``Model``'s class docstring)."""
        acts = cache["a"]
        out = acts[-1]                                                      # (K, n, out)
        return self._backward(params, acts, check_output_grad(dyhat, out.shape, out.dtype), None)

    def _backward(self, params, acts, dz, work: dict | None) -> dict[str, np.ndarray]:
        """Every gradient, from the activations ``[X, a1, ..., aL]`` and ``dz`` = d loss /
        d aL; ``work``: buffers for the intermediates (None: new arrays)."""
        ones = sample_ones(dz.shape[-2], dz.dtype)
        work = work or self._no_buffers
        d_bufs, t_bufs = work["d"], work["t"]
        grads = self._no_grads.copy()                       # the keys in the model's order
        for W, b, i, grad in self._backward_layers:         # i: the layer's input is acts[i]
            a_in = acts[i]
            grads[W] = a_in.swapaxes(-1, -2) @ dz        # swap_last, (K, fan_in, fan_out)
            grads[b] = ones @ dz                              # (K, fan_out): sum over samples
            if i:                                           # below it, a hidden layer a_in
                da = _through_weights(dz, params[W], out=d_bufs[i - 1])
                dz = da if grad is None else grad(da, a_in, t_bufs[i - 1])
        return grads

    def layer_activations(self, cache) -> tuple[list[str], list, list]:
        """Per layer (hidden layers "h1", ..., then "out"): names, activations, pre-activations,
        from ``forward_cache``'s cache."""
        acts, pre = cache["a"][1:], cache["z"]
        return [f"h{l}" for l in range(1, len(acts))] + ["out"], acts, pre


def linear(d_in: int, d_out: int = 1) -> MLP:
    """A linear model ``X @ W1 + b1`` (an MLP without hidden layers): d_in inputs, d_out
    outputs (W1 of shape (d_in, d_out))."""
    return MLP((d_in, d_out), activation="linear")


