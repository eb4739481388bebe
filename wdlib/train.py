"""Training loop: ``fit`` trains one model, or K models in lock step, and returns a ``History``.

The loop is the textbook one, written out so a student can follow it::

    for t in range(steps):
        loss, grads = model.loss_and_grad(params, X_batch, y_batch, loss_fn)   # data loss
        grads += penalty gradient                                              # L2 / L1 / ...
        grads = clip(grads)                                                    # optional
        updates, state = opt.update(grads, state, params)                      # SGD / Adam / ...
        params = params + updates   (then a proximal step or a max-norm projection, if asked)

Any hyperparameter (lr, momentum, weight_decay, lam, clip_threshold, init_scale, seed) may be a
1-D array of length K: the K models then train together, every parameter carrying a leading K
axis, and model k is exactly the model a separate run with the k-th values would give.

A run whose loss (or a parameter) becomes NaN or inf stops at once: ``History.diverged_at``
records the step. With K models each one stops on its own (its parameters freeze at the last
finite values) and the loop ends when all have diverged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from wdlib import _alloc, _checks, clipping, losses, optim, penalties
from wdlib.data import Dataset

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam", "adamw", "sgdw")
CLIP_MODES = (None, "value", "norm")
PENALTIES = (None, "l2", "l1", "elastic_net", "max_norm")


@dataclass
class History:
    """What happened during ``fit``, one row per optimizer step.

    Arrays have shape ``(steps,)`` for one model and ``(steps, K)`` for K models. Entries after a
    run diverged are NaN.
    """

    train_loss: np.ndarray          # data loss on the (mini)batch, before the update
    val_loss: np.ndarray | None     # data loss on the validation set, before the update
    penalty: np.ndarray             # penalty value (0 when there is none)
    grad_norm: np.ndarray           # global gradient norm (data + penalty) before clipping
    grad_norm_clipped: np.ndarray   # ... and after clipping
    weight_norm: np.ndarray         # sqrt of the sum of squares of all weight matrices (W*)
    lr: np.ndarray                  # the learning rate used at each step
    layer_grad_norms: dict[str, np.ndarray] = field(default_factory=dict)  # per parameter key
    diverged_at: int | None | np.ndarray = None  # first non-finite step; (K,) with -1 = never
    K: int | None = None

    @property
    def steps(self) -> int:
        return self.train_loss.shape[0]

    @property
    def diverged(self) -> bool | np.ndarray:
        """True where a run diverged (a bool, or a (K,) bool array)."""
        if self.K is None:
            return self.diverged_at is not None
        return np.asarray(self.diverged_at) >= 0

    def final(self, name: str = "val_loss") -> float | np.ndarray:
        """The last finite value of a per-step record (per model when batched)."""
        values = getattr(self, name)
        if values is None:
            raise ValueError(f"name {name!r} was not recorded in this run")
        table = np.asarray(values).reshape(len(values), -1)       # (steps, K or 1)
        finite = np.isfinite(table)
        row = len(table) - 1 - np.argmax(finite[::-1], axis=0)      # last finite row per model
        last = np.where(finite.any(axis=0), table[row, np.arange(table.shape[1])], np.nan)
        return last if self.K is not None else float(last[0])


@dataclass(frozen=True)
class Grid:
    """A grid of hyperparameters flattened to K = prod(shape) models, and back.

    >>> g = grid(lam=np.logspace(-7, -2, 6), lr=[0.01, 0.1])
    >>> g.K, g.shape
    (12, (6, 2))
    >>> params, hist = fit(model, data, **g.flat)         # trains the 12 models at once
    >>> g.unflatten(hist.final("val_loss")).shape          # (6, 2): rows lam, columns lr
    """

    axes: dict[str, np.ndarray]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(v) for v in self.axes.values())

    @property
    def K(self) -> int:
        return int(np.prod(self.shape))

    @property
    def flat(self) -> dict[str, np.ndarray]:
        mesh = np.meshgrid(*self.axes.values(), indexing="ij")
        return {name: m.ravel() for name, m in zip(self.axes, mesh, strict=True)}

    def unflatten(self, values: np.ndarray) -> np.ndarray:
        """(..., K) -> (..., *shape)."""
        values = np.asarray(values)
        if values.shape[-1] != self.K:
            raise ValueError(f"values must have a last axis of length K={self.K}, "
                             f"got shape {values.shape}")
        return values.reshape(values.shape[:-1] + self.shape)


def grid(**axes) -> Grid:
    """Build a ``Grid`` from named 1-D value lists, e.g. ``grid(lam=lams, lr=lrs)``."""
    if not axes:
        raise ValueError("grid needs at least one named axis, got none")
    return Grid({name: np.atleast_1d(_checks.hyper(name, v)) for name, v in axes.items()})


def make_optimizer(name: str, lr, momentum=0.0, weight_decay=0.0) -> optim.Optimizer:
    """The optimizer a dashboard names: sgd | momentum | nesterov | adam | adamw | sgdw.

    ``weight_decay`` here is PyTorch's (coupled for sgd/adam, decoupled for adamw, the paper's
    for sgdw); ``momentum`` is used by sgd/sgdw (``"momentum"``/``"nesterov"`` default to 0.9).
    """
    _checks.choice("optimizer", name, OPTIMIZERS)
    if name in ("momentum", "nesterov"):
        mu = 0.9 if np.ndim(momentum) == 0 and momentum == 0.0 else momentum
        return optim.sgd(lr, momentum=mu, nesterov=name == "nesterov", weight_decay=weight_decay)
    if name == "sgd":
        return optim.sgd(lr, momentum=momentum, weight_decay=weight_decay)
    if name == "sgdw":
        return optim.sgdw(lr, momentum=momentum, weight_decay=weight_decay)
    if name == "adam":
        return optim.adam(lr, weight_decay=weight_decay)
    return optim.adamw(lr, weight_decay=weight_decay)


def make_penalty(kind, lam) -> penalties.Penalty | None:
    """None | 'l2' | 'l1' | 'elastic_net' | 'max_norm' (lam is then c) | a Penalty object."""
    if kind is None or not isinstance(kind, str):
        return kind
    _checks.choice("penalty", kind, PENALTIES[1:])
    if kind == "max_norm":
        return penalties.MaxNorm(lam)
    if kind == "elastic_net":
        return penalties.ElasticNet(lam, l1_ratio=0.5)
    return penalties.get(kind, lam)


def _weights_only(value, keys):
    """Per-parameter weight decay: the same value for every weight matrix, 0 for biases
    (a plain 0 when there is no decay at all, so the optimizer can skip the term)."""
    if not callable(value) and np.ndim(value) == 0 and value == 0:
        return 0.0
    return {k: value for k in keys if k.startswith("W")}


def _norm(a: np.ndarray, batched: bool):
    """Euclidean norm of one array (over all axes but the first when batched)."""
    if batched:
        flat = a.reshape(a.shape[0], -1)                      # (K, size)
        return np.sqrt(np.einsum("ki,ki->k", flat, flat))
    return np.sqrt(np.vdot(a, a))


def _penalty_hypers(penalty) -> dict:
    lam = getattr(penalty, "lam", None)
    if lam is None:
        lam = getattr(penalty, "c", None)
    if isinstance(lam, Mapping):
        return {f"lam[{k}]": v for k, v in lam.items()}
    return {"lam": lam}


def fit(model, X, y=None, *, loss="mse", optimizer="sgd", lr=0.1, momentum=0.0,
        weight_decay=0.0, penalty=None, lam=0.0, prox=False, clip=None, clip_threshold=1.0,
        steps=300, batch_size=None, X_val=None, y_val=None, seed=0, data_seed=0,
        init="xavier", init_scale=1.0, params=None, record="all"):
    """Train ``model`` and return ``(params, history)``.

    Data: ``X, y`` arrays, or a ``data.Dataset`` as ``X`` (then its validation set is used).
    loss: "mse" | "bce" | "softmax_ce" (or a loss function).
    optimizer: "sgd" | "momentum" | "nesterov" | "adam" | "adamw" | "sgdw", built from ``lr``,
        ``momentum`` and ``weight_decay`` (biases are not decayed), or an ``optim.Optimizer``.
    penalty: None | "l2" | "l1" | "elastic_net" | "max_norm" with strength ``lam`` (for max_norm
        ``lam`` is the bound c), or a ``penalties`` object. With ``prox=True`` the penalty is
        applied as a proximal step after the update (exact zeros for L1) instead of through its
        (sub)gradient; a max-norm constraint is always a projection after the update.
    clip: None | "value" | "norm" with ``clip_threshold`` (PyTorch's clip_grad_value_ /
        clip_grad_norm_ semantics), applied to data + penalty gradient.
    steps: optimizer updates; ``batch_size`` None = full batch, else minibatches drawn without
        replacement, reshuffled each epoch with ``data_seed`` (shared by all K models).
    seed, init, init_scale: initialization (seed and init_scale may be K-arrays); or pass
        ``params`` to start from given parameters (e.g. the same initialization for a fair
        comparison).
    record: "all" (every History field) or "loss" (train/val loss, lr and divergence only: faster).
    """
    _alloc.keep_freed_memory()       # batched steps reuse their big temporaries (see _alloc)
    if isinstance(X, Dataset):
        if y is not None:
            raise ValueError("y must be None when X is a Dataset (it carries y), got an array")
        data = X
        X, y = data.X, data.y
        if X_val is None and data.X_val is not None:
            X_val, y_val = data.X_val, data.y_val
    if y is None:
        raise ValueError("y must be given when X is an array, got None")
    X, y = _xy("X", X, "y", y)
    has_val = X_val is not None
    if has_val:
        if y_val is None:
            raise ValueError("y_val must be given with X_val, got None")
        X_val, y_val = _xy("X_val", X_val, "y_val", y_val)
    steps = _checks.positive_int("steps", steps)
    n = X.shape[0]
    if batch_size is not None:
        batch_size = _checks.positive_int("batch_size", batch_size)
        if batch_size > n:
            raise ValueError(f"batch_size must be <= the number of samples {n}, got {batch_size}")
    _checks.choice("record", record, ("all", "loss"))
    _checks.choice("clip", clip, CLIP_MODES)
    loss_fn = losses.get(loss) if isinstance(loss, str) else loss
    init_scale = _checks.positive("init_scale", init_scale)
    seed = np.asarray(seed) if np.ndim(seed) else seed
    if clip is not None:
        clip_threshold = _checks.positive("clip_threshold", clip_threshold)
    pen = make_penalty(penalty, lam)
    if isinstance(optimizer, str):
        _checks.choice("optimizer", optimizer, OPTIMIZERS)
        lr = _checks.positive("lr", lr, allow_schedule=True)
        weight_decay = _checks.nonnegative("weight_decay", weight_decay, allow_schedule=True)
        opt = make_optimizer(optimizer, lr, momentum, _weights_only(weight_decay, model.shapes))
    else:
        opt = optimizer
    opt_K = opt.hyperparams["K"]
    # the optimizer's own K also sees K-arrays inside schedules and per-parameter dicts
    named = {"lr": lr, "momentum": momentum, "weight_decay": weight_decay} \
        if isinstance(optimizer, str) and _checks.batch_size(
            lr=lr, momentum=momentum, weight_decay=weight_decay) == opt_K \
        else {"optimizer": np.empty(opt_K) if opt_K else None}
    K = _checks.batch_size(**named,
                           **(_penalty_hypers(pen) if pen is not None else {}),
                           clip_threshold=clip_threshold if clip else None,
                           init_scale=init_scale, seed=seed)
    if params is not None:
        params = _given_params(model, params, K)
        K = _params_K(model, params)
    batched = K is not None

    if params is None:
        params = model.init(seed=seed, K=K, init=init, scale=init_scale)
    state = opt.init(params)
    raw_update = getattr(opt.update, "__wrapped__", opt.update)   # without the argument checks
    lr_hyper = _effective_lr(opt.hyperparams)

    rows = (steps,) if not batched else (steps, K)
    full = record == "all"
    nan = lambda: np.full(rows, np.nan)
    hist = History(train_loss=nan(), val_loss=nan() if has_val else None, penalty=nan(),
                   grad_norm=nan(), grad_norm_clipped=nan(), weight_norm=nan(), lr=nan(),
                   layer_grad_norms={k: nan() for k in params} if full else {}, K=K)
    diverged_at = np.full(K or 1, -1)
    alive = np.ones(K or 1, dtype=bool)
    weight_keys = [k for k in params if k.startswith("W")]
    order = None
    rng = np.random.default_rng(data_seed)
    batches_per_epoch = 1 if batch_size is None else n // batch_size

    with np.errstate(all="ignore"):
        for t in range(steps):
            if batch_size is None:
                Xb, yb = X, y
            else:
                j = t % batches_per_epoch
                if j == 0:
                    order = rng.permutation(n)
                idx = order[j * batch_size:(j + 1) * batch_size]
                Xb, yb = X[idx], y[idx]
            first = t == 0       # validate on the first step; later steps skip the checks
            value, grads = model.loss_and_grad(params, Xb, yb, loss_fn, check=first)
            pen_value = 0.0
            if pen is not None and not isinstance(pen, penalties.MaxNorm):
                pen_value = pen.value(params, batched=batched)
                if not prox:
                    pen_grads = pen.grad(params)
                    grads = {k: g + pen_grads[k] for k, g in grads.items()}
            finite = np.isfinite(value) & np.isfinite(pen_value)
            if full or clip == "norm":
                gnorm = clipping.global_norm(grads, batched=batched)
                finite = finite & np.isfinite(gnorm)
            newly = alive & ~np.atleast_1d(finite)
            if newly.any():          # a run diverged: it stops here (its params stay finite)
                diverged_at[newly] = t
                alive &= ~newly

            lr_t = _checks.at_step(lr_hyper, t)
            _record(hist.train_loss, t, value, alive, batched)
            _record(hist.lr, t, lr_t, alive, batched)
            if has_val:
                _record(hist.val_loss, t, loss_fn(model.forward(params, X_val, check=first),
                                                  y_val)[0], alive, batched)
            if full:
                _record(hist.penalty, t, pen_value, alive, batched)
                _record(hist.grad_norm, t, gnorm, alive, batched)
                _record(hist.weight_norm, t, np.sqrt(sum(
                    _norm(params[k], batched) ** 2 for k in weight_keys)), alive, batched)
            if not alive.any():
                break

            if clip == "value":
                grads = clipping.clip_by_value(grads, clip_threshold)
            elif clip == "norm":
                grads, _ = clipping.clip_by_global_norm(grads, clip_threshold, batched=batched)
            if full:
                _record(hist.grad_norm_clipped, t,
                        clipping.global_norm(grads, batched=batched) if clip else gnorm,
                        alive, batched)
                for k, g in grads.items():
                    _record(hist.layer_grad_norms[k], t, _norm(g, batched), alive, batched)

            updates, state = (opt.update if first else raw_update)(grads, state, params)
            new = {k: p + updates[k] for k, p in params.items()}   # optim.apply_updates
            if pen is not None and prox and not isinstance(pen, penalties.MaxNorm):
                new = pen.prox(new, lr_t)
            if isinstance(pen, penalties.MaxNorm):
                new = pen.project(new)
            if batched and not alive.all():      # diverged models keep their last params
                new = {k: np.where(_checks.per_model(alive, v.ndim), v, params[k])
                       for k, v in new.items()}
            params = new
    hist.diverged_at = (None if diverged_at[0] < 0 else int(diverged_at[0])) if not batched \
        else diverged_at
    return params, hist


def _given_params(model, params: Mapping, K: int | None) -> dict:
    """Start from given parameters: one model's are shared by all K models (a fair comparison);
    parameters that already carry a K axis must have the hyperparameters' K."""
    shapes = model.shapes                                   # one model's parameter shapes
    _checks.same_keys("params", params, "model parameters", shapes, shapes=False)
    out = {}
    for k, v in params.items():
        v = _checks.finite_array(f"params[{k!r}]", v)
        if v.shape == shapes[k]:
            out[k] = np.broadcast_to(v, (K,) + v.shape).copy() if K is not None else v.copy()
        elif v.shape[1:] == shapes[k] and (K is None or v.shape[0] == K):
            out[k] = v.copy()
        else:
            want = shapes[k] if K is None else f"{shapes[k]} or {(K,) + shapes[k]}"
            raise ValueError(f"params[{k!r}] must have shape {want}, got {v.shape}")
    return out


