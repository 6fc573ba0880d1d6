"""Every file error of every command names the file: ``drift junk.json`` says junk.json.

The commands that read or write files are ``validate`` (its inputs), ``drift`` (a Swagger/OpenAPI
document, or an SDK copy's model files) and ``generate`` (``-o``). Each case runs in a directory
of its own, with the files it names made there, and looks for the file's name on the error line.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

import pytest
from click.testing import Result

Invoke = Callable[..., Result]


def _sdk_with(tmp_path: Path, model_file: bytes) -> None:
    """``sdk/models``: a copy of the installed SDK's callback model, with ``model_file`` as its text."""
    spec = find_spec("PureCloudPlatformClientV2")
    assert spec is not None
    assert spec.submodule_search_locations
    models = tmp_path / "sdk" / "models"
    models.mkdir(parents=True)
    shutil.copy(Path(next(iter(spec.submodule_search_locations))) / "models" / "callback.py", models)
    (models / "callback.py").write_bytes(model_file)


FILES: dict[str, bytes | None] = {
    "junk.json": b"{",
    "latin.json": b"\xff\xfe{",
    "list.json": b"[]",
    "adir": None,  # a directory
}

CASES = [
    (["drift", "junk.json"], 2, "error: junk.json: unexpected end of data: line 1 column 2 (char 1)"),
    (["drift", "latin.json"], 2, "error: latin.json: str is not valid UTF-8"),
    (
        ["drift", "list.json"],
        2,
        "error: list.json: not a Swagger or OpenAPI document: the top level is not an object",
    ),
    (["drift", "missing.json"], 2, "File 'missing.json' does not exist."),
    (["drift", "adir"], 2, "File 'adir' is a directory."),
    (["drift", "--sdk-path", "adir"], 2, "adir is not a PureCloudPlatformClientV2 package"),
    (
        ["drift", "--sdk-path", "sdk", "broken syntax"],
        2,
        "error: sdk/models/callback.py: not a readable SDK model file: invalid syntax (line 1)",
    ),
    (
        ["drift", "--sdk-path", "sdk", "not UTF-8"],
        2,
        "error: sdk/models/callback.py: not a readable SDK model file: 'utf-8' codec can't decode byte 0xff",
    ),
    (["validate", "missing.json"], 2, "error: cannot read missing.json: No such file or directory"),
    (["validate", "adir"], 2, "error: cannot read adir: Is a directory"),
    (["validate", "junk.json"], 1, "junk.json:1: $: expected JSON text, got unexpected end of data"),
    (["generate", "--model", "Callback", "-o", "nodir/x.json"], 2, "cannot write nodir/x.json: No such file"),
    (["generate", "--model", "Callback", "-o", "adir"], 2, "File 'adir' is a directory."),
]
SDK_FILES = {"broken syntax": b"def (:\n", "not UTF-8": b"\xff\xfe = 1\n"}


@pytest.mark.parametrize(("args", "status", "message"), CASES, ids=[" ".join(args) for args, _, _ in CASES])
def test_every_file_error_names_the_file(
    invoke: Invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    status: int,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, content in FILES.items():
        if content is None:
            (tmp_path / name).mkdir()
        else:
            (tmp_path / name).write_bytes(content)
    if args[-1] in SDK_FILES:
        _sdk_with(tmp_path, SDK_FILES[args.pop()])
    result = invoke(*args)
    assert result.exit_code == status
    assert message in result.stdout + result.stderr, result.stdout + result.stderr
