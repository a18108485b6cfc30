"""The ``symnet`` command line.

Commands: ``activations``, ``constructions``, ``derive``, ``check``, ``lower-bound``,
``certify``, ``plot`` (``symnet COMMAND --help`` for each).

Exit status: 0 success; 1 a check failed (a proof script's verdict, a certificate that could not
be established); 2 a user error (bad name, malformed formula or number, refusing to overwrite a
file; one line on stderr, no traceback); 3 a capability this installation lacks (e.g. the
proofs/ scripts outside a clone of the repository).

Formulas given on the command line (``--expression``, ``--bias``, ``--eps``, boxes) go through
symnet's whitelist parser (:func:`symnet.activations._parser.parse_formula`), never ``eval``.
Files are written atomically and never overwritten without ``--force``.
"""

from __future__ import annotations

import argparse
import inspect
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symnet import __version__
from symnet.errors import CertificateError, InvalidInput, SymnetError

__all__ = ["CONSTRUCTIONS", "build_parser", "main", "proofs_dir"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3


class Unavailable(SymnetError):
    """A capability this installation of symnet does not have (exit status 3)."""


# -- parsing values (whitelist parser only) -------------------------------------------------------

def _constant(text: str, what: str) -> Any:
    """An exact constant from text such as ``1/2``, ``log(2 + sqrt(3))`` or ``1e-6``."""
    from symnet.activations._parser import parse_formula

    value = parse_formula(text)
    if getattr(value, "free_symbols", None):
        raise InvalidInput(f"{what} must be a constant, got {text!r} (it contains "
                           f"{', '.join(sorted(map(str, value.free_symbols)))})")
    return value


def _items(text: str) -> list[str]:
    """The non-empty comma-separated items of ``text``, stripped: ``"2, 1,"`` -> ``["2", "1"]``."""
    return [p.strip() for p in text.split(",") if p.strip()]


def _bounded_int(minimum: int, what: str) -> Callable[[str], int]:
    """An argparse ``type``: an integer >= ``minimum``, called ``what`` in the error message."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    return convert


_positive_int = _bounded_int(1, "a positive integer")


def _seconds(text: str) -> float:
    """An argparse ``type``: a finite positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value
_order = _bounded_int(0, "a non-negative integer order")


def _exponents(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(p) for p in _items(text))
    except ValueError:
        values = ()
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError(f"expected non-negative exponents such as 2,1, got {text!r}")
    return values


def _names(text: str) -> tuple[str, ...]:
    names = tuple(_items(text))
    if not names or not all(n.isidentifier() for n in names):
        raise argparse.ArgumentTypeError(f"expected variable names such as x,y, got {text!r}")
    return names


_BOX_SYNTAX = ("R (the box [-R, R] for every input), LOW:HIGH (one interval for every input), or "
               "L1:H1,L2:H2,... (one interval per input, in the construction's input order)")


def _box(text: str, variables: Sequence[Any]) -> list[tuple[Any, Any]]:
    """The box ``--box`` gives for a construction with inputs ``variables``.

    ``R`` is [-R, R] for every input, ``LOW:HIGH`` one interval for every input, and
    ``L1:H1,L2:H2,...`` one interval per input, in order. Anything else is refused: an empty item
    (``1,,2``), an interval with two colons, a negative radius, LOW > HIGH, or a number of
    intervals other than 1 or the number of inputs.

    Examples
    --------
    >>> from symnet.cli import _box
    >>> _box("0:1,5:6", ["u", "v"])
    [(0, 1), (5, 6)]
    >>> _box("1/2", ["u", "v"])
    [(-1/2, 1/2), (-1/2, 1/2)]
    """
    dims = len(variables)
    names = ", ".join(map(str, variables))
    parts = [p.strip() for p in text.split(",")]
    if not any(parts):
        raise InvalidInput(f"--box is empty; give {_BOX_SYNTAX}")
    if not all(parts):
        raise InvalidInput(f"--box {text!r} has an empty item; give {_BOX_SYNTAX}")
    intervals = []
    for p in parts:
        if p.count(":") > 1:
            raise InvalidInput(f"--box item {p!r} has more than one ':'; an interval is LOW:HIGH, and intervals "
                               "are separated by commas (e.g. --box 0:1,5:6)")
        if ":" in p:
            lo, _, hi = p.partition(":")
            if not lo.strip() or not hi.strip():
                raise InvalidInput(f"--box item {p!r} lacks an end; an interval is LOW:HIGH, e.g. -1:1")
            low, high = _constant(lo, "a box bound"), _constant(hi, "a box bound")
            if _decided(low > high):
                raise InvalidInput(f"--box item {p!r} is empty: LOW = {lo.strip()} is above HIGH = {hi.strip()}")
        else:
            r = _constant(p, "a box radius")
            if _decided(r < 0):
                raise InvalidInput(f"--box radius {p!r} is negative; R means [-R, R] (give a radius >= 0, "
                                   "or an interval LOW:HIGH)")
            low, high = -r, r
        intervals.append((low, high))
    if len(intervals) == 1:
        intervals *= dims
    if len(intervals) != dims:
        raise InvalidInput(f"--box has {len(intervals)} intervals but the construction has {dims} "
                           f"input{'s' if dims != 1 else ''} ({names}): give one interval for every input "
                           f"or exactly {dims}, separated by commas")
    return intervals


def _decided(relation: Any) -> bool:
    """True only if a sympy relation between constants is decided True (undecided: False)."""
    try:
        return bool(relation)
    except TypeError:
        return False


# -- constructions ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ConstructionSpec:
    """How the CLI builds one construction of :mod:`symnet.constructions`."""

    function: str
    summary: str
    needs: tuple[str, ...] = ()  # CLI options it requires: "n", "exponents", "k", "target", "m"
    #: CLI option -> the function's parameter name, where they differ
    rename: tuple[tuple[str, str], ...] = ()


CONSTRUCTIONS: dict[str, ConstructionSpec] = {
    "multiplication-gate": ConstructionSpec("multiplication_gate", "uv with 4 neurons (LTR Fig. 2; MATH.md sec. 1)"),
    "square-gate": ConstructionSpec("square_gate", "x^2 with 2 neurons and an output bias (MATH.md sec. 1)"),
    "identity-gate": ConstructionSpec("identity_gate", "the copy gate u with 1 neuron (MATH.md sec. 1)"),
    "three-neuron-gate": ConstructionSpec("three_neuron_gate",
                                          "uv with 3 neurons and an output bias (MATH.md sec. 3)"),
    "shallow-product": ConstructionSpec("shallow_product", "x_1...x_n with 2^n neurons (MATH.md sec. 2)", ("n",)),
    "deep-product": ConstructionSpec("deep_product", "x_1...x_n by a tree of gates (MATH.md sec. 4)", ("n",)),
    "monomial": ConstructionSpec("monomial", "x^r with prod(r_i + 1) neurons (RT Thm II.1; MATH.md sec. 4)",
                                 ("exponents",)),
    "binary-product": ConstructionSpec("binary_product", "product of k bits with one sigmoid (MATH.md sec. 5)",
                                       ("k",)),
    "polynomial": ConstructionSpec("polynomial", "a polynomial from product, square and copy gates (MATH.md sec. 5)",
                                   ("target", "variables"), (("target", "expr"),)),
    "yarotsky-square": ConstructionSpec("yarotsky_square", "x^2 on [0, 1] by Yarotsky's ReLU network (MATH.md sec. 8)",
                                        ("m",)),
}

#: the options that size or specify a construction; each construction takes only its own ``needs``
_SIZE_OPTIONS = ("n", "k", "exponents", "target", "variables", "m")

_EXAMPLES = {"exponents": "--exponents 2,1", "target": "--target 'x**2 - 2*x*y'", "variables": "--variables x,y"}


def _construction_key(name: str) -> str:
    key = name.strip().lower().replace("_", "-")
    if key in ("gate", "product-gate", "mult-gate"):
        key = "multiplication-gate"
    if key not in CONSTRUCTIONS:
        raise InvalidInput(f"unknown construction {name!r}; the constructions are: {', '.join(CONSTRUCTIONS)} "
                           "(see 'symnet constructions')")
    return key


def _activation(args: argparse.Namespace, default: str = "generic"):
    from symnet import activations

    if getattr(args, "expression", None) is not None:
        return activations.from_expression(args.expression)
    return activations.get(getattr(args, "activation", None) or default)


def build_construction(args: argparse.Namespace, default_activation: str = "generic"):
    """The Construction named by ``args.construction`` with the options the user gave."""
    from symnet import constructions

    key = _construction_key(args.construction)
    spec = CONSTRUCTIONS[key]
    func: Callable | None = getattr(constructions, spec.function, None)
    if func is None:
        raise Unavailable(f"the construction {key!r} ({spec.function}) is not available in this version of symnet")
    params = inspect.signature(func).parameters
    kwargs: dict[str, Any] = {}
    rename = dict(spec.rename)
    for need in spec.needs:
        value = getattr(args, need, None)
        if value is None:
            raise InvalidInput(f"the construction {key!r} needs --{need} (e.g. {_EXAMPLES.get(need, f'--{need} 3')})")
        kwargs[rename.get(need, need)] = value
    for option in _SIZE_OPTIONS:
        if option not in spec.needs and getattr(args, option, None) is not None:
            raise InvalidInput(f"the construction {key!r} takes no --{option}"
                               + (f" (it takes {', '.join('--' + n for n in spec.needs)})" if spec.needs else ""))
    if "activation" in params:
        kwargs["activation"] = _activation(args, default_activation)
    elif getattr(args, "activation", None) or getattr(args, "expression", None):
        raise InvalidInput(f"the construction {key!r} has a fixed activation; drop --activation/--expression")
    for extra in ("bias", "beta"):
        if getattr(args, extra, None) is not None:
            if extra not in params:
                raise InvalidInput(f"the construction {key!r} takes no --{extra}")
            kwargs[extra] = _constant(getattr(args, extra), f"--{extra}")
    return func(**kwargs)


# -- commands ------------------------------------------------------------------------------------------

def _cmd_activations(args: argparse.Namespace) -> int:
    from symnet import activations

    rows = []
    for name in activations.names():
        act = activations.get(name)
        smooth = "smooth at 0" if act.is_smooth_at(0) else "NOT smooth at 0"
        rows.append((name, str(act.expr), smooth, act.description))
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print(f"{r[0]:<{width[0]}}  {r[1]:<{width[1]}}  {r[2]:<{width[2]}}  {r[3]}")
    print("\nAlso: generic (derivatives stay symbols sigma^(k)(b)), polynomial activations, "
          "and --expression FORMULA (whitelist parser).")
    return EXIT_OK


def _cmd_constructions(args: argparse.Namespace) -> int:
    from symnet import constructions

    width = max(map(len, CONSTRUCTIONS))
    for name, spec in CONSTRUCTIONS.items():
        needs = " ".join(f"--{n} ..." for n in spec.needs)
        there = "" if hasattr(constructions, spec.function) else "  [not available in this version]"
        print(f"{name:<{width}}  {spec.summary}{' (' + needs + ')' if needs else ''}{there}")
    return EXIT_OK


def _write_or_print(text: str, output: str | None, force: bool) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    from symnet.derivations import write_text_atomic

    path = write_text_atomic(output, text, force=force)
    print(f"wrote {path}", file=sys.stderr)


def _cmd_derive(args: argparse.Namespace) -> int:
    from symnet.derivations import derive

    if args.text and args.standalone:
        raise InvalidInput("--standalone makes a LaTeX document; it cannot be combined with --text")
    construction = build_construction(args)
    derivation = derive(construction, args.order)
    if args.text:
        text = str(derivation) + "\n"
    else:
        text = derivation.latex(standalone=args.standalone)
    _write_or_print(text, args.output, args.force)
    return EXIT_OK


def proofs_dir() -> Path:
    """The proofs/ directory: $SYMNET_PROOFS_DIR, or proofs/ next to the symnet package (a clone)."""
    env = os.environ.get("SYMNET_PROOFS_DIR")
    candidate = Path(env) if env else Path(__file__).resolve().parent.parent / "proofs"
    if not (candidate / "run_all.py").is_file():
        where = f"SYMNET_PROOFS_DIR={env}" if env else str(candidate)
        raise Unavailable(
            f"the proofs/ scripts were not found (looked in {where}). They live in the repository next to "
            "symnet/: run 'symnet check' from a clone installed with 'pip install -e .', or set "
            "SYMNET_PROOFS_DIR to the proofs/ directory of a clone")
    return candidate


def _proof_scripts(directory: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(directory.glob("*.py"))
            if not p.name.startswith("_") and p.name != "run_all.py"}


def _cmd_check(args: argparse.Namespace) -> int:
    directory = proofs_dir()
    scripts = _proof_scripts(directory)
    if args.list or args.proof is None:
        for name in scripts:
            print(name)
        return EXIT_OK if args.list else EXIT_USAGE
    name = args.proof.strip()
    extra: list[str] = []
    if name.lower() == "all":
        if args.latex:
            raise InvalidInput("--latex needs one proof, not 'all'")
        script = directory / "run_all.py"
    else:
        key = name.removesuffix(".py").replace("-", "_")
        if key not in scripts:
            raise InvalidInput(f"unknown proof {name!r}; the proofs are: {', '.join(scripts)} (or 'all')")
        script = scripts[key]
        if args.latex:
            extra = ["--latex", str(Path(args.latex).resolve())] + (["--force"] if args.force else [])
    sys.stdout.flush()
    proc = subprocess.run([sys.executable, str(script), *extra], cwd=directory)
    return EXIT_OK if proc.returncode == 0 else (EXIT_USAGE if proc.returncode == 2 else EXIT_FAILED)


def _rechecked(result: Any, what: str) -> bool:
    """Run ``result.check()`` (the independent re-check of a certificate) and say how it went."""
    try:
        result.check()
    except CertificateError as err:
        print(f"symnet: certificate re-check FAILED: {err}", file=sys.stderr)
        return False
    print(f"{what} re-checked independently: OK")
    return True


def _cmd_lower_bound(args: argparse.Namespace) -> int:
    from symnet import lower_bounds

    if (args.n is None) == (args.exponents is None):
        raise InvalidInput("give exactly one of --n N (the product x_1...x_n) or --exponents R1,R2,... (a monomial)")
    target = args.n if args.n is not None else args.exponents
    minimal_width = getattr(lower_bounds, "minimal_width", None)
    if minimal_width is None:
        raise Unavailable("'symnet lower-bound' needs symnet.lower_bounds.minimal_width, which this version of "
                          "symnet does not have")
    activation = _activation(args, "generic")
    progress = (lambda message: print(f"  ... {message}", file=sys.stderr)) if args.verbose else None
    result = minimal_width(target, model=args.model, activation=activation, time_limit=args.time_limit,
                           progress=progress)
    print(result)
    if not _rechecked(result, "certificates"):
        return EXIT_FAILED
    if result.status == "unknown":
        print("symnet: the minimal width was not decided (see the notes above)", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _cmd_certify(args: argparse.Namespace) -> int:
    from symnet import numeric

    construction = build_construction(args, default_activation="softplus")
    box = _box(args.box, construction.variables)
    eps = _constant(args.eps, "--eps")
    kwargs: dict[str, Any] = {}
    if args.scale is not None:
        kwargs["scale"] = _constant(args.scale, "--scale")
    try:
        certificate = numeric.certify(construction, box, eps, **kwargs)
    except CertificateError as err:
        print(f"symnet: could not certify: {err}", file=sys.stderr)
        return EXIT_FAILED
    print(certificate)
    return EXIT_OK if _rechecked(certificate, "certificate") else EXIT_FAILED


_DEFAULT_SCALES, _DEFAULT_POINTS = "0.2,0.1,0.05,0.025,0.0125", 64


def _cmd_plot(args: argparse.Namespace) -> int:
    from symnet import numeric

    plot_sweep = getattr(numeric, "plot_sweep", None)
    save_figure = getattr(numeric, "save_figure", None)
    if plot_sweep is None or save_figure is None:
        raise Unavailable("'symnet plot' needs symnet.numeric.plot_sweep, which this version of symnet does not have")
    from symnet.derivations._io import atomic_path

    if Path(args.output).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InvalidInput(f"cannot write {args.output!r}: use a .png, .svg or .pdf file name")
    if os.path.exists(args.output) and not args.force:
        raise InvalidInput(f"{args.output} exists; refusing to overwrite it (pass --force to replace it)")
    if args.kind == "map":
        if args.box is None or args.scale is None:
            raise InvalidInput("--kind map needs --box and --scale (the lam to draw)")
        if args.scales is not None or args.points is not None:
            raise InvalidInput("--scales and --points are for --kind sweep; --kind map draws one lam (--scale)")
    elif args.box is not None or args.scale is not None:
        raise InvalidInput("--box and --scale are for --kind map; a sweep samples its own box at --scales")
    construction = build_construction(args, default_activation="softplus")
    if args.kind == "map":
        box = _box(args.box, construction.variables)
        figure = numeric.plot_error_map(construction, box, scale=_constant(args.scale, "--scale"))
        summary = f"error map at lam = {args.scale}"
    else:
        scales = [_constant(s, "a scale") for s in _items(args.scales or _DEFAULT_SCALES)]
        if len(scales) < 2:
            raise InvalidInput("--scales needs at least two values of lam, e.g. 0.1,0.05,0.025")
        result = numeric.sweep(construction, scales, points=args.points or _DEFAULT_POINTS)
        figure = plot_sweep(result)
        summary = f"fitted slope {result.slope:.3f}, predicted order {result.order}"
    with atomic_path(args.output, force=args.force) as tmp:
        save_figure(figure, tmp)
    print(f"{summary}; wrote {args.output}", file=sys.stderr)
    return EXIT_OK


# -- the parser ----------------------------------------------------------------------------------------

#: what to say when an option is given twice (argparse's ``store`` would keep the last value silently)
_ONCE_HINTS = {
    "box": "give one --box: " + _BOX_SYNTAX + ", e.g. --box 0:1,5:6",
    "exponents": "give them in one option, e.g. --exponents 2,1",
    "variables": "give them in one option, e.g. --variables x,y",
    "scales": "give them in one option, e.g. --scales 0.1,0.05,0.025",
}


class _StoreOnce(argparse.Action):
    """argparse's ``store``, refusing an option given twice instead of keeping the last value.

    ``--box 0:1 --box 5:6`` once certified [5, 6] x [5, 6] without a word: every option that
    takes a value may be given at most once.
    """

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        given = namespace.__dict__.setdefault("_symnet_given", {})
        if option_string is not None and self.dest in given:
            hint = _ONCE_HINTS.get(self.dest, "give it once")
            raise argparse.ArgumentError(self, f"given more than once ({_shown(given[self.dest])}, then "
                                               f"{_shown(values)}); {hint}")
        given[self.dest] = values
        setattr(namespace, self.dest, values)


def _shown(value: Any) -> str:
    """An option's value as the user wrote it: ``'0:1'``, ``2,1`` (a tuple), ``3``."""
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return repr(value) if isinstance(value, str) else str(value)


class _Parser(argparse.ArgumentParser):
    """argparse with exit status 2 and a hint, no traceback, and no option given twice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n(run '{self.prog} --help' for help)\n")


class _HelpFormatter(argparse.HelpFormatter):
    """Wraps a paragraph (a description) but keeps text with line breaks (the examples) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


#: adds arguments to a (sub-)parser
Arguments = Callable[[argparse.ArgumentParser], Any]


def _option(*flags: str, **settings: Any) -> Arguments:
    """One ``add_argument(*flags, **settings)``, to be applied to a parser later."""
    return lambda parser: parser.add_argument(*flags, **settings)


def _activation_options(default: str) -> Arguments:
    """``--activation NAME | --expression FORMULA`` (one of them, or neither: ``default``)."""

    def add(parser: argparse.ArgumentParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--activation", metavar="NAME",
                           help=f"activation from the catalogue (see 'symnet activations'); default {default}")
        group.add_argument("--expression", metavar="FORMULA",
                           help="activation formula in x, e.g. 'log(1 + exp(x))' (whitelist parser, never eval)")

    return add


def _construction_options(default_activation: str) -> tuple[Arguments, ...]:
    """The construction and the options :func:`build_construction` reads."""
    return (
        _option("construction", help="construction name (see 'symnet constructions'), e.g. multiplication-gate"),
        _activation_options(default_activation),
        _option("--bias", metavar="B", help="hidden bias (operating point), e.g. 1 or 'log(2 + sqrt(3))'"),
        _option("--n", type=_positive_int, metavar="N", help="number of inputs (shallow-product, deep-product)"),
        _option("--k", type=_positive_int, metavar="K", help="number of bits (binary-product)"),
        _option("--exponents", type=_exponents, metavar="R1,R2,...", help="exponents of a monomial, e.g. 2,1"),
        _option("--beta", metavar="BETA", help="steepness of binary-product's sigmoid"),
        _option("--target", metavar="POLYNOMIAL", help="the polynomial (polynomial), e.g. 'x**2 - 2*x*y + 3'"),
        _option("--variables", type=_names, metavar="X,Y,...", help="its variables, in order (polynomial)"),
        _option("--m", type=_positive_int, metavar="M", help="the depth parameter (yarotsky-square)"),
    )


_FORCE = _option("--force", action="store_true", help="overwrite FILE if it exists")


@dataclass(frozen=True)
class _Command:
    """One sub-command: its handler, help texts, examples and arguments."""

    name: str
    func: Callable[[argparse.Namespace], int]
    help: str
    description: str | None = None
    examples: tuple[str, ...] = ()
    arguments: tuple[Arguments, ...] = ()

    def add_to(self, commands: Any) -> argparse.ArgumentParser:
        epilog = "\n".join(["Examples:", *self.examples]) if self.examples else None
        parser = commands.add_parser(self.name, help=self.help, description=self.description, epilog=epilog,
                                     formatter_class=_HelpFormatter)
        for add in self.arguments:
            add(parser)
        parser.set_defaults(func=self.func)
        return parser


_COMMANDS = (
    _Command("activations", _cmd_activations, "list the catalogue of activations"),
    _Command("constructions", _cmd_constructions, "list the constructions 'derive', 'certify' and 'plot' accept"),
    _Command(
        "derive", _cmd_derive, "write the derivation of a construction's exact error series (LaTeX or text)",
        description="Derive a construction's exact error series step by step and print it as LaTeX (an amsmath "
        "fragment, or with --standalone a complete document for pdflatex), or with --text as plain text.",
        examples=("  symnet derive multiplication-gate --order 4",
                  "  symnet derive multiplication-gate --activation softplus --order 4 -o gate.tex --standalone",
                  "  symnet derive monomial --exponents 2,1 --expression 'log(1 + exp(x))' --order 2",
                  "  symnet derive shallow-product --n 3 --order 4 --text"),
        arguments=(
            *_construction_options("generic"),
            _option("--order", type=_order, required=True, metavar="K", help="exact through lam^K"),
            _option("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)"),
            _option("--standalone", action="store_true", help="a complete LaTeX document (default: a fragment)"),
            _option("--text", action="store_true", help="plain text (ASCII math such as lam**2) instead of LaTeX"),
            _FORCE,
        )),
    _Command(
        "check", _cmd_check, "run a proofs/ script (or all of them) and print its verdict table",
        description="Run one of the proofs/ scripts of the repository, or 'all' (proofs/run_all.py). Each "
        "checks its claims by two independent routes; the exit status is 1 if a check fails.",
        arguments=(
            _option("proof", nargs="?", help="proof name (see --list) or 'all'"),
            _option("--list", action="store_true", help="list the proofs"),
            _option("--latex", metavar="FILE", help="also write the proof's derivation to FILE"),
            _FORCE,
        )),
    _Command(
        "lower-bound", _cmd_lower_bound,
        "the minimal width of one hidden layer for a product or monomial, with a certificate",
        description="Decide the minimal single-hidden-layer width for x_1...x_n (--n) or a monomial "
        "(--exponents) in a model, with certificates that are re-checked independently (MATH.md sec. 3-4). "
        "Exit status 1 if the width could not be decided.",
        examples=("  symnet lower-bound --n 2", "  symnet lower-bound --n 2 --model output-bias",
                  "  symnet lower-bound --n 2 --activation square      # the hypotheses fail: 2 neurons",
                  "  symnet lower-bound --exponents 2,1 --activation exp"),
        arguments=(
            _option("--n", type=_positive_int, metavar="N", help="the product x_1...x_n"),
            _option("--exponents", type=_exponents, metavar="R1,R2,...", help="the monomial x^r"),
            _option("--model", default="bias-free", metavar="M",
                    help="bias-free (the theorem's model; default), output-bias, or biased"),
            _activation_options("generic"),
            _option("--time-limit", type=_seconds, default=60.0, metavar="SECONDS",
                    help="time limit of each Groebner computation (default 60)"),
            _option("--verbose", action="store_true", help="report progress on stderr"),
        )),
    _Command(
        "certify", _cmd_certify, "prove sup |N - target| <= eps on a box (interval arithmetic)",
        description="Prove rigorously (arb ball arithmetic) that the construction is within eps of its target on "
        "a box, choosing lam unless --scale is given; the certificate is re-checked independently.",
        examples=("  symnet certify multiplication-gate --activation softplus --box 1 --eps 1e-6",
                  "  symnet certify multiplication-gate --activation softplus --box 0:1,5:6 --eps 1e-3",
                  "  symnet certify square-gate --activation tanh --bias 1 --box=-2:2 --eps 1e-4",
                  "One --box for all inputs ([0, 1] x [5, 6] is --box 0:1,5:6; a second --box is refused).",
                  "A value starting with '-' is fine: --box -1:1 and --box=-1:1 both work."),
        arguments=(
            *_construction_options("softplus"),
            _option("--box", required=True, metavar="BOX",
                    help="given once: " + _BOX_SYNTAX),
            _option("--eps", required=True, metavar="EPS", help="the tolerance, e.g. 1e-6"),
            _option("--scale", metavar="LAM", help="use this lam instead of searching for one"),
        )),
    _Command(
        "plot", _cmd_plot, "plot the measured error against lam with the predicted slope (or an error map)",
        description="Measure max |N_lam - target| at several scales and plot it (log-log) against the exact "
        "leading term of the series; or, with --kind map, draw N_lam - target over a 2-d box.",
        examples=("  symnet plot multiplication-gate --activation softplus -o sweep.png",
                  "  symnet plot multiplication-gate --kind map --box 1 --scale 0.1 -o map.svg"),
        arguments=(
            *_construction_options("softplus"),
            _option("--kind", choices=("sweep", "map"), default="sweep",
                    help="sweep: max error against lam, log-log (default); map: the error over a 2-d box"),
            _option("--box", metavar="BOX", help="for --kind map (once): R, LOW:HIGH, or LOW:HIGH,LOW:HIGH"),
            _option("--scale", metavar="LAM", help="for --kind map: the lam to draw"),
            _option("--scales", metavar="L1,L2,...",
                    help=f"for --kind sweep: the values of lam (default {_DEFAULT_SCALES})"),
            _option("--points", type=_positive_int, metavar="N",
                    help=f"for --kind sweep: sample points (default {_DEFAULT_POINTS})"),
            _option("-o", "--output", required=True, metavar="FILE", help="image file (.png, .pdf, .svg)"),
            _FORCE,
        )),
)


def build_parser() -> argparse.ArgumentParser:
    """The ``symnet`` argument parser, one sub-parser per entry of the command table."""
    parser = _Parser(
        prog="symnet",
        description="Exact error series, certified lower bounds and rigorous numerics for the "
        "expressivity theory of neural networks.",
        epilog="Exit status: 0 ok, 1 a check failed, 2 usage or input error, 3 not available here.",
    )
    parser.add_argument("--version", action="version", version=f"symnet {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in _COMMANDS:
        command.add_to(commands)
    return parser


_VALUE_OPTIONS = ("--box", "--bias", "--eps", "--scale", "--beta", "--expression", "--scales")


def _attach_negative_values(argv: Sequence[str]) -> list[str]:
    """``--box -1:1`` -> ``--box=-1:1``: argparse would read a value starting with '-' as an option."""
    out: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        item = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if item in _VALUE_OPTIONS and nxt is not None and len(nxt) > 1 and nxt[0] == "-" and (
                nxt[1].isdigit() or nxt[1] in ".(" or nxt[1:].startswith(("pi", "e", "log", "sqrt", "x"))):
            out.append(f"{item}={nxt}")
            i += 2
            continue
        out.append(item)
        i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default ``sys.argv[1:]``) and return the exit status.

    It never raises :class:`SystemExit`: ``--help`` and ``--version`` return 0, an argparse usage
    error (unknown command, bad option or value, missing argument) prints argparse's message on
    stderr and returns 2; the console script and ``python -m symnet`` pass the status to
    :func:`sys.exit`.

    Examples
    --------
    >>> from symnet.cli import main
    >>> main(["constructions"]) == 0  # doctest: +ELLIPSIS
    multiplication-gate ...
    True
    """
    parser = build_parser()
    try:
        args = parser.parse_args(_attach_negative_values(sys.argv[1:] if argv is None else argv))
    except SystemExit as stop:  # argparse has printed the help, the version or the usage error
        return EXIT_OK if stop.code is None else stop.code if isinstance(stop.code, int) else EXIT_USAGE
    vars(args).pop("_symnet_given", None)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except Unavailable as err:
        print(f"symnet: not available: {err}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except SymnetError as err:
        print(f"symnet: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover - interactive
        print("symnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. symnet derive ... | head
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
