"""Shared test configuration: pytester for the plugin tests."""

from __future__ import annotations

pytest_plugins = ["pytester"]
