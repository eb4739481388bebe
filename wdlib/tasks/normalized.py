"""Lesson 09's problems: weight decay on weights whose scale the network cannot see.

- ``dataset()``: a noisy 8-D regression (256 training points, 512 for validation).
- ``MODEL``: ``models.NormMLP((8, 32, 1))``: 8 inputs → W1 (no bias) → LayerNorm (gain, shift) →
  tanh → a linear output. ``W1`` is scale-invariant: ``L(c·W1) = L(W1)``.
- ``train(optimizer, lr, lam, steps)``: minibatch training (32 a step) through ``loop.run`` with
  the shared divergence rule, recording per step the norm of W1, the angle W1 turns by, the
  gradient's norm and the loss. Weight decay acts on W1 only (the output layer is an ordinary
  weight; leaving it undecayed keeps the picture to the scale-invariant part). Any of ``lr``,
  ``lam``, ``seed`` may be a length-K array: K runs in one pass; ``momentum=β`` gives SGD + L2
  PyTorch's momentum buffer, and SGDW the paper's (Loshchilov & Hutter, Algorithm 1).
- ``predicted_angle(optimizer, lr, lam)``: the equilibrium angular step of each optimizer.
- ``GRID_LAMS`` / ``GRID_LRS``: section 4's λ × lr grid (5 × 5; tools/surveys.py re-runs it).
- ``box_problem(noise_seed=None)`` / ``box_least_squares(lam)``: lesson 09's convex problem for
  AdamW's ℓ∞ box (``noise_seed``: other draws of its noise on the same inputs).

NumPy only; nothing is computed on import.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from wdlib import _checks, layout, loop, losses, models, optim
from wdlib.data import Dataset

N, N_VAL, D, HIDDEN, BATCH = 256, 512, 8, 32, 32
MODEL = models.NormMLP((D, HIDDEN, 1), "tanh")
KEY = "W1"                                               # the scale-invariant weight

# name -> (lr, lam) -> Optimizer, decay on W1 only; lr and lam may be length-K arrays
OPTIMIZERS = {
    "SGD": lambda lr, lam: optim.sgd(lr, weight_decay={KEY: lam}),             # g ← g + λw
    "SGDW": lambda lr, lam: optim.sgdw(lr, weight_decay={KEY: lam}),           # w ← (1−λ)w − lr·g
    "AdamW": lambda lr, lam: optim.adamw(lr, weight_decay={KEY: lam}),         # w ← (1−lr·λ)w − …
}
# name -> (lr, lam, β) -> Optimizer: the optimizers ``train`` runs with momentum β
MOMENTUM = {
    "SGD": lambda lr, lam, b: optim.sgd(lr, momentum=b, weight_decay={KEY: lam}),   # PyTorch's
    "SGDW": lambda lr, lam, b: optim.sgdw(lr, momentum=b, weight_decay={KEY: lam}),  # the paper's
}
RULES = {"SGD": "SGD + L2: w ← (1 − lr·λ)·w − lr·g",
         "SGDW": "SGDW (paper): w ← (1 − λ)·w − lr·g",
         "AdamW": "AdamW: w ← (1 − lr·λ)·w − lr·m̂/(√v̂ + ε)"}
# Section 4's λ × lr grid (rows λ, columns lr), defined once for the lesson and the survey
GRID_LAMS = np.logspace(-2.5, -0.5, 5)                   # (5,) λ
GRID_LRS = np.logspace(-1.5, -0.5, 5)                    # (5,) lr
GRID_LAMS.setflags(write=False)                          # shared constants: read-only
GRID_LRS.setflags(write=False)


@lru_cache(maxsize=4)
def dataset(seed: int = 0) -> Dataset:
    """y = sin(2·x·a) + ½·tanh(x·b) + noise (std 0.3), x ~ N(0, I_8), a and b drawn once from
    N(0, I_8/8) (``meta``): 256 points, 512 for validation. seed: an int >= 0. Cached: the
    arrays are shared (read-only), the same seed gives the same bits."""
    seed = _checks.positive_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((2, D)) / np.sqrt(D)

    def draw(n):
        X = rng.standard_normal((n, D))
        y = np.sin(2.0 * X @ a) + 0.5 * np.tanh(X @ b) + 0.3 * rng.standard_normal(n)
        return X, y[:, None]

    (X, y), (X_val, y_val) = draw(N), draw(N_VAL)
    for arr in (X, y, X_val, y_val):
        arr.flags.writeable = False
    return Dataset(X, y, X_val, y_val, {"a": a, "b": b, "noise": 0.3})


def _scaled(a: np.ndarray):
    """A ``(K, size)`` array's rows divided by their largest |entry|, so that squaring them
    cannot overflow (‖a‖² of finite weights overflows past ~1e154: a run whose W1 grows without
    bound while its loss stays finite, e.g. SGDW with λ > 2, had ‖W1‖ = inf and a/‖a‖ = 0, so
    wrong angles). Returns ``(top, ok, length)`` per row — the largest |entry|, where it is
    finite and > 0, and the norm of the scaled row (in [1, √size] where ok, else 0) — and the
    unit rows (NaN where not ok: a zero or non-finite row has no direction)."""
    work = np.abs(a)                                        # one buffer: |a|, scaled, unit
    top = np.max(work, axis=1)                              # NaN where the row has a NaN
    ok = np.isfinite(top) & (top > 0)
    if ok.all():        # the usual case: plain divisions (the same quotients, ~2x faster than
        scaled = np.divide(a, top[:, None], out=work)       # ``where=``, and no fill)
        length = np.sqrt(np.einsum("ki,ki->k", scaled, scaled))
        return top, ok, length, np.divide(scaled, length[:, None], out=scaled)
    scaled = np.divide(a, top[:, None], out=np.zeros_like(a), where=ok[:, None])
    length = np.sqrt(np.einsum("ki,ki->k", scaled, scaled))
    unit = np.divide(scaled, length[:, None], out=np.full_like(a, np.nan), where=ok[:, None])
    return top, ok, length, unit


def _norm(top, ok, length) -> np.ndarray:
    """‖a‖ from ``_scaled``: top·length; inf where a is not finite or ‖a‖ exceeds the largest
    float itself (never an overflow warning), 0 for a zero row, NaN where a has a NaN."""
    fits = ok & (top <= np.finfo(top.dtype).max / np.maximum(length, 1.0))
    return np.multiply(top, length, out=np.where(ok, np.inf, top), where=fits)


def norm(a: np.ndarray) -> np.ndarray:
    """‖a‖ per model, ``(K, ...)`` -> ``(K,)``, without overflow for finite entries."""
    return _norm(*_scaled(_per_model("a", a))[:3])


def _per_model(name: str, a) -> np.ndarray:
    """``a`` (K, ...) as (K, everything else), in its float dtype."""
    a = losses.as_float(a, name)
    if a.ndim == 0 or a.size == 0:
        raise ValueError(f"{name} must have a leading K axis (K, ...) and entries, "
                         f"got {_checks._fmt(a)}")
    return a.reshape(a.shape[0], -1)


def angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The angle (radians) between a and b, per model: ``(K, ...)`` -> ``(K,)``. Accurate for
    tiny angles too: 2·atan2(‖â − b̂‖, ‖â + b̂‖) (arccos of the cosine loses them). The unit
    vectors â, b̂ are computed without overflow (``_scaled``), so any finite nonzero a and b have
    their angle; NaN where a or b is zero or not finite."""
    a_k, b_k = _per_model("a", a), _per_model("b", b)
    if a_k.shape != b_k.shape:          # (NumPy: "operands could not be broadcast")
        raise ValueError(f"a and b must have the same shape (K, ...), got {np.shape(a)} "
                         f"and {np.shape(b)}")
    return _unit_angle(_scaled(a_k)[3], _scaled(b_k)[3])


