"""The lifecycle's waker: a thread that runs each due step at its due time, whether or not any
request arrives, so what a step changes is pushed to the notification sockets at once.

It sleeps until the engine's next step falls due (``Engine.due_at``, in real time; for ever under
a frozen clock, where only a move of the clock makes steps due, and the move runs them), and is
woken early when a step is planned sooner or the clock moves (``Engine.woken``), or, with a store
several processes share, when another process says so (``Engine.listen``). It then runs the due
steps a chunk at a time, so the requests in between are answered. Every process that serves the
state runs one; with a shared store the schedule's fenced pop gives each step to one of them.
Nothing here imports Flask.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

from mockserver.state.engine import Engine
from mockserver.state.lifecycle import StepError
from mockserver.store.errors import StoreError

_log = logging.getLogger(__name__)
RETRY_SECONDS = 0.5  # after a store that failed (an outage): the next try


class Waker:
    """Runs ``engine``'s due steps on a daemon thread of its own, from ``start`` to ``stop``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._stop_listening: Callable[[], None] | None = None

    def start(self) -> Waker:
        if self._thread is None:
            self._stopping = False
            self._stop_listening = self._engine.listen()
            self._thread = threading.Thread(target=self._run, name="callback-mock-waker", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop waking and wait for the thread (and the listening one) to end."""
        thread, stop_listening = self._thread, self._stop_listening
        self._thread = self._stop_listening = None
        self._stopping = True
        self._engine.woken.set()
        if thread is not None:
            thread.join()
        if stop_listening is not None:
            stop_listening()

    def _run(self) -> None:
        engine = self._engine
        while not self._stopping:
            engine.woken.clear()  # before reading due_at: a change after it sets it again
            delay = engine.due_at - time.time()
            if delay > 0:
                engine.woken.wait(None if delay == math.inf else delay)
                continue
            try:
                engine.run_chunk()
            except StoreError as error:  # an outage: each request answers 503 meanwhile
                _log.warning("the lifecycle's waker could not run due steps (%s); retrying", error)
                time.sleep(RETRY_SECONDS)
            except StepError:  # a step that no longer fits a conversation a test rewrote: it is dropped
                _log.exception("the lifecycle's waker dropped a step that did not fit")
