"""The training loop: one short loop that ``train.fit``, the 2-D descent demos, the dashboards and
the lessons all run, and the one rule that says when a run has diverged.

The loop, in full (``run`` below adds the bookkeeping for K models)::

    state = optimizer.init(params)
    for t in range(steps):
        loss, grads = objective(params, t)              # data loss and its gradient (batch t)
        if divergence.exceeded(loss, start): break      # the one divergence rule
        monitor(t, params, loss, grads, alive)          # recording: sees, never changes
        updates, state = optimizer.update(grads, state, params)    # penalty, clip, SGD/Adam...
        params = apply_updates(params, updates)         # params + updates
        params = after_update(params, t)                # optional: a proximal step, a projection

Penalties, clipping and the optimizer are gradient transforms chained into ``optimizer``
(``optim.chain(optim.add_penalty_grad(p), optim.clip_by_global_norm(1.0), optim.sgd(0.1))``), so
the loop itself never changes. The optimizer state comes back to the caller.

Divergence. A run has diverged at step t when the parameters entering step t are not finite
(an update overflowed), or step t's loss is not finite, or it breaks an optional threshold of
the ``Divergence`` policy (an absolute ``max_loss``, or ``max_growth`` × the run's first loss).
Nothing is recorded for step t, the run stops, and its parameters stay at the last finite values:
the parameters entering step t when step t's loss broke the rule (they are finite), those
entering step t − 1's update when that update overflowed. With K models each one stops on its
own and the loop ends when all have stopped. "Did not diverge" is always ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from wdlib import _checks

Params = dict[str, np.ndarray]


@dataclass(frozen=True)
class Divergence:
    """When a run counts as diverged (see the module docstring).

    Always: a non-finite loss or parameter. Optionally: a loss above ``max_loss``, or above
    ``max_growth`` times the run's loss at step 0 (a slow blow-up that has not overflowed yet).
    """

    max_loss: float = math.inf
    max_growth: float = math.inf

    def __post_init__(self):
        for name in ("max_loss", "max_growth"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name} must be a number > 0 (or inf), got {value!r}")
            object.__setattr__(self, name, float(value))

    @property
    def rule(self) -> str:
        """The rule in words, for a status line: "loss not finite or > 1e+03 × its start"."""
        parts = ["loss not finite"]
        if math.isfinite(self.max_loss):
            parts.append(f"> {self.max_loss:.0e}")
        if math.isfinite(self.max_growth):
            parts.append(f"> {self.max_growth:.0e} × its start")
        return " or ".join(parts)

    def exceeded(self, loss, start):
        """True where ``loss`` (a float or a (K,) array) counts as diverged; NaN counts.
        start: the run's loss at step 0, of the same shape (for ``max_growth``)."""
        if not isinstance(loss, np.ndarray):        # one model: Python floats (fast)
            return not (math.isfinite(loss) and loss <= self.max_loss
                        and (self.max_growth == math.inf or loss <= self.max_growth * abs(start)))
        ok = np.isfinite(loss)
        if math.isfinite(self.max_loss):
            ok &= loss <= self.max_loss
        if math.isfinite(self.max_growth):
            ok &= loss <= self.max_growth * np.abs(start)
        return ~ok


NONFINITE = Divergence()


@dataclass(frozen=True)
class Run:
    """What ``run`` returns: the final ``params`` (the last finite values), the optimizer
    ``state``, and ``diverged_at``: None (one model) or a tuple of K entries, each the step at
    which that model diverged or None where it did not. The state is the one after the last
    update: for a model that stopped, its slice is not meaningful (its parameters were rolled
    back, the state was not), so resume only models whose ``diverged_at`` is None.
    ``divergence``: the ``Divergence`` rule that decided ``diverged_at``."""

    params: Params
    state: Any
    diverged_at: int | None | tuple
    divergence: Divergence = NONFINITE

    @property
    def diverged(self) -> bool | np.ndarray:
        """True where a run diverged (a bool, or a (K,) bool array)."""
        if isinstance(self.diverged_at, tuple):
            return np.array([d is not None for d in self.diverged_at])
        return self.diverged_at is not None


def finite_per_model(params: Mapping[str, np.ndarray], K: int | None):
    """True where every parameter is finite: a bool, or (K,) for K models.

    params: a dict of arrays, each with a leading K axis when K (an int) is given."""
    if K is None:       # a finite sum of squares has no inf/NaN term; else (or on overflow) look
        for p in params.values():
            if not (math.isfinite(np.vdot(p, p)) or np.isfinite(p).all()):
                return False
        return True
    ok = np.ones(K, dtype=bool)
    for p in params.values():
        ok &= np.isfinite(p).reshape(K, -1).all(axis=1)
    return ok


