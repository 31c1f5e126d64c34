"""Guardrails: uploads quoted as data, no diagnosis or orders in the patient's voice, red flags.

Three independent checks the composer and the pipeline call:

- :func:`quote_untrusted` wraps text from uploads (PDF reports, DICOM text fields) in
  delimiters the prompt explains, after neutralising anything that could close the
  quote or forge the prompt's structure; :func:`detect_injection` flags instruction-like
  text so a clinician sees it.
- :func:`check_clinical_voice` finds definitive diagnoses ("you have pneumonia") and
  treatment orders ("you should stop taking ...") and rewrites or drops them.
- :func:`assess_priority` turns intake red flags, and emergencies :mod:`assistant.triage`
  finds in the intake, into an ``urgent`` queue priority.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from assistant.intake import IntakeRecord
from assistant.triage import Triage, rules_only_triage
from assistant.triage.rules import category_labels

BEGIN_QUOTE = "<<<BEGIN QUOTED DOCUMENT>>>"
END_QUOTE = "<<<END QUOTED DOCUMENT>>>"
_MAX_QUOTED_CHARS = 2000

# Sequences that could end the quote, open a new one, or forge a prompt field.
_DELIMITER_LIKE = re.compile(r"<{2,}|>{2,}|\[/?(?:INST|SYS)\]|<\|[^|>]*\|>|<(?:/?)start_of_turn>")
_FIELD_LABEL = re.compile(
    r"^(\s*)(topic|facts|explanation|situation|questions|system|assistant|user)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_SUBJECT = r"(?:opinion|draft|summary|answer|report|conclusion|assistant|ai|model|system|you|bot)"
_INJECTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rx, re.IGNORECASE))
    for name, rx in (
        (
            "override",
            r"\b(ignore|disregard|forget|override|skip|bypass|set aside|pay no attention to|"
            r"throw away|drop)\b[^.]{0,40}\b(instructions?|prompts?|rules|guidelines|directions|"
            r"above|previous|prior|earlier|everything|what you were told|your (?:training|programming))\b",
        ),
        (
            "override_other_language",
            r"\b(ignor\w*|olvid\w*|oubli\w*|vergiss\w*|negeer\w*|ignorier\w*|dimentic\w*|esque\w*)\b"
            r"[^.]{0,40}\b(instru\w*|anweisung\w*|consign\w*|regeln|r[eè]gles|reglas|regole|regras|"
            r"vorgaben|indicaciones|istruzioni)",
        ),
        (
            "role_play",
            r"\b(you are now|act as|pretend to be|from now on|new role|tu es maintenant|"
            r"ab jetzt bist du|a partir de ahora eres|d[eé]sormais tu)\b",
        ),
        ("system_prompt", r"\b(system prompt|new instructions?|developer mode|jailbreak|new task)\b"),
        (
            "dictated_output",
            r"\b(say|state|write|tell (?:the )?(?:patient|reader|doctor)|respond|declare|"
            r"answer|conclude|report|output)\b(?!\s+(?:says|said|shows|showed|states|stated|reads))"
            r"[^.]{0,40}\b(that )?(the )?(scan|image|x-?ray|ct|study|"
            r"result|finding|lungs?)s? (is|are|was|were|looks?) (normal|fine|clear|negative|benign|healthy)",
        ),
        (
            "dictated_conclusion",
            r"\b" + _SUBJECT + r"\b[^.?]{0,30}\b(should|must|has to|needs? to|shall|is to|is required to)\b"
            r"[^.?]{0,30}\b(say|state|conclude|confirm|agree|find|mention|declare|rule out|exclude|"
            r"report|write|call it)\b",
        ),
        (
            "suppress",
            r"\b(do not|don't|never|avoid|no need to) (mention|report|include|cite|tell|say|flag)\b",
        ),
    )
)
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_QUOTE_MARK = re.compile(r"(?m)^\s*(?:>+|\||#+|[-*]\s)\s*")


def normalise_for_detection(text: str) -> str:
    """One line of plain text: compatibility forms folded, invisible characters and quote
    markers removed, words split across lines joined, so an instruction cannot hide in layout.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _QUOTE_MARK.sub("", text)
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    return " ".join(text.split())


