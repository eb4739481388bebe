"""Lesson 05 checkers: correct variants accepted, each typical mistake named, robust."""

import math

import numpy as np
from exercise_harness import accepts, names, robust, robust_extra, run

from wdlib.exercises import lesson05 as L

LEAKY_CORRECT = [lambda n, a: math.sqrt(2 / ((1 + a * a) * n)),
                 lambda n, a: np.sqrt(2 / (1 + a**2)) / np.sqrt(n),            # PyTorch's gain
                 lambda n, a: np.float32(np.sqrt(2 / ((1 + a**2) * n))),
                 lambda n, a: [(1 / (n * (1 + a**2) / 2)) ** 0.5]]
LEAKY_MISTAKES = [
    (lambda n, a: math.sqrt(2 / n), "ignores_slope"),
    (lambda n, a: 2 / ((1 + a * a) * n), "variance"),
    (lambda n, a: math.sqrt(2 / ((1 + a) * n)), "slope_not_squared"),
    (lambda n, a: math.sqrt(1 / ((1 + a * a) * n)), "no_two"),
    (lambda n, a: math.sqrt(2 / ((1 - a * a) * n)), "minus_slope"),
    # round 6: (1 − a), the negative half taken away unsquared, got "1.248 × the expected value"
    (lambda n, a: math.sqrt(2 / ((1 - a) * n)), "minus_slope:a"),
    (lambda n, a: math.sqrt((1 + a * a) * n / 2), "inverted"),
    # simulated class, round 3: these got only '0.7382 × the expected value' and the like
    (lambda n, a: 1 / math.sqrt(n), "lecun"),
    (lambda n, a: math.sqrt(6 / ((1 + a * a) * n)), "uniform_bound"),
    (lambda n, a: math.sqrt(2 / (1 + a * a)), "gain_only"),
    # round 8: the gain divided by fan_in, not √fan_in, got "0.1 × the expected value"
    (lambda n, a: math.sqrt(2 / (1 + a * a)) / n, "gain_over_fan_in"),
]
test_leaky_correct = accepts(L.check_leaky_relu_std, LEAKY_CORRECT)
test_leaky_mistakes = names(L.check_leaky_relu_std, L.LEAKY_HINTS, LEAKY_MISTAKES)
test_leaky_robust = robust(L.check_leaky_relu_std)
test_leaky_robust_extra = robust_extra(L.check_leaky_relu_std)


def test_caret_for_a_power_is_named():
    """Simulated class, round 10: `1 + slope^2` (^ is XOR in Python) raised TypeError, and the
    learner was told only 'unsupported operand type(s) for ^: 'float' and 'int'' (NumPy's
    numbers: "ufunc 'bitwise_xor' not supported for the input types")."""
    from wdlib.exercises import _core
    for fn in (lambda n, a: math.sqrt(2 / ((1 + a ^ 2) * n)),
               lambda n, a: np.sqrt(2 / ((1 + np.float64(a) ^ 2) * n))):
        ok, line = run(L.check_leaky_relu_std, fn)
        assert not ok and _core.XOR_POWER in line, line


def test_leaky_hints_do_not_give_the_answer_away():
    """The answer is the gain √(2/(1 + slope²)) over √fan_in: a hint may name it only to a learner
    who returned the gain itself. LeCun's 1/√fan_in was told 'its std needs the gain
    √(2/(1 + slope²))', the whole derivation (simulated class, round 5)."""
    for fn, key in LEAKY_MISTAKES:
        _, line = run(L.check_leaky_relu_std, fn)
        if key != "gain_only":
            assert "1 + slope²" not in line and "1 + a²" not in line, (key, line)


def test_leaky_std_keeps_the_second_moment_through_a_deep_stack():
    """The math: with Var(W) = 2/((1 + a²)·fan_in) each leaky-ReLU layer keeps the second moment
    of the pre-activations (with He's std it grows by 1 + a² per layer), measured layer by layer
    along a stack of 12 and averaged geometrically."""
    rng = np.random.default_rng(0)
    n, width, depth, a = 2000, 256, 12, 0.3
    for std, gain in [(math.sqrt(2 / ((1 + a * a) * width)), 1.0),
                      (math.sqrt(2 / width), 1 + a * a)]:
        z, gains = rng.standard_normal((n, width)), []
        for _ in range(depth):
            z_next = np.where(z > 0, z, a * z) @ (std * rng.standard_normal((width, width)))
            gains.append(np.mean(z_next**2) / np.mean(z**2))
            z = z_next
        measured = float(np.exp(np.mean(np.log(gains))))
        assert abs(measured - gain) < 0.03, (measured, gain)


def _bp(deriv=lambda z: 1 - np.tanh(z) ** 2, T=True, forward=False, last_linear=False,
        after=False, dtype=None):
    def fn(Ws, zs, g):
        L_ = len(Ws)
        order = range(L_) if forward else reversed(range(L_))
        for l in order:
            if after:
                g = g @ Ws[l].T
                if l > 0:
                    g = g * deriv(zs[l - 1])
                continue
            if not (last_linear and l == L_ - 1):
                g = g * deriv(zs[l])
            g = g @ (Ws[l].T if T else Ws[l])
        return g if dtype is None else g.astype(dtype)
    return fn


