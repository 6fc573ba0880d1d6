"""A Genesys Cloud compatible mock server for callback conversations."""

from __future__ import annotations

from mockserver.app import create_app

__all__ = ["create_app"]