@dataclass(frozen=True)
class InjectionFinding:
    """Instruction-like text found inside an upload."""

    source: str
    pattern: str
    excerpt: str


def neutralise(text: str) -> str:
    """Make upload text safe to place between quote delimiters.

    Removes control characters, replaces ``<<``/``>>`` runs and chat-template tokens with
    harmless look-alikes, and prefixes prompt field labels (``Topic:``, ``System:``) so a
    document cannot close its quote or forge a new prompt entry.
    """
    text = _CONTROL.sub(" ", text)
    text = _DELIMITER_LIKE.sub(lambda m: "\u2039" * min(len(m.group(0)), 3), text)
    return _FIELD_LABEL.sub(lambda m: f"{m.group(1)}(quoted) {m.group(2)}:", text)


def quote_untrusted(text: str, source: str, *, max_chars: int = _MAX_QUOTED_CHARS) -> str:
    """Quote upload text as data between :data:`BEGIN_QUOTE` and :data:`END_QUOTE`.

    Args:
        text: Text extracted from an upload.
        source: What it is, e.g. ``"PDF report"`` (also neutralised).
        max_chars: Longest excerpt kept; longer text is cut and marked.

    Returns:
        A block ending in a newline, safe to insert into a prompt.
    """
    body = neutralise(text).strip()
    if len(body) > max_chars:
        body = body[:max_chars].rstrip() + " [...]"
    label = neutralise(source).replace("\n", " ").strip() or "upload"
    return f"Quoted document ({label}):\n{BEGIN_QUOTE}\n{body}\n{END_QUOTE}\n"


def detect_injection(text: str, source: str = "upload") -> list[InjectionFinding]:
    """Find instruction-like text in untrusted text (to flag, never to follow).

    Used for uploads, every intake answer and chat messages. The text is normalised
    first (:func:`normalise_for_detection`) so line breaks, quote markers and invisible
    characters do not hide an instruction; paraphrases, some other languages and
    instructions that dictate the conclusion are recognised.

    Args:
        text: Untrusted text (upload, intake answer, chat message).
        source: What it is, for the flag.

    Returns:
        One finding per matching pattern, with a short excerpt around it.
    """
    found: list[InjectionFinding] = []
    text = normalise_for_detection(text)
    for name, pattern in _INJECTION_PATTERNS:
        match = pattern.search(text)
        if match:
            start, end = max(0, match.start() - 20), min(len(text), match.end() + 20)
            excerpt = " ".join(text[start:end].split())
            found.append(InjectionFinding(source=source, pattern=name, excerpt=excerpt))
    return found


# ---- the draft's voice -------------------------------------------------------------------

_NOT_DIAGNOSIS = r"(?!(?:a|an|the)?\s*(?:right|question|choice|doctor|appointment|scan|copy)\b)"
_DIAGNOSIS_PATTERNS = (
    re.compile(
        r"\byou (?:definitely |certainly |clearly |really )?(?:have|suffer from|"
        r"are suffering from|'ve got|have got)\s+" + _NOT_DIAGNOSIS + r"([^.,;:!?\[]{2,60})",
        re.IGNORECASE,
    ),
    re.compile(r"\byou (?:do not|don't) have\s+([^.,;:!?\[]{2,60})", re.IGNORECASE),
    re.compile(r"\b(?:the|your) diagnosis is\s+([^.,;:!?\[]{2,60})", re.IGNORECASE),
    re.compile(r"\bthis (?:is|confirms) (?:definitely |certainly )?([^.,;:!?\[]{2,60})", re.IGNORECASE),
)
_VERDICT = re.compile(
    r"\b(?:the |your )?(?:scan|image|images|x-?ray|ct|study|lungs?) (?:is|are|was|were|looks?) "
    r"(?:completely |entirely |totally )?(?:normal|fine|clear|healthy)\b|\bnothing (?:is )?wrong\b",
    re.IGNORECASE,
)
_ORDER = re.compile(
    r"\b(?:you (?:should|must|need to|have to|ought to)|please|do not|don't|"
    r"^(?:take|stop|start|increase|decrease|double|halve|skip))\b[^.!?]{0,20}?\b(?:take|taking|"
    r"stop|stopping|start|starting|increase|decrease|double|halve|skip|continue|use|"
    r"discontinue|quit)\b",
    re.IGNORECASE,
)
_DOSE = re.compile(
    r"\b\d+(?:\.\d+)?\s?(?:mg|mcg|µg|g|ml|units?)\b(?:[^.]{0,30}\b(?:daily|"
    r"twice|times|every|per day|a day))?",
    re.IGNORECASE,
)

