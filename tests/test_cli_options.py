"""The command line's option syntax (AUDIT2 items 2 and 12): one ``--box`` per command, read as
written; no option given twice; options a construction or a plot kind does not use are refused;
``derive --text`` is plain text. Expected boxes are written by hand."""

from __future__ import annotations

import argparse
import re

import mpmath
import pytest
import sympy as sp

from symnet import numeric
from symnet.cli import CONSTRUCTIONS, _box, build_parser, main

R = sp.Rational


def call(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- --box: the syntax ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, inputs, expected", [
    ("1", ("u", "v"), [(-1, 1), (-1, 1)]),                    # R: [-R, R] for every input
    ("1/2", ("x",), [(R(-1, 2), R(1, 2))]),
    ("0:1", ("u", "v"), [(0, 1), (0, 1)]),                    # one interval for every input
    ("0:1,5:6", ("u", "v"), [(0, 1), (5, 6)]),                # one per input, in order
    (" -1/2 : 1 , 5:6 ", ("u", "v"), [(R(-1, 2), 1), (5, 6)]),
    ("0:1,2,3:4", ("a", "b", "c"), [(0, 1), (-2, 2), (3, 4)]),  # radius and intervals mixed
    ("0", ("x",), [(0, 0)]),                                  # a point is a (degenerate) box
])
def test_box_syntax(text, inputs, expected):
    got = _box(text, inputs)
    assert got == expected
    assert all(isinstance(end, sp.Rational) for interval in got for end in interval)  # exact, not floats


def test_box_with_constants_is_exact():
    assert _box("0:log(2),-pi:pi", ("u", "v")) == [(0, sp.log(2)), (-sp.pi, sp.pi)]


@pytest.mark.parametrize("text, inputs, message", [
    ("0:1,2:3", ("x",), "--box has 2 intervals but the construction has 1 input (x)"),
    ("0:1,2:3,4:5", ("u", "v"), "--box has 3 intervals but the construction has 2 inputs (u, v)"),
    ("1,,2", ("u", "v"), "has an empty item"),
    ("1,", ("u", "v"), "has an empty item"),
    ("", ("u", "v"), "--box is empty"),
    (" , ", ("u", "v"), "--box is empty"),
    ("1:2:3", ("u", "v"), "more than one ':'"),
    (":1", ("u", "v"), "lacks an end"),
    ("0:", ("u", "v"), "lacks an end"),
    ("-1", ("u", "v"), "--box radius '-1' is negative"),
    ("1:0", ("u", "v"), "--box item '1:0' is empty: LOW = 1 is above HIGH = 0"),
    ("a:b", ("u", "v"), "unknown name 'a'"),
    ("x:1", ("u", "v"), "a box bound must be a constant"),
    ("[0,1]", ("u", "v"), "does not parse"),
])
def test_box_refuses(text, inputs, message):
    from symnet.errors import InvalidInput

    with pytest.raises(InvalidInput, match=re.escape(message)):
        _box(text, inputs)


@pytest.fixture
def recorded_box(monkeypatch):
    """numeric.certify replaced by a recorder: the box the CLI hands to it."""
    seen = {}

    class Recorded:
        def __str__(self):
            return "recorded"

        def check(self):
            return True

    def certify(construction, box, eps, **kwargs):
        seen["box"], seen["eps"] = box, eps
        return Recorded()

    monkeypatch.setattr(numeric, "certify", certify)
    return seen


@pytest.mark.parametrize("box, expected", [
    (["--box", "0:1,5:6"], [(0, 1), (5, 6)]),
    (["--box=0:1,5:6"], [(0, 1), (5, 6)]),
    (["--box", "-1:1,-2:1"], [(-1, 1), (-2, 1)]),           # a leading '-' is a value, not an option
    (["--box", "-1:1"], [(-1, 1), (-1, 1)]),
    (["--box", "3"], [(-3, 3), (-3, 3)]),
])
def test_certify_gets_the_box_written(capsys, recorded_box, box, expected):
    code, _, err = call(capsys, "certify", "multiplication-gate", *box, "--eps", "1e-3")
    assert code == 0, err
    assert recorded_box["box"] == expected and recorded_box["eps"] == R(1, 1000)


