"""Tables for the terminal and the sections of ``docs/benchmarks.md``.

Each benchmark module owns one section of the file, between ``<!-- bench:<module> -->`` and
``<!-- /bench:<module> -->``; ``--write`` replaces only the sections of the modules that ran and
leaves everything else (other sections, hand-written notes) as it is.
"""

import os
import platform
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import django
from django.db import connection

from bench.core import Row

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"

HEADER = """# Benchmarks

Speed is measured here, not in timed tests. `make bench` (`python -m bench`, see `bench/`) runs every
benchmark; `python -m bench areas` one module, `--sizes 10000,100000` other sizes, `--quick` fewer
repetitions, `--profile` a cProfile of each endpoint, `--write` records the figures below. On a machine
shared with other work, `--nice -10` (as root) times the benchmark process and its database backend at a
higher priority, and `--wait-idle 0.5` waits for idle CPUs before each round; the tables give the share of
the CPUs busy elsewhere, and CPU times (this process plus its database backend) beside the wall clock.

Each figure is a ratio against a floor measured in the same run on the same data — usually the bare SQL
statement the endpoint runs — so that the ratios mean something across machines; the absolute times
are for orientation. The benchmarks use their own database (`<name>_bench`), filled by the
generators in `bench/synth.py`. Each section below is written by its module; notes outside the marked
sections are kept.
"""


def _fmt_ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else "yes" if ok else "**no**"


def scaling(rows: Sequence[Row]) -> list[dict]:
    """Per benchmark with a scaling target: endpoint (and floor) time at the largest N over the smallest."""
    by_name: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.scaling_target is not None:
            by_name[row.name].append(row)
    result = []
    for name, group in by_name.items():
        if len(group) < 2:
            continue
        small = min(group, key=lambda r: r.n)
        large = max(group, key=lambda r: r.n)
        ratio = large.endpoint_ms / small.endpoint_ms
        result.append(
            {
                "name": name,
                "small": small,
                "large": large,
                "ratio": ratio,
                "floor_ratio": large.floor_ms / small.floor_ms,
                "target": large.scaling_target,
                "met": ratio <= large.scaling_target,
            }
        )
    return result


