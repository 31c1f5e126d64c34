"""What patients ask about besides conditions: treatments, tests, urgent care, activity, contacts.

One vocabulary, in the project's own words, used three ways: to recognise what a
question names ("a water tablet" is a diuretic, "A&E" is urgent care), to answer it
with a general, cautious statement that leaves the decision to the clinician, and by
the vignette rubric to check that an answer names what was asked. Every note awaits
clinician review like the rest of the draft.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from assistant.drafting.medicines import ASTHMA_BIOLOGIC_NAMES, OPIOID_NAMES

TopicKind = Literal["treatment", "test", "urgent", "activity", "contacts", "lifestyle", "exposure"]


@dataclass(frozen=True)
class Topic:
    """One thing a patient can ask about: a medicine, a test, going to hospital, work, a relative."""

    key: str
    kind: TopicKind
    name: str
    patterns: tuple[str, ...]
    note: str = ""
    #: How the draft names what the patient said (pattern, words): "nursery", "a holiday",
    #: rather than the topic's general name; the patient's own word when none fits.
    says: tuple[tuple[str, str], ...] = ()
    _compiled: list[re.Pattern[str]] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._compiled.extend(
            re.compile(r"(?<![a-z])(?:" + p + r")(?![a-z])", re.IGNORECASE) for p in self.patterns
        )

    def search(self, text: str) -> re.Match[str] | None:
        """The first place ``text`` names this topic, or ``None``."""
        found = [m for p in self._compiled if (m := p.search(text))]
        return min(found, key=lambda m: m.start()) if found else None

    def spots(self, text: str) -> list[re.Match[str]]:
        """Every place ``text`` names this topic."""
        return [m for p in self._compiled for m in p.finditer(text)]

    def words(self, text: str) -> list[str]:
        """What ``text`` asks about under this topic, in the draft's words ('swimming', 'PE'), each once."""
        found = sorted((m.start(), -m.end(), m.group(0)) for m in self.spots(text))
        out, covered = [], -1
        for start, neg_end, said in found:
            if start >= covered:  # "a coach journey" is one thing said, not also "the journey"
                out.append(self._say(said))
                covered = -neg_end
        return list(dict.fromkeys(out)) or [self.name]

    def _say(self, said: str) -> str:
        for pattern, words in self.says:
            if re.fullmatch(pattern, said, re.IGNORECASE):
                return words
        return said.lower()


#: Treatment topics answered with their note alone, never as a medicine whose prescriber decides.
ADVICE_ONLY = frozenset(
    {
        "interaction",
        "alcohol",
        "fasting",
        "sick_day",
        "pregnancy",
        "vaccines",
        "rsv_immunisation",
        "feeding_tube",
        "comfort_care",
    }
)

#: Plans of care asked about ("will he need a feeding tube?", "what would comfort care mean?"): answered with
#: their note, and what happens next is still asked (read drafts lost the general next step beside them).
CARE_PLANS = frozenset({"feeding_tube", "comfort_care"})

#: Advice on medicines, not one to ask for or to be on ("Do I need alcohol with the treatment?", comfort
#: care); a vaccine still is.
NOT_A_NEED = ADVICE_ONLY - {"vaccines", "rsv_immunisation"}

