"""Support reads a conversation with the patient's name and formatted text, never raw markdown or HTML."""

from __future__ import annotations

from collections.abc import Callable

from assistant.db.base import Database
from assistant.db.models import User
from assistant.roles import Role
from assistant.services import transcripts
from assistant.settings import Settings
from assistant.web.markdown import chat_markdown
from tests.assistant.web.staff import login, make_client


class TestChatMarkdown:
    def test_formats_markdown(self) -> None:
        """Bold, lists and quotes become HTML."""
        html = chat_markdown("**Summary**\n\n- one\n- two\n\n> quoted")
        assert "<strong>Summary</strong>" in html and "<li>one</li>" in html and "<blockquote>" in html

    def test_raw_html_and_links_stay_text(self) -> None:
        """A patient's <script> or link is shown as text, never made active."""
        html = chat_markdown("<script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/x.png)")
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "<a " not in html and "<img" not in html


def test_transcript_page_names_the_patient_and_formats(
    settings: Settings, sqlite_db: Database, make_user: Callable[..., User]
) -> None:
    """The search lists the patient's name; the transcript shows formatted messages under their name."""
    make_user(sqlite_db, Role.SUPPORT, "sam")
    patient = make_user(sqlite_db, Role.PATIENT, "pia")
    with sqlite_db.session() as s:
        conv = transcripts.start_conversation(s, patient, None)
        transcripts.add_message(s, patient, conv.id, "patient", "My report says **pneumonia**")
        transcripts.add_message(s, patient, conv.id, "assistant", "### Summary of what you told us")
        empty = transcripts.start_conversation(s, patient, None)
        conv_id, empty_id = conv.id, empty.id
    client = make_client(settings, sqlite_db)
    login(client, "sam")
    search = client.get("/support/").text
    assert patient.display_name in search
    assert conv_id[:8] in search and empty_id[:8] not in search  # a visit without messages is not listed
    page = client.get(f"/support/conversations/{conv_id}").text
    assert f"Conversation with {patient.display_name}" in page
    assert "<strong>pneumonia</strong>" in page and "**pneumonia**" not in page
    assert "<h3>Summary of what you told us</h3>" in page
