"""TEACHING.md and README.md quote the lessons' numbers: each quote is tied to the cell printing it.

The lessons' stored outputs are checked against a fresh run by nbval (strict), so a quote tied here
to a stored output is tied to what the lesson computes today: when a lesson changes, the guide's
quote fails here instead of going stale. Nothing is executed: the test reads the documents and the
stored notebooks, and builds one dashboard (a few seconds in all).

QUOTES holds one entry per quantitative claim: the document, the text it quotes, the lesson and
cell, and what that cell shows, one of
- a string of the cell's printed output (stored stream or text/plain outputs, joined);
- ``Asserted("...")``: a line of the cell's source that asserts it (nbval runs it);
- ``Surveyed("...")``: words of the cell's source that ``surveys.QUOTED`` holds for that lesson
  (a count over more samples than the lesson runs: `make surveys` re-runs it, tests/test_surveys.py
  keeps the words the lesson's).
ARITHMETIC holds the few quotes that are arithmetic on a setting, computed by the test itself.
The guard (test_every_number_of_the_lessons_section_is_covered) asks every number with a decimal
point, a per cent or an "N of M" in TEACHING.md's section 2 (the lessons) to stand inside a quote of
QUOTES or ARITHMETIC, or inside a phrase of SETTINGS (a hyperparameter the demo or the claim sets,
not a result). The other sections quote set-up versions and machine measurements (grading times,
bench_class.py), not lesson outputs, as README's "Speed" table does.
"""

import json
import re
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import surveys  # noqa: E402


class Asserted(str):
    """A line of the cell's source (an assert) that checks the claim when the lesson runs."""


class Surveyed(str):
    """Words of the cell's source that surveys.QUOTED holds: a count `make surveys` re-runs."""


class Quote(NamedTuple):
    doc: str            # TEACHING.md or README.md
    text: str           # the words the document quotes
    notebook: str       # notebooks/NN_name (no .ipynb)
    cell: str           # the cell's id
    shows: tuple        # what the cell prints (str), asserts (Asserted) or surveys (Surveyed)


T, R = "TEACHING.md", "README.md"
L01, L02 = "01_capacity_and_overfitting", "02_l2_weight_decay"
L03, L04 = "03_l1_sparsity_and_constraints", "04_choosing_lambda"
L05, L06 = "05_vanishing_exploding_gradients", "06_gradient_clipping"
L07, L08 = "07_lr_momentum_schedules", "08_decoupled_weight_decay"
L09 = "09_weight_decay_normalized"

