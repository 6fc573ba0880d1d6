"""Phone numbers as the API writes them: E.164."""

from __future__ import annotations

import re

# A "+", a country code that does not start with 0, and at most 15 ASCII digits in all.
E164 = re.compile(r"\+[1-9][0-9]{1,14}")
# The same, anchored for any JSON Schema engine: "(?!\n)" because a Python "$" also matches
# before a final newline. The schema keyword of every field that holds a number.
E164_PATTERN = rf"^(?:{E164.pattern})$(?!\n)"