TOPICS: tuple[Topic, ...] = (
    Topic(
        "antibiotic",
        "treatment",
        "the antibiotic",
        (
            r"anti-?bi?o?tics?",
            r"antibo?tics?",
            r"amoxicillin",
            r"co-amoxiclav",
            r"clarithromycin",
            r"doxycycline",
            r"azithromycin",
            r"penicillin",
        ),
        "antibiotics treat bacterial infections and do not help viral infections, asthma, heart "
        "failure or blood clots; the choice of antibiotic, the dose and the length of the course "
        "are set by the prescriber, and a course should not be stopped early without asking them, "
        "although shorter courses are now common when recovery is quick",
    ),
    # "Should I be getting Paxlovid like my friend?" (a new case's question was not read as one about
    # treatment)
    Topic(
        "antiviral",
        "treatment",
        "an antiviral medicine",
        # named, since "the antiviral" for shingles or chickenpox is aciclovir, which this note is not about
        (
            r"paxlovid",
            r"nirmatrelvir",
            r"molnupiravir",
            r"lagevrio",
            r"remdesivir",
            r"tamiflu",
            r"oseltamivir",
            r"zanamivir",
            r"relenza",
            r"xofluza",
            r"baloxavir",
        ),
        "antiviral medicines for COVID-19 (such as Paxlovid) or flu (such as oseltamivir, Tamiflu) work "
        "best when started within the first few days of symptoms (about five days for COVID-19, two for "
        "flu), and are offered to people at higher risk of becoming seriously ill, under national rules "
        "that usually turn on older age, a weakened immune system or certain long-term conditions; Paxlovid "
        "interacts with many common medicines, so the prescriber or a pharmacist checks the full list "
        "first, and whether one is right is the prescriber's decision",
    ),
    Topic(
        "steroid",
        "treatment",
        "the steroid tablets",
        (r"steroids?", r"prednisolone", r"prednisone", r"hydrocortisone", r"dexamethasone"),
        "steroid tablets such as prednisolone calm inflammation; a short course, often about five days, "
        "speeds recovery from a flare-up of COPD or asthma, and in conditions such as sarcoidosis they are "
        "used only when symptoms or the organs affected need them; trouble sleeping, restlessness and "
        "raised blood sugar are known side effects (people with diabetes usually check their sugar more "
        "often during a course), and longer courses have more: with high doses for weeks or months (as for "
        "pneumonitis or vasculitis), the team usually considers protection for the bones (calcium and "
        "vitamin D, sometimes a bone medicine), the stomach and, with other medicines that lower immunity, "
        "an antibiotic that prevents pneumocystis pneumonia, and checks blood sugar and blood pressure; "
        "after more than about three weeks they are "
        "not stopped suddenly, since the body's own steroid hormone needs time to recover, so the prescriber "
        "lowers the dose step by step, and whether to start, stop or change them is the prescriber's "
        "decision",
    ),
    # Vaccines were asked about and met with general text: the RSV injection for a baby born early, jabs for
    # the family after whooping cough, the BCG after a TB contact.
    Topic(
        "rsv_immunisation",
        "treatment",
        "the RSV injection for babies",
        (
            r"rsv (?:injection|jab|jag|vaccine|vaccination|immuni[sz]ation|antibody|shot)s?",
            r"nirsevimab",
            r"palivizumab",
            r"beyfortus",
            r"synagis",
        ),
        "RSV protection for babies is an antibody injection: a single long-acting one (nirsevimab) is now "
        "offered in many countries to babies in their first RSV season, and a monthly one through the winter "
        "(palivizumab) has long been given to babies at the highest risk, such as those born very early with "
        "lasting lung disease or with significant heart disease; some countries instead offer an RSV vaccine "
        "in late pregnancy, which protects the baby for the first months; who qualifies depends on the local "
        "programme and the baby's history, an illness with RSV does not fully protect against the next one, "
        "and whether a baby can still have it this season or next is a question for the GP or the baby's "
        "hospital team",
    ),
    Topic(
        "vaccines",
        "treatment",
        "vaccines",
        (r"(?<!rsv )vaccin\w*", r"(?<!rsv )(?:jabs?|jags?)", r"immuni[sz]ations?", r"boosters?", r"bcg"),
        "vaccines are given once someone has recovered from an acute illness, and having had an "
        "infection is not a reason to skip them: a yearly flu vaccine and a pneumococcal vaccine are advised "
        "for people "
        "with a long-term lung or heart condition, a weakened immune system or aged 65 and over, with COVID "
        "and RSV vaccines offered by age and risk; a whooping cough vaccine in each pregnancy protects the "
        "baby in the first weeks, and babies are protected by their own routine vaccines from 8 weeks; BCG "
        "is given to babies and children at higher risk of TB and mainly protects young children from severe "
        "TB, it protects adults less, and it can make a TB skin test positive but does not affect the TB "
        "blood test (IGRA); the GP or practice nurse can say which vaccines are due",
    ),
    Topic(
        "diuretic",
        "treatment",
        "a water tablet (diuretic)",
        (r"water (?:tablets?|pills?)", r"diuretics?", r"furosemide", r"frusemide", r"bumetanide"),
        "water tablets (diuretics) such as furosemide clear fluid that builds up with heart failure and "
        "are often started for breathlessness or swelling from fluid while the heart is being assessed "
        "with a BNP blood test and an echocardiogram; they ease the fluid but do not treat the heart's "
        "underlying weakness, which other medicines chosen after the echocardiogram do, and they need "
        "blood tests of kidney function and salts within a week or two of starting",
    ),
    Topic(
        "inhaler",
        "treatment",
        "the inhalers",
        (
            r"inhalers?",
            r"puffers?",
            r"salbutamol",
            r"tiotropium",
            r"nebuli[sz]ers?",
            # relievers and long-acting inhalers by their names ("Ventolin 2 puffs when needed": a read draft
            # asked "Do I need inhalers?" of a baker using two)
            r"ventolin",
            r"salamol",
            r"airomir",
            r"terbutaline",
            r"bricanyl",
            r"ipratropium",
            r"atrovent",
            r"spiriva",
            r"anoro",
            r"trelegy",
        ),
        "inhalers open or calm narrowed airways in asthma and COPD; needing the reliever much more "
        "often than usual is a sign of a flare-up that needs a clinician the same day",
    ),
    Topic(
        "steroid_inhaler",
        "treatment",
        "the steroid (preventer) inhaler",
        (
            r"steroid (?:inhaler|puffer|preventer)s?",
            r"inhaled steroids?",
            r"preventers?(?: inhalers?)?",
            r"clenil",
            r"beclometasone",
            r"qvar",
            r"fluticasone",
            r"flixotide",
            r"budesonide",
            r"pulmicort",
            r"seretide",
            r"symbicort",
            r"fostair",
            r"relvar",
            r"trimbow",
        ),
        "a preventer inhaler holds a small dose of steroid that calms the airways when it is used every "
        "day, even when well; it is a different medicine from steroid tablets, and far less of it reaches "
        "the rest of the body; rinsing the mouth after it and using a spacer lower the chance of a sore "
        "mouth or hoarse voice",
    ),
    Topic(
        "anticoagulant",
        "treatment",
        "blood thinners (anticoagulants)",
        (r"blood thinners?", r"anticoagula\w+", r"apixaban", r"rivaroxaban", r"warfarin", r"heparin"),
        "blood thinners such as apixaban prevent strokes in an irregular heart rhythm (atrial "
        "fibrillation) and treat or prevent blood clots; bruising is common while taking them, and before "
        "a procedure such as a fluid tap or a biopsy they are sometimes paused for a day or two, on the "
        "advice of the team doing it; they should not be stopped without that advice, and bleeding that "
        "will not stop, black stools or coughing up blood need urgent review; anti-inflammatory "
        "painkillers such as ibuprofen or naproxen add to the risk of bleeding with them, so paracetamol "
        "is usually the first painkiller, and a pharmacist or doctor advises on anything stronger",
    ),
    Topic(
        "antiplatelet",
        "treatment",
        "the antiplatelet medicine",
        (r"clopidogrel", r"plavix", r"ticagrelor", r"brilique", r"prasugrel", r"antiplatelets?"),
        "clopidogrel, ticagrelor and low-dose aspirin are antiplatelet medicines, which make the blood's "
        "platelets less sticky and are different from anticoagulants such as apixaban; before a biopsy or "
        "another procedure they are often stopped about five to seven days ahead, but after a heart stent "
        "or a stroke that decision is made with the cardiologist or stroke team, because stopping them "
        "too early can cause a heart attack or a stroke, so they should never be stopped without that "
        "advice",
    ),
    Topic(
        "painkiller",
        "treatment",
        "the painkillers",
        (
            r"pain ?killers?",
            r"pain ?relie(?:f|vers?)",
            r"pain (?:medicines?|medications?|tablets?)",
            r"ibuprofen",
            r"naproxen",
            r"paracetamol",
            r"anti-?inflammator\w+",
        ),
        "anti-inflammatory painkillers such as ibuprofen ease chest-wall pain but do not suit everyone "
        "(stomach, kidney, heart or asthma problems, or a blood thinner, with which they add to the risk "
        "of bleeding), so paracetamol is often tried first for chest-wall pain, while for pericarditis or "
        "pleurisy an anti-inflammatory is itself the treatment; the choice, dose and length are for the "
        "doctor or pharmacist to advise",
    ),
    Topic(
        "opioid",
        "treatment",
        "codeine-type medicines",
        OPIOID_NAMES,
        "codeine-type (opioid) medicines, such as co-codamol or codeine linctus, ease pain or suppress a "
        "cough; constipation is very common with them and a laxative usually helps, drowsiness is common "
        "too, and it is an offence to drive while a medicine impairs driving, so anyone who feels drowsy "
        "on them should not drive; codeine cough medicines are not advised for a cough that brings up "
        "phlegm, and a doctor or pharmacist can suggest another medicine",
    ),
    Topic(
        "antifibrotic",
        "treatment",
        "antifibrotic treatment",
        (r"nintedanib", r"ofev", r"pirfenidone", r"esbriet", r"anti-?fibrotics?"),
        "antifibrotic medicines such as nintedanib and pirfenidone slow the loss of lung function in some "
        "kinds of lung fibrosis but do not reverse the scarring; diarrhoea is a common side effect of "
        "nintedanib and is usually managed by the specialist team with anti-diarrhoea medicine or a lower "
        "dose, so bowel problems such as IBS are worth raising with them before starting",
    ),
    # "Should she take hydroxyurea and is it safe for a child? I read it is a cancer medicine" (a new case's
    # question was summarised as one about codeine-type medicines); BSH guidance (2018) on hydroxycarbamide
    # in sickle cell disease
    Topic(
        "hydroxycarbamide",
        "treatment",
        "hydroxycarbamide (hydroxyurea)",
        (r"hydroxy ?carbamide", r"hydroxy ?urea", r"siklos", r"hydrea"),
        "hydroxycarbamide (hydroxyurea) is a daily medicine for sickle cell disease that raises the amount "
        "of foetal haemoglobin in the red cells, so that they sickle less; it lowers the number of pain "
        "crises, episodes of acute chest syndrome, transfusions and hospital stays, and UK guidance advises "
        "offering it to children with the commonest severe types (HbSS and HbS beta-zero) from 9 months of "
        "age; it is also used, at other doses, for some blood disorders and cancers, which is why leaflets "
        "call it a cancer medicine, but it is well studied and usually well tolerated in children with "
        "sickle cell disease; it can lower the blood counts, so regular blood tests are part of taking it, "
        "and it is not taken in pregnancy; the haematology team sets and checks the dose",
    ),
    # "Would the biologic injection be right for me, and is it safe to give before this is sorted out?" (a new
    # case's treatment question went unlisted)
    Topic(
        "asthma_biologic",
        "treatment",
        "a biologic injection",
        (
            r"biologics?(?: (?:injections?|jabs?|treatments?|therap\w*|medicines?))?",
            *ASTHMA_BIOLOGIC_NAMES,
        ),
        "biologic injections for severe asthma (such as mepolizumab, benralizumab, dupilumab, omalizumab or"
        " tezepelumab) each block one part of the inflammation behind asthma attacks; they are for asthma "
        "that stays uncontrolled despite high-dose inhalers taken well, are chosen by a severe-asthma "
        "specialist team after checking inhaler technique, how regularly the inhalers are taken and blood "
        "tests such as the eosinophil count and IgE, and they usually cut attacks and steroid courses; when"
        " another condition is suspected alongside the asthma, such as an inflammation of the blood vessels"
        " (EGPA), the specialist team usually assesses it first, since it changes which treatment is right",
    ),
    Topic(
        "thickened_drinks",
        "treatment",
        "thickened drinks",
        (
            r"thicken\w* (?:drinks?|fluids?|liquids?)",
            r"thickeners?",
            r"soft(?:er)? (?:food|diet)",
            r"pureed? food",
        ),
        "thickened drinks and softer food are advised after a swallowing assessment by a speech and "
        "language therapist shows that thin drinks or some foods go the wrong way; the therapist sets the "
        "thickness and how to sit and eat, and antibiotics treat an infection that follows but do not "
        "stop food or drink going the wrong way",
    ),
    Topic(
        "contraceptive_pill",
        "treatment",
        "the contraceptive pill",
        (
            # "can I keep taking my pill?" after a clot (a read draft never answered it)
            r"(?:the|combined|contraceptive|mini|my|her) pill(?!s| for)",
            r"contracepti\w+",
            r"microgynon",
            r"rigevidon",
            r"yasmin",
            r"cilest",
        ),
        "the combined contraceptive pill slightly raises the risk of blood clots; when a clot is suspected "
        "or found, the prescriber usually advises stopping it, and another method of contraception is "
        "needed from the day it stops; after a clot, a pill or patch containing oestrogen is usually not "
        "restarted, while progestogen-only methods (the mini pill, an implant, a hormone coil) or a copper "
        "coil are usually suitable, and reliable contraception matters on blood thinners such as warfarin, "
        "which can harm a baby in pregnancy",
    ),
    # "is the amoxicillin safe for the baby?", "could this make me go into labour early?" asked at 27 weeks
    # (a read draft answered with the antibiotic's general note and treated the baby as a contact)
    Topic(
        "pregnancy",
        "treatment",
        "medicines and the illness in pregnancy",
        (
            r"(?:safe|ok|okay|harm\w*|hurt|affect\w*|bad|dangerous) (?:for|to) (?:the|my|her|our) "
            r"(?:unborn )?bab(?:y|ies)",
            r"(?:in|during|while) pregnan\w*|while (?:i'?m |i am |she'?s |she is )?pregnant",
            r"(?:go|going|went|gone|send|bring|brings) (?:me |her )?into (?:early |premature )?labou?r",
            r"(?:early|premature|preterm) (?:labou?r|birth|delivery)",
        ),
        "in pregnancy, penicillins such as amoxicillin, and erythromycin, are widely used and considered "
        "safe for the baby, while some antibiotics (tetracyclines such as doxycycline, and usually the "
        "quinolones) are avoided, so a pharmacist or the prescriber checks any other medicine first; "
        "paracetamol is the usual painkiller, and anti-inflammatories such as ibuprofen are avoided, above "
        "all after 20 weeks; an "
        "untreated chest infection and a high fever carry more risk to the pregnancy than the usual "
        "treatment, and a severe infection can bring on early labour, so contractions, tummy pain, bleeding, "
        "leaking fluid or the baby moving less than usual need the maternity assessment unit the same day",
    ),
    # "can I have a drink on these antibiotics?" (a read draft answered with the antibiotic alone)
    Topic(
        "alcohol",
        "treatment",
        "alcohol with the treatment",
        (
            r"alcohol\w*",
            r"booze",
            r"beers?",
            r"wine",
            r"pints?",
            r"have (?:a|the odd|an occasional|the occasional) (?:drink|glass|pint)",
            r"drink(?:ing)? (?:on|with|while (?:on|taking)) (?:the |these |this |my |his |her )?"
            r"(?:antibiotics?|tablets?|medicines?|treatment)",
        ),
        "with most antibiotics and other usual medicines an occasional drink is not dangerous, although "
        "alcohol can slow recovery and add to side effects such as an upset stomach or drowsiness; a few "
        "medicines, such as the antibiotic metronidazole, react badly with alcohol, which is then avoided "
        "during the course and for two days after; for someone who drinks heavily, stopping suddenly can "
        "bring on withdrawal, which can be dangerous, so cutting down is best planned with the GP or an "
        "alcohol service",
    ),
    # "Can I use my inhalers while fasting in Ramadan without breaking my fast?" (a new case's draft answered
    # only that the prescriber decides)
    Topic(
        "fasting",
        "treatment",
        "medicines while fasting",
        (
            r"fasting",
            r"(?:break\w*|keep\w*|during|through) (?:the |my |his |her |their |our )?fast",
            r"ramadan",
            r"ramzan",
            r"suhoor",
            r"sehri",
            r"iftar",
            r"roza",
            r"(?:yom )?kippur",
            r"lent\b",
        ),
        "religious scholars differ on whether an inhaler breaks a fast, and many hold that a reliever or "
        "preventer inhaler does not; illness is itself an accepted reason not to fast, and a faith leader "
        "can advise; a preventer taken once or twice a day can usually be timed at the meals before dawn "
        "and after sunset, with the prescriber's agreement, while a reliever is still used whenever it is "
        "needed, fasting or not; tablets timed around the fast, and fasting with diabetes or heart failure, "
        "are planned with the prescriber or a pharmacist beforehand",
    ),
    # "Can we refuse blood for her, what are the alternatives, and could they really take us to court?" (a
    # Jehovah's Witness family's question went unanswered)
    Topic(
        "transfusion",
        "treatment",
        "a blood transfusion",
        (
            r"(?:blood )?transfusions?",
            r"refus\w* (?:a |the |any )?blood",
            r"blood products?",
            r"jehovah'?s? witness\w*",
        ),
        "a blood transfusion is advised only when its benefit is judged to outweigh its risks; an adult who "
        "can make the decision may refuse it, and the refusal is respected; for a child, the team works "
        "with the family to use every alternative, such as treating the cause, medicines and iron that help "
        "the body make blood, and ways of limiting blood loss during procedures, and a hospital liaison "
        "committee for Jehovah's Witnesses can help; only when a child's life or serious harm is at stake "
        "and no alternative works do doctors ask a court to decide, which is rare; this is best discussed "
        "with the treating team before any procedure",
    ),
    # "Should I keep taking all my diabetes tablets?" of a man with pneumonia who was barely eating, "should I
    # be changing my prednisolone dose while I'm ill?" (a read draft said only that empagliflozin is not
    # stopped without the prescriber; a new case's question went unanswered)
    Topic(
        "sick_day",
        "treatment",
        "medicines during an illness (sick-day rules)",
        (
            r"sick[- ]?days?(?: rules?| guidance| plan)?",
            r"diabetes (?:tablets?|pills?|medicines?|medications?|meds)",
            r"(?:sugar|diabetic) (?:tablets?|pills?|medicines?|meds)",
            r"(?:chang\w+|doubl\w+|increas\w+|rais\w+|up) (?:my |his |her |their |the )?(?:prednisolone|"
            r"hydrocortisone|steroids?)(?: dose)?",
            r"(?:prednisolone|hydrocortisone|steroids?)(?: dose)? (?:while|when|whilst) "
            r"(?:i'?m |i am |he'?s |she'?s |they'?re )?(?:ill|sick|unwell|poorly)",
        ),
        "during an illness with a fever, vomiting, diarrhoea or little eating and drinking, some medicines "
        "follow sick-day rules: metformin and the SGLT2 diabetes tablets (names ending in -gliflozin, such "
        "as empagliflozin or dapagliflozin) are usually paused until eating and drinking normally again for "
        "a day or two, because of the risk of acid building up in the blood (ketoacidosis, which can happen "
        "even with normal sugar levels), as are ACE inhibitors, sartans, water tablets and anti-inflammatory "
        "painkillers while dehydrated, with sugars checked more often; steroid tablets taken every day for a "
        "long time are never stopped suddenly, and their sick-day rules usually double the daily dose during "
        "a fever or an illness needing bed rest, with an emergency injection when vomiting stops them being "
        "kept down; the prescriber, diabetes team or a pharmacist confirms which rules apply, and vomiting, "
        "tummy pain, fast breathing or drowsiness while on these diabetes tablets need urgent care the same "
        "day",
    ),
    # "Does she really need a feeding tube?" of a child with cerebral palsy, "Is a feeding tube a good idea?"
    # of a woman with advanced dementia (both read drafts left the question unanswered)
    Topic(
        "feeding_tube",
        "treatment",
        "a feeding tube",
        (
            r"feeding tubes?",
            r"peg(?: tubes?| feeds?)?",
            r"gastrostomy",
            r"ng tubes?",
            r"nasogastric(?: tubes?)?",
            r"tube[- ]fe(?:d|eding)",
        ),
        "a feeding tube (usually a gastrostomy, through the skin into the stomach) is considered when "
        "swallowing is unsafe or eating cannot keep up with what the body needs, after a swallowing "
        "assessment by a speech and language therapist and a dietitian's review; when weight is falling "
        "and meals are long and tiring, it can protect nutrition and make feeding safer, and small tastes "
        "by mouth can often continue for pleasure; in advanced dementia it has not been shown to prevent "
        "aspiration pneumonia (saliva and stomach contents can still go down the wrong way) or to lengthen "
        "life, so careful hand feeding is usually advised instead; the decision is made together with the "
        "family and the person's own known wishes",
    ),
    # "What would comfort care actually mean for her?", "What does comfort care mean, and can her
    # breathlessness be eased?" (two read drafts left the question unanswered)
    Topic(
        "comfort_care",
        "treatment",
        "comfort care",
        (
            r"comfort care",
            r"comfort (?:only|measures)",
            r"palliative(?! (?:chemo\w*|radio\w*|treatment|intent|immuno\w*|folfox|surgery|stent))(?: care)?",
            r"end[- ]of[- ]life care",
            r"(?:keep|keeping|made|make|making) (?:her|him|them|me|mum|dad|mom) comfortable",
            r"hospice",
        ),
        "comfort (palliative) care puts easing symptoms first, rather than treatments aimed at cure or at "
        "lengthening life: breathlessness is eased by sitting upright, a fan on the face, calm company and, "
        "when needed, small doses of a morphine-type medicine, which at these doses ease breathlessness "
        "without shortening life; cough, pain, fever and anxiety are treated too, and medicines that no "
        "longer help are stopped; it can be given at home or in a care home with the GP and community "
        "palliative care nurses, and antibiotics, water tablets or fluids can still be used when they add "
        "to comfort; agreeing in advance what should happen if things get worse (a treatment escalation "
        "plan, such as a ReSPECT form) helps everyone follow the person's wishes",
    ),
    # "should I have oxygen in the house?" (a read draft answered with the general treatment text)
    Topic(
        "home_oxygen",
        "treatment",
        "oxygen at home",
        (
            r"oxygen (?:at|in the|for the|for) (?:home|house)",
            r"home oxygen",
            r"oxygen (?:cylinders?|concentrators?|machines?|tanks?|bottles?)",
        ),
        "oxygen at home is assessed when the illness is stable, not during or just after a flare-up: the "
        "oxygen level is measured at rest, and when it stays low (about 92% or less) a specialist team "
        "checks the blood gases and decides whether long-term oxygen would help; it does not ease "
        "breathlessness when the oxygen level is normal, and it is not usually prescribed to people who "
        "still smoke, because of the risk of fire and burns",
    ),
    Topic(
        "interaction",
        "treatment",
        "taking it with the other medicines",
        (
            r"clash\w*",
            r"interact\w*",
            r"(?:mix|mixed|mixing) (?:it |them )?with",
            r"(?:together|alongside) (?:with )?(?:my|his|her|the other)",
            r"safe (?:to take )?with (?:my|his|her)",
            r"take (?:it|them|this|these|that|those) (?:with|alongside) (?:my|his|her|the)",
        ),
        "the prescriber or a pharmacist checks whether a new medicine interacts with the medicines "
        "already taken, so they should see the full list, including anything bought without a "
        "prescription",
    ),
    Topic("ct", "test", "a CT scan", (r"ct(?: scans?)?", r"cat scans?", r"computed tomography")),
    Topic("xray", "test", "a chest X-ray", (r"x-?rays?", r"xrays?", r"chest films?")),
    Topic(
        "brain_scan",
        "test",
        "a brain scan",
        (
            r"brain scans?",
            r"head scans?",
            r"(?:ct|cat|mri)(?: scans?)? (?:of|on) (?:the|his|her|my|their) (?:head|brain)",
            r"(?:ct|mri) (?:head|brain)",
            r"brain (?:mri|ct)(?: scans?)?",
        ),
    ),
    Topic("pet", "test", "a PET-CT scan", (r"pet[- ]?ct(?: scans?)?", r"pet scans?", r"(?-i:PET)")),
    Topic(
        "swallow",
        "test",
        "a swallowing assessment",
        (r"swallow\w* (?:assessments?|tests?|stud(?:y|ies)|checks?)", r"speech and language"),
    ),
    Topic("ultrasound", "test", "an ultrasound scan", (r"ultrasound", r"doppler")),
    Topic("echo", "test", "an echocardiogram", (r"echo(?:cardiogram)?s?", r"heart scans?")),
    Topic(
        "lung_function",
        "test",
        "lung function tests",
        (r"lung function(?: tests?)?", r"breathing tests?", r"spirometry"),
    ),
    Topic("biopsy", "test", "a biopsy", (r"biops(?:y|ies)",)),
    # "Does he need a camera test or another x-ray?" of an inhaled coin (a new case's question was read as one
    # about the X-ray alone)
    Topic(
        "bronchoscopy",
        "test",
        "a bronchoscopy (a camera test of the airways)",
        (
            r"bronchoscop(?:y|ies|ic)",
            r"camera (?:tests?|looks?|examinations?|investigations?|procedures?)"
            r"(?! (?:of|into|in|down) (?:the |my |his |her |their )?"
            r"(?:stomach|gullet|bowel|tummy|throat|swallow\w*|nose))",
            r"camera (?:down|into|in) (?:the|his|her|my|their) (?:lungs?|airways?|windpipe|chest)",
        ),
    ),
    Topic(
        "pleural_tap",
        "test",
        "a sample of the fluid (pleural tap)",
        (
            r"(?:fluid|water|it) (?:be |being |to be )?(?:drained|tapped|sampled|taken off|removed)",
            r"drain(?:ed|ing|age)? (?:off )?(?:the |that |this )?(?:fluid|water)",
            r"(?:fluid|water) (?:\w+ )?(?:be |being )?tested",
            r"pleural (?:tap|aspiration)",
            r"sample of the fluid",
        ),
    ),
    Topic("blood_test", "test", "blood tests", (r"blood tests?", r"d-?dimer", r"bnp", r"troponin")),
    Topic("ecg", "test", "an ECG", (r"ecgs?", r"ekgs?", r"heart tracing")),
    Topic(
        "urgent",
        "urgent",
        "A&E or hospital",
        (
            r"a ?& ?e",
            r"a and e",
            r"emergency(?: department| room)?",
            r"hospital",
            r"casualty",
            r"urgent care",
            r"999",
            r"911",
            r"ambulance",
        ),
    ),
    Topic(
        "gym",
        "activity",
        "the gym and exercise",
        (
            r"p\.?e\.? (?:lessons?|class\w*|kit)",
            r"(?<=and )pe",
            r"bowls",
            r"golf",
            r"tennis",
            r"netball",
            r"hockey",
            r"cricket",
            r"gym",
            r"exercis\w*",
            r"sports?",
            r"training",
            r"yoga",
            r"pilates",
            r"swimming",
            r"running",
            r"jogging",
            # "Should I stop walking the dog up the hill till I know?"
            r"walk(?:ing|s)? (?:the|my|our|his|her) dogs?",
            r"dog[- ]?walk\w*",
            r"hill ?walk\w*",
            r"cycling",
            r"football",
            r"rugby",
            r"dancing",
            r"div(?:e|es|ing)",
            r"scuba",
            # "can I play in the tournament", "the county trials", "my 10k race"
            r"tournaments?",
            # "can he play the trials in 3 weeks?", "the county trials" (not a clinical trial)
            r"(?<=play )(?:in )?the trials?",
            r"(?:county|club|academy|football|rugby|team|squad|district) trials?",
            r"competitions?",
            r"compet(?:e|ing)",
            r"(?:a|the|my|his|her|next|this) (?:big )?race",
            # "can I keep racing?", "races most weekends"
            r"racing|races",
            r"(?:half[- ])?marathons?|10k|5k|parkrun",
            r"soccer",
            r"basketball",
            r"baseball",
            r"volleyball",
            r"badminton",
            r"athletics",
            r"gymnastics",
            r"martial arts|karate|judo|taekwondo|boxing",
            r"climbing|hiking|skiing|surfing|rowing|lacrosse",
            r"(?:horse )?riding",
        ),
        says=(
            (r"gym", "the gym"),
            (r"exercis\w*", "exercise"),
            (r"sports?", "sport"),
            (r"p\.?e\.?(?: \w+)?", "PE"),
            (r"div(?:e|es|ing)|scuba", "diving"),
            (r"tournaments?", "the tournament"),
            (r".*trials?", "the trials"),
            (r"compet\w*", "competing"),
            (r".*(?:race|races|racing|marathons?|10k|5k|parkrun)", "racing"),
        ),
    ),
    Topic(
        "work",
        "activity",
        "work",
        (
            # not a medicine working: "keep waiting for the antibiotics to work", "aren't working" (a read
            # draft answered a retired 78-year-old's question about his antibiotics with advice on work)
            r"(?<!n't )(?<!not )(?<!it to )(?<!them to )(?<!tics to )(?<!blets to )(?<!cine to )(?<!ment to )"
            r"(?<!thing to )work(?:ing)?",
            r"jobs?",
            r"shifts?",
            # "will he have to give up farming?"
            r"farming",
            # "how long does she stay off school", "off school", "away from school"
            r"(?:back to|go(?:ing)? to|miss(?:ing)?|"
            r"(?:stay|stays|staying|kept|keep \w+) (?:off|home from|away from)|"
            r"off) school",
            r"nursery",
            r"college",
            r"exams?",
            r"gcses?",
            r"day cent(?:re|er)",
            # "should she stay home from creche?"
            r"cr[eè]ches?",
            r"day ?care",
            r"pre-?school",
            r"kindergarten",
            r"playgroup",
            r"childminders?",
        ),
        says=(
            (r"work(?:ing)?|jobs?|shifts?", "work"),
            (r".*school", "school"),
            (r"exams?|gcses?", "exams"),
            (r"day cent(?:re|er)", "going to the day centre"),
        ),
    ),
    Topic(
        "travel",
        "activity",
        "travel and flying",
        (
            r"fly(?:ing)?",
            r"flights?",
            r"travel\w*",
            r"holidays?",
            # not "like my coach says" or "I train 5 times a week" (a read draft answered a runner's question
            # about racing as one about "a coach journey")
            r"(?:coach|bus|train) (?:trip|journey|ride|travel)s?|(?:by|on (?:a|the)) (?:coach|bus|train)|"
            r"ferry",
            r"cruise",
            r"journey",
            r"trip",
            r"abroad",
        ),
        says=(
            (r"fly(?:ing)?|flights?", "flying"),
            (r"travel\w*", "travel"),
            (r"holidays?", "a holiday"),
            (r"(?:by |on (?:a|the) )?coach(?: \w+)?", "a coach journey"),
            (r"(?:by |on (?:a|the) )?bus(?: \w+)?", "a bus journey"),
            (r"(?:by |on (?:a|the) )?train(?: \w+)?", "a train journey"),
            (r"ferry(?: \w+)?", "a ferry crossing"),
            (r"cruise", "a cruise"),
            (r"journey", "the journey"),
            (r"trip", "the trip"),
            (r"abroad", "travel abroad"),
        ),
    ),
    Topic("driving", "activity", "driving", (r"driv(?:e|ing)",), says=((r"driv(?:e|ing)", "driving"),)),
    Topic(
        "smoking",
        "lifestyle",
        "smoking",
        (r"smok\w*", r"vap(?:e|es|ed|ing)", r"cigarettes?", r"e-?cig\w*", r"tobacco"),
        says=((r"vap\w*|e-?cig\w*", "vaping"), (r"smok\w*|cigarettes?|tobacco", "smoking")),
    ),
)