VoiceIssue = Literal["diagnosis", "verdict", "treatment_order"]


@dataclass(frozen=True)
class VoiceCheck:
    """The outcome of :func:`check_clinical_voice` for one sentence."""

    text: str | None
    issues: list[VoiceIssue] = field(default_factory=list)

    @property
    def dropped(self) -> bool:
        """True when the sentence could not be rewritten safely and was removed."""
        return self.text is None


def voice_issues(sentence: str) -> list[VoiceIssue]:
    """List the ways a sentence speaks as a diagnosis, a verdict or a treatment order."""
    issues: list[VoiceIssue] = []
    if any(p.search(sentence) for p in _DIAGNOSIS_PATTERNS):
        issues.append("diagnosis")
    if _VERDICT.search(sentence):
        issues.append("verdict")
    if _ORDER.search(sentence) or _DOSE.search(sentence):
        issues.append("treatment_order")
    return issues


def check_clinical_voice(sentence: str) -> VoiceCheck:
    """Rewrite a definitive diagnosis as a possibility; drop verdicts and treatment orders.

    ``"You have pneumonia."`` becomes ``"The findings could fit pneumonia; only your own
    doctor can confirm a diagnosis."``. Sentences that order, stop or dose a treatment,
    or declare the images normal, are dropped (``text`` is ``None``).

    Args:
        sentence: One sentence of draft text.

    Returns:
        The (possibly rewritten) sentence and the issues found.
    """
    issues = voice_issues(sentence)
    if not issues:
        return VoiceCheck(text=sentence)
    if "treatment_order" in issues or "verdict" in issues:
        return VoiceCheck(text=None, issues=issues)
    match = _DIAGNOSIS_PATTERNS[0].search(sentence)
    if match and sentence.lower().lstrip().startswith("you"):
        condition = match.group(1).strip()
        rewritten = f"The findings could fit {condition}; only your own doctor can confirm a diagnosis."
        if not voice_issues(rewritten):
            return VoiceCheck(text=rewritten, issues=issues)
    return VoiceCheck(text=None, issues=issues)


# ---- priority -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityAssessment:
    """The queue priority a case should get, and why."""

    priority: Literal["routine", "urgent"]
    reasons: list[str]
    #: The same, in plain words a patient can read ("possible sepsis"), without rule names.
    signs: list[str] = field(default_factory=list)
    #: For each sign the triage found in the intake, the category and the text it was found in (the
    #: chat's red flags have none), so that a draft can name the sign by what the story says.
    found_in: dict[str, tuple[str, str]] = field(default_factory=dict)


def _plain(label: str) -> str:
    """A category label as words inside a sentence ("Possible sepsis" -> "possible sepsis")."""
    label = label.replace("_", " ")
    return label[:1].lower() + label[1:]


#: Below this age a heart attack is rare enough that naming one alarms more than it informs: the
#: cardiac category's chest pain is named for what it is (a read draft told a 16-year-old with a
#: collapsed lung that "possible heart attack" had been reported). The emergency advice is unchanged.
YOUNG_CHEST_PAIN_AGE = 30
YOUNG_CHEST_PAIN = "chest pain with warning signs"
TIGHT_CHEST = "a tight chest with breathlessness"
#: "wheeze and tight chest", "chest feels tight", with no pain named anywhere in the text.
_TIGHT_NOT_PAIN = re.compile(
    r"^(?![\s\S]*\bpain)[\s\S]*\b(?:tight\w* (?:in (?:the |my |his |her )?)?chest|chest (?:is |feels |felt )?"
    r"tight\w*)\b",
    re.I,
)


