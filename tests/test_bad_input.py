"""A common check every public function gets for free (scikit-learn's idea): each argument of a
valid call, replaced in turn by a bad value (NaN, inf, a negative, a string, None, a bool, a
list, a 2-D array, a complex, an object, an empty array, ...), either still gives a result (the
value is valid there: a list is a K-array, 0 a valid λ, 1e300 a valid if overflowing b) or
raises a ValueError whose message names the argument. Never an IndexError, OverflowError,
AttributeError or NumPy's own message. The table holds one valid call per function; a new
public function belongs in it."""

import re

import numpy as np
import pytest

from wdlib import (
    classroom,
    clipping,
    data,
    diagnostics,
    init,
    loop,
    losses,
    models,
    optim,
    penalties,
    plots,
    schedules,
    solvers,
    train,
)
from wdlib.exercises import lesson00
from wdlib.tasks import (
    classification,
    normalized,
    regression,
    schedule_menu,
    sparse,
    surfaces,
)

rng = np.random.default_rng(0)
X, Y = rng.normal(size=(20, 3)), rng.normal(size=20)
NET = models.MLP((3, 4, 1))
P = NET.init(seed=0)
G = {k: np.ones_like(v) for k, v in P.items()}

BAD = {"nan": float("nan"), "inf": float("inf"), "negative": -1.0, "zero": 0,
       "string": "abc", "None": None, "bool": True, "list": [1, 2], "2-D": np.ones((2, 2)),
       "3-D": np.ones((2, 2, 2)), "huge": 1e300, "complex": 1 + 2j, "non-integer": 2.5,
       "object": object(), "negative int": -3, "empty": np.array([]),
       "NaN in array": np.array([1.0, np.nan]), "dict": {"a": 1}}

