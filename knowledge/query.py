"""The focus of a patient's question: which condition, which kind of question, which words.

Real messages are long, misspelt and wrapped in a story ("my dad is 80 and has copd and I
worry: who gets pneumonia?"). Before searching, :func:`extract_focus` reads the message the
way a librarian would:

1. normalise the words (misspellings, lay phrases, abbreviations; :mod:`knowledge.lexicon`),
   and correct remaining unknown words against the corpus's own vocabulary when one is given;
2. find the sentence that asks the question (a ``?`` or a question opening), and in it the
   condition (a known condition name: the corpus's document titles and the lexicon);
3. classify the question type (cause, treatment, prognosis, test, definition...);
4. build a short lexical query of the focus terms (condition, question-type words, the
   other content words of the question sentence), capped so long stories cannot flood BM25,
   and a dense query phrased like a clean question about the condition.

Near-empty messages ("pnemonia??") become "what is pneumonia" questions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache

from knowledge.lexicon import normalise

MAX_FOCUS_TERMS = 12

#: Question types (MedQuAD's names) -> the patterns that signal them, checked in this order.
QUESTION_TYPES: tuple[tuple[str, str], ...] = (
    (
        "prevention",
        r"\b(prevent\w*|vaccin\w*|immuni[sz]\w*|avoid\w*|stop [\w ]{1,40}? from|reduce (my|the) risk)\b",
    ),
    (
        "susceptibility",
        r"\b(at risk|risk factors?|who gets|more likely|likely to get|can i still get|can you get"
        r"|who is at risk)\b",
    ),
    ("inheritance", r"\b(inherit\w*|runs? in (the|my) family|hereditary|genetic)\b"),
    (
        "exams and tests",
        r"\b(test\w*|diagnos\w*|check (you |me |him |her )?for|confirm\w*|find out if"
        r"|need (a|an) (x-ray|scan|ct)|biopsy|how do (they|doctors) know)\b",
    ),
    (
        "treatment",
        r"\b(treat\w*|cur(e|es|ed|able)|medicine\w*|medication\w*|drugs?|antibiotic\w*|therap\w*"
        r"|surgery|operation|inhalers?|what (do|can|should) (they|i|you|we) (give|take|do)"
        r"|what can be done|options?|stronger|drain\w*|anticoagulants|diuretics)\b",
    ),
    (
        "outlook",
        r"\b(outlook|prognosis|life expectancy|how long (will|does|do)|go away|get better|downhill"
        r"|recover\w*|surviv\w*|die of|fatal)\b",
    ),
    (
        "causes",
        r"\b(caus\w*|why (do|does|did|would)|what gives|how do (you|people|i) get|triggers?"
        r"|reason for|catching|contagious)\b",
    ),
    ("symptoms", r"\b(symptoms?|signs?|feel like|how do i know|what does (it|that) do to you|warning)\b"),
    ("information", r"\b(what (is|are|was|even is|does .{1,30} mean)|is (this|that|it) |mean)\b"),
)

#: Words added to the lexical query for each question type (the corpus's own wording).
TYPE_TERMS: dict[str, tuple[str, ...]] = {
    "treatment": ("treatment", "treated"),
    "causes": ("causes",),
    "symptoms": ("symptoms", "signs"),
    "exams and tests": ("diagnosis", "diagnosed", "tests"),
    "prevention": ("prevent", "prevention"),
    "susceptibility": ("risk",),
    "outlook": ("outlook", "prognosis"),
    "inheritance": ("inherited", "genetic"),
    "information": (),
}

#: How a clean question of each type is phrased (for the dense query).
TYPE_TEMPLATES: dict[str, str] = {
    "treatment": "What are the treatments for {c}?",
    "causes": "What causes {c}?",
    "symptoms": "What are the symptoms of {c}?",
    "exams and tests": "How to diagnose {c}?",
    "prevention": "How to prevent {c}?",
    "susceptibility": "Who is at risk for {c}?",
    "outlook": "What is the outlook for {c}?",
    "inheritance": "Is {c} inherited?",
    "information": "What is (are) {c}?",
}

#: Condition names always recognised, besides the corpus's titles.
CORE_CONDITIONS: frozenset[str] = frozenset(
    """
    pneumonia asthma copd emphysema bronchitis bronchiectasis tuberculosis sarcoidosis
    pleurisy pneumothorax atelectasis croup bronchiolitis influenza flu gerd anemia gout
    osteoporosis shingles stroke angina pericarditis costochondritis cough
    """.split()  # noqa: SIM905
) | frozenset(
    {
        "pulmonary embolism",
        "lung cancer",
        "heart failure",
        "heart attack",
        "pleural effusion",
        "pulmonary fibrosis",
        "idiopathic pulmonary fibrosis",
        "interstitial lung disease",
        "cystic fibrosis",
        "pulmonary hypertension",
        "sleep apnea",
        "whooping cough",
        "collapsed lung",
        "chest pain",
        "panic disorder",
        "high blood pressure",
        "lung nodule",
        "lung mass",
        "rib fracture",
        "covid-19",
        "asthma in children",
        "lung abscess",
        "empyema",
        "hypersensitivity pneumonitis",
        "acute chest syndrome",
        "sickle cell disease",
        "eosinophilic pneumonia",
        "allergic bronchopulmonary aspergillosis",
        "pneumocystis pneumonia",
        "evali",
    }
)

_FILLER = frozenset(
    """
    a about above after again all also am an and any are as at be because been before being
    both but by can could did do does doing down during each even few for from further had
    has have having he her here hers him his how i if in into is it its just me more most my
    myself no nor not now of off on once only or other our out over own really same she
    should so some such than that the their them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with
    would you your yours im ive id dont doesnt didnt cant isnt wasnt hes shes theyre thats
    whats sorry hi hello thanks thank please help doc doctor doctors said says say told
    think thought know worried worry scared terrified bit lot lots like get got getting go
    going went want need now still mum mom dad husband wife son daughter sister brother
    friend kid kids old yr yrs year years week weeks day days month months ago last since
    feel feeling awful actually pretty normal thing things stuff something anything really
    sure maybe ok okay also just
    """.split()  # noqa: SIM905
)
_SENTENCE = re.compile(r"[^.?!\n]+[?]+|[^.?!\n]+[.!\n]*")
_QUESTION_OPENING = re.compile(
    r"^\s*(what|how|why|who|when|where|which|is|are|can|could|do|does|did|should|will|would)\b"
)
_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*")


@dataclass(frozen=True)
class QueryFocus:
    """What a message asks, as used for searching.

    Attributes:
        text: The message as received.
        normalised: Lower-cased, with misspellings and lay words replaced.
        question: The sentence judged to carry the question (normalised).
        condition: The condition asked about, or ``None``.
        question_type: One of :data:`QUESTION_TYPES`' names, or ``None``.
        terms: Focus terms for the lexical query, most important first (at most
            :data:`MAX_FOCUS_TERMS`).
        corrected: Words corrected against the vocabulary (``{"brochitis": "bronchitis"}``).
    """

    text: str
    normalised: str
    question: str
    condition: str | None
    question_type: str | None
    terms: tuple[str, ...]
    corrected: dict[str, str] = field(default_factory=dict)

    @property
    def lexical_query(self) -> str:
        """The focus terms joined, for BM25."""
        return " ".join(self.terms)

    @property
    def dense_query(self) -> str:
        """A clean question about the condition when one was found, else the whole message."""
        if self.condition is None:
            return self.normalised
        template = TYPE_TEMPLATES.get(self.question_type or "information", TYPE_TEMPLATES["information"])
        extra = [t for t in self.terms if t not in self.condition.split() and t not in _type_words()]
        phrased = template.format(c=self.condition)
        return f"{phrased} {' '.join(extra[:4])}".strip()


def _type_words() -> frozenset[str]:
    return frozenset(w for words in TYPE_TERMS.values() for w in words)


def _question_sentence(text: str) -> str:
    sentences = [str(s).strip() for s in _SENTENCE.findall(text) if str(s).strip()]
    if not sentences:
        return text.strip()
    asked = [s for s in sentences if s.endswith("?") or _QUESTION_OPENING.match(s)]
    return asked[-1] if asked else sentences[-1]


def _mentions(text: str, names: Collection[str]) -> list[tuple[int, str]]:
    """Known condition names in ``text`` as (word position, name), longest names first."""
    words = _WORD.findall(text)
    taken: set[int] = set()
    found: list[tuple[int, str]] = []
    for n in range(min(6, len(words)), 0, -1):
        for i in range(len(words) - n + 1):
            cand = " ".join(words[i : i + n])
            span = set(range(i, i + n))
            if cand in names and (n > 1 or cand not in _FILLER) and not span & taken:
                taken |= span
                found.append((i, cand))
    return found


def _find_condition(text: str, names: Collection[str], story: bool = False) -> str | None:
    """The condition a text asks about.

    In a question sentence: the longest name, earliest among equals. In a whole story (no
    condition in the question sentence): the most mentioned name, latest among equals, since
    a story usually names the diagnosis after the symptoms.
    """
    found = _mentions(text, names)
    if not found:
        return None
    if story:
        counts = {name: sum(1 for _, n in found if n == name) for _, name in found}
        last = {name: pos for pos, name in found}
        return max(counts, key=lambda name: (counts[name], last[name]))
    return min(found, key=lambda m: (-len(m[1].split()), m[0]))[1]


_WH = re.compile(r"\b(what|how|which|why|who|is there|do (i|you|we) need|can|could|does|do)\b")


def question_type(text: str) -> str | None:
    """The question type of ``text`` (see :data:`QUESTION_TYPES`).

    When several match, the one whose cue comes first after the first question word wins
    ("chf dx, what are the treatment options" asks about treatment, not diagnosis); without a
    question word, the first type in the table's order.
    """
    matches = [(name, m.start()) for name, pattern in QUESTION_TYPES if (m := re.search(pattern, text))]
    if not matches:
        return None
    if len(matches) > 1:
        matches = [m for m in matches if m[0] != "information"]
    wh = _WH.search(text)
    if wh is not None:
        after = [(pos, order, name) for order, (name, _) in enumerate(matches)
                 for pos in [_first_after(text, name, wh.start())] if pos is not None]  # fmt: skip
        if after:
            return min(after)[2]
    return matches[0][0]


def _first_after(text: str, name: str, start: int) -> int | None:
    pattern = dict(QUESTION_TYPES)[name]
    m = re.compile(pattern).search(text, start)
    return m.start() if m else None


@lru_cache(maxsize=4)
def _buckets(vocabulary: frozenset[str]) -> dict[tuple[str, int], list[str]]:
    """Vocabulary words of 5+ letters by first letter and length (a misspelling rarely changes the first)."""
    out: dict[tuple[str, int], list[str]] = {}
    for word in vocabulary:
        if len(word) >= 5 and word.isalpha():
            out.setdefault((word[0], len(word)), []).append(word)
    return out


@lru_cache(maxsize=16384)
def _closest(word: str, vocabulary: frozenset[str]) -> str | None:
    """The vocabulary word very close to ``word`` (same first letter, length within 2), or None.

    Cached: the same unknown words recur from message to message, and each lookup compares
    the word with hundreds of candidates.
    """
    buckets = _buckets(vocabulary)
    pool = [c for n in range(len(word) - 2, len(word) + 3) for c in buckets.get((word[0], n), ())]
    match = difflib.get_close_matches(word, pool, n=1, cutoff=0.84)
    return match[0] if match else None


def correct_words(text: str, vocabulary: Collection[str]) -> tuple[str, dict[str, str]]:
    """Replace words of 5+ letters that are not in ``vocabulary`` by a close vocabulary word.

    Only words the vocabulary does not know are touched, only against words with the same
    first letter and a similar length, and only when a candidate is very close (difflib
    ratio >= 0.84), so ordinary words are left alone.
    """
    if not vocabulary:
        return text, {}
    vocab = vocabulary if isinstance(vocabulary, frozenset) else frozenset(vocabulary)
    fixed: dict[str, str] = {}

    def fix(m: re.Match[str]) -> str:
        w = m.group(0)
        if len(w) < 5 or w in vocab or w in _FILLER or not w.isalpha():
            return w
        match = _closest(w, vocab)
        if match:
            fixed[w] = match
            return match
        return w

    return _WORD.sub(fix, text), fixed


@lru_cache(maxsize=4)
def _known_names(conditions: frozenset[str]) -> frozenset[str]:
    """The corpus's condition names with :data:`CORE_CONDITIONS` (cached: a large corpus has
    tens of thousands of titles, and the union used to be rebuilt for every message)."""
    return CORE_CONDITIONS | conditions if conditions else CORE_CONDITIONS


def extract_focus(
    text: str, conditions: Collection[str] = (), vocabulary: Collection[str] = ()
) -> QueryFocus:
    """Read a patient's message into a :class:`QueryFocus`.

    Args:
        text: The message, as written.
        conditions: Lower-case condition names known to the corpus (its document titles);
            :data:`CORE_CONDITIONS` are always known.
        vocabulary: Lower-case words known to the corpus, for spelling correction (empty:
            only the lexicon's corrections are applied).

    Returns:
        The focus. A message with no content words keeps ``terms`` empty.
    """
    norm = normalise(text)
    norm, corrected = correct_words(norm, vocabulary)
    names = _known_names(conditions if isinstance(conditions, frozenset) else frozenset(conditions))
    question = _question_sentence(norm)
    condition = _find_condition(question, names) or _find_condition(norm, names, story=True)
    qtype = question_type(question) or question_type(norm)
    content = [w for w in _WORD.findall(question) if w not in _FILLER and (len(w) > 1 or w.isdigit())]
    if condition is not None and qtype is None and len(content) <= len(condition.split()) + 1:
        qtype = "information"
    terms: list[str] = []
    for word in [*(condition.split() if condition else []), *TYPE_TERMS.get(qtype or "", ()), *content]:
        if word not in terms and word not in _FILLER:
            terms.append(word)
    return QueryFocus(text, norm, question, condition, qtype, tuple(terms[:MAX_FOCUS_TERMS]), corrected)
