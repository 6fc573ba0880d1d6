"""Fresh random ids (UUID version 4 text), made without a system call.

``str(uuid.uuid4())`` reads 16 bytes from the kernel (``os.urandom``) and builds a ``UUID`` on the
way: ~2 us alone, ~7 us a step in the engine's loop, where a 24 h advance names ~300 notifications
(benchmarks/README.md, bench_waking (c)). These ids identify; they guard nothing, so a generator of
this module's own, seeded from the kernel when the process starts and again in every forked child
(serve's workers), gives the same 122 random bits from memory. Its own, not ``random``'s: a test that
seeds the shared one (Hypothesis does, each example) would get the same ids again.
"""

from __future__ import annotations

import os
import random

# The version (4) and variant (RFC 4122) bits of a random UUID, as uuid.uuid4() sets them.
_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (0x4000 << 64) | (0x8000 << 48)
_RANDOM = random.Random()
os.register_at_fork(after_in_child=_RANDOM.seed)


def new_uuid() -> str:
    """A fresh id, as ``str(uuid.uuid4())`` writes one."""
    digits = f"{_RANDOM.getrandbits(128) & _CLEAR | _SET:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
