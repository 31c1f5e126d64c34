"""What a patient's message is for: an answer, a question, or a request.

During intake every message is classified before it is stored: an answer goes to the
intake, a question is answered and the same intake question asked again, and a request
(delete my data, talk to a person, stop) is recorded and routed. Rules only, typed and
small; every decision carries the rule that made it (``evidence``) for tests and logs.

:func:`analyse_question` gives a question's *type* (what is / causes / treatment /
should I stop a medicine ...) and its *focus* (the condition or thing asked about), which
the answer ranking uses so that "What is a pulmonary embolism?" is answered about
pulmonary embolism, not about whatever shares the word "pulmonary".
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from assistant.chat.intake import Step
from assistant.services.patient_requests import RequestKind


class IntentKind(enum.StrEnum):
    """The three things a message can be."""

    ANSWER = "answer"
    QUESTION = "question"
    REQUEST = "request"


class QuestionType(enum.StrEnum):
    """What kind of information a question asks for."""

    MEDICATION_CHANGE = "medication_change"  # should I stop / change / skip a medicine
    DEFINITION = "definition"  # what is X
    CAUSES = "causes"
    TREATMENT = "treatment"
    SYMPTOMS = "symptoms"
    DIAGNOSIS = "diagnosis"  # how is X diagnosed / tested
    OUTLOOK = "outlook"  # how long / serious / recover
    SAFETY = "safety"  # is X dangerous / safe / what are the risks
    GENERAL = "general"


@dataclass(frozen=True)
class Intent:
    """A message's classification with the rule that decided it."""

    kind: IntentKind
    request: RequestKind | None = None
    evidence: str = ""


@dataclass(frozen=True)
class QuestionFocus:
    """A question's type and the content words it is about."""

    type: QuestionType
    terms: tuple[str, ...]

    @property
    def phrase(self) -> str:
        """The focus as words ("pulmonary embolism")."""
        return " ".join(self.terms)


_REQUESTS: tuple[tuple[RequestKind, str, re.Pattern[str]], ...] = (
    (RequestKind.DELETE_DATA, "delete-data", re.compile(
        r"\b(delete|erase|remove|wipe|destroy|forget)\b.{0,40}\b(data|information|info|details|account|"
        r"records?|files?|uploads?|everything|history)\b|\b(delete|erase|forget)\s+me\b|"
        r"\bright to (be forgotten|erasure)\b|\bclose my account\b", re.I)),
    (RequestKind.FOLLOW_UP, "talk-to-person", re.compile(
        r"\b(talk|speak|chat)\s+(to|with)\s+(a|an|the|some|your|my)?\s*(real\s+|actual\s+)?"
        r"(person|human|doctor|clinician|someone|somebody|nurse|staff|team|people)\b|"
        r"\b(call|phone|ring|contact|email)\s+me\b|\b(need|want|like)\s+(a|an)\s+(human|person)\b|"
        r"\b(ask|get)\s+(a|the)\s+(doctor|clinician)\s+to\s+(follow|call|contact|get)\b|"
        r"\bfollow[- ]?up\s+(with|from)\s+(a|the)\s+(doctor|clinician)\b", re.I)),
    (RequestKind.STOP, "stop", re.compile(
        r"^\s*(please\s+)?(stop|cancel|quit|end|exit)(\s+(this|it|now|please|the\s+(chat|intake|"
        r"conversation|questions|request)))*\s*[.!]*\s*$|"
        r"\bi\s*('d| would| want| wish)?\s*(like\s+)?to\s+(stop|cancel|withdraw|quit)\b"
        r"(?!\s+(taking|the|my)\s)", re.I)),
)  # fmt: skip
_QUESTION_START = re.compile(
    r"^(what|what's|whats|why|how|when|where|which|who|is|are|can|could|should|does|do|did|will|would|"
    r"may|might|tell me (about|what|why|how)|explain|define)\b",
    re.I,
)
_ABOUT_ME = re.compile(r"\b(i|i'm|im|me|my|mine|it|this|that)\b", re.I)
_GENERAL_Q = re.compile(
    r"^(what|what's|whats)\s+(is|are|does|causes?)\b|^(how|why)\s+(is|are|do|does)\b", re.I
)


def looks_like_question(text: str) -> bool:
    """Whether a message reads as a question rather than a statement."""
    stripped = text.strip()
    return len(stripped.split()) >= 2 and (stripped.endswith("?") or bool(_QUESTION_START.match(stripped)))


def classify(text: str, step: Step | None = None) -> Intent:
    """Classify a patient's message, given the intake question it may answer.

    Args:
        text: The message.
        step: The intake step being asked (None outside the intake).

    Returns:
        A request when a request rule matches; otherwise a question when the message reads
        as one and the step does not ask for a question (the patient's own main question
        is an answer, as is a question about their own case when the reason is asked);
        otherwise an answer.
    """
    stripped = " ".join(text.split())
    for kind, name, pattern in _REQUESTS:
        if pattern.search(stripped) and not _is_medicine_question(stripped):
            return Intent(IntentKind.REQUEST, kind, f"rule:{name}")
    if not looks_like_question(stripped):
        return Intent(IntentKind.ANSWER, evidence="not-a-question")
    if step is Step.MAIN_QUESTION:
        return Intent(IntentKind.ANSWER, evidence="step-asks-for-a-question")
    if step is Step.REASON and _ABOUT_ME.search(stripped) and not _GENERAL_Q.match(stripped):
        return Intent(IntentKind.ANSWER, evidence="own-case-question-as-reason")
    return Intent(IntentKind.QUESTION, evidence="question-form")


