"""The peers' benchmark: wdlib's ``train.fit`` raced against PyTorch eager and JAX (jit) on a
sweep of workloads that ``bench_train.py`` does not measure, looking for pathological cases
(an option combination that drops a fast path, a loop over samples or models, float32
silently upcast, K batched slower than a loop of K).

Run: ``python benchmarks/bench_peers.py [--rounds 3] [--only sizes,options,...,loop] [--clock cpu]``
(groups: sizes, batched, options, batched_options, float32, models, loop).
Prints one line per workload: wdlib's time per step and the ratios wdlib/PyTorch and wdlib/JAX
(> 1: wdlib slower); rows where wdlib takes more than 1.5x PyTorch's time are marked ``!!``.
Asserts nothing. How it measures (as ``bench_train.py``): every library on one thread (BLAS
through environment variables set before numpy is imported, ``torch.set_num_threads(1)``, XLA's
single-thread flags), contenders interleaved round by round in one process, medians of
per-round ratios, the same initial weights and data for everyone, final losses compared (a row
whose final losses differ by more than 1e-6 relative is marked ``(differs)``: it would compare
different computations). JAX compiles the whole loop (``lax.fori_loop``; compile excluded), so
its column is "what a compiler makes of it"; PyTorch eager runs the loop as a user writes it.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"                         # before numpy is imported: one BLAS thread
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                      "intra_op_parallelism_threads=1")

import argparse  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field, replace  # noqa: E402

import numpy as np  # noqa: E402

from wdlib import models, schedules, train  # noqa: E402

CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]


@dataclass(frozen=True)
class Case:
    """One workload, as ``train.fit``'s keyword arguments describe it."""

    sizes: tuple = (2, 16, 16, 1)
    n: int = 200
    K: int | None = None
    activation: str = "tanh"
    loss: str = "bce"
    optimizer: str = "momentum"
    lr: float = 0.05
    weight_decay: float | None = None
    penalty: str | None = None
    lam: float | None = None
    clip: str | None = None
    clip_threshold: float | None = None
    schedule: str | None = None           # None | "cosine" | "warmup"
    dtype: str = "float64"
    val: bool = False
    val_every: int | None = None
    record: str = "loss"
    steps: int = 200
    model: str = "mlp"                    # "mlp" | "norm" | "rnn"
    T: int = 10                           # rnn sequence length
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        arch = {"mlp": "MLP", "norm": "NormMLP", "rnn": f"RNN T={self.T}"}[self.model]
        parts = [f"{arch} {'-'.join(map(str, self.sizes))}", f"n={self.n}",
                 f"K={self.K}" if self.K else "K=1", self.activation, self.loss, self.optimizer]
        for name in ("weight_decay", "penalty", "clip", "schedule"):
            if getattr(self, name) is not None:
                parts.append(f"{name}={getattr(self, name)}")
        if self.dtype != "float64":
            parts.append("f32")
        if self.val:
            parts.append(f"val/{self.val_every or 1}")
        if self.record != "loss":
            parts.append(f"record={self.record}")
        return " ".join(parts)


# ------------------------------------------------------------------------------ data
def make_data(case: Case, seed=0):
    rng = np.random.default_rng(seed)
    shape = (case.n, case.T, case.sizes[0]) if case.model == "rnn" else (case.n, case.sizes[0])
    X = rng.normal(size=shape)
    Xv = rng.normal(size=(case.n,) + shape[1:])
    f = (lambda A: np.tanh(A.reshape(len(A), -1).sum(axis=1, keepdims=True)))
    y, yv = f(X), f(Xv)
    if case.loss == "bce":
        y, yv = (y > 0).astype(float), (yv > 0).astype(float)
    return X, y, Xv, yv


def make_model(case: Case):
    if case.model == "rnn":
        return models.RNN(n_in=case.sizes[0], n_hidden=case.sizes[1], n_out=case.sizes[-1])
    if case.model == "norm":
        return models.NormMLP(case.sizes, activation=case.activation)
    return models.MLP(case.sizes, activation=case.activation)