#: Chest pain whose character points away from the heart: on breathing in, on pressing or moving,
#: eased sitting forward.
_NOT_CARDIAC_PAIN = re.compile(
    r"\b(?:(?:deep|big) breaths?|breath(?:e|ing)? in|inhal\w*|tender|press(?:ing|ed)?|twist\w*|"
    r"mov(?:e|es|ing)|sitting forward|lean\w* forward|pleuritic|bruis\w*|injur\w*|fell|fall|"
    # "chest pain from rib fractures, worse breathing and coughing" (an inpatient after a fall)
    r"fractur\w*|broken|worse (?:on |with |when )?(?:breathing|coughing))\b",
    re.I,
)


_CARDIAC_PAIN = re.compile(
    r"\b(?:crushing|heavy|heaviness|squeez\w*|pressure|arm|jaw|sweat\w*|clammy)\b", re.I
)
_CHEST = re.compile(r"\b(?:chest|breastbone|sternum|ribs?)\b", re.I)


def _chest_pain_not_cardiac(text: str) -> bool:
    """Whether every clause about the chest describes pain of a non-cardiac character and none a
    cardiac one (crushing, heavy, to the arm or jaw, with sweating)."""
    clauses = [c for c in re.split(r"[;\n]", text) if _CHEST.search(c)]
    return bool(clauses) and all(_NOT_CARDIAC_PAIN.search(c) and not _CARDIAC_PAIN.search(c) for c in clauses)


def _sign(category: str, label: str, age: int | None) -> str:
    """A category's label in plain words for a draft, named by age where the label would mislead."""
    if category == "cardiac" and age is not None and age < YOUNG_CHEST_PAIN_AGE:
        return YOUNG_CHEST_PAIN
    return _plain(label)


def red_flag_names(red_flags: Sequence[str], age: int | None = None) -> list[str]:
    """The chat's recorded red flags (category keys such as "unconscious") in plain words.

    With ``age`` (a draft's reader), a label that would mislead at that age is named by its
    symptoms instead (:data:`YOUNG_CHEST_PAIN`); the clinician's pages give no age and keep the
    triage category's own label.
    """
    labels = category_labels()
    return [_sign(f.strip(), labels.get(f.strip(), f.strip()), age) for f in red_flags if f.strip()]


_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "a couple of": 2,
    "two": 2,
    "three": 3,
    "a few": 3,
    "few": 3,
    "several": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "many": 6,
}
_UNIT_DAYS = {
    "hour": 1 / 24,
    "day": 1.0,
    "night": 1.0,
    "week": 7.0,
    "fortnight": 14.0,
    "month": 30.0,
    "year": 365.0,
}
_SPAN = re.compile(
    r"\b(\d+(?:\.\d+)?|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")?"
    r"\s*(hour|day|night|week|fortnight|month|year)s?\b",
    re.IGNORECASE,
)
#: Words that say a long-standing symptom has changed now ("suddenly worse", "since this morning").
_CHANGED_NOW = re.compile(
    r"\b(?:now|today|tonight|this (?:morning|afternoon|evening)|since (?:this morning|last night|"
    r"yesterday)|sudden(?:ly)?|(?:much|far|a lot) worse|worse (?:today|overnight|fast|quickly)|"
    r"getting worse (?:fast|quickly|by the hour))\b",
    re.IGNORECASE,
)
#: A symptom whose duration says it is over ("about 10 days, now gone"): history, not an emergency; the
#: summary says it is over.
RESOLVED = re.compile(
    r"\b(?<!not )(?<!never )(?<!n't )(?<!yet )(?:now gone|gone now|all gone|(?:has |have )?"
    r"(?:resolved|settled|cleared|stopped)(?! (?:and|but) )|"
    r"went away|gone away|no longer|all better|better now)\b(?! worse)",
    re.IGNORECASE,
)
#: A note on the symptom itself saying it is over: "confusion (resolved)", "fever - now settled" (a read draft
#: sent a man discharged the day before to A&E for the confusion he had had on admission).
RESOLVED_NOTE = re.compile(
    r"\(\s*(?:now |since |has |had )?(?:resolved|settled|gone|cleared|better|stopped)\s*\)|"
    r"[,;-]\s*(?:now |since )?(?:resolved|settled|gone|cleared)\s*$",
    re.IGNORECASE,
)
#: A symptom that has lasted this long is a history, not an emergency happening now.
LONG_STANDING_DAYS = 14.0


