"""Chat messages as staff read them: the markdown the patient saw, rendered safely.

Raw HTML in a message is escaped, never rendered, and links are shown as text, so a
transcript can hold no active content whatever a patient typed.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(["image", "link"])


def chat_markdown(text: str) -> Markup:
    """HTML for a chat message's markdown (no raw HTML, no images, no links)."""
    return Markup(_MD.render(text or ""))  # noqa: S704 - markdown-it escapes raw HTML with html=False