def lr_schedule(case: Case):
    if case.schedule == "cosine":
        return schedules.cosine(case.lr, total_steps=case.steps)
    if case.schedule == "warmup":
        return schedules.warmup_cosine(case.lr, warmup_steps=case.steps // 10,
                                       total_steps=case.steps)
    return case.lr


# ------------------------------------------------------------------------------ wdlib
def wdlib_run(case: Case, model, start, X, y, Xv, yv):
    lr = lr_schedule(case)
    if case.K and not callable(lr):
        lr = np.full(case.K, lr)
    kw = dict(loss=case.loss, optimizer=case.optimizer, lr=lr, steps=case.steps,
              params=start, record=case.record, dtype=case.dtype,
              weight_decay=case.weight_decay, penalty=case.penalty, lam=case.lam,
              clip=case.clip, clip_threshold=case.clip_threshold, **case.extra)
    if case.val:
        kw.update(X_val=Xv, y_val=yv, val_every=case.val_every)
    _, hist = train.fit(model, X, y, **kw)
    return np.atleast_1d(hist.train_loss[-1]).astype(float)


# ------------------------------------------------------------------------------ PyTorch
def torch_or_none():
    try:
        import torch
    except ImportError:
        print("(PyTorch not installed: no PyTorch column)")
        return None
    torch.set_num_threads(1)
    return torch


TORCH_OPT = {"sgd": ("SGD", {}), "momentum": ("SGD", {"momentum": 0.9}),
             "nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}),
             "adam": ("Adam", {}), "adamw": ("AdamW", {})}


def torch_supported(case: Case) -> bool:
    return case.optimizer in TORCH_OPT and case.model in ("mlp", "norm", "rnn")


def torch_run(torch, case: Case, model, start, X, y, Xv, yv):
    """The same run in PyTorch eager, as a user writes it: autograd, torch.optim with the
    weights decayed and the rest not, the penalty added to the loss, torch's clipping, a
    LambdaLR schedule. K models: weights (K, fan_in, fan_out) and matmul (bmm)."""
    dt = {"float64": torch.float64, "float32": torch.float32}[case.dtype]
    P = {k: torch.tensor(np.asarray(v), dtype=dt, requires_grad=True) for k, v in start.items()}
    Xt, yt = torch.tensor(X, dtype=dt), torch.tensor(y, dtype=dt)
    Xvt, yvt = torch.tensor(Xv, dtype=dt), torch.tensor(yv, dtype=dt)
    wkeys = model.weight_keys
    name, kw = TORCH_OPT[case.optimizer]
    groups = [{"params": [P[k] for k in P if k in wkeys],
               "weight_decay": case.weight_decay or 0.0},
              {"params": [P[k] for k in P if k not in wkeys], "weight_decay": 0.0}]
    opt = getattr(torch.optim, name)(groups, lr=case.lr, **kw)
    sched = None
    if case.schedule is not None:
        f = lr_schedule(case)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: f(t) / case.lr)
    lossf = (torch.nn.BCEWithLogitsLoss(reduction="none") if case.loss == "bce"
             else (lambda a, b: 0.5 * (a - b) ** 2))
    forward = torch_forward(torch, case, model, P)
    batched = case.K is not None

    def data_loss(a, target):
        per = lossf(a, target.expand_as(a))
        return per.mean(dim=(1, 2)) if batched else per.mean()

    def penalty_value():
        if case.penalty is None:
            return 0.0
        lam, total = case.lam, 0.0
        for k in wkeys:
            w = P[k].reshape(case.K, -1) if batched else P[k].reshape(-1)
            l1, l2 = w.abs().sum(-1), 0.5 * (w * w).sum(-1)
            total = total + {"l1": lam * l1, "l2": lam * l2,
                             "elastic_net": lam * (0.5 * l1 + 0.5 * l2)}[case.penalty]
        return total

    params = list(P.values())
    last = None
    for t in range(case.steps):
        opt.zero_grad()
        per_model = data_loss(forward(Xt), yt)
        (per_model + penalty_value()).sum().backward()
        if case.val and (t % (case.val_every or 1) == 0 or t == case.steps - 1):
            with torch.no_grad():
                data_loss(forward(Xvt), yvt)
        if case.clip == "value":
            torch.nn.utils.clip_grad_value_(params, case.clip_threshold or 1.0)
        elif case.clip == "norm" and not batched:
            torch.nn.utils.clip_grad_norm_(params, case.clip_threshold or 1.0)
        elif case.clip == "norm":                                 # one norm per model
            with torch.no_grad():
                norm = torch.sqrt(sum((p.grad.reshape(case.K, -1) ** 2).sum(1) for p in params))
                coef = torch.clamp((case.clip_threshold or 1.0) / (norm + 1e-6), max=1.0)
                for p in params:
                    p.grad.mul_(coef.reshape((-1,) + (1,) * (p.ndim - 1)))
        opt.step()
        if sched is not None:
            sched.step()
        last = per_model
    return np.atleast_1d(last.detach().numpy()).astype(float)


