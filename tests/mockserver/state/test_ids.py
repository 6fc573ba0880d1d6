"""Fresh ids: UUID version 4 text, never repeated in a forked child nor after ``random.seed``."""

from __future__ import annotations

import os
import random
import uuid

from mockserver.state.ids import new_uuid


def test_an_id_is_a_version_4_uuid_as_uuid4_writes_it() -> None:
    made = [new_uuid() for _ in range(1000)]
    assert len(set(made)) == 1000
    for text in made:
        parsed = uuid.UUID(text)
        assert (str(parsed), parsed.version, parsed.variant) == (text, 4, uuid.RFC_4122)


def test_a_forked_child_makes_ids_of_its_own() -> None:
    """serve forks its workers: without a new seed each child would name what the parent names next."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        os.write(write, new_uuid().encode())
        os._exit(0)
    os.close(write)
    _, status = os.waitpid(child, 0)
    theirs = os.read(read, 64).decode()
    os.close(read)
    assert os.waitstatus_to_exitcode(status) == 0
    assert uuid.UUID(theirs).version == 4
    assert theirs != new_uuid()


def test_seeding_the_shared_generator_repeats_no_id() -> None:
    """Hypothesis seeds ``random`` for each example: ids come from a generator of their own."""
    random.seed(7)
    first = new_uuid()
    random.seed(7)
    assert new_uuid() != first
