"""Run every proofs/ script and summarise: the README's main job.

Each script prints its verdict table; this runner prints them in turn and a final summary, and
exits non-zero if any script failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    return sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_") and p.name != "run_all.py")


def main() -> int:
    failures = []
    for path in scripts():
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=HERE)
        took = time.perf_counter() - start
        print(proc.stdout.rstrip())
        if proc.returncode != 0:
            failures.append(path.name)
            print(proc.stderr.rstrip(), file=sys.stderr)
        print(f"   [{path.name}: {'ok' if proc.returncode == 0 else 'FAILED'} in {took:.1f} s]\n")
    total = len(scripts())
    print(f"{total - len(failures)} of {total} proof scripts verified" + (f"; failed: {', '.join(failures)}"
                                                                      if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