def torch_forward(torch, case: Case, model, P):
    act = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid,
           "linear": lambda z: z}[case.activation]
    if case.model == "rnn":
        def rnn(X):
            h = None
            for t in range(X.shape[1]):
                z = X[:, t] @ P["Wx"] + P["b"][..., None, :]
                if h is not None:
                    z = z + h @ P["Wh"]
                h = torch.tanh(z)
            return h @ P["Wy"] + P["by"][..., None, :]
        return rnn
    L = len(case.sizes) - 1
    if case.model == "norm":
        def norm(X):
            a = X
            for l in range(1, L):
                z = a @ P[f"W{l}"]
                mu = z.mean(-1, keepdim=True)
                var = ((z - mu) ** 2).mean(-1, keepdim=True)
                u = (z - mu) / torch.sqrt(var + model.eps)
                a = act(u * P[f"g{l}"][..., None, :] + P[f"b{l}"][..., None, :])
            return a @ P[f"W{L}"] + P[f"b{L}"][..., None, :]
        return norm

    def mlp(X):
        a = X
        for l in range(1, L + 1):
            a = a @ P[f"W{l}"] + P[f"b{l}"][..., None, :]
            if l < L:
                a = act(a)
        return a
    return mlp


# ------------------------------------------------------------------------------ JAX
def jax_or_none():
    try:
        import jax
    except ImportError:
        print("(JAX not installed: no JAX column)")
        return None
    jax.config.update("jax_enable_x64", True)
    return jax


def jax_supported(case: Case) -> bool:
    return (case.model == "mlp" and case.optimizer in ("sgd", "momentum", "adam", "adamw")
            and case.penalty is None and case.clip is None and case.schedule is None
            and not case.val)


def jax_run(jax, case: Case, model, start, X, y, Xv, yv):
    """The whole loop compiled (vmap over K models), plain MLP, no penalty/clip/schedule."""
    import jax.numpy as jnp
    dt = {"float64": jnp.float64, "float32": jnp.float32}[case.dtype]
    P0 = {k: jnp.asarray(v, dtype=dt) for k, v in start.items()}
    Xj, yj = jnp.asarray(X, dtype=dt), jnp.asarray(y, dtype=dt)
    L = len(case.sizes) - 1
    act = {"tanh": jnp.tanh, "relu": lambda z: jnp.maximum(z, 0),
           "sigmoid": jax.nn.sigmoid, "linear": lambda z: z}[case.activation]
    wd, lr, mom = case.weight_decay or 0.0, case.lr, 0.9 if case.optimizer == "momentum" else 0.0

    def loss(p):
        a = Xj
        for l in range(1, L + 1):
            a = a @ p[f"W{l}"] + p[f"b{l}"]
            if l < L:
                a = act(a)
        if case.loss == "bce":
            return jnp.mean(jnp.maximum(a, 0) - a * yj + jnp.log1p(jnp.exp(-jnp.abs(a))))
        return 0.5 * jnp.mean((a - yj) ** 2)

    grad = jax.value_and_grad(loss)
    decays = {k: float(k in model.weight_keys) * wd for k in start}

    def one_model(p):
        def step(t, carry):
            p, m, v, _ = carry
            value, g = grad(p)
            if case.optimizer in ("sgd", "momentum"):
                g = {k: g[k] + decays[k] * p[k] for k in p}
                m = {k: jnp.where(t == 0, g[k], mom * m[k] + g[k]) for k in p}
                return {k: p[k] - lr * m[k] for k in p}, m, v, value
            if case.optimizer == "adam":
                g = {k: g[k] + decays[k] * p[k] for k in p}
            else:
                p = {k: p[k] * (1 - lr * decays[k]) for k in p}
            t1 = t + 1
            m = {k: 0.9 * m[k] + 0.1 * g[k] for k in p}
            v = {k: 0.999 * v[k] + 0.001 * g[k] ** 2 for k in p}
            bc1, bc2 = 1 - 0.9 ** t1, 1 - 0.999 ** t1
            p = {k: p[k] - lr * (m[k] / bc1) / (jnp.sqrt(v[k]) / jnp.sqrt(bc2) + 1e-8)
                 for k in p}
            return p, m, v, value
        zeros = {k: jnp.zeros_like(a) for k, a in p.items()}
        return jax.lax.fori_loop(0, case.steps, step, (p, zeros, zeros, jnp.zeros((), dt)))[3]

    fn = jax.jit(jax.vmap(one_model) if case.K else one_model)
    return lambda: np.atleast_1d(np.asarray(fn(P0).block_until_ready())).astype(float)


