"""Shared CLI plumbing: the settings built once per invocation."""

from __future__ import annotations

import typer

from assistant.settings import Settings, load_settings


def get_settings(ctx: typer.Context) -> Settings:
    """Return the settings built by the root callback (or build them for sub-app tests)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = load_settings()
    return root.obj
