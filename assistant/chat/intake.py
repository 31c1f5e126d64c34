"""The guided intake dialogue as a pure state machine over :class:`IntakeRecord`.

The chat handler (and the tests) drive it: :func:`start` resumes from a saved record,
:func:`answer` takes the patient's words for the current question and returns the next
state with what to say, :func:`edit` jumps back to one answer from the summary card.
Nothing here touches the database, the network or Chainlit; the handler saves the
record through :func:`assistant.services.cases.update_intake` after every turn and keeps
the position (``IntakeState.to_meta``) in the transcript, so an unfinished intake
resumes after logging out.

Answers are parsed by rules (lists split on commas and "and", onset and duration
phrases, age and sex); an optional :data:`Extractor` (the LLM) may propose more list
items, and only items whose words all occur in the patient's own text are kept.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from assistant.intake import IntakeRecord, Symptom


class Step(enum.StrEnum):
    """Where the dialogue is."""

    DIAGNOSIS = "diagnosis_in_question"
    REASON = "reason_for_second_opinion"
    SYMPTOMS = "symptoms"
    HISTORY = "history"
    MEDICATIONS = "medications"
    ALLERGIES = "allergies"
    PRIOR_IMAGING = "prior_imaging"
    MAIN_QUESTION = "main_question"
    ABOUT = "about_you"
    UPLOADS = "uploads"
    CONFIRM = "confirm"
    DONE = "done"


QUESTION_STEPS: tuple[Step, ...] = (
    Step.DIAGNOSIS, Step.REASON, Step.SYMPTOMS, Step.HISTORY, Step.MEDICATIONS,
    Step.ALLERGIES, Step.PRIOR_IMAGING, Step.MAIN_QUESTION, Step.ABOUT,
)  # fmt: skip
REQUIRED: frozenset[Step] = frozenset({Step.DIAGNOSIS, Step.MAIN_QUESTION})

QUESTIONS: dict[Step, str] = {
    Step.DIAGNOSIS: "Which diagnosis or report would you like a second opinion on? "
    'For example: *"My chest X-ray report says right lower lobe pneumonia."*',
    Step.REASON: "Why would you like a second opinion? (For example: you are unsure, "
    "the treatment is not helping, or you were given different answers.)",
    Step.SYMPTOMS: "What symptoms do you have, when did each start, and how long has it lasted? "
    "Put each symptom on its own line or separate them with ';'. Write *none* if you have none.",
    Step.HISTORY: "What other medical conditions, operations or relevant history do you have? "
    "Write *none* if there is nothing to add.",
    Step.MEDICATIONS: "Which medicines do you take? Separate them with commas. "
    "Write *none* if you take none.",
    Step.ALLERGIES: "Do you have any allergies (medicines, contrast dye, foods)? "
    "Write *none* if you have none.",
    Step.PRIOR_IMAGING: "Have you had earlier scans or X-rays? When, and what did they show? "
    "Write *none* if not.",
    Step.MAIN_QUESTION: "What do you most want to know from this second opinion?",
    Step.ABOUT: "Finally, how old are you, and what is your sex? (For example: *54, female*.) "
    "You may write *skip*.",
    Step.UPLOADS: "Now please upload your images and reports with the paperclip button: "
    "DICOM files or a .zip of the study as the hospital gave it, PDF reports, or PNG/JPEG pictures. "
    "When you have finished, or if you have nothing to upload, write *done*.",
    Step.CONFIRM: "Please check the summary above. Choose **Confirm and submit**, or choose what to change.",
    Step.DONE: "",
}

LABELS: dict[Step, str] = {
    Step.DIAGNOSIS: "Diagnosis in question",
    Step.REASON: "Why a second opinion",
    Step.SYMPTOMS: "Symptoms",
    Step.HISTORY: "Medical history",
    Step.MEDICATIONS: "Medicines",
    Step.ALLERGIES: "Allergies",
    Step.PRIOR_IMAGING: "Earlier imaging",
    Step.MAIN_QUESTION: "What you most want to know",
    Step.ABOUT: "Age and sex",
}

_NONE_WORDS = frozenset(
    {"none", "no", "nothing", "nil", "n/a", "na", "no allergies", "none known", "nkda", "nka",
     "no known allergies", "not any", "nope", "no medicines", "no medications", "no symptoms"}
)  # fmt: skip
_SKIP_WORDS = frozenset({"skip", "pass", "prefer not to say", "rather not say"})
_DONE_WORDS = frozenset({"done", "finished", "next", "skip", "no", "nothing", "none", "no files", "continue"})
_CONFIRM_WORDS = frozenset(
    {"confirm", "yes", "submit", "correct", "ok", "okay", "looks good", "confirm and submit"}
)
_LIST_PREFIX = re.compile(
    r"^(i('m| am)? (take|taking|on|allergic to)|i take|taking|allergic to|allergy to|also)\s+", re.I
)
_LIST_SPLIT = re.compile(r"[,;\n]+|\s+(?:and|plus|&)\s+", re.I)
_DURATION = re.compile(
    r"\bfor\s+((?:about |around |almost |over |the (?:last|past) )?(?:\d+|a|an|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|several|a few|few|a couple of)\s+(?:hours?|days?|weeks?|months?|years?))",
    re.I,
)
_AGO = re.compile(
    r"\b((?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|few|several)\s+"
    r"(?:hours?|days?|weeks?|months?|years?)\s+ago)",
    re.I,
)
_SINCE = re.compile(r"\b(?:since|started|began|starting)\s+(.{1,60}?)(?=\s+for\s|\s+and\s|[,.;]|$)", re.I)
_AGE = re.compile(r"\b(\d{1,3})\s*(?:years?|yrs?|y/?o|year-old)?\b", re.I)
_SEX = re.compile(r"\b(female|male|woman|man|non[- ]binary|intersex|other)\b", re.I)

#: Proposes list items (medicines, allergies) for a free-text answer; None when it has nothing.
Extractor = Callable[[Step, str], list[str] | None]


@dataclass(frozen=True)
class IntakeState:
    """The record so far, which questions were answered, and the current step."""

    step: Step
    record: IntakeRecord
    answered: frozenset[Step] = field(default_factory=frozenset)
    editing: bool = False  # answering a correction from the summary card

    def to_meta(self) -> dict[str, Any]:
        """The position, for the transcript (the record itself is saved on the case)."""
        return {"step": self.step.value, "answered": sorted(s.value for s in self.answered),
                "editing": self.editing}  # fmt: skip


@dataclass(frozen=True)
class Turn:
    """The result of one patient answer."""

    state: IntakeState
    reply: str
    saved: bool  # the record changed and should be saved
    problem: str = ""  # the answer was not accepted; the same question is asked again


def _next_step(answered: frozenset[Step]) -> Step:
    for step in QUESTION_STEPS:
        if step not in answered:
            return step
    return Step.UPLOADS


def start(record: IntakeRecord, meta: dict[str, Any] | None = None) -> IntakeState:
    """Resume from a saved record and the last saved position (or begin)."""
    if meta:
        try:
            answered = frozenset(Step(s) for s in meta.get("answered", []))
            return IntakeState(Step(meta["step"]), record, answered, bool(meta.get("editing", False)))
        except (KeyError, ValueError):
            pass
    answered = frozenset(s for s in QUESTION_STEPS if _has_value(record, s))
    return IntakeState(_next_step(answered), record, answered)


def _has_value(record: IntakeRecord, step: Step) -> bool:
    if step is Step.ABOUT:
        return record.age is not None or bool(record.sex)
    return bool(getattr(record, step.value))


def question(state: IntakeState) -> str:
    """The question (or instruction) for the current step."""
    return QUESTIONS[state.step]


def _words(text: str) -> str:
    return " ".join(text.strip().split())


def _is_one_of(text: str, words: frozenset[str]) -> bool:
    return _words(text).lower().rstrip(".!") in words


def parse_list(text: str) -> list[str]:
    """Medicines or allergies from free text: 'none' gives [], otherwise split items."""
    if _is_one_of(text, _NONE_WORDS):
        return []
    items: list[str] = []
    for raw in _LIST_SPLIT.split(text):
        item = _LIST_PREFIX.sub("", _words(raw)).strip(" .")
        if item and item.lower() not in _NONE_WORDS and item.lower() not in (i.lower() for i in items):
            items.append(item[:200])
    return items[:50]


def parse_symptoms(text: str) -> list[Symptom]:
    """Symptoms with onset and duration phrases, one per line or ';'-separated part."""
    if _is_one_of(text, _NONE_WORDS):
        return []
    symptoms = []
    for raw in re.split(r"[;\n]+", text):
        part = _words(raw).strip(" .")
        if not part:
            continue
        duration = _DURATION.search(part)
        onset = _AGO.search(part) or _SINCE.search(part)
        symptoms.append(
            Symptom(
                description=part[:500],
                onset=onset.group(1).strip()[:200] if onset else "",
                duration=duration.group(1).strip()[:200] if duration else "",
            )
        )
    return symptoms[:30]


def parse_about(text: str) -> tuple[int | None, str]:
    """Age (0-130) and sex from an answer like '54, female'."""
    age = None
    for match in _AGE.finditer(text):
        value = int(match.group(1))
        if 0 <= value <= 130:
            age = value
            break
    sex_match = _SEX.search(text)
    sex = ""
    if sex_match:
        word = sex_match.group(1).lower()
        sex = {"woman": "female", "man": "male"}.get(word, word)
    return age, sex


def validated_items(proposed: list[str], text: str) -> list[str]:
    """Keep only proposed items whose words all occur in the patient's text (no inventions)."""
    said = set(re.findall(r"[a-z0-9]+", text.lower()))
    kept: list[str] = []
    for item in proposed:
        clean = _words(item).strip(" .-*")[:200]
        words = re.findall(r"[a-z0-9]+", clean.lower())
        if words and all(w in said for w in words) and clean.lower() not in (k.lower() for k in kept):
            kept.append(clean)
    return kept