# ------------------------------------------------------------------------------ racing
def race(case: Case, torch, jax, rounds: int) -> dict:
    model = make_model(case)
    X, y, Xv, yv = make_data(case)
    start = model.init(seed=np.arange(case.K) if case.K else 0)
    finals = {}
    contenders = {"wdlib": lambda: finals.__setitem__(
        "wdlib", wdlib_run(case, model, start, X, y, Xv, yv))}
    if torch is not None and torch_supported(case):
        contenders["torch"] = lambda: finals.__setitem__(
            "torch", torch_run(torch, case, model, start, X, y, Xv, yv))
    if jax is not None and jax_supported(case):
        call = jax_run(jax, case, model, start, X, y, Xv, yv)
        contenders["jax"] = lambda: finals.__setitem__("jax", call())
    times = {c: [] for c in contenders}
    for fn in contenders.values():
        fn()                                                  # warm-up (JAX: compile)
    for _ in range(rounds):
        for c, fn in contenders.items():
            t0 = clock()
            fn()
            times[c].append(clock() - t0)
    out = {"case": case, "us_step": 1e6 * np.median(times["wdlib"]) / case.steps}
    for c in contenders:
        if c == "wdlib":
            continue
        out[c] = float(np.median(np.array(times["wdlib"]) / np.array(times[c])))
        out[c + "_same"] = bool(np.allclose(finals["wdlib"], finals[c], rtol=1e-5 if
                                            case.dtype == "float64" else 1e-2, atol=1e-7))
    return out


def show(r: dict) -> None:
    cols = []
    for c in ("torch", "jax"):
        if c in r:
            mark = "" if r[c + "_same"] else " (differs)"
            cols.append(f"wdlib/{c} {r[c]:5.2f}x{mark}")
        else:
            cols.append(f"{'':>16}")
    flag = " !!" if r.get("torch", 0) > 1.5 else ""
    print(f"  {r['case'].label:<78} {r['us_step']:8.1f} us/step  {'  '.join(cols)}{flag}",
          flush=True)


def batched_vs_loop(rounds: int) -> None:
    """K models batched in one ``fit`` vs a Python loop of K single ``fit`` runs (wdlib alone):
    batching must never be slower than the loop."""
    print("\n== loop: K models batched vs a loop of K single runs (wdlib, per model-step) ==")
    for case in (replace(Case(), model="norm", sizes=(2, 32, 32, 1), loss="mse"),
                 replace(Case(), model="rnn", sizes=(1, 16, 1), T=10, loss="mse"),
                 replace(Case(), sizes=(10, 64, 64, 1), n=512)):
        for K in (4, 16, 64):
            loop_row(replace(case, steps=50), K, rounds)