#: What the patient breathes in at home or at work (birds, pets, mould, dusts), with what it can mean
#: for the lungs in general terms; the draft names it in the patient's word ("budgies").
EXPOSURES: tuple[Topic, ...] = (
    Topic(
        "birds",
        "exposure",
        "birds",
        (
            r"budgies?",
            r"budgerigars?",
            # "parrot fever" names the infection, not the birds (a read draft asked whether "the exposure to
            # parrot" mattered for a boy who helped in a pigeon loft)
            r"parrots?(?!\s+fever)",
            r"cockatiels?",
            r"canar(?:y|ies)",
            r"love ?birds?",
            r"pigeons?(?!\s+(?:(?:fancier|breeder|keeper)\w*['\u2019]?s?\s+)?lungs?)",
            r"doves?",
            r"poultry",
            r"chickens?",
            # "bird fancier's lung" names the illness; the birds it asks about are named elsewhere
            r"(?:pet |caged |cage )?birds?(?!\s+(?:(?:fancier|breeder|keeper)\w*['\u2019]?s?\s+)?lungs?)",
            r"feathers?",
            r"(?:feather )?(?:duvets?|pillows?) (?:with|of) feathers",
        ),
        "keeping birds such as budgies, parrots or pigeons can matter for the lungs: in some people, "
        "breathing in dust from the birds' droppings and feathers causes hypersensitivity pneumonitis "
        "(sometimes called bird fancier's lung), an allergic inflammation that can lead to scarring and "
        "often settles or stops getting worse when the exposure ends, which is why lung specialists ask "
        "about birds; pet birds can also, rarely, pass on an infection called psittacosis, which causes a "
        "pneumonia-like illness",
    ),
    Topic(
        "pets",
        "exposure",
        "pets",
        (
            r"cats?(?! ?scans?)",
            # not a dog walked ("Should I stop walking the dog up the hill?" is about exertion: a read draft
            # answered it with pet allergy)
            r"(?<!walk the )(?<!walking the )(?<!walked the )(?<!walks the )(?<!walk my )(?<!walking my )"
            r"(?<!walk our )(?<!walking our )(?<!walk his )(?<!walk her )dogs?(?! ?walk)",
            # "PET" in capitals, "a PET and then a biopsy", "PET-CT": the scan, not an animal
            r"(?-i:pets?|Pets?)(?![- ]?(?:ct|scans?))",
            r"hamsters?",
            r"rabbits?",
            r"guinea pigs?",
            r"horses?",
        ),
        "furry pets such as cats and dogs can set off asthma and allergy symptoms in people sensitive to "
        "them, but they are not a usual cause of lung scarring or infection; the treating team asks about "
        "them when breathing is worse at home",
    ),
    Topic(
        "mould",
        "exposure",
        "damp and mould",
        (
            r"moulds?",
            r"molds?",
            r"mouldy",
            r"moldy",
            r"damp",
            r"mildew",
            r"(?:mouldy )?hay(?! ?fever)",
            r"compost",
        ),
        "damp and mould at home, or mouldy hay or compost at work, can make asthma worse and in some "
        "people cause hypersensitivity pneumonitis, an allergic inflammation of the lungs; the treating "
        "team asks about them because reducing the exposure can help",
    ),
    Topic(
        "work_dust",
        "exposure",
        "dusts and fumes at work",
        (
            r"asbestos",
            r"silica",
            r"coal(?: dust)?",
            r"(?:wood|stone|saw|metal|brick) ?dust",
            r"dusts?(?<!flour dust)(?<!grain dust)",
            r"fumes",
            r"lagg\w*",
            r"welding",
            r"quarr\w*",
        ),
        "dusts and fumes breathed in at work, such as asbestos, silica, coal, stone or wood dust, can cause "
        "or add to lung disease: asbestos can cause scarring of the lungs (asbestosis), thickening of the "
        "lining of the lungs, and a higher risk of lung cancer and mesothelioma many years later, so the "
        "treating team takes a full history of jobs and exposures",
        says=(
            (r"asbestos|lagg\w*", "asbestos"),
            (r"silica", "silica"),
            (r"coal(?: dust)?", "coal dust"),
        ),
    ),
    Topic(
        "asthma_agents",
        "exposure",
        "things at work known to cause asthma",
        (
            r"(?:flour|grain)(?: dust)?",
            r"isocyanates?",
            r"(?:spray )?paints?(?: fumes)?",
            r"solder(?:ing)?(?: fumes)?",
            r"latex",
            r"hair (?:bleach|dye)\w*",
            r"(?:lab(?:oratory)? )?animals at work",
        ),
        "some things breathed in at work are well-known causes of asthma that starts or gets worse in "
        "adult life, among them flour and grain dust (bakers and millers), isocyanates in spray paints "
        "(car body repairers), solder fumes, latex, hair bleaches and laboratory animals; symptoms that "
        "are worse on work days and better on days off or holidays are the clue, peak-flow readings taken "
        "at work and away from work help tell it apart, and finding it early matters because reducing the "
        "exposure can stop it becoming lasting",
        says=((r"flour(?: dust)?", "flour"), (r"isocyanates?", "isocyanates")),
    ),
)