def _merge(rule_items: list[str], extra: list[str]) -> list[str]:
    merged = list(rule_items)
    for item in extra:
        if not any(item.lower() in m.lower() for m in merged):
            merged.append(item)
    return merged[:50]


def _apply(record: IntakeRecord, step: Step, text: str, extractor: Extractor | None) -> IntakeRecord:
    """A new record with the answer for ``step`` applied (raises ValidationError)."""
    data = record.model_dump()
    if step in (Step.MEDICATIONS, Step.ALLERGIES):
        items = parse_list(text)
        proposed = extractor(step, text) if extractor is not None and items else None
        data[step.value] = _merge(items, validated_items(proposed or [], text))
    elif step is Step.SYMPTOMS:
        data["symptoms"] = [s.model_dump() for s in parse_symptoms(text)]
    elif step is Step.ABOUT:
        data["age"], data["sex"] = parse_about(text)
    elif _is_one_of(text, _NONE_WORDS) and step not in REQUIRED:
        data[step.value] = ""
    else:
        data[step.value] = _words(text)
    return IntakeRecord.model_validate(data)


def answer(state: IntakeState, text: str, extractor: Extractor | None = None) -> Turn:
    """Take the patient's answer to the current question and move on.

    Args:
        state: The current state.
        text: What the patient wrote.
        extractor: Optional proposer of list items (validated against ``text``).

    Returns:
        The next state, the reply to show, and whether the record must be saved.
    """
    text = text.strip()
    if state.step is Step.UPLOADS:
        if _is_one_of(text, _DONE_WORDS):
            return Turn(replace(state, step=Step.CONFIRM), question_for(Step.CONFIRM), saved=False)
        return Turn(state, "When you have finished uploading, write *done*.", saved=False)
    if state.step is Step.CONFIRM:
        return _confirm_turn(state, text)
    if state.step is Step.DONE:
        return Turn(state, "", saved=False)
    return _question_turn(state, text, extractor)


