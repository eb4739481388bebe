"""Shareable settings: a dashboard says its setting as one line of code and as a link, and a
URL query (Voilà passes it to the kernel as QUERY_STRING) opens a dashboard at those values.
The query is data: parsed per control and checked like ``Dashboard(**values)``, never evaluated.
(The real-browser check with Voilà is tests/browser/test_voila.py.)"""

from __future__ import annotations

import html
import re
import types
from urllib.parse import quote

import ipywidgets as W
import pytest

from wdlib import live
from wdlib.live import framework


def _moved(d) -> dict:
    """A setting away from the defaults: every control moved to another allowed value."""
    out = {}
    for key, w in d.controls.items():
        if isinstance(w, W.FloatLogSlider):
            out[key] = float(w.base ** ((w.min + w.max) / 2))
        elif isinstance(w, W.IntSlider):
            out[key] = w.max if w.value != w.max else w.min
        elif hasattr(w, "options"):
            values = [o[1] if isinstance(o, tuple) else o for o in w.options]
            out[key] = values[-1] if w.value != values[-1] else values[0]
        elif isinstance(w.value, bool):
            out[key] = not w.value
        elif hasattr(w, "min"):
            out[key] = (w.min + w.max) / 2
    return out


def _same(a: dict, b: dict) -> bool:
    """Equal settings (floats to 1e-5; test_a_link_reproduces_the_setting_bit_for_bit: exact)."""
    return a.keys() == b.keys() and all(
        a[k] == pytest.approx(b[k], rel=1e-5) if isinstance(b[k], float) else a[k] == b[k]
        for k in a)


@pytest.fixture(autouse=True)
def no_query(monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)


@pytest.mark.parametrize("name", sorted(live.catalog()))
def test_share_line_and_link_give_back_the_same_setting(name, monkeypatch):
    d = live.catalog()[name]()
    d.set(**_moved(d))
    share = d.share()
    assert share["code"].startswith(f'live.catalog()["{name}"](')
    # the code line is what a learner pastes into a cell: it rebuilds the same setting
    again = eval(share["code"], {"live": live})          # noqa: S307 - our own generated line
    assert _same(again.values(), d.values())
    # the link: Voilà hands its query to the kernel; the dashboard opens there
    assert share["query"].startswith(f"?dashboard={name}&")
    monkeypatch.setenv("QUERY_STRING", share["query"].lstrip("?") + "&token=abc")
    linked = live.catalog()[name]()
    assert linked.link_error is None
    assert _same(linked.values(), d.values())
    assert linked.opened == linked.values()                 # static() keeps the linked values
    assert linked.defaults == live.catalog()[name]().defaults   # the code's, for the checks
    linked.static()
    assert _same(linked.values(), d.values())
    assert "error" not in linked.status.value
    # the readout under the figure shows both
    assert "wdlib-share" in d.share_box._dom_classes and d.share_box in d.widget.children
    assert "dashboard=" in d.share_box.value and "live.catalog()" in d.share_box.value


def test_query_for_another_dashboard_or_none_changes_nothing(monkeypatch):
    base = live.catalog()["polynomial"]().values()
    for query in ("", "degree=3", "dashboard=sparsity&lam=1e-3", "voila-theme=dark"):
        monkeypatch.setenv("QUERY_STRING", query)
        d = live.catalog()["polynomial"]()
        assert d.values() == base and d.link_error is None, query


@pytest.mark.parametrize("query, value", [
    ("lam=abc", "abc"), ("lam=1e9", None), ("degree=4.5", "4.5"), ("degree=", ""),
    ("lam=__import__('os').getcwd()", "__import__('os').getcwd()"), ("lam=nan", None),
])
def test_bad_link_value_gives_the_error_code_gives(query, value, monkeypatch):
    d0 = live.catalog()["polynomial"]()
    key, text = query.split("=", 1)
    as_code = value if value is not None else float(text)
    with pytest.raises(ValueError) as in_code:
        live.catalog()["polynomial"](**{key: as_code})
    monkeypatch.setenv("QUERY_STRING", f"dashboard=polynomial&{query}")
    d = live.catalog()["polynomial"]()
    assert str(d.link_error) == str(in_code.value)
    assert d.values() == d0.values()                        # opened at the defaults
    assert "error in the link" in d.status.value
    plain = html.unescape(re.sub("<[^>]+>", "", d.status.value))
    assert str(in_code.value) in plain
    d.set(degree=11)                                        # renders from code keep it shown
    assert "error in the link" in d.status.value
    d.controls["degree"].value = 10                         # the learner moves a slider: gone
    assert d.link_error is None and "error" not in d.status.value