#: "our 8-month-old son", "the baby", "my little girl's brother": a relative, with an age or a word
#: such as "little" before the name; "the" only before those a household shares (a read draft left
#: "is the 8-month-old baby at risk?" of a man with TB unanswered).
_AGED = (
    # "the new baby" (a new case's question when it would be safe to hold the new baby went unlisted); not
    # "her new baby" of a sister's baby
    r"(?:\d+[- ]?(?:year|yr|month|week)s?[- ]?old |little |young |new-?born |"
    r"(?<!her )(?<!his )(?<!their )new |elderly |baby |big |older "
    r"|younger |pregnant |other )?"
)
_RELATIVE = (
    # "my sister's newborn": a relative's baby, named with whose it is
    r"(?:(?:my|his|her|our|their) (?P<whose>(?:sister|brother)'?s )?"
    + _AGED
    # "d baby": "the" as text messages spell it
    + r"|(?:the|d) "
    + _AGED
    + r"(?=(?:baby|grandchild\w*|grandkids?|kids|children|household|family)\b))"
    r"(son|daughter|child|children|kids?|baby|newborn|wife|husband|partner|family|"
    r"mum|mother|dad|father|brother|sister|grandchild\w*|grandkids?|grandson|granddaughter|flatmates?|"
    r"grandma|grandmother|granny|nan|nana|grandad|grandfather|grandpa|cousins?|"
    r"colleagues?|residents|household)"
)
RELATIVE = re.compile(r"\b" + _RELATIVE + r"\b", re.I)
#: A second relative joined to the first ("my wife and 2 year old son").
_AND_RELATIVE = re.compile(
    r"\b(?:and|&) (?:my |our |his |her |their |the )?"
    # "my wife and 2 kids need test?" (a read draft asked only about the wife)
    r"(?:\d+[- ]?(?:year|yr|month)s?[- ]?old |little |young |baby |(?:\d+|two|three|four|five) )?"
    r"(son|daughter|child|children|kids?|baby|wife|husband|partner|mum|mother|dad|father|brother|sister|"
    r"grandchild\w*|grandson|granddaughter)\b",
    re.I,
)
_AT_RISK = re.compile(
    r"\b(at risk|catch\w*|caught|contagious|infectious|spread\w*|pass(?:ed)? (?:it|this) on|"
    r"be tested|be checked|screen\w*|need(?:s)? (?:a |to be )?(?:test|check)\w*|in danger|"
    # "is it safe for years?" asks how long a medicine can be taken, of no one (a read draft answered "cause
    # the problems my mum had" as whether the grandmother could catch asthma)
    r"danger(?:ous)? (?:to|for)|"
    r"safe (?:for(?! (?:\d+ |many |several |a few |so many )?(?:years?|months?|weeks?|long|life|ever|"
    r"the long term|a long time)\b)|around|to be (?:near|around|with))|"
    # "can we visit my sister's newborn?", "can my mum who is on chemo be around her?"
    r"visit\w*|be (?:around|near|with) (?:her|him|them|the baby)|hold (?:her|him|the baby)|"
    # "when will it be safe to hold the new baby?" (a new case's question went unlisted)
    r"hold (?:the|my|our|his|her|their) (?:new(?:born)? |little |baby )?(?:baby|newborn|grand\w+)|"
    r"(?:come|go) round|"
    # "can my kids get it?", "can my kids get TB from me?", "can she give it to other children?"
    r"get (?:it|this|that|the same|tb|covid(?:-19)?|whooping cough)\b|get \w+ (?:from|off) (?:me|him|her|us)|"
    r"give (?:it|this|that) to|"
    # "does my baby need anything?" (a mother with whooping cough and an unvaccinated newborn at home)
    r"need (?:anything|something|any treatment|antibiotics|an antibiotic|medicine|a jab|a vaccine))\b",
    re.I,
)


