"""Phone numbers as the API writes them: E.164."""

from __future__ import annotations

import re

# A "+", a country code that does not start with 0, and at most 15 digits in all.
E164 = re.compile(r"\+[1-9]\d{1,14}")
