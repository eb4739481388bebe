"""The machinery every exercise checker shares: run, compare, diagnose, print one line.

A checker runs the learner's function on a few inputs and prints ``✓ name: correct`` or
``✗ name: <hint>``. Whatever the learner's function does (raise, hang, return None, a string, a
dict, NaN, the wrong shape, float32, outputs in the wrong order), the checker prints one line and
never lets an exception escape, except a KeyboardInterrupt (the learner pressed stop).

Hints come from a table of typical mistakes per exercise: ``{key: hint}`` and, per input, the value
each mistake produces; the first mistake the answer matches gives its hint. An answer that
matches none gets a description of what differs (which output, which entry, by what factor),
never a guessed cause.

Time: each call of the learner's function gets ``TIME_LIMIT`` (3 s of CPU time; then it is
stopped, an endless loop or very slow code), and the whole check ``TOTAL_LIMIT`` (10 s of CPU
time) of the learner's calls (the modules they import excepted, as in each call's limit), or ten
times the reference's CPU time on the same cases when that is more (a checker whose reference
trains a model). Past that budget the check stops after the case it is on: an answer wrong on a
case tried gets its hint, which says it comes from the cases tried (a typical mistake "on every
case" or an ``explain`` diagnosis saw only those); one right on every case tried is told it was
not judged, too slow (the cases tried, its CPU time per call, the reference's), neither wrong
nor correct: a check must answer a class in seconds, and cases it never ran prove nothing.

The clock is the CPU time of the thread that runs the learner's function, not the wall clock: a
class runs many kernels on one machine (a load test put 16 on 2 cores), where a correct answer
that takes 0.4 s alone took over 3 s of wall time and was stopped as "an endless loop". Code
that waits (``time.sleep``, ``input()``, a lock, a download) burns no CPU, so each call is also
stopped after ``WALL_LIMIT`` seconds of wall time (more for a longer ``time_limit``), and told
that it waits when it used under a tenth of that on the CPU (else: not judged, the machine is too
busy or the work is in threads the function starts). Not counted: the
time of threads the learner's code starts, such as the BLAS worker threads behind a large
``A @ B`` (an answer that multiplies big matrices is timed on less than all its CPU: lenient,
never stricter). Where a thread's CPU clock cannot be read (a call run in a helper thread on
Windows, or on a system whose Python has no ``time.pthread_getcpuclockid``, see
``_call_in_thread``) the wall clock is used.

``check(..., grade=True)`` (and ``assert_form(check_x)``) is the assert form for autograders: it
raises ``AssertionError(hint)`` instead of returning a falsy result.
"""

from __future__ import annotations

import contextvars
import copy
import ctypes
import decimal
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, ItemsView, Iterator, KeysView, Mapping, ValuesView

import numpy as np

from wdlib import _checks

OK, FAIL = "✓", "✗"
TIME_LIMIT = 3.0          # CPU seconds for one call of the learner's function (its thread's)
TOTAL_LIMIT = 10.0         # CPU seconds of the learner's calls in one check (see TOO_SLOW)
# wall seconds for one call, whatever its CPU time: the backstop for code that waits (sleeps,
# input(), a lock) and burns no CPU. 10 x TIME_LIMIT, so that a call that needs all of its 3 s
# of CPU is not stopped on a loaded machine: 16 kernels busy on 2 cores give each 1/8 of a core,
# 3 s of CPU in 24 s of wall time
WALL_LIMIT = 30.0


def wall_limit(seconds: float) -> float:
    """The wall-clock backstop of a call given ``seconds`` of CPU time: ``WALL_LIMIT``, scaled up
    for a longer limit than ``TIME_LIMIT`` a checker asks for (``check(time_limit=...)``), so the
    wall clock never stops such a call before its CPU time could run out on a busy machine."""
    return WALL_LIMIT * max(1.0, seconds / TIME_LIMIT)


IMPORT_GRACE = 60.0       # seconds of module imports inside it not counted in either limit
TICK = 0.1                # how often the time limit looks at the call

NOT_IMPLEMENTED = "not implemented yet: replace `raise NotImplementedError` with your code"
NONE_RETURNED = "your function returned None: did you forget `return`?"
TIMED_OUT = ("your function did not finish within {s:g} s of CPU time and was stopped: an "
             "endless loop (a `while` whose condition never changes, a counter never "
             "incremented), or very slow code (vectorize it: no Python loop over samples)?")
WALL_TIMED_OUT = ("your function did not finish within {s:g} s (on the clock; it used little "
                  "CPU time, so it was waiting) and was stopped: does it call time.sleep, "
                  "input(), or wait for a lock, a download or another program? Compute the "
                  "answer from the arguments and return it")
BUSY_TIMED_OUT = ("not judged: your function did not finish within {s:g} s on the clock but used "
                  "only {cpu:.1f} s of CPU time in it: the machine is very busy (or your function "
                  "works in threads it starts, whose time is not counted); run the check again")
TOO_SLOW = ("not judged, too slow: your function is correct on the {k} of {n} test inputs "
            "tried, but takes {per} of CPU time per call (the reference: {ref}), so the check "
            "stopped after {spent:.0f} s of it; vectorize it (no Python loop over samples, "
            "units or λ values) and run the check again")
CUT_SHORT = (" (this is what the {k} of {n} test inputs tried show: the check ran out of time, "
             "your function takes {per} of CPU time per call, so the others were not run)")
SYS_EXIT = ("your function called sys.exit() (it raised SystemExit): return the value instead "
            "of exiting")
MUTATED = ("your function modified its input `{name}` in place: work on a copy "
           "(e.g. {name} = {name}.copy() or build a new array)")
FLOAT32 = ("{dtype} is not precise enough here: your {dtype} answer is close to the expected one "
           "but differs by {rel:.1e} (relative); compute in float64 (the default)")
FLOAT32_INSIDE = ("; that is about float32's rounding, or a small eps: did part of your "
                  "computation run in float32 (an np.float32 array, torch.Tensor(...) or "
                  "torch.tensor of Python floats, jax's default) before the answer became a "
                  "float64 or a Python float? then compute in float64 throughout. Or did you "
                  "add an eps the formula does not have (a norm + 1e-8 in a denominator)? Or "
                  "did an iterative method (gradient descent, a bisection, scipy.optimize) stop "
                  "at a tolerance? then solve exactly, or iterate to full precision.")
WHOLE_NUMBERS = ("; your answer holds only whole numbers where the expected values are not: was "
                 "it cut to integers? An array made like an integer input (np.zeros_like(t) of "
                 "an integer t, or dtype=int) keeps only the whole part of what is written into "
                 "it, // rounds down and int() drops the fraction: make it a float array "
                 "(np.zeros(t.shape), np.zeros_like(t, dtype=float)), divide with / and "
                 "leave out int()")
PARTLY_RIGHT = ("; it is right on {k} of the {n} test inputs, so look at what differs between "
                "them: an argument your function ignores or replaces by a number written in "
                "the code, or a case it does not handle (a zero, a negative entry, one model)")
SAME_ANSWER = ("your function gave the same answer on all {n} test inputs, whose expected "
               "answers differ: does it read a variable of the notebook (X, y, w, ...) instead "
               "of its own arguments, or ignore one of them? Not equal to the expected answer: "
               "{desc}")
ROUNDED = ("your answer looks rounded to {d} {unit}: return it unrounded (the checker "
           "compares far more digits; round only what you print). Not equal to the expected "
           "answer: {desc}")
CUT = ("your answer looks cut to {d} {unit} (int(x * 10**{d}) / 10**{d}, math.trunc or np.trunc "
       "drop the rest of the digits): return it whole (the checker compares far more digits; "
       "round only what you print). Not equal to the expected answer: {desc}")
_FLOAT32_ROUNDING = 1e-5   # a float32 result's typical error, relative (its eps is 1.2e-7)
READ_TIMED_OUT = ("reading your answer did not finish within {s:g} s (a very large Python "
                  "list, or nested lists? or its own __len__, __array__ or __float__ runs too "
                  "long?): return a NumPy array (np.asarray(...)) or plain numbers")
_OUT_OF_TIME = {           # what ran out of time, by the phase of _student_answer it was in
    "call": TIMED_OUT,
    "message": "your function raised an exception whose message took too long to show",
    "inputs": ("comparing your function's inputs before and after the call took too long: did "
               "it put its own objects in them? work on a copy"),
    "read": READ_TIMED_OUT,
}
AMBIGUOUS = ("; Python's min(), max(), `if` and `and`/`or` take one number at a time, not an "
             "array of several: min(1.0, x) with x an array raises this; use np.minimum(1.0, "
             "x), np.maximum or np.where(cond, a, b), which work entry by entry")
# where the inputs are K models' dicts (one value per model, a threshold one number or K)
AMBIGUOUS_K = ("; Python's min(), max(), `if` and `and`/`or` take one number at a time, not an "
               "array of several (one per model): min(1.0, x) with x an array of K values "
               "raises this; use np.minimum(1.0, x), np.maximum or np.where(cond, a, b), which "
               "work entry by entry, or, in a loop over the models, model k's own value x[k] "
               "(a threshold may be one number or K of them)")
ONE_NUMBER_ONLY = ("; the math module's functions (math.cos, math.exp, math.sqrt, ...), "
                   "float() and int() take one number, not an array: use NumPy's (np.cos, "
                   "np.exp, np.sqrt, ..., x.astype(float), np.floor(x)), which work entry by "
                   "entry")
ONE_NUMBER_ONLY_MESSAGES = ("can be converted to Python scalars",)   # NumPy 1: size-1, 2: 0-d
SCALAR_INDEXED = ("; you indexed a plain number (an argument that is one number here? where a "
                  "prompt allows one number or K of them, np.broadcast_to(x, (K,)) gives K "
                  "values from either)")
SCALAR_INDEXED_MESSAGES = ("'float' object is not subscriptable", "'int' object is not "
                           "subscriptable", "invalid index to scalar variable",
                           "too many indices for array: array is 0-dimensional")
# shapes that do not broadcast (NumPy's operators, an assignment into a slice, torch's)
BROADCAST = ("; NumPy lines two shapes up from their last axes, and each pair of sizes must be "
             "equal or 1: print the shapes of the arrays you combine (a sum or norm over the "
             "wrong axis? keepdims=True keeps the axis it reduced, as a 1)")
# ... where the inputs are K models' dicts
BROADCAST_K = ("; K values, one per model, act on model k's part of an array with the shape "
               "(K, 1, ..., 1): np.reshape(x, (-1,) + (1,) * (g.ndim - 1))")
BROADCAST_MESSAGES = ("could not be broadcast", "could not broadcast",
                      "must match the size of tensor")