def test_a_value_just_past_a_sliders_end_is_quoted_with_every_digit():
    """lam=10.0000000001 (in code or in a link) said "lam must be in [1e-07, 10], got 10",
    a value the message itself calls valid (fuzz review)."""
    with pytest.raises(ValueError, match=r"lam must be in \[1e-07, 10\], got 10.0000000001$"):
        live.catalog()["polynomial"](lam=10.0000000001)
    with pytest.raises(ValueError, match=r"got 10.0000000001$"):
        framework.parse_query("dashboard=polynomial&lam=10.0000000001", "polynomial",
                              live.catalog()["polynomial"]().controls)
    with pytest.raises(ValueError, match=r"lam must be in \[1e-07, 10\], got 11$"):
        live.catalog()["polynomial"](lam=11.0)


def test_unknown_control_in_a_link_is_named(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "dashboard=polynomial&lamda=1e-3")
    d = live.catalog()["polynomial"]()
    assert "unknown control 'lamda'" in str(d.link_error)
    assert "controls are 'degree', 'lam'" in d.status.value.replace("&#x27;", "'")


def test_parse_query_converts_text_per_control():
    d = live.catalog()["weight_decay"]()
    got = framework.parse_query("dashboard=weight_decay&optimizer=AdamW&same_init=off&epochs=40",
                                "weight_decay", d.controls)
    assert got == {"optimizer": "adamw", "same_init": False, "epochs": 40}
    assert framework.parse_query("dashboard=sparsity&epochs=40", "weight_decay", d.controls) is None
    with pytest.raises(ValueError, match="the link asks for dashboard 'other', which does not"):
        framework.parse_query("dashboard=other&epochs=40", "weight_decay", d.controls)


def test_repr_mimebundle_without_widget_repr_as_in_ipywidgets_7():
    """ipywidgets 7 (Colab ships 7.7.1) has no _repr_mimebundle_ on widgets."""
    d = live.catalog()["polynomial"]()
    d.widget = types.SimpleNamespace(model_id="abc123")
    bundle = d._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"] == {
        "version_major": 2, "version_minor": 0, "model_id": "abc123"}
    assert bundle["text/plain"].startswith("Polynomial dashboard")


@pytest.mark.parametrize("query, key", [
    ("dashboard=polynomial&lam=0.001&lam=5", "lam"),
    ("dashboard=polynomial&degree=3&lam=1e-3&degree=3", "degree"),     # even the same value
    ("dashboard=polynomial&dashboard=polynomial&lam=1e-3", "dashboard"),
])
def test_a_key_given_twice_in_a_link_is_an_error(query, key, monkeypatch):
    d0 = live.catalog()["polynomial"]()
    monkeypatch.setenv("QUERY_STRING", query)
    d = live.catalog()["polynomial"]()
    assert str(d.link_error).startswith(f"{key} is given more than once in the link"), d.link_error
    assert d.values() == d0.values()                        # opened at the defaults
    assert "error in the link" in d.status.value


def test_a_server_key_given_twice_is_not_the_dashboards_business():
    d = live.catalog()["polynomial"]()
    got = framework.parse_query("dashboard=polynomial&token=a&token=b&voila-x=1&voila-x=2"
                                "&degree=4", "polynomial", d.controls)
    assert got == {"degree": 4}


@pytest.mark.parametrize("query, text", [
    ("degree=٣", "٣"), ("degree=１２", "１２"), ("degree=1_0", "1_0"), ("degree=0x3", "0x3"),
    ("degree=%203", " 3"), ("degree=3.0", "3.0"),
    ("lam=1_0", "1_0"), ("lam=١e-3", "١e-3"), ("lam=%201e-3", " 1e-3"), ("lam=1e-3%0A", "1e-3\n"),
    ("lam=0x1p-3", "0x1p-3"), ("lam=1e", "1e"), ("lam=.", "."),
])
def test_link_numbers_are_plain_ascii(query, text, monkeypatch):
    key = query.split("=")[0]
    with pytest.raises(ValueError) as in_code:
        live.catalog()["polynomial"](**{key: text})
    monkeypatch.setenv("QUERY_STRING", f"dashboard=polynomial&{query}")
    d = live.catalog()["polynomial"]()
    assert str(d.link_error) == str(in_code.value)
    assert repr(text) in str(d.link_error)


@pytest.mark.parametrize("text, value", [
    ("1e-3", 1e-3), ("0.001", 1e-3), (".001", 1e-3), ("1.E-3", 1e-3), ("+1e-3", 1e-3),
    ("1E+0", 1.0), ("0.5e0", 0.5)])
def test_link_numbers_in_decimal_or_scientific_form(text, value):
    d = live.catalog()["polynomial"]()
    got = framework.parse_query(f"dashboard=polynomial&lam={quote(text)}&degree=%2B7",
                                "polynomial", d.controls)
    assert got == {"lam": pytest.approx(value, rel=1e-15), "degree": 7}


