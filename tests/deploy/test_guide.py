"""docs/deploy.md and deploy/env.example against the settings the code really reads."""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType

from tests.conftest import REPO

GUIDE = REPO / "docs" / "deploy.md"
ENV_EXAMPLE = REPO / "deploy" / "env.example"


def _table() -> ModuleType:
    spec = importlib.util.spec_from_file_location("settings_table", REPO / "deploy" / "settings_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_guide_names_every_setting() -> None:
    """Every SECOND_OPINION_* variable, discovered from Settings, appears in the guide."""
    names = [var for var, _, _ in _table().variables()]
    assert "SECOND_OPINION_CHAT__TRANSPORTS" in names and "SECOND_OPINION_DATABASE__URL" in names
    guide = GUIDE.read_text(encoding="utf-8")
    missing = [n for n in names if f"`{n}`" not in guide]
    assert not missing, (
        f"docs/deploy.md does not name {missing}: regenerate its table (deploy/settings_table.py)"
    )


def test_env_example_sets_only_real_settings() -> None:
    """A misspelt variable in the example file would be ignored silently by the app."""
    names = {var for var, _, _ in _table().variables()}
    used = re.findall(r"^(SECOND_OPINION_[A-Z0-9_]+)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M)
    assert used, "no settings in deploy/env.example"
    assert sorted(set(used) - names) == []
