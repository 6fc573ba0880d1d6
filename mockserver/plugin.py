"""The pytest plugin of the mock server: a live server per session, reset for each test."""

from __future__ import annotations
