"""Same bits before and after a speed change: dump the library's results, compare two dumps.

A change made for speed must not move a single bit of any result (lessons quote numbers that
depend on them; CONTRIBUTING.md, "Ground rules"). Dump before the change, dump after, compare::

    python benchmarks/same_bits.py dump /tmp/before.npz      # (with the old code)
    python benchmarks/same_bits.py dump /tmp/after.npz       # (with the new code)
    python benchmarks/same_bits.py compare /tmp/before.npz /tmp/after.npz

``compare`` passes only when both dumps hold the same names and every array has the same dtype,
shape and bytes (exit status 1 otherwise, naming the first differences). What is dumped (~29 000
arrays, ~15 s): ``fit``'s final parameters and every History row for every named optimizer
(one model and K = 3) × decay, each penalty (gradient and proximal), max-norm, clipping by
value and by norm, an lr schedule, minibatches, validation every k steps, float32 and float64,
``record`` "loss" and "all"; other activations, a linear model, NormMLP and RNN; divergence
(one model and K models stopping one by one, each ``Divergence`` threshold); optimizer and
penalty objects, dict λ, masks, damping, Nesterov; every schedule on lr with decay; the bare
optimizers on a parameter dict (state included); a batched run in blocks with the workspace;
``forward``, ``forward_cache``, ``backward`` and ``loss_and_grad`` of every model; the tasks'
shared routines; every dashboard's ``compute`` at its defaults and at each control's test
positions (``tests/test_live.positions``). Asserts nothing itself; run from the repository root.
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def flatten(prefix: str, obj, out: dict) -> None:
    """``obj`` (arrays, numbers, strings, dicts, sequences, dataclasses) as named arrays."""
    if obj is None:
        out[prefix + "#none"] = np.array(0)
    elif isinstance(obj, np.ndarray):
        out[prefix] = obj
    elif isinstance(obj, (bool, np.bool_)):
        out[prefix + "#bool"] = np.array(bool(obj))
    elif isinstance(obj, (int, float, np.number)):
        out[prefix] = np.asarray(obj)
    elif isinstance(obj, str):
        out[prefix + "#str"] = np.array(obj)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            flatten(f"{prefix}/{k}", v, out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            flatten(f"{prefix}/{i}", v, out)
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            flatten(f"{prefix}/{f.name}", getattr(obj, f.name), out)
    elif callable(obj):
        out[prefix + "#callable"] = np.array(0)
    else:
        out[prefix + "#repr"] = np.array(repr(obj))


def _fit_runs(put) -> None:
    from wdlib import data, loop, models, optim, penalties, schedules, train
    from wdlib.tasks import schedule_menu

    ds = data.two_moons(n=60, n_val=50, noise=0.35, seed=0)
    mlp = models.MLP((2, 8, 6, 1), activation="tanh")
    nets = {"relu": models.MLP((2, 8, 6, 1), activation="relu"),
            "sig": models.MLP((2, 5, 1), activation="sigmoid"), "lin": models.linear(2),
            "norm": models.NormMLP((2, 8, 1), activation="tanh")}
    cosine = schedules.cosine(0.1, 40, 1e-3)
    configs = {
        "plain": {}, "wd": dict(weight_decay=1e-2), "l2": dict(penalty="l2", lam=1e-2),
        "l1prox": dict(penalty="l1", lam=1e-3, prox=True), "l1": dict(penalty="l1", lam=1e-3),
        "en": dict(penalty="elastic_net", lam=1e-3), "maxnorm": dict(penalty="max_norm", lam=1.0),
        "clipv": dict(clip="value", clip_threshold=0.05),
        "clipn": dict(clip="norm", clip_threshold=0.1), "sched": dict(lr=cosine),
        "batch": dict(batch_size=16, data_seed=3), "val7": dict(val_every=7),
        "wd_l2_clipn": dict(weight_decay=1e-2, penalty="l2", lam=1e-3, clip="norm"),
    }
    for opt, (cname, cfg), K, dtype, record in itertools.product(
            optim.OPTIMIZERS, configs.items(), [None, 3], ["float64", "float32"], ["loss", "all"]):
        kw = dict(cfg)
        lr = kw.pop("lr", 0.05 if "adam" not in opt else 0.01)
        if K is not None and callable(lr):
            kw["seed"] = np.array([0, 1, 2])
        elif K is not None:
            lr = lr * np.array([0.5, 1.0, 2.0])
        put(f"fit/{opt}/{cname}/{K}/{dtype}/{record}",
            train.fit(mlp, ds, loss="bce", optimizer=opt, lr=lr, steps=40, record=record,
                      dtype=dtype, **kw))
    for name, opt, cname, K, record in itertools.product(
            nets, ["sgd", "momentum", "adam", "adamw"], ["plain", "wd", "l2", "clipn", "l1prox"],
            [None, 4], ["loss", "all"]):
        lr = 0.05 if K is None else np.array([0.01, 0.05, 0.2, 0.5])
        put(f"nets/{name}/{opt}/{cname}/{K}/{record}",
            train.fit(nets[name], ds, loss="mse", optimizer=opt, lr=lr, steps=30, record=record,
                      **configs[cname]))
    for opt, record in itertools.product(["sgd", "momentum", "adam"], ["loss", "all"]):
        for rule in [loop.NONFINITE, loop.Divergence(max_loss=5.0),
                     loop.Divergence(max_growth=3.0)]:
            put(f"diverge/K/{opt}/{record}/{rule.rule}",
                train.fit(mlp, ds, loss="mse", optimizer=opt, lr=np.array([0.1, 30.0, 1e3]),
                          steps=60, record=record, divergence=rule,
                          init_scale=np.array([1.0, 3.0, 5.0])))
            put(f"diverge/one/{opt}/{record}/{rule.rule}",
                train.fit(mlp, ds, loss="mse", optimizer=opt, lr=50.0, steps=60, record=record,
                          divergence=rule))
    objects = {
        "sgd_obj": dict(optimizer=optim.sgd(0.05, momentum=0.9, weight_decay=1e-3)),
        "sgd_damp": dict(optimizer=optim.sgd(0.05, momentum=0.5, dampening=0.3)),
        "sgd_mask": dict(optimizer=optim.sgd(0.05, momentum=0.9, weight_decay=1e-2, mask=["W1"])),
        "adam_dictwd": dict(optimizer=optim.adamw(1e-2, weight_decay={"W1": 0.1, "b2": 0.2})),
        "chain": dict(optimizer=optim.chain(optim.clip_by_value(0.1),
                                            optim.sgd(0.05, momentum=0.9))),
        "penobj": dict(penalty=penalties.L2(1e-2)), "lamdict": dict(penalty="l2", lam={"W1": 1e-2}),
        "wdsched": dict(weight_decay=lambda t: 1e-3 * (t % 5)),
        "momentum0": dict(optimizer="momentum", momentum=0.0),
        "mom_k": dict(optimizer="momentum", momentum=np.array([0.0, 0.5, 0.9])),
        "wd_k": dict(optimizer="sgd", weight_decay=np.array([0.0, 1e-2, 1e-1])),
        "adam_wd_k": dict(optimizer="adam", lr=1e-2, weight_decay=np.array([0.0, 1e-2, 1e-1])),
        "lam_k": dict(penalty="l2", lam=np.array([0.0, 1e-2, 1e-1])),
        "warmup": dict(optimizer="momentum",
                       lr=schedule_menu.make_schedule("warmup+cosine", 0.1, 5, 40)),
        "k1": dict(optimizer="nesterov", lr=np.array([0.02]), weight_decay=np.array([1e-2])),
    }
    for (cname, kw), record, dtype in itertools.product(
            objects.items(), ["loss", "all"], ["float64", "float32"]):
        put(f"objects/{cname}/{record}/{dtype}",
            train.fit(mlp, ds, loss="bce", steps=40, record=record, dtype=dtype, **kw))
    every_schedule = {
        "step": schedules.step_decay(0.1, 10, 0.5), "exp": schedules.exponential(0.1, 0.97),
        "inv": schedules.inverse_time(0.1, 0.1, 2), "cos": cosine,
        "warm": schedules.warmup(0.1, 10), "wcos": schedules.warmup_cosine(0.1, 5, 40),
        "restart": schedules.cosine_warm_restarts(0.1, 8, 2),
        "join": schedules.join([schedules.constant(0.05), schedules.cosine(0.05, 30)], [10]),
    }
    for (sname, sch), opt, dtype in itertools.product(
            every_schedule.items(), ["sgd", "momentum", "adamw", "sgdw"], ["float64", "float32"]):
        lr = sch if "adam" not in opt else (lambda t, s=sch: 0.1 * s(t))
        put(f"schedules/{sname}/{opt}/{dtype}",
            train.fit(mlp, ds, loss="bce", optimizer=opt, lr=lr, steps=40, record="all",
                      dtype=dtype, weight_decay=1e-2))
        put(f"schedules/{sname}/values", sch(np.arange(60)))
    rnn, seq = models.RNN(n_in=1, n_hidden=6, n_out=1), data.sequence(n=32, n_val=16, T=8, seed=0)
    for opt, clip in itertools.product(["sgd", "adamw"], [None, "norm", "value"]):
        put(f"rnn/{opt}/{clip}", train.fit(rnn, seq, loss="mse", optimizer=opt, lr=0.05,
                                           steps=20, record="all", clip=clip))
    big, moons = models.MLP((2, 32, 32, 1)), data.two_moons(n=200, n_val=200, seed=1)
    for dtype in ["float64", "float32"]:                  # K models in blocks, the workspace
        put(f"blocks/{dtype}", train.fit(big, moons, loss="bce", optimizer="adamw",
                                         lr=np.geomspace(1e-3, 1e-1, 12), weight_decay=1e-2,
                                         steps=15, record="all", dtype=dtype))
    for (name, net), K in itertools.product({"tanh": mlp, **nets}.items(), [None, 3]):
        p = net.init(seed=1, K=K)
        yhat, cache = net.forward_cache(p, ds.X)
        put(f"model/{name}/{K}", dict(forward=net.forward(p, ds.X_val), cached=yhat,
                                      layers=net.layer_activations(cache),
                                      backward=net.backward(p, cache, np.cos(yhat)),
                                      loss_and_grad=net.loss_and_grad(p, ds.X, ds.y, "bce")))


def _bare_optimizers(put) -> None:
    from wdlib import optim, penalties, schedules

    rng = np.random.default_rng(5)
    start = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4), "W2": rng.normal(size=(4, 1))}
    recipes = {
        "sgd_nesterov": optim.sgd(0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
        "sgd_damp": optim.sgd(0.05, momentum=0.8, dampening=0.5),
        "adam": optim.adam(0.05, weight_decay=1e-2), "adamw": optim.adamw(0.05),
        "sgdw": optim.sgdw(0.05, momentum=0.9, weight_decay=1e-3,
                           multiplier=schedules.cosine(1.0, 20)),
        "adamw_paper": optim.adamw_paper(0.05, weight_decay=1e-3,
                                         multiplier=schedules.warmup(1.0, 5)),
        "clip_norm": optim.chain(optim.clip_by_global_norm(0.5), optim.sgd(0.1, momentum=0.9)),
        "penalty": optim.chain(optim.add_penalty_grad(penalties.ElasticNet(1e-2, l1_ratio=0.3)),
                               optim.adam(0.05)),
        "scale": optim.chain(optim.scale(0.5), optim.scale_by_lr(0.1)),
    }
    for (name, opt), dtype in itertools.product(recipes.items(), [np.float64, np.float32]):
        p = {k: v.astype(dtype) for k, v in start.items()}
        state = opt.init(p)
        for t in range(25):
            updates, state = opt.update({k: np.sin(v * (t + 1)) for k, v in p.items()}, state, p)
            p = optim.apply_updates(p, updates)
        put(f"bare/{name}/{dtype.__name__}", (p, state))


def _tasks(put) -> None:
    from wdlib import optim
    from wdlib.tasks import classification, normalized, surfaces

    for args in [("momentum", "l2", 1e-2, 10 ** -0.5, 80, 0, True, 2),
                 ("sgd", "none", 0.0, 0.1, 100, 1, True, 1),
                 ("adam", "l1", 1e-3, 1e-2, 50, 2, False, 1),
                 ("momentum", "l2", 1.0, 10.0, 80, 0, True, 2)]:
        put(f"tasks/playground/{args}", classification.train_playground(*args))
    for lr, momentum, batch in itertools.product([0.1, 3.0], [0.0, 0.9], [None, 32]):
        put(f"tasks/mlp_run/{lr}/{momentum}/{batch}",
            classification.mlp_run(lr, momentum, batch))
    for opt in normalized.OPTIMIZERS:
        put(f"tasks/normalized/{opt}", normalized.train(opt, np.array([0.01, 0.1]),
                                                        np.array([1e-3, 1e-2]), steps=50))
    for (i, opt), clip in itertools.product(
            enumerate([optim.sgd(0.05), optim.sgd(0.05, momentum=0.9), optim.adam(0.1)]),
            ["none", "value", "norm"]):
        put(f"tasks/bowl/{i}/{clip}", surfaces.descend(surfaces.bowl, surfaces.BOWL_START, opt,
                                                      60, clip, 1.0, surfaces.BOWL_DIVERGENCE))
        put(f"tasks/cliff/{i}/{clip}", surfaces.descend(surfaces.cliff, surfaces.CLIFF_START,
                                                       opt, 60, clip, 1.0))


def _dashboards(put) -> None:
    from wdlib import live

    sys.path.insert(0, str(ROOT / "tests"))
    from test_live import positions  # the positions the dashboards' tests move to

    for name, factory in sorted(live.catalog().items()):
        dash = factory()
        put(f"dash/{name}/defaults", dash.compute(dict(dash.defaults)))
        for key, widget in dash.controls.items():
            for value in positions(widget):
                put(f"dash/{name}/{key}={value!r}", dash.compute({**dash.defaults, key: value}))


def dump(path: str) -> None:
    out: dict = {}

    def put(name, obj):
        flatten(name, obj, out)

    warnings.filterwarnings("ignore")
    for part in (_fit_runs, _bare_optimizers, _tasks, _dashboards):
        part(put)
    np.savez_compressed(path, **out)
    print(f"{len(out)} arrays written to {path}")


def compare(a_path: str, b_path: str) -> int:
    a, b = np.load(a_path, allow_pickle=False), np.load(b_path, allow_pickle=False)
    differ = sorted(set(a.files) ^ set(b.files))
    for name in sorted(set(a.files) & set(b.files)):
        x, y = a[name], b[name]
        if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
            differ.append(name)
    if differ:
        print(f"{len(differ)} of {len(set(a.files) | set(b.files))} arrays differ (or are in "
              f"one dump only), e.g.:", *differ[:20], sep="\n  ")
        return 1
    print(f"identical: {len(a.files)} arrays (dtype, shape and bytes)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "dump":
        dump(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
