"""tools/simulate_class.py: rounds 5 to 10 of the simulated class (the prompts read literally) and
the odd return values, every checker. Rounds 1-4 are tests/test_exercises_lessonNN.py's own lists
(``python tools/simulate_class.py --all`` runs them through the same judge). About 15 s for
rounds 5 to 8, 35 s more for round 9 (measured on one core: jax.numpy answers among them) and
15 s more for round 10 (on a shared 2-core machine; the first torch import among them)."""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import assignments  # noqa: E402
import simulate_class as sim  # noqa: E402

from wdlib.exercises import _core, lesson06, lesson09  # noqa: E402

CHECKERS = list(sim.ROUND5)
LESSONS = assignments.lessons()


@pytest.mark.parametrize("checker", CHECKERS, ids=[c.__name__ for c in CHECKERS])
def test_round5_and_probes(checker):
    """Every reading a prompt allows is accepted, every one it rules out and every typical
    mistake gets its hint, and no odd return value crashes a checker."""
    lines = []
    tally = sim.run_answers(checker, sim.round5(checker), out=lines.append)
    assert tally.problems == 0, "\n".join(lines)


def _round_passes(checker, table, answers_of, least):
    """Every answer of one round gets what it wants; the round has at least ``least`` right
    and ``least`` wrong answers for ``checker`` (torch or not)."""
    assert set(table) == set(CHECKERS)
    lines = []
    tally = sim.run_answers(checker, answers_of(checker), out=lines.append)
    assert tally.problems == 0, "\n".join(lines)
    answers = table[checker]()
    right = sum(expect is sim.OK for _, _, expect in answers)
    assert right >= least and len(answers) - right >= least, (right, len(answers) - right)


@pytest.mark.parametrize("checker", CHECKERS, ids=[c.__name__ for c in CHECKERS])
def test_round6(checker):
    """Round 6: new correct forms (loops, math floats, float32, tuples, 0-d arrays, extra keyword
    arguments, prints, torch, slow loops, the library's own function) are accepted, and the
    lessons' misconceptions in new forms get their hints."""
    _round_passes(checker, sim.ROUND6, sim.round6, 6)


@pytest.mark.parametrize("checker", CHECKERS, ids=[c.__name__ for c in CHECKERS])
def test_round7(checker):
    """Round 7: other methods for the same value, namedtuples, boundary inputs (t = 0), answers
    rounded for display, math on arrays, inputs changed through views or out=, and new
    misreadings (gradient flow, each dict in its own key order) get ✓ or their hints."""
    _round_passes(checker, sim.ROUND7, sim.round7, 3)


@pytest.mark.parametrize("checker", CHECKERS, ids=[c.__name__ for c in CHECKERS])
def test_round8(checker):
    """Round 8, a fresh class: other idioms (einsum, np.matrix, math.fsum, integer-array inputs,
    torch's gain), and typical slips (λ/2 for λ, n twice or times n, the folds' pair unpacked
    the other way, one threshold for all models, torch's names on NumPy arrays, an answer
    written into an integer array) get ✓ or their hints."""
    _round_passes(checker, sim.ROUND8, sim.round8, 3)


@pytest.mark.parametrize("checker", CHECKERS, ids=[c.__name__ for c in CHECKERS])
def test_round9(checker):
    """Round 9, a fresh class: exact and extended numbers (Fraction, Decimal, np.longdouble),
    masked arrays, jax.numpy, generators consumed once, views, functools caches, a callable
    instance, warnings and np.errstate, float32 work cast back (the float32 text), and slips
    (lr twice, β and τ swapped, Adam's betas swapped, an angle folded into 90°) get ✓ or their
    hints."""
    _round_passes(checker, sim.ROUND9, sim.round9, 2)


@pytest.mark.parametrize("checker", CHECKERS, ids=[c.__name__ for c in CHECKERS])
def test_round10(checker):
    """Round 10, a fresh class: loops over samples in Python floats, recursion, np.vectorize,
    einsum, torch converted back, closed forms iterated, rearrangements with other rounding,
    prints and slow answers, scratch inputs changed in place, and partly right answers (right for
    λ = 0, K = 1, L = 1, t = 1, positive weights only, square shapes only; the lasso step that
    does not stop at 0) get ✓ or their hints."""
    _round_passes(checker, sim.ROUND10, sim.round10, 3)