QUOTES = [
    # 01: misconception (the noise floor)
    Quote(T, "the true curve itself is below it on 121 of 200 samples",
          L01, "a7c3e1f0",
          ("the true f's training loss is below the noise floor ½σ² on 121 of 200 samples",)),
    # 02: demo (epochs 80 -> 160 at λ = 1e-6 and 1e-2, the dashboard's init seed 0)
    Quote(T, "its validation loss climbs from 0.776 to 1.344",
          L02, "61873252",
          ("init seed 0, λ = 1e-06   80 steps: train loss 0.040, validation loss 0.776",
           "init seed 0, λ = 1e-06  160 steps: train loss 0.005, validation loss 1.344")),
    Quote(T, "the λ = 1e-2 run settles: 0.283 to 0.319",
          L02, "61873252",
          ("init seed 0, λ = 0.01    80 steps: train loss 0.175, validation loss 0.283",
           "init seed 0, λ = 0.01   160 steps: train loss 0.127, validation loss 0.319")),
    # 03: demo (elastic-net mode, l1_ratio 1 -> 0)
    Quote(T, "the zeros fall from 8 to 0: 8, 5, 5, 3, 0 at l1_ratio 1, 0.75, 0.5, 0.25, 0",
          L03, "e7e2e758",
          ("elastic-net mode, default λ, l1_ratio 1, 0.75, 0.5, 0.25, 0: "
           "exact zeros [8, 5, 5, 3, 0]",)),
    # 04: demo (n_train 20 -> 100) and misconception (CV ± SE)
    Quote(T, "it moves left, 4.6e-2 → 1.0e-2",
          L04, "f6eaec4b",
          ("chosen λ: defaults 4.6e-2, n_train 100 1.0e-2",
           "n_train 100 moves the chosen λ left: True")),
    Quote(T, "on 8 of the 18 samples 0–2 and 15–29 it ties or rises",
          L04, "f6eaec4b",                    # samples 0-2, 15-29: `surveys.py lesson04`
          (Surveyed("(8 of those 18 tie or rise;"),)),
    Quote(T, "at λ = 5.6e-2 it contains the sample's own validation loss on 12 of samples 0–29",
          L04, "399bchk6",
          ("λ = 5.6e-2: CV ± SE contains the sample's own validation loss on 12 of samples 0-29",)),
    Quote(T, "for 5 independent normal losses it contains their mean 63% of the time",
          L04, "399bchk6",
          ("5 independent normal losses: CV ± SE contains their mean 63% of the time",)),
    # 05: demo (ReLU at depth 12, Xavier then He)
    Quote(T, "(Larger, 1.5×, though the activations fall by 1/√2 per layer",
          L05, "411f3ad8",
          ("relu, depth 12, xavier: last hidden std 2.00e-03; ‖∂L/∂W_1‖/‖∂L/∂W_out‖ 1.5e+00",
           "relu, depth 12: std factor per layer 0.724 (xavier; 1/√2 = 0.707)")),
    Quote(T, "with He, 0.1×",
          L05, "411f3ad8",
          ("relu, depth 12, he: last hidden std 5.19e-01; ‖∂L/∂W_1‖/‖∂L/∂W_out‖ 1.0e-01",)),
    Quote(T, "prints both ratios and asserts them",
          L05, "411fchk8",
          (Asserted("assert 1 < g_x[0] / g_x[-1] < 3 and g_he[0] / g_he[-1] < 0.2"),)),
    # 06: demo (clipping at lr 0.1 vs lr 0.01 unclipped, on the cliff)
    Quote(T, "at lr 0.1 clipped, every step is at most 0.1 long, on the wall too, and the run ends "
             "at loss 0.0045",
          L06, "83a66c90",
          ("clip by norm : final loss 0.0045, longest step 0.1000 (lr·c = 0.1)",)),
    Quote(T, "the wall's gradient of 200",
          L06, "7a713dc5",
          ("‖g‖ =     200.1",)),
    Quote(T, "at lr 0.01 unclipped, the plateau steps are ten times shorter but the wall's "
             "gradient of 200 makes one step of length 2 that lands in the valley, and it ends "
             "at 0.275",
          L06, "46ba9a66",
          ("  0.01  final loss    0.2750", "unclipped longest step 2.01")),
    Quote(T, "at lr 1 the first step jumps the wall",
          L06, "46ba9a66",
          ("no clipping, lr = 1: the first step goes from x = 2.5 to x = -0.125 (over the wall",)),
    # 06: misconception (momentum and explosions)
    Quote(T, "unclipped on the cliff at lr 0.1 it overflows from more plateau starts, 14 of 15 "
             "with β = 0.5 and 12 with β = 0.9 against 9 without",
          L06, "c06mom2",
          ("β = 0.0: lr 0.1 overflows on  9 of 15 starts",
           "β = 0.5: lr 0.1 overflows on 14 of 15 starts",
           "β = 0.9: lr 0.1 overflows on 12 of 15 starts")),
    Quote(T, "on 64 other starts 55 and 37 against 42",
          L06, "c06mchk",
          ("64 other plateau starts: lr 0.1 overflows on [42, 55, 37] for β = 0, 0.5, 0.9",)),
    Quote(R, "an exploding RNN rescued (8 initializations: clipped, none diverges and 7 train)",
          L06, "06cdd690",
          ("clip by norm at 5, lr = 0.3: diverged 0 of 8",
           "clipped lr 0.3 ends below its initial validation loss on 7 of 8 seeds",
           "no clipping, lr = 0.3  : diverged 6 of 8")),
    # 07: misconceptions (warmup; a large learning rate overfits)
    Quote(T, "on the MLP at lr 1.0 it rescues 47 of the 63 initializations of 100 that diverge "
             "without it and breaks 2 of the 37 that train",
          L07, "aae2353c",
          ("100 initializations: diverged with lr 0.3: 0; lr 1.0 without warmup: 63",
           "warmup rescues 47 of the 63 and breaks 2 of the 37 that train without it")),
    Quote(T, "on all 20 data sets of section 4",
          L07, "lr07ovf1",
          ("  training loss, lr 0.3 / 0.1 / 0.03, mean over the 20: [0.1341 0.1244 0.1218]; "
           "lr 0.3 highest and lr 0.03 lowest on 20 of 20",
           "validation loss, lr 0.3 / 0.1 / 0.03, mean over the 20: [0.1427 0.1328 0.13  ]; "
           "lr 0.3 highest and lr 0.03 lowest on 20 of 20")),
    # 07: demo (momentum and the stability limit)
    Quote(T, "Momentum's stability limit is 2(1+β)/e_max, e_max the largest curvature: larger, not "
             "smaller",
          L07, "5a1ccd8e",
          ("β = 0.0: limit 2(1+β)/e_max = 0.100; lr = 0.1030 → loss after 600 steps 1.5e+32",
           "β = 0.5: limit 2(1+β)/e_max = 0.150; lr = 0.1455 → loss after 600 steps 3.6e-177",
           "β = 0.9: limit 2(1+β)/e_max = 0.190; lr = 0.1843 → loss after 600 steps 2.2e-25")),
    # 08: demo (SGD+L2 -> AdamW on the λ × lr grid; the dashboard's data set is seed 0, 50 epochs)
    Quote(T, "at 50 epochs AdamW's best λ is 1 for every lr from 0.01 to 0.32",
          L08, "bf12c777",
          ("lr:            0.001  0.00316    0.01  0.0316     0.1   0.316       1    3.16",
           "seed 0: best λ  1e+01   1e+01   1e+00   1e+00   1e+00   1e+00   1e-01   1e-01")),
    Quote(T, "over 16 of them the best λ is the same at lr 0.0316 and 0.316 on 12",
          L08, "c08chk01",
          ("16 data sets: best λ at lr 0.316 / best λ at lr 0.0316 = [",
           Asserted("assert np.sum(move == 1) == 12 and np.sum(np.isclose(move, 0.1)) == 1"))),
    Quote(T, "over 16 others on 8 and one row lower (as lr·λ would have it) on 4",
          L08, "c08md02",                     # data sets 1000-1015: `surveys.py lesson08`
          (Surveyed("on data sets 1000–1015, `python tools/surveys.py lesson08`, on 8 and on 4"),)),
    Quote(T, "lr·λ > 2 diverges",
          L08, "c08chk01",
          (Asserted("assert np.array_equal(~np.isfinite(val), lr_lam > 2)"),)),
    # 09: demo (one lr notch at fixed λ: SGD's angle grows, SGDW's does not)
    Quote(T, "SGDW: no, its angle is ≈ √(2λ) whatever the lr",
          L09, "9c4d8335",
          ("spread of the angle along a row (λ fixed, lr ×10): SGD 3.28x, SGDW 1.05x",
           Asserted('assert row_spread["SGDW"] < 1.1 and row_spread["SGD"] > 2.5'))),
    # 09: misconception (Adam's step on a normalized weight)
    Quote(T, "cos(u, w) ≈ −0.2",
          L09, "09adamu1",
          ("AdamW, 60 runs, steps 500-999: cos(u, w) -0.23 to -0.18",)),
    Quote(T, "15.5–25.3 times over the section's 60 runs",
          L09, "09adamu1",
          ("‖w‖² is 15.5-25.3× lr·‖u‖²/(2λ)",)),
]