def topics_in(text: str, kinds: Sequence[TopicKind] = ()) -> list[Topic]:
    """Topics named in ``text`` (of the given kinds), in order of first mention, each once.

    Exposures (:data:`EXPOSURES`) are found only when ``kinds`` asks for them: "dogs" or "dust"
    in a question about a cough are not a topic unless the question is about what was breathed in.
    """
    pool = TOPICS + (EXPOSURES if "exposure" in kinds else ())
    found = [
        (m.start(), t) for t in pool if (not kinds or t.kind in kinds) and (m := t.search(text)) is not None
    ]
    return [t for _, t in sorted(found, key=lambda x: x[0])]


def _whose(m: re.Match[str]) -> str:
    """ "sister's " when the relative is named as a sister's or brother's ("my sisters newborn")."""
    whose = m.groupdict().get("whose")
    return re.sub(r"'?s $", "'s ", whose.lower()) if whose else ""


_SOURCE_BEFORE = re.compile(r"\b(?:caught|got|picked up|brought home)\b[^.;?]{0,12}\b(?:from|off)\s+$", re.I)


_VIEW_AFTER = re.compile(
    r"\s*(?:says|said|thinks|thought|reckons|told (?:me|us)|keeps "
    r"(?:saying|telling)|insists|believes|swears)\b",
    re.I,
)