def _params_K(model, params: Mapping) -> int | None:
    """K of a parameter dict (None for one model); all keys must agree."""
    ks = {v.shape[0] if v.ndim > len(model.shapes[k]) else None for k, v in params.items()}
    if len(ks) > 1:
        raise ValueError(f"params must all have the same leading K axis (or none), got {ks}")
    return ks.pop()


def _xy(x_name: str, X, y_name: str, y) -> tuple[np.ndarray, np.ndarray]:
    """Validated data: finite float64 arrays with as many rows; y as a column (n, 1)."""
    X, y = _checks.finite_array(x_name, X), _checks.finite_array(y_name, y)
    _checks.same_rows(x_name, X, y_name, y)
    return X, (y[:, None] if y.ndim == 1 else y)


def _effective_lr(hyperparams: Mapping):
    """The step size an optimizer uses at step t: lr_t, or lr·η_t for the paper's optimizers."""
    lr, eta = hyperparams.get("lr", 1.0), hyperparams.get("multiplier")
    if eta is None:
        return lr
    return lambda t: _checks.at_step(lr, t) * _checks.at_step(eta, t)


def _record(row_array: np.ndarray, t: int, value, alive: np.ndarray, batched: bool) -> None:
    """Store one step's value (NaN for models that have diverged)."""
    if batched:
        row_array[t] = np.where(alive, value, np.nan)
    elif alive[0]:
        row_array[t] = value