# The run trains on two arrays, ``{KEY: W1, REST: every other parameter, (K, 97)}`` (a
# ``layout.Layout``): each optimizer transform (decay on W1 only, momentum, Adam, the lr) acts
# element by element, so it does on the group what it did per parameter (the same arithmetic on
# every number) in 2 array operations instead of 5, and the loop's finiteness test and update
# too. The model sees views.
REST = "rest"
GROUPS = {KEY: (KEY,), REST: tuple(k for k in MODEL.shapes if k != KEY)}    # g1, b1, W2, b2
RECORD_CHUNK = 16       # steps of W1 and ∂L/∂W1 kept before their statistics are computed: the
#                         temporaries stay under 128 KiB for K = 3 (no fresh mmap each chunk)


class _Recorder:
    """The monitor of ``train``: it copies W1 and ∂L/∂W1 each step and computes the recorded
    statistics for ``RECORD_CHUNK`` steps at a time, as whole-array operations (per step they
    were ~12 small array calls; the memory stays bounded for long runs with many models)."""

    def __init__(self, steps: int, K: int, size: int):
        self.rec = {name: np.full((steps, K), np.nan)
                    for name in ("norm", "grad_norm", "angle", "loss", "cos")}
        self.alive = np.zeros((steps, K), dtype=bool)
        self.W = np.zeros((RECORD_CHUNK + 1, K, size))   # row 0: the last W of the chunk before
        self.G = np.empty((RECORD_CHUNK, K, size))
        self.start, self.count, self.last = 0, 0, -1      # first step of the chunk, rows, step

    def __call__(self, t, p, loss, grads, alive):
        j = self.count
        K = self.alive.shape[1]
        self.W[j + 1] = p[KEY].reshape(K, -1)
        self.G[j] = grads[KEY].reshape(K, -1)
        self.rec["loss"][t], self.alive[t] = loss, alive
        self.count, self.last = j + 1, t
        if self.count == RECORD_CHUNK:
            self.flush()

    def flush(self):
        """Statistics of the chunk's steps; the angle of the step before the chunk (its W1 and
        the chunk's first W1), and of every step but the chunk's last (that one's end is the
        next chunk's first W1, or the final parameters: ``finish``)."""
        n, t0 = self.count, self.start
        if n == 0:
            return
        K, G = self.W.shape[1], self.G[:n]
        rows = slice(t0, t0 + n)
        alive = self.alive[rows]
        nan = np.nan
        size = G.shape[-1]
        # rows 0..n of self.W scaled at once: row 0 (the W1 before the chunk) is for the angles
        w_top, w_ok, w_len, w_unit = _scaled(self.W[:n + 1].reshape(-1, size))
        g_top, g_ok, g_len, g_unit = _scaled(G.reshape(-1, size))
        w = _norm(w_top[K:], w_ok[K:], w_len[K:]).reshape(n, K)    # ‖W1‖, no overflow
        g = _norm(g_top, g_ok, g_len).reshape(n, K)                # ‖∂L/∂W1‖
        w_unit = w_unit.reshape(n + 1, K, size)
        self.rec["norm"][rows] = np.where(alive, w, nan)
        self.rec["grad_norm"][rows] = np.where(alive, g, nan)
        self.rec["loss"][rows] = np.where(alive, self.rec["loss"][rows], nan)
        # cos(W1, ∂L/∂W1) = Ŵ·Ĝ, from the unit vectors: a value only where both are nonzero and
        # finite, NaN otherwise (as for stopped runs). A run that diverges with a finite loss
        # (the default rule, a non-finite loss or parameter, lets it go on) saturates until
        # ∂L/∂W1 is exactly 0 (it was 0/0, a RuntimeWarning whenever the last chunk was flushed
        # after loop.run, outside its np.errstate), and W1 can grow past 1e154.
        cos = np.einsum("tki,tki->tk", w_unit[1:], g_unit.reshape(n, K, size))
        self.rec["cos"][rows] = np.where(alive, cos, nan)
        first = 0 if t0 > 0 else 1                        # step 0 has no W1 before it
        pairs = w_unit[first:]
        if len(pairs) > 1:
            turn = _unit_angle(pairs[:-1], pairs[1:])
            self.rec["angle"][t0 - 1 + first:t0 + n - 1] = np.where(alive[first:], turn, nan)
        self.W[0] = self.W[n]
        self.start, self.count = t0 + n, 0

    def finish(self, run) -> dict:
        """Flush, and the last step's angle (from the final W1) when the run reached it."""
        self.flush()
        steps = self.alive.shape[0]
        if self.last == steps - 1:
            ok = ~np.asarray(run.diverged, dtype=bool)
            self.rec["angle"][-1] = np.where(ok, angle(self.W[0], run.params[KEY]), np.nan)
        return self.rec