def lasting_days(duration: str) -> float | None:
    """How many days a symptom's stated duration spans ("3 weeks" -> 21, "over a year" -> 365).

    ``None`` when the text names no span of time ("since the summer", "on and off").
    """
    spans = []
    for match in _SPAN.finditer(duration):
        number, unit = match.group(1), match.group(2).lower()
        if number is None:  # "months", "for weeks": at least two of them
            count = 2.0 if match.group(0).lower().endswith("s") else 1.0
        else:
            count = float(number) if number[0].isdigit() else float(_NUMBER_WORDS[number.lower()])
        spans.append(count * _UNIT_DAYS[unit])
    return max(spans) if spans else None


def long_standing(description: str, duration: str) -> bool:
    """Whether a symptom is a history rather than something happening now: it has lasted two weeks
    or more ("coughing and choking when eating", 4 months; "cannot lie flat", 3 weeks) and its own
    words say nothing changed now ("suddenly much worse today")."""
    days = lasting_days(duration)
    return days is not None and days >= LONG_STANDING_DAYS and not _CHANGED_NOW.search(description)


#: Words too common to tie an event to another symptom's onset ("after a choking episode on nuts").
_EVENT_FILLER = frozenset(
    [
        "after",
        "since",
        "following",
        "from",
        "with",
        "while",
        "when",
        "the",
        "a",
        "an",
        "and",
        "on",
        "in",
        "of",
        "at",
        "his",
        "her",
        "my",
        "their",
        "its",
        "episode",
        "fit",
        "bout",
        "attack",
        "spell",
        "time",
    ]
)
_ONSET_AFTER = re.compile(
    # "started 2 days after choking on popcorn"
    r"^\s*(?:started |began |came on |starting )?"
    r"(?:(?:\d+|a|an|one|two|three|a few|several) (?:hours?|days?|weeks?) )?"
    r"(?:after|since|following)\b",
    re.IGNORECASE,
)


def dated_by_another(intake: IntakeRecord, index: int) -> bool:
    """Whether symptom ``index`` is an event another symptom's onset names as its start, when that
    other symptom has lasted days ("choking and coughing fit while eating nuts", a few minutes,
    beside a cough of 12 days whose onset is "after a choking episode on nuts"): the event is as
    old as the symptom it started, so it is the story, not an emergency now."""
    own = set(re.findall(r"[a-z]{3,}", intake.symptoms[index].description.lower())) - _EVENT_FILLER
    for j, other in enumerate(intake.symptoms):
        if j == index or not _ONSET_AFTER.search(other.onset or ""):
            continue
        days = lasting_days(other.duration or "")
        named = set(re.findall(r"[a-z]{3,}", (other.onset or "").lower())) - _EVENT_FILLER
        if days is not None and days >= 1 and own & named:
            return True
    return False


_BRIEF = re.compile(r"\b(?:seconds?|a minute|minutes?|\d+ ?mins?|briefly|a moment|a few moments)\b", re.I)
#: When something happened, not how long it lasted: "2 days ago", "yesterday", "last week"; "2.5 weeks ago"
#: whole (a summary had dated an event "5 weeks ago").
AGO = re.compile(
    r"\b(?:(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|ten|twelve|a few|several) "
    r"(?:days?|weeks?|months?|years?) ago|yesterday|last (?:week|night|month|year))\b",
    re.I,
)


_ONCE = re.compile(r"\b(?:once|one time|a single (?:time|episode))\b", re.I)
_BEFORE = re.compile(
    r"\b(?:\w+ )?(?:days?|weeks?) before (?:the )?(?:illness|it started|this|the (?:fever|cough))\b", re.I
)


def past_episode(when: str) -> bool:
    """Whether a symptom's timing says it was a brief episode that is over ("about a minute, 12 days
    ago", "once, 10 days ago", "20-30 seconds, 2 days before illness"): a choking fit told as history,
    not an emergency now."""
    return bool((_BRIEF.search(when) or _ONCE.search(when)) and (AGO.search(when) or _BEFORE.search(when)))


