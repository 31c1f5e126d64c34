"""What the patient's browser loads: our words, our styles, nothing from elsewhere."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from assistant.chat.chainlit_assets import FOOTER, local_only, translation, write_assets
from assistant.chat.delivery import source_label
from assistant.drafting.model_names import readable_model_name

CHAINLIT = Path(importlib.util.find_spec("chainlit").origin).parent  # type: ignore[union-attr, arg-type]


class TestAssets:
    def test_page_has_no_external_urls(self) -> None:
        """Chainlit's own page loses its Google Fonts and CDN links."""
        html = (CHAINLIT / "frontend" / "dist" / "index.html").read_text(encoding="utf-8")
        assert "fonts.googleapis.com" in html  # the stock page does ask Google
        cleaned = local_only(html)
        assert "https://" not in cleaned and "http://" not in cleaned
        assert '<script type="module" crossorigin src="/assets/' in cleaned

    def test_translation_overrides(self) -> None:
        """Steps read without 'Used', and the footer is ours; every other word is Chainlit's."""
        stock = json.loads((CHAINLIT / "translations" / "en-US.json").read_text(encoding="utf-8"))
        words = translation(stock)
        assert words["chat"]["watermark"] == FOOTER
        assert words["chat"]["messages"]["status"]["used"] == "✓"
        assert words["chat"]["input"] == stock["chat"]["input"]

    def test_written_into_the_app_root(self, tmp_path: Path) -> None:
        """The translation, theme, stylesheet and script land where Chainlit reads them."""
        write_assets(tmp_path)
        assert FOOTER in (tmp_path / ".chainlit" / "translations" / "en-US.json").read_text(encoding="utf-8")
        assert {p.name for p in (tmp_path / "public").iterdir()} == {"chat.css", "chat.js", "theme.json"}


@pytest.mark.parametrize(
    ("model_id", "name"),
    [
        ("embedded:gemma-3-270m-q4_k_m.gguf@sha256:9f2c0a1b2c3d4e5f", "Gemma 3 270M (small local model)"),
        ("openai_compatible:Qwen/Qwen2.5-7B-Instruct@http://gpu-1:8000/v1", "Qwen2.5 7B Instruct"),
        ("hf_local:phi-3-mini.Q4_K_M.gguf", "phi 3 mini"),
    ],
)
def test_readable_model_name(model_id: str, name: str) -> None:
    """The model named in signed text is readable: no backend prefix, checksum or server address."""
    assert readable_model_name(model_id) == name


def test_source_label_names_the_source() -> None:
    """A side-panel source goes by its number and title, not 'Source 8'."""
    assert source_label(8, "Pneumonia on a chest X-ray [ATS]") == "8. Pneumonia on a chest X-ray (ATS)"
