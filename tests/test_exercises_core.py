"""The checker core: time limit without side effects, Verdict display, assert form, float32."""

import contextlib
import io
import signal
import threading

import numpy as np
import pytest
from exercise_harness import run

from wdlib.exercises import _core, lesson00, lesson08


def _hang(*a):
    while True:
        pass


def test_time_limit_restores_the_alarm_handler_and_timer(monkeypatch):
    monkeypatch.setattr(_core, "TIME_LIMIT", 0.2)
    before = signal.getsignal(signal.SIGALRM)
    ok, line = run(lesson00.check_half_mse, _hang)
    assert not ok and "did not finish within 0.2 s" in line
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_time_limit_off_the_main_thread(monkeypatch):
    monkeypatch.setattr(_core, "TIME_LIMIT", 0.2)
    box = {}

    def worker():
        with contextlib.redirect_stdout(io.StringIO()) as buf:
            box["ok"] = bool(lesson00.check_half_mse(_hang))
        box["line"] = buf.getvalue()

    t = threading.Thread(target=worker)
    t.start()
    t.join(10)
    assert not t.is_alive() and box["ok"] is False and "did not finish" in box["line"]


def test_a_hang_that_catches_exception_is_still_stopped(monkeypatch):
    monkeypatch.setattr(_core, "TIME_LIMIT", 0.2)

    def stubborn(*a):
        while True:
            try:
                pass
            except Exception:                                            # noqa: BLE001
                pass

    ok, line = run(lesson00.check_half_mse, stubborn)
    assert not ok and "did not finish" in line


def test_verdict_is_truthy_and_shows_nothing_in_a_notebook():
    good, _ = run(lesson00.check_half_mse, lambda a, b: 0.5 * np.mean((a - b) ** 2))
    bad, _ = run(lesson00.check_half_mse, lambda a, b: 0.0)
    assert good and not bad
    assert good._ipython_display_() is None and repr(good).startswith("✓")


def test_grade_and_assert_form_raise_the_hint():
    with contextlib.redirect_stdout(io.StringIO()):
        with pytest.raises(AssertionError, match="the ½ is missing"):
            lesson00.check_half_mse(lambda a, b: np.mean((a - b) ** 2), grade=True)
        with pytest.raises(AssertionError, match="the ½ is missing"):
            lesson00.assert_half_mse(lambda a, b: np.mean((a - b) ** 2))
        assert lesson00.assert_half_mse(lambda a, b: 0.5 * np.mean((a - b) ** 2))


def test_every_lesson_has_an_assert_form_for_every_checker():
    import importlib
    for n in range(9):
        mod = importlib.import_module(f"wdlib.exercises.lesson{n:02d}")
        checks = [k for k in mod.__all__ if k.startswith("check_")]
        assert checks
        for k in checks:
            assert "assert_" + k[len("check_"):] in mod.__all__


def test_broken_hint_code_does_not_escape():
    def mistakes(*a):
        raise RuntimeError("bug in the table")

    with contextlib.redirect_stdout(io.StringIO()) as buf:
        v = _core.check("x", lambda a: 2 * a, lambda a: a, [(np.ones(3),)], mistakes=mistakes,
                        hints={"k": "hint"})
    assert not v and "× the expected" in buf.getvalue() or "too large" in buf.getvalue()


def test_float32_is_told_to_use_float64_where_it_is_not_enough():
    with contextlib.redirect_stdout(io.StringIO()) as buf:
        v = _core.check("x", lambda a: a.astype(np.float32), lambda a: a, [(np.arange(3.0),)],
                        float32=False)
    assert not v and "float32 is not precise enough" in buf.getvalue()


def test_float32_close_but_not_at_float32_precision_gets_the_float32_hint():
    with contextlib.redirect_stdout(io.StringIO()) as buf:
        v = _core.check("x", lambda a: (a * (1 + 3e-3)).astype(np.float32), lambda a: a,
                        [(np.arange(1.0, 4.0),)])
    assert not v and "float32 is not precise enough" in buf.getvalue()


def test_help_does_not_show_a_reference():
    assert not [k for k in lesson08.__all__ if k.startswith(("ref", "_"))]
    doc = lesson08.check_fixed_points.__doc__
    assert "√" not in doc and "sqrt" not in doc and "lam" not in doc.split("->")[1]