_MEDICINE = re.compile(
    r"\b(should|can|could|may|must|do|shall)\s+i\s+(still\s+)?(stop|quit|skip|halve|double|change|switch|"
    r"increase|decrease|reduce|lower|raise|come off|start|keep (taking|on)|continue|finish|take)\b|"
    r"\b(stop|stopping|quit)\s+(taking|my|the)\b|\bis it (ok|okay|safe) to (stop|skip|take|change)\b",
    re.I,
)
_TYPE_RULES: tuple[tuple[QuestionType, re.Pattern[str]], ...] = (
    (QuestionType.CAUSES, re.compile(r"\b(causes?|caused|why do(es)? (people|you|i) get|leads? to|"
                                     r"reasons? for|risk factors?)\b", re.I)),
    (QuestionType.TREATMENT, re.compile(r"\b(treat|treated|treatment|treatments|cure|cured|therapy|therapies|"
                                        r"manage|managed|management|medicine for|drugs? for)\b", re.I)),
    (QuestionType.SYMPTOMS, re.compile(r"\b(symptoms?|signs?)\b", re.I)),
    (QuestionType.DIAGNOSIS, re.compile(r"\b(diagnos\w*|tested|test for|detected|confirm(ed)?)\b", re.I)),
    (QuestionType.SAFETY, re.compile(r"\b(dangerous|safe|safety|harmful|harm|risky|side effects?)\b", re.I)),
    (QuestionType.OUTLOOK, re.compile(r"\b(how long|serious|recover\w*|outlook|prognosis|"
                                      r"go away|heal|fatal)\b", re.I)),
    (QuestionType.DEFINITION, re.compile(r"^(what|whats|what's)\s+(is|are)\b|\bwhat does .+ mean\b|"
                                         r"^(define|explain)\b|\bmeaning of\b|^tell me about\b", re.I)),
)  # fmt: skip
_NOT_FOCUS_WORDS = """
a an and are as at be been by can could define describe did do does doing explain for from get gets
got had has have how i i'm im in is it its it's me mean means meaning my of on or should so tell that
the their them there these they this those to was were what whats what's when where which who why will
with would you your about cause causes caused treat treated treatment treatments cure therapy manage
managed management symptom symptoms sign signs diagnose diagnosed diagnosis test tested detect detected
long serious dangerous safe safety harmful harm risky side effects recover recovery outlook prognosis
people usually normally typically
common commonly happen happens please kind type types exactly really actually risk factors
lead leads reason reasons thing things medicine medicines warning early
"""
_NOT_FOCUS = frozenset(_NOT_FOCUS_WORDS.split())


def _is_medicine_question(text: str) -> bool:
    return bool(_MEDICINE.search(text))


def analyse_question(text: str) -> QuestionFocus:
    """The question's type and the content words it is about."""
    if _is_medicine_question(text):
        qtype = QuestionType.MEDICATION_CHANGE
    else:
        qtype = next((t for t, pattern in _TYPE_RULES if pattern.search(text.strip())), QuestionType.GENERAL)
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())
    terms = tuple(dict.fromkeys(w for w in words if w not in _NOT_FOCUS and len(w) > 1))
    return QuestionFocus(qtype, terms)


def stem(word: str) -> str:
    """A crude prefix stem, enough to match 'embolism'/'emboli' and 'pleural'/'pleura'."""
    word = word.lower()
    return word[: max(4, len(word) - 2)] if len(word) > 5 else word


#: Lay and medical words for the same thing, so "lung nodule" finds "pulmonary nodule".
SYNONYMS: dict[str, tuple[str, ...]] = {
    "lung": ("pulmonary",), "lungs": ("pulmonary",), "pulmonary": ("lung",),
    "heart": ("cardiac",), "cardiac": ("heart",), "kidney": ("renal",), "renal": ("kidney",),
    "xray": ("x-ray", "radiograph"), "radiograph": ("x-ray",), "cat": ("ct",),
}  # fmt: skip


def mentions(term: str, words: list[str]) -> bool:
    """Whether one focus term (or a synonym) occurs among ``words`` (prefix-stemmed)."""
    stems = [stem(t) for t in (term, *SYNONYMS.get(term, ()))]
    return any(w.startswith(st) for w in words for st in stems)


def covers(focus_terms: tuple[str, ...], text: str) -> bool:
    """Whether ``text`` mentions every focus term (two thirds of them when there are three or more)."""
    if not focus_terms:
        return False
    words = re.findall(r"[a-z0-9]+", text.lower())
    found = sum(1 for t in focus_terms if mentions(t, words))
    need = len(focus_terms) if len(focus_terms) <= 2 else -(-2 * len(focus_terms) // 3)
    return found >= need


_CASE_LIST = re.compile(
    r"^\s*(please\s+)?(show|list|open|see)?\s*(me\s+)?(all\s+)?my\s+"
    r"(requests|cases|opinions|earlier opinions|old opinions|previous opinions)\s*(please)?\s*[.!?]*\s*$",
    re.I,
)


def wants_case_list(text: str) -> bool:
    """Whether the patient asks for the "My requests" list ("my requests", "show my cases")."""
    return bool(_CASE_LIST.match(text))
