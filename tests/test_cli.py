"""Tests of the ``symnet`` command line: through a subprocess (the real entry point) for the main
paths, and in-process (``symnet.cli.main``) for the many error cases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from symnet import activations, series
from symnet.cli import main
from symnet.constructions import multiplication_gate

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "symnet", *args], capture_output=True, text=True,
                           cwd=cwd or REPO, env={**os.environ, **(env or {})}, timeout=600)


def call(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- through a subprocess -----------------------------------------------------------------------------

def test_help_and_version():
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("derive", "check", "lower-bound", "certify", "plot", "activations"):
        assert command in proc.stdout
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("symnet ")
    proc = run("derive", "--help")
    assert proc.returncode == 0 and "--order" in proc.stdout and "--expression" in proc.stdout


def test_derive_happy_path_to_stdout_matches_series():
    proc = run("derive", "multiplication-gate", "--activation", "softplus", "--order", "2", "--standalone")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("\\documentclass")
    # softplus: sigma'' = 1/4, sigma'''' = -1/8, so N - uv = -lam^2 uv(u^2+v^2)/12 + O(lam^4)
    # (MATH.md sec. 1: lam^2 sigma''''/(6 sigma'') uv(u^2+v^2)); the printed leading term:
    assert "-\\frac{1}{12} \\lambda^{2} \\bigl(u^{3} v" in proc.stdout
    terms = series.error(multiplication_gate(activations.get("softplus")), 2).terms
    u, v = sp.symbols("u v", real=True)
    assert sp.expand(terms[2] + u * v * (u**2 + v**2) / 12) == 0


def test_derive_refuses_to_overwrite(tmp_path):
    out = tmp_path / "gate.tex"
    out.write_text("my edits")
    proc = run("derive", "square-gate", "--order", "2", "-o", str(out))
    assert proc.returncode == 2
    assert "exists" in proc.stderr and "--force" in proc.stderr and "Traceback" not in proc.stderr
    assert out.read_text() == "my edits"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gate.tex"]


def test_derive_writes_and_forces(capsys, tmp_path):
    out = tmp_path / "gate.tex"
    code, _, err = call(capsys, "derive", "multiplication-gate", "--order", "2", "-o", str(out), "--standalone")
    assert code == 0 and f"wrote {out}" in err
    assert out.read_text().startswith("\\documentclass")
    code, _, err = call(capsys, "derive", "square-gate", "--order", "2", "-o", str(out))
    assert code == 2 and "refusing to overwrite" in err
    code, _, _ = call(capsys, "derive", "square-gate", "--order", "2", "-o", str(out), "--force")
    assert code == 0
    assert "\\begin{align*}" in out.read_text() and not out.read_text().startswith("\\documentclass")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gate.tex"]  # no temporary files left


def test_malicious_expression_is_rejected_and_not_executed(tmp_path):
    marker = tmp_path / "PWNED"
    payload = f"__import__('os').system('touch {marker}')"
    proc = run("derive", "multiplication-gate", "--expression", payload, "--order", "2")
    assert proc.returncode == 2
    assert proc.stderr.startswith("symnet: error: formula") and "Traceback" not in proc.stderr
    assert not marker.exists()


def test_bad_construction_name():
    proc = run("derive", "quadruplication-gate", "--order", "2")
    assert proc.returncode == 2
    assert "unknown construction 'quadruplication-gate'" in proc.stderr and "multiplication-gate" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


@pytest.mark.slow
def test_check_runs_a_proof_script():
    proc = run("check", "conventions")
    assert proc.returncode == 0, proc.stderr
    assert "verified" in proc.stdout and "routes agree" in proc.stdout


@pytest.mark.parametrize("args, status, stream, text", [
    (("--version",), 0, "stdout", "symnet "),
    (("nope",), 2, "stderr", "invalid choice: 'nope'"),
    (("derive", "multiplication-gate"), 2, "stderr", "required: --order"),
    (("derive", "multiplication-gate", "--activation", "softmax", "--order", "2"), 2, "stderr",
     "unknown activation 'softmax'"),
])
def test_installed_console_script_exit_status(args, status, stream, text):
    exe = Path(sys.executable).with_name("symnet")
    if not exe.exists():
        pytest.skip("the 'symnet' console script is not installed in this environment")
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300)
    assert proc.returncode == status, proc.stderr
    assert text in getattr(proc, stream) and "Traceback" not in proc.stderr


# -- in-process: the error paths ----------------------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    "exec('import os')",
    "x.__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "lambda: 0",
    "open('/etc/passwd').read()",
    "9**9**9**9",
    "(" * 500 + "x" + ")" * 500,
    "x if x else x",
    "[x for x in ()]",
    "x; import os",
])
def test_hostile_expressions(capsys, payload):
    code, out, err = call(capsys, "derive", "multiplication-gate", "--expression", payload, "--order", "2")
    assert code == 2 and out == ""
    assert err.startswith("symnet: error:") and err.count("\n") == 1


@pytest.mark.parametrize("args, message", [
    (("derive", "shallow-product", "--order", "2"), "needs --n"),
    (("derive", "monomial", "--order", "2"), "needs --exponents"),
    (("derive", "multiplication-gate", "--activation", "softmax", "--order", "2"), "unknown activation 'softmax'"),
    (("derive", "multiplication-gate", "--bias", "x + 1", "--order", "2"), "must be a constant"),
    (("derive", "multiplication-gate", "--bias", "os.getcwd()", "--order", "2"), "formula"),
    (("derive", "binary-product", "--k", "2", "--activation", "tanh", "--order", "2"), "fixed activation"),
    (("check", "no-such-proof"), "unknown proof 'no-such-proof'"),
    (("certify", "multiplication-gate", "--box", "1:2,3:4,5:6", "--eps", "1e-3"), "3 intervals"),
    (("certify", "multiplication-gate", "--box", "1", "--eps", "open('x')"), "formula"),
])
def test_user_errors(capsys, args, message):
    code, out, err = call(capsys, *args)
    assert code == 2, (out, err)
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (("derive", "multiplication-gate"), "the following arguments are required: --order"),
    (("derive", "multiplication-gate", "--order", "-1"),
     "argument --order: expected a non-negative integer order, got '-1'"),
    (("derive", "multiplication-gate", "--order", "two"),
     "argument --order: expected a non-negative integer order, got 'two'"),
    (("derive", "shallow-product", "--n", "0", "--order", "1"), "argument --n: expected a positive integer, got '0'"),
    (("derive", "multiplication-gate", "--activation", "tanh", "--expression", "x", "--order", "1"),
     "argument --expression: not allowed with argument --activation"),
    (("lower-bound", "--activation", "tanh", "--expression", "x"),
     "argument --expression: not allowed with argument --activation"),
    (("nonsense",), "argument COMMAND: invalid choice: 'nonsense'"),
    (("derive", "monomial", "--exponents", "2,-1", "--order", "2"),
     "argument --exponents: expected non-negative exponents such as 2,1, got '2,-1'"),
    (("activations", "--nope"), "unrecognized arguments: --nope"),
    (("plot", "multiplication-gate", "--kind", "bars", "-o", "x.png"), "argument --kind: invalid choice: 'bars'"),
    (("certify", "multiplication-gate", "--box", "1"), "the following arguments are required: --eps"),
])
def test_argparse_errors_return_2_without_traceback(capsys, args, message):
    code, out, err = call(capsys, *args)  # returns: no SystemExit escapes main()
    assert code == 2 and out == ""
    assert message in err and "usage: symnet" in err and "--help' for help" in err and "Traceback" not in err


@pytest.mark.parametrize("args, shown", [
    (("--help",), "usage: symnet [-h] [--version] COMMAND"),
    (("-h",), "usage: symnet [-h] [--version] COMMAND"),
    (("derive", "--help"), "--order K"),
    (("certify", "-h"), "A value starting with '-' is fine"),
    (("lower-bound", "--help"), "--time-limit SECONDS"),
])
def test_help_returns_0(capsys, args, shown):
    code, out, err = call(capsys, *args)
    assert code == 0 and shown in out and err == ""


def test_help_wraps_descriptions_and_keeps_examples(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = call(capsys, "derive", "--help")
    assert code == 0 and max(map(len, out.splitlines())) <= 100  # the description is wrapped
    assert "Examples:\n  symnet derive multiplication-gate --order 4\n" in out  # examples line by line


def test_no_command_prints_help(capsys):
    code, _, err = call(capsys)
    assert code == 2 and "usage: symnet" in err


def test_missing_proofs_directory(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("SYMNET_PROOFS_DIR", str(tmp_path))
    code, _, err = call(capsys, "check", "all")
    assert code == 3
    assert "proofs/ scripts were not found" in err and "SYMNET_PROOFS_DIR" in err


def test_check_propagates_a_failing_script(capsys, monkeypatch, tmp_path):
    # a stand-in proofs/ directory whose only script fails: the exit status must say so
    (tmp_path / "run_all.py").write_text("import sys\nsys.exit(1)\n")
    (tmp_path / "broken.py").write_text("import sys\nprint('claim  source  verdict  NO')\nsys.exit(1)\n")
    monkeypatch.setenv("SYMNET_PROOFS_DIR", str(tmp_path))
    assert call(capsys, "check", "broken")[0] == 1
    assert call(capsys, "check", "all")[0] == 1
    code, out, _ = call(capsys, "check", "--list")
    assert code == 0 and out.split() == ["broken"]


def test_derive_text_and_fragment(capsys):
    code, out, _ = call(capsys, "derive", "gate", "--order", "2", "--text")
    assert code == 0 and "Cancellations" in out and "\\begin" not in out
    code, out, _ = call(capsys, "derive", "multiplication_gate", "--order", "2")
    assert code == 0 and out.startswith("% symnet") and "\\documentclass" not in out


def test_derive_monomial_with_expression(capsys):
    # a user formula for softplus gives the same derivation as the catalogue's softplus
    code, by_formula, _ = call(capsys, "derive", "monomial", "--exponents", "1,1", "--expression",
                               "log(1 + exp(x))", "--order", "4", "--text")
    assert code == 0
    code, by_name, _ = call(capsys, "derive", "monomial", "--exponents", "1,1", "--activation", "softplus",
                            "--order", "4", "--text")
    assert code == 0
    def tail(s: str) -> str:
        return s[s.index("5. The exact error series"):s.index("6. Hypotheses")]

    assert tail(by_formula) == tail(by_name)


def test_constructions_listing(capsys):
    code, out, _ = call(capsys, "constructions")
    assert code == 0 and "multiplication-gate" in out and "shallow-product" in out


def test_negative_values_are_not_taken_for_options(capsys):
    code, _, err = call(capsys, "derive", "multiplication-gate", "--activation", "softplus", "--bias", "-1/2",
                          "--order", "2", "--text")
    assert code == 0, err
    code, _, err = call(capsys, "certify", "square-gate", "--activation", "softplus", "--box", "-1:1",
                          "--eps", "1e-3")
    assert code == 0, err


def test_certify(capsys):
    code, out, err = call(capsys, "certify", "multiplication-gate", "--activation", "softplus", "--box", "1",
                          "--eps", "1e-4")
    assert code == 0, err
    assert "re-checked independently: OK" in out


def test_certify_reports_a_failed_recheck(capsys, monkeypatch):
    from symnet import numeric
    from symnet.errors import CertificateError

    class Tampered:
        def __str__(self):
            return "a certificate"

        def check(self):
            raise CertificateError("the bound does not hold")

    monkeypatch.setattr(numeric, "certify", lambda *args, **kwargs: Tampered())
    code, out, err = call(capsys, "certify", "square-gate", "--box", "1", "--eps", "1e-3")
    assert code == 1 and out == "a certificate\n"
    assert err == "symnet: certificate re-check FAILED: the bound does not hold\n"


@pytest.mark.parametrize("option", ["--bias", "--beta"])
def test_options_a_construction_does_not_take(capsys, option):
    code, out, err = call(capsys, "derive", "yarotsky-square", "--m", "1", option, "1", "--order", "1")
    assert code == 2 and out == ""
    assert err == f"symnet: error: the construction 'yarotsky-square' takes no {option}\n"


def test_plot_writes_an_image_and_refuses_to_overwrite(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "sweep.png"
    code, _, err = call(capsys, "plot", "multiplication-gate", "--activation", "softplus", "--scales",
                        "0.1,0.05,0.025", "--points", "8", "-o", str(out))
    assert code == 0, err
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the fitted slope is the gate's order 2 (MATH.md sec. 1)
    slope = float(err.split("fitted slope ")[1].split(",")[0])
    assert abs(slope - 2) < 0.05
    before = out.read_bytes()
    code, _, err = call(capsys, "plot", "multiplication-gate", "-o", str(out))
    assert code == 2 and "refusing to overwrite" in err and out.read_bytes() == before
    code, _, err = call(capsys, "plot", "multiplication-gate", "-o", str(tmp_path / "x.jpg"))
    assert code == 2 and ".png" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep.png"]


@pytest.mark.parametrize("args, width", [
    (("--n", "2"), 4),                                    # 2^n (LTR App. A)
    (("--n", "2", "--model", "output-bias"), 3),          # without the k = 0 condition (MATH.md sec. 3)
    (("--n", "2", "--activation", "square"), 2),          # the hypotheses fail: (u+v)^2 - (u-v)^2
])
def test_lower_bound(capsys, args, width):
    code, out, err = call(capsys, "lower-bound", *args)
    assert code == 0, err
    assert f"): {width} [" in out.splitlines()[0]
    assert "re-checked independently: OK" in out


@pytest.mark.parametrize("args, message", [
    (("--n", "2", "--exponents", "1,1"), "exactly one of"),
    ((), "exactly one of"),
    (("--n", "2", "--model", "nonsense"), "unknown model 'nonsense'"),
    (("--n", "2", "--expression", "eval('1')"), "formula"),
])
def test_lower_bound_errors(capsys, args, message):
    code, _, err = call(capsys, "lower-bound", *args)
    assert code == 2 and message in err


def test_derive_polynomial_target_goes_through_the_whitelist(capsys, tmp_path):
    code, out, err = call(capsys, "derive", "polynomial", "--target", "x**2 - 2*x*y + 3", "--variables", "x,y",
                          "--activation", "exp", "--order", "2", "--text")
    assert code == 0, err
    assert "N - (x**2 - 2*x*y + 3)" in out
    marker = tmp_path / "PWNED"
    payload = "__import__('os').system('touch " + str(marker) + "')"
    code, _, err = call(capsys, "derive", "polynomial", "--target", payload, "--variables", "x", "--order", "1")
    assert code == 2 and "formula" in err and not marker.exists()