CALLS = {
    "data.polynomial": (data.polynomial, dict(n=20, n_val=200, degree=3, noise=0.2, seed=0)),
    "data.polynomial_features": (data.polynomial_features, dict(x=np.linspace(-1, 1, 5),
                                                                degree=3)),
    "data.legendre_features": (data.legendre_features, dict(x=np.linspace(-1, 1, 5), degree=3)),
    "data.sparse_linear": (data.sparse_linear, dict(n=100, n_val=200, d=20, k=5, noise=0.1,
                                                    correlation=0.0, seed=0)),
    "data.two_moons": (data.two_moons, dict(n=200, n_val=200, noise=0.2, seed=0)),
    "data.spirals": (data.spirals, dict(n=200, n_val=200, noise=0.2, turns=1.5, seed=0)),
    "data.sequence": (data.sequence, dict(n=16, n_val=16, T=5, noise=0.5, seed=0)),
    "data.kfold": (data.kfold, dict(n=20, k=5, seed=0)),
    "data.split": (data.split, dict(X=X, y=Y, val_fraction=0.2, seed=0)),
    "models.MLP": (models.MLP, dict(sizes=(2, 3, 1), activation="tanh")),
    "models.NormMLP": (models.NormMLP, dict(sizes=(2, 3, 1), activation="tanh", eps=1e-5)),
    "models.RNN": (models.RNN, dict(n_in=1, n_hidden=4, n_out=1)),
    "models.linear": (models.linear, dict(d_in=3, d_out=1)),
    "MLP.init": (NET.init, dict(seed=0)),
    "losses.mse": (losses.mse, dict(yhat=np.zeros((20, 1)), y=Y)),
    "losses.binary_cross_entropy": (losses.binary_cross_entropy,
                                    dict(logits=np.zeros((20, 1)), y=(Y > 0) * 1.0)),
    "losses.softmax_cross_entropy": (losses.softmax_cross_entropy,
                                     dict(logits=np.zeros((20, 3)), y=np.arange(20) % 3)),
    "losses.accuracy": (losses.accuracy, dict(logits=np.zeros((20, 1)), y=(Y > 0) * 1.0)),
    "losses.get": (losses.get, dict(name="mse")),
    "penalties.L2": (penalties.L2, dict(lam=0.1)),
    "penalties.L1": (penalties.L1, dict(lam=0.1)),
    "penalties.ElasticNet": (penalties.ElasticNet, dict(lam=0.1, l1_ratio=0.5)),
    "penalties.MaxNorm": (penalties.MaxNorm, dict(c=1.0)),
    "penalties.soft_threshold": (penalties.soft_threshold, dict(w=np.ones(3), t=0.1)),
    "optim.sgd": (optim.sgd, dict(lr=0.1, momentum=0.0, dampening=0.0, nesterov=False,
                                  weight_decay=0.0)),
    "optim.adam": (optim.adam, dict(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0)),
    "optim.adamw": (optim.adamw, dict(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.01)),
    "optim.adamw_paper": (optim.adamw_paper, dict(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8,
                                                  weight_decay=1e-5)),
    "optim.sgdw": (optim.sgdw, dict(lr=0.1, momentum=0.0, weight_decay=0.0)),
    "optim.trace": (optim.trace, dict(momentum=0.9, dampening=0.0, nesterov=False)),
    "optim.clip_by_value": (optim.clip_by_value, dict(clip_value=1.0)),
    "optim.clip_by_global_norm": (optim.clip_by_global_norm, dict(max_norm=1.0)),
    "optim.scale": (optim.scale, dict(factor=0.5)),
    "optim.scale_by_lr": (optim.scale_by_lr, dict(lr=0.5)),
    "optim.add_decayed_weights": (optim.add_decayed_weights, dict(weight_decay=0.1)),
    "optim.get": (optim.get, dict(name="sgd", lr=0.1)),
    "schedules.constant": (schedules.constant, dict(value=0.1)),
    "schedules.cosine": (schedules.cosine, dict(base=0.1, total_steps=100, min_value=0.0)),
    "schedules.cosine_warm_restarts": (schedules.cosine_warm_restarts,
                                       dict(base=0.1, T_0=10, T_mult=1, min_value=0.0)),
    "schedules.exponential": (schedules.exponential, dict(base=0.1, gamma=0.9)),
    "schedules.inverse_time": (schedules.inverse_time, dict(base=0.1, decay_rate=0.5,
                                                            decay_steps=1)),
    "schedules.step_decay": (schedules.step_decay, dict(base=0.1, step_size=10, gamma=0.1)),
    "schedules.warmup": (schedules.warmup, dict(peak=0.1, warmup_steps=10, start=0.0)),
    "schedules.warmup_cosine": (schedules.warmup_cosine, dict(peak=0.1, warmup_steps=10,
                                                              total_steps=100, min_value=0.0,
                                                              start=0.0)),
    "clipping.clip_by_value": (clipping.clip_by_value, dict(grads=G, clip_value=1.0)),
    "clipping.clip_by_global_norm": (clipping.clip_by_global_norm, dict(grads=G, max_norm=1.0)),
    "clipping.global_norm": (clipping.global_norm, dict(grads=G)),
    "solvers.ridge": (solvers.ridge, dict(X=X, y=Y, lam=0.1)),
    "solvers.lasso": (solvers.lasso, dict(X=X, y=Y, lam=0.1)),
    "solvers.elastic_net": (solvers.elastic_net, dict(X=X, y=Y, lam=0.1, l1_ratio=0.5)),
    "solvers.lam_max": (solvers.lam_max, dict(X=X, y=Y)),
    "solvers.lasso_path": (solvers.lasso_path, dict(X=X, y=Y, num=5, eps=1e-3)),
    "solvers.shrinkage_factors": (solvers.shrinkage_factors, dict(X=X, lam=0.1)),
    "solvers.max_norm": (solvers.max_norm, dict(X=X, y=Y, c=1.0)),
    "solvers.objective": (solvers.objective, dict(X=X, y=Y, w=np.zeros(3), b=0.0, lam=0.1,
                                                  l1_ratio=0.0)),
    "train.fit": (train.fit, dict(model=NET, X=X, y=Y, loss="mse", optimizer="sgd", lr=0.1,
                                  steps=3)),
    "train.fit (adamw)": (train.fit, dict(model=NET, X=X, y=Y, optimizer="adamw", lr=0.1,
                                          weight_decay=0.1, steps=3)),
    "train.fit (penalty, clip, minibatches)": (train.fit, dict(
        model=NET, X=X, y=Y, lr=0.1, penalty="l2", lam=0.1, steps=3, clip="norm",
        clip_threshold=1.0, batch_size=5, seed=0)),
    "train.grid": (train.grid, dict(lr=np.array([0.1, 0.2]))),
    "diagnostics.grad_check": (diagnostics.grad_check, dict(
        f=lambda p: NET.loss_and_grad(p, X, Y), params=P, eps=1e-6)),
    "diagnostics.update_ratio": (diagnostics.update_ratio, dict(params=P, updates=G)),
    "diagnostics.layer_stats": (diagnostics.layer_stats, dict(model=NET, params=P, X=X, y=Y)),
    "init.normal": (init.normal, dict(std=1.0)),
    "loop.Divergence": (loop.Divergence, dict(max_loss=1e6, max_growth=1e3)),
    "loop.minibatches": (loop.minibatches, dict(n=20, batch_size=5, seed=0)),
}

