"""What the patient's browser loads for the chat: our words, our styles, and nothing from elsewhere.

Chainlit's page asks Google for the Inter font and a CDN for KaTeX styles, and its stock
words include "Used ..." on every step and "LLMs can make mistakes" under the input box.
:func:`write_assets` writes, into the rendered app root, a translation file with our own
words over Chainlit's English ones, a theme that names a local font stylesheet, and our
stylesheet (buttons that look like buttons). :func:`install_local_html` makes the page
template drop every external link, so no request leaves the machine for fonts or scripts.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

SHIPPED_PUBLIC = Path(__file__).with_name("chainlit_root") / "public"
FOOTER = (
    "General information only; a clinician reviews and signs anything about your own case. "
    "In an emergency, call your local emergency number."
)
#: Our words over Chainlit's stock English (dotted paths into its translation file).
OVERRIDES: dict[str, str] = {
    "chat.messages.status.using": "…",
    "chat.messages.status.used": "✓",
    "chat.watermark": FOOTER,
}
_EXTERNAL = re.compile(
    r"<link[^>]*href=\"https?://[^\"]*\"[^>]*/?>|<script[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>|"
    r"<meta[^>]*content=\"https?://[^\"]*\"[^>]*>",
    re.S,
)
_INSTALLED: dict[str, bool] = {}


def _set(tree: dict[str, Any], dotted: str, value: str) -> None:
    node = tree
    *parents, leaf = dotted.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value


def translation(stock: dict[str, Any]) -> dict[str, Any]:
    """Chainlit's English words with :data:`OVERRIDES` applied."""
    words: dict[str, Any] = json.loads(json.dumps(stock))
    for dotted, value in OVERRIDES.items():
        _set(words, dotted, value)
    return words


def write_assets(root: Path) -> None:
    """Write the translation, theme and stylesheets into the Chainlit app root ``root``."""
    spec = importlib.util.find_spec("chainlit")  # located, not imported: its config reads the app root
    if spec is None or spec.origin is None:
        raise ImportError("the patient chat needs Chainlit; install with `pip install chainlit`")
    stock_path = Path(spec.origin).parent / "translations" / "en-US.json"
    stock = json.loads(stock_path.read_text(encoding="utf-8"))
    target = root / ".chainlit" / "translations" / "en-US.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(translation(stock), ensure_ascii=False, indent=1), encoding="utf-8")
    public = root / "public"
    public.mkdir(parents=True, exist_ok=True)
    for shipped in SHIPPED_PUBLIC.glob("*"):
        if shipped.is_file():
            (public / shipped.name).write_bytes(shipped.read_bytes())


def local_only(html: str) -> str:
    """The page without any link, script or meta that points off the machine."""
    return _EXTERNAL.sub("", html)


def install_local_html() -> None:
    """Serve Chainlit's page through :func:`local_only` (once per process) with our stylesheet."""
    import chainlit.server as server
    from chainlit.config import config

    config.ui.custom_css = "/public/chat.css"
    config.ui.custom_js = "/public/chat.js"
    if _INSTALLED.get("html"):
        return
    original = server.get_html_template

    def local_template(root_path: str) -> str:
        return local_only(str(original(root_path)))  # type: ignore[no-untyped-call]

    server.get_html_template = local_template
    _INSTALLED["html"] = True
