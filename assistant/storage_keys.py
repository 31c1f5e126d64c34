"""Turn file paths recorded in rows into storage keys (revision 0007 and its tests).

Before revision 0007 an upload's summary kept absolute paths of its previews and of the
de-identified copies in one host's ``data_dir``: another host could not read them, and a
moved data folder broke them. Each such path becomes the key of its bytes: a path that
that still exists is stored in the configured storage and gives its hash; a missing file
that was content-addressed (``<root>/ab/cd/<sha256>``) gives its name; any other path
whose file is gone is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.storage import is_key

#: Stores a local file and returns its key.
PutFile = Callable[[Path], str]

#: Old summary fields holding lists of preview paths, and the key fields that replace them.
PATH_LISTS = {"previews": "preview_keys", "previews_shown": "preview_keys_shown"}


def key_for_path(value: str, put: PutFile) -> str | None:
    """The storage key for a recorded path or key (None when the file is gone)."""
    if is_key(value):
        return value
    path = Path(value)
    if path.is_file():
        return put(path)  # idempotent: a file already in the chosen storage hashes to its key
    if is_key(path.name) and path.parent.name == path.name[2:4] and path.parent.parent.name == path.name[:2]:
        return path.name  # a content-addressed file under a storage root not mounted here
    return None


def summary_with_keys(summary: dict[str, Any], put: PutFile) -> dict[str, Any]:
    """A copy of an upload summary with keys instead of paths (idempotent)."""
    out = dict(summary)
    for old, new in PATH_LISTS.items():
        if old in out:
            paths = out.pop(old) or []
            keys = [k for k in (key_for_path(str(p), put) for p in paths) if k]
            out[new] = list(dict.fromkeys([*out.get(new, []), *keys]))
    out.pop("deid_dir", None)  # a temporary folder of one host; nothing reads it
    result = out.get("result")
    if isinstance(result, dict):
        result = dict(result)
        result["objects"] = [{**o, "stored_path": None} for o in result.get("objects") or []]
        result["series"] = [{**s, "stored_paths": []} for s in result.get("series") or []]
        out["result"] = result
    return out


def has_paths(summary: Any) -> bool:
    """Whether a summary still records any path that :func:`summary_with_keys` replaces."""
    if not isinstance(summary, dict):
        return False
    if any(k in summary for k in (*PATH_LISTS, "deid_dir")):
        return True
    result = summary.get("result")
    if not isinstance(result, dict):
        return False
    return any(o.get("stored_path") for o in result.get("objects") or []) or any(
        s.get("stored_paths") for s in result.get("series") or []
    )
