"""The chest conditions a second opinion meets: names, lay words, and how they are told apart.

One table, written in the project's own words, used three ways: to recognise an
alternative the patient names ("a blood clot" is pulmonary embolism), to decide whether
a passage is about a condition (its key terms must appear), and to write the
differential (what supports it, what argues against it, which test usually settles it).
Every entry awaits clinician review like the rest of the draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Condition:
    """One condition of the differential."""

    key: str
    name: str
    terms: tuple[str, ...]
    supports: str
    against: str
    test: str
    labels: tuple[str, ...] = ()


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "pneumonia",
        "pneumonia",
        ("pneumonia", "chest infection", "lung infection", "consolidation", "pneumonitis"),
        "fever, cough with phlegm, fast breathing and a new shadow on a chest X-ray",
        "no fever or raised infection markers and a clear film when symptoms began days earlier",
        "a chest X-ray read by a radiologist together with the examination, sometimes blood tests",
        ("pneumonia", "consolidation", "infiltration", "lung opacity"),
    ),
    Condition(
        "pulmonary_embolism",
        "a blood clot in the lung (pulmonary embolism)",
        ("pulmonary embolism", "blood clot", "clot", "embolism", "embolus", "pe", "dvt", "thrombosis"),
        "sudden breathlessness, sharp chest pain on breathing, a fast pulse, a swollen calf, "
        "recent surgery, long travel or immobility",
        "a gradual illness with fever and phlegm, and a low clinical probability with a normal D-dimer",
        "a D-dimer blood test and, when that is raised or the probability is high, a CT pulmonary "
        "angiogram; a plain chest X-ray cannot show a clot",
    ),
    Condition(
        "lung_cancer",
        "a lung cancer or other lung mass (tumour)",
        ("lung cancer", "cancer", "tumour", "tumor", "malignancy", "mass", "carcinoma", "growth"),
        "a shadow that persists or grows, weight loss, coughing blood, a long smoking history, "
        "or a large nodule or mass on CT",
        "a shadow that clears completely on a repeat film after treatment of an infection",
        "a CT scan of the chest and, for a suspicious mass, a biopsy reviewed by a specialist team",
        ("mass", "nodule", "lung lesion"),
    ),
    Condition(
        "nodule",
        "a lung nodule",
        ("nodule", "spot on the lung", "spot on my lung", "lung spot"),
        "a small round shadow seen on CT or, when larger, on a chest X-ray",
        "a shadow explained by overlapping structures that a CT does not confirm",
        "a chest CT and, by its size and risk, follow-up CT at intervals set by Fleischner or "
        "Lung-RADS guidance",
        ("nodule",),
    ),
    Condition(
        "tuberculosis",
        "tuberculosis (TB)",
        ("tuberculosis", "tb"),
        "a cough for more than two to three weeks, night sweats, weight loss, contact with TB, "
        "and upper-lobe shadows or cavities",
        "a short illness that settles with ordinary antibiotics",
        "sputum tests for TB (smear, culture and a molecular test)",
        ("tuberculosis",),
    ),
    Condition(
        "covid19",
        "COVID-19",
        ("covid", "covid-19", "coronavirus", "sars-cov-2"),
        "recent exposure, fever, loss of taste or smell, and patchy shadows on both sides",
        "a negative test early in the illness that is repeated and remains negative",
        "a PCR or antigen test for SARS-CoV-2",
        ("covid-19", "covid"),
    ),
    Condition(
        "heart_failure",
        "heart failure with fluid on the lungs",
        ("heart failure", "pulmonary oedema", "pulmonary edema", "fluid on the lungs", "cardiomegaly"),
        "ankle swelling, breathlessness lying flat, a large heart shadow and fluid on the X-ray",
        "a normal heart size and a normal BNP blood test",
        "a BNP or NT-proBNP blood test and an echocardiogram (heart ultrasound)",
        ("cardiomegaly", "edema", "oedema"),
    ),
    Condition(
        "pleural_effusion",
        "fluid around the lung (pleural effusion)",
        ("pleural effusion", "fluid around the lung", "water on the lung"),
        "breathlessness and a blunted angle at the base of the lung on the X-ray",
        "a sharp angle at the lung base and no fluid on ultrasound",
        "an ultrasound of the chest and, if the cause is unclear, a sample of the fluid",
        ("effusion", "pleural effusion"),
    ),
    Condition(
        "empyema",
        "pus around the lung (empyema)",
        ("empyema",),
        "fever that persists despite antibiotics for pneumonia, with fluid around the lung",
        "a fever that settles and no fluid on ultrasound",
        "an ultrasound or CT and a sample of the fluid",
    ),
    Condition(
        "pneumothorax",
        "a collapsed lung (pneumothorax)",
        ("pneumothorax", "collapsed lung", "punctured lung"),
        "sudden one-sided chest pain and breathlessness, with a visible lung edge on the X-ray",
        "lung markings that reach the chest wall on a good-quality film",
        "a chest X-ray, sometimes a CT",
        ("pneumothorax",),
    ),
    Condition(
        "copd",
        "COPD or emphysema",
        ("copd", "emphysema", "chronic bronchitis", "chronic obstructive"),
        "long-standing breathlessness and cough, a smoking history, and low-density lung on CT",
        "normal breathing tests (spirometry)",
        "spirometry (breathing tests) before and after an inhaler",
        ("emphysema",),
    ),
    Condition(
        "asthma",
        "asthma",
        ("asthma", "wheeze", "wheezing"),
        "wheeze and breathlessness that come and go, worse at night or with triggers",
        "fixed symptoms and normal breathing tests with no variability",
        "spirometry with a reversibility test, or peak-flow records over time",
    ),
    Condition(
        "bronchitis",
        "acute bronchitis (a chest cold)",
        ("bronchitis", "chest cold"),
        "a cough after a cold, with no fever after the first days and a clear chest X-ray",
        "a new shadow on the X-ray, high fever or fast breathing",
        "the examination and, when pneumonia is suspected, a chest X-ray",
    ),
    Condition(
        "bronchiectasis",
        "bronchiectasis",
        ("bronchiectasis",),
        "a daily cough with a lot of phlegm for months and repeated chest infections",
        "a cough that settles completely between infections",
        "a high-resolution CT of the chest",
    ),
    Condition(
        "ild",
        "interstitial lung disease (lung scarring)",
        ("interstitial lung disease", "ild", "pulmonary fibrosis", "fibrosis", "lung scarring"),
        "gradual breathlessness over months, a dry cough and crackles at the lung bases",
        "breathlessness that is episodic or explained by another cause",
        "a high-resolution CT and breathing tests including gas transfer",
        ("fibrosis",),
    ),
    Condition(
        "sarcoidosis",
        "sarcoidosis",
        ("sarcoidosis", "sarcoid"),
        "swollen glands in the middle of the chest, skin or eye inflammation",
        "no enlarged glands on imaging",
        "a CT and often a biopsy of a gland",
    ),
    Condition(
        "atelectasis",
        "a partly collapsed area of lung (atelectasis)",
        ("atelectasis",),
        "shallow breathing after surgery or a blocked airway, with a shadow that loses volume",
        "a shadow that does not change with deep breathing or physiotherapy",
        "a repeat film after deep breathing, sometimes a CT or bronchoscopy",
        ("atelectasis",),
    ),
    Condition(
        "aspiration",
        "aspiration (inhaled food, drink or vomit)",
        ("aspiration", "inhaled food", "choking"),
        "choking or vomiting before the illness, swallowing problems, shadows in the lower lobes",
        "no episode of choking or reduced consciousness",
        "the history, a chest X-ray and, if needed, a swallowing assessment",
    ),
    Condition(
        "costochondritis",
        "chest-wall pain (costochondritis or muscle strain)",
        ("costochondritis", "muscle strain", "chest wall", "pulled muscle", "musculoskeletal"),
        "pain that is tender to press on the chest wall and changes with movement",
        "breathlessness, fever or an abnormal X-ray",
        "the examination; tests mainly exclude other causes",
    ),
    Condition(
        "rib_fracture",
        "a broken rib",
        ("rib fracture", "broken rib", "cracked rib", "fractured rib"),
        "an injury or a strong cough fit with sharp pain over one spot of a rib",
        "no injury and no point tenderness",
        "the examination; an X-ray or CT when a complication is suspected",
        ("fracture",),
    ),
    Condition(
        "heart_attack",
        "a heart problem such as angina or a heart attack",
        ("heart attack", "angina", "heart problem", "cardiac", "my heart", "heart trouble", "heart issue"),
        "crushing chest pain spreading to the arm or jaw, sweating, or pain on exertion",
        "pain that is sharp, reproduced by pressing, and an ECG and troponin that are normal",
        "an ECG and a troponin blood test, urgently when the pain is ongoing",
    ),
    Condition(
        "viral_infection",
        "a viral chest infection",
        ("viral infection", "virus", "flu", "influenza", "rsv", "viral"),
        "a cold or flu-like start, muscle aches and widespread mild changes on the X-ray",
        "a dense shadow in one lobe with high fever, which fits bacterial pneumonia better",
        "a viral swab test; the X-ray alone rarely tells a virus from bacteria",
    ),
)

_BY_KEY = {c.key: c for c in CONDITIONS}


def condition(key: str) -> Condition:
    """The condition with ``key`` (raises ``KeyError`` for an unknown key)."""
    return _BY_KEY[key]


def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])" + re.escape(term) + r"(?:s|es)?(?![a-z])", re.IGNORECASE)


_PATTERNS: list[tuple[Condition, re.Pattern[str]]] = [
    (c, _term_pattern(t)) for c in CONDITIONS for t in c.terms
]


def conditions_in(text: str) -> list[Condition]:
    """Conditions named in ``text``, in order of first mention, each once.

    A mention of a longer term wins over a shorter one at the same place ("lung cancer"
    is one mention of lung cancer, not also a bare "cancer").
    """
    hits: list[tuple[int, int, Condition]] = []
    for cond, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            hits.append((match.start(), -(match.end() - match.start()), cond))
    hits.sort(key=lambda h: (h[0], h[1]))
    out: list[Condition] = []
    covered_until = -1
    for start, neg_len, cond in hits:
        if start < covered_until:
            continue
        covered_until = start - neg_len
        if cond not in out:
            out.append(cond)
    return out


def for_label(label: str) -> Condition | None:
    """The condition an imaging finding label points at, if the table has one."""
    low = label.lower().replace("_", " ")
    for cond in CONDITIONS:
        if any(lab == low or lab in low for lab in cond.labels):
            return cond
    return None


def mentions(condition_: Condition, text: str) -> bool:
    """True when ``text`` names the condition by any of its terms."""
    return any(_term_pattern(t).search(text) for t in condition_.terms)


#: Topics the pack covers that the table above has no entry for: a document titled with
#: one of them is about that topic, not about any condition of the table.
OTHER_TOPICS = re.compile(
    r"\b(bronchiolitis|croup|pericarditis|pleurisy|whooping cough|pertussis|aortic dissection|"
    r"lung abscess|reflux|gord|gerd|anxiety|panic|shingles|mesothelioma)\b",
    re.IGNORECASE,
)


def addresses(condition_: Condition, sentence: str, title: str) -> bool:
    """Whether a quoted source sentence is *about* ``condition_``, not a passing mention.

    The sentence must name the condition first and at most one other (a list of
    alternatives is not an answer about any of them; "A tumour ... can cause a pneumonia"
    is about the tumour), and come from a document whose title is about
    that condition or about no particular condition (an effusion sentence from a note on
    bronchiolitis does not answer a question about pneumonia).
    """
    named = conditions_in(sentence)
    if not named or named[0] != condition_ or len(named) > 2:
        return False
    topics = conditions_in(title)
    if topics:
        return condition_ in topics
    return not OTHER_TOPICS.search(title)