def _in_place(Ws, zs, g):
    for l in range(len(Ws) - 1, -1, -1):
        np.tanh(zs[l], out=zs[l])
        zs[l] **= 2
        g = g * (1 - zs[l]) @ Ws[l].T
    return g


BP_CORRECT = [_bp(), _in_place, _bp(dtype=np.float32),
              _bp(deriv=lambda z: 1 / np.cosh(z) ** 2)]
BP_MISTAKES = [
    (_bp(deriv=lambda z: np.ones_like(z)), "no_activation"),
    (_bp(deriv=lambda z: 1 - z**2), "one_minus_z2"),
    (_bp(deriv=lambda z: 1 - np.tanh(z)), "no_square"),
    (_bp(deriv=np.tanh), "tanh_itself"),
    (_bp(forward=True), "forward_order"),
    (_bp(last_linear=True), "last_linear"),
]
test_bp_correct = accepts(L.check_backprop_tanh, BP_CORRECT)
test_bp_mistakes = names(L.check_backprop_tanh, L.BACKPROP_HINTS, BP_MISTAKES)
test_bp_robust = robust(L.check_backprop_tanh)
test_bp_robust_extra = robust_extra(L.check_backprop_tanh)


def test_a_backprop_that_stops_before_a0_is_told_so():
    """Simulated class, round 10: a backprop through the last layer only (right for L = 1), or
    one that stops at a_1 (its loop's range stops at 1), got only 'wrong shape for your answer:
    expected (4, 3), got (4, 5)' (true, but it does not say what went wrong)."""
    def last_only(Ws, zs, g):
        return (g * (1 - np.tanh(zs[-1]) ** 2)) @ Ws[-1].T

    def stops_at_a1(Ws, zs, g):
        for l in range(len(Ws) - 1, 0, -1):
            g = (g * (1 - np.tanh(zs[l]) ** 2)) @ Ws[l].T
        return g

    for fn in (last_only, stops_at_a1):
        ok, line = run(L.check_backprop_tanh, fn)
        assert not ok and L.BACKPROP_HINTS["stopped_early"] in line, line


def test_no_transpose_gets_a_shape_hint_or_its_own():
    from exercise_harness import run
    ok, line = run(L.check_backprop_tanh, _bp(T=False))
    assert not ok and ("transpose" in line or "raised ValueError" in line), line


def test_backprop_may_overwrite_zs_and_g_but_not_the_weights():
    """zs and g are scratch (overwriting them was always accepted), but a backprop that
    changed the network's weights, e.g. Ws.reverse() to walk backwards, was accepted too: the
    next call (or the rest of the notebook) then sees the layers in the wrong order."""
    from exercise_harness import run

    def scratch_g(Ws, zs, g):
        for l in reversed(range(len(Ws))):
            g *= 1 - np.tanh(zs[l]) ** 2
            g = g @ Ws[l].T
        return g

    def reversed_in_place(Ws, zs, g):
        Ws.reverse()
        zs.reverse()
        for W, z in zip(Ws, zs, strict=True):
            g = (g * (1 - np.tanh(z) ** 2)) @ W.T
        return g

    def scaled_weights(Ws, zs, g):
        out = _bp()(Ws, zs, g)
        Ws[0] *= 0.5
        return out

    ok, line = run(L.check_backprop_tanh, scratch_g)
    assert ok, line
    for fn in [reversed_in_place, scaled_weights]:
        ok, line = run(L.check_backprop_tanh, fn)
        assert not ok and "modified its input `Ws` in place" in line, line
    # the fix named a list's own remedy (it said 'e.g. x = x.copy()', with a name x it does not
    # have and a .copy() that still shares the arrays): simulated class
    ok, line = run(L.check_backprop_tanh, reversed_in_place)
    assert "Ws[::-1] instead of Ws.reverse()" in line and "x = x.copy()" not in line, line


def test_the_prompt_says_which_inputs_backprop_may_overwrite():
    """The exercises' prompt said 'Your functions must leave their arguments as they are ... The
    checker refuses a function that changes an input in place', while the checker lets
    backprop_tanh overwrite zs and g (scratch): a rule the checker does not enforce
    (ARCHITECTURE.md, Exercises). The prompt's sentence on overwriting must name exactly the
    inputs the checker lets it overwrite."""
    import re
    from pathlib import Path

    import nbformat

    def overwrite(name):                           # changes one input in place, answers right
        def fn(Ws, zs, g):
            out = _bp()(Ws, zs, g)
            target = {"Ws": Ws[0], "zs": zs[0], "g": g}[name]
            target *= 0.5
            return out
        return fn

    allowed = {name for name in ("Ws", "zs", "g") if run(L.check_backprop_tanh, overwrite(name))[0]}
    assert allowed == {"zs", "g"}
    lesson = Path(__file__).parents[1] / "notebooks" / "05_vanishing_exploding_gradients.ipynb"
    intro = next(c.source for c in nbformat.read(lesson, as_version=4).cells
                 if c.cell_type == "markdown" and c.source.startswith("## Exercises"))
    said = [s for s in re.split(r"(?<=[.:;])\s", " ".join(intro.split())) if "may overwrite" in s]
    assert len(said) == 1, intro
    named = said[0].split("may overwrite")[0].split("exercise 2")[-1]
    assert set(re.findall(r"`(\w+)`", named)) == allowed, said