def loop_row(case: Case, K: int, rounds: int) -> None:
    model = make_model(case)
    X, y, Xv, yv = make_data(case)
    start = model.init(seed=np.arange(K))
    one = {k: v[0] for k, v in start.items()}
    batched, single = replace(case, K=K), replace(case, K=None)
    times = {"batched": [], "loop": []}
    runs = {"batched": lambda: wdlib_run(batched, model, start, X, y, Xv, yv),
            "loop": lambda: [wdlib_run(single, model, one, X, y, Xv, yv) for _ in range(K)]}
    for _ in range(rounds):
        for c, fn in runs.items():
            t0 = clock()
            fn()
            times[c].append(clock() - t0)
    r = float(np.median(np.array(times["batched"]) / np.array(times["loop"])))
    per = 1e6 * np.median(times["batched"]) / K / case.steps
    print(f"  {batched.label:<60} batched {per:7.1f} us  batched/loop {r:5.2f}x"
          f"{' !!' if r > 1 else ''}", flush=True)


# ------------------------------------------------------------------------------ sweep
def sweep(only: set | None):
    base = Case()
    groups = {
        "sizes": [replace(base, sizes=s, n=n) for s in
                  ((2, 16, 16, 1), (10, 64, 64, 1), (10, 256, 256, 1), (2, 32, 1),
                   (2, 32, 32, 32, 32, 32, 32, 1)) for n in (32, 512, 4096)],
        "batched": [replace(base, sizes=s, n=n, K=K, optimizer=o) for s, n in
                    (((2, 16, 16, 1), 64), ((10, 64, 64, 1), 512)) for K in (4, 16, 64)
                    for o in ("momentum", "adamw")],
        "options": [replace(base, **kw) for kw in (
            {}, dict(optimizer="sgd"), dict(optimizer="nesterov"), dict(optimizer="adam"),
            dict(optimizer="adamw", weight_decay=1e-2), dict(optimizer="sgdw"),
            dict(weight_decay=1e-3), dict(penalty="l2", lam=1e-3), dict(penalty="l1", lam=1e-3),
            dict(penalty="elastic_net", lam=1e-3), dict(clip="value", clip_threshold=0.1),
            dict(clip="norm", clip_threshold=0.5), dict(schedule="cosine"),
            dict(schedule="warmup"), dict(activation="relu"), dict(activation="sigmoid"),
            dict(loss="mse"), dict(dtype="float32"), dict(val=True), dict(val=True, val_every=10),
            dict(record="all"))],
        "batched_options": [replace(base, K=16, n=200, **kw) for kw in (
            {}, dict(optimizer="adam"), dict(weight_decay=1e-3), dict(penalty="l1", lam=1e-3),
            dict(clip="value", clip_threshold=0.1), dict(clip="norm", clip_threshold=0.5),
            dict(schedule="cosine"), dict(dtype="float32"), dict(val=True),
            dict(record="all"))],
        "float32": [replace(base, sizes=s, n=n, K=K, dtype="float32", optimizer="adamw")
                    for s, n, K in (((10, 256, 256, 1), 1024, None), ((10, 64, 64, 1), 512, 16))],
        "models": [replace(base, model="norm", sizes=(2, 32, 32, 1)),
                   replace(base, model="norm", sizes=(2, 32, 32, 1), K=16),
                   replace(base, model="rnn", sizes=(1, 16, 1), T=10, loss="mse"),
                   replace(base, model="rnn", sizes=(1, 16, 1), T=10, K=16, loss="mse"),
                   # lr 0.01: at 0.05 this run is chaotic (one ulp in the start moves the
                   # final loss 2 %), so no two libraries could agree on it
                   replace(base, model="rnn", sizes=(1, 64, 1), T=30, n=512, loss="mse",
                           lr=0.01)],
    }
    for name, cases in groups.items():
        if only is None or name in only:
            yield name, cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default=None, help="comma-separated groups")
    ap.add_argument("--clock", choices=tuple(CLOCKS), default="wall")
    ap.add_argument("--no-jax", action="store_true")
    args = ap.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    torch = torch_or_none()
    jax = None if args.no_jax else jax_or_none()
    print(f"one thread per library; {args.clock} clock; {args.rounds} interleaved rounds, "
          f"medians; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    only = set(args.only.split(",")) if args.only else None
    for name, cases in sweep(only):
        print(f"\n== {name} ==")
        for case in cases:
            show(race(case, torch, jax, args.rounds))
    if only is None or "loop" in only:
        batched_vs_loop(args.rounds)


if __name__ == "__main__":
    main()
