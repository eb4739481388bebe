"""``fit``: the friendly entry point. It builds the pieces of a training run from keyword
arguments and hands them to the one training loop, ``loop.run``::

    optimizer = chain(add_penalty_grad(L2(lam)), clip_by_global_norm(c), sgd(lr, mask=weights))
    run = loop.run(objective, params, optimizer, steps, monitor=recorder, after_update=prox)

Any hyperparameter (lr, momentum, weight_decay, lam, clip_threshold, init_scale, seed) may be a
1-D array of length K: the K models then train together, every parameter carrying a leading K
axis, and model k is exactly the model a separate run with the k-th values would give.

Divergence follows ``loop.Divergence`` (default: a non-finite loss or parameter): the run
stops there, ``History.diverged_at`` records the step, and the parameters keep their last finite
values. With K models each one stops on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from wdlib import _checks, clipping, layout, loop, losses, optim, penalties
from wdlib.data import Dataset
from wdlib.models import Model

CLIP_MODES = (None, "value", "norm")
PENALTIES = (None, "l2", "l1", "elastic_net", "max_norm")
DEFAULT_LR = 0.1


@dataclass
class History:
    """What happened during ``fit``, one row per optimizer step.

    Arrays have shape ``(steps,)`` for one model and ``(steps, K)`` for K models. Entries from the
    step a run diverged on are NaN (and ``val_loss`` between evaluations, see ``val_every``).
    With ``record="loss"`` only ``train_loss``, ``val_loss`` and ``lr`` are recorded (the other
    arrays are NaN, ``layer_grad_norms`` is empty).

    - train_loss: the data loss (mean over the (mini)batch), before the update;
    - val_loss: the data loss on the validation set, before the update (None: no validation set);
    - penalty: the penalty's value, the term added to the data loss (0 without one, and for
      max-norm);
    - grad_norm, grad_norm_clipped: the global gradient norm over every parameter (the data
      gradient plus the penalty's, unless ``prox=True`` or max-norm) before and after clipping;
    - weight_norm: the norm of the model's ``weight_keys`` together, sqrt of their sum of squares;
    - lr: the step size used at each step (lr_t, or lr·η_t for ``sgdw`` and ``adamw_paper``; 1
      for an ``optim.Optimizer`` without an lr), NaN after a model stopped;
    - layer_grad_norms: ``{key: (steps,) or (steps, K)}``, each parameter's gradient norm after
      clipping;
    - diverged_at: the step a run diverged (``loop.Divergence``), or None; K models: a tuple of K
      such entries; divergence: the rule that decided it;
    - K: the number of models, or None for one.
    """

    train_loss: np.ndarray
    val_loss: np.ndarray | None
    penalty: np.ndarray
    grad_norm: np.ndarray
    grad_norm_clipped: np.ndarray
    weight_norm: np.ndarray
    lr: np.ndarray
    layer_grad_norms: dict[str, np.ndarray] = field(default_factory=dict)
    diverged_at: int | None | tuple = None
    K: int | None = None
    divergence: loop.Divergence = loop.NONFINITE

    _RECORDS = ("train_loss", "val_loss", "penalty", "grad_norm", "grad_norm_clipped",
                "weight_norm", "lr")

    @property
    def steps(self) -> int:
        return self.train_loss.shape[0]

    @property
    def diverged(self) -> bool | np.ndarray:
        """True where a run diverged (a bool, or a (K,) bool array)."""
        if self.K is None:
            return self.diverged_at is not None
        return np.array([d is not None for d in self.diverged_at])

    @property
    def steps_run(self) -> int | np.ndarray:
        """Steps each run completed: ``diverged_at``, or ``steps`` where it did not diverge."""
        if self.K is None:
            return self.steps if self.diverged_at is None else self.diverged_at
        return np.array([self.steps if d is None else d for d in self.diverged_at])

    def final(self, name: str = "val_loss") -> float | np.ndarray:
        """The last finite value of the per-step record ``name`` (one of the arrays above): a
        float, or (K,) when batched."""
        values = getattr(self, name, None) if name in self._RECORDS else None
        if values is None:
            raise ValueError(f"name {name!r} was not recorded in this run; records: "
                             f"{', '.join(self._RECORDS)}")
        table = np.asarray(values).reshape(len(values), -1)       # (steps, K or 1)
        finite = np.isfinite(table)
        row = len(table) - 1 - np.argmax(finite[::-1], axis=0)      # last finite row per model
        last = np.where(finite.any(axis=0), table[row, np.arange(table.shape[1])], np.nan)
        return last if self.K is not None else float(last[0])


@dataclass(frozen=True)
class Grid:
    """A grid of hyperparameters flattened to K = prod(shape) models, and back.

    axes: ``{argument name: 1-D values}``, in order; ``shape`` their lengths, ``flat`` the
    ``fit`` keyword arguments, each a (K,) array (the first axis varies slowest).

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
        """values (..., K) -> (..., *shape)."""
        values = np.asarray(values)
        if values.shape[-1] != self.K:
            raise ValueError(f"values must have a last axis of length K={self.K}, "
                             f"got shape {values.shape}")
        return values.reshape(values.shape[:-1] + self.shape)


def grid(**axes) -> Grid:
    """Build a ``Grid`` from named 1-D value lists ``axes``, e.g. ``grid(lam=lams, lr=lrs)``."""
    if not axes:
        raise ValueError("grid needs at least one named axis, got none")
    return Grid({name: np.atleast_1d(_checks.hyper(name, v)) for name, v in axes.items()})


def make_penalty(kind, lam, keys=None) -> penalties.Penalty | None:
    """The penalty ``fit`` uses; kind: None | 'l2' | 'l1' | 'elastic_net' (l1_ratio 0.5) |
    'max_norm' (lam is then c) | a Penalty object (returned as it is, as is None).
    ``keys``: the parameters a named penalty acts on (default: every weight, ``is_weight``);
    a dict ``lam`` {key: λ} names its own keys, which must be among ``keys``."""
    if kind is None or not isinstance(kind, str):
        return kind
    if isinstance(lam, Mapping):
        if keys is not None and not set(lam) <= set(keys):
            raise ValueError(f"lam names parameters that are not weights: "
                             f"{sorted(set(lam) - set(keys))}; weights: {list(keys)}")
        keys = None
    _checks.choice("penalty", kind, PENALTIES[1:])
    if kind == "max_norm":
        return penalties.MaxNorm(lam, keys=keys)
    if kind == "elastic_net":
        return penalties.ElasticNet(lam, l1_ratio=0.5, keys=keys)
    return penalties.get(kind, lam, keys=keys)


def make_optimizer(model, optimizer, lr=None, momentum=None, weight_decay=None, mask=None
                   ) -> optim.Optimizer:
    """The optimizer ``fit`` trains with: a name from ``optim.OPTIMIZERS`` built from ``lr``
    (default 0.1), ``momentum`` (default: the name's own) and ``weight_decay`` (default 0), which
    decays the model's ``weight_keys`` only (not the biases; ``mask``: other keys, e.g. the
    weights' group of a ``layout.Layout``) — or an ``optim.Optimizer`` object, used as it is
    (it carries its own lr, momentum and weight decay, so passing them too is an error)."""
    if not isinstance(model, Model):
        raise ValueError(f"model must be a wdlib model (models.MLP, NormMLP, RNN), got {model!r}")
    given = {k: v for k, v in dict(lr=lr, momentum=momentum, weight_decay=weight_decay).items()
             if v is not None}
    if isinstance(optimizer, optim.Optimizer):
        if given:
            raise ValueError(f"{', '.join(given)} must not be given with an optim.Optimizer "
                             f"object (it has its own), got {_kwargs(given)}")
        return optimizer
    if not isinstance(optimizer, str):
        raise ValueError(f"optimizer must be a name ({', '.join(optim.OPTIMIZERS)}) or an "
                         f"optim.Optimizer, got {optimizer!r}")
    given.setdefault("lr", DEFAULT_LR)
    given.setdefault("weight_decay", 0.0)       # fit's default, also for adamw (torch's: 1e-2)
    _checks.positive("lr", given["lr"], allow_schedule=True)
    _checks.nonnegative("weight_decay", given["weight_decay"], allow_schedule=True)
    return optim.get(optimizer, **given,
                     mask=model.weight_keys if mask is None else mask)


def fit(model, X, y=None, *, loss="mse", optimizer="sgd", lr=None, momentum=None,
        weight_decay=None, penalty=None, lam=None, prox=False, clip=None, clip_threshold=None,
        steps=300, batch_size=None, X_val=None, y_val=None, val_every=None, seed=None,
        data_seed=None, init=None, init_scale=None, params=None, record="all",
        divergence=loop.NONFINITE, dtype="float64"):
    """Train ``model`` and return ``(params, history)``; an argument that would have no effect
    (``lam`` without a penalty, ``seed`` with ``params``, ...) raises instead of being ignored.

    Data: ``X, y``, or a ``data.Dataset`` as ``X`` (its validation set is used); validation
    loss on ``X_val, y_val`` every ``val_every`` steps (default 1) and at the last. ``steps``:
    optimizer updates (default 300). loss: "mse" | "bce" | "softmax_ce" | a loss function.
    optimizer: a name from ``optim.OPTIMIZERS`` built from ``lr`` (default 0.1), ``momentum``
    (default: the name's own) and ``weight_decay`` (default 0, for "adamw" too, whose
    ``optim.adamw`` default is PyTorch's 1e-2; on the model's weights, not its biases), or an
    ``optim.Optimizer`` (then those three must not be given; its decay acts on every parameter
    unless built with a ``mask``). penalty: None | "l2" | "l1" | "elastic_net" (l1_ratio 0.5;
    another ratio: a ``penalties.ElasticNet`` object) | "max_norm" with strength ``lam``
    (max_norm: the bound c; a dict picks the weights) on the model's weights, or a
    ``penalties`` object (its own strength: no ``lam``); ``prox=True`` applies it as a
    proximal step (exact zeros for L1); max-norm is always a projection. clip: None | "value" |
    "norm" with ``clip_threshold`` (default 1; PyTorch's clip_grad_*_), on data + penalty
    gradient. ``batch_size`` None = full batch, else minibatches reshuffled each epoch with
    ``data_seed``. ``seed``, ``init``, ``init_scale`` (defaults 0, "xavier", 1; seed and scale
    may be K-arrays), or ``params`` to start from. record: "all" | "loss" (faster; never
    changes the run). divergence: a ``loop.Divergence``. dtype: "float64" | "float32" (data,
    parameters, optimizer state, activations; History stays float64).
    """
    o = _options(locals())                # defaults filled; an argument with no effect raises
    X, y, X_val, y_val = (_cast(a, o.dtype) for a in _data(model, X, y, X_val, y_val))
    grouped = _groupable(model, optimizer, penalty, o.clip, o.lam)   # two flat groups
    weights = (layout.WEIGHTS,) if grouped else model.weight_keys
    pen = make_penalty(penalty, o.lam, keys=weights)
    opt = make_optimizer(model, optimizer, lr, momentum, weight_decay, mask=weights)
    K, params = _start(model, params, seed=o.seed, init=o.init, init_scale=o.init_scale,
                       penalty=pen, clip_threshold=o.clip_threshold, optimizer=opt,
                       named=dict(lr=lr, momentum=momentum, weight_decay=weight_decay))
    params = {k: _cast(v, o.dtype) for k, v in params.items()}
    lay = _layout(model, K, grouped, together=record == "loss" and pen is None
                  and _no_decay(weight_decay))
    lr_at = _effective_lr(opt.hyperparams)
    in_loss = pen is not None and not isinstance(pen, penalties.MaxNorm)
    recorder = Recorder(model, o.steps, K, params, full=record == "all", lr=lr_at,
                        val=(X_val, y_val, o.loss_fn), val_every=o.val_every, views=lay.views)
    pre, after_update = _penalty_and_clip(pen, prox, o.clip, o.clip_threshold, K is not None,
                                          lambda t: _checks.at_step(lr_at, t))
    parts = recorder.around_clipping(pre)
    transform = optim.chain(*parts, opt) if parts else opt       # (a chain of one: the same)
    batch = loop.minibatches(X.shape[0], batch_size, o.data_seed)
    fast_loss = losses.unchecked(o.loss_fn)

    def objective(p, t):          # divergence watches data loss + penalty; recorder splits them
        idx = batch(t)
        Xb, yb = (X, y) if idx is None else (X[idx], y[idx])
        value, grads = model.loss_and_grad(lay.views(p), Xb, yb,
                                           o.loss_fn if t == 0 else fast_loss, check=t == 0)
        recorder.data_loss = value
        if in_loss:
            recorder.penalty_value = pen.value(p, batched=K is not None, check=t == 0)
            value = value + recorder.penalty_value
        return value, lay.group(grads)

    run = loop.run(objective, lay.group(params), transform, o.steps, K=K, divergence=divergence,
                   monitor=recorder.monitor, after_update=after_update)
    return lay.ungroup(run.params), recorder.history(run)


def _options(args: Mapping) -> SimpleNamespace:
    """``fit``'s scalar options validated, with their defaults filled in; an argument that would
    have no effect raises (it is never silently ignored)."""
    _no_effect(**{k: args[k] for k in ("penalty", "lam", "prox", "clip", "clip_threshold",
                                       "X_val", "X", "val_every", "batch_size", "data_seed",
                                       "params", "seed", "init", "init_scale")})
    o = SimpleNamespace(**{k: _or(args[k], d) for k, d in (
        ("lam", 0.0), ("clip_threshold", 1.0), ("val_every", 1), ("data_seed", 0), ("seed", 0),
        ("init", "xavier"), ("init_scale", 1.0))})
    o.dtype = _checks.float_dtype("dtype", args["dtype"])
    o.steps, o.val_every = _check_options(args["steps"], o.val_every, args["record"],
                                          args["clip"], args["divergence"])
    o.clip = args["clip"]
    o.clip_threshold = _checks.positive("clip_threshold", o.clip_threshold) if o.clip else None
    o.data_seed = _checks.seed("data_seed", o.data_seed)
    o.loss_fn = losses.get(args["loss"])            # a name, or a loss function as it is
    return o


def _groupable(model, optimizer, penalty, clip, lam) -> bool:
    """Whether ``fit`` can train on ``layout.Layout``'s groups (the same numbers, fewer calls):
    a named optimizer and a named element-wise penalty (or none), whose masks and keys are "the
    model's weights". An ``optim.Optimizer`` or ``penalties`` object names parameter keys of its
    own, a max-norm constraint needs each weight matrix, and clipping by the global norm sums
    layer by layer (a grouped sum may differ in the last bit): those runs keep one array per
    parameter."""
    return (isinstance(optimizer, str) and bool(model.weight_keys) and clip != "norm"
            and (penalty is None or penalty in ("l2", "l1", "elastic_net"))
            and not isinstance(lam, Mapping))


def _layout(model, K, grouped: bool, together: bool):
    """How ``fit`` holds the parameters: one array each (``layout.Ungrouped``: see
    ``_groupable``), two flat groups (the weights and the rest), or, ``together``, one flat
    group: when nothing acts on the weights alone (no decay, no penalty) every transform is
    element-wise on all parameters alike, and one group halves its calls. Only with
    ``record="loss"``: ``record="all"`` sums the gradient norm group by group (its last bits
    follow the grouping), so it keeps the two groups and the numbers it always gave."""
    if not grouped:
        return layout.Ungrouped
    return layout.Layout(model, K, {layout.ALL: tuple(model.shapes)} if together else None)


def _no_decay(weight_decay) -> bool:
    """Whether ``fit``'s ``weight_decay`` decays nothing (None or a plain 0; a schedule, a
    K-array or a dict may decay)."""
    return weight_decay is None or (isinstance(weight_decay, (int, float, np.floating))
                                    and not isinstance(weight_decay, bool) and weight_decay == 0)


def _check_options(steps, val_every, record, clip, divergence) -> tuple[int, int]:
    _checks.choice("record", record, ("all", "loss"))
    _checks.choice("clip", clip, CLIP_MODES)
    if not isinstance(divergence, loop.Divergence):
        raise ValueError(f"divergence must be a loop.Divergence, got {divergence!r}")
    return (_checks.positive_int("steps", steps),
            _checks.positive_int("val_every", val_every))


def _or(value, default):
    """``value``, or ``default`` where it was not given (None)."""
    return default if value is None else value


def _no_effect(*, penalty, lam, prox, clip, clip_threshold, X_val, X, val_every, batch_size,
               data_seed, params, seed, init, init_scale) -> None:
    """Raise for an argument of ``fit`` that would change nothing (never silently ignored)."""
    _checks.flag("prox", prox)
    has_val = X_val is not None or (isinstance(X, Dataset) and X.X_val is not None)
    unused = [("lam", lam, penalty is None, "penalty is None"),
              ("lam", lam, not (penalty is None or isinstance(penalty, str)),
               f"penalty is a penalties object, which carries its own strength ({penalty!r})"),
              ("prox", prox or None, penalty is None, "penalty is None"),
              ("clip_threshold", clip_threshold, clip is None, "clip is None"),
              ("val_every", val_every, not has_val, "there is no validation set"),
              ("data_seed", data_seed, batch_size is None, "batch_size is None (full batch)")]
    unused += [(name, value, params is not None, "params are given")
               for name, value in (("seed", seed), ("init", init), ("init_scale", init_scale))]
    for name, value, idle, why in unused:
        if value is not None and idle:
            raise ValueError(f"{name}={_checks._fmt(value)} would have no effect: {why}")


def _start(model, params, *, seed, init, init_scale, penalty, clip_threshold, optimizer,
           named: dict):
    """The number of models K every part of the run implies, and the starting parameters
    (drawn by the model, or the given ones: one model's are shared by all K)."""
    init_scale = _checks.positive("init_scale", init_scale)
    seed = np.asarray(seed) if np.ndim(seed) else seed
    pen_hypers = _penalty_hypers(penalty) if penalty is not None else {}
    _checks.batch_size(**named, **pen_hypers, clip_threshold=clip_threshold,
                       init_scale=init_scale, seed=seed)     # the message names the arguments
    K = _checks.common_K(optimizer=optimizer.hyperparams["K"],
                         penalty=_checks.batch_size(**pen_hypers),
                         clip_threshold=_checks.batch_size(clip_threshold=clip_threshold),
                         init=_checks.batch_size(init_scale=init_scale, seed=seed))
    if params is None:
        return K, model.init(seed=seed, K=K, init=init, scale=init_scale)
    params = _given_params(model, params, K)
    return _params_K(model, params), params


def _penalty_and_clip(pen, prox: bool, clip, threshold, batched: bool, lr_at: Callable):
    """``fit``'s gradient transforms before the optimizer, as (role, transform) pairs (the
    penalty gradient, then clipping), and the step after the update (a proximal step of size
    lr_t, or a max-norm projection; None when there is none)."""
    pre, after = [], None
    if isinstance(pen, penalties.MaxNorm):
        after = lambda p, t: pen.project(p, check=t == 0)               # noqa: E731
    elif pen is not None and prox:
        after = lambda p, t: pen.prox(p, lr_at(t), check=t == 0)       # noqa: E731
    elif pen is not None:
        pre.append(("penalty", optim.add_penalty_grad(pen)))
    if clip == "value":
        pre.append(("clip", optim.clip_by_value(threshold)))
    elif clip == "norm":
        pre.append(("clip", optim.clip_by_global_norm(threshold, batched=batched)))
    return pre, after


class Recorder:
    """The monitor ``fit`` gives the loop: it fills a ``History`` and cannot change the run
    (it sees read-only arrays; the gradient norms come from ``optim.tap`` transforms, which
    pass the gradient on unchanged). ``fit``'s objective sets ``data_loss`` and
    ``penalty_value`` (the two parts of the loss) before the loop calls ``monitor``.

    model: the model trained; steps: the run's length; K: models at once, or None; params: the
    starting parameters (their keys); full: record everything (``record="all"``) or the losses;
    lr: the step size, a number, (K,) array or function of the step; val: ``(X_val, y_val,
    loss)`` (X_val None: no validation); val_every: steps between validation losses; views: the
    run's arrays -> the model's parameter dict (``layout``)."""

    def __init__(self, model, steps: int, K: int | None, params, *, full: bool, lr: Callable,
                 val, val_every: int, views: Callable = dict):
        self.model, self.K, self.full, self.lr_at = model, K, full, lr
        self.views = views              # the run's arrays -> the model's parameter dict
        self.X_val, self.y_val, self.loss_fn = val
        self.val_loss = losses.unchecked_value(self.loss_fn)    # after the checked step 0
        self.val_every, self.last = val_every, steps - 1
        self.batched = K is not None
        rows = (steps,) if K is None else (steps, K)
        nan = lambda: np.full(rows, np.nan)                             # noqa: E731
        self.rows = dict(train_loss=nan(), val_loss=nan() if self.X_val is not None else None,
                         penalty=nan(), grad_norm=nan(), grad_norm_clipped=nan(),
                         weight_norm=nan(), lr=nan())
        self.layer_grad_norms = {k: nan() for k in params} if full else {}
        self.t, self.alive = 0, np.ones(K or 1, dtype=bool)
        self.data_loss, self.penalty_value = None, 0.0

    def around_clipping(self, pre: list) -> list:
        """The transforms before the optimizer, with taps that record the gradient norm before
        and after clipping (only when recording everything). pre: ``(role, transform)`` pairs,
        role "penalty" or "clip", as ``fit`` builds them."""
        parts = [t for _, t in pre]
        if not self.full:
            return parts
        n_before = sum(role == "penalty" for role, _ in pre)
        return [*parts[:n_before], optim.tap(self._before_clip), *parts[n_before:],
                optim.tap(self._after_clip)]

    def _put(self, row: np.ndarray, value) -> None:
        if self.batched:
            row[self.t] = np.where(self.alive, value, np.nan)
        elif self.alive[0]:
            row[self.t] = value

    def monitor(self, t, params, loss, grads, alive) -> None:
        """Record step t (``loop.run``'s monitor): params and grads are read-only dicts, alive
        (K or 1,) bools; loss (data + penalty) is not used: ``data_loss`` and ``penalty_value``
        hold its parts."""
        self.t, self.alive = t, alive
        self._put(self.rows["train_loss"], self.data_loss)
        if self.X_val is not None and (t % self.val_every == 0 or t == self.last):
            yhat = self.model.forward(self.views(params), self.X_val, check=t == 0)
            value = (self.loss_fn(yhat, self.y_val)[0] if t == 0
                     else self.val_loss(yhat, self.y_val))
            self._put(self.rows["val_loss"], value)
        if self.full:
            params = self.views(params)
            self._put(self.rows["penalty"], self.penalty_value)
            self._put(self.rows["weight_norm"], np.sqrt(sum(
                _norm(params[k], self.batched) ** 2 for k in self.model.weight_keys)))

    def _before_clip(self, grads) -> None:
        self._put(self.rows["grad_norm"], clipping.global_norm(grads, batched=self.batched))

    def _after_clip(self, grads) -> None:
        self._put(self.rows["grad_norm_clipped"],
                  clipping.global_norm(grads, batched=self.batched))
        for k, g in self.views(grads).items():
            self._put(self.layer_grad_norms[k], _norm(g, self.batched))

    def _fill_lr(self, diverged_at) -> None:
        """The lr of every step a model ran (NaN after it stopped), filled when the run is over:
        the lr (or its schedule) depends on the step alone, so nothing is recorded per step."""
        row = self.rows["lr"]                                             # (steps[, K])
        stops = diverged_at if self.batched else (diverged_at,)
        ran = np.arange(len(row))[:, None] < [len(row) if d is None else d for d in stops]
        if not callable(self.lr_at):
            row[...] = np.where(ran, self.lr_at, np.nan).reshape(row.shape)
            return
        for t in range(int(ran.sum(axis=0).max())):                     # the steps run
            value = _checks.at_step(self.lr_at, t)
            row[t] = np.where(ran[t], value, np.nan) if self.batched else value

    def history(self, run: loop.Run) -> History:
        """The ``History`` of the finished ``run`` (a ``loop.Run``)."""
        self._fill_lr(run.diverged_at)
        return History(**self.rows, layer_grad_norms=self.layer_grad_norms,
                       diverged_at=run.diverged_at, K=self.K, divergence=run.divergence)


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


def _kwargs(values: Mapping) -> str:
    return ", ".join(f"{k}={_checks._fmt(v)}" for k, v in values.items())


def _data(model, X, y, X_val, y_val):
    """(X, y, X_val, y_val) validated: a Dataset's arrays, or the given ones; X and X_val have
    the same features (a model that implements ``models.Model``)."""
    if not isinstance(model, Model):
        raise ValueError(f"model must be a wdlib.models.Model (e.g. models.MLP(...)), "
                         f"got {model!r}")
    if isinstance(X, Dataset):
        if y is not None:
            raise ValueError("y must be None when X is a Dataset (it carries y), got an array")
        data = X
        X, y = data.X, data.y
        if X_val is None and data.X_val is not None:
            X_val, y_val = data.X_val, data.y_val
    if y is None:
        raise ValueError("y must be given when X is an array, got None")
    X, y = _xy(model, "X", X, "y", y)
    if X_val is not None:
        if y_val is None:
            raise ValueError("y_val must be given with X_val, got None")
        X_val, y_val = _xy(model, "X_val", X_val, "y_val", y_val)
        if X_val.shape[1:] != X.shape[1:]:
            raise ValueError(f"X_val must have the features of X, shape (n_val, "
                             f"{', '.join(map(str, X.shape[1:]))}); got {X_val.shape}")
    elif y_val is not None:
        raise ValueError("X_val must be given with y_val, got None")
    return X, y, X_val, y_val


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


def _shared_data(model, x_name: str, X, y_name: str, y) -> None:
    """fit's rows are samples, shared by the K models: X ``(n, n_in)`` (a recurrent model:
    ``(n, T, n_in)``) and y ``(n, out)``. One data set per model (``(K, n, n_in)``, which a
    model's ``loss_and_grad`` takes) is an error here: minibatches and validation would cut it
    along the models' axis."""
    axes = 3 if model.recurrent else 2
    layout = "(n, T, n_in)" if model.recurrent else "(n, n_in)"
    if X.ndim != axes:
        raise ValueError(f"{x_name} must have shape {layout} in fit (samples on the first axis, "
                         f"shared by the K models; one data set per model goes to "
                         f"model.loss_and_grad in a loop.run objective), got {X.shape}")
    if y.ndim not in (1, 2):
        raise ValueError(f"{y_name} must have shape (n,) or (n, out) in fit (shared by the K "
                         f"models), got {y.shape}")


def _xy(model, x_name: str, X, y_name: str, y) -> tuple[np.ndarray, np.ndarray]:
    """Validated data: finite float64 arrays shared by the K models (``_shared_data``) with as
    many rows; y as a column (n, 1)."""
    X, y = _checks.finite_array(x_name, X), _checks.finite_array(y_name, y)
    if X.ndim == 0 or X.shape[0] == 0:       # a mean loss over no sample is 0/0
        raise ValueError(f"{x_name} must have at least one sample (row), got shape {X.shape}")
    if y.ndim == 0:
        raise ValueError(f"{y_name} must hold one target per sample, shape (n,) or (n, out), "
                         f"got a single number {_checks._fmt(float(y))}")
    _shared_data(model, x_name, X, y_name, y)
    _checks.same_rows(x_name, X, y_name, y)
    return X, (y[:, None] if y.ndim == 1 else y)


def _cast(a: np.ndarray | None, dtype: np.dtype) -> np.ndarray | None:
    """An array in the run's dtype (itself when it already is)."""
    return None if a is None else a.astype(dtype, copy=False)


def _effective_lr(hyperparams: Mapping):
    """The step size an optimizer uses at step t: lr_t, or lr·η_t for the paper's optimizers."""
    lr, eta = hyperparams.get("lr", 1.0), hyperparams.get("multiplier")
    if eta is None:
        return lr
    return lambda t: _checks.at_step(lr, t) * _checks.at_step(eta, t)


