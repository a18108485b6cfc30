"""Shared scaffolding for the proofs/ scripts: a verdict table and the command line.

Each script checks claims of MATH.md (the mathematics reference, docs/math.md in the repository;
"MATH.md sec. N" is its section N) by at least two independent routes. A row's verdict says
what symnet concluded about the *source's* claim (``verified``, ``refuted``, ``corrected``);
``ok`` says whether symnet's own independent routes agreed. The script exits non-zero when any
row is not ok, i.e. when symnet could not confirm its own conclusion.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

VERDICTS = ("verified", "refuted", "corrected")


@dataclass
class Row:
    claim: str
    source: str
    verdict: str
    ok: bool
    detail: str = ""


class Report:
    """Collects verdict rows and prints them as a table."""

    def __init__(self, title: str):
        self.title = title
        self.rows: list[Row] = []

    def add(self, claim: str, source: str, verdict: str, ok: bool, detail: str = "") -> None:
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {verdict!r}")
        self.rows.append(Row(claim, source, verdict, bool(ok), detail))

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(r.ok for r in self.rows)

    def latex(self) -> str:
        """The verdict table as a standalone LaTeX document (for scripts without a derivation).

        Deterministic: the same rows give the same bytes (no dates, no timings).
        """
        from symnet.derivations._latex import PREAMBLE, prose

        rows = []
        for r in self.rows:
            detail = f"\\newline {{\\footnotesize {prose(r.detail)}}}" if r.detail else ""
            rows.append(f"{prose(r.claim)}{detail} & {prose(r.source)} & {r.verdict} & "
                        f"{'yes' if r.ok else 'NO'} \\\\ \\hline")
        body = [
            PREAMBLE.rstrip(),
            "\\usepackage{longtable}",
            "\\begin{document}",
            f"\\section*{{{prose(self.title)}}}",
            "Each claim was checked by at least two independent routes; \\emph{verdict} is symnet's "
            "conclusion about the source's claim, \\emph{routes agree} whether symnet's own routes agreed.",
            "\\begin{longtable}{|p{0.52\\textwidth}|p{0.2\\textwidth}|l|l|}",
            "\\hline claim & source & verdict & routes agree \\\\ \\hline \\endhead",
            *rows,
            "\\end{longtable}",
            "\\end{document}",
        ]
        return "\n".join(body) + "\n"

    def table(self) -> str:
        head = ("claim", "source", "verdict", "routes agree")
        body = [(r.claim, r.source, r.verdict, "yes" if r.ok else "NO") for r in self.rows]
        widths = [max(len(str(row[i])) for row in [head, *body]) for i in range(4)]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        lines = [f"== {self.title} ==", fmt.format(*head), fmt.format(*("-" * w for w in widths))]
        lines += [fmt.format(*row) for row in body]
        lines += [f"   note: {r.claim}: {r.detail}" for r in self.rows if r.detail]
        return "\n".join(lines)


def main(title: str, run: Callable[[Report], None], latex: Callable[[], str] | None = None,
         argv: list[str] | None = None) -> int:
    """Run the checks, print the table, optionally write LaTeX / JSON; return the exit status.

    ``--latex FILE`` writes the derivation (a standalone LaTeX document), ``--json FILE`` the
    verdict table (read by ``docs/build.py`` to generate docs/theorems.md). Files are written
    atomically and an existing file is replaced only with ``--force``.
    """
    parser = argparse.ArgumentParser(description=title)
    parser.add_argument("--latex", metavar="FILE", help="write the derivation as a LaTeX document")
    parser.add_argument("--json", metavar="FILE", help="write the verdict table as JSON")
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    args = parser.parse_args(argv)
    for name in (args.latex, args.json):
        if name and Path(name).exists() and not args.force:
            print(f"{name} exists; pass --force to overwrite", file=sys.stderr)
            return 2
    report = Report(title)
    run(report)
    print(report.table())
    from symnet.derivations import write_text_atomic
    from symnet.errors import SymnetError

    try:
        if args.latex:
            write_text_atomic(args.latex, latex() if latex is not None else report.latex(), force=args.force)
        if args.json:
            rows = [{"claim": r.claim, "source": r.source, "verdict": r.verdict, "ok": r.ok, "detail": r.detail}
                    for r in report.rows]
            text = json.dumps({"title": title, "ok": report.ok, "rows": rows}, indent=2, ensure_ascii=False)
            write_text_atomic(args.json, text + "\n", force=args.force)
    except SymnetError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0 if report.ok else 1