def _val_loss(params: dict, ds: Dataset, diverged: np.ndarray) -> np.ndarray:
    """The validation loss (½·MSE) of each run at the end, ``(K,)``: NaN for a run that diverged
    (as ``train.History`` and the per-step records mark a stopped run; its parameters are the
    last finite ones, from which the forward pass overflows), and NaN where float64 cannot
    evaluate the net: a W1 so large that LayerNorm's variance of X_val @ W1 may overflow (SGDW
    with λ > 2, AdamW with lr·λ > 2 grow it without bound while the loss stays finite; there
    σ = inf and the net outputs its shift, in PyTorch's LayerNorm too: a plausible but
    meaningless number). Computed for the other runs only."""
    val = np.full(len(diverged), np.nan)
    W1 = params[KEY]
    biggest = np.max(np.abs(ds.X_val), initial=0.0) * np.sum(np.abs(W1), axis=1).max(axis=1)
    # |z| <= max|x|·max_j Σ_i |W1_ij|; centred |z − mean| <= 2|z|max, and h such squares sum
    # without overflow below this bound (a sufficient condition, ~1e153 for h = 32)
    fits = biggest < np.sqrt(np.finfo(np.float64).max / (4 * W1.shape[-1]))
    ran = np.flatnonzero(~diverged & fits)
    if ran.size:
        kept = {k: v[ran] for k, v in params.items()}
        val[ran] = losses.mse(MODEL.forward(kept, ds.X_val), ds.y_val)[0]
    return val


