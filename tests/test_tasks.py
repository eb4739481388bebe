"""wdlib.tasks: the lessons' problems, each defined once (shapes, validation, determinism), and
the rule that lessons import them from there, never from a dashboard module."""

import ast
import json
import pkgutil
import re
from pathlib import Path

import numpy as np
import pytest

import wdlib.tasks
from wdlib import diagnostics, optim
from wdlib.tasks import classification, normalized, regression, schedule_menu, sparse, surfaces

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + \
    sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))


def test_every_task_module_is_listed_in_the_package():
    found = {m.name for m in pkgutil.iter_modules(wdlib.tasks.__path__)}
    assert found == set(wdlib.tasks.__all__) and len(found) >= 5


# ----------------------------------------------------------------------------- surfaces

@pytest.mark.parametrize("surface", [surfaces.cliff, surfaces.bowl], ids=["cliff", "bowl"])
def test_surfaces_are_vectorized_with_their_minimum_at_the_origin(surface):
    value, grad = surface(np.zeros(2))
    assert value.shape == () and grad.shape == (2,)
    assert value == pytest.approx(0.0, abs=1e-12) and np.abs(grad).max() < 1e-12
    w = np.random.default_rng(0).uniform(-2, 2, size=(3, 4, 2))
    values, grads = surface(w)                                  # (3, 4), (3, 4, 2)
    assert values.shape == (3, 4) and grads.shape == (3, 4, 2)
    one, g_one = surface(w[1, 2])
    assert values[1, 2] == pytest.approx(one, rel=1e-14)
    np.testing.assert_allclose(grads[1, 2], g_one, rtol=1e-14)
    f = lambda p: (surface(p["w"])[0], {"w": surface(p["w"])[1]})
    assert diagnostics.grad_check(f, {"w": np.array([0.7, -0.4])}) < 1e-6
    with pytest.raises(ValueError, match=r"w must have a last axis of length 2, got shape \(3,\)"):
        surface(np.zeros(3))


def test_the_bowl_is_kappa_20_turned_by_30_degrees_and_its_constants_are_read_only():
    np.testing.assert_allclose(np.linalg.eigvalsh(surfaces.BOWL_HESSIAN), [1.0, 20.0], rtol=1e-12)
    np.testing.assert_allclose(surfaces.BOWL_ROTATION @ surfaces.BOWL_ROTATION.T, np.eye(2),
                               atol=1e-15)
    for a in (surfaces.BOWL_HESSIAN, surfaces.BOWL_ROTATION, surfaces.BOWL_CURVATURES):
        with pytest.raises(ValueError, match="read-only"):
            a[0] = 1.0
    assert surfaces.cliff(np.array(surfaces.CLIFF_START))[0] > 60      # on the plateau


def test_descend_is_deterministic_and_validates_its_arguments():
    run = lambda: surfaces.descend(surfaces.cliff, surfaces.CLIFF_START, optim.sgd(0.1), 30,
                                   "norm", 1.0)
    a, b = run(), run()
    assert a["path"].shape == (31, 2) and a["loss"].shape == (30,)
    for key in ("path", "loss", "grad_norm", "grad_norm_clipped"):
        np.testing.assert_array_equal(a[key], b[key])
    bad = [(dict(steps=0), r"steps must be an integer >= 1, got 0"),
           (dict(clip="clamp"), r"clip must be one of .*; got 'clamp'"),
           (dict(clip="norm", threshold=-1.0), r"threshold must be > 0, got -1"),
           (dict(start=(1.0, 2.0, 3.0)), r"start must have shape \(2,\), got \(3,\)"),
           (dict(divergence=1e12), r"divergence must be a loop.Divergence, got 1000000000000.0")]
    for kw, msg in bad:
        args = dict(start=surfaces.CLIFF_START, steps=5) | kw
        with pytest.raises(ValueError, match=msg):
            surfaces.descend(surfaces.cliff, args.pop("start"), optim.sgd(0.1), **args)


# ----------------------------------------------------------------------------- regression