def run(objective: Callable, params: Params, optimizer, steps: int, *,
        K: int | None = None, divergence: Divergence = NONFINITE,
        monitor: Callable | None = None, after_update: Callable | None = None) -> Run:
    """Train ``params`` for ``steps`` updates of ``optimizer`` (an ``optim`` transform).

    objective(params, t) -> (loss, grads): loss () or (K,), grads with the keys of params.
    K: the number of models trained at once (every parameter has a leading K axis), or None.
    divergence: the ``Divergence`` policy (default: a non-finite loss or parameter).
    monitor(t, params, loss, grads, alive): called once per step that runs, before the update;
        ``alive`` is a read-only (K or 1,) bool array (False: that model has stopped). It receives
        read-only arrays (``ReadOnly`` mappings) and its return value is ignored: recording
        cannot change the run.
    after_update(params, t) -> params: e.g. a proximal step or a projection.
    """
    steps = _checks.positive_int("steps", steps)
    if not callable(objective):
        raise ValueError(f"objective must be a function (params, t) -> (loss, grads), "
                         f"got {_checks._fmt(objective)}")
    if not all(callable(getattr(optimizer, a, None)) for a in ("init", "update")):
        raise ValueError(f"optimizer must be an optim transform (init and update), "
                         f"got {_checks._fmt(optimizer)}")
    _checks.params_dict("params", params)
    if K is not None:
        K = _checks.positive_int("K", K)
    if not isinstance(divergence, Divergence):    # (else "'str' object has no attribute ...")
        raise ValueError(f"divergence must be a loop.Divergence, got {_checks._fmt(divergence)}")
    for name, f in (("monitor", monitor), ("after_update", after_update)):
        if f is not None and not callable(f):
            raise ValueError(f"{name} must be a function or None, got {_checks._fmt(f)}")
    state = optimizer.init(params)
    update = optimizer.update                       # step 0 checks the arguments, then:
    fast_update = optimizer.update_unchecked or optimizer.update
    batched = K is not None
    alive = np.ones(K or 1, dtype=bool)
    diverged_at = np.full(K or 1, -1)
    start = None
    with np.errstate(all="ignore"):                 # overflow is detected, not warned about
        for t in range(steps):
            if t:
                loss, grads = objective(params, t)
            else:
                loss, grads = _first_answer(objective(params, t), params, K)
                start = loss
            if _stopped(divergence.exceeded(loss, start), alive, diverged_at, t):
                break
            if monitor is not None:         # (one model: alive is [True] whenever it runs)
                monitor(t, ReadOnly(params), loss, ReadOnly(grads),
                        alive.copy() if batched else _ALIVE)
            updates, state = update(grads, state, params)
            update = fast_update
            new = {k: p + updates[k] for k, p in params.items()}      # optim.apply_updates
            if after_update is not None:
                new = after_update(new, t)
                if t == 0:              # (None gave "'NoneType' object has no attribute ...")
                    _checks.same_keys("after_update's result", new, "params", params)
            finite = finite_per_model(new, K)
            if _stopped(~finite if batched else not finite, alive, diverged_at, t + 1):
                break                               # an update overflowed
            if batched and not alive.all():         # stopped models keep their last params
                new = {k: np.where(_checks.per_model(alive, v.ndim), v, params[k])
                       for k, v in new.items()}
            params = new
    found = tuple(int(d) if d >= 0 else None for d in diverged_at)
    return Run(params, state, found if batched else found[0], divergence)


_ALIVE = np.ones(1, dtype=bool)
_ALIVE.flags.writeable = False


def _stopped(now, alive, diverged_at, step: int) -> bool:
    """Stop the models still alive where ``now`` (a bool or (K,) bools) at ``step``; True when
    none is left. (One test when nothing stops: the usual step.)"""
    if not (now if isinstance(now, bool) else now.any()):
        return False
    now = alive & now
    diverged_at[now] = step
    alive &= ~now
    return not alive.any()


def _first_answer(answer, params, K) -> tuple:
    """The objective's first answer, checked: a pair (loss, grads), the loss a real number of
    shape () or (K,), gradients for every param (else Python's "cannot unpack" or "must be
    real number, not str" came from inside the loop, naming neither)."""
    loss, grads = _checks.value_and_grads("objective", answer)
    want = () if K is None else (K,)
    if np.shape(loss) != want:
        raise ValueError(f"objective must return a loss of shape {want}, got {np.shape(loss)}")
    _checks.same_keys("grads", grads, "params", params)
    return loss, grads


class ReadOnly(Mapping):
    """A dict of arrays as a monitor sees it: each array read through a read-only view (a
    monitor cannot write into the run's arrays). The views are made when an array is read, so
    a monitor that looks at none of them (``fit(record="loss")`` on most steps) costs nothing."""

    __slots__ = ("_arrays",)

    def __init__(self, arrays: Mapping[str, np.ndarray]):
        self._arrays = arrays

    def __getitem__(self, key: str) -> np.ndarray:
        view = np.asarray(self._arrays[key]).view()
        view.flags.writeable = False
        return view

    def __iter__(self):
        return iter(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)


def minibatches(n: int, batch_size: int | None, seed=0) -> Callable[[int], np.ndarray | None]:
    """``batch(t)`` -> the sample indices of step t: None for the full batch (``batch_size``
    None), else disjoint batches of ``batch_size`` drawn without replacement, reshuffled every
    epoch (n // batch_size steps) by ``np.random.default_rng(seed)``; the last n % batch_size
    samples of an epoch's permutation are skipped. Steps must be asked for in order 0, 1, 2..."""
    n = _checks.positive_int("n", n)
    if batch_size is None:
        return lambda t: None
    batch_size = _checks.positive_int("batch_size", batch_size)
    if batch_size > n:
        raise ValueError(f"batch_size must be <= the number of samples {n}, got {batch_size}")
    rng = np.random.default_rng(_checks.seed("seed", seed))
    per_epoch = n // batch_size
    order = np.arange(n)

    def batch(t: int) -> np.ndarray:
        nonlocal order
        j = t % per_epoch
        if j == 0:
            order = rng.permutation(n)
        return order[j * batch_size:(j + 1) * batch_size]

    return batch
