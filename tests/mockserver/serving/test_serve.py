"""What ``serve`` loads where: a light supervising process, and a worker that builds the app."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest
from flask import Flask

from mockserver.serving.worker import worker_app
from mockserver.web.current import backend_of


def test_the_supervising_process_loads_neither_flask_nor_the_factories() -> None:
    """Granian forks the worker from it: what it imports, the worker's memory holds twice over."""
    script = (
        "import sys\n"
        "from mockserver.cli import main\n"
        "import mockserver.cli.serve\n"
        "import mockserver.serving.worker\n"
        "print(sorted({'flask', 'faker', 'factories', 'contracts'} & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60, check=True)
    assert done.stdout.strip() == b"[]"


def test_the_worker_app_is_configured_by_the_environment_and_leaves_the_gc_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CALLBACK_MOCK_CONVERSATIONS", "3")
    monkeypatch.setenv("CALLBACK_MOCK_TOKENS", '["a-token"]')
    try:
        bridge = worker_app()
    finally:
        gc.unfreeze()
    app = bridge.app  # Flask's app, behind Granian's RSGI interface
    assert isinstance(app, Flask)

    assert gc.isenabled()
    assert len(backend_of(app).store.entries()) == 3
    assert app.config["TOKENS"] == ("a-token",)