def test_regression_tasks_have_their_documented_shapes_and_are_read_only():
    for ds, n, n_val in ((regression.overfit_curve(), 20, 200),
                         (regression.lambda_task(), regression.LAMBDA_POOL,
                          regression.LAMBDA_N_VAL),
                         (regression.depth_curve(), 64, 10)):
        assert ds.X.shape == (n, 1) and ds.y.shape == (n, 1)
        assert ds.X_val.shape == (n_val, 1) and ds.y_val.shape == (n_val, 1)
        assert np.abs(ds.X).max() <= 1.0
        with pytest.raises(ValueError, match="read-only"):
            ds.y[0] = 0.0
    F = regression.legendre_features(regression.lambda_task().X)
    assert F.shape == (regression.LAMBDA_POOL, regression.LAMBDA_DEGREE)
    for grid, size in ((regression.OVERFIT_LAMS, 33), (regression.LAMBDA_CURVE_LAMS, 25),
                       (regression.LAMBDA_LR_GRID_LAMS, 8), (regression.LAMBDA_LR_GRID_LRS, 8)):
        assert grid.shape == (size,) and np.all(np.diff(grid) > 0) and not grid.flags.writeable


def test_regression_tasks_are_seeded():
    a, b = regression.lambda_task(seed=3), regression.lambda_task(seed=3)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, regression.lambda_task(seed=4).X)
    assert not np.array_equal(regression.overfit_curve(0).y, regression.overfit_curve(1).y)
    for f in (regression.overfit_curve, regression.lambda_task):
        with pytest.raises(ValueError, match=r"seed must be an integer >= 0, got -1"):
            f(-1)
        with pytest.raises(ValueError, match=r"seed must be an integer >= 0, got 1.5"):
            f(1.5)


def test_deep_mlp_validates_depth_width_and_activation():
    m = regression.deep_mlp(3, 8, "relu")
    assert m.sizes == (1, 8, 8, 8, 1) and m.activation == "relu"
    for args, msg in (((0, 8), r"depth must be an integer >= 1, got 0"),
                      ((13, 8), r"depth must be an integer <= 12, got 13"),
                      ((2, 0), r"width must be an integer >= 1, got 0"),
                      ((2, 8, "gelu"), r"activation must be one of .*; got 'gelu'")):
        with pytest.raises(ValueError, match=msg):
            regression.deep_mlp(*args)


# ----------------------------------------------------------------------------- sparse

def test_the_sparse_problem_has_5_true_features_whatever_the_correlation():
    ds = sparse.problem(0.0)
    assert ds.X.shape == (50, 20) and ds.y.shape == (50, 1) and ds.X_val.shape == (200, 20)
    w = ds.meta["w_true"]
    assert w.shape == (20,) and np.count_nonzero(w) == 5
    np.testing.assert_array_equal(sparse.problem(0.9).meta["w_true"], w)
    assert not np.array_equal(sparse.problem(0.9).X, ds.X)
    assert sparse.problem(0.0) is ds                                     # cached ...
    with pytest.raises(ValueError, match="read-only"):                  # ... so read-only
        ds.X[0, 0] = 1.0
    for rho in (-0.1, 1.0):
        with pytest.raises(ValueError, match=rf"rho must be in \[0, 1\), got {rho:g}"):
            sparse.problem(rho)


def test_sparse_paths_and_fits_have_their_shapes_and_validate():
    assert sparse.path(0.0, "l1").shape == (41, 20)
    assert sparse.path(0.0, "elastic_net", 0.5).shape == (41, 20)
    assert sparse.path(0.0, "max_norm").shape == (31, 20)
    np.testing.assert_array_equal(sparse.path(0.0, "l1", 1.0), sparse.path(0.0, "l1"))
    fit = sparse.fit_all(0.0, 0.05, 0.5, 1.0)
    assert fit["w"].shape == (4, 20) and fit["val"].shape == (4,)
    assert np.linalg.norm(fit["w"][3]) <= 1.0 + 1e-9                     # max-norm row
    with pytest.raises(ValueError, match=r"mode must be one of .*; got 'l2'"):
        sparse.path(0.0, "l2")
    with pytest.raises(ValueError, match=r"r must be in \[0, 1\], got 1.5"):
        sparse.path(0.0, "elastic_net", 1.5)
    with pytest.raises(ValueError, match=r"lam must be > 0, got -1"):
        sparse.fit_all(0.0, -1.0, 0.5, 1.0)