SGD, ADAMW, COSINE = optim.sgd(0.1, momentum=0.9), optim.adamw(1e-3), schedules.cosine(0.1, 100)
NORM_NET, RNN = models.NormMLP((3, 4, 1)), models.RNN(1, 4, 1)
SEQ = data.sequence(n=8, n_val=8, T=5)

#: The building blocks' methods and lower-level functions, as a lesson's code calls them.
CALLS.update({
    "MLP.forward": (NET.forward, dict(params=P, X=X)),
    "MLP.forward_cache": (NET.forward_cache, dict(params=P, X=X)),
    "MLP.loss_and_grad": (NET.loss_and_grad, dict(params=P, X=X, y=Y, loss="mse")),
    "MLP.init (all arguments)": (NET.init, dict(seed=0, K=None, init="xavier", scale=1.0,
                                                dtype="float64")),
    "NormMLP.loss_and_grad": (NORM_NET.loss_and_grad, dict(params=NORM_NET.init(seed=0), X=X,
                                                           y=Y, loss="mse")),
    "RNN.loss_and_grad": (RNN.loss_and_grad, dict(params=RNN.init(seed=0), X=SEQ.X, y=SEQ.y,
                                                  loss="mse")),
    "sgd.init": (SGD.init, dict(params=P)),
    "sgd.update": (SGD.update, dict(grads=G, state=SGD.init(P), params=P)),
    "adamw.update": (ADAMW.update, dict(grads=G, state=ADAMW.init(P), params=P)),
    "optim.apply_updates": (optim.apply_updates, dict(params=P, updates=G)),
    "optim.tap": (optim.tap, dict(observe=lambda g: None)),
    "optim.add_penalty_grad": (optim.add_penalty_grad, dict(penalty=penalties.L2(0.1))),
    "L2.value": (penalties.L2(0.1).value, dict(params=P)),
    "L2.grad": (penalties.L2(0.1).grad, dict(params=P)),
    "L1.prox": (penalties.L1(0.1).prox, dict(params=P, step=0.1)),
    "MaxNorm.prox": (penalties.MaxNorm(1.0).prox, dict(params=P)),
    "penalties.get": (penalties.get, dict(name="l2", lam=0.1)),
    "schedule(step)": (COSINE, dict(step=5)),
    "schedules.get": (schedules.get, dict(name="cosine", base=0.1, total_steps=10)),
    "schedules.join": (schedules.join, dict(schedules=[COSINE, COSINE], boundaries=[10])),
    "init.get": (init.get, dict(name="he")),
    "init.he": (init.he, dict(rng=np.random.default_rng(0), shape=(3, 4))),
    "init.zeros": (init.zeros, dict(rng=np.random.default_rng(0), shape=(3, 4))),
    "train.make_optimizer": (train.make_optimizer, dict(model=NET, optimizer="sgd", lr=0.1)),
    "train.make_penalty": (train.make_penalty, dict(kind="l2", lam=0.1)),
    "loop.run": (loop.run, dict(objective=lambda p, t: NET.loss_and_grad(p, X, Y), params=P,
                                optimizer=SGD, steps=3)),
    "losses.log_softmax": (losses.log_softmax, dict(z=np.zeros((3, 2)))),
    "losses.sigmoid": (losses.sigmoid, dict(z=np.zeros((3, 2)))),
    "data.Dataset": (data.Dataset, dict(X=X, y=Y)),
})

