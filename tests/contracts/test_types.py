"""``unwrap_optional`` and the linecache registration of the strict decoder's generated code."""

from __future__ import annotations

import linecache
from typing import Any, Optional, Union

import pytest

import contracts
from contracts import unwrap_optional
from contracts._codegen import _register_source
from contracts._converter import converter


@pytest.mark.parametrize(
    ("annotation", "unwrapped"),
    [
        (int | None, int),
        (None | int, int),
        (Optional[int], int),  # noqa: UP045 - typing.Union, another type than X | None before 3.14
        (Union[None, str], str),  # noqa: UP007
        (tuple[str, ...] | None, tuple[str, ...]),
        (dict[str, str] | None, dict[str, str]),
        (contracts.Segment | None, contracts.Segment),
        (int, int),
        (tuple[str, ...], tuple[str, ...]),
        (dict[str, str], dict[str, str]),
        (int | str, int | str),
        (int | str | None, int | str | None),  # not one type or None: left as it is
    ],
)
def test_unwrap_optional_gives_the_type_inside_x_or_none(annotation: Any, unwrapped: Any) -> None:
    assert unwrap_optional(annotation) == unwrapped


def test_generated_code_is_registered_for_tracebacks() -> None:
    converter(strict=True, detailed=False).get_structure_hook(contracts.Segment)
    name = "<contracts generated strict structure contracts.models.Segment>"
    assert linecache.getline(name, 1).startswith("def structure_Segment(o, _=None):")


def test_other_lines_under_a_taken_name_get_the_next_free_one() -> None:
    class Local:
        pass

    first = _register_source(Local, "test", ["a = 1\n"])
    assert _register_source(Local, "test", ["a = 1\n"]) == first  # the same lines: the same name
    second = _register_source(Local, "test", ["a = 2\n"])
    assert second == first[:-1] + "-2>"
    assert linecache.getline(first, 1) == "a = 1\n"
    assert linecache.getline(second, 1) == "a = 2\n"