def is_confirmation(text: str) -> bool:
    """Whether the patient's words confirm the summary ("confirm", "yes", "looks good")."""
    return _is_one_of(text, _CONFIRM_WORDS)


def question_for(step: Step) -> str:
    """The question text of a step."""
    return QUESTIONS[step]


def _question_turn(state: IntakeState, text: str, extractor: Extractor | None) -> Turn:
    step = state.step
    if step in REQUIRED and len(_words(text)) < 3:
        problem = "I need this to prepare your second opinion; a few words are enough."
        return Turn(state, f"{problem}\n\n{question(state)}", saved=False, problem=problem)
    if _is_one_of(text, _SKIP_WORDS) and step not in REQUIRED:
        record = state.record
    else:
        try:
            record = _apply(state.record, step, text, extractor)
        except ValidationError:
            problem = "That answer is too long or not in a form I can store. Please shorten it."
            return Turn(state, f"{problem}\n\n{question(state)}", saved=False, problem=problem)
    answered = state.answered | {step}
    nxt = Step.CONFIRM if state.editing else _next_step(answered)
    new = IntakeState(nxt, record, answered, editing=False)
    reply = summary_markdown(record) + "\n\n" + question(new) if nxt is Step.CONFIRM else question(new)
    return Turn(new, reply, saved=True)


def _confirm_turn(state: IntakeState, text: str) -> Turn:
    if _is_one_of(text, _CONFIRM_WORDS):
        missing = state.record.missing_for_submission()
        if missing:
            step = Step(missing[0])
            new = replace(state, step=step, editing=True)
            return Turn(new, f"One answer is still missing. {question(new)}", saved=False,
                        problem="missing " + ", ".join(missing))  # fmt: skip
        return Turn(replace(state, step=Step.DONE), "", saved=False)
    target = step_named(text)
    if target is not None:
        new = edit(state, target)
        return Turn(new, question(new), saved=False)
    return Turn(state, "Choose **Confirm and submit**, or write *change* and what to change "
                "(for example *change medicines*).", saved=False)  # fmt: skip