# a matrix product whose inner sizes differ (NumPy's np.dot, @ / np.matmul, torch's @)
MATMUL_SHAPES = ("; @ and np.dot multiply matrices, rows by columns: an (a, b) array by a (b, c) "
                 "one, and the b's must agree. For the sum of the products of matching entries, "
                 "use np.sum(x * y) or flatten both (np.ravel(x) @ np.ravel(y)); for a matrix "
                 "product, check which array needs its transpose (.T)")
MATMUL_MESSAGES = ("not aligned", "mismatch in its core dimension", "cannot be multiplied")
# `x^2` for a power: ^ is bitwise XOR in Python (a float's or NumPy's: a TypeError)
XOR_POWER = ("; in Python ^ is bitwise XOR, not a power: write x ** 2 (or np.square(x), "
             "np.power(x, 2))")
XOR_MESSAGES = ("unsupported operand type(s) for ^", "'bitwise_xor' not supported")
CHECK_INSIDE = ("your function calls a checker (the {name} check) inside itself: the checker "
                "runs your function, which runs the checker, ... without end; take the "
                "checker's line out of the function (un-indent it, or give it its own cell)")
CHECK_INSIDE_OTHER = ("your function calls a checker (the {name} check) inside itself, so each "
                      "time the {outer} check runs your function, that checker runs too; take "
                      "the checker's line out of the function (un-indent it, or give it its "
                      "own cell)")
# PyTorch's names for what NumPy calls otherwise: x.clamp(...), np.clamp(...) raise
# AttributeError on NumPy arrays (the learner knows torch); the hint gives NumPy's name
TORCH_NAMES = {
    **dict.fromkeys(("clamp", "clamp_", "clip_"), "np.clip(x, lo, hi) (np.maximum(x, 0) for "
                                                   "clamp(min=0))"),
    "norm": "np.linalg.norm(x) (np.linalg.norm(x, axis=1) for x.norm(dim=1))",
    **{name: op for name, op in [("mul", "*"), ("add", "+"), ("sub", "-"), ("div", "/"),
                                 ("pow", "**"), ("mm", "@"), ("matmul", "@")]},
    **{name: f"np.{name}(x)" for name in ("abs", "sqrt", "exp", "log", "sign", "tanh", "cos",
                                          "sin", "square")},
    "acos": "np.arccos(x)", "atan2": "np.arctan2(y, x)", "cat": "np.concatenate",
    "numel": "x.size", "dim": "x.ndim", "t": "x.T", "unsqueeze": "np.expand_dims(x, axis) "
    "(or x[:, None])", "permute": "np.transpose(x, axes)", "masked_fill": "np.where(mask, "
    "value, x)", **dict.fromkeys(("detach", "numpy", "cpu"), "nothing: x is a NumPy array "
                                 "already (np.asarray(x))"),
}
TORCH_ATTRIBUTE = ("; {name} is PyTorch's name (x.{name}, torch.{name}), and your x is a "
                   "NumPy array: NumPy's is {numpy}")
TORCH_KEYWORDS = ("; dim= and keepdim= are PyTorch's names: NumPy's are axis= and keepdims= "
                  "(x.sum(axis=1), np.linalg.norm(x, axis=1, keepdims=True))")
INTERNAL = ("the checker could not judge this answer ({err}); the answer may be fine: "
            "please tell your teacher")

__all__ = ["Verdict", "WrongForm", "UpTo", "check", "assert_form", "outputs", "report",
           "TIME_LIMIT"]


# --------------------------------------------------------------------------- the result

class Verdict:
    """What a checker returns: truthy when the answer is correct. It shows nothing in a notebook
    (the ✓/✗ line is already printed), so a bare ``check_x(f)`` cell does not echo True/False."""

    __slots__ = ("name", "hint")

    def __init__(self, name: str, hint: str | None):
        self.name, self.hint = name, hint

    def failure(self) -> AssertionError:
        """The autograder's error for a wrong answer (raised by the caller, in its own frame)."""
        return AssertionError(f"{self.name}: {self.hint}")

    def __bool__(self) -> bool:
        return self.hint is None

    @property
    def line(self) -> str:
        return f"{OK} {self.name}: correct" if self.hint is None else \
            f"{FAIL} {self.name}: {self.hint}"

    def __repr__(self) -> str:
        return self.line

    def _ipython_display_(self):
        """Display nothing: the line was printed when the checker ran."""


class _Tail:
    """``sys.stdout`` while a check runs: passes every write on and keeps the last character
    written, so that the checker's line starts a line of its own after a learner's progress
    print (``print(f"\\rstep {i}", end="")``), not glued to it."""

    def __init__(self, stream):
        self.stream = stream
        self.last = "\n"

    def write(self, text):
        written = self.stream.write(text)
        if isinstance(text, str) and text:
            self.last = text[-1]
        return written

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name):                 # flush, encoding, isatty, ...: the stream's
        return getattr(self.stream, name)


def report(name: str, hint: str | None) -> Verdict:
    """Print one line, ✓ or ✗ with the hint, and return the Verdict."""
    verdict = Verdict(name, hint)
    print(verdict.line)
    return verdict


class _CheckInside(BaseException):
    """Raised by a checker called while another one runs the learner's function (the checker's
    line indented into the function): a BaseException, so that the learner's own
    ``except Exception`` does not hide it from the outer checker."""


_JUDGING: contextvars.ContextVar = contextvars.ContextVar("wdlib_exercise_judging", default=None)


class WrongForm(Exception):
    """Raised by a ``convert``: the answer has the wrong form (the message is the hint)."""


class UpTo:
    """An answer from ``accept`` that is correct, and so is every answer between the reference
    and it (the same expression with an eps from 0 up to the one it has: when the frameworks'
    eps is accepted, a smaller eps is too). Read as the blend of the two nearest the answer."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class _Timeout(BaseException):
    """The learner's function ran out of time (a BaseException: `except Exception` in the
    learner's loop does not swallow it)."""


# --------------------------------------------------------------------------- time limit

def _call(fn: Callable, args: tuple, seconds: float, owner: Callable | None = None,
          spent: dict | None = None):
    """``fn(*args)``, stopped with ``_Timeout`` after ``seconds`` of CPU time of the thread that
    runs it, or ``WALL_LIMIT`` seconds of wall time (``_CallClock``). ``owner``: the learner's
    function when ``fn`` is the checker's wrapper around it (whose lines the trace stops at).
    ``spent``: what the call took, for the check's budget, also when the call runs in a thread:
    ``"cpu"`` gets its CPU time, ``"imports"`` the part of it forgiven as imports, and
    ``"stopped"`` is set to ``"cpu"`` or ``"wall"``, the limit that stopped it
    (``_CallClock.report``).

    On the main thread of a Unix process (a Jupyter kernel) a ``SIGALRM`` timer, every ``TICK``
    seconds of wall time, looks at the call (its handler runs on that thread and reads
    ``time.thread_time()``, the call's CPU time) and interrupts it once its time is over. A loop
    with ``except BaseException: continue`` or a bare ``except:`` swallows that one exception,
    so the timer goes on interrupting every ``TICK`` s until the call returns, and each alarm
    also sets a trace function that raises ``_Timeout`` again at the next line of the learner's
    own code (the first line of the ``except`` body, outside that ``try``). Two nested
    swallowing ``try`` blocks could still outlast it; such code is rare. The previous handler,
    timer and trace function are restored afterwards. Elsewhere (Windows, a non-main thread, a
    timer already in use) the function runs in a helper thread (``_call_in_thread``); on
    time-out an exception is raised inside that thread (CPython), so the loop stops there too.
    Time the function spends importing modules (Python's import machinery on its stack) does
    not count, up to ``IMPORT_GRACE``.
    """
    if not (hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()):
        return _call_in_thread(fn, args, seconds, spent)
    try:
        if signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0):
            return _call_in_thread(fn, args, seconds, spent)
    except (ValueError, OSError, AttributeError):
        return _call_in_thread(fn, args, seconds, spent)
    armed = [True]
    student_file = getattr(getattr(owner or fn, "__code__", None), "co_filename", None)
    trace_before = sys.gettrace()

    def again(frame, event, arg):
        if armed[0] and event == "line" and (student_file is None
                                             or frame.f_code.co_filename == student_file):
            raise _Timeout                         # Python then unsets this trace function
        return again

    clock = _CallClock(seconds, time.thread_time)  # this thread's CPU time

    def on_alarm(signum, frame):                   # every TICK s from the start of the call
        if armed[0] and not clock.expired(_importing(frame, _call.__code__)):
            return
        if armed[0]:
            sys.settrace(again)
            f = frame
            while f is not None and f.f_code is not _call.__code__:
                f.f_trace = again
                f = f.f_back
            raise _Timeout

    try:
        previous = signal.signal(signal.SIGALRM, on_alarm)
    except (ValueError, OSError):
        return _call_in_thread(fn, args, seconds, spent)

    def disarm():
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, previous)
        sys.settrace(trace_before)

    try:
        signal.setitimer(signal.ITIMER_REAL, TICK, TICK)
        return fn(*args)
    finally:
        armed[0] = False                           # no check for pending exceptions before this
        end = time.thread_time()
        while True:                                # a late alarm's _Timeout is dropped
            try:
                disarm()
                break
            except _Timeout:
                continue
        clock.report(spent, end)


class _CallClock:
    """The learner's time in one call: the CPU time of the thread that runs it (``cpu()``, read
    on that thread's clock) and, as a backstop for code that waits, the wall time; each without
    the time its function spends importing modules (a first ``import torch`` or ``from scipy
    import stats`` takes seconds, and that is not an endless loop), up to ``IMPORT_GRACE`` of
    imports on each clock. Sampled about every ``TICK`` seconds: ``expired(importing)`` counts
    the time since the last sample as imports when ``importing``, and says whether the
    learner's own time is over: ``seconds`` of CPU time (``cause`` "cpu") or ``WALL_LIMIT`` of
    wall time ("wall"). Once over, it stays over.

    The time since the last sample, not one ``TICK``: an alarm waits for a long C call to return
    (torch's extension modules initialise in one), and on a loaded machine a first
    ``import torch`` was stopped half-way as "an endless loop", which left torch unimportable in
    that process until a restart."""

    def __init__(self, seconds: float, cpu: Callable[[], float], cpu_start: float | None = None):
        self.seconds, self.cpu, self.cause = seconds, cpu, None
        self.wall_start, self.cpu_start = time.monotonic(), cpu() if cpu_start is None \
            else cpu_start
        self.wall_last, self.cpu_last = self.wall_start, self.cpu_start
        self.imports, self.wall_imports = 0.0, 0.0

    def expired(self, importing: bool) -> bool:
        if self.cause is None:
            wall, cpu = time.monotonic(), self.cpu()
            if importing:
                self.imports += cpu - self.cpu_last
                self.wall_imports += wall - self.wall_last
            self.wall_last, self.cpu_last = wall, cpu
            if cpu - self.cpu_start - min(self.imports, IMPORT_GRACE) >= self.seconds:
                self.cause = "cpu"
            elif wall - self.wall_start - min(self.wall_imports, IMPORT_GRACE) >= wall_limit(
                    self.seconds):
                self.cause = "wall"
        return self.cause is not None

    def report(self, spent: dict | None, end: float | None) -> None:
        """Add the call's CPU time (up to ``end`` on its clock; the last sample when None) to
        ``spent["cpu"]`` and the import time forgiven to ``spent["imports"]``, and set
        ``spent["stopped"]`` to the limit that stopped it (nothing when ``spent`` is None)."""
        if spent is None:
            return
        used = (self.cpu_last if end is None else end) - self.cpu_start
        spent["cpu"] = spent.get("cpu", 0.0) + used
        spent["wall"] = spent.get("wall", 0.0) + (self.wall_last - self.wall_start)
        spent["imports"] = spent.get("imports", 0.0) + min(self.imports, IMPORT_GRACE, used)
        if self.cause is not None:
            spent["stopped"] = self.cause