def relative_at_risk(text: str) -> str:
    """The relatives a question asks about as contacts ('son', 'wife and son'), or '' when it does not."""
    if not _AT_RISK.search(text):
        return ""
    found = sorted(
        (
            m
            for m in [*RELATIVE.finditer(text), *_AND_RELATIVE.finditer(text)]
            # "flu that I caught from my son": the one it came from, not one at risk (a read draft asked
            # whether a pregnant woman's toddler, the likely source, needed a test)
            if not _SOURCE_BEFORE.search(text[max(0, m.start() - 30) : m.start()])
            # "does she need antibiotics like my mum says?": the one whose view is told, not one at risk
            # (a read draft asked whether a baby's grandmother needed a test)
            and not _VIEW_AFTER.match(text[m.end() :])
        ),
        key=lambda m: m.start(),
    )
    if not found:
        return ""
    named = list(dict.fromkeys(_whose(m) + m.group(m.lastindex or 1).lower() for m in found))
    return " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)


def topic(key: str) -> Topic:
    """The topic with ``key`` (raises ``KeyError`` for an unknown key)."""
    return {t.key: t for t in TOPICS + EXPOSURES}[key]


#: Medicines whose topic name is said indefinitely when none of that kind is listed.
_INDEFINITE = {
    "the antibiotic": "an antibiotic",
    "the steroid tablets": "steroid tablets",
    "the inhalers": "inhalers",
}


