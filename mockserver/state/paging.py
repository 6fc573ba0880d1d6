"""Paging as the API's listings page: ``pageSize`` and ``pageNumber`` (from 1), and the page links.

One definition for every listing the server answers (conversations, callback conversations, the
control API's journal), so their parameters, bounds and links cannot drift apart. Nothing here
imports Flask.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from mockserver.config_parsers import ascii_int
from mockserver.state.errors import ApiError

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100  # a journal page of 1 MiB bodies is then at most ~100 MiB
MAX_PAGE_NUMBER = 2**31 - 1  # the API's int32
# The parameters' JSON Schemas, for the OpenAPI document: what parameter() enforces.
PAGE_SIZE_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
PAGE_NUMBER_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_NUMBER}


def page_size(args: Mapping[str, str]) -> int:
    """The request's ``pageSize``: 1 to 100, 25 if absent."""
    return _parameter(args, "pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def page_number(args: Mapping[str, str]) -> int:
    """The request's ``pageNumber``: from 1 (an int32), 1 if absent."""
    return _parameter(args, "pageNumber", 1, MAX_PAGE_NUMBER)


def _parameter(args: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    """The query parameter ``name`` as an integer from 1 to ``maximum``; ``default`` if absent."""
    text = args.get(name)
    if text is None:
        return default
    value = ascii_int(text)
    if value is None or not 1 <= value <= maximum:
        raise ApiError.invalid(
            "invalid.value",
            f"$.{name}",
            f"{name} must be an integer of at least 1 and at most {maximum}; got {text!r}.",
        )
    return value


def page_count(total: int, page_size: int) -> int:
    """How many pages ``total`` items fill; an empty listing still has one."""
    return max(1, math.ceil(total / page_size))


def links(uri: str, *, page_size: int, page_number: int, total: int) -> dict[str, Any]:
    """A listing's paging fields (snake_case): the sizes, the count and the page links.

    An empty listing still has one page; ``next_uri`` and ``previous_uri`` are None at the edges.
    """
    count = page_count(total, page_size)

    def at(number: int) -> str:
        return f"{uri}?pageSize={page_size}&pageNumber={number}"

    return {
        "page_size": page_size,
        "page_number": page_number,
        "total": total,
        "page_count": count,
        "first_uri": at(1),
        "self_uri": at(page_number),
        "last_uri": at(count),
        "next_uri": at(page_number + 1) if page_number < count else None,
        "previous_uri": at(page_number - 1) if page_number > 1 else None,
    }
