"""`make bench`: run every benchmark script in bench/ (or the ones named), one process each.

    .venv/bin/python bench/run.py                    # all of them
    .venv/bin/python bench/run.py finance_received   # one

A script is any bench/*.py other than this one and names starting with "_"; it prints its own
figures and exits non-zero on failure. Set BENCH_POSTGRES_URL to have scripts that support it
run against PostgreSQL as well.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts(names: list[str]) -> list[Path]:
    found = sorted(p for p in HERE.glob("*.py") if p.name != "run.py" and not p.name.startswith("_"))
    if not names:
        return found
    wanted = {n.removesuffix(".py") for n in names}
    unknown = wanted - {p.stem for p in found}
    if unknown:
        raise SystemExit(f"unknown bench: {', '.join(sorted(unknown))}; known: {', '.join(p.stem for p in found)}")
    return [p for p in found if p.stem in wanted]


def main() -> int:
    failed = []
    for script in scripts(sys.argv[1:]):
        print(f"== {script.stem} ==", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(
            f"== {script.stem}: {'ok' if code == 0 else f'exit {code}'} in {time.perf_counter() - started:.0f} s ==", flush=True
        )
        if code:
            failed.append(script.stem)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