@pytest.mark.parametrize("boxes", [
    ["--box", "0:1", "--box", "5:6"],             # the audit's case: used to certify [5, 6] x [5, 6]
    ["--box", "a:b", "--box", "-1:1"],            # used to drop the bad first box silently
    ["--box", "-1:1", "--box", "-1:1"],           # the old README's example: refused, not guessed
    ["--box=1", "--box=1"],
])
def test_certify_refuses_a_second_box(capsys, recorded_box, boxes):
    code, out, err = call(capsys, "certify", "multiplication-gate", "--activation", "softplus", *boxes,
                          "--eps", "1e-3")
    assert code == 2 and out == "" and "box" not in recorded_box
    assert "argument --box: given more than once" in err and "--box 0:1,5:6" in err and "Traceback" not in err


def test_certify_the_box_written_for_real(capsys):
    # [0, 1] x [5, 6], not [5, 6] x [5, 6]: the bound must cover the error at the corner (1, 6) and
    # be far below the error at (6, 6), by an independent route: the softplus gate written out here,
    # N = [s(lam(u+v)) + s(-lam(u+v)) - s(lam(u-v)) - s(-lam(u-v))] / (4 lam^2 s''(0)), s''(0) = 1/4
    # (MATH.md sec. 1), evaluated with mpmath at 50 digits.
    code, out, err = call(capsys, "certify", "multiplication-gate", "--activation", "softplus",
                          "--box", "0:1,5:6", "--eps", "1e-3")
    assert code == 0, err
    assert "sup over [0, 1] x [5, 6] of |N - (u*v)|" in out
    bound = float(re.search(r"\| <= ([0-9.e+-]+)", out).group(1))
    lam_text = re.search(r"at lam = ([0-9/]+)", out).group(1)
    with mpmath.workdps(50):
        lam = mpmath.mpf(sp.Rational(lam_text).p) / sp.Rational(lam_text).q

        def s(z):
            return mpmath.log1p(mpmath.exp(z))

        def error(u, v):
            n = (s(lam * (u + v)) + s(-lam * (u + v)) - s(lam * (u - v)) - s(-lam * (u - v))) / lam**2
            return abs(n - u * v)

        corner, outside = error(1, 6), error(6, 6)
    assert corner <= bound <= 1e-3
    assert corner > bound / 2            # the bound is about the box given (tight at its corner)
    assert outside > 5 * bound           # ... and [5, 6]^2 would not have been within it


def test_plot_map_box_refuses_a_second_box(capsys, tmp_path):
    code, _, err = call(capsys, "plot", "multiplication-gate", "--kind", "map", "--box", "1", "--box", "2",
                        "--scale", "0.1", "-o", str(tmp_path / "m.png"))
    assert code == 2 and "argument --box: given more than once ('1', then '2')" in err


# -- no option given twice, anywhere ------------------------------------------------------------------

_VALUES = {"n": "2", "k": "2", "exponents": "2,1", "m": "1", "order": "2", "time_limit": "5", "points": "8",
           "kind": "sweep", "model": "bias-free", "variables": "x,y", "activation": "tanh"}


def _value_options():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        for action in sub._actions:
            if action.option_strings and action.nargs is None and action.dest != "help":
                yield name, action


@pytest.mark.parametrize("command, action", list(_value_options()),
                         ids=lambda x: x if isinstance(x, str) else x.option_strings[-1])
def test_every_value_option_refuses_a_repeat(capsys, command, action):
    flag, value = action.option_strings[-1], _VALUES.get(action.dest, "1")
    code, out, err = call(capsys, command, flag, value, flag, value)
    assert code == 2 and out == ""
    assert f"argument {'/'.join(action.option_strings)}: given more than once" in err, err


def test_value_options_exist():
    # the parametrisation above covers every command that takes values, and the options of the audit
    found = {(c, a.dest) for c, a in _value_options()}
    assert {("certify", "box"), ("plot", "box"), ("certify", "bias"), ("derive", "order"), ("plot", "scales"),
            ("lower-bound", "n"), ("check", "latex"), ("derive", "output")} <= found


def test_flags_may_repeat_and_the_namespace_stays_clean(capsys, tmp_path):
    # store_true flags are idempotent: --force --force means --force
    path = tmp_path / "g.tex"
    path.write_text("old")
    code, _, err = call(capsys, "derive", "square-gate", "--order", "2", "-o", str(path), "--force", "--force")
    assert code == 0, err
    assert path.read_text().startswith("% symnet")
    args = build_parser().parse_args(["certify", "gate", "--box", "1", "--eps", "1"])
    assert args.box == "1" and args.eps == "1"