# quotes that are arithmetic on a setting: (document, text, the check)
ARITHMETIC = [
    (T, "the slider moves in quarter decades: ×1.78", lambda: f"{10 ** 0.25:.2f}" == "1.78"),
    (T, "by about √1.78 ≈ 1.33", lambda: f"{10 ** 0.125:.2f}" == "1.33"),
    (T, "(1+β1)/(1−β1) = 19 times", lambda: round((1 + 0.9) / (1 - 0.9), 9) == 19),
]

# numbers in TEACHING.md's section 2 that are settings (a demo's or a claim's hyperparameters)
SETTINGS = [
    "now set momentum β from 0.5 to 0.9",     # lesson 07's demo: the two momentum values to try
]

NUMBER = re.compile(r"\d+(?:\.\d+)?\s?%|\d*\.\d+|\b\d+ of (?:the )?\d+\b")   # 0.5, 63%, 8 of the 18
LESSONS_SECTION = ("## 2. The lessons", "## 3. ")


def _doc(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def _cells(notebook: str) -> dict:
    nb = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    return {c["id"]: c for c in nb["cells"]}


def _shown(cell: dict) -> str:
    """The cell's stored printed text: stream outputs and text/plain results, joined."""
    parts = []
    for o in cell.get("outputs", []):
        parts.append("".join(o["text"]) if o["output_type"] == "stream"
                     else "".join(o.get("data", {}).get("text/plain", "")))
    return "".join(parts)


def _surveyed_words(notebook: str) -> list:
    return [p for q in surveys.QUOTED.values() if q["notebook"] == f"notebooks/{notebook}.ipynb"
            for p in q["phrases"]]


def _missing(q: Quote) -> list:
    """What the cell should show and does not (empty when the quote is tied)."""
    cell = _cells(q.notebook).get(q.cell)
    if cell is None:
        return [f"no cell {q.cell}"]
    source, printed = "".join(cell["source"]), _shown(cell)
    missing = []
    for s in q.shows:
        if isinstance(s, Asserted):
            lines = [line.split("  #")[0].strip() for line in source.splitlines()]
            ok = s.startswith("assert ") and s in lines
        elif isinstance(s, Surveyed):
            ok = s in source and any(s in p for p in _surveyed_words(q.notebook))
        else:
            ok = s in printed
        if not ok:
            missing.append(s)
    return missing


@pytest.mark.parametrize("q", QUOTES, ids=[f"{q.doc}:{q.notebook[:2]}:{q.text[:30]}"
                                            for q in QUOTES])
def test_the_quote_is_in_the_document_and_its_cell_shows_it(q):
    assert q.text in _doc(q.doc), f"{q.doc} no longer says: {q.text!r}"
    assert _missing(q) == [], f"{q.notebook} cell {q.cell} does not show what {q.doc} quotes"


@pytest.mark.parametrize("doc, text, check", ARITHMETIC, ids=[a[1][:40] for a in ARITHMETIC])
def test_the_arithmetic_the_guide_quotes(doc, text, check):
    assert text in _doc(doc) and check()


def test_the_normalized_dashboards_lr_slider_moves_in_quarter_decades():
    """Lesson 09's demo: 'raise the lr one notch (quarter decades: ×1.78)'."""
    from wdlib import live
    assert live.catalog()["normalized"]().controls["lr"].step == 0.25


def _spans(text: str, phrases) -> list:
    return [(m.start(), m.end()) for p in phrases for m in re.finditer(re.escape(p), text)]


def uncovered(teaching: str) -> list:
    """Numbers of the lessons section standing in no quote, arithmetic quote or setting."""
    start = teaching.index(LESSONS_SECTION[0])
    section = teaching[start:teaching.index(LESSONS_SECTION[1], start)]
    phrases = [q.text for q in QUOTES if q.doc == T] + [a[1] for a in ARITHMETIC if a[0] == T]
    phrases += SETTINGS
    spans = _spans(section, phrases)
    return [(m.group(), section[max(0, m.start() - 40):m.end() + 20])
            for m in NUMBER.finditer(section)
            if not any(a <= m.start() and m.end() <= b for a, b in spans)]


def test_every_number_of_the_lessons_section_is_covered():
    assert uncovered(_doc(T)) == []


def test_the_guard_sees_a_changed_number():
    """A quoted number changed in the guide is no longer covered (and its quote no longer found)."""
    teaching = _doc(T)
    assert uncovered(teaching) == []
    for old, new, seen in [("0.0045", "0.0046", "0.0046"),
                           ("47 of the 63", "48 of the 63", "48 of the 63"),
                           ("15.5–25.3", "15.5–25.4", "25.4"), ("×1.78", "×1.77", "1.77")]:
        assert teaching.count(old) == 1
        assert seen in [n for n, _ in uncovered(teaching.replace(old, new))], old


def test_the_settings_are_in_the_guide():
    teaching = _doc(T)
    assert [s for s in SETTINGS if s not in teaching] == []