@pytest.mark.parametrize("query, want", [
    ("lam=1e+0&degree=+7", {"lam": 1.0, "degree": 7}),          # + as typed: no number has a space
    ("lam=1E+0&degree=%2B7", {"lam": 1.0, "degree": 7}),        # + as a browser may encode it
    ("lam=+5e-1", {"lam": 0.5}),
])
def test_a_plus_written_in_a_links_number_is_a_plus_not_a_space(query, want):
    """Form encoding reads ``+`` as a space: ``lam=1e+0`` was refused as ``'1e 0'``."""
    d = live.catalog()["polynomial"]()
    assert framework.parse_query(f"dashboard=polynomial&{query}", "polynomial", d.controls) == want


@pytest.mark.parametrize("text", ["SGD+%2B+momentum+0.9", "SGD%20+%20momentum%200.9",
                                  "SGD%20%2B%20momentum%200.9", "momentum"])
def test_a_menu_label_with_a_plus_is_read_from_a_link_either_way(text):
    """``+`` in a menu's label (``SGD + momentum 0.9``): form-encoded (``+`` for each space), or
    typed into the address bar (``%20`` for a space, ``+`` as is), it names the same option."""
    d = live.catalog()["weight_decay"]()
    got = framework.parse_query(f"dashboard=weight_decay&optimizer={text}", "weight_decay",
                                d.controls)
    assert got == {"optimizer": "momentum"}


def test_a_menu_label_holding_a_plus_typed_as_is_names_its_option():
    """The λ × lr grid's ``SGD+L2`` typed into the address bar (``+`` sent as is) named no
    option: form decoding read it as ``SGD L2``."""
    d = live.catalog()["lambda_lr_grid"]()
    for text in ("SGD+L2", "SGD%2BL2"):
        got = framework.parse_query(f"dashboard=lambda_lr_grid&optimizer={text}",
                                    "lambda_lr_grid", d.controls)
        assert got == {"optimizer": "SGD+L2"}, text


def test_a_key_given_twice_is_quoted_as_the_link_wrote_it():
    d = live.catalog()["polynomial"]()
    with pytest.raises(ValueError, match=re.escape("lam is given more than once in the link "
                                                   "('1e+0', '1e+0')")):
        framework.parse_query("dashboard=polynomial&lam=1e+0&lam=1e%2B0", "polynomial",
                              d.controls)


def test_a_space_in_a_links_number_is_still_refused():
    """Only a ``+`` as written reads as ``+``: ``%20`` is a space, which no number holds."""
    d = live.catalog()["polynomial"]()
    with pytest.raises(ValueError, match=re.escape("got ' 1e-3'")):
        framework.parse_query("dashboard=polynomial&lam=%201e-3", "polynomial", d.controls)
    with pytest.raises(ValueError, match=re.escape("got 'SGD momentum'")):
        framework.parse_query("dashboard=weight_decay&optimizer=SGD+momentum", "weight_decay",
                              live.catalog()["weight_decay"]().controls)


@pytest.mark.parametrize("text", ["maybe", "2", "", "truth"])
def test_a_bad_checkbox_value_says_true_or_false(text, monkeypatch):
    message = f"same_init must be true or false, got {text!r}"
    with pytest.raises(ValueError, match=re.escape(message)):
        live.catalog()["weight_decay"](same_init=text)              # the same words in code
    monkeypatch.setenv("QUERY_STRING", f"dashboard=weight_decay&same_init={text}")
    d = live.catalog()["weight_decay"]()
    assert str(d.link_error) == message


@pytest.mark.parametrize("name", ["sparsity", "weight_decay"])
def test_a_link_reproduces_the_setting_bit_for_bit(name, monkeypatch):
    """Floats were written with 6 digits: the link for λ = 10 ** -1.25 (sparsity's default)
    reopened at 0.0562341, a different run. Now: the exact values, the same picture."""
    d = live.catalog()[name]()
    moved = _moved(d)
    if name == "weight_decay":      # faint curves of the previous run: history, not setting
        moved["ghost"] = "lam0"
    d.set(**moved)
    monkeypatch.setenv("QUERY_STRING", d.share()["query"].lstrip("?"))
    linked = live.catalog()[name]()
    assert linked.values() == d.values()                     # exactly, not approximately
    assert linked.image.value == d.image.value
    again = eval(d.share()["code"], {"live": live})          # noqa: S307 - our own line
    assert again.values() == d.values()


@pytest.mark.parametrize("query", [
    "degree=" + "9" * 400, "degree=" + "9" * 5000, "lam=" + "1" * 5000, "lam=" + "x" * 100_000,
    "degree=%00", "lam=1e-3&" + "&".join(f"k{i}=1" for i in range(2000))])