def prescribed(t: Topic, medications: Sequence[str]) -> bool:
    """Whether the intake's medicine list names a medicine of this topic ("amoxicillin" for the
    antibiotic); a question about one that is not listed asks whether one is needed."""
    return any(t.search(m) for m in medications)


def topic_indefinite(t: Topic) -> str:
    """A medicine topic named in general: "an antibiotic", "steroid tablets"."""
    return _INDEFINITE.get(t.name, t.name)


def medicine_name(t: Topic, medications: Sequence[str]) -> str:
    """How the draft names a medicine topic: "the antibiotic" when one is listed, "an antibiotic"
    when the patient asks whether one is needed (read drafts asked "whether the patient needs the
    antibiotic" of a baby on none)."""
    if t.kind != "treatment" or prescribed(t, medications):
        return t.name
    return topic_indefinite(t)


#: Adult conditions in a medicine's note, and what a child's draft says instead (read drafts told parents of
#: babies with bronchiolitis about COPD, heart failure and blood clots).
_FOR_A_CHILD = (
    (" in asthma and COPD", " in asthma"),
    # a father asking whether his son with croup needed a second dose was told about COPD and sarcoidosis
    (
        "speeds recovery from a flare-up of COPD or asthma, and in conditions such as sarcoidosis they are "
        "used only when symptoms or the organs affected need them",
        "speeds recovery from an asthma attack, and in croup a single dose of dexamethasone, which works for "
        "about two to three days, is the usual treatment, another dose being considered when the barking "
        "cough and noisy breathing come back",
    ),
    (" (people with diabetes usually check their sugar more often during a course)", ""),
    (
        "viral infections, asthma, heart failure or blood clots",
        "viral infections such as colds, bronchiolitis and most coughs, or asthma",
    ),
    # "should he still have his 8 week jabs now?" was answered with the vaccines of people aged 65 and over,
    # and as if any illness put them off (a read draft for a 9-week-old)
    (
        "vaccines are given once someone has recovered from an acute illness, and having had an "
        "infection is not a reason to skip them: a yearly flu vaccine and a pneumococcal vaccine are advised "
        "for people with a long-term lung or heart condition, a weakened immune system or aged 65 and over, "
        "with COVID and RSV vaccines offered by age and risk",
        "a child's routine vaccines are kept on schedule: a mild illness such as a cold without a fever is "
        "no "
        "reason to delay them, while a child with a fever or who is quite unwell has them as soon as they "
        "have "
        "recovered, and having had an infection is not a reason to skip them; a child with a long-term lung "
        "or "
        "heart condition or a weakened immune system is also offered a yearly flu vaccine (a nasal spray "
        "from "
        "2 years)",
    ),
    # the parent of a child with cerebral palsy asking about a feeding tube was told what it does in dementia
    (
        "; in advanced dementia it has not been shown to prevent aspiration pneumonia (saliva and stomach "
        "contents can still go down the wrong way) or to lengthen life, so careful hand feeding is usually "
        "advised instead; the decision is made together with the family and the person's own known wishes",
        "; in a child whose swallowing is affected by a condition such as cerebral palsy it often brings "
        "steadier weight gain and shorter, calmer meals, "
        "although saliva can still go down the wrong way, so it lowers but does not end the chance of chest "
        "infections; the decision is made together with the family, the child's own wishes as far as they "
        "can share them, and the child's feeding team",
    ),
)