def test_the_judge_can_fail():
    """A refused correct answer, an accepted wrong one, a wrong hint and a crash are each counted
    (a harness that cannot fail proves nothing)."""
    from wdlib.exercises import lesson00
    right = lambda yhat, y: 0.5 * ((yhat - y) ** 2).mean()  # noqa: E731
    wrong = lambda yhat, y: ((yhat - y) ** 2).mean()  # noqa: E731
    cases = [("refused", wrong, sim.OK), ("accepted", right, sim.REFUSED),
             ("hint", wrong, sim.Hint("not this text")),
             ("crash", right, sim.OK)]
    tally = sim.run_answers(lesson00.check_half_mse, cases[:3], out=lambda s: None)
    assert (tally.false_reject, tally.false_accept, tally.wrong_hint) == (1, 1, 1)
    tally = sim.run_answers(lambda fn: 1 / 0, cases[3:], out=lambda s: None)
    assert tally.crash == 1

    def grade_form_breaks(fn, grade=False):         # prints a refusal, but grading raises
        if grade:
            raise ValueError("not an AssertionError")
        return _core.report("x", "a hint")
    tally = sim.run_answers(grade_form_breaks, [("probe", right, sim.REFUSED)],
                            out=lambda s: None)
    assert tally.crash == 1

    def prints(yhat, y):                            # the learner's print comes first: fine
        print("✓ my own check")
        return right(yhat, y)
    tally = sim.run_answers(lesson00.check_half_mse, [("prints", prints, sim.OK)],
                            out=lambda s: None)
    assert tally.problems == 1                      # a line of its own that looks like a verdict
    tally = sim.run_answers(lesson00.check_half_mse,
                            [("prints", lambda yhat, y: (print("loss"), right(yhat, y))[1],
                              sim.OK)], out=lambda s: None)
    assert tally.problems == 0

    def two_lines(fn, grade=False):                 # a checker that prints twice
        _core.report("x", None)
        return _core.report("x", None)
    tally = sim.run_answers(two_lines, [("twice", right, sim.OK)], out=lambda s: None)
    assert tally.crash == 1


def test_earlier_rounds_are_read_from_the_tests():
    """``--all`` finds the tests' lists: every checker has correct answers and named mistakes."""
    found = sim.earlier_rounds()
    assert set(found) == set(CHECKERS)
    for checker, answers in found.items():
        kinds = {expect is sim.OK for _, _, expect in answers}
        assert kinds == {True, False}, checker.__name__


def _prompt(nb, stub_cell: int, *, own: bool = False) -> str:
    """The markdown a learner reads above a stub: back to the lesson's exercises heading, or
    (``own``) the exercise's own text, back to the cell before it that is not markdown."""
    text = []
    for cell in nb.cells[stub_cell - 1::-1]:
        if cell.cell_type != "markdown":
            if own:
                break
            continue
        text.append(cell.source)
        if "xercises" in cell.source:
            break
    return "\n".join(text)


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_prompt_says_the_inputs_must_stay_unchanged(lesson):
    """The checkers refuse an answer that changes an input in place (PyTorch's clip_grad_norm_ and
    optimizers do; `F -= F.mean(0)` is the natural reading of "centre F"), so the prompt says so
    (simulated class, round 5: refused while no prompt said it)."""
    nb = nbformat.read(lesson, as_version=4)
    for ex in assignments.exercises(lesson):
        if ex.fn == "count_params":              # its input is a tuple of ints
            continue
        assert "in place" in _prompt(nb, ex.stub_cell), (lesson.name, ex.fn)


@pytest.mark.parametrize("lesson, fn, unit, table", [
    ("06_gradient_clipping", "angle_exercise", "degrees", lesson06.ANGLE_HINTS),
    ("09_weight_decay_normalized", "angular_step", "radians", lesson09.ANGLE_HINTS),
    ("09_weight_decay_normalized", "equilibrium_angle", "radians", lesson09.EQ_ANGLE_HINTS)])
def test_an_angle_prompt_states_the_unit_its_checker_asks_for(lesson, fn, unit, table):
    """equilibrium_angle's prompt named no unit, and degrees (lesson 06's angle) were refused with
    'return radians' (simulated class, round 5)."""
    other = "degrees" if unit == "radians" else "radians"
    assert other in table                        # the checker refuses the other unit
    path = ROOT / "notebooks" / f"{lesson}.ipynb"
    ex = next(e for e in assignments.exercises(path) if e.fn == fn)
    assert unit in _prompt(nbformat.read(path, as_version=4), ex.stub_cell, own=True)


RULES_NOT_ENFORCED = ("NumPy only", "o not call", "without `", "; not `")


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_prompt_states_a_rule_its_checker_does_not_enforce(lesson):
    """A checker judges the values only, so an answer that calls the library it was asked not to
    call passes (simulated class, round 6: `schedules.cosine`, `clipping.clip_by_global_norm`,
    `penalties.soft_threshold`, `solvers.ridge` were accepted under "not ..."/"NumPy only").
    The prompts suggest writing it yourself instead of stating a rule nobody checks."""
    nb = nbformat.read(lesson, as_version=4)
    for ex in assignments.exercises(lesson):
        prompt = _prompt(nb, ex.stub_cell, own=True)
        assert not [r for r in RULES_NOT_ENFORCED if r in prompt], (lesson.name, ex.fn, prompt)
