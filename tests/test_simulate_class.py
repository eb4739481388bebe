"""tools/simulate_class.py: round 5 of the simulated class (the prompts read literally) and the odd
return values, every checker. Rounds 1-4 are tests/test_exercises_lessonNN.py's own lists
(``python tools/simulate_class.py --all`` runs them through the same judge). About 15 s."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import simulate_class as sim  # noqa: E402

CHECKERS = list(sim.ROUND5)


@pytest.mark.parametrize("checker", CHECKERS, ids=[c.__name__ for c in CHECKERS])
def test_round5_and_probes(checker):
    """Every reading a prompt allows is accepted, every one it rules out and every typical
    mistake gets its hint, and no odd return value crashes a checker."""
    lines = []
    tally = sim.run_answers(checker, sim.round5(checker), out=lines.append)
    assert tally.problems == 0, "\n".join(lines)


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


def test_earlier_rounds_are_read_from_the_tests():
    """``--all`` finds the tests' lists: every checker has correct answers and named mistakes."""
    found = sim.earlier_rounds()
    assert set(found) == set(CHECKERS)
    for checker, answers in found.items():
        kinds = {expect is sim.OK for _, _, expect in answers}
        assert kinds == {True, False}, checker.__name__