# -- options that would be ignored are refused --------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (("certify", "multiplication-gate", "--n", "3", "--box", "1", "--eps", "1e-3"),
     "the construction 'multiplication-gate' takes no --n"),
    (("derive", "shallow-product", "--n", "3", "--k", "2", "--order", "1"),
     "the construction 'shallow-product' takes no --k (it takes --n)"),
    (("derive", "deep-product", "--n", "3", "--exponents", "1,1", "--order", "1"),
     "the construction 'deep-product' takes no --exponents (it takes --n)"),
    (("derive", "gate", "--variables", "x,y", "--order", "1"),
     "the construction 'multiplication-gate' takes no --variables"),
    (("derive", "gate", "--order", "1", "--text", "--standalone"), "cannot be combined with --text"),
])
def test_ignored_options_are_refused(capsys, args, message):
    code, out, err = call(capsys, *args)
    assert code == 2 and out == ""
    assert message in err, err


@pytest.mark.parametrize("extra, message", [
    (("--box", "1"), "--box and --scale are for --kind map"),
    (("--scale", "0.1"), "--box and --scale are for --kind map"),
    (("--kind", "map", "--box", "1", "--scale", "0.1", "--points", "8"), "--scales and --points are for --kind sweep"),
    (("--kind", "map", "--box", "1", "--scale", "0.1", "--scales", "0.1,0.05"), "--scales and --points are for"),
    (("--kind", "map", "--box", "1"), "--kind map needs --box and --scale"),
])
def test_plot_options_of_the_other_kind_are_refused(capsys, tmp_path, extra, message):
    out = tmp_path / "p.png"
    code, _, err = call(capsys, "plot", "multiplication-gate", *extra, "-o", str(out))
    assert code == 2 and message in err and not out.exists()


# -- derive --text is plain text --------------------------------------------------------------------------

_DERIVABLE = {
    "multiplication-gate": (), "square-gate": (), "identity-gate": (), "three-neuron-gate": ("--bias", "0"),
    "shallow-product": ("--n", "3"), "deep-product": ("--n", "3"), "monomial": ("--exponents", "2,1"),
    "polynomial": ("--target", "x**2 - 2*x*y", "--variables", "x,y"),
}


@pytest.mark.parametrize("name", sorted(_DERIVABLE))
@pytest.mark.parametrize("activation", ["generic", "exp"])
def test_derive_text_has_no_latex(capsys, name, activation):
    assert name in CONSTRUCTIONS
    code, out, err = call(capsys, "derive", name, "--activation", activation, *_DERIVABLE[name],
                          "--order", "2", "--text")
    assert code == 0, err
    for token in ("$", "\\", "{}", "^{"):
        assert token not in out, (token, [line for line in out.splitlines() if token in line][:3])


def test_derive_text_reads_as_the_ascii_math_of_math_md(capsys):
    # softplus gate (MATH.md sec. 1): weights mu = 1/(4 lam^2 sigma''(0)) = lam^-2 since sigma''(0) = 1/4,
    # sigma'''(0) = 0 (so S_3 vanishes for that reason too), leading error -lam^2 uv(u^2 + v^2)/12
    code, out, err = call(capsys, "derive", "multiplication-gate", "--activation", "softplus", "--order", "2",
                          "--text")
    assert code == 0, err
    assert "inputs scaled by lam (" in out
    assert "the output weights are O(lam^(-2)), so the terms k > 4 are O(lam^3)" in out
    assert "sigma^(k) vanishes at the operating point for k in {3}" in out
    assert "The leading error is of order lam^2 and of total degree 4" in out
    assert "N - (u*v) = -lam**2*u*v*(u**2 + v**2)/12 + O(lam**3)" in out
    assert "(softplus log(1+e^x))" in out


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "soon"])
def test_time_limit_must_be_positive_seconds(capsys, value):
    code, out, err = call(capsys, "lower-bound", "--n", "2", f"--time-limit={value}")
    assert code == 2 and out == ""
    assert f"argument --time-limit: expected a positive number of seconds, got '{value}'" in err


def test_help_examples_parse_and_show_one_box():
    import shlex

    from symnet.cli import _COMMANDS, _attach_negative_values

    examples = [e.split("  #")[0].strip() for c in _COMMANDS for e in c.examples if e.strip().startswith("symnet ")]
    assert len(examples) >= 10
    for line in examples:
        args = build_parser().parse_args(_attach_negative_values(shlex.split(line)[1:]))
        assert args.func is not None and line.count("--box") <= 1, line