# ----------------------------------------------------------------------------- classification

def test_one_moons_function_gives_each_lesson_its_task():
    play = classification.moons(classification.PLAYGROUND_MOONS)
    sched = classification.moons(classification.SCHEDULES_MOONS)
    assert play.X.shape == (60, 2) and play.X_val.shape == (200, 2)
    assert sched.X.shape == (200, 2) and sched.X_val.shape == (200, 2)
    assert play.meta["noise"] == 0.35 and sched.meta["noise"] == 0.2
    assert set(np.unique(play.y)) == {0.0, 1.0} and play.y.sum() == 30    # balanced
    assert classification.moons() is sched                                # default: lesson 07
    with pytest.raises(ValueError, match="read-only"):
        play.X[0, 0] = 0.0
    with pytest.raises(ValueError, match=r"spec must be a tasks.classification.Moons, got 60"):
        classification.moons(60)
    with pytest.raises(ValueError, match=r"noise must be >= 0, got -1"):
        classification.moons(classification.Moons(noise=-1.0))
    with pytest.raises(AttributeError):                                   # frozen
        classification.PLAYGROUND_MOONS.n = 10


def test_the_playground_run_is_deterministic_and_validates():
    a = classification.train_playground("momentum", "l2", 1e-2, 0.3, 10, 0)
    b = classification.train_playground("momentum", "l2", 1e-2, 0.3, 10, 0)
    assert a[2].shape == (304,) and a[1].train_loss.shape == (10,)
    np.testing.assert_array_equal(a[2], b[2])
    c = classification.train_playground("momentum", "l2", 1e-2, 0.3, 10, 1)
    assert not np.array_equal(a[2], c[2])                                 # the seed matters
    for args, msg in ((("rmsprop", "l2", 0.1), r"optimizer must be one of .*; got 'rmsprop'"),
                      (("sgd", "l3", 0.1), r"penalty must be one of .*; got 'l3'"),
                      (("sgd", "l2", -0.1), r"lam must be >= 0, got -0.1")):
        with pytest.raises(ValueError, match=msg):
            classification.train_playground(*args, 0.3, 10, 0)


def test_the_playground_divergence_rule_leaves_every_converging_run_alone():
    """The rule (loss > 1e6 × its start) must only stop blow-ups: at the top lr (10), where the
    losses rise most, no run that trains grows its loss 1000× (the largest is ~60×: Adam + L2),
    while lr·λ ≥ 3 with SGD's coupled L2 multiplies Σw² by ≥ 25 a step and is stopped."""
    for optimizer in classification.PLAYGROUND_OPTIMIZERS:
        for penalty in classification.PLAYGROUND_PENALTIES:
            for lam in (0.0, 0.1):
                h = classification.train_playground(optimizer, penalty, lam, 10.0, 400, 0)[1]
                assert h.diverged_at is None, (optimizer, penalty, lam)
                assert np.max(h.train_loss) < 1e3 * h.train_loss[0], (optimizer, penalty, lam)
    for lr in (10 ** 0.5, 10.0):
        h = classification.train_playground("sgd", "l2", 1.0, lr, 400, 0)[1]
        assert h.diverged_at is not None and h.diverged_at < 20


def test_the_schedules_mlp_starts_from_a_fresh_copy_of_the_same_weights():
    p = classification.mlp_init()
    p["W1"][:] = 0.0                                                      # a caller's mutation ...
    q = classification.mlp_init()
    assert np.abs(q["W1"]).min() > 0                                      # ... does not leak
    assert classification.SCHEDULES_MLP.num_params() == 337
    r1 = classification.mlp_run(schedule_menu.make_schedule("cosine", 0.3, 0), 0.5, steps=10)
    r2 = classification.mlp_run(schedule_menu.make_schedule("cosine", 0.3, 0), 0.5, steps=10)
    assert r1["loss"].shape == (10,) and r1["diverged_at"] is None
    np.testing.assert_array_equal(r1["val_loss"], r2["val_loss"])


# ----------------------------------------------------------------------------- schedule menu

