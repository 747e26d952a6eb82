"""``python -m bench [names...] [--sizes 10000,100000] [--quick] [--profile] [--write]``

Names are modules (``areas``) or single benchmarks (``areas.locate``); none means all. The run uses
the benchmark database (``bench.database``), prints a table and, with ``--write``, updates the
modules' sections of ``docs/benchmarks.md``.
"""

import argparse
import importlib
import os
import pkgutil
import shlex
import sys
import time
from collections import defaultdict
from datetime import datetime

from bench import database


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        factor = 1_000 if part.endswith("k") else 1
        try:
            sizes.append(int(float(part.rstrip("k")) * factor))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a size: {part!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive integers, e.g. 10000,100000 or 10k,100k")
    return sizes


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("names", nargs="*", help="modules (areas) or benchmarks (areas.locate); default all")
    parser.add_argument("--sizes", type=parse_sizes, help="instead of each benchmark's own, e.g. 10k,100k")
    parser.add_argument("--quick", action="store_true", help="fewer samples and rounds (a smoke run)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each endpoint")
    parser.add_argument("--write", action="store_true", help="record the figures in docs/benchmarks.md")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--wait-idle",
        type=float,
        metavar="SHARE",
        help="before each round, wait (≤ 1 min, ≤ 10 min per run) until at most SHARE (0–1) of the CPUs "
        "is busy elsewhere",
    )
    parser.add_argument(
        "--nice",
        type=int,
        metavar="LEVEL",
        help="time at this nice level (e.g. -10; needs root), this process and its database backend",
    )
    parser.add_argument("--strict", action="store_true", help="exit with 1 when a target is missed")
    return parser.parse_args(argv)


def discover(names: list[str]) -> list[str]:
    """Import the package's modules; the ``@benchmark`` decorators fill the registry. A module that fails
    to import stops the run when it was asked for by name, else it is reported and skipped."""
    import bench

    asked = {name.split(".", 1)[0] for name in names}
    broken = []
    for module in pkgutil.iter_modules(bench.__path__):
        if module.name == "__main__":
            continue
        try:
            importlib.import_module(f"bench.{module.name}")
        except Exception as error:
            if module.name in asked:
                raise
            print(f"SKIPPED bench.{module.name}: it does not import ({error!r})", file=sys.stderr)
            broken.append(module.name)
    return broken


def select(names: list[str]):
    from bench.core import REGISTRY

    if not names:
        return list(REGISTRY.values())
    chosen = []
    for name in names:
        matches = [b for b in REGISTRY.values() if name in (b.module, b.id)]
        if not matches:
            known = sorted({b.module for b in REGISTRY.values()} | set(REGISTRY))
            raise SystemExit(f"unknown benchmark {name!r}; known: {', '.join(known)}")
        chosen += [b for b in matches if b not in chosen]
    return chosen


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    started_run = time.perf_counter()
    name = database.setup(migrate=not args.list, lock=not args.list)
    broken = discover(args.names)
    from bench import report
    from bench.core import Context

    selected = select(args.names)
    if args.list:
        for item in selected:
            print(f"{item.id:<28} sizes {','.join(map(str, item.sizes)):<16} {item.doc.splitlines()[0]}")
        return 0

    print(f"benchmark database {name}; {len(selected)} benchmark(s)", file=sys.stderr)
    ctx = Context(quick=args.quick, profile=args.profile, wait_idle=args.wait_idle, nice=args.nice)
    by_module = defaultdict(list)
    for item in selected:
        by_module[item.module].append(item)

    all_rows = []
    info = report.machine()
    for module_name, items in by_module.items():
        module = importlib.import_module(f"bench.{module_name}")
        load_start = os.getloadavg()[0]
        started = time.perf_counter()
        sizes = args.sizes or sorted({n for item in items for n in item.sizes})
        sizes = getattr(module, "order_sizes", sorted)(list(sizes))
        rows = []
        for n in sizes:
            for item in items:
                if args.sizes or n in item.sizes:
                    print(f"{item.id} N={n:,} …", file=sys.stderr, flush=True)
                    for row in item.fn(ctx, n):
                        rows.append(row)
                        line = f"{row.endpoint_ms:.3f} ms vs {row.floor_ms:.3f} ms → {row.ratio:.2f}×"
                        print(f"  {row.name}: {line}", file=sys.stderr, flush=True)
        seconds = time.perf_counter() - started
        rows.sort(key=lambda r: (r.name, r.n))
        all_rows += rows
        if args.write:
            title, _, description = (module.__doc__ or module_name).strip().partition("\n\n")
            command = "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:])
            report.write_section(
                module_name,
                report.section(
                    module_name,
                    title.strip(),
                    " ".join(description.split()),
                    rows,
                    command=command,
                    date=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
                    seconds=seconds,
                    info=info,
                    load=(load_start, os.getloadavg()[0]),
                    quick=args.quick,
                    wait_idle=args.wait_idle,
                    nice=ctx.nice,
                ),
            )
    print()
    print(report.terminal_table(all_rows))
    print(f"\n{time.perf_counter() - started_run:.0f} s in all", file=sys.stderr)
    if args.write:
        print(f"written to {report.DOCS}", file=sys.stderr)
    for text in ctx.profiles:
        print("\n" + text)
    missed = [row for row in all_rows if row.met is False] + [
        s for s in report.scaling(all_rows) if not s["met"]
    ]
    if broken:
        print(f"\nnot run, because they do not import: {', '.join(broken)}", file=sys.stderr)
    return 1 if broken or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
