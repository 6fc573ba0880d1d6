"""Every shell example of the README and the pages that talks HTTP (``curl``) works on a fresh ``serve``.

Each ``sh`` block with a ``curl`` in it runs in bash against ``serve`` on its real-time clock and a free
port (the block's ``http://127.0.0.1:8080`` pointed there, its own ``callback-contracts serve ... &``
left out), every ``curl`` checked: an answer of 400 or more fails the block, with what it said.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.serve import serving

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
ADDRESS = "http://127.0.0.1:8080"
_BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_SERVING = re.compile(r"^callback-contracts serve\b.*&\s*$", re.MULTILINE)

# Every curl of a block answers below 400, or the block stops there and says what was answered.
PRELUDE = r"""
set -euo pipefail
curl() {
    local answer status
    answer=$(command curl --show-error -w '\n%{http_code}' "$@")
    status=${answer##*$'\n'}
    answer=${answer%$'\n'*}
    printf '%s\n' "$answer"
    if [ "$status" -ge 400 ]; then
        printf 'curl %s\n  answered %s: %s\n' "$*" "$status" "$answer" >&2
        return 1
    fi
}
"""


def _examples() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        text = page.read_text()
        name = page.relative_to(ROOT).as_posix()
        for match in _BLOCK.finditer(text):
            if "curl " in match[1]:
                found.append((f"{name}:{text.count(chr(10), 0, match.start()) + 1}", match[1]))
    return found


EXAMPLES = _examples()


def test_the_readme_and_the_pages_have_http_examples() -> None:
    places = [place for place, _ in EXAMPLES]
    assert any(place.startswith("README.md:") for place in places), places
    assert len(places) >= 5, places


@pytest.mark.parametrize(("place", "block"), EXAMPLES, ids=[place for place, _ in EXAMPLES])
def test_an_http_example_works_on_a_fresh_serve(place: str, block: str, tmp_path: Path) -> None:
    with serving() as served:
        script = _SERVING.sub("", block).replace(ADDRESS, served.url)
        bin_folder = str(Path(sys.executable).parent)  # this environment's python3 and callback-contracts
        env = {**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}", "M": served.url}
        ran = subprocess.run(
            ["bash", "-c", PRELUDE + script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert ran.returncode == 0, f"{place}:\n{ran.stderr}"