def _importing(frame, stop) -> bool:
    """Whether the learner's code is in Python's import machinery: ``frame`` or one of its
    callers, up to the frame running the code object ``stop`` (the checker's own call: a check
    run while some module is being imported gets no grace for that)."""
    while frame is not None and frame.f_code is not stop:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _call_in_thread(fn, args, seconds, spent=None):
    """``_call`` in a helper thread, watched from the caller's: the clock is the helper's own
    CPU clock, ``time.clock_gettime(time.pthread_getcpuclockid(...))``, where Python has it
    (Linux and the other Unix systems whose C library has ``pthread_getcpuclockid``), else
    (Windows; a macOS build without it) the wall clock, a stricter limit there.
    The clock's id is asked for by the helper thread itself, while it runs (asked for from
    another thread, a thread that has ended is undefined behaviour), and the helper reads its
    own CPU time when the function returns."""
    box: dict = {}
    context = contextvars.copy_context()   # the caller's settings (np.errstate is a context
                                           # variable; a new thread would start from defaults)
    started = threading.Event()

    def target():
        try:
            box["clock"] = time.pthread_getcpuclockid(threading.get_ident())
        except (AttributeError, OSError):
            pass                           # no per-thread CPU clock here: the wall clock
        box["start"] = time.thread_time() if "clock" in box else time.monotonic()
        started.set()
        try:
            box["value"] = context.run(fn, *args)
        except BaseException as exc:       # noqa: BLE001 - handed back to the caller's thread
            box["error"] = exc
        finally:
            box["end"] = time.thread_time() if "clock" in box else None

    def cpu() -> float:
        """The helper's CPU time (its last reading once it has ended), else the wall clock."""
        if "clock" not in box:
            return time.monotonic()
        if "end" in box:
            return box["end"]
        try:
            return time.clock_gettime(box["clock"])
        except OSError:                    # it has just ended
            return box.get("end", clock.cpu_last)

    worker = threading.Thread(target=target, daemon=True, name="wdlib-exercise-check")
    worker.start()
    started.wait()
    clock = _CallClock(seconds, cpu, box["start"])
    frames = getattr(sys, "_current_frames", dict)
    while worker.is_alive():
        worker.join(TICK)
        if worker.is_alive() and clock.expired(
                _importing(frames().get(worker.ident), target.__code__)):
            break
    if worker.is_alive():
        clock.report(spent, None)
        try:                               # stop the loop inside the worker (CPython only)
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident),
                                                       ctypes.py_object(_Timeout))
        except (AttributeError, TypeError, ValueError, OSError):
            pass
        worker.join(0.2)
        raise _Timeout
    clock.report(spent, cpu())
    if "error" in box:
        raise box["error"]
    return box["value"]


# --------------------------------------------------------------------------- answer forms

_EPS32 = float(np.finfo(np.float32).eps)
RTOL, ATOL = 1e-8, 1e-10   # a float64 answer's default tolerance (check's rtol, atol)
_EPS64 = float(np.finfo(np.float64).eps)
_MAX_ITEMS = 1_000_000     # items in a list or other sequence answer (not an ndarray)


_PLAIN = frozenset({float, int, bool, complex})     # float64 or exact: nothing to look at


def _low_eps(dtype) -> float | None:
    """The machine epsilon of a float (complex) dtype less precise than float64, else None."""
    dtype = np.dtype(dtype)
    if np.issubdtype(dtype, np.inexact) and dtype.itemsize < 8 * (
            1 + np.issubdtype(dtype, np.complexfloating)):
        return float(np.finfo(dtype).eps)
    return None


_SCALARS = {np.dtype(c).type: _low_eps(c)   # NumPy's scalar types: their eps, None for float64
            for c in "?bhilqBHILQefdgFDG"}
_DEPTH = 3     # the answer, its outputs and theirs (lesson 06's dict of clipped gradients)


def _walk(value, precision: dict | None = None) -> tuple[int, float | None]:
    """``(items, eps)`` of an answer, in one walk: ``items``, the number of items in its
    sequences that are not arrays (lists, ranges, nested lists, also inside tuples and dicts),
    counted without converting them (NumPy would read them one by one, for minutes) and only
    up to just over ``_MAX_ITEMS``; ``eps``, the machine epsilon of its least precise float
    (None: float64 or no float). ``precision``, when given, gets ``{id(part): [part, eps]}`` for
    the answer and its parts down to ``_DEPTH`` levels, so that each output's precision is known
    without walking it again. It runs the answer's own ``__len__``, so it is called only
    inside the time limit."""
    items, eps, stack, seen = 0, None, [(value, ())], set()
    while stack and items <= _MAX_ITEMS:
        v, owners = stack.pop()
        if precision is not None and len(owners) < _DEPTH:
            precision.setdefault(id(v), [v, None])
            owners = (*owners, id(v))
        low = _torch_eps(v)
        if low is not None or isinstance(v, (np.ndarray, np.generic)):
            eps = _noted(low if low is not None else _low_eps(v.dtype), eps, owners, precision)
            continue
        if id(v) in seen:                  # a list or dict that contains itself
            continue
        seen.add(id(v))
        if isinstance(v, Mapping):
            stack.extend((x, owners) for x in v.values() if type(x) not in _PLAIN)
        elif isinstance(v, (str, bytes)) or hasattr(v, "__array__") \
                or not hasattr(type(v), "__len__"):
            continue                       # one item, or read by NumPy in one piece
        else:
            items += len(v)
            if isinstance(v, (list, tuple)) and items <= _MAX_ITEMS:  # too many: not looked at
                # NumPy scalars (a list(array), [x for x in array]) are looked at by their
                # type, once a type: one by one, a million of them took ~10 s to walk, while
                # np.asarray reads them in 0.1 s; their own precision is found again when
                # one of them is an output
                kinds = set(map(type, v))
                for t in kinds & _SCALARS.keys():
                    eps = _noted(_SCALARS[t], eps, owners, precision)
                # so are arrays and torch tensors (a list of 0-d arrays or of torch scalars,
                # [w * 2 for w in tensor]): by their dtypes, once a dtype (one by one, a
                # million took 3-4 s)
                whole = {t for t in kinds - _PLAIN - _SCALARS.keys() if _whole(t)}
                for d in ({x.dtype for x in v if type(x) in whole} if whole else ()):
                    eps = _noted(_dtype_eps(d), eps, owners, precision)
                if not kinds <= _PLAIN | _SCALARS.keys() | whole:
                    stack.extend((x, owners) for x in v if type(x) not in _PLAIN
                                 and type(x) not in _SCALARS and type(x) not in whole)
    return items, eps


def _whole(kind: type) -> bool:
    """Whether items of this type are read in one piece by their dtype: a NumPy array or a
    torch tensor (torch is never imported: a tensor exists only if the learner imported it)."""
    torch = sys.modules.get("torch")
    return issubclass(kind, np.ndarray) or (
        torch is not None and isinstance(getattr(torch, "Tensor", None), type)
        and issubclass(kind, torch.Tensor))


def _dtype_eps(dtype) -> float | None:
    """The machine epsilon of a NumPy or torch float dtype less precise than float64, else
    None (an integer, bool or float64 dtype)."""
    if isinstance(dtype, np.dtype):
        return _low_eps(dtype)
    torch = sys.modules.get("torch")
    try:
        if torch is None or not dtype.is_floating_point:
            return None
        eps = float(torch.finfo(dtype).eps)
    except Exception:  # noqa: BLE001 - not a torch dtype
        return None
    return eps if eps > _EPS64 else None


def _noted(e: float | None, eps: float | None, owners: tuple, precision: dict | None):
    """``eps`` lowered to a part's precision ``e`` (None: float64), which is also noted in
    ``precision`` for each of the part's ``owners``."""
    if e is None:
        return eps
    for o in owners if precision is not None else ():
        precision[o][1] = max(precision[o][1] or 0.0, e)
    return e if eps is None else max(eps, e)


def _is_torch(value) -> bool:
    """Whether ``value`` is a torch object (told by its type's module; torch is never imported)."""
    return str(getattr(type(value), "__module__", "")).startswith("torch")


def _torch_eps(value) -> float | None:
    """The machine epsilon of a torch tensor of float32, float16 or bfloat16 (None for anything
    else): NumPy reads a tensor by its numbers, and a convert that turns it into a Python float
    would lose its precision."""
    if not _is_torch(value):
        return None
    try:
        return _dtype_eps(value.dtype) if value.is_floating_point() else None
    except Exception:  # noqa: BLE001 - a torch object that is not a tensor
        return None


def _as_numbers(value, what: str) -> np.ndarray:
    """A float64 array from the learner's value, or ``WrongForm`` saying what it is instead."""
    return _numbers(value, what)[0]