def test_huge_link_values_give_a_short_link_error_not_a_crash(query, monkeypatch):
    """A 400-digit degree in a link crashed the dashboard's construction (OverflowError while
    writing the error message); long text must not flood the status line."""
    monkeypatch.setenv("QUERY_STRING", f"dashboard=polynomial&{query}")
    d = live.catalog()["polynomial"]()
    assert isinstance(d.link_error, ValueError) and len(str(d.link_error)) < 500
    assert "error in the link" in d.status.value and len(d.status.value) < 2000
    assert d.values() == live.catalog()["polynomial"]().values()


@pytest.mark.parametrize("named", ["polynomia", "Polynomial", "", "x" * 5000, "𝔭olynomial"])
def test_a_link_naming_no_dashboard_is_an_error_not_silently_the_defaults(named, monkeypatch):
    """A misspelt ``dashboard=`` opened every dashboard of the page at its defaults without a
    word. A name in the catalog that is another dashboard's stays that dashboard's business."""
    d0 = live.catalog()["polynomial"]()
    monkeypatch.setenv("QUERY_STRING", f"dashboard={quote(named)}&lam=1e-3")
    d = live.catalog()["polynomial"]()
    assert str(d.link_error).startswith("the link asks for dashboard "), d.link_error
    assert "which does not exist; dashboards are 'polynomial', " in str(d.link_error)
    assert len(str(d.link_error)) < 500 and d.values() == d0.values()
    assert "error in the link" in d.status.value
    monkeypatch.setenv("QUERY_STRING", "dashboard=sparsity&lam=1e-3")
    other = live.catalog()["polynomial"]()
    assert other.link_error is None and other.values() == d0.values()


@pytest.mark.parametrize("query, key, reads", [
    ("lam=1e309", "lam", "inf"), ("lam=-1e309", "lam", "-inf"), ("lam=1e-400", "lam", "0"),
    ("l1_ratio=1e-400", "l1_ratio", "0"), ("correlation=0.5e-330", "correlation", "0"),
    ("c=" + "9" * 400, "c", "inf"), ("lam=2.5e-324", "lam", "4.94066e-324"),
    ("correlation=-7e-324", "correlation", "-4.94066e-324")])
def test_a_link_number_beyond_a_floats_range_is_said_not_run_as_0_or_inf(query, key, reads,
                                                                           monkeypatch):
    """l1_ratio=1e-400 (a tiny L1 share) was run as 0 (no L1 at all) without a word, and
    lam=1e309 was refused as "got inf", a value the link did not write; below the normal range
    a float keeps fewer digits (2.5e-324 ran as 5e-324)."""
    d0 = live.catalog()["sparsity"]()
    monkeypatch.setenv("QUERY_STRING", f"dashboard=sparsity&mode=elastic_net&{query}")
    d = live.catalog()["sparsity"]()
    text = query.split("=", 1)[1]
    assert str(d.link_error).startswith(f"{key} = {framework._short(text)} is beyond the range "
                                        f"of a float (it reads as {reads})"), d.link_error
    assert d.values() == d0.values() and "error in the link" in d.status.value
    ok = framework.parse_query("dashboard=sparsity&l1_ratio=0e-400&correlation=0.0&lam=1e-3",
                               "sparsity", d.controls)
    assert ok == {"l1_ratio": 0.0, "correlation": 0.0, "lam": 1e-3}     # zero written as zero


HOSTILE = ["nan", "-NaN", "inf", "-Infinity", "1e309", "1e-400", "", " ", "None", "null",
           "[1, 2]", "{}", "__class__", "().__class__", "lambda: 0", "-1", "1e99", "é", "𝟙",
           "\u202e1", "\x00", "\ufeff1", "9" * 5000, "x" * 100_000, "SGD L2", "%", "0x10", "1/2",
           "true", "1e-3"]


@pytest.mark.parametrize("name", sorted(live.catalog()))
def test_hostile_link_values_for_every_control_are_refused_by_name_or_fit(name):
    """Every control of every dashboard, fed text a link may carry (NaN, inf, 1e309, empty,
    code, unicode digits, megabytes, a number for a menu, a word for a checkbox): parse_query
    raises a short ValueError naming the control, or gives a value the control holds as is.
    Nothing else: no other exception, nothing evaluated."""
    d = live.catalog()[name]()
    for key, w in d.controls.items():
        for text in HOSTILE:
            query = f"dashboard={name}&{quote(key)}={quote(text)}"
            try:
                got = framework.parse_query(query, name, d.controls)
            except ValueError as err:
                assert str(err).startswith(key) and len(str(err)) < 500, (key, text, str(err))
                continue
            value = got[key]                     # accepted: only the two sane texts
            assert text in ("true", "1e-3"), (key, text, value)
            assert framework._check_value(key, w, value) == value, (key, text, value)
            assert value is True if text == "true" else value == 1e-3
    d.close()
