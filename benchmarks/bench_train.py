"""Training speed: K models batched vs a Python loop over K runs, single-model fit, and PyTorch.

Run: `python benchmarks/bench_train.py` (or `make bench`). Prints figures; asserts nothing.
Targets (ARCHITECTURE.md): batched >= 5x faster per model at K = 32 on lesson sizes, never
slower than the loop at any K; wdlib `fit` faster than the same loop in PyTorch CPU.
"""

from __future__ import annotations

import time

import numpy as np

from wdlib import allocator, data, models, train


def best_of(fn, repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def batched_vs_loop(name, model, ds, K, **kw):
    lrs = np.logspace(-2, -0.5, K)
    t_batched = best_of(lambda: train.fit(model, ds, lr=lrs, **kw))
    t_loop = best_of(lambda: [train.fit(model, ds, lr=float(lr), **kw) for lr in lrs], repeat=1)
    print(f"{name:<34} K={K:>4}  batched {1e3 * t_batched / K:8.3f} ms/model   "
          f"loop {1e3 * t_loop / K:8.3f} ms/model   speed-up {t_loop / t_batched:6.1f}x")
    return t_loop / t_batched


def bench_torch(ds, steps=300):
    try:
        import torch
    except ImportError:
        print("PyTorch not installed: skipping the comparison (pip install torch)")
        return
    torch.set_num_threads(1)
    X = torch.tensor(ds.X)
    y = torch.tensor(ds.y)

    def torch_loop():
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64),
                                  torch.nn.Tanh(), torch.nn.Linear(64, 1)).double()
        opt = torch.optim.SGD(net.parameters(), lr=0.1)
        lossf = torch.nn.BCEWithLogitsLoss()
        for _ in range(steps):
            opt.zero_grad()
            loss = lossf(net(X), y)
            loss.backward()
            opt.step()

    mlp = models.MLP((2, 64, 64, 1), activation="tanh")
    t_w = best_of(lambda: train.fit(mlp, ds.X, ds.y, loss="bce", lr=0.1, steps=steps,
                                    record="loss"))
    t_t = best_of(torch_loop)
    print(f"{'2->64->64->1 MLP, 300 full-batch SGD steps':<44} wdlib {1e3 * t_w:7.1f} ms   "
          f"PyTorch CPU (1 thread) {1e3 * t_t:7.1f} ms   wdlib is {t_t / t_w:4.1f}x faster")


def main():
    allocator.keep_freed_memory()      # as the dashboards do: batched steps reuse temporaries
    moons = data.two_moons(n=200, n_val=200, noise=0.2, seed=0)
    mlp = models.MLP((2, 32, 32, 1), activation="tanh")
    mlp_kw = dict(loss="bce", steps=300, record="loss")
    poly = data.polynomial(n=20, n_val=200, seed=0)
    Xp = data.polynomial_features(poly.X, 12)
    Xp_val = data.polynomial_features(poly.X_val, 12)
    ridge_kw = dict(steps=300, penalty="l2", lam=1e-3, record="loss", X_val=Xp_val,
                    y_val=poly.y_val, init="zeros")
    lin = models.linear(12)

    print("== single-model fit ==")
    t = best_of(lambda: train.fit(mlp, moons, lr=0.1, **mlp_kw))
    print(f"MLP 2->32->32->1, 200 samples, 300 steps: {1e3 * t:.1f} ms "
          f"({1e6 * t / 300:.0f} us/step, record='loss')")
    t = best_of(lambda: train.fit(mlp, moons, lr=0.1, loss="bce", steps=300))
    print(f"  same with record='all':                  {1e3 * t:.1f} ms")
    t = best_of(lambda: train.fit(lin, Xp, poly.y, lr=0.1, **ridge_kw))
    print(f"degree-12 polynomial ridge by GD, 300 steps: {1e3 * t:.1f} ms")

    print("\n== K models batched vs a Python loop over K single runs ==")
    ratios = []
    for K in (2, 8, 32, 128):
        ratios.append(batched_vs_loop("MLP 2->32->32->1, 200 pts, 300 st", mlp, moons, K,
                                      **mlp_kw))
    small = data.two_moons(n=60, n_val=200, noise=0.35, seed=0)   # the weight_decay dashboard's
    for K in (2, 8, 32, 128):
        ratios.append(batched_vs_loop("MLP 2->16->16->1, 60 pts, 300 st", models.MLP(
            (2, 16, 16, 1), activation="tanh"), small, K, **mlp_kw))
    for K in (2, 8, 32, 128):
        ratios.append(batched_vs_loop("poly-12 ridge GD, 20 pts, 300 st", lin,
                                      data.Dataset(Xp, poly.y, None, None, {}), K, **ridge_kw))
    print(f"smallest speed-up over all sizes: {min(ratios):.1f}x (target: >= 1x everywhere, "
          f">= 5x at K = 32)")

    print("\n== wdlib vs PyTorch ==")
    bench_torch(moons)


if __name__ == "__main__":
    main()
