"""The ``symnet`` command line.

User errors (bad names, malformed formulas, failed checks) print one line on stderr and exit
with status 2 (usage) or 1 (a check failed); there is no traceback for them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from symnet import __version__
from symnet.errors import SymnetError

__all__ = ["main", "build_parser"]


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
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symnet",
        description="Exact error series, certified lower bounds and rigorous numerics for the "
        "expressivity theory of neural networks.",
    )
    parser.add_argument("--version", action="version", version=f"symnet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("activations", help="list the catalogue of activations")
    p.set_defaults(func=_cmd_activations)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except SymnetError as err:
        print(f"symnet: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