def step_named(text: str) -> Step | None:
    """The question a correction like 'change my medicines' refers to."""
    lowered = text.lower()
    keys = {
        Step.DIAGNOSIS: ("diagnos",), Step.REASON: ("why", "reason"), Step.SYMPTOMS: ("symptom",),
        Step.HISTORY: ("history", "condition"), Step.MEDICATIONS: ("medic", "drug", "tablet"),
        Step.ALLERGIES: ("allerg",), Step.PRIOR_IMAGING: ("earlier", "prior", "previous", "scan"),
        Step.MAIN_QUESTION: ("question", "want to know"), Step.ABOUT: ("age", "sex"),
        Step.UPLOADS: ("upload", "file", "image"),
    }  # fmt: skip
    for step, needles in keys.items():
        if any(n in lowered for n in needles):
            return step
    return None


def edit(state: IntakeState, step: Step) -> IntakeState:
    """Jump to one question from the summary card; answering it returns to the card."""
    if step not in QUESTION_STEPS and step is not Step.UPLOADS:
        return state
    return replace(state, step=step, editing=step is not Step.UPLOADS)


_FILE_KINDS = {
    "dicom": "DICOM images",
    "pdf": "PDF",
    "zip": "DICOM study (.zip)",
    "png": "picture",
    "jpeg": "picture",
}
_FILE_STATES = {
    "unreadable": "could not be read",
    "no_images": "no images found in it",
    "failed": "not processed",
}


def files_line(files: Sequence[tuple[str, str | None, str]]) -> str:
    """The uploaded files as the patient sees them in the summary: name, kind, and a problem if any."""
    if not files:
        return "*none uploaded* (a report or images can be added with **Add files**)"
    shown = []
    for name, kind, status in files:
        notes = [n for n in (_FILE_KINDS.get(kind or ""), _FILE_STATES.get(status)) if n]
        shown.append(_escape(name) + (f" ({'; '.join(notes)})" if notes else ""))
    return ", ".join(shown)


def summary_markdown(record: IntakeRecord, files: Sequence[tuple[str, str | None, str]] | None = None) -> str:
    """The summary card the patient confirms or corrects; ``files`` (name, kind, status) when known."""
    symptoms = "; ".join(
        s.description + (f" (since {s.onset})" if s.onset and s.onset not in s.description else "")
        for s in record.symptoms
    )
    about = ", ".join(p for p in (str(record.age) if record.age is not None else "", record.sex) if p)
    values = {
        Step.DIAGNOSIS: record.diagnosis_in_question, Step.REASON: record.reason_for_second_opinion,
        Step.SYMPTOMS: symptoms, Step.HISTORY: record.history,
        Step.MEDICATIONS: ", ".join(record.medications), Step.ALLERGIES: ", ".join(record.allergies),
        Step.PRIOR_IMAGING: record.prior_imaging, Step.MAIN_QUESTION: record.main_question,
        Step.ABOUT: about,
    }  # fmt: skip
    lines = ["### Summary of what you told us", ""]
    lines += [f"- **{LABELS[s]}:** {_escape(values[s]) or '*none given*'}" for s in QUESTION_STEPS]
    if files is not None:
        lines.append(f"- **Files:** {files_line(files)}")
    return "\n".join(lines)


def escape_markdown(text: str) -> str:
    """Show patient (or staff) text as text in the chat, never as markup or links."""
    return _escape(text)


#: A colon before a letter starts an inline directive in the chat's Markdown (``:name``), which
#: renders as nothing: "Circulation 144(22):e368-e454" lost its pages and broke the line.
_DIRECTIVE = re.compile(r"(?<!\\):(?=[A-Za-z])")
_URL = re.compile(r"(https?://\S+)")


def without_directives(markdown: str) -> str:
    """``markdown`` with every colon that would start an inline directive escaped, so it shows as a
    colon; addresses are left whole so their links still work."""
    parts = _URL.split(markdown)
    return "".join(p if i % 2 else _DIRECTIVE.sub(r"\\:", p) for i, p in enumerate(parts))


def _escape(text: str) -> str:
    """Show patient text as text, never as markup or links."""
    return re.sub(r"([\\`*_{}\[\]<>()#|!])", r"\\\1", text)


def completion_extractor(complete: Callable[[str], str]) -> Extractor:
    """An :data:`Extractor` from a text-completion function (the LLM), for list answers.

    The model only proposes; :func:`validated_items` keeps what the patient actually wrote.
    """

    def _extract(step: Step, text: str) -> list[str] | None:
        noun = "medicines" if step is Step.MEDICATIONS else "allergies"
        prompt = (
            f"Patient's answer: {_words(text)[:600]}\n"
            f"List each of the {noun} named in the patient's answer, one per line.\n-"
        )
        out = complete(prompt)
        return [line.strip(" -*\t") for line in out.splitlines() if line.strip(" -*\t")][:50] or None

    return _extract