#: The illness the symptom list describes is over: "im home now and ok", "discharged and back to normal"
#: (a read draft told a 14-year-old home and well after acute chest syndrome to call emergency services for
#: the oxygen of 90% he had had in hospital two weeks before).
_RECOVERED_NOW = re.compile(
    r"\b(?:i'?m|i am|im|he'?s|he is|she'?s|she is|we'?re|they'?re)\s+(?:back\s+)?(?:home|out of hospital|"
    r"discharged)\s+(?:now\s+)?(?:and|&)\s+(?:\w+\s+)?(?:ok|okay|fine|well|better|back to normal)\b"
    # "she is better now and home" (a past admission for a chest crisis, told to understand it)
    r"|\b(?:i'?m|i am|im|he'?s|he is|she'?s|she is|we'?re|they'?re)\s+(?:much\s+|a lot\s+)?better now\s+"
    r"(?:and|&)\s+(?:back\s+)?home\b"
    r"|\b(?:has|have|had)\s+(?:fully\s+)?recovered\b|\bback to (?:normal|(?:my|his|her|their) (?:usual|"
    r"old) self)\b",
    re.I,
)
#: ... unless something is said to go on: "home and ok but still breathless on the stairs".
_STILL = re.compile(
    r"\b(?:but|except|apart from|although|though)\b[^.!?]{0,40}\bstill\b|\bstill (?:get|have|feel|cough|"
    r"breathless|short)",
    re.I,
)


def recovered_now(intake: IntakeRecord) -> bool:
    """Whether the story says the illness the symptom list describes is over, with nothing said to go on."""
    story = "\n".join([intake.reason_for_second_opinion, intake.main_question])
    # a hope asked about is no recovery told: "will my lungs go back to normal?" (a new case's 17-year-old,
    # breathless talking on the phone five days after discharge, was read as recovered)
    told = [x for x in re.split(r"(?<=[.!?\n])\s*", story) if "?" not in x]
    return any(_RECOVERED_NOW.search(x) for x in told) and not _STILL.search(story)


def symptoms_now(intake: IntakeRecord) -> list[str]:
    """The symptom text to triage for an emergency now (one text, or none).

    A symptom whose duration says it is over ("about 10 days, now gone") is left out too, and so
    is an event another symptom's onset dates ("after a choking episode", :func:`dated_by_another`).

    A symptom that has lasted weeks or more with nothing said to have changed
    (:func:`long_standing`) is left out: it is the story the clinician reads, not an
    emergency, and the draft must not call it one. The others are joined as before, so a
    rule that needs two of them together (a fever and new confusion) still fires. The chat's
    red flags and the main question are triaged apart.
    """
    if recovered_now(intake):
        return []
    current = [
        s.description
        for i, s in enumerate(intake.symptoms)
        if not long_standing(s.description, s.duration)
        and not RESOLVED.search(f"{s.duration} {s.onset}")
        and not RESOLVED_NOTE.search(s.description)
        and not dated_by_another(intake, i)
        and not past_episode(f"{s.duration} {s.onset}")
    ]
    return ["; ".join(current)] if current else []


#: A question about what caused something already told: "is the heavy bleeding from it?", "could it just be
#: phlegm, or the piece of steak he choked on?" (read drafts called both an emergency: the heavy periods were
#: in the symptom list, the choking two months old).
_CAUSE_QUESTION = re.compile(
    r"^\s*(?:and |or |but |so )?(?:(?:could|might|can|would)\s+(?:it|this|that|these|they)\s+"
    r"(?:just |really |also |simply |not )?(?:be|have been)\b|(?:is|was|are|were)\s+(?:the|my|his|her|their|"
    r"this|that|these)\b[^?]{0,60}\b(?:from|caused by|due to|because of|a side[- ]effect of)\s+(?:it|them|"
    r"the|my|his|her|this|that|these)\b|"
    # "Could he have breathed a nut in when he choked and it's still there?": a past event asked about (a read
    # draft opened with an emergency for a choking fit 18 months before)
    r"(?:could|might|can|would)\s+(?:he|she|they|i|we|you)\s+have\s+(?:breathed|inhaled|swallowed|choked|"
    r"sucked|caught|picked up)\b)",
    re.I,
)
#: ... unless the sentence says it is going on now: "could the chest pain I have right now be a clot?".
_GOING_ON_NOW = re.compile(
    # not an object "still there" or "still stuck": where it is, not a symptom now
    r"\b(?:now|still(?! (?:there|in there|down there|inside|stuck|lodged|in (?:his|her|my|their|the) "
    r"(?:lungs?|chest|airways?)))|at the moment|currently|this "
    r"(?:morning|evening|afternoon)|tonight|today)\b",
    re.I,
)