def _numbers(value, what: str, precision: dict | None = None) -> tuple[np.ndarray, float | None]:
    """``(float64 array, eps)``: the learner's value as numbers, and the machine epsilon of its
    least precise float (None: float64), or ``WrongForm`` saying what it is instead.
    ``precision``: what ``_walk`` found for the parts of the answer (else ``value`` is walked)."""
    if value is None:
        raise WrongForm(f"{what} is None: did you forget to return it?" if what != "your answer"
                        else NONE_RETURNED)
    if isinstance(value, (str, bytes)):
        raise WrongForm(f"{what} is a string ({str(value)[:40]!r}): return numbers, not text")
    if isinstance(value, Mapping):
        raise WrongForm(f"{what} is a dict: return numbers (an array), not a dict")
    if callable(value) and not isinstance(value, np.ndarray):
        raise WrongForm(f"{what} is a function: call it and return its result")
    if isinstance(value, (bool, np.bool_)):
        raise WrongForm(f"{what} is {value}, a bool: return a number")
    _refuse_iterator(value, what)
    arr = _array(value, what)
    if arr.dtype == object:
        arr = _real_objects(arr, what, value)
    if arr.dtype == bool:
        raise WrongForm(f"{what} holds True/False values: return numbers")
    if arr.dtype.kind in "mM":
        raise WrongForm(f"{what} holds dates or time spans ({arr.dtype}): return plain numbers")
    if np.issubdtype(arr.dtype, np.complexfloating):
        imag = arr.imag[arr.imag != 0]
        if imag.size:
            raise WrongForm(_imaginary(what, float(imag.flat[0])))
        arr = arr.real                     # cmath.sqrt of a positive number: 0 imaginary part
    if not (np.issubdtype(arr.dtype, np.number)):
        raise WrongForm(f"{what} is not an array of numbers (got {type(value).__name__}"
                        + (f" of {arr.dtype}" if isinstance(value, np.ndarray) else "") + ")")
    known = (precision or {}).get(id(value))
    eps = known[1] if known is not None and known[0] is value else _walk(value)[1]
    if np.issubdtype(arr.dtype, np.floating) and arr.dtype.itemsize < 8:   # e.g. a torch tensor
        eps = max(eps or 0.0, float(np.finfo(arr.dtype).eps))
    return arr.astype(np.float64), eps


def _refuse_iterator(value, what: str) -> None:
    """``WrongForm`` for a generator or another one-pass iterator (map, zip, iter), and for a
    dict's keys/values/items view: NumPy reads none of them as numbers. They are not consumed:
    a generator is the learner's code, possibly endless."""
    if isinstance(value, Iterator):
        kind = "a generator" if isinstance(value, Generator) else \
            f"an iterator ({type(value).__name__})"
        raise WrongForm(f"{what} is {kind}, not numbers (a `(... for ...)` expression, `yield`, "
                        f"map or zip?): return a list or an array, e.g. [... for ...] or "
                        f"np.array(list(...))")
    if isinstance(value, (KeysView, ValuesView, ItemsView)):
        raise WrongForm(f"{what} is a dict view ({type(value).__name__}): return numbers, "
                        f"e.g. np.array(list(d.values()))")


def _array(value, what: str) -> np.ndarray:
    """``np.asarray(value)``, torch tensors read detached, or ``WrongForm``."""
    try:
        return np.asarray(_detached(_tensors_joined(value)))
    except Exception:  # noqa: BLE001 - ragged lists and odd objects
        pass
    try:                                   # a list of torch tensors that require grad
        if isinstance(value, (list, tuple)):
            return np.asarray([_detached(v) for v in value])
    except Exception:  # noqa: BLE001
        pass
    raise WrongForm(f"{what} is not an array of numbers ({type(value).__name__})")


def _tensors_joined(value):
    """A list (tuple) of torch tensors as one tensor, else ``value`` as it is: NumPy reads
    such a list tensor by tensor (a million torch scalars, ``list(t)``, took 2 s). 0-d tensors
    are read by ``.item()`` (exact for every float dtype), others stacked (same shapes)."""
    torch = sys.modules.get("torch")
    tensor = getattr(torch, "Tensor", None)
    if not (isinstance(value, (list, tuple)) and value and isinstance(tensor, type)
            and all(isinstance(x, tensor) for x in value)):
        return value
    try:
        if {x.dim() for x in value} == {0}:
            return np.array([x.item() for x in value])
        with torch.no_grad():
            return torch.stack(value)
    except Exception:  # noqa: BLE001 - other shapes or devices: NumPy's reading and its hint
        return value


def _detached(value):
    """A torch tensor as the plain tensor of its numbers: NumPy refuses a tensor that requires
    grad (one computed with autograd) and a bfloat16 one, and the checker only reads its
    numbers (a bfloat16's precision is kept by ``_walk``). Anything else as it is."""
    if _is_torch(value) and callable(getattr(value, "detach", None)):
        value = value.detach().cpu()
        torch = sys.modules.get("torch")
        if torch is not None and value.dtype == torch.bfloat16:
            value = value.float()          # NumPy has no bfloat16; float32 holds it exactly
    return value


def _imaginary(what: str, imag: float) -> str:
    return (f"{what} has complex numbers (an imaginary part of {_fmt(imag)}j): the answer is "
            f"real (the square root or log of a negative number? use np.abs, or check the sign)")


def _real_objects(arr: np.ndarray, what: str, value) -> np.ndarray:
    """An object array of real numbers (SymPy's Float or sqrt(2)/10, Fraction, Decimal, mpmath)
    as floats; anything else (text, None, True, a nested array, a symbol) stays what it is, an
    object array, and is refused by the caller. A complex number (SymPy's 1 + I) is refused for
    its imaginary part, and an exact number beyond float64's range (Decimal('1e400'), which
    float() turns into inf without a word) for its size."""
    items = arr.ravel()
    if not all(hasattr(x, "__float__") and not isinstance(x, (str, bytes, bool, np.bool_,
                                                               np.ndarray))
               for x in items):
        return arr
    imag = next((z.imag for z in map(_complex, items) if z is not None and z.imag != 0), None)
    if imag is not None:
        raise WrongForm(_imaginary(what, imag))
    try:
        floats = np.array([float(x) for x in items], dtype=np.float64)
    except OverflowError:
        floats = None
    except (TypeError, ValueError):     # e.g. a symbolic expression with a free symbol
        return arr
    if floats is None or not all(np.isfinite(f) or not _finite(x)
                                 for f, x in zip(floats, items, strict=True)):
        raise WrongForm(f"{what} is too large to be a float: beyond float64's range "
                        f"(about 1.8e308), it would overflow to inf") from None
    return floats.reshape(arr.shape)


def _complex(x) -> complex | None:
    """``x`` as a complex number, None when it is not one (a symbol, text)."""
    if isinstance(x, complex):
        return x
    try:
        return complex(x) if hasattr(x, "__complex__") or not hasattr(x, "__float__") else None
    except (TypeError, ValueError, OverflowError):
        return None


def _finite(x) -> bool:
    """Whether an exact number (Decimal, Fraction, SymPy, mpmath) is finite: inf + inf is inf."""
    if isinstance(x, decimal.Decimal):
        return x.is_finite()
    try:
        return bool(x == x) and (bool(x + x != x) or bool(x == 0))
    except Exception:  # noqa: BLE001 - a number type without + or ==
        return False


def size_of(value) -> int | None:
    """The number of entries of an answer, None when it has no shape. ``np.size`` is wrong for
    a torch tensor: it returns the tensor's bound ``.size`` method, which is never 1."""
    try:
        return int(np.prod(np.shape(value)))
    except Exception:  # noqa: BLE001 - ragged lists and odd objects: no size
        return None


def real_array(value) -> np.ndarray | None:
    """An answer as a float64 array for a form hint, or None when it is not one (complex
    numbers, which the core names later, without NumPy's ComplexWarning printed under the
    learner's cell; text, ragged lists, odd objects)."""
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "biufO":                 # complex, text, dates
            return None
        return arr.astype(np.float64)                     # objects: float(x) each (Fraction)
    except Exception:  # noqa: BLE001 - not an array of numbers: judged (and described) later
        return None


def is_vector_of(shape: tuple, n: int) -> bool:
    """Whether an answer of this shape is a vector of n numbers: ``(n,)``, or a column
    ``(n, 1)`` or a row ``(1, n)``, which hold the same numbers in the same order."""
    return tuple(shape) == (n,) or (len(shape) == 2 and 1 in shape and shape[0] * shape[1] == n)


def _label(k: str) -> str:
    return f"output {k!r}" if k else "your answer"


def _normalize(got, want: dict, precision: dict | None = None) -> tuple[dict, dict]:
    """The learner's answer as ``{key: float64 array}`` with the keys of ``want``, and each
    output's precision ``{key: eps}`` (None: float64)."""
    if set(want) == {""}:
        got = {"": got}
    elif not isinstance(got, Mapping):
        raise WrongForm(f"expected a dict with keys {sorted(want)}, got {type(got).__name__}")
    missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want), key=str)
    if missing or extra:
        raise WrongForm(f"expected the keys {sorted(want)}"
                        + (f"; missing {missing}" if missing else "")
                        + (f"; unexpected {extra}" if extra else ""))
    out, eps = {}, {}
    for k, w in want.items():
        g, eps[k] = _numbers(got[k], _label(k), precision)
        out[k] = _shaped_like(g, w)
    return out, eps