#: The parts of a note said of a child, as said to an adult: a 74-year-old Jehovah's Witness refusing blood
#: was told what the team does "for a child" and when a court is asked (a reader: child text for an adult, and
#: the lecture she feared).
_FOR_AN_ADULT = (
    (
        "; for a child, the team works with the family to use every alternative, such as treating the "
        "cause, medicines and iron that help the body make blood, and ways of limiting blood loss during "
        "procedures, "
        "and a hospital liaison committee for Jehovah's Witnesses can help; only when a child's life or "
        "serious harm is at stake and no alternative works do doctors ask a court to decide, which is rare",
        ", including in an emergency when it is written in an advance decision; the team then uses every "
        "alternative, such as treating the cause of any bleeding, iron (by mouth or by a drip) and medicines "
        "that help the body make blood, and ways of limiting blood loss during procedures, and a hospital "
        "liaison committee for Jehovah's Witnesses can help",
    ),
)


#: Refusing blood, told in the story: only then does a transfusion answer speak of refusal (a read draft for
# the
#: mother of a boy with sickle cell asking whether he needed a transfusion told her of courts and Jehovah's
#: Witnesses).
REFUSES_BLOOD = re.compile(
    r"\brefus\w* (?:a |the |any )?(?:blood|transfusions?)\b|jehovah'?s? witness|"
    r"\b(?:won'?t|will not|would not|wouldn'?t|can'?t|cannot) (?:have|accept|take|receive) "
    r"(?:a |any )?(?:blood|transfusions?)\b|\bno blood\b",
    re.I,
)
_REFUSAL_PART = re.compile(
    r"; an adult who can make the decision may refuse it.*?(?=; this is best discussed)"
)


def for_age(note: str, *, child: bool) -> str:
    """``note`` without the adult conditions it names, for a child (else without what it says of a child)."""
    for said, instead in _FOR_A_CHILD if child else _FOR_AN_ADULT:
        note = note.replace(said, instead)
    return note


def medicine_note(t: Topic, medications: Sequence[str], *, child: bool = False, refusing: bool = True) -> str:
    """The topic's note; for a medicine not listed, only what it does, and that whether one is needed
    is for the doctor who examines the patient (no advice about a course that was never started).
    ``child``: without the adult conditions the note names (else without what it says of a child);
    ``refusing``: whether the story tells of refusing blood (else a transfusion note says nothing of it)."""
    note = for_age(t.note if refusing else _REFUSAL_PART.sub("", t.note), child=child)
    if t.kind != "treatment" or prescribed(t, medications) or t.name not in _INDEFINITE:
        return note
    return note.split(";")[0] + "; whether one is needed is for the doctor who examines the patient to decide"