def question_to_triage(question: str) -> str:
    """The main question without its questions about the cause of what is already told ("is the heavy
    bleeding from it?", "could it be the steak he choked on?"): such a question names a symptom to ask
    about it, not to report it happening now; a sentence that says it is going on now stays."""
    kept = []
    for sentence in re.split(r"(?<=[?.!])\s+", question):
        asked = sentence.rstrip().endswith("?") and not _GOING_ON_NOW.search(sentence)
        clauses = re.split(r",?\s+(?=(?:and|or|but)\s)|,\s+", sentence) if asked else [sentence]
        cause = False
        for clause in clauses:
            # "could it just be phlegm, or the piece of steak he choked on?": the alternatives after "or"
            # belong to the same question
            cause = asked and bool(_CAUSE_QUESTION.search(clause) or (cause and clause.startswith("or ")))
            if not cause:
                kept.append(clause)
    return " ".join(kept)


def assess_priority(
    intake: IntakeRecord, triage: Triage | None = None, red_flags: Sequence[str] = ()
) -> PriorityAssessment:
    """Raise a case to ``urgent`` when intake carries red flags or triage finds an emergency.

    Red flags recorded by the chat (its triage of every message) always count; the symptoms
    and the patient's question are triaged again with the same module, so an emergency the
    chat did not see still reaches the clinician first. A symptom that has lasted weeks with
    nothing said to have changed is history, not an emergency now (:func:`symptoms_now`).

    Args:
        intake: The case's intake record.
        triage: The application's triage; the rules-only triage when not given.
        red_flags: Emergency symptoms the chat's triage raised during intake.

    Returns:
        ``urgent`` with the reasons, or ``routine`` with none.
    """
    reasons = [f"red flag from intake: {flag.strip()}" for flag in red_flags if flag.strip()]
    signs = red_flag_names(red_flags, intake.age)
    found_in: dict[str, tuple[str, str]] = {}
    checker = triage or rules_only_triage()
    # The first symptom's onset counts only while that symptom is current: "sudden, right after a choking
    # episode with a toy" of a cough three weeks old is history (a read draft opened with an emergency).
    first = intake.symptoms[0] if intake.symptoms else None
    onset_now = first is not None and not long_standing(first.description, first.duration)
    # "started 2 days after choking on popcorn" of a cough of 8 days: the event it dates from is as old as the
    # cough (a read draft called a choking fit 10 days before an emergency now)
    if first is not None and _ONSET_AFTER.search(first.onset or ""):
        days = lasting_days(first.duration or "")
        onset_now = onset_now and (days is None or days < 1)
    question = question_to_triage(intake.main_question)
    for text in (*symptoms_now(intake), intake.onset if onset_now else "", question):
        decision = checker.check(text) if text.strip() else None
        if decision is not None and decision.emergency:
            reasons.append(f"emergency in intake ({decision.category}, {decision.reference})")
            label = decision.label or str(decision.category or "an emergency")
            category = str(decision.category or "")
            # Sharp pain on breathing in, pain on pressing or moving, or pain eased sitting forward is
            # named for what it is, not "possible heart attack" (read drafts said so to a woman with
            # tender chest-wall pain and a man with pericarditis); the urgent advice is unchanged.
            if category == "cardiac" and _chest_pain_not_cardiac(text):
                signs.append(YOUNG_CHEST_PAIN)
                continue
            # "wheeze and tight chest" with no pain told is a tight chest, not "chest pain" (a read draft told
            # a pregnant woman with an asthma attack of chest pain she never had); the advice is unchanged
            if category == "cardiac" and _TIGHT_NOT_PAIN.search(text):
                signs.append(TIGHT_CHEST)
                continue
            sign = _sign(category, label, intake.age)
            signs.append(sign)
            found_in.setdefault(sign, (category, text))
    return PriorityAssessment(
        priority="urgent" if reasons else "routine",
        reasons=reasons,
        signs=list(dict.fromkeys(signs)),
        found_in=found_in,
    )
