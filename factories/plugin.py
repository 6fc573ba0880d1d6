"""The pytest plugin of the factories: seeded factory fixtures for every test."""

from __future__ import annotations