def test_every_schedule_of_the_menu_is_positive_and_the_menu_validates():
    t = np.arange(schedule_menu.STEPS)
    for kind in schedule_menu.KINDS:
        lr = schedule_menu.make_schedule(kind, 0.1, 10)(t)
        assert lr.shape == (schedule_menu.STEPS,) and np.all(lr >= 0) and lr.max() <= 0.1 + 1e-12
    with pytest.raises(TypeError):
        schedule_menu.KINDS["linear"] = None                              # read-only mapping
    for args, msg in ((("linear", 0.1, 0), r"kind must be one of .*; got 'linear'"),
                      (("cosine", 0.1, -1), r"warmup must be an integer >= 0, got -1"),
                      (("cosine", 0.1, 100), r"warmup must be < steps = 100, got 100")):
        with pytest.raises(ValueError, match=msg):
            schedule_menu.make_schedule(*args)


# ----------------------------------------------------------------------------- one definition

TASK_NAMES = {"moons", "cliff", "bowl", "quadratic", "descend", "problem", "task", "path",
              "fit_all", "legendre_features", "run", "train_mlp", "mlp_run", "mlp_init",
              "make_schedule", "init_seed"}


def test_no_dashboard_module_defines_a_task_of_its_own():
    for path in sorted((ROOT / "wdlib" / "live").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert not defined & TASK_NAMES, f"{path.name} defines {defined & TASK_NAMES}"


def test_data_generators_are_called_for_the_lessons_only_in_tasks():
    for path in sorted((ROOT / "wdlib" / "live").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"data\.(two_moons|polynomial|sparse_linear)\(", text), path.name


# ----------------------------------------------------------------------------- notebooks

ALLOWED_LIVE = {"catalog"}            # + the dashboard classes (names checked below)


def live_violations(source: str) -> list[str]:
    """What a code cell must not do: import a ``wdlib.live`` submodule (or anything from it
    but ``from wdlib import live``), import a private (``_``) module or name, or reach into
    ``live.<something>`` other than ``catalog`` and the dashboard classes."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if alias.name.startswith("wdlib.live") or any(p.startswith("_") for p in parts):
                    found.append(f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            parts = (node.module or "").split(".")
            names = [a.name for a in node.names]
            private = any(p.startswith("_") for p in parts + names)
            if (node.module or "").startswith("wdlib.live") or private:
                found.append(f"from {node.module} import {', '.join(names)}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "live" and node.attr not in ALLOWED_LIVE \
                and not node.attr[:1].isupper():
            found.append(f"live.{node.attr}")
    return found


@pytest.mark.parametrize("source", [
    "from wdlib.live.clipping import START, cliff",
    "from wdlib.live import schedules as sched_dash",
    "import wdlib.live.sparsity",
    "from wdlib.live._surface import descend",
    "from wdlib.exercises import _core",
    "from wdlib import _checks",
    "from wdlib.data import _make",
    "from wdlib import live\nx = live.lambda_curve.task()",
    "%matplotlib inline\nfrom wdlib import live\nlive.framework.register",
])
def test_the_notebook_rule_catches_live_internals_and_private_modules(source):
    assert live_violations(source)


def test_the_notebook_rule_allows_the_catalog_and_the_dashboards():
    ok = ("%matplotlib inline\nfrom __future__ import annotations\nfrom wdlib import live, data\n"
          "dash = live.catalog()['clipping']()\nd = live.Clipping()\n"
          "from wdlib.tasks.surfaces import cliff")
    assert live_violations(ok) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_import_tasks_not_dashboard_internals(path):
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code"]
    assert cells
    for i, cell in enumerate(cells):
        found = live_violations("".join(cell["source"]))
        assert not found, f"{path.name}, code cell {i}: {found}"


def test_normalized_grid_is_one_read_only_constant():
    """Lesson 09 section 4's λ × lr grid: 5 × 5 half-decade steps, shared by the lesson and
    tools/surveys.py, read-only."""
    for grid, ends in ((normalized.GRID_LAMS, (-2.5, -0.5)), (normalized.GRID_LRS, (-1.5, -0.5))):
        assert grid.shape == (5,) and not grid.flags.writeable
        np.testing.assert_allclose(np.log10(grid), np.linspace(*ends, 5), rtol=0, atol=1e-15)
        with pytest.raises(ValueError, match="read-only"):
            grid[0] = 0.0
