"""Training speed: wdlib against PyTorch and (when installed) JAX, and K models batched vs a loop.

Run: `python benchmarks/bench_train.py [--rounds 5] [--only ...] [--clock cpu]` (or `make bench`).
Prints figures; asserts nothing. How it measures (a shared 2-core machine is noisy, so only
ratios mean much):

* every library on ONE thread: BLAS threads are pinned through environment variables set
  before numpy/torch/jax are imported (a busy machine made 2 waiting BLAS threads 7x slower);
* contenders are interleaved: each round runs every contender once, in the same process, and
  the figures are medians over the rounds; ratios are medians of per-round ratios;
* same initial weights and data for everyone, and the final losses are printed side by side;
* ``--clock cpu`` times this process's CPU seconds instead of wall time: on a machine shared with
  other jobs, the time spent waiting for a core no longer counts (cache contention still does).
  Not for the JAX column: its runtime keeps a second thread busy (CPU time ≈ 1.4x its wall time
  on this machine), so JAX ratios are taken on the wall clock, at low load.

Rows: (1) 32 MLPs 2->32->32->1 on 200 points, AdamW, 500 steps, float64 and float32 (us per
model-step; JAX: vmap + jit of the whole loop, compile time excluded and printed; PyTorch: one
bmm-batched model); (2) one slider retrain, 2->16->16->1 on 60 points, 300 SGD steps
(wdlib vs PyTorch eager vs JAX jit); (3) K batched vs a loop of K single runs; (4) larger single
models (784->128->10 softmax, 2->256->256->1) vs PyTorch eager, with the bare matmul of each.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"                         # before numpy is imported: one BLAS thread
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                      "intra_op_parallelism_threads=1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from wdlib import allocator, data, models, train  # noqa: E402

ADAMW = dict(lr=1e-2, b1=0.9, b2=0.999, eps=1e-8, wd=1e-2)


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]      # --clock cpu: this process's CPU seconds (all its threads), which
                            # other jobs on a shared machine inflate far less than wall time


def interleaved(contenders: dict, rounds: int) -> dict[str, list[float]]:
    """Seconds per call of each contender, one call each per round, alternating."""
    times = {name: [] for name in contenders}
    for fn in contenders.values():
        fn()                                                    # warm-up (and JAX compile)
    for _ in range(rounds):
        for name, fn in contenders.items():
            t0 = clock()
            fn()
            times[name].append(clock() - t0)
    return times


def ratio(times, a, b) -> float:
    """Median over rounds of time(a) / time(b)."""
    return float(np.median(np.array(times[a]) / np.array(times[b])))


# ------------------------------------------------------------------------------ PyTorch
def torch_or_none():
    try:
        import torch
    except ImportError:
        print("(PyTorch not installed: no PyTorch column; pip install -e '.[torch]')")
        return None
    torch.set_num_threads(1)
    return torch


def torch_batched_adamw(torch, start, X, y, steps, dtype):
    """K MLPs as one bmm-batched model (weights (K, fan_in, fan_out)), torch.optim.AdamW on the
    weights (decayed) and biases (not), BCE with logits; returns the final mean loss."""
    tdt = {np.float64: torch.float64, np.float32: torch.float32}[dtype]
    P = {k: torch.tensor(v.astype(dtype), requires_grad=True) for k, v in start.items()}
    Xt, yt = torch.tensor(X.astype(dtype)), torch.tensor(y.astype(dtype))
    ws = [P[k] for k in P if k.startswith("W")]
    bs = [P[k] for k in P if k.startswith("b")]
    opt = torch.optim.AdamW([{"params": ws, "weight_decay": ADAMW["wd"]},
                             {"params": bs, "weight_decay": 0.0}], lr=ADAMW["lr"],
                            betas=(ADAMW["b1"], ADAMW["b2"]), eps=ADAMW["eps"])
    lossf = torch.nn.BCEWithLogitsLoss(reduction="none")
    L = len(ws)
    for _ in range(steps):
        opt.zero_grad()
        a = Xt.to(tdt)
        for l in range(1, L + 1):
            a = torch.matmul(a, P[f"W{l}"]) + P[f"b{l}"][:, None, :]
            if l < L:
                a = torch.tanh(a)
        per_model = lossf(a, yt.expand_as(a)).mean(dim=(1, 2))      # (K,)
        per_model.sum().backward()                                 # each model its own grad
        opt.step()
    return float(per_model.mean().detach())


def torch_single_sgd(torch, start, X, y, steps, lr, momentum):
    P = {k: torch.tensor(v, requires_grad=True) for k, v in start.items()}
    Xt, yt = torch.tensor(X), torch.tensor(y)
    opt = torch.optim.SGD(list(P.values()), lr=lr, momentum=momentum)
    lossf = torch.nn.BCEWithLogitsLoss()
    for _ in range(steps):
        opt.zero_grad()
        a = Xt
        for l in (1, 2, 3):
            a = a @ P[f"W{l}"] + P[f"b{l}"]
            if l < 3:
                a = torch.tanh(a)
        loss = lossf(a, yt)
        loss.backward()
        opt.step()
    return float(loss.detach())


# ------------------------------------------------------------------------------ JAX
def jax_or_none():
    try:
        import jax
    except ImportError:
        print("(JAX not installed: no JAX column; pip install -e '.[jax]')")
        return None
    return jax


def jax_adamw_loop(jax, start, X, y, steps, dtype, K):
    """The whole AdamW loop vmapped over K and jit-compiled (lax.fori_loop). Returns a function
    running it (compiled on first call) and reporting the final mean loss."""
    import jax.numpy as jnp
    if dtype == np.float64:
        jax.config.update("jax_enable_x64", True)
    c = ADAMW
    P0 = {k: jnp.asarray(v.astype(dtype)) for k, v in start.items()}
    Xj, yj = jnp.asarray(X.astype(dtype)), jnp.asarray(y.astype(dtype))
    L = sum(k.startswith("W") for k in start)

    def loss(p):
        a = Xj
        for l in range(1, L + 1):
            a = a @ p[f"W{l}"] + p[f"b{l}"]
            if l < L:
                a = jnp.tanh(a)
        return jnp.mean(jnp.maximum(a, 0) - a * yj + jnp.log1p(jnp.exp(-jnp.abs(a))))

    grad = jax.value_and_grad(loss)

    def one_model(p):
        def step(t, carry):
            p, m, v, _ = carry
            value, g = grad(p)
            t1 = t + 1
            m = {k: c["b1"] * m[k] + (1 - c["b1"]) * g[k] for k in p}
            v = {k: c["b2"] * v[k] + (1 - c["b2"]) * g[k] ** 2 for k in p}
            bc1, bc2 = 1 - c["b1"] ** t1, 1 - c["b2"] ** t1
            p = {k: p[k] * (1 - c["lr"] * c["wd"] * k.startswith("W"))
                 - c["lr"] * (m[k] / bc1) / (jnp.sqrt(v[k]) / jnp.sqrt(bc2) + c["eps"])
                 for k in p}
            return p, m, v, value
        zeros = {k: jnp.zeros_like(a) for k, a in p.items()}
        return jax.lax.fori_loop(0, steps, step, (p, zeros, zeros, jnp.zeros((), dtype)))[3]

    run = jax.jit(jax.vmap(one_model))

    def call():
        return float(run(P0).block_until_ready().mean())
    return call


def jax_single_sgd(jax, start, X, y, steps, lr, momentum):
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    P0 = {k: jnp.asarray(v) for k, v in start.items()}
    Xj, yj = jnp.asarray(X), jnp.asarray(y)

    def loss(p):
        a = Xj
        for l in (1, 2, 3):
            a = a @ p[f"W{l}"] + p[f"b{l}"]
            if l < 3:
                a = jnp.tanh(a)
        return jnp.mean(jnp.maximum(a, 0) - a * yj + jnp.log1p(jnp.exp(-jnp.abs(a))))

    grad = jax.value_and_grad(loss)

    @jax.jit
    def run(p):
        def step(t, carry):
            p, buf, _ = carry
            value, g = grad(p)
            buf = {k: jnp.where(t == 0, g[k], momentum * buf[k] + g[k]) for k in p}
            return {k: p[k] - lr * buf[k] for k in p}, buf, value
        zeros = {k: jnp.zeros_like(a) for k, a in p.items()}
        return jax.lax.fori_loop(0, steps, step, (p, zeros, jnp.zeros(())))[2]

    return lambda: float(run(P0).block_until_ready())


# ------------------------------------------------------------------------------ rows
def timed_compile(fn) -> tuple[callable, float]:
    t0 = time.perf_counter()
    fn()
    return fn, time.perf_counter() - t0


def row_batched(rounds, steps, torch, jax):
    K = 32
    moons = data.two_moons(n=200, n_val=200, noise=0.2, seed=0)
    mlp = models.MLP((2, 32, 32, 1), activation="tanh")
    start = mlp.init(seed=np.arange(K))
    print(f"\n== {K} MLPs 2->32->32->1, 200 points, AdamW, {steps} steps (us per model-step) ==")
    for dtype in (np.float64, np.float32):
        batched_dtype(rounds, steps, torch, jax, mlp, moons, start, dtype)


def batched_dtype(rounds, steps, torch, jax, mlp, moons, start, dtype):
    K, name, finals = start["W1"].shape[0], np.dtype(dtype).name, {}

    def ours():
        _, hist = train.fit(mlp, moons.X, moons.y, loss="bce", optimizer="adamw",
                            lr=np.full(K, ADAMW["lr"]), weight_decay=ADAMW["wd"],
                            steps=steps, params=start, record="loss", dtype=name)
        finals["wdlib"] = float(np.mean(hist.train_loss[-1]))
    contenders = {"wdlib": ours}
    if torch is not None:
        contenders["PyTorch bmm"] = lambda: finals.__setitem__(
            "PyTorch bmm", torch_batched_adamw(torch, start, moons.X, moons.y, steps, dtype))
    compile_s = None
    if jax is not None:
        call = jax_adamw_loop(jax, start, moons.X, moons.y, steps, dtype, K)
        _, compile_s = timed_compile(call)
        contenders["JAX vmap+jit"] = lambda: finals.__setitem__("JAX vmap+jit", call())
    times = interleaved(contenders, rounds)
    for c, ts in times.items():
        note = f" (compile {compile_s:.2f} s, excluded)" if c.startswith("JAX") else ""
        rel = "" if c == "wdlib" else f"   wdlib/{c} = {ratio(times, 'wdlib', c):.2f}x"
        print(f"  {name}  {c:<14} {1e6 * np.median(ts) / (K * steps):7.1f} us  "
              f"final loss {finals.get(c, float('nan')):.4f}{rel}{note}")


def row_slider(rounds, torch, jax):
    from wdlib.live import framework
    from wdlib.tasks.classification import PLAYGROUND_MLP, PLAYGROUND_MOONS, moons
    ds = moons(PLAYGROUND_MOONS)                 # the weight_decay dashboard's task
    start = PLAYGROUND_MLP.init(seed=0)
    lr, steps = 10 ** -0.5, 300
    print(f"\n== one slider retrain: 2->16->16->1, 60 points, {steps} SGD+momentum steps ==")
    contenders = {
        "wdlib": lambda: train.fit(PLAYGROUND_MLP, ds.X, ds.y, loss="bce", optimizer="momentum",
                                   lr=lr, steps=steps, params=start, record="loss"),
        "wdlib + val (dashboard)": lambda: train.fit(
            PLAYGROUND_MLP, ds, loss="bce", optimizer="momentum", lr=lr, steps=steps, params=start,
            record="loss", val_every=framework.val_every(steps)),
        "wdlib + val every step": lambda: train.fit(
            PLAYGROUND_MLP, ds, loss="bce", optimizer="momentum", lr=lr, steps=steps, params=start,
            record="loss"),
    }
    if torch is not None:
        contenders["PyTorch eager"] = lambda: torch_single_sgd(torch, start, ds.X, ds.y, steps,
                                                               lr, 0.9)
    compile_s = None
    if jax is not None:
        call, compile_s = timed_compile(jax_single_sgd(jax, start, ds.X, ds.y, steps, lr, 0.9))
        contenders["JAX jit"] = call
    times = interleaved(contenders, rounds)
    for c, ts in times.items():
        note = f" (compile {compile_s:.2f} s, excluded)" if c.startswith("JAX") else ""
        rel = "" if c == "wdlib" else f"   {c}/wdlib = {ratio(times, c, 'wdlib'):.2f}x"
        print(f"  {c:<26} {1e3 * np.median(ts):7.1f} ms{rel}{note}")


def torch_single_fit(torch, start, X, y, steps, optimizer, loss, lr):
    """One model in PyTorch eager, as ``fit`` trains it: tanh hidden layers, AdamW (weights
    decayed 1e-2, biases not) or SGD with momentum 0.9; returns the last loss."""
    P = {k: torch.tensor(v, requires_grad=True) for k, v in start.items()}
    Xt, yt = torch.tensor(X), torch.tensor(y)
    ws, bs = [P[k] for k in P if k.startswith("W")], [P[k] for k in P if k.startswith("b")]
    opt = (torch.optim.AdamW([{"params": ws, "weight_decay": 1e-2},
                              {"params": bs, "weight_decay": 0.0}], lr=lr)
           if optimizer == "adamw" else torch.optim.SGD(ws + bs, lr=lr, momentum=0.9))
    lossf = (torch.nn.CrossEntropyLoss() if loss == "softmax_ce"
             else torch.nn.BCEWithLogitsLoss())
    L = len(ws)
    for _ in range(steps):
        opt.zero_grad()
        a = Xt
        for l in range(1, L + 1):
            a = a @ P[f"W{l}"] + P[f"b{l}"]
            if l < L:
                a = torch.tanh(a)
        loss_t = lossf(a, yt)
        loss_t.backward()
        opt.step()
    return float(loss_t.detach())


def row_single_sizes(rounds, torch):
    """Larger single models, where BLAS does most of the work: wdlib (NumPy's OpenBLAS) vs
    PyTorch eager (its own BLAS, MKL on x86 wheels), and the bare matmul of the largest layer,
    which says how much of the difference is the BLAS library rather than either framework."""
    if torch is None:
        return
    print("\n== one larger model, 100 steps (float64): wdlib vs PyTorch eager ==")
    rng = np.random.default_rng(0)
    for sizes, n, loss in (((784, 128, 10), 512, "softmax_ce"), ((2, 256, 256, 1), 500, "bce")):
        X = rng.normal(size=(n, sizes[0]))
        y = (rng.integers(0, sizes[-1], n) if loss == "softmax_ce"
             else (X[:, :1] > 0).astype(float))
        mlp = models.MLP(sizes)
        start = mlp.init(seed=0)
        for opt, lr in (("adamw", 1e-3), ("momentum", 1e-2)):
            single_vs_torch(torch, mlp, start, X, y, loss, opt, lr, rounds)
        W = max((start[k] for k in mlp.weight_keys), key=np.size)     # the largest layer
        bare_matmul(torch, rng.normal(size=(n, W.shape[0])), W, rounds)


def single_vs_torch(torch, mlp, start, X, y, loss, opt, lr, rounds):
    kw = dict(weight_decay=1e-2) if opt == "adamw" else {}
    last = {}

    def ours():
        _, hist = train.fit(mlp, X, y, loss=loss, optimizer=opt, lr=lr, steps=100,
                            params=start, record="loss", **kw)
        last["wdlib"] = float(hist.train_loss[-1])

    times = interleaved({
        "wdlib": ours,
        "PyTorch": lambda: last.__setitem__(
            "PyTorch", torch_single_fit(torch, start, X, y, 100, opt, loss, lr))}, rounds)
    print(f"  {'->'.join(map(str, mlp.sizes)):<14} n={len(X):<4} {opt:<8} wdlib "
          f"{1e3 * np.median(times['wdlib']):6.1f} ms  PyTorch "
          f"{1e3 * np.median(times['PyTorch']):6.1f} ms  PyTorch/wdlib = "
          f"{ratio(times, 'PyTorch', 'wdlib'):.2f}x   last loss {last['wdlib']:.6f} vs "
          f"{last['PyTorch']:.6f}")
    if not np.isclose(last["wdlib"], last["PyTorch"], rtol=1e-6):   # the same computation?
        print("  !! the two runs differ: the timing compares different computations")


def bare_matmul(torch, A, W, rounds):
    At, Wt = torch.tensor(A), torch.tensor(W)
    times = interleaved({"numpy": lambda: [A @ W for _ in range(20)],
                         "torch": lambda: [At @ Wt for _ in range(20)]}, rounds)
    print(f"  {'':<14} bare A @ W, {A.shape} x {W.shape}: torch/numpy = "
          f"{ratio(times, 'torch', 'numpy'):.2f}x")


def row_batched_vs_loop(rounds):
    print("\n== K models batched vs a Python loop of K single runs (float64) ==")
    moons = data.two_moons(n=200, n_val=200, noise=0.2, seed=0)
    small = data.two_moons(n=60, n_val=200, noise=0.35, seed=0)
    poly = data.polynomial(n=20, n_val=200, seed=0)
    Xp = data.polynomial_features(poly.X, 12)
    cases = [("MLP 2->32->32->1, 200 pts", models.MLP((2, 32, 32, 1)), moons.X, moons.y,
              dict(loss="bce", steps=300, record="loss")),
             ("MLP 2->16->16->1, 60 pts", models.MLP((2, 16, 16, 1)), small.X, small.y,
              dict(loss="bce", steps=300, record="loss")),
             ("poly-12 ridge GD, 20 pts", models.linear(12), Xp, poly.y,
              dict(steps=300, penalty="l2", lam=1e-3, record="loss", init="zeros"))]
    for label, model, X, y, kw in cases:
        for K in (8, 32):
            versus_loop(label, model, X, y, kw, K, max(1, rounds // 2))


def versus_loop(label, model, X, y, kw, K, rounds):
    lrs = np.logspace(-2, -0.5, K)
    times = interleaved({
        "batched": lambda: train.fit(model, X, y, lr=lrs, **kw),
        "loop": lambda: [train.fit(model, X, y, lr=float(v), **kw) for v in lrs]}, rounds)
    print(f"  {label:<28} K={K:>3}  batched {1e3 * np.median(times['batched']) / K:7.3f}"
          f" ms/model  loop {1e3 * np.median(times['loop']) / K:7.3f} ms/model  "
          f"speed-up {ratio(times, 'loop', 'batched'):5.1f}x")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=500, help="steps of the batched AdamW row")
    ap.add_argument("--only", choices=("batched", "slider", "loop", "sizes"), default=None)
    ap.add_argument("--clock", choices=tuple(CLOCKS), default="wall",
                    help="wall time (default) or this process's CPU time")
    ap.add_argument("--keep-freed-memory", action="store_true",
                    help="tune glibc as the dashboards do (wdlib.allocator); off by default, as "
                         "in anyone's own script")
    args = ap.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    if args.keep_freed_memory:         # as the dashboards do; a plain script does not
        allocator.keep_freed_memory()
    torch, jax = torch_or_none(), jax_or_none()
    print(f"one thread per library; {args.clock} clock; {args.rounds} interleaved rounds, "
          f"medians; glibc {'tuned' if args.keep_freed_memory else 'default'}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.only in (None, "batched"):
        row_batched(args.rounds, args.steps, torch, jax)
    if args.only in (None, "slider"):
        row_slider(args.rounds, torch, jax)
    if args.only in (None, "loop"):
        row_batched_vs_loop(args.rounds)
    if args.only in (None, "sizes"):
        row_single_sizes(args.rounds, torch)


if __name__ == "__main__":
    main()
