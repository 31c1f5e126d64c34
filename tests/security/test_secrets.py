"""Secret strength (attack 12, secrets part): production refuses weak or equal secrets, never echoing them."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.local_secrets import SECRETS_FILE, apply_local_secrets
from assistant.secret_strength import entropy_bits, weakness
from assistant.settings import DEFAULT_CHAINLIT_SECRET, DEFAULT_SECRET, Settings

GOOD = "Qm3v-Xr9_tK2pL7wZ4hN8cY1bF6dJ0sG5aE"
GOOD_2 = "u8Rk-2Tz_Wq5Lm9Vb3Xn7Hc1Jd4Fg6Sp0Ya"
HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def production(secret_key: str, chainlit: str) -> Settings:
    """Production settings with these two secrets."""
    return Settings(environment="production", security={"secret_key": secret_key,  # type: ignore[arg-type]
                                                        "chainlit_auth_secret": chainlit})  # fmt: skip


def refusal(secret_key: str, chainlit: str) -> str:
    """The text of the error production settings raise."""
    with pytest.raises(ValidationError) as caught:
        production(secret_key, chainlit)
    return str(caught.value)


class TestSecretStrength:
    @pytest.mark.parametrize(
        ("secret", "reason"),
        [
            ("a" * 32, "one character class"),
            ("a" * 64, "one character class"),
            ("ab12" * 10, "distinct characters"),
            ("Password123Password123Password12", "distinct characters"),
            ("short-Secret-1", "shorter than 32"),
            (DEFAULT_SECRET + "-Padded-To-Be-Long-Enough-123", "published"),
            ("AaBbCcDd1234" + "A" * 52, "entropy"),
        ],
    )
    def test_weak_secrets_refused(self, secret: str, reason: str) -> None:
        """Attack 12: one repeated letter, few symbols, published defaults and low entropy are refused."""
        assert reason in (weakness(secret) or "")
        assert "SECRET_KEY must be set" in refusal(secret, GOOD_2)

    @pytest.mark.parametrize("secret", [GOOD, HEX, "Tr0ub4dor&3-correct-horse-battery-staple-Zebra"])
    def test_real_secrets_accepted(self, secret: str) -> None:
        """token_urlsafe, hex digests and long mixed passphrases pass."""
        assert weakness(secret) is None, entropy_bits(secret)
        assert production(secret, GOOD_2).environment == "production"

    def test_equal_secrets_refused(self) -> None:
        """Attack 12: the session secret and the chat secret must differ."""
        assert "must differ" in refusal(GOOD, GOOD)

    @pytest.mark.parametrize("secret", ["zq" * 16, "Zq7" * 11, "Secret-Value-1234" * 2 + "x"])
    def test_error_never_echoes_the_secret(self, secret: str) -> None:
        """Attack 12: no six characters of a refused secret appear in the error."""
        text = refusal(secret, secret)
        assert not any(secret[i : i + 6] in text for i in range(len(secret) - 5)), text


class TestLocalSecrets:
    def test_generated_per_data_directory(self, tmp_path: Path) -> None:
        """Attack 1: development runs never use the published secrets; each data directory has its own."""
        first, second = (Settings(environment="development", data_dir=tmp_path / n) for n in ("a", "b"))
        apply_local_secrets(first)
        apply_local_secrets(second)
        keys = {first.security.secret_key, second.security.secret_key}
        assert len(keys) == 2 and DEFAULT_SECRET not in keys
        assert DEFAULT_CHAINLIT_SECRET not in {first.security.chainlit_auth_secret}
        assert first.security.secret_key != first.security.chainlit_auth_secret
        assert stat.S_IMODE((tmp_path / "a" / SECRETS_FILE).stat().st_mode) == 0o600

    def test_stable_across_restarts(self, tmp_path: Path) -> None:
        """The same data directory keeps its secret, so sessions survive a restart."""
        once, again = Settings(data_dir=tmp_path), Settings(data_dir=tmp_path)
        apply_local_secrets(once)
        apply_local_secrets(again)
        assert once.security.secret_key == again.security.secret_key

    def test_explicit_secret_kept(self, tmp_path: Path) -> None:
        """A secret set by the operator is never replaced."""
        s = Settings(data_dir=tmp_path, security={"secret_key": GOOD})  # type: ignore[arg-type]
        apply_local_secrets(s)
        assert s.security.secret_key == GOOD

    def test_loose_permissions_tightened(self, tmp_path: Path) -> None:
        """A secrets file readable by others is restricted to its owner."""
        apply_local_secrets(Settings(data_dir=tmp_path))
        (tmp_path / SECRETS_FILE).chmod(0o644)
        apply_local_secrets(Settings(data_dir=tmp_path))
        assert stat.S_IMODE((tmp_path / SECRETS_FILE).stat().st_mode) == 0o600
