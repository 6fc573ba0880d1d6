"""What the background senders share: a queue and the daemon thread that works through it, and the opener they POST with.

Both senders (the event sink's, ``notifications.event_sink``, and the workflows', ``workflow_sender``)
POST to URLs a test gives, with no lock held, each with its own retry policy. A ``Courier`` is their
thread's life: started by the first item put, it hands each item to the sender; an item whose
handling raises (a URL it cannot open, a store that went away) is logged and the next one handled,
so the thread never dies with items left. It ends when ``close`` asks (what waits then is dropped,
and ``close`` never waits more than ``CLOSE_WAIT_SECONDS``), or, given ``idle_seconds``, when nothing
came for that long and ``on_idle`` says nothing more is coming; the next item starts another.
Nothing here imports Flask.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import urllib.request
from collections.abc import Callable
from typing import Generic, TypeVar

# No proxy from the environment: the URL is the test's own service, most often on this machine.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
CLOSE_WAIT_SECONDS = 0.5  # real time: how long ``close`` waits for an attempt in flight

logger = logging.getLogger(__name__)
Item = TypeVar("Item")
_WAKE = object()  # put by ``close``: the thread looks at its stop flag


class Courier(Generic[Item]):
    """A queue (``limit`` items at most, 0: unbounded) and the thread that hands each to ``handle``.

    ``handle(item, stop)`` is given the thread's stop flag, set by ``close``: a pause between
    attempts waits on it. ``on_idle`` (with ``idle_seconds``) is asked when nothing came for that
    long: True keeps the thread looking, False lets it end.
    """

    def __init__(
        self,
        name: str,
        handle: Callable[[Item, threading.Event], None],
        *,
        limit: int = 0,
        idle_seconds: float | None = None,
        on_idle: Callable[[], bool] | None = None,
    ) -> None:
        self._name = name
        self._handle = handle
        self._idle_seconds = idle_seconds
        self._on_idle = on_idle
        self._queue: queue.Queue[Item | object] = queue.Queue(limit)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._idle_failing = False  # an ``on_idle`` failure is logged once until it succeeds again

    @property
    def running(self) -> bool:
        """Whether a thread is at work (it ends when closed, or idle if it may)."""
        with self._lock:
            return self._thread is not None

    def put(self, item: Item) -> bool:
        """Queue ``item`` for the thread (started if none is); False if the queue is full (never waits)."""
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            return False
        with self._lock:
            if self._thread is None:
                self._stop = threading.Event()
                self._thread = threading.Thread(
                    target=self._run, args=(self._stop,), name=self._name, daemon=True
                )
                self._thread.start()
        return True

    def close(self) -> None:
        """Stop the thread after the attempt in flight, if any, and drop what waits; the next ``put`` starts anew."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()
        with contextlib.suppress(queue.Full):  # wakes a thread waiting for an item
            self._queue.put_nowait(_WAKE)
        if thread is not None and thread is not threading.current_thread():
            thread.join(CLOSE_WAIT_SECONDS)

    def _run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    item = self._queue.get(timeout=self._idle_seconds)
                except queue.Empty:
                    if self._more():
                        continue
                    with self._lock:  # idle: the thread ends (the next ``put`` starts another)
                        if self._queue.empty():
                            if self._thread is threading.current_thread():
                                self._thread = None
                            return
                    continue
                if item is _WAKE or stop.is_set():
                    continue
                try:
                    self._handle(item, stop)  # type: ignore[arg-type]  # not _WAKE: an Item
                except Exception:  # logged, and the next item handled: the thread must not die
                    logger.exception("%s: handling %r failed", self._name, item)
        finally:
            with self._lock:
                if self._thread is threading.current_thread():
                    self._thread = None

    def _more(self) -> bool:
        if self._on_idle is None:
            return False
        try:
            more = self._on_idle()
        except Exception:  # the store away, say: look again later
            if not self._idle_failing:
                logger.exception("%s: looking for what is due failed", self._name)
            self._idle_failing = True
            return True
        self._idle_failing = False
        return more
