"""``drift --routes``' report: the known differences a file lists, and what is left to report.

A list of known differences (``tests/contracts/route_differences.txt`` is the project's) holds one
difference a line, ``where | kind | item | reason``, with ``*`` as a wildcard: a difference it
matches is known; a line that matches nothing is stale, the difference it explained gone.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import orjson
from flask import Flask

from mockserver.cli.routes import (
    Difference,
    RouteDescriptionError,
    compare_routes,
    description_operations,
    served_operations,
)

# -- known differences -----------------------------------------------------------------------------


@attrs.frozen
class Known:
    """A known difference: a key (``where | kind | item``, ``*`` as a wildcard) and why it stays."""

    pattern: str
    reason: str
    line: int


def read_known(path: Path) -> list[Known]:
    """The known differences of ``path``: ``where | kind | item | reason`` a line; ``#`` starts a comment."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RouteDescriptionError(f"{path}: cannot read the known differences: {exc}") from exc
    known: list[Known] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [part.strip() for part in line.split(" | ")]
        if len(parts) != 4 or not parts[3]:
            raise RouteDescriptionError(
                f"{path}:{number}: expected 'where | kind | item | reason', got {line.strip()!r}"
            )
        known.append(Known(" | ".join(parts[:3]), parts[3], number))
    return known


def partition(
    differences: Iterable[Difference], known: Iterable[Known]
) -> tuple[list[Difference], list[tuple[Difference, Known]], list[Known]]:
    """The differences nobody listed, those listed (with their line), and the lines nothing matches (stale)."""
    known = list(known)
    used: set[int] = set()
    unlisted: list[Difference] = []
    listed: list[tuple[Difference, Known]] = []
    for difference in differences:
        match = next((k for k in known if fnmatch.fnmatchcase(difference.key, k.pattern)), None)
        if match is None:
            unlisted.append(difference)
        else:
            used.add(match.line)
            listed.append((difference, match))
    return unlisted, listed, [k for k in known if k.line not in used]


# -- the report ------------------------------------------------------------------------------------


def route_report(app: Flask, spec: Path, *, known_path: Path | None) -> dict[str, Any]:
    """The comparison of ``app``'s routes with the description at ``spec``, as ``drift --routes --json`` prints it."""
    try:
        description = orjson.loads(spec.read_bytes())
    except (OSError, ValueError) as exc:
        raise RouteDescriptionError(f"{spec}: cannot read a Swagger 2.0 description: {exc}") from exc
    described = description_operations(description, source=str(spec))
    served = served_operations(app)
    known = read_known(known_path) if known_path is not None else []
    unlisted, listed, stale = partition(compare_routes(served, described), known)
    return {
        "source": str(spec),
        "operations": [op.name for op in served],
        "drift": bool(unlisted or stale),
        "differences": [_difference(d) for d in unlisted],
        "known": [{**_difference(d), "reason": k.reason} for d, k in listed],
        "stale": [{"line": k.line, "pattern": k.pattern, "reason": k.reason} for k in stale],
    }


def _difference(difference: Difference) -> dict[str, str]:
    return {"where": difference.where, "kind": difference.kind.value, "item": difference.item}


def render(report: dict[str, Any], known_path: Path | None) -> str:
    """The report for people: each unlisted difference as the line that would list it."""
    source, count = report["source"], len(report["operations"])
    known = f" ({len(report['known'])} known, listed in {known_path})" if known_path is not None else ""
    if not report["drift"]:
        return f"No route drift: the mock's {count} operations match {source}{known}."
    lines = [
        f"Route drift: {len(report['differences'])} differences between the mock's {count} operations and {source}{known}."
    ]
    lines += [f"  {d['where']} | {d['kind']} | {d['item']}" for d in report["differences"]]
    if report["stale"]:
        lines.append(f"Listed in {known_path} but no longer different (remove the lines):")
        lines += [f"  line {k['line']}: {k['pattern']}" for k in report["stale"]]
    return "\n".join(lines)
