"""bench/RESULTS.md: the machine, the method, then one table per database and size."""

from __future__ import annotations

from results import Section
from servers import WRK_CONNECTIONS, WRK_ROUNDS, WRK_THREADS, WRK_TIMEOUT


def _met(value: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "–"}[value]


def _header(machine_info: list[tuple[str, str]], argv: str) -> list[str]:
    """The title, the machine table and the method paragraph."""
    return [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run.py`); every run overwrites this file. "
        "Each figure was measured in the same run as its reference.",
        "",
        "| | |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in machine_info),
        f"| options | `{argv or '(defaults)'}` |",
        "",
        "Method: data from `flask --app tracker synth --meetings N --seed 1` (then "
        "`meetings reindex` for the search documents). Feeds, pages, API and search go "
        "through the in-process test client (p50/p95 over the stated number of requests "
        "after 3 warm-ups; SQL statements counted with `before_cursor_execute`, the "
        "highest of the series). Throughput and the load run use wrk "
        f"({WRK_THREADS} threads, {WRK_CONNECTIONS} connections, timeout {WRK_TIMEOUT}) "
        "against gunicorn with 4 sync workers on 127.0.0.1, on the same machine (304 and "
        f"static file: {WRK_ROUNDS} alternating rounds each, the best of each); "
        "the login rate limiter is off because all load comes from one address. "
        "Memory is the growth of the peak resident set (VmHWM) of a fresh process "
        "streaming the feed.",
        "",
    ]


def _section(section: Section) -> list[str]:
    """One database at one size: its context list and its table (or why it was skipped)."""
    name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[section.backend]
    out = [f"## {name}, {section.size:,} meetings", ""]
    if section.skipped:
        return [*out, f"Skipped: {section.skipped}", ""]
    out += [f"- {line}" for line in section.context]
    out += [
        "",
        "| figure | measured | reference | ratio | target | result |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in section.rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        result = _met(row.met) + (f" ({row.note})" if row.note else "")
        out.append(
            f"| {row.figure} | {row.measured} | {row.reference} | {ratio} | "
            f"{row.target} | {result} |"
        )
    out.append("")
    return out


def render(machine_info: list[tuple[str, str]], sections: list[Section], argv: str) -> str:
    """RESULTS.md: machine, then one table per database and size."""
    out = _header(machine_info, argv)
    for section in sections:
        out += _section(section)
    return "\n".join(out)