#: The dashboards' domain functions (``wdlib.tasks``), which lessons call too.
CALLS.update({
    "classification.init_seed": (classification.init_seed, dict(
        optimizer="sgd", penalty="l2", lam=0.01, lr=0.1, epochs=10, seed=0, same_init=True)),
    "classification.train_playground": (classification.train_playground, dict(
        optimizer="sgd", penalty="l2", lam=0.01, lr=0.1, epochs=3, seed=0, same_init=True,
        val_every=1)),
    "classification.mlp_run": (classification.mlp_run, dict(lr_t=0.1, momentum=0.9,
                                                            batch_size=None, steps=5)),
    "normalized.angle": (normalized.angle, dict(a=np.ones(5), b=np.arange(5.0))),
    "normalized.norm": (normalized.norm, dict(a=np.ones(5))),
    "normalized.box_least_squares": (normalized.box_least_squares, dict(lam=0.1, steps=10)),
    "normalized.box_problem": (normalized.box_problem, dict(noise_seed=0)),
    "normalized.predicted_angle": (normalized.predicted_angle, dict(optimizer="SGD", lr=0.1,
                                                                    lam=0.01)),
    "normalized.predicted_norm": (normalized.predicted_norm, dict(lr=0.1, lam=0.01,
                                                                  grad_tilde_sq=1.0)),
    "normalized.train": (normalized.train, dict(optimizer="SGD", lr=0.1, lam=0.01, steps=5,
                                                seed=0, data_seed=0, batch_size=32,
                                                init_scale=1.0, momentum=0.0)),
    "regression.deep_mlp": (regression.deep_mlp, dict(depth=3, width=4, activation="tanh")),
    "regression.lambda_task": (regression.lambda_task, dict(seed=0)),
    "regression.legendre_features": (regression.legendre_features, dict(
        x=np.linspace(-1, 1, 5), degree=3)),
    "regression.overfit_curve": (regression.overfit_curve, dict(seed=0)),
    "schedule_menu.make_schedule": (schedule_menu.make_schedule, dict(kind="cosine", lr=0.1,
                                                                      warmup=5, steps=100)),
    "sparse.fit_all": (sparse.fit_all, dict(rho=0.0, lam=0.1, r=0.5, c=1.0)),
    "sparse.path": (sparse.path, dict(rho=0.0, mode="l1", r=1.0)),
    "sparse.problem": (sparse.problem, dict(rho=0.0)),
    "surfaces.bowl": (surfaces.bowl, dict(w=np.array([1.0, 1.0]))),
    "surfaces.descend": (surfaces.descend, dict(loss_and_grad=surfaces.bowl,
                                                start=np.array([1.0, 1.0]), opt=optim.sgd(0.1),
                                                steps=5, clip="none", threshold=1.0)),
})

#: Where a message names the argument by the name the user knows it under.
ALIASES = {("losses.get", "name"): "loss", ("optim.get", "name"): "optimizer",
           ("init.get", "name"): "init", ("penalties.get", "name"): "penalty",
           ("train.make_penalty", "kind"): "penalty", ("classification.mlp_run", "lr_t"): "lr",
           ("normalized.train", "init_scale"): "scale",
           ("models.linear", "d_in"): "sizes[0]", ("models.linear", "d_out"): "sizes[1]"}
#: A bad value that makes another argument wrong: the message names that one.
NAMES_THE_OTHER = {(loss, "logits", shape): "y" for shape in ("2-D", "3-D")
                   for loss in ("losses.softmax_cross_entropy", "losses.accuracy")}


