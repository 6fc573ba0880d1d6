"""Path patterns, as the journal's filters, verifications and faults take them.

``{name}`` or ``*`` stands for one path segment's text, ``**`` for anything; the rest is literal.
"""

from __future__ import annotations

import re
from functools import lru_cache

PATH_PATTERN = "^[/*]"  # what a path pattern starts with (JSON Schema, for the document)


@lru_cache(maxsize=256)
def path_regex(pattern: str) -> re.Pattern[str]:
    """``compile_path``, cached: for the journal's filters, a pattern read once per request."""
    return compile_path(pattern)


def compile_path(pattern: str) -> re.Pattern[str]:
    """The compiled regex that matches exactly the paths ``pattern`` stands for."""
    parts = re.split(r"(\*\*|\*|\{[^}/]*\})", pattern)
    wildcards = {"**": ".*", "*": "[^/]*"}
    regex = "".join(
        wildcards.get(part, "[^/]+" if part.startswith("{") else re.escape(part)) for part in parts
    )
    return re.compile(regex + r"\Z")


def path_error(pattern: str) -> str | None:
    """Why ``pattern`` is no path pattern, or None if it is one."""
    if not re.match(PATH_PATTERN, pattern):
        return "a path pattern starts with / (or a wildcard)"
    return None
