"""The collection round in a browser: server-rendered pages over the collection library."""

from .app import create_app

__all__ = ["create_app"]