def names(message: str, name: str) -> bool:
    """``message`` names ``name`` as a word: not inside another (a substring test let "t" pass in
    NumPy's "operands could not be broadcast", "init" in "std must be finite", "opt" in "optim
    transform": messages that name another argument, or none)."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", message) is not None


def test_names_is_a_word_test():
    assert names("t must be >= 0", "t") and names("grads['W1'] must be", "grads")
    assert names("sizes[0] must be", "sizes[0]")
    assert not names("operands could not be broadcast together", "t")
    assert not names("std must be finite", "init") and not names("an optim transform", "opt")


@pytest.mark.parametrize("name", CALLS)
def test_each_bad_argument_is_valid_there_or_a_value_error_naming_it(name):
    fn, kwargs = CALLS[name]
    fn(**kwargs)                                                  # the call itself is valid
    unclear = []
    for arg in kwargs:
        for label, bad in BAD.items():
            named = NAMES_THE_OTHER.get((name, arg, label), ALIASES.get((name, arg), arg))
            try:
                with np.errstate(all="ignore"):   # a huge but valid value may overflow to inf
                    fn(**{**kwargs, arg: bad})
            except ValueError as e:
                if not names(str(e), named):
                    unclear.append(f"{arg}={label}: ValueError {e}")
            except Exception as e:                                # noqa: BLE001 (the check)
                unclear.append(f"{arg}={label}: {type(e).__name__}: {e}")
    assert not unclear, f"{name}: " + "\n".join(unclear)


def _dict_arguments():
    """(call, argument) for every argument of the table whose valid value is a dict of arrays
    (params, grads, updates)."""
    return [(name, arg) for name, (fn, kwargs) in CALLS.items() for arg, v in kwargs.items()
            if isinstance(v, dict) and v and all(isinstance(a, np.ndarray) for a in v.values())]


@pytest.mark.parametrize("name, arg", _dict_arguments())
def test_each_bad_entry_of_a_dict_is_valid_there_or_a_value_error_naming_it(name, arg):
    """The check above for the entries of a dict argument: each of its first two entries
    replaced in turn by each bad value (or left out). The message names the argument or the
    entry (``params['W1']``). It found MaxNorm's "got a parameter of shape (2,)", which named
    neither."""
    fn, kwargs = CALLS[name]
    unclear = []
    for key in list(kwargs[arg])[:2]:
        for label, bad in {**BAD, "missing": None}.items():
            entries = dict(kwargs[arg])
            if label == "missing":
                del entries[key]
            else:
                entries[key] = bad
            try:
                with np.errstate(all="ignore"):
                    fn(**{**kwargs, arg: entries})
            except ValueError as e:
                if not (names(str(e), arg) or f"[{key!r}]" in str(e)):
                    unclear.append(f"{arg}[{key!r}]={label}: ValueError {e}")
            except Exception as e:                                # noqa: BLE001 (the check)
                unclear.append(f"{arg}[{key!r}]={label}: {type(e).__name__}: {e}")
    assert not unclear, f"{name}: " + "\n".join(unclear)


@pytest.mark.parametrize("call, match", [
    (lambda: train.fit(NET, X, 0.5, steps=1), r"y must hold one target per sample.*0\.5"),
    (lambda: train.fit(NET, X, Y, loss=[1, 2], steps=1), r"loss must be one of .* got \[1, 2\]"),
    (lambda: train.fit(NET, X, Y, clip=np.ones(2), steps=1), "clip must be one of"),
    (lambda: NET.init(seed=np.inf), "seed must be an integer >= 0 .* got inf"),
    (lambda: solvers.ridge(X, None, 0.1), "y must be a numeric array, got None"),
    (lambda: solvers.objective(X, Y, np.zeros(3), 0.0, [1.0, 2.0]),
     r"lam has 2 values but w holds one model"),
    (lambda: losses.binary_cross_entropy(["a"], [1.0]), "logits must be an array of real"),
    (lambda: penalties.soft_threshold(None, 0.1), "w must be an array of real numbers"),
    (lambda: penalties.soft_threshold(np.ones(2), np.nan), "t must be >= 0, got nan"),
    (lambda: loop.minibatches(np.inf, 2), "n must be an integer >= 1, got inf"),
    (lambda: diagnostics.update_ratio(1.0, G), "params must be a dict of arrays"),
    (lambda: diagnostics.layer_stats("net", P, X), "model must be a wdlib model"),
    (lambda: diagnostics.layer_stats(NET, np.ones((2, 2)), X), "params must be a dict"),
    (lambda: diagnostics.grad_check(None, P), "f must be a function"),
    (lambda: diagnostics.grad_check(lambda p: NET.loss_and_grad(p, X, Y), P, eps=[1e-6, 1e-6]),
     "eps must be a single number"),
    (lambda: clipping.clip_by_value(G, [1.0, 2.0]), "with 2 clip_value values"),
    (lambda: models.MLP((2, 3, 1), activation=np.ones(2)), "activation must be one of"),
    (lambda: penalties.L2(0.1, keys="W1"), r"keys must be .*one name too: \['W1'\]\), got 'W1'"),
    (lambda: penalties.L1(0.1, keys=5), "keys must be None or a non-empty list .* got 5"),
    (lambda: optim.sgd(0.1, weight_decay=0.1, mask=5), "mask must be None, a list .* got 5"),
    (lambda: optim.adamw(0.1, mask="W1"), r"mask must be None, a list .* got 'W1'"),
    (lambda: train.fit(NET, X, Y, loss=lambda yhat, y: 0.5, steps=1),
     r"loss must return a pair \(value, dyhat = d loss / d output\), got 0.5"),
    (lambda: models.NormMLP((3, 4, 1)).loss_and_grad(models.NormMLP((3, 4, 1)).init(seed=[0, 1]),
                                                     X, Y[:, None], lambda yhat, y: (1.0, yhat, y)),
     r"loss must return a pair .* got \(1.0, array"),
    (lambda: models.RNN(1, 3, 1).loss_and_grad(models.RNN(1, 3, 1).init(), np.ones((4, 2, 1)),
                                              np.ones((4, 1)), lambda yhat, y: None),
     "loss must return a pair .* got None"),
])
def test_what_the_common_check_found(call, match):
    """The cases the table above found (each a crash or NumPy's own message before)."""
    with pytest.raises(ValueError, match=match):
        call()


def test_a_penalty_names_a_bool_entry_its_arithmetic_cannot_take():
    """Penalties checked a failed entry with their own loop, which let bools pass: the elastic
    net's gradient of a bool W1 gave NumPy's "ufunc 'sign' did not contain a loop"; now the
    optimizers' and clipping's rule (``_checks.number_entries``) names it."""
    with pytest.raises(ValueError, match=r"params\['W1'\] must be a numpy array of numbers"):
        penalties.ElasticNet(0.1).penalized_grads({"W1": np.ones((2, 2), bool)})


@pytest.mark.parametrize("entry", ["abc", None, [[1, 2], ["a", "b"]], np.array([["a"]])])
@pytest.mark.parametrize("method", ["L2.grad", "L2.prox", "L1.prox", "ElasticNet.penalized_grads",
                                    "MaxNorm.project", "add_penalty_grad.update"])
def test_a_penalized_parameter_that_is_not_numbers_is_named(method, entry):
    """The table replaces whole arguments; a bad entry of ``params`` (a dict of arrays) got
    TypeError "can't multiply sequence by non-int of type 'float'" (L2), or a ValueError about
    ``w`` (L1's soft_threshold) or "the array" (MaxNorm): arguments the caller never named."""
    params = {"W1": entry, "b1": np.zeros(2)}
    call = {"L2.grad": lambda: penalties.L2(0.1).grad(params),
            "L2.prox": lambda: penalties.L2(0.1).prox(params, 0.1),
            "L1.prox": lambda: penalties.L1(0.1).prox(params, 0.1),
            "ElasticNet.penalized_grads": lambda: penalties.ElasticNet(0.1).penalized_grads(params),
            "MaxNorm.project": lambda: penalties.MaxNorm(1.0).project(params),
            "add_penalty_grad.update": lambda: optim.add_penalty_grad(  # (as a loop's steps)
                penalties.L2(0.1)).update_unchecked(G, optim.CountState(0), params)}[method]
    with pytest.raises(ValueError, match=r"params\['W1'\] must be a numpy array of numbers"):
        call()


_OPTIMIZERS = {"sgd": lambda: optim.sgd(0.1), "sgd momentum": lambda: optim.sgd(0.1, momentum=0.9),
               "adam": lambda: optim.adam(0.1), "adamw": lambda: optim.adamw(0.1, weight_decay=0.1),
               "sgdw": lambda: optim.sgdw(0.1, weight_decay=0.1),
               "clip + sgd": lambda: optim.chain(optim.clip_by_global_norm(1.0), optim.sgd(0.1))}
_NOT_NUMBERS = [np.array(True), np.array(1 + 1j), np.array("a"), np.array([None], dtype=object),
                [0.5], 0.5, None]


@pytest.mark.parametrize("entry", _NOT_NUMBERS, ids=repr)
@pytest.mark.parametrize("which", ["grads", "params", "init"])
@pytest.mark.parametrize("opt", list(_OPTIMIZERS))
def test_an_optimizer_names_an_entry_that_is_not_numbers(opt, which, entry):
    """One rule for a gradient or parameter value, clipping's: a NumPy array or NumPy scalar of
    numbers. Before, an optimizer's update refused a NumPy scalar gradient (which clipping took),
    turned a complex gradient into complex parameters, a bool one into numbers, and answered a
    string parameter with NumPy's UFuncTypeError or None with "unsupported operand type"."""
    o, good = _OPTIMIZERS[opt](), {"w": np.array(1.0)}
    bad = {"w": entry}
    call = {"grads": lambda: o.update(bad, o.init(good), good),
            "params": lambda: o.update(good, o.init(good), bad),
            "init": lambda: o.init(bad)}[which]
    name = "grads" if which == "grads" else "params"
    with pytest.raises(ValueError, match=rf"{name}\['w'\] must be a numpy array of numbers"):
        call()


@pytest.mark.parametrize("params", [[1.0], "abc", 3, {1: np.array(1.0)}], ids=repr)
def test_an_optimizer_names_params_that_are_not_a_dict(params):
    """``update(grads, state, params=[1.0])``: the table above passes ``params`` to update only
    as a valid dict; checking its entries first made this an AttributeError (never landed)."""
    o, g = optim.sgd(0.1), {"w": np.array(1.0)}
    with pytest.raises(ValueError, match=r"params must be a dict of arrays"):
        o.update(g, o.init(g), params)


@pytest.mark.parametrize("opt", list(_OPTIMIZERS))
def test_an_optimizer_takes_a_numpy_scalar_gradient(opt):
    """A NumPy scalar is a gradient value for clipping, and now for every optimizer too: the
    same update as the 0-d array."""
    o, p = _OPTIMIZERS[opt](), {"w": np.array(1.0)}
    scalar, _ = o.update({"w": np.float64(0.5)}, o.init(p), p)
    array, _ = o.update({"w": np.array(0.5)}, o.init(p), p)
    assert scalar["w"] == array["w"] and np.ndim(scalar["w"]) == 0


@pytest.mark.parametrize("entry", _NOT_NUMBERS[:4] + [[[0.5]]], ids=repr)
@pytest.mark.parametrize("method", ["value", "grad", "penalized_grads", "prox"])
@pytest.mark.parametrize("penalty", [penalties.L2(0.1), penalties.L1(0.1),
                                     penalties.ElasticNet(0.1), penalties.MaxNorm(1.0)],
                         ids=["L2", "L1", "ElasticNet", "MaxNorm"])
def test_every_penalty_method_holds_params_to_the_optimizers_rule(penalty, method, entry):
    """A penalty checked an entry only when its arithmetic failed on it, so the rule depended on
    the method: L2's (and L1's, the elastic net's, MaxNorm's) gradient of a complex W1 returned
    complex numbers while its value refused them; bools and lists passed some methods and not
    others (L2's value and prox of a bool W1, L1's gradient of a list). Now each method names
    the entry, as an optimizer given the same params does."""
    params = {"W1": entry, "b1": np.zeros(2)}
    call = {"value": lambda: penalty.value(params), "grad": lambda: penalty.grad(params),
            "penalized_grads": lambda: penalty.penalized_grads(params),
            "prox": lambda: penalty.prox(params, 0.1)}[method]
    with pytest.raises(ValueError, match=r"params\['W1'\] must be a numpy array of numbers"):
        call()


@pytest.mark.parametrize("check", ["no", "False", None, 0, 1, []], ids=repr)
@pytest.mark.parametrize("method", ["value", "grad", "penalized_grads", "prox", "project"])
def test_a_penalty_method_refuses_a_check_that_is_not_a_bool(method, check):
    """``check=`` (new on every penalty method) was read as ``if check:``, so check="no",
    "False" or [] silently ran the check and check=0 or None silently skipped it: a public
    argument that took any value. Found in the review of f1fb0aa by calling each method with
    them. Like ``nesterov``, ``prox`` and ``same_init``, it must be True or False."""
    pen = penalties.MaxNorm(1.0) if method == "project" else penalties.L2(0.1)
    params = {"W1": np.ones((2, 2)), "b1": np.zeros(2)}
    call = {"value": lambda: pen.value(params, check=check),
            "grad": lambda: pen.grad(params, check=check),
            "penalized_grads": lambda: pen.penalized_grads(params, check=check),
            "prox": lambda: pen.prox(params, 0.1, check=check),
            "project": lambda: pen.project(params, check=check)}[method]
    with pytest.raises(ValueError,
                       match=r"check must be True or False, got " + re.escape(repr(check))):
        call()


_Y2 = Y[:, None]
_RNN = models.RNN(2, 3, 1)
_RNN_P = _RNN.init(seed=0)
_HISTORY = train.fit(NET, X, _Y2, steps=2, lr=0.1)[1]
_FLAG_CALLS = {
    "MLP.forward check": lambda v: NET.forward(P, X, check=v),
    "MLP.forward_cache check": lambda v: NET.forward_cache(P, X, check=v),
    "MLP.loss_and_grad check": lambda v: NET.loss_and_grad(P, X, _Y2, check=v),
    "NormMLP.loss_and_grad check": lambda v: models.NormMLP((3, 4, 1)).loss_and_grad(
        models.NormMLP((3, 4, 1)).init(seed=0), X, _Y2, check=v),
    "RNN.loss_and_grad check": lambda v: models.RNN(2, 3, 1).loss_and_grad(
        models.RNN(2, 3, 1).init(seed=0), np.ones((4, 5, 2)), np.ones((4, 1)), check=v),
    "L2.value batched": lambda v: penalties.L2(0.1).value(P, batched=v),
    "clipping.global_norm batched": lambda v: clipping.global_norm(G, batched=v),
    "clipping.clip_by_global_norm batched": lambda v: clipping.clip_by_global_norm(G, 1.0,
                                                                                   batched=v),
    "diagnostics.update_ratio batched": lambda v: diagnostics.update_ratio(P, G, batched=v),
    "optim.clip_by_global_norm batched": lambda v: optim.clip_by_global_norm(1.0, batched=v),
    "RNN.backward return_time_grads": lambda v: _RNN.backward(
        _RNN_P, _RNN.forward_cache(_RNN_P, np.ones((4, 5, 2)))[1], np.ones((4, 1)),
        return_time_grads=v),
    "data.polynomial_features scale": lambda v: data.polynomial_features(np.ones(3), 2, scale=v),
    "solvers.max_norm return_lam": lambda v: solvers.max_norm(X, Y, 1.0, return_lam=v),
    "classroom.binder_url voila": lambda v: classroom.binder_url("00_start_here.ipynb", voila=v),
    "plots.plot_loss_curves log": lambda v: plots.plot_loss_curves(_HISTORY, log=v),
    "plots.plot_lambda_curve best": lambda v: plots.plot_lambda_curve([0.1, 1.0], [1.0, 2.0],
                                                                      best=v),
    "exercises check grade": lambda v: lesson00.check_half_mse(
        lambda yhat, y: 0.5 * np.mean((yhat - y) ** 2), grade=v),
}


@pytest.mark.parametrize("value", ["no", "False", 0, 1, None, [], 1.0], ids=repr)
@pytest.mark.parametrize("call", list(_FLAG_CALLS))
def test_a_switch_is_true_or_false(call, value):
    """``check=`` and ``batched=`` were read by truth value: ``check=0`` or ``None`` skipped a
    model's validation and ``check="no"`` ran it; ``batched="no"`` reduced per model and
    ``batched=None`` over everything, each silently; so did the other switches below (an
    exercise's ``grade="no"`` graded). Now a ValueError names the switch, as ``nesterov``,
    ``prox`` and the penalties' ``check`` do (``_checks.flag``)."""
    name = call.split()[-1]
    _FLAG_CALLS[call](name in ("check", "log", "best"))   # the call itself is valid (default)
    match = rf"{name} must be True or False, got {re.escape(repr(value))}"
    with pytest.raises(ValueError, match=match):
        _FLAG_CALLS[call](value)


@pytest.mark.parametrize("call", list(_FLAG_CALLS))
def test_a_numpy_bool_is_a_switch_too(call):
    """A switch from a NumPy expression (``np.any(...)``, ``x > 0``) is a NumPy bool, which
    ``_checks.flag`` takes; ``classroom.binder_url`` (stdlib only, its own check) refused
    ``voila=np.True_`` with "voila must be True or False, got np.True_"."""
    name = call.split()[-1]
    _FLAG_CALLS[call](np.bool_(name in ("check", "log", "best")))


@pytest.mark.parametrize("history", [None, {"train_loss": [1.0]}, np.ones(3)], ids=repr)
def test_plot_loss_curves_names_a_history_that_is_not_one(history):
    """``plot_loss_curves(None)`` answered AttributeError "'NoneType' object has no attribute
    'train_loss'"."""
    with pytest.raises(ValueError, match="history must be a train.History"):
        plots.plot_loss_curves(history)
