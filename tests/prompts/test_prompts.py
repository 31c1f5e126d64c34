"""Tests for the prompt template loader and the shipped templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from prompts import (
    PromptTemplateError,
    available_templates,
    load_template,
    parse_template,
    prompt_sha256,
)

QUESTIONS_RENDERED = (
    "Questions a patient could ask their own doctor after a second opinion "
    + """\
on chest imaging.

Situation: The first diagnosis was pneumonia. The imaging model's estimate agreed with it.
Questions:
- How sure are you that this is pneumonia and not another kind of infection?
- Would a repeat X-ray help to see whether it is clearing?
- Which symptoms should make me come back sooner?

Situation: The first diagnosis was a lung nodule. The CT measurements found one nodule candidate.
Questions:
- How large is the nodule, and how does its size change the plan?
- When would a follow-up scan be useful?
- Could it be something other than a tumour?

Situation: The first diagnosis was emphysema. The imaging model's estimate did not settle it.
Questions:
-"""
)

SECTION_TAIL = """Topic: What a diagnosis of pneumonia means
Quoted document (PDF report):
<<<BEGIN QUOTED DOCUMENT>>>
Impression: right lower lobe opacity.
<<<END QUOTED DOCUMENT>>>
Facts:
[2] Pneumonia is an infection in one or both of the lungs.
Explanation:"""

# Pinned digests: editing a template's text must come with a new version and new pins.
PINNED = {
    ("draft_questions", "1.0"): "32ae42793aedef16362622aeaf847ccc061012bf3919f0cd0d5cb61ebed6edc5",
    ("draft_section", "1.0"): "83836b85d20ee8ff636090c6615dc6869b195777a616d1e6b860eb61558522a1",
}


def _section_vars() -> dict[str, str]:
    return {
        "topic": "What a diagnosis of pneumonia means",
        "documents": "Quoted document (PDF report):\n<<<BEGIN QUOTED DOCUMENT>>>\n"
        "Impression: right lower lobe opacity.\n<<<END QUOTED DOCUMENT>>>\n",
        "facts": "[2] Pneumonia is an infection in one or both of the lungs.",
    }


class TestShippedTemplates:
    """The templates in prompts/ render exactly as pinned."""

    def test_available(self) -> None:
        """Both drafting templates ship with the package."""
        assert {"draft_section", "draft_questions"} <= set(available_templates())

    def test_questions_exact(self) -> None:
        """draft_questions renders to the exact expected text, ending mid-list."""
        template = load_template("draft_questions")
        situation = "The first diagnosis was emphysema. The imaging model's estimate did not settle it."
        assert template.render(situation=situation) == QUESTIONS_RENDERED

    def test_section_exact_tail(self) -> None:
        """draft_section ends with the case entry exactly, for the model to continue."""
        rendered = load_template("draft_section").render(**_section_vars())
        assert rendered.endswith("\n\n" + SECTION_TAIL)
        assert rendered.startswith("Patient leaflet: understanding a second opinion on chest imaging.\n")

    @pytest.mark.parametrize(
        ("name", "stop"),
        [
            ("draft_section", ("\n", "Topic:", "Facts:", "<<<")),
            ("draft_questions", ("\n\n", "\nSituation:", "\nQuestions:")),
        ],
    )
    def test_stop_sequences(self, name: str, stop: tuple[str, ...]) -> None:
        """Stop sequences come from front matter with real newlines."""
        assert load_template(name).stop == stop

    @pytest.mark.parametrize(("name", "version"), sorted(PINNED))
    def test_pinned_digest(self, name: str, version: str) -> None:
        """A template's rendered text changes only with a version bump."""
        template = load_template(name)
        assert template.version == version
        rendered = (
            template.render(situation="S.")
            if name == "draft_questions"
            else template.render(**_section_vars())
        )
        assert prompt_sha256(rendered) == PINNED[(name, version)]

    def test_render_prompt_provenance(self) -> None:
        """render_prompt carries name, version, stop and the sha256 of the text."""
        template = load_template("draft_questions")
        rendered = template.render_prompt(situation="S.")
        assert (rendered.name, rendered.version) == ("draft_questions", "1.0")
        assert rendered.sha256 == prompt_sha256(rendered.text) == template.sha256(situation="S.")


class TestParseTemplate:
    """Front matter parsing and placeholder rules."""

    def test_dollar_in_values_is_not_expanded(self) -> None:
        """Values are inserted verbatim; '$$' in the body is a literal dollar."""
        template = parse_template("---\nname: t\nversion: 2\n---\nCost $$5: $a\n")
        assert template.render(a="$b ${c}") == "Cost $5: $b ${c}"
        assert template.version == "2"

    @pytest.mark.parametrize(
        ("text", "match"),
        [
            ("name: t\n", "must start with"),
            ("---\nname: t\nversion: 1\nbody", "not closed"),
            ("---\nname: t\n---\nbody", "needs 'name' and 'version'"),
            ("---\nname: t\nversion: 1\nstop: x\n---\nbody", "'stop' must be a list"),
            ("---\nname: t\nversion: 1\n---\nbad $ sign", "invalid"),
        ],
    )
    def test_malformed(self, text: str, match: str) -> None:
        """Malformed files are refused with a message naming the problem."""
        with pytest.raises(PromptTemplateError, match=match):
            parse_template(text)

    @pytest.mark.parametrize(
        ("variables", "match"),
        [({}, r"missing variables \['a'\]"), ({"a": 1, "z": 2}, r"unknown variables \['z'\]")],
    )
    def test_wrong_variables(self, variables: dict[str, object], match: str) -> None:
        """Rendering with missing or unknown variables fails loudly."""
        template = parse_template("---\nname: t\nversion: 1\n---\n$a")
        with pytest.raises(PromptTemplateError, match=match):
            template.render(**variables)


class TestLoadTemplate:
    """Loading templates by name from a folder."""

    def test_missing(self, tmp_path: Path) -> None:
        """A missing template names the path it looked at."""
        with pytest.raises(PromptTemplateError, match="not found"):
            load_template("nope", directory=tmp_path)

    def test_name_mismatch(self, tmp_path: Path) -> None:
        """The front-matter name must equal the file name."""
        (tmp_path / "a.txt").write_text("---\nname: b\nversion: 1\n---\nx", encoding="utf-8")
        with pytest.raises(PromptTemplateError, match="differs from file name"):
            load_template("a", directory=tmp_path)

    def test_bad_name(self) -> None:
        """Names with path characters are refused."""
        with pytest.raises(PromptTemplateError, match="letters, digits"):
            load_template("../etc/passwd")
