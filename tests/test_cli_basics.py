"""The basic command line: ``symnet --version``, ``symnet activations``, and unknown commands,
both in a subprocess (``python -m symnet``) and in-process through :func:`symnet.cli.main`."""

import os
import shutil
import subprocess
import sys

import pytest

import symnet
from symnet import activations
from symnet.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "symnet", *args], capture_output=True, text=True, timeout=300)


def check_activation_listing(text):
    lines = text.splitlines()
    for name in activations.names():
        row = next(line for line in lines if line.split()[:1] == [name])
        expected = "NOT smooth at 0" if name in ("relu", "elu", "heaviside") else "smooth at 0"
        assert expected in row, row
        assert str(activations.get(name).expr) in row
    assert "generic" in text


def test_version_subprocess():
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"symnet {symnet.__version__}"
    assert out.stderr == ""


def test_version_in_process(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"symnet {symnet.__version__}"


def test_activations_subprocess():
    out = run("activations")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    check_activation_listing(out.stdout)


def test_activations_in_process(capsys):
    assert main(["activations"]) == 0
    captured = capsys.readouterr()
    check_activation_listing(captured.out)
    assert captured.err == ""


def test_console_script_if_installed():
    script = shutil.which("symnet", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    if script is None:
        pytest.skip("the symnet console script is not on PATH (package not installed)")
    out = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and out.stdout.strip() == f"symnet {symnet.__version__}"


@pytest.mark.parametrize("args", [["nope"], ["__import__('os').system('echo pwned')"], ["activations", "--nope"]])
def test_unknown_commands_and_options_subprocess(args):
    out = run(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert "pwned" not in out.stdout
    assert "Traceback" not in out.stderr
    assert "symnet: error:" in out.stderr
    assert ("invalid choice" in out.stderr) or ("unrecognized arguments" in out.stderr)


def test_unknown_command_in_process(capsys):
    assert main(["nope"]) == 2
    captured = capsys.readouterr()
    assert "invalid choice: 'nope'" in captured.err and captured.out == ""


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    captured = capsys.readouterr()
    assert "usage: symnet" in captured.err and "activations" in captured.err