def _unit_angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``angle`` of unit vectors (the last axis), as ``angle`` computes it: NaN where either is.
    The two norms are ``np.linalg.norm(·, axis=-1)``'s arithmetic (square, ``add.reduce``,
    sqrt) in one scratch array: the same bits without its four temporaries."""
    d = np.subtract(a, b)
    across = np.sqrt(np.add.reduce(np.multiply(d, d, out=d), axis=-1))    # ‖a − b‖
    np.add(a, b, out=d)
    return 2.0 * np.arctan2(across, np.sqrt(np.add.reduce(np.multiply(d, d, out=d), axis=-1)))


def train(optimizer: str, lr, lam, steps: int = 400, *, seed=0, data_seed: int = 0,
          batch_size: int = BATCH, init_scale: float = 1.0, momentum: float = 0.0,
          divergence: loop.Divergence = loop.NONFINITE) -> dict:
    """Train ``MODEL`` on ``dataset()`` with ``OPTIMIZERS[optimizer](lr, lam)`` for ``steps``
    minibatch steps (batches of ``batch_size`` reshuffled every epoch with ``data_seed``).

    Always batched: ``lr``, ``lam``, ``seed`` (the initialization) may be floats or length-K
    arrays, broadcast to K >= 1 runs; init_scale: ``MODEL.init``'s scale; momentum: one β in
    [0, 1) for "SGD", ``optim.sgd(lr, momentum=β, weight_decay={W1: λ})`` (PyTorch's buffer:
    the decay λ·w goes through it too), and for "SGDW", ``optim.sgdw(lr, momentum=β,
    weight_decay={W1: λ})`` (the paper's: m ← β·m + lr·g, w ← (1 − λ)·w − m; the decay stays out
    of the buffer); 0 is the plain step (AdamW has its own β1). Returns arrays of
    shape ``(steps, K)``:

    - ``norm``: ‖W1‖ entering step t;  ``grad_norm``: ‖∂L/∂W1‖ of step t's minibatch loss;
    - ``angle``: the angle between W1 entering step t and W1 after step t's update;
    - ``loss``: step t's minibatch loss (½·MSE); ``cos``: cos(W1, ∂L/∂W1) at step t;

    plus ``val_loss`` (K,) at the end (NaN for a run that diverged, or whose W1 is too large for
    float64 to normalize), ``params`` and
    ``diverged_at`` (a tuple of K entries, by ``divergence``, the one rule of ``loop.run``).
    Rows from a run's divergence on are NaN. Norms and angles never overflow: a W1 that grows
    without bound while the loss stays finite has its true norm and angle while it is finite.
    The optimizer sees two arrays, W1 and the rest (``REST``): the same arithmetic as one array
    per parameter, since every transform acts element by element.
    """
    _checks.choice("optimizer", optimizer, OPTIMIZERS)
    steps = _checks.positive_int("steps", steps)
    lr = _checks.positive("lr", lr)
    lam = _checks.nonnegative("lam", lam)
    data_seed = _checks.seed("data_seed", data_seed)
    batch_size = _checks.positive_int("batch_size", batch_size)      # (always minibatches)
    momentum = _checks.one_number(_checks.in_range, "momentum", momentum, 0.0, 1.0)
    if momentum and optimizer not in MOMENTUM:
        raise ValueError(f"momentum is for optimizers {' and '.join(map(repr, MOMENTUM))} only, "
                         f"got momentum={momentum:g} with optimizer {optimizer!r}")
    if np.ndim(seed) > 1 or np.size(seed) == 0:
        raise ValueError(f"seed must be an integer >= 0 or a non-empty 1-D array of them, "
                         f"got {_checks._fmt(seed)}")
    seed = np.asarray(seed) if np.ndim(seed) else seed
    K = _checks.batch_size(lr=lr, lam=lam, seed=seed) or 1
    ds = dataset(data_seed)
    seeds = np.broadcast_to(seed, (K,)) if np.ndim(seed) else np.full(K, seed)
    lr_k, lam_k = np.broadcast_to(lr, (K,)).copy(), np.broadcast_to(lam, (K,)).copy()
    lay = layout.Layout(MODEL, K, GROUPS)
    params = lay.group(MODEL.init(seed=seeds, scale=init_scale))
    opt = (MOMENTUM[optimizer](lr_k, lam_k, momentum) if momentum
           else OPTIMIZERS[optimizer](lr_k, lam_k))
    batch = loop.minibatches(N, batch_size, data_seed)
    record = _Recorder(steps, K, params[KEY][0].size)

    def objective(p, t):
        idx = batch(t)
        loss, g = MODEL.loss_and_grad(lay.views(p), ds.X[idx], ds.y[idx], losses.mse,
                                      check=t == 0)
        return loss, lay.group(g)

    run = loop.run(objective, params, opt, steps, K=K, monitor=record, divergence=divergence)
    rec = record.finish(run)
    final = lay.ungroup(run.params)
    return {**rec, "val_loss": _val_loss(final, ds, run.diverged), "params": final,
            "diverged_at": run.diverged_at,
            "lr": lr_k, "lam": lam_k, "optimizer": optimizer, "momentum": momentum,
            "divergence": divergence}


def predicted_angle(optimizer: str, lr, lam):
    """The equilibrium angular step (radians) for a scale-invariant weight, no momentum, of
    ``optimizer`` (a key of ``OPTIMIZERS``) at lr and λ = lam (floats or K-arrays):

    - SGD + L2, w ← (1 − lr·λ)w − lr·g with g ⟂ w: tan θ = √(lr·λ(2 − lr·λ)) / (1 − lr·λ)
      ≈ √(2·lr·λ) (lesson 09, section 3);
    - SGDW, w ← (1 − λ)w − lr·g: the same with lr·λ replaced by λ: ≈ √(2λ), no lr;
    - a shrink d = lr·λ (or λ) above 1 flips w's sign each step: the angle is above π/2
      (π − arctan of the formula's magnitude); at d >= 2 there is no equilibrium (NaN);
    - AdamW, w ← (1 − lr·λ)w − lr·u: the SGD formula with u in place of g, if u ⟂ w and
      without momentum. With Adam's β1 the steps are correlated and the equilibrium angle is
      about √((1 − β1)/(1 + β1)) times this value (≈ 0.23 for β1 = 0.9; lesson 09, section 5,
      and the AdamW line of ``live.normalized``), not approximately this value itself.
    """
    _checks.choice("optimizer", optimizer, OPTIMIZERS)
    lr, lam = _checks.positive("lr", lr), _checks.nonnegative("lam", lam)
    d = lam if optimizer == "SGDW" else np.multiply(lr, lam)      # the shrink per step
    # 1 < d < 2: w flips its sign each step (1 − d < 0), so it turns by over 90°: π − arctan(|·|)
    theta = _at_equilibrium(d, lambda: np.arctan(np.sqrt(d * (2.0 - d)) / (1.0 - d)))
    return np.where(theta < 0, theta + np.pi, theta)[()]


def _at_equilibrium(d, formula):
    """``formula()`` where the shrink per step d is below 2, NaN from 2 on: the decay no longer
    shrinks w (|1 − d| >= 1), so there is no equilibrium (no inf, no NumPy warning)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        value = formula()
    return np.where(np.less(d, 2.0), value, np.nan)[()]


def predicted_norm(lr, lam, grad_tilde_sq):
    """SGD + L2's equilibrium ‖w‖ for a scale-invariant w with ‖g‖ = ‖g̃‖/‖w‖:
    ‖w‖⁴ = lr·‖g̃‖² / (λ(2 − lr·λ)) (exact for the mean square if ‖g̃‖² is steady).
    lr > 0, lam: λ > 0; grad_tilde_sq: ‖g̃‖² >= 0, the squared gradient norm at ‖w‖ = 1.
    At lr·λ >= 2 the decay no longer shrinks w (as in ``predicted_angle``): no equilibrium, NaN
    (not inf or a NumPy warning)."""
    lr, lam = _checks.positive("lr", lr), _checks.positive("lam", lam)
    grad_tilde_sq = _checks.nonnegative("grad_tilde_sq", grad_tilde_sq)
    d = np.multiply(lr, lam)                                          # the shrink per step
    return _at_equilibrium(d, lambda: (np.multiply(lr, grad_tilde_sq) / (lam * (2.0 - d))) ** 0.25)


# --------------------------------------------------------------------------- AdamW's ℓ∞ box

def box_problem(noise_seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A linear least-squares problem (100 points, 6 features, no intercept) whose solution has
    coefficients from about −3 to 3: ``(X, y)`` with y of shape (100, 1). noise_seed: None (the
    lesson's draw) or an int >= 0, another draw of y's noise on the same X (lesson 09 trains
    AdamW on 20 of them at once, the inputs being shared by the K runs). Cached, read-only."""
    return _box_problem(None if noise_seed is None else _checks.seed("noise_seed", noise_seed))


@lru_cache(maxsize=32)
def _box_problem(noise_seed: int | None) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(9)
    X = rng.standard_normal((100, 6))
    w_true = np.array([3.0, -2.5, 1.5, -0.8, 0.4, 0.1])
    noise = rng if noise_seed is None else np.random.default_rng(noise_seed)
    y = (X @ w_true + 0.3 * noise.standard_normal(100))[:, None]
    for arr in (X, y):
        arr.flags.writeable = False
    return X, y


def box_least_squares(lam: float, X=None, y=None, steps: int = 5000) -> tuple[np.ndarray, float]:
    """``(w, b)``: argmin ½·mean((Xw + b − y)²) subject to |w_j| ≤ 1/λ (b free), by projected
    gradient descent on the centred data (step 1/L, L the largest eigenvalue of XcᵀXc/n).
    Linear convergence: the problem is strongly convex when X has full column rank.
    lam: λ > 0; X (n, d), y (n, 1) or (n,) (default: ``box_problem()``); steps: iterations."""
    lam = _checks.one_number(_checks.positive, "lam", lam)          # (one problem)
    if X is None:
        X, y = box_problem()
    x_mean, y_mean = X.mean(axis=0), float(np.mean(y))
    Xc, yc = X - x_mean, np.ravel(y) - y_mean
    H, c = Xc.T @ Xc / len(Xc), Xc.T @ yc / len(Xc)
    step = 1.0 / np.linalg.eigvalsh(H)[-1]
    w = np.zeros(X.shape[1])
    for _ in range(_checks.positive_int("steps", steps)):     # iterations of one solver
        w = np.clip(w - step * (H @ w - c), -1.0 / lam, 1.0 / lam)
    return w, y_mean - float(x_mean @ w)
