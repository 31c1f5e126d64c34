"""The consent text patients accept before anything else, versioned.

The text lives in ``consent.md`` beside this module; its version is the date in its first
line. Changing the text means a new version, and patients are asked again.
"""

from __future__ import annotations

from pathlib import Path

_PATH = Path(__file__).with_name("consent.md")
_TEXT = _PATH.read_text(encoding="utf-8")

#: The version patients consent to (first line: "version: YYYY-MM").
CONSENT_VERSION = _TEXT.splitlines()[0].removeprefix("version:").strip()
#: The text shown to patients (everything after the version line).
CONSENT_TEXT = "\n".join(_TEXT.splitlines()[1:]).strip()
