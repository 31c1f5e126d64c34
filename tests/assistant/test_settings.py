"""The typed settings object and its production safety checks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.settings import Settings

STRONG = "Qm3v-Xr9_tK2pL7wZ4hN8cY1bF6dJ0sG5aE"
STRONG_2 = "u8Rk-2Tz_Wq5Lm9Vb3Xn7Hc1Jd4Fg6Sp0Ya"


class TestSettings:
    def test_env_prefix_and_nesting(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """SECOND_OPINION_ variables with __ nesting reach the sub-models."""
        monkeypatch.setenv("SECOND_OPINION_LLM__MODE", "openai_compatible")
        monkeypatch.setenv("SECOND_OPINION_JOBS__MAX_ATTEMPTS", "5")
        s = Settings()
        assert s.llm.mode == "openai_compatible"
        assert s.jobs.max_attempts == 5

    def test_sqlite_default_in_data_dir(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        """With no database URL, SQLite lives in the data directory."""
        s = Settings(data_dir=tmp_path)
        assert s.database_url == f"sqlite:///{tmp_path.resolve() / 'second_opinion.db'}"

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({}, "SECRET_KEY must be set"),
            ({"security": {"secret_key": STRONG}}, "CHAINLIT_AUTH_SECRET must be set"),
            (
                {
                    "security": {"secret_key": STRONG, "chainlit_auth_secret": STRONG_2},
                    "llm": {"mode": "mock"},
                },
                "mock is for tests only",
            ),
        ],
    )
    def test_production_refuses_unsafe(self, overrides: dict[str, object], message: str) -> None:
        """Production refuses development secrets and the mock LLM."""
        with pytest.raises(ValidationError, match=message):
            Settings(environment="production", **overrides)  # type: ignore[arg-type]

    def test_production_accepts_real_secrets(self) -> None:
        """Strong secrets pass."""
        s = Settings(
            environment="production", security={"secret_key": STRONG, "chainlit_auth_secret": STRONG_2}
        )  # type: ignore[arg-type]
        assert s.environment == "production"

    def test_invalid_mode_rejected(self) -> None:
        """Backend modes are Literal choices."""
        with pytest.raises(ValidationError, match="embedded"):
            Settings(llm={"mode": "gpt"})  # type: ignore[arg-type]


class TestDefaultPorts:
    def test_chroma_server_port_differs_from_the_apps(self) -> None:
        """Started with defaults on one host, the app and the Chroma server do not collide."""
        s = Settings()
        assert s.knowledge.chroma_port != s.port
        from assistant.components import knowledge_config
        from knowledge.config import KnowledgeConfig

        assert knowledge_config(s).chroma_port == KnowledgeConfig().chroma_port
