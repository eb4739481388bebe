"""The lessons' two-moons classification tasks, and how their MLPs are trained.

``moons`` is the one definition of the two-moons task (``data.two_moons``: X (n, 2), roughly
standardized, y (n, 1) in {0., 1.}, balanced; noise std in the units of the unit half circles).
Lessons differ only by its parameters:

- the weight-decay playground (lesson 02, dashboard "weight_decay"): ``PLAYGROUND_MOONS``,
  60 noisy training points (easy to overfit), 200 validation points, noise 0.35;
- the schedules MLP (lesson 07, dashboard "schedules"): ``SCHEDULES_MOONS``, 200 + 200 points,
  noise 0.2 (= ``data.two_moons``'s defaults).

The training routines (``train_playground``, ``train_mlp``, ``mlp_run``) call ``train.fit`` and
are deterministic: the initial weights and the minibatch order are seeded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from wdlib import _checks, data, loop, models, optim, train
from wdlib.tasks import schedule_menu, surfaces

__all__ = ["Moons", "PLAYGROUND_MOONS", "SCHEDULES_MOONS", "moons",
           "PLAYGROUND_MLP", "PLAYGROUND_OPTIMIZERS", "PLAYGROUND_PENALTIES",
           "PLAYGROUND_DIVERGENCE", "init_seed", "train_playground",
           "SCHEDULES_MLP", "SCHEDULES_STEPS", "SCHEDULES_DIVERGENCE",
           "mlp_init", "train_mlp", "mlp_run"]


@dataclass(frozen=True)
class Moons:
    """The parameters of a two-moons task: ``n`` training and ``n_val`` validation points,
    Gaussian noise of std ``noise``, drawn with ``seed``."""

    n: int = 200
    n_val: int = 200
    noise: float = 0.2
    seed: int = 0


PLAYGROUND_MOONS = Moons(n=60, n_val=200, noise=0.35, seed=0)
SCHEDULES_MOONS = Moons(n=200, n_val=200, noise=0.2, seed=0)


@lru_cache(maxsize=8)
def _moons(spec: Moons) -> data.Dataset:
    ds = data.two_moons(n=spec.n, n_val=spec.n_val, noise=spec.noise, seed=spec.seed)
    for a in (ds.X, ds.y, ds.X_val, ds.y_val):
        a.setflags(write=False)                     # cached and shared: read-only
    return ds


def moons(spec: Moons = SCHEDULES_MOONS) -> data.Dataset:
    """The two-moons task of ``spec`` (a ``Moons``; the arguments are validated by
    ``data.two_moons``). Cached: the same spec returns the same read-only Dataset."""
    if not isinstance(spec, Moons):
        raise ValueError(f"spec must be a tasks.classification.Moons, got {spec!r}")
    return _moons(spec)


# ----------------------------------------------------------------- the weight-decay playground

PLAYGROUND_MLP = models.MLP((2, 16, 16, 1), activation="tanh")      # 304 weights, 33 biases
PLAYGROUND_OPTIMIZERS = ("sgd", "momentum", "adam", "adamw")
PLAYGROUND_PENALTIES = ("none", "l2", "l1")
# A slow blow-up counts as diverged before it overflows: lr·λ = 10 multiplies Σw² by 81 a step,
# and at 80 steps the loss read 1e+75 with no "diverged" (it overflowed only at step 161). A
# cross-entropy's gradient is bounded, so no converging run grows its objective a millionfold.
PLAYGROUND_DIVERGENCE = loop.Divergence(max_growth=1e6)


def init_seed(optimizer: str, penalty: str, lam: float, lr: float, epochs: int, seed: int,
              same_init: bool = True) -> int:
    """The seed of the initial weights a playground setting trains from (optimizer, penalty,
    lam, lr, epochs, seed: as ``train_playground`` takes them).

    ``same_init`` (the default): ``seed`` itself, so every setting starts from the same weights
    and a difference between two runs is caused by the settings. Otherwise each setting draws
    its own initial weights: a seed derived from the whole setting by a stable hash (BLAKE2b of
    its text, never Python's per-process ``hash()``), the same on every run and machine. λ does
    not count when there is no penalty (it changes nothing then, so it must not change the init).
    """
    _checks.flag("same_init", same_init)
    if same_init:
        return seed
    text = f"{optimizer}|{penalty}|{0.0 if penalty == 'none' else lam:.6e}|{lr:.6e}|{epochs}|{seed}"
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little")


def train_playground(optimizer: str, penalty: str, lam: float, lr: float, epochs: int,
                     seed: int, same_init: bool = True, val_every: int = 1):
    """Train the playground MLP once on ``moons(PLAYGROUND_MOONS)`` (binary cross-entropy,
    ``epochs`` full-batch steps at learning rate ``lr``) from the initial weights of
    ``init_seed(...)``: drawn with ``seed`` (``same_init``) or a seed of the setting's own.

    ``optimizer``: "sgd" | "momentum" | "adam" | "adamw"; ``penalty``: "none" | "l2" | "l1",
    of strength ``lam`` >= 0. AdamW + L2 uses AdamW's own decoupled ``weight_decay=lam``; L1 is
    a proximal step after each update; otherwise L2 is a penalty term in the loss (= PyTorch's
    coupled ``weight_decay``). ``val_every``: validate every that many steps (and at the last).
    Returns (params, history, all weights as one vector (304,)).
    """
    _checks.choice("optimizer", optimizer, PLAYGROUND_OPTIMIZERS)
    _checks.choice("penalty", penalty, PLAYGROUND_PENALTIES)
    _checks.nonnegative("lam", lam)
    _checks.positive_int("seed", seed, minimum=0)
    _checks.positive_int("epochs", epochs)
    decoupled = optimizer == "adamw" and penalty == "l2"
    start = PLAYGROUND_MLP.init(seed=init_seed(optimizer, penalty, lam, lr, epochs, seed,
                                               same_init))
    params, hist = train.fit(PLAYGROUND_MLP, moons(PLAYGROUND_MOONS), loss="bce",
                             optimizer=optimizer, lr=lr,
                             weight_decay=lam if decoupled else 0.0,
                             penalty=None if penalty == "none" or decoupled else penalty,
                             lam=None if penalty == "none" or decoupled else lam,
                             prox=penalty == "l1", steps=epochs,
                             params=start, record="loss", val_every=val_every,
                             divergence=PLAYGROUND_DIVERGENCE)
    weights = np.concatenate([params[k].ravel() for k in PLAYGROUND_MLP.weight_keys])  # (304,)
    return params, hist, weights


# ----------------------------------------------------------------- the schedules MLP (lesson 07)

SCHEDULES_MLP = models.MLP((2, 16, 16, 1))             # tanh, 337 parameters
SCHEDULES_STEPS = schedule_menu.STEPS                  # 100
SCHEDULES_DIVERGENCE = surfaces.BOWL_DIVERGENCE        # the bowl's divergence rule, shared


@lru_cache(maxsize=1)
def _init():
    return SCHEDULES_MLP.init(seed=0)


def mlp_init() -> dict:
    """The schedules MLP's initial weights (seed 0), the same for every run: a fresh copy."""
    return {k: v.copy() for k, v in _init().items()}


def train_mlp(lr_t, momentum: float, batch_size: int | None = None,
              steps: int = SCHEDULES_STEPS):
    """SGD with the learning rate ``lr_t`` (a float or a schedule step -> lr) and ``momentum``
    on ``SCHEDULES_MLP`` from ``mlp_init()``, on ``moons(SCHEDULES_MOONS)``: the loss is
    ½·mean((ŷ − y)²) on the 0/1 labels (so a too-large lr diverges, as on the bowl).

    Returns ``(params, history)`` of ``train.fit`` (``record="loss"``); ``batch_size`` None is
    full batch, else minibatches reshuffled every epoch (``data_seed=0``); ``steps``: the
    number of updates. A run stops by ``SCHEDULES_DIVERGENCE``, the bowl's rule.
    """
    return train.fit(SCHEDULES_MLP, moons(SCHEDULES_MOONS), loss="mse",
                     optimizer=optim.sgd(lr_t, momentum=momentum), steps=steps,
                     batch_size=batch_size, data_seed=None if batch_size is None else 0,
                     params=mlp_init(), record="loss",
                     divergence=SCHEDULES_DIVERGENCE)


def mlp_run(lr_t, momentum: float, batch_size: int | None = None,
            steps: int = SCHEDULES_STEPS) -> dict:
    """``train_mlp(lr_t, momentum, batch_size, steps)`` as lesson 07 reads it: ``loss`` and
    ``val_loss`` (steps,), NaN from the step the run diverged on, ``diverged_at`` (None if it
    did not), ``divergence`` (the rule, ``SCHEDULES_DIVERGENCE``) and ``hist``, the History."""
    _, hist = train_mlp(lr_t, momentum, batch_size, steps)
    return {"loss": hist.train_loss, "val_loss": hist.val_loss, "diverged_at": hist.diverged_at,
            "divergence": hist.divergence, "hist": hist}
