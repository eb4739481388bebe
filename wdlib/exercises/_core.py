"""The machinery every exercise checker shares: run, compare, diagnose, print one line."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

OK, FAIL = "✓", "✗"


def _as_dict(value):
    return value if isinstance(value, Mapping) else {"": value}


def diagnose(got, want, *, rtol: float = 1e-8, atol: float = 1e-10,
             hints: Mapping[str, Callable] | None = None) -> str | None:
    """None when ``got`` matches ``want`` (arrays or dicts of arrays), else a hint.

    ``hints`` maps a message to a function ``want -> a typical wrong answer``; the first wrong
    answer that ``got`` matches gives the hint (e.g. "off by a factor of 2": lambda w: 2 * w).
    Built-in checks: None returned, wrong keys, wrong shape, wrong sign, factor of 2 either way.
    """
    if got is None:
        return "your function returned None: did you forget `return`?"
    got_d, want_d = _as_dict(got), _as_dict(want)
    if isinstance(want, Mapping):
        if not isinstance(got, Mapping):
            return f"expected a dict with keys {sorted(want_d)}, got {type(got).__name__}"
        if set(got_d) != set(want_d):
            return f"expected keys {sorted(want_d)}, got {sorted(got_d)}"
    for k, w in want_d.items():
        g = np.asarray(got_d[k], dtype=np.float64)
        w = np.asarray(w, dtype=np.float64)
        where = f" for {k!r}" if k else ""
        if g.shape != w.shape:
            return f"wrong shape{where}: expected {w.shape}, got {g.shape}"
    close = lambda a, b: all(np.allclose(np.asarray(_as_dict(a)[k], dtype=np.float64),
                                         np.asarray(_as_dict(b)[k], dtype=np.float64),
                                         rtol=rtol, atol=atol) for k in want_d)
    if close(got, want):
        return None
    candidates = dict(hints or {})
    candidates.setdefault("wrong sign: you have the negative of the answer", _scaled(-1.0))
    candidates.setdefault("off by a factor of 2: too large (check the ½ in the objective)",
                          _scaled(2.0))
    candidates.setdefault("off by a factor of 2: too small (check the ½ in the objective)",
                          _scaled(0.5))
    for message, wrong in candidates.items():
        try:
            typical = wrong(want)
        except (TypeError, ValueError, KeyError):
            continue
        if close(got, typical):
            return message
    return "not equal to the reference; print a small example and compare with the formula"


def _scaled(c: float) -> Callable:
    def f(want):
        if isinstance(want, Mapping):
            return {k: c * np.asarray(v) for k, v in want.items()}
        return c * np.asarray(want)
    return f


def report(name: str, hint: str | None) -> bool:
    """Print one line: ✓ or ✗ with the hint. Returns True when correct."""
    if hint is None:
        print(f"{OK} {name}: correct")
        return True
    print(f"{FAIL} {name}: {hint}")
    return False


NOT_IMPLEMENTED = "not implemented yet: replace `raise NotImplementedError` with your code"


class WrongForm(Exception):
    """Raised by a ``convert``: the answer has the wrong form (the message is the hint)."""


def check(name: str, fn: Callable, reference: Callable, cases, *, hints=None,
          hints_for: Callable | None = None, convert: Callable | None = None,
          form_hint: Callable | None = None, rtol: float = 1e-8, atol: float = 1e-10) -> bool:
    """Run ``fn`` and ``reference`` on each case (a tuple of arguments) and report.

    For each case, in this order:

    - ``convert(got)`` turns the learner's return value into the reference's form (e.g. a pair
      ``(w, b)`` into ``{"w": w, "b": b}``); it raises ``WrongForm(hint)`` when it cannot;
    - ``form_hint(got, *args)`` returns a hint when the answer has the wrong form for these
      arguments (a shape, missing keys), else None; it is checked before the values;
    - ``diagnose`` compares the values (``rtol``, ``atol``). Its hints are
      ``hints_for(*args) -> {hint: the typical wrong answer for these arguments}`` first, then
      ``hints`` (``{hint: want -> a typical wrong answer}``, the same for every case), then the
      built-in sign and factor-2 hints.

    A ``fn`` that is not a function is reported as such; a stub that raises NotImplementedError
    reports "not implemented yet"; any other exception (in ``fn`` or in ``convert``) is reported
    with its type and message (the learner sees it, the notebook keeps running).
    """
    if not callable(fn):
        return report(name, f"expected a function, got {type(fn).__name__}")
    for args in cases:
        want = reference(*args)
        try:
            got = fn(*_copy(args))
            if convert is not None:
                got = convert(got)
        except NotImplementedError:
            return report(name, NOT_IMPLEMENTED)
        except WrongForm as exc:
            return report(name, str(exc))
        except Exception as exc:  # noqa: BLE001 - a learner's bug is reported, not raised
            return report(name, f"your function raised {type(exc).__name__}: {exc}")
        hint = None if form_hint is None else form_hint(got, *args)
        if hint is None:
            wrong = {} if hints_for is None else hints_for(*args)
            case_hints = {msg: (lambda _want, v=v: v) for msg, v in wrong.items()}
            hint = diagnose(got, want, rtol=rtol, atol=atol, hints={**case_hints, **(hints or {})})
        if hint is not None:
            return report(name, hint)
    return report(name, None)


def _copy(args):
    """Learners' functions get copies, so an in-place bug cannot corrupt the reference call."""
    out = []
    for a in args:
        if isinstance(a, np.ndarray):
            out.append(a.copy())
        elif isinstance(a, Mapping):
            out.append({k: np.array(v, copy=True) for k, v in a.items()})
        else:
            out.append(a)
    return tuple(out)