def _shaped_like(g: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``g`` in ``w``'s shape where it holds the same numbers in the same order: a one-item
    answer as a number, a column ``(n, 1)`` or a row ``(1, n)`` as the vector ``(n,)``."""
    if w.shape == () and g.size == 1:
        return g.reshape(())
    if w.ndim == 1 and g.ndim == 2 and is_vector_of(g.shape, w.size):
        return g.reshape(w.shape)
    return g


def _shape_hint(k: str, g: np.ndarray, w: np.ndarray) -> str:
    msg = f"wrong shape for {_label(k)}: expected {w.shape}, got {g.shape}"
    if g.ndim == 2 and g.shape[0] == g.shape[1] > 1 and w.size == g.shape[0]:
        msg += (": an (n, 1) array combined with an (n,) array broadcasts to (n, n); "
                "reshape one of them (y.reshape(-1) or y[:, None])")
    elif w.shape == () and g.ndim >= 1:
        msg += ": return one number (a mean or a sum over all entries?)"
    elif g.ndim == 2 and g.T.shape == w.shape and np.allclose(g.T, w, rtol=1e-6, atol=1e-9):
        msg += ": transposed? your answer is the transpose of the expected one (drop a .T, or "
        msg += "swap the order of a matrix product)"
    elif g.size == w.size and np.allclose(g.reshape(w.shape), w, rtol=1e-6, atol=1e-9):
        msg += f": same entries, other shape; reshape it (e.g. .reshape{w.shape})"
    return msg


# --------------------------------------------------------------------------- comparing

def _close(g: np.ndarray, w: np.ndarray, rtol: float, atol: float) -> bool:
    return g.shape == w.shape and bool(np.allclose(g, w, rtol=rtol, atol=atol, equal_nan=False))


def _tolerances(want: dict, rtol: float, atol: float, eps: dict, atol32: float = 0.0):
    """Per-key (rtol, atol): the checker's, loosened to the precision of each float32 output
    (another output of the same answer in float64 keeps the checker's); ``atol32``: the
    absolute error a float32 computation cannot avoid, whatever the answer's size."""
    tol = {}
    for k, w in want.items():
        if eps.get(k) is None:
            tol[k] = (rtol, atol)
            continue
        r = max(rtol, 1000.0 * min(eps[k], _EPS32))  # ~1e-4: float32's, also for float16 (~1.0)
        tol[k] = (r, max(atol, atol32, r * float(np.max(np.abs(w), initial=0.0))))
    return tol


def _all_close(got: dict, want: dict, tol: dict) -> bool:
    return all(_close(got[k], want[k], *tol[k]) for k in want)


def _canonical(value) -> dict:
    """A reference value (a number, an array or a dict of them) as ``{key: float64 array}``."""
    if isinstance(value, Mapping):
        return {k: np.asarray(v, dtype=np.float64) for k, v in value.items()}
    return {"": np.asarray(value, dtype=np.float64)}


def _fmt(x: float, near: float | None = None) -> str:
    """4 significant figures, or as many as it takes to tell ``x`` from ``near``."""
    digits = 4
    if near is not None and x != near and near != 0:
        rel = abs(x - near) / abs(near)
        if rel < 1.0:                                # inf for a huge answer: 4 digits
            digits = min(17, max(4, int(np.ceil(-np.log10(rel))) + 2))
    return f"{x:.{digits}g}"


def _tiny(g, w) -> str:
    """``"; differs by a relative 3.1e-07"`` when g and w print alike (agree to ~1e-4), else ""."""
    g, w = float(g), float(w)
    if g != w and abs(g - w) <= 1e-4 * max(abs(w), 1e-300):
        return f": differs by a relative {abs(g - w) / abs(w):.2g}"
    return ""


def _describe(got: dict, want: dict, tol: dict) -> str:
    """What differs, without guessing a cause: which output, which entries, by what factor."""
    wrong = [k for k in want if not _close(got[k], want[k], *tol[k])]
    parts = []
    if len(want) > 1:
        right = [k for k in want if k not in wrong]
        parts.append(f"{', '.join(repr(k) for k in wrong)} "
                     f"{'is' if len(wrong) == 1 else 'are'} wrong"
                     + (f" ({', '.join(repr(k) for k in right)} "
                        f"{'is' if len(right) == 1 else 'are'} right)" if right else ""))
    k = wrong[0]
    g, w = got[k], want[k]
    label = "" if len(want) == 1 else f"{k!r}: "
    if w.shape == ():
        tiny = _tiny(g, w)
        ratio = tiny or ((": the wrong sign" if float(g) == -float(w) else
                          f" ({_fmt(float(g) / float(w) + 0.0, 1.0)} × the expected value)")
                         if abs(float(w)) > 0 else "")
        parts.append(f"{label}got {_fmt(float(g), float(w))}, expected "
                     f"{_fmt(float(w), float(g))} on a test input{ratio}")
        return "; ".join(parts)
    nz = np.abs(w) > 1e-12
    if nz.any():
        ratio = g[nz] / w[nz]
        c = float(np.median(ratio))
        if np.allclose(g, c * w, rtol=tol[k][0], atol=tol[k][1]) and abs(c) > 1e-12:
            if np.isclose(c, -1.0):
                parts.append(f"{label}the wrong sign: you have the negative of the expected "
                             f"value")
            elif abs(c - 1.0) <= 1e-4:
                parts.append(f"{label}your value = (1 + {c - 1:.2g}) × the expected one "
                             f"everywhere{_tiny(c, 1.0)}")
            elif c > 0:
                more = "too large" if c > 1 else "too small"
                f = c if c > 1 else 1 / c
                parts.append(f"{label}{more} by a factor of {_fmt(f, 1.0)} everywhere "
                             f"(your value = {_fmt(c, 1.0)} × the expected one)")
            else:
                parts.append(f"{label}{_fmt(c)} × the expected value everywhere")
            return "; ".join(parts)
    bad = ~np.isclose(g, w, rtol=tol[k][0], atol=tol[k][1])
    i = np.unravel_index(int(np.argmax(np.where(bad, np.abs(g - w), -1.0))), w.shape)
    idx = tuple(int(j) for j in i)
    idx = idx[0] if len(idx) == 1 else idx
    parts.append(f"{label}{int(bad.sum())} of {w.size} entries differ; the largest difference "
                 f"is at index {idx}: got {_fmt(float(g[i]), float(w[i]))}, "
                 f"expected {_fmt(float(w[i]), float(g[i]))}"
                 f"{_tiny(g[i], w[i])}")
    return "; ".join(parts)


def _permutation(got: dict, want: dict, tol: dict) -> str | None:
    """The hint for outputs returned in the wrong order (e.g. ``return b, w``)."""
    keys = list(want)
    if len(keys) < 2 or all(_close(_shaped_like(got[k], want[k]), want[k], *tol[k]) for k in keys):
        return None                        # in order already: equal outputs are not 'swapped'
    import itertools
    perms = itertools.permutations(keys) if len(keys) <= 4 else (
        tuple(keys[:i] + [keys[j]] + keys[i + 1:j] + [keys[i]] + keys[j + 1:])
        for i in range(len(keys)) for j in range(i + 1, len(keys)))
    for perm in perms:
        if perm == tuple(keys):
            continue
        # the learner's slot k holds the reference's perm[i] value (in the form that output
        # would be read in: a swapped (w, b) with w a column and b a 1-item array is a swap)
        if all(_close(_shaped_like(got[k], want[p]), want[p], *tol[p])
               for k, p in zip(keys, perm, strict=True)):
            moved = [k for k, p in zip(keys, perm, strict=True) if k != p]
            if len(moved) == 2:
                return (f"outputs swapped? {moved[0]!r} and {moved[1]!r} hold each other's "
                        f"values: return them in the order {tuple(keys)}")
            return (f"outputs in the wrong order? you returned the values of {perm}: return them "
                    f"in the order {tuple(keys)}")
    return None


def _nonfinite(got: dict) -> str | None:
    for k, g in got.items():
        bad = ~np.isfinite(g)
        if bad.any():
            what = "NaN" if np.isnan(g).any() else "inf"
            count = f" ({int(bad.sum())} of {g.size} entries)" if g.size > 1 else ""
            return (f"{_label(k)} contains {what}{count}: a division by zero, log/sqrt of a "
                    f"negative number, arccos/arcsin of a number outside [−1, 1], or an "
                    f"overflow?")
    return None


# --------------------------------------------------------------------------- the checker

def check(name: str, fn, reference: Callable, cases, *, mistakes: Callable | None = None,
          hints: Mapping[str, str] | None = None, convert: Callable | None = None,
          form_hint: Callable | None = None, rtol: float = RTOL, atol: float = ATOL,
          float32: bool = True, time_limit: float | None = None, accept: Callable | None = None,
          inputs_unchanged: bool | tuple = True, atol32: float = 0.0,
          explain: Callable | None = None, grade: bool = False) -> Verdict:
    """Run ``fn`` and ``reference`` on each case (a tuple of arguments); print one line.

    - ``reference(*args)``: the expected value (a number, an array, or a dict of them);
    - ``convert(got)``: the learner's return value in the reference's form (a pair ``(w, b)`` into
      ``{"w": w, "b": b}``); it raises ``WrongForm(hint)`` when it cannot;
    - ``form_hint(got, *args)``: a hint when the converted answer has the wrong form, else None
      (it sees the answer as returned/converted, before it is read as numbers);
    - ``mistakes(*args) -> {key: wrong value}`` and ``hints = {key: hint}``: the table of typical
      mistakes, tried in the order of ``hints``;
    - ``rtol, atol``: the tolerance for a float64 answer; a float32 answer is compared at float32
      precision when ``float32`` is True, and is told to use float64 when it is not;
    - ``accept(*args) -> [values]``: other answers that are also correct (e.g. without an eps);
      a value wrapped in ``UpTo`` accepts every answer between the reference and it too;
    - ``inputs_unchanged``: the exercise asks for a new value, so a function that modifies one
      of its inputs in place (``W *= s; return W``) is wrong, even when the value is right; set
      it to False for an exercise that asks for an in-place update, or to the positions of the
      arguments that must stay unchanged (the others are scratch);
    - ``atol32``: the absolute error a float32 (float16) answer may have whatever its size, for a
      quantity whose float32 precision is absolute (an angle between float32 directions is
      known to a few float32 roundings in radians, also when it is tiny);
    - ``explain(runs) -> hint or None``: a diagnosis that needs the whole answer, tried after
      the table of mistakes; ``runs`` is one ``(args, got, want, eps, ok)`` per case (``got``,
      ``want``: ``{key: float64 array}``; ``eps``: ``{key: machine epsilon}``, None for float64);
    - ``grade=True``: raise ``AssertionError(hint)`` when the answer is wrong (autograders).

    The learner's function gets deep copies of the inputs and ``time_limit`` seconds per call.
    A one-item answer counts as a number, and a column ``(n, 1)`` or a row ``(1, n)`` as the
    vector ``(n,)`` it holds.
    """
    _checks.flag("grade", grade)                     # the caller's switch, not the learner's
    if _JUDGING.get() is not None:        # called from the learner's function, in a check
        raise _CheckInside(name, _JUDGING.get())
    token = _JUDGING.set(name)
    tail = _Tail(sys.stdout) if sys.stdout is not None else None
    if tail is not None:
        sys.stdout = tail
    try:
        hint = _judge(name, fn, reference, cases, mistakes=mistakes, hints=hints or {},
                      convert=convert, form_hint=form_hint, rtol=rtol, atol=atol,
                      float32=float32,
                      time_limit=TIME_LIMIT if time_limit is None else time_limit,
                      accept=accept, inputs_unchanged=inputs_unchanged, atol32=atol32,
                      explain=explain)
    finally:
        _JUDGING.reset(token)
        if tail is not None and sys.stdout is tail:
            sys.stdout = tail.stream
    if tail is not None and tail.last != "\n":       # the learner's output ends mid-line
        print()
    verdict = report(name, hint)
    if grade and not verdict:
        raise verdict.failure()
    return verdict


def assert_form(checker: Callable) -> Callable:
    """The assert form of a checker: ``assert_form(check_x)(fn)`` raises AssertionError(hint)."""
    name = checker.__name__.replace("check_", "assert_", 1)

    def assert_checker(fn, **kwargs):
        # The AssertionError starts here, after the checker has returned, so that an
        # autograder's feedback (nbgrader shows the traceback) shows the grade cell's line and
        # this frame, not the checker's internals; IPython hides a frame that sets this:
        __tracebackhide__ = True  # noqa: F841
        if "grade" in kwargs:
            raise ValueError(f"{name} always grades; use {checker.__name__}(fn) to print "
                             f"instead")
        verdict = checker(fn, **kwargs)
        if not verdict:
            raise verdict.failure()
        return verdict
    assert_checker.__name__ = name
    assert_checker.__doc__ = (f"Like ``{checker.__name__}`` but raises AssertionError(hint) when "
                              f"the answer is wrong (for autograders).")
    return assert_checker


def _judge(name, fn, reference, cases, *, mistakes, hints, convert, form_hint, rtol, atol,
           float32, time_limit, accept, inputs_unchanged=True, atol32=0.0,
           explain=None) -> str | None:
    if isinstance(fn, type):
        return (f"expected a function, got the class {fn.__name__}: pass a function "
                f"(def name(...): ... return value), not a class")
    if not callable(fn):
        if type(fn).__module__ not in ("builtins", "numpy") and not isinstance(
                fn, (np.ndarray, np.generic)):
            return (f"expected a function, got an instance of {type(fn).__name__}: pass the "
                    f"function itself")
        return (f"expected a function, got {type(fn).__name__}: pass the function itself, "
                f"without calling it (no parentheses)")
    learner_err = np.geterr()             # the learner's code runs under the caller's settings,
    try:                                  # the checker's arithmetic (huge answers) never warns
        with np.errstate(all="ignore"):   # or raises, and a learner's np.seterr does not leak
            return _judge_cases(fn, reference, cases, mistakes=mistakes, hints=hints,
                                convert=convert, form_hint=form_hint, rtol=rtol, atol=atol,
                                float32=float32, time_limit=time_limit, accept=accept,
                                inputs_unchanged=inputs_unchanged, learner_err=learner_err,
                                atol32=atol32, explain=explain)
    except _Timeout:                                 # a late alarm, outside the learner's call
        return TIMED_OUT.format(s=time_limit)
    except Exception as exc:  # noqa: BLE001 - never a traceback in the learner's notebook
        return INTERNAL.format(err=_exc_text(exc))


def _judge_cases(fn, reference, cases, *, mistakes, hints, convert, form_hint, rtol, atol,
                 float32, time_limit, accept, inputs_unchanged, learner_err, atol32=0.0,
                 explain=None) -> str | None:
    """The verdict on every case, or on the cases tried when the learner's calls have used up
    the check's time (``TOTAL_LIMIT``, and ten times the reference's time on the same cases):
    an answer wrong on one of them gets its hint, one right on all of them is told it is too
    slow (``TOO_SLOW``), never that it is wrong, nor correct on cases it was not run on."""
    runs, cases = [], list(cases)
    spent = {"learner": 0.0, "reference": 0.0}
    for n, args in enumerate(cases, 1):
        out = _run_case(fn, reference, args, convert=convert, form_hint=form_hint,
                        rtol=rtol, atol=atol, float32=float32, time_limit=time_limit,
                        accept=accept, inputs_unchanged=inputs_unchanged,
                        learner_err=learner_err, atol32=atol32, spent=spent)
        if not isinstance(out, str) and n < len(cases) and spent["learner"] >= max(
                TOTAL_LIMIT, 10.0 * spent["reference"]):
            runs.append(out)
            per = _duration(spent["learner"] / n)
            hint = _verdict(runs, mistakes=mistakes, hints=hints, explain=explain,
                            reference=reference)
            if hint:                       # a table's "on every case" and an explain's
                return hint + CUT_SHORT.format(k=n, n=len(cases), per=per)   # saw these
            return TOO_SLOW.format(k=n, n=len(cases), per=per,
                                   ref=_duration(spent["reference"] / n), spent=spent["learner"])
        if isinstance(out, str):
            # an answer that was already wrong on earlier inputs: the mistake it made there
            # (e.g. W instead of Wᵀ, which only breaks on non-square layers) is the news
            earlier = _verdict(runs, mistakes=mistakes, hints=hints, describe=False,
                               explain=explain) \
                if any(not r[5] for r in runs) else None
            return earlier or out
        runs.append(out)
    return _verdict(runs, mistakes=mistakes, hints=hints, explain=explain, reference=reference)


def _run_case(fn, reference, args, *, convert, form_hint, rtol, atol, float32, time_limit,
              accept, inputs_unchanged=True, learner_err=None, atol32=0.0, spent=None):
    """A hint (str) for an answer of the wrong form, else ``(args, got, want, tol, eps, ok)``.
    ``spent``: ``{"learner": s, "reference": s}``, to which this case's CPU times are added (the
    reference runs in this thread: its CPU time is this thread's)."""
    start = time.thread_time()
    want = _canonical(reference(*args))
    ref_time = time.thread_time() - start
    call: dict = {}
    answer = _student_answer(fn, args, time_limit, inputs_unchanged, learner_err,
                             read=lambda raw: _read_answer(raw, convert, form_hint, want, args),
                             spent=call)
    if spent is not None:                  # a first `import torch` is not the learner's time
        spent["reference"] += ref_time
        spent["learner"] += call.get("cpu", 0.0) - call.get("imports", 0.0)
    if isinstance(answer, _Hint):
        return str(answer)
    got, eps = answer
    tol = _tolerances(want, rtol, atol, eps, atol32)
    alts = _accepted(want, accept, args)
    variants = [want, *(a for a, _ in alts)]
    got = _broadcast_like(got, want, variants[1:])
    variants += [b for a, up_to in alts if up_to
                 for b in [_toward(got, want, a)] if b is not None]
    # the correct form nearest the answer (most outputs right; the reference on a tie): a wrong
    # output beside a right one in an accepted form is told apart from it
    want = max(variants, key=lambda v: sum(_close(got[k], v[k], *tol[k]) for k in v))
    if all(got[k].shape == want[k].shape for k in want) and _all_close(got, want, tol):
        least = _least(eps)
        if least is not None and not float32:
            return FLOAT32.format(dtype=_precision(least), rel=_rel(got, want))
        return (args, got, want, tol, eps, True)
    hint = next(filter(None, (_permutation(got, v, tol) for v in variants)), None)
    if hint:
        return hint
    for k in want:
        if got[k].shape != want[k].shape:
            return _shape_hint(k, got[k], want[k])
    return _nonfinite(got) or (args, got, want, tol, eps, False)


class _Hint(str):
    """A message for the learner instead of a value (a str subclass, so it is told apart)."""


def _student_answer(fn, args, time_limit, inputs_unchanged=True, learner_err=None, read=None,
                    spent=None):
    """The learner's answer on copies of ``args``, read by ``read(raw)`` (as it is when None),
    or a ``_Hint`` saying what went wrong. Everything that may run the learner's code runs in
    one time limit: the call, the check that the inputs are unchanged (a learner may have put
    its own objects in them), the text of its exception, and the reading of its answer (whose
    ``__len__``, ``__array__``, ``__float__``... are the learner's code too).
    ``learner_err``: NumPy's error settings for the call (``np.seterr``), restored after it.
    ``spent``: the call's CPU time and import time (not the learner's own), ``_call``'s."""
    pristine = copy.deepcopy(tuple(args))
    copies = [copy.deepcopy(pristine)]     # handed over to the call, which drops them
    phase = ["call"]

    def attempt():
        hook = sys.unraisablehook          # the learner's objects (its answer, those it left
        try:                               # in its inputs) are released in here, inside the
            sys.unraisablehook = quiet     # time limit: a slow __del__ is stopped, and Python
            given = copies.pop()           # would print the _Timeout it ignores there
            try:
                return judged(given)
            finally:
                del given
        finally:
            sys.unraisablehook = hook

    def quiet(unraisable):
        if not isinstance(unraisable.exc_value, _Timeout):
            sys.__unraisablehook__(unraisable)

    def judged(given):
        try:
            raw = fn(*given)
        except (_Timeout, KeyboardInterrupt):
            raise                          # out of time; the learner pressed stop
        except BaseException as exc:  # noqa: BLE001 - a learner's bug is reported, not raised
            phase[0] = "message"
            return _Hint(_raised(exc, args))
        phase[0] = "inputs"
        if inputs_unchanged:
            for i, (before, after) in enumerate(zip(pristine, given, strict=True)):
                if (inputs_unchanged is True or i in inputs_unchanged) \
                        and not _unchanged(before, after):
                    return _Hint(_mutated(fn, i, before))
        if raw is None:
            return _Hint(NONE_RETURNED)
        phase[0] = "read"
        return raw if read is None else read(raw)

    spent = {} if spent is None else spent
    try:
        with np.errstate(**(learner_err or np.geterr())):
            return _call(attempt, (), time_limit, owner=fn, spent=spent)
    except _Timeout:
        return _Hint(_timed_out(phase[0], spent, time_limit))
    except KeyboardInterrupt:
        raise                              # the learner pressed stop
    except BaseException as exc:  # noqa: BLE001 - from the answer's own methods (SystemExit)
        return _Hint(f"reading your answer raised {type(exc).__name__}: return plain numbers "
                     f"or a NumPy array")


def _timed_out(phase: str, spent: dict, time_limit: float) -> str:
    """What to say about a call stopped in ``phase`` (``_OUT_OF_TIME``'s keys): by its CPU time, or
    by the wall clock's backstop (``spent["stopped"] == "wall"``), which says "waiting" only when
    the call used under a tenth of that time on the CPU, else that the machine was too busy."""
    if spent.get("stopped") != "wall":
        return _OUT_OF_TIME[phase].format(s=time_limit)
    if phase != "call":
        return _OUT_OF_TIME[phase].format(s=wall_limit(time_limit))
    cpu, wall = spent.get("cpu", 0.0), spent.get("wall", 0.0)
    text = WALL_TIMED_OUT if cpu < 0.1 * wall else BUSY_TIMED_OUT
    return text.format(s=wall_limit(time_limit), cpu=cpu)


def _raised(exc: BaseException, args=()) -> str:
    """The hint for a function that raised ``exc`` on ``args`` (a dict among them: the
    parameters or gradients of K models, whose values come one per model)."""
    if isinstance(exc, NotImplementedError):
        return NOT_IMPLEMENTED
    if isinstance(exc, RecursionError):
        return "your function raised RecursionError: it calls itself without end"
    if isinstance(exc, SystemExit):
        return SYS_EXIT
    if isinstance(exc, _CheckInside):
        inner, outer = (tuple(exc.args) + ("exercise's", None))[:2]
        if outer is not None and outer != inner:      # another exercise's checker: no loop
            return CHECK_INSIDE_OTHER.format(name=inner, outer=outer)
        return CHECK_INSIDE.format(name=inner)
    text = _exc_text(exc)
    models = any(isinstance(a, Mapping) for a in args)          # the inputs are K models' dicts
    if isinstance(exc, ValueError) and "truth value of an array" in text:
        return f"your function raised {text}{AMBIGUOUS_K if models else AMBIGUOUS}"
    if isinstance(exc, TypeError) and any(s in text for s in ONE_NUMBER_ONLY_MESSAGES):
        return f"your function raised {text}{ONE_NUMBER_ONLY}"
    if isinstance(exc, (TypeError, IndexError)) and any(
            s in text for s in SCALAR_INDEXED_MESSAGES):
        return f"your function raised {text}{SCALAR_INDEXED}"
    if isinstance(exc, (ValueError, RuntimeError)) and any(
            s in text for s in BROADCAST_MESSAGES):
        return f"your function raised {text}{BROADCAST}{BROADCAST_K if models else ''}"
    if isinstance(exc, (ValueError, RuntimeError)) and any(s in text for s in MATMUL_MESSAGES):
        return f"your function raised {text}{MATMUL_SHAPES}"
    if isinstance(exc, TypeError) and any(s in text for s in XOR_MESSAGES):
        return f"your function raised {text}{XOR_POWER}"
    return f"your function raised {text}{_torch_name(exc, text)}"


def _torch_name(exc: BaseException, text: str) -> str:
    """TORCH_ATTRIBUTE for a PyTorch method or function name looked up on a NumPy array, a NumPy
    number or the numpy module (x.clamp, np.clamp); TORCH_KEYWORDS for dim=/keepdim= given to
    a NumPy function; else ""."""
    if isinstance(exc, AttributeError):
        found = re.search(r"(?:'numpy\.\w+' object|module 'numpy') has no attribute '(\w+)'",
                          text)
        if found and found.group(1) in TORCH_NAMES:
            return TORCH_ATTRIBUTE.format(name=found.group(1), numpy=TORCH_NAMES[found.group(1)])
    if isinstance(exc, TypeError) and re.search(r"unexpected keyword argument '(dim|keepdim)'",
                                                text):
        return TORCH_KEYWORDS
    return ""


def _unchanged(a, b) -> bool:
    """Whether an input is still what it was (arrays by value, containers entry by entry)."""
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype and \
            bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, Mapping):
        return isinstance(b, Mapping) and list(a) == list(b) and \
            all(_unchanged(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and \
            all(_unchanged(x, y) for x, y in zip(a, b, strict=True))
    try:
        return bool(a == b) or a is b or (a != a and b != b)   # noqa: PLR0124 - NaN
    except Exception:  # noqa: BLE001 - an object without a usable ==
        return True


def _mutated(fn, i: int, value) -> str:
    """The hint for a function that changed its ``i``-th input in place."""
    import inspect
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        name = params[i].name
    except (ValueError, TypeError, IndexError):
        name = None
    if isinstance(value, np.ndarray) and name:
        return MUTATED.format(name=name)
    what = f"`{name}`" if name else f"no. {i + 1}"
    x = name or "x"
    if isinstance(value, Mapping):
        how = (f"build a new dict (a dict's .copy() still shares its arrays), e.g. "
               f"{{k: ... for k, v in {x}.items()}}")
    elif isinstance(value, list):
        how = (f"build a new list, e.g. {x}[::-1] instead of {x}.reverse(), "
               f"list({x}) + [...] instead of {x}.append(...)")
    else:
        how = f"e.g. {x} = {x}.copy(), or build a new array"
    return f"your function modified its input {what} in place: work on a copy ({how})"


def _read_answer(raw, convert, form_hint, want, args):
    """The return value as named float arrays like ``want``, or a ``_Hint`` about its form."""
    try:
        precision: dict = {}
        items, raw_eps = _walk(raw, precision)
        if items > _MAX_ITEMS:
            return _Hint(f"your answer holds more than {_MAX_ITEMS:,} items in lists or other "
                         f"sequences (a range?), far more than expected")
        got = raw if convert is None else convert(raw)
        if got is None:
            return _Hint(NONE_RETURNED)
        if form_hint is not None:
            hint = _safe(lambda: form_hint(got, *args))
            if hint:
                return _Hint(hint)
        got, eps = _normalize(got, want, precision)
        if set(want) == {""} and raw_eps is not None:    # a convert that made it a float
            eps[""] = max(eps[""] or 0.0, raw_eps)
        return got, eps
    except WrongForm as exc:
        return _Hint(str(exc))
    except Exception as exc:  # noqa: BLE001 - the return value could not be read
        return _Hint(f"your answer could not be read as the expected form "
                     f"({_exc_text(exc)}); return {_expected_form(want)}")


def _accepted(want, accept, args) -> list[tuple[dict, bool]]:
    """The other correct answers (``accept``), in the reference's form, each with whether the
    answers between the reference and it are correct too (``UpTo``)."""
    if accept is None:
        return []
    alts = [(_safe(lambda a=a: _canonical(a.value if isinstance(a, UpTo) else a)),
             isinstance(a, UpTo)) for a in _safe(lambda: list(accept(*args))) or []]
    return [(a, up_to) for a, up_to in alts if a is not None and set(a) == set(want)]


def _toward(got: dict, want: dict, alt: dict) -> dict | None:
    """The point of the segment from ``want`` to ``alt`` (every output moved by one fraction
    s in [0, 1]) nearest ``got`` in least squares; None where that is undefined."""
    if any(got[k].shape != want[k].shape or alt[k].shape != want[k].shape for k in want):
        return None
    step = {k: alt[k] - want[k] for k in want}
    den = sum(float(np.sum(step[k] ** 2)) for k in want)
    s = sum(float(np.sum((got[k] - want[k]) * step[k])) for k in want) / den if den else None
    if s is None or not np.isfinite(s):
        return None
    s = min(max(s, 0.0), 1.0)
    return {k: want[k] + s * step[k] for k in want}


def _broadcast_like(got: dict, want: dict, alts: list[dict]) -> dict:
    """``got`` with entries broadcast to the reference's shapes where an accepted answer has
    ``got``'s shapes and broadcasts to the reference's (a plain 0 for a bias's gradient): then
    a plain 1 is told its value is wrong, not its shape, and a 2·λ·W with a plain 0 for the
    biases is told its factor of 2. A one-item array counts as the number it holds."""
    for alt in alts:
        # each output read in the accepted answer's form: a one-item array (np.zeros(1), [0.0])
        # where a plain number is accepted is that number, one rule for both
        read = {k: _shaped_like(got[k], alt[k]) for k in want}
        try:
            if all(read[k].shape == alt[k].shape
                   and np.broadcast_shapes(alt[k].shape, want[k].shape) == want[k].shape
                   for k in want):
                return {k: np.broadcast_to(read[k], want[k].shape) for k in want}
        except ValueError:                              # shapes that do not broadcast
            continue
    return got


def _verdict(runs, *, mistakes, hints, describe: bool = True, explain=None,
             reference=None) -> str | None:
    """None when every case is right; else the first typical mistake that the answer makes on
    *every* case (a coincidence on one input names nothing), else a description of the gap.
    ``reference``: the checker's reference function, run again on the wrong cases' inputs
    as float32 arrays (``_float32_reference_misses``)."""
    wrong = [r for r in runs if not r[5]]
    if not wrong and all(_least(r[4]) is None for r in runs):
        return None
    tables = [(_safe(lambda r=r: mistakes(*r[0])) or {}) if mistakes else {} for r in runs]
    if not wrong:
        return _nearer_mistake(runs, tables, hints)
    for key, hint in hints.items():
        seen = False
        for (_args, got, want, tol, _eps, _ok), table in zip(runs, tables, strict=True):
            if key not in table:
                continue
            try:
                typical = _canonical(table[key])
                matches = set(typical) == set(want) and _all_close(got, typical, tol)
            except Exception:  # noqa: BLE001 - a mistake that does not exist for this case
                continue
            if not matches:
                break
            seen = True
        else:
            if seen:
                return hint
    args, got, want, tol, eps, _ = wrong[0]
    rounded = _rounding_hint(wrong)       # before an explain's diagnosis: a rounding is exact
    if rounded:
        return rounded
    if explain is not None:
        hint = _safe(lambda: explain([(r[0], r[1], r[2], r[4], r[5]) for r in runs]))
        if hint:
            return hint
    if not describe:
        return None
    low = _low_precision_misses(wrong)
    if low:
        return FLOAT32.format(dtype=_precision(max(low)),
                              rel=max(_rel(r[1], r[2]) for r in wrong))
    if _same_answer_everywhere(runs):
        return SAME_ANSWER.format(n=len(runs), desc=_describe(got, want, tol))
    why = ((FLOAT32_INSIDE if _float32_rounding_misses(wrong)
            or _float32_reference_misses(wrong, reference) else "")
           + (WHOLE_NUMBERS if _whole_number_misses(wrong) else ""))
    right = len(runs) - len(wrong)        # (a rounding can be right on some inputs by chance)
    return ("not equal to the expected answer: " + _describe(got, want, tol)
            + (why or (PARTLY_RIGHT.format(k=right, n=len(runs)) if right else "")))


def _nearer_mistake(runs, tables, hints) -> str | None:
    """The hint for a float32 (float16) answer that passed at its precision's tolerance but is a
    typical mistake: float32's tolerance (about 1e-4, relative) is wider than the gap between the
    reference and a few mistakes (AdamW shrinking the new weights), yet the answer is then far
    nearer the mistake than the reference. Named when, on every case where the mistake and
    the reference are more than 20 roundings of the answer's precision apart (at least one),
    the answer is ten times nearer the mistake. A correct answer cannot be: by the triangle
    inequality its own error would have to be about that gap and point at the mistake."""
    for key, hint in hints.items():
        telling = 0
        for (_args, got, want, _tol, eps, _ok), table in zip(runs, tables, strict=True):
            try:
                typical = _canonical(table[key])
                if set(typical) != set(want) or any(typical[k].shape != want[k].shape
                                                    for k in want):
                    break
            except Exception:  # noqa: BLE001 - a mistake that does not exist for this case
                continue
            if _gap(typical, want) <= 20 * (_least(eps) or _EPS64):
                continue                   # the answer's precision cannot tell them apart
            if not 10 * _gap(got, typical, want) < _gap(got, want):
                break
            telling += 1
        else:
            if telling:
                return hint
    return None


def _gap(a: dict, b: dict, scale: dict | None = None) -> float:
    """The largest difference between ``a`` and ``b`` over all outputs, each relative to the
    largest entry of its output in ``scale`` (``b`` when None)."""
    scale = b if scale is None else scale
    return max(float(np.max(np.abs(a[k] - b[k]), initial=0.0))
               / max(float(np.max(np.abs(scale[k]), initial=0.0)), 1e-300) for k in b)


def _low_precision_misses(wrong) -> list[float]:
    """The epsilons of the float32/float16 outputs when they are the only outputs that miss,
    and each misses by less than 1 % (a float64 output that misses is a real mistake)."""
    low = []
    for _args, got, want, tol, eps, _ok in wrong:
        for k, w in want.items():
            if _close(got[k], w, *tol[k]):
                continue
            if eps[k] is None or not _close(got[k], w, 1e-2,
                                            1e-2 * float(np.max(np.abs(w), initial=0.0))):
                return []
            low.append(eps[k])
    return low


def _whole_number_misses(wrong) -> bool:
    """Whether every output that misses holds only whole numbers, each less than 1 from the
    expected entry (a cut, int() or // moves it no further), while some of the expected ones
    are not whole: an answer cut to integers (written into an integer array). A stub's zeros
    or a 0/±1 mask where 2.3 is expected is some other answer."""
    fractions = False
    for _args, got, want, tol, _eps, _ok in wrong:
        for k, w in want.items():
            if _close(got[k], w, *tol[k]):
                continue
            g = got[k]
            if not (np.all(np.isfinite(g)) and np.array_equal(g, np.round(g))
                    and g.shape == w.shape and np.all(np.abs(g - w) < 1.0)):
                return False
            fractions = fractions or not np.array_equal(w, np.round(w))
    return fractions


def _same_answer_everywhere(runs) -> bool:
    """Whether the answer is wrong on every case, at least two, and the same on all of them
    (same keys, shapes and numbers) while the expected answers differ: a function that does
    not read its arguments (a notebook variable used instead)."""
    if len(runs) < 2 or any(r[5] for r in runs):
        return False

    def same(a: dict, b: dict) -> bool:
        return set(a) == set(b) and all(a[k].shape == b[k].shape
                                        and np.array_equal(a[k], b[k]) for k in a)
    first_got, first_want = runs[0][1], runs[0][2]
    return all(same(r[1], first_got) for r in runs[1:]) and \
        not all(same(r[2], first_want) for r in runs[1:])


def _rounding_hint(wrong) -> str | None:
    """ROUNDED for an answer rounded to a number of decimals, else of significant digits
    (f"{x:.4g}", f"{x:g}"'s 6); CUT for one cut to a number of decimals (int(x * 1000) / 1000);
    None if it is neither."""
    _args, got, want, tol, _eps, _ok = wrong[0]
    for text, unit, significant, cut in [(ROUNDED, "decimals", False, False),
                                         (ROUNDED, "significant digits", True, False),
                                         (CUT, "decimals", False, True)]:
        d = _rounded_misses(wrong, significant=significant, cut=cut)
        if d is not None:
            return text.format(d=d, unit=unit, desc=_describe(got, want, tol))
    return None


def _round_significant(w: np.ndarray, s: int) -> np.ndarray:
    """``w`` with each entry rounded to ``s`` significant digits (``float(f"{x:.{s}g}")``; to a
    last bit), zeros and non-finite entries as they are."""
    w = np.asarray(w, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mag = np.where(np.isfinite(w) & (w != 0), np.floor(np.log10(np.abs(w))), 0.0)
        scale = 10.0 ** (s - 1 - mag)
        out = np.rint(w * scale) / scale
    return np.where(np.isfinite(out), out, w)


def _rounded_misses(wrong, significant: bool = False, cut: bool = False) -> int | None:
    """The number of decimals d (1 to 12) when every output that misses, on every case, is the
    expected one rounded to d decimals (``round(x, d)``, ``np.round``; to a last bit of the
    answer's precision: a float32 answer rounded is a float32 near the rounded value): an answer
    rounded for display, with at least 2 significant digits kept somewhere (one value on a
    grid, 0.1 for 0.056, is no rounding). The smallest such d (0.79874 is 0.798741829 to 5
    decimals, and a value whose 5th decimal is 0 to 4 as well). None otherwise (a rounding can
    only be told where it moved a value, and for a float32 or float16 answer moved it by more
    than its precision: a float16 answer unrounded is not called rounded). ``significant``: the
    number of significant digits instead (2 to 15: ``f"{x:.4g}"``, ``"%g"``'s 6), each entry
    rounded at its own magnitude. ``cut``: cut to d decimals instead, the digits after the d-th
    dropped (``int(x * 10**d) / 10**d``, ``np.trunc``)."""
    missed = [(got[k], w, 4 * _EPS64 if eps[k] is None else eps[k])
              for _args, got, want, tol, eps, _ok in wrong
              for k, w in want.items() if not _close(got[k], w, *tol[k])]
    if not missed:
        return None

    def rounded(by) -> bool:
        """Every missed output is ``by(w)`` at its precision, and one moved past it."""
        pairs = [(g, by(w), w, e) for g, w, e in missed]
        return all(g.shape == w.shape and np.allclose(g, r, rtol=e, atol=0.0)
                   for g, r, w, e in pairs) and any(
            np.any(np.abs(r - w) > 2 * e * np.abs(w)) for _g, r, w, e in pairs)

    if significant:
        return next((s for s in range(2, 16)
                     if rounded(lambda w, s=s: _round_significant(w, s))), None)
    for d in range(1, 13):
        by = (lambda w, d=d: np.trunc(w * 10.0**d) / 10.0**d) if cut else \
            (lambda w, d=d: np.round(w, d))
        if rounded(by) and any(
                float(np.max(np.abs(w), initial=0.0)) * 10.0**d >= 10.0 for _g, w, _e in missed):
            return d
    return None


def _float32_rounding_misses(wrong) -> bool:
    """Whether a float64 answer misses only by float32's rounding (each output that misses is
    within ``_FLOAT32_ROUNDING`` of the expected one, relative to its largest entry): a float32
    result turned into float64 (``float(x)``, ``.tolist()``, ``.item()``), which the checker
    cannot tell from a float64 answer with a tiny error."""
    for _args, got, want, tol, eps, _ok in wrong:
        for k, w in want.items():
            if _close(got[k], w, *tol[k]):
                continue
            scale = float(np.max(np.abs(w), initial=0.0))
            if eps[k] is not None or not _close(got[k], w, 0.0, _FLOAT32_ROUNDING * scale):
                return False
    return True


def _in_float32(value):
    """``value`` with its float64 arrays (also a dict's or a list's) as float32 arrays: the
    inputs of a computation run in float32."""
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value.astype(np.float32)
    if isinstance(value, dict):
        return {k: _in_float32(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_in_float32(v) for v in value]
    return value


def _float32_reference_misses(wrong, reference) -> bool:
    """Whether a float64 answer misses by no more than ten times what the reference itself
    misses by when it runs on the same inputs in float32: a computation in float32 cast back to
    float64 (``x.astype(np.float32)`` first, then ``.astype(float)``) where the formula magnifies
    float32's rounding beyond ``_FLOAT32_ROUNDING`` (a power (1 − lr·e)^T). A reference that
    works in float64 whatever its inputs misses by nothing here, and names nothing. Never for
    an answer that misses by more than 1e-4 (relative to the output's largest entry); outputs
    that are right are skipped."""
    if reference is None:
        return False
    for args, got, want, tol, eps, _ok in wrong:
        ref32 = _safe(lambda args=args: _canonical(
            reference(*(_in_float32(a) for a in args))))
        if ref32 is None or set(ref32) != set(want):
            return False
        for k, w in want.items():
            if eps[k] is not None or ref32[k].shape != w.shape or got[k].shape != w.shape:
                return False
            if _close(got[k], w, *tol[k]):
                continue                        # this output is right: nothing to explain
            scale = max(float(np.max(np.abs(w), initial=0.0)), 1e-300)
            miss = float(np.max(np.abs(got[k] - w), initial=0.0)) / scale
            own = float(np.max(np.abs(ref32[k] - w), initial=0.0)) / scale
            if not (np.isfinite(miss) and miss <= 1e-4 and miss <= 10.0 * own):
                return False
    return True


def _least(eps: dict) -> float | None:
    """The machine epsilon of the least precise output (None: all float64)."""
    return max((e for e in eps.values() if e is not None), default=None)


def _precision(eps: float) -> str:
    """The name of the low-precision float type with this machine epsilon."""
    return "float32" if eps <= _EPS32 else "bfloat16" if eps == 2.0 ** -7 else "float16"


def _rel(got: dict, want: dict) -> float:
    return max(float(np.max(np.abs(got[k] - want[k]), initial=0.0))
               / max(float(np.max(np.abs(want[k]), initial=0.0)), 1e-300) for k in want)


def _duration(seconds: float) -> str:
    """``"2.5 s"``, ``"120 ms"`` or ``"40 µs"``: two significant figures, or whole units."""
    value, unit = next(((seconds / f, u) for f, u in ((1.0, "s"), (1e-3, "ms"))
                        if seconds >= f), (seconds * 1e6, "µs"))
    return f"{value:.0f} {unit}" if value >= 10 else f"{value:.2g} {unit}"


def _expected_form(want: dict) -> str:
    if set(want) == {""}:
        w = want[""]
        return "one number" if w.shape == () else f"an array of shape {w.shape}"
    return "the outputs " + ", ".join(want)


def _exc_text(exc: BaseException, limit: int = 300) -> str:
    """``Name: message`` of an exception, on one line and at most ``limit`` characters: the
    learner's exception may have a message of many lines or pages, or a ``__str__`` that
    raises."""
    try:
        msg = " ".join(str(exc).split())
    except (_Timeout, KeyboardInterrupt):
        raise
    except BaseException:  # noqa: BLE001 - the learner's __str__ (it may raise SystemExit)
        msg = "(its message could not be shown)"
    if len(msg) > limit:
        msg = msg[:limit - 3] + "..."
    name = " ".join(str(getattr(type(exc), "__name__", "an exception")).split())
    return f"{name}: {msg}" if msg else name


def _safe(thunk):
    try:
        return thunk()
    except Exception:  # noqa: BLE001 - hint code must never turn into a traceback
        return None


def outputs(*keys: str, what: str) -> Callable:
    """A ``convert`` for functions that return several values: a tuple (or list) in the order
    ``keys`` -> ``{key: value}``, or the values stacked into one array (a NumPy array or a
    tensor whose first axis has one entry per value: ``np.stack([a, b])`` is a pair that unpacks
    as ``a, b = ...`` too). ``what`` names the form in the hint, e.g. "a pair (w, b)"."""
    def convert(got):
        if isinstance(got, Mapping):
            raise WrongForm(f"return {what}, not a dict")
        _refuse_iterator(got, "your answer")
        shape = getattr(got, "shape", None) if not isinstance(got, (tuple, list)) else None
        if isinstance(shape, tuple) and len(shape) >= 1 and shape[0] == len(keys) \
                and hasattr(got, "__getitem__"):
            got = [got[i] for i in range(len(keys))]        # stacked: one row per value
        if not isinstance(got, (tuple, list)):
            raise WrongForm(f"return {what}; got one {type(got).__name__}"
                            + (f" of shape {got.shape}" if isinstance(got, np.ndarray) else ""))
        if len(got) != len(keys):
            raise WrongForm(f"return {what}; got {len(got)} values")
        return dict(zip(keys, got, strict=True))
    return convert