def markdown_tables(rows: Sequence[Row]) -> str:
    lines = [
        "| benchmark | N | endpoint ms | floor ms | ratio | target | met | CPU ms endpoint / floor "
        "| CPU ratio | p90 ms endpoint / floor | CPUs busy elsewhere | floor | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        target = "–" if row.target is None else f"≤ {row.target:g}×"
        cpu_ratio = "–" if row.cpu_ratio is None else f"{row.cpu_ratio:.2f}×"
        lines.append(
            f"| {row.name} | {row.n:,} | {_fmt_ms(row.endpoint_ms)} | {_fmt_ms(row.floor_ms)} "
            f"| {row.ratio:.2f}× | {target} | {_verdict(row.met)} "
            f"| {_fmt_ms(row.endpoint_cpu_ms)} / {_fmt_ms(row.floor_cpu_ms)} | {cpu_ratio} "
            f"| {_fmt_ms(row.endpoint_p90_ms)} / {_fmt_ms(row.floor_p90_ms)} "
            f"| {'–' if row.busy is None else f'{row.busy:.0%}'} | {row.floor} | {row.note} |"
        )
    scaled = scaling(rows)
    if scaled:
        lines += [
            "",
            "Scaling: time at the largest N over time at the smallest (the index works when it stays low).",
            "",
            "| benchmark | N | endpoint ms | endpoint ratio | floor ratio | target | met |",
            "| --- | --- | --- | ---: | ---: | ---: | --- |",
        ]
        for s in scaled:
            small, large = s["small"], s["large"]
            lines.append(
                f"| {s['name']} | {small.n:,} → {large.n:,} "
                f"| {_fmt_ms(small.endpoint_ms)} → {_fmt_ms(large.endpoint_ms)} "
                f"| {s['ratio']:.2f}× | {s['floor_ratio']:.2f}× | ≤ {s['target']:g}× | {_verdict(s['met'])} |"
            )
    return "\n".join(lines)


def terminal_table(rows: Sequence[Row]) -> str:
    head = f"{'benchmark':<28} {'N':>9} {'endpoint ms':>12} {'floor ms':>10} {'ratio':>7} {'target':>7}"
    head += "  met  CPU ratio  busy"
    lines = [head, "-" * len(head)]
    for row in rows:
        target = "" if row.target is None else f"{row.target:g}×"
        met = {None: "", True: "yes", False: "NO"}[row.met]
        busy = "" if row.busy is None else f"{row.busy:.0%}"
        cpu = "" if row.cpu_ratio is None else f"{row.cpu_ratio:.2f}×"
        lines.append(
            f"{row.name:<28} {row.n:>9,} {row.endpoint_ms:>12.3f} {row.floor_ms:>10.3f} "
            f"{row.ratio:>6.2f}× {target:>7}  {met:<3}  {cpu:>9}  {busy:>4}  {row.note}"
        )
    for s in scaling(rows):
        met = "yes" if s["met"] else "NO"
        lines.append(
            f"{s['name'] + ' scaling':<28} {s['large'].n:>9,} {s['ratio']:>11.2f}× "
            f"(floor {s['floor_ratio']:.2f}×) vs N={s['small'].n:,}, target {s['target']:g}×  {met}"
        )
    return "\n".join(lines)


def machine() -> dict[str, str]:
    """Where the figures were measured: cores, CPU, memory, server and library versions, load."""
    info = {"cores": str(os.cpu_count())}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        info["cpu"] = model.group(1).strip() if model else platform.processor()
        meminfo = Path("/proc/meminfo").read_text()
        kib = re.search(r"^MemTotal:\s*(\d+)", meminfo, re.MULTILINE)
        info["memory"] = f"{int(kib.group(1)) / 2**20:.0f} GiB" if kib else "?"
    except OSError:
        info["cpu"] = platform.processor() or "?"
        info["memory"] = "?"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version'), postgis_lib_version(), postgis_geos_version(), "
            "postgis_proj_version()"
        )
        pg, postgis, geos, proj = cursor.fetchone()
    info["postgresql"] = pg
    info["postgis"] = f"{postgis} (GEOS {geos.split('-')[0]}, PROJ {proj.split()[0]})"
    info["python"] = platform.python_version()
    info["django"] = django.get_version()
    return info


def section(
    module: str,
    title: str,
    description: str,
    rows: Sequence[Row],
    *,
    command: str,
    date: str,
    seconds: float,
    info: dict[str, str],
    load: tuple[float, float],
    quick: bool,
    wait_idle: float | None = None,
    nice: int | None = None,
) -> str:
    samples = sorted({row.samples for row in rows})
    parts = [
        f"## {module}: {title.rstrip('.')}",
        "",
        description,
        "",
        f"- Command: `{command}` (with `DATABASE_URL` exported, as `make bench` does)",
        f"- Date: {date}; the run took {seconds:.0f} s including data generation"
        + (" — **quick run (few samples)**" if quick else ""),
        f"- Machine: {info['cores']} cores ({info['cpu']}), {info['memory']}; "
        f"PostgreSQL {info['postgresql']}, PostGIS {info['postgis']}; "
        f"Python {info['python']}, Django {info['django']}; "
        f"settings `DEBUG` off; load average {load[0]:.2f} at the start, {load[1]:.2f} at the end",
        f"- Timing: {'/'.join(str(s) for s in samples)} timed requests per side and row after warm-up, "
        "endpoint and floor alternating; medians"
        + (
            f"; before each round up to 1 min of waiting for ≤ {wait_idle:.0%} of the CPUs busy elsewhere"
            if wait_idle is not None
            else ""
        )
        + (f"; timed at nice {nice} (this process and its database backend)" if nice is not None else ""),
        "",
        markdown_tables(rows),
    ]
    return "\n".join(parts)


def write_section(module: str, content: str, path: Path = DOCS) -> None:
    """Put ``content`` between the module's markers in ``path`` (appended when the markers are missing)."""
    start, end = f"<!-- bench:{module} -->", f"<!-- /bench:{module} -->"
    text = path.read_text() if path.exists() else HEADER
    block = f"{start}\n{content.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
