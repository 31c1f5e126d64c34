"""The chest conditions a second opinion meets: names, lay words, and how they are told apart.

One table, written in the project's own words, used three ways: to recognise an
alternative the patient names ("a blood clot" is pulmonary embolism), to decide whether
a passage is about a condition (its key terms must appear), and to write the
differential (what supports it, what argues against it, which test usually settles it).
Every entry awaits clinician review like the rest of the draft.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache


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
    #: Lay phrasings patients use, as regular expressions ("a clot in my leg").
    lay: tuple[str, ...] = ()
    #: How a check after this diagnosis is usually done, when it differs from the settling test.
    follow_up: str = ""
    #: The key of a broader condition this one narrows (long COVID after COVID-19).
    refines: str = ""
    #: For an infection passed between people: what it means for contacts, and for work.
    infectious: str = ""
    work: str = ""
    #: How it is usually treated, in general terms, when patients commonly ask.
    treatment: str = ""
    #: What smoking (and vaping) means for it, when patients commonly ask.
    smoking: str = ""
    #: When suspected, it is assessed the same day.
    urgent: bool = False
    #: The key of a condition this one is told apart from although its name contains it
    #: ("latent TB" is not active TB, which stays an alternative the patient may ask about).
    contrasts: str = ""
    #: Caused by a virus: "the virus" or "it's viral" in the patient's text then means this
    #: diagnosis, not a viral chest infection as an alternative.
    viral: bool = False
    #: The follow-up check for a child, when it differs from an adult's.
    follow_up_child: str = ""
    #: What is usually advised about an activity (a topic key of ``topics.py``: travel, gym,
    #: driving, work), in general terms, when patients commonly ask.
    activity: tuple[tuple[str, str], ...] = ()

    @property
    def check_after(self) -> str:
        """How a follow-up check usually goes: the follow-up text, else the settling test."""
        return self.follow_up or self.test

    def follow_up_for(self, *, child: bool) -> str:
        """The follow-up check for a child or an adult, else the settling test."""
        return (self.follow_up_child if child else "") or self.check_after

    def activity_note(self, key: str) -> str:
        """What is usually advised about the activity ``key`` ('travel', 'gym'), or ''."""
        return dict(self.activity).get(key, "")


#: Flying with a long-term lung condition (COPD, lung scarring), in general terms.
_FLYING_LUNGS = (
    "cabin air on a plane holds less oxygen, so people with a long-term lung condition who are "
    "breathless on mild effort or have low oxygen levels are usually offered a fitness-to-fly check "
    "before booking, and some need oxygen on the plane, arranged with the airline in advance"
)
#: Going back to work, school or nursery after a chest infection.
_BACK_AFTER_INFECTION = (
    "people can usually go back to work, school, nursery or their other usual activities once they no "
    "longer have a high temperature and feel well enough, although a cough and tiredness can last a few "
    "weeks"
)
_SMOKING_CANCER = (
    "stopping smoking lowers the risk of lung cancer whatever a shadow turns out to be; vaping is far "
    "less harmful than smoking but is not known to be harmless to the lungs"
)

#: "PCP" as Pneumocystis pneumonia, not a primary care physician ("my PCP said", "the PCP's office",
#: "PCP appointment"): a possessive or article before it, or a doctor's doing after it, is the doctor.
_PCP = (
    r"(?<!my )(?<!our )(?<!his )(?<!her )(?<!their )(?<!your )(?<!the )(?<!a )(?<!new )pcp"
    r"(?!['\u2019]s)(?! (?:said|says|told|tells|thinks|thought|sent|sends|referred|refers|wants|wanted|"
    r"doctor|physician|office|clinic|appointment|visit|ordered|prescribed|gave|started|put|checked|did|"
    r"listened|wrote|suggested|recommended)\b)"
)

CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "pneumonia",
        "pneumonia",
        ("pneumonia", "chest infection", "lung infection", "consolidation", "pneumonitis"),
        "fever, cough with phlegm, fast breathing and a new shadow on a chest X-ray",
        "no fever or raised infection markers and a clear film when symptoms began days earlier",
        "a chest X-ray read by a radiologist together with the examination, sometimes blood tests; a CT "
        "scan only when the X-ray leaves doubt or a complication is suspected",
        ("pneumonia", "consolidation", "infiltration", "lung opacity"),
        lay=(
            r"(?:chest|lung) infections?",
            r"infection (?:in|on) (?:my|his|her|the|their) (?:chest|lungs?)",
            # "could this be an infection rather than cancer": on a chest opinion, a chest infection.
            r"(?:(?<=\bbe )|(?<=\bis it )|(?<=\bis this ))(?:just |only )?(?:an?|some) (?:bacterial )?"
            r"infection\b(?! (?:in|of) (?:the|my|his|her) (?:ear|throat|sinus|urine|bladder|skin|blood))",
        ),
        follow_up="a review of how the symptoms settle; a repeat chest X-ray is not needed after a full "
        "recovery, and is considered when symptoms persist or come back or, in adults, about six weeks "
        "after treatment for those at higher risk of lung cancer, such as smokers over 50",
        infectious="pneumonia itself is not usually caught from another person the way a cold is, so "
        "family members do not need tests unless they become unwell themselves",
        follow_up_child="a review of how the symptoms settle; in children and young people a repeat "
        "chest X-ray is not needed after a full recovery, and is considered only when symptoms persist or "
        "come back, or after a complicated pneumonia (fluid around the lung or a collapsed area)",
        activity=(
            ("work", _BACK_AFTER_INFECTION),
            (
                "gym",
                "exercise is usually built up gradually once the fever has gone, as tiredness and "
                "breathlessness can last several weeks",
            ),
        ),
    ),
    Condition(
        "pulmonary_embolism",
        "a blood clot in the lung (pulmonary embolism)",
        ("pulmonary embolism", "blood clot", "clot", "embolism", "embolus", "pe"),
        "sudden breathlessness, sharp chest pain on breathing, a fast pulse, a swollen calf, "
        "recent surgery, long travel or immobility, such as being in bed after a stroke or a long illness",
        "a gradual illness with fever and phlegm, and a low clinical probability with a normal D-dimer; "
        "blood-thinning injections given in hospital to prevent clots lower the risk without removing it",
        "a D-dimer blood test and, when that is raised or the probability is high, a CT pulmonary "
        "angiogram; a plain chest X-ray cannot show a clot, and in someone in hospital, after an "
        "operation or with an infection the D-dimer is often raised for other reasons, so a CT "
        "pulmonary angiogram is usually needed",
        lay=(r"(?:blood )?clots? (?:on|in|to) (?:my|his|her|their|the) lungs?",),
        follow_up="a review of the blood-thinning treatment, usually at about three months, and of any "
        "breathlessness that persists",
        urgent=True,
        activity=(
            (
                "travel",
                "flying is usually considered once blood-thinning treatment is established and the "
                "symptoms are settling, often after about two weeks; on any long journey it helps to walk "
                "about and drink water",
            ),
        ),
    ),
    Condition(
        "deep_vein_thrombosis",
        "a blood clot in a leg vein (deep vein thrombosis, DVT)",
        ("deep vein thrombosis", "deep-vein thrombosis", "venous thrombosis", "dvt", "leg clot"),
        "a swollen, tender or tight calf or thigh on one side, especially after long travel, surgery, "
        "immobility, pregnancy or hormone treatment",
        "both legs equally affected or no swelling, with a low clinical probability and a normal D-dimer",
        "a D-dimer blood test and an ultrasound scan of the leg veins",
        lay=(
            r"(?:blood )?clots? in (?:my|his|her|their|your|the|a) (?:legs?|calf|calves|thigh)",
            r"(?:legs?|calf) clots?",
        ),
        follow_up="a review of the blood-thinning treatment, usually at about three months",
        urgent=True,
    ),
    Condition(
        "lung_cancer",
        "a lung cancer or other lung mass (tumour)",
        ("lung cancer", "cancer", "tumour", "tumor", "malignancy", "mass", "carcinoma", "growth"),
        "a shadow that persists or grows, weight loss, coughing blood, a long smoking history, "
        "a large nodule or mass on CT, or fluid around one lung that does not clear with treatment of "
        "its expected cause, such as water tablets for heart failure",
        "a shadow that clears completely on a repeat film after treatment of an infection",
        "a CT scan of the chest (for a small nodule, a follow-up CT that looks for growth) and, for a "
        "suspicious mass, a biopsy reviewed by a specialist team, sometimes taken by bronchoscopy",
        ("mass", "nodule", "lung lesion"),
        lay=(r"(?:the )?big c",),
        follow_up="a review by a lung cancer specialist team, who decide on scans and a biopsy",
        treatment="if a lung cancer is confirmed, treatment depends on its type, how far it has spread (its "
        "stage) and how fit the person is, and is planned by a specialist team: early cancers are usually "
        "treated with surgery or focused radiotherapy, more advanced ones with chemotherapy, immunotherapy "
        "or targeted medicines, chosen partly from gene and marker tests (such as EGFR, ALK and PD-L1) done "
        "on the biopsy sample; this is why a biopsy and staging scans such as a PET-CT usually come first",
        smoking=_SMOKING_CANCER,
    ),
    Condition(
        "mesothelioma",
        "mesothelioma (a cancer of the lining of the lung)",
        ("mesothelioma",),
        "asbestos exposure, often decades earlier, chest pain, breathlessness from fluid around the lung "
        "that keeps coming back, weight loss, and thickened lining of the lung on CT",
        "fluid that clears completely once an infection is treated, and a thin, smooth lining on CT",
        "a CT scan, a sample of the fluid and a biopsy of the lining of the lung, often taken during "
        "thoracoscopy (a camera test)",
        lay=(r"asbestos(?:-related)? (?:cancer|disease)",),
        follow_up="a review by a specialist chest team, who decide on thoracoscopy and biopsy",
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
        follow_up="a repeat CT after an interval set by the nodule's size, its shape and the person's "
        "risk (Fleischner Society or British Thoracic Society guidance), because growth over time is what "
        "tells most nodules apart; a larger or growing nodule is discussed by a specialist team, who may "
        "advise a PET-CT scan or a biopsy",
        smoking=_SMOKING_CANCER,
        activity=(
            ("work", "a nodule under follow-up does not usually limit work while waiting for the next scan"),
            (
                "travel",
                "a nodule under follow-up does not usually limit travel, as long as the next scan is kept",
            ),
        ),
    ),
    Condition(
        "old_scar",
        "an old scar on the lung (for example a healed granuloma)",
        ("old scar", "scar", "scar tissue"),
        "a small, sharply outlined shadow, often with calcium in it, that is unchanged compared with "
        "earlier images, and no symptoms",
        "a shadow that is new, growing, or irregular in outline, or one with no earlier images to "
        "compare with",
        "comparison with any earlier chest images and, when there are none or the shadow is not clearly "
        "harmless, a CT scan of the chest",
        # A bare "granuloma" is what a biopsy shows in sarcoidosis or TB, not an old scar.
        lay=(r"scar on (?:my|his|her|the|their) lungs?", r"(?:old|healed|calcified) granulomas?"),
        follow_up="comparison with earlier images and, when there are none, a CT scan; a solid shadow "
        "unchanged for about two years is usually considered harmless",
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
        follow_up="the sputum results and review by a TB service, which also checks close contacts",
        infectious="TB of the lungs can pass to people who share the home, so the TB service offers "
        "close contacts, and especially young children, a check and sometimes preventive treatment",
        work="people with infectious TB of the lungs usually stay off work, above all in care settings, "
        "until the TB team says they are no longer infectious, often after about two weeks of treatment",
        treatment="TB of the lungs is treated with several antibiotics taken together every day for at "
        "least six months, supervised by a TB service, once TB is confirmed or strongly suspected",
    ),
    Condition(
        "latent_tb",
        "latent TB infection (TB germs carried without illness)",
        ("latent tb", "latent tuberculosis", "latent tb infection", "ltbi", "sleeping tb", "dormant tb"),
        "a positive TB blood test (IGRA) or skin test after contact with TB, with no symptoms and a "
        "clear chest X-ray",
        "a lasting cough, night sweats, weight loss or changes on the chest X-ray, which call for tests "
        "for active TB first",
        "a TB blood test (IGRA) or skin test with a chest X-ray and, when there are symptoms, sputum "
        "tests to exclude active TB",
        contrasts="tuberculosis",
        follow_up="review by the TB service, with liver blood tests during treatment and a check for "
        "symptoms of active TB",
        infectious="latent TB cannot be passed on to others; the TB service tests the close contacts of "
        "the person with active TB, children included",
        treatment="latent TB is usually treated with a shorter course of antibiotics than active TB (for "
        "example three months of two medicines, or six months of one) to stop it becoming active later; "
        "the TB team checks liver blood tests and other medicines for interactions, and advises limiting "
        "alcohol during treatment",
    ),
    Condition(
        "covid19",
        "COVID-19",
        ("covid", "covid-19", "coronavirus", "sars-cov-2", "covid pneumonia", "covid-19 pneumonia"),
        "recent exposure, fever, loss of taste or smell, and patchy shadows on both sides",
        "a negative test early in the illness that is repeated and remains negative",
        "a PCR or antigen test for SARS-CoV-2",
        ("covid-19", "covid"),
        follow_up="a clinical review of lasting symptoms; after COVID-19 pneumonia, a chest X-ray about "
        "12 weeks later, with lung function tests and a CT scan when breathlessness persists or the "
        "X-ray is abnormal",
        infectious="people who share the home can catch COVID-19; they are tested only if they develop "
        "symptoms, following local public-health advice",
        work="people with COVID-19 are usually advised to stay at home while they have a high temperature "
        "or feel unwell",
        viral=True,
    ),
    Condition(
        "long_covid",
        "long COVID (symptoms that persist after COVID-19)",
        ("long covid", "post-covid syndrome", "post-covid-19 condition", "post covid"),
        "tiredness, breathlessness, a racing heart or poor concentration lasting more than 12 weeks "
        "after COVID-19, when tests find no other cause",
        "a test result that explains the symptoms, such as scarring on CT, reduced lung function, a "
        "blood clot, a heart problem or anaemia",
        "a clinical review with blood tests, lung function tests and a chest X-ray to exclude other "
        "causes; there is no single test for long COVID",
        follow_up="a clinical review with lung function tests and, when breathlessness persists about "
        "12 weeks after COVID-19 pneumonia, a repeat chest X-ray or CT scan; a racing heart on standing "
        "is checked with lying and standing pulse and blood pressure",
        refines="covid19",
        viral=True,
        activity=(
            (
                "gym",
                "exercise is usually built up slowly and paced, stopping well before exhaustion, because "
                "overdoing it can make long COVID symptoms worse for days afterwards; a racing heart, chest "
                "pain or marked breathlessness on effort should be checked first",
            ),
            (
                "work",
                "a phased return to work, with shorter shifts at first, is often advised and can be "
                "arranged with the employer's occupational health service",
            ),
        ),
    ),
    Condition(
        "heart_failure",
        "heart failure with fluid on the lungs",
        ("heart failure", "pulmonary oedema", "pulmonary edema", "fluid in the lungs", "cardiomegaly"),
        "ankle swelling, breathlessness lying flat, a large heart shadow and fluid on the X-ray",
        "a normal heart size and a normal BNP blood test",
        "a BNP or NT-proBNP blood test and an echocardiogram (heart ultrasound)",
        ("cardiomegaly", "edema", "oedema"),
        lay=(r"(?:weak|failing|enlarged|big) heart",),
        follow_up="a review soon after treatment starts, with kidney blood tests, and an echocardiogram if "
        "one has not been done",
        activity=(
            (
                "travel",
                "travel is usually possible once the symptoms are stable on treatment; it is worth "
                "discussing with the treating clinician first while breathlessness or ankle swelling is "
                "getting worse or the medicines are being changed",
            ),
        ),
    ),
    Condition(
        "pleural_effusion",
        "fluid around the lung (pleural effusion)",
        ("pleural effusion", "fluid around the lung", "water on the lung", "fluid on the lung"),
        "breathlessness and a blunted angle at the base of the lung on the X-ray",
        "a sharp angle at the lung base and no fluid on ultrasound",
        "an ultrasound of the chest and, if the cause is unclear, a sample of the fluid",
        ("effusion", "pleural effusion"),
        lay=(r"(?:fluid|water) (?:on|around) (?:my|his|her|their|the|your) lungs?",),
        follow_up="a repeat chest X-ray or ultrasound to check the fluid has gone and, when it comes "
        "back or the cause is unclear, a CT scan and review by a chest specialist",
    ),
    Condition(
        "empyema",
        "pus around the lung (empyema)",
        ("empyema",),
        "fever that persists despite antibiotics for pneumonia, with fluid around the lung",
        "a fever that settles and no fluid on ultrasound",
        "an ultrasound or CT and a sample of the fluid",
        treatment="infected fluid or pus around the lung usually needs a chest drain as well as "
        "antibiotics, which are often given for several weeks; some people need an operation to clear it "
        "when a drain is not enough",
        follow_up="review by the hospital team, with repeat ultrasound or X-ray and blood tests until the "
        "fever settles, and a chest X-ray some weeks after treatment ends",
    ),
    Condition(
        "pneumothorax",
        "a collapsed lung (pneumothorax)",
        ("pneumothorax", "collapsed lung", "punctured lung"),
        "sudden one-sided chest pain and breathlessness, with a visible lung edge on the X-ray",
        "lung markings that reach the chest wall on a good-quality film",
        "a chest X-ray, sometimes a CT",
        ("pneumothorax",),
        lay=(r"lungs? (?:has |had )?collaps\w*", r"burst lung"),
        urgent=True,
        follow_up="a repeat chest X-ray, usually within a few weeks, to check that the lung has fully "
        "re-expanded, and a review of the chance of it happening again",
        treatment="a small collapse with few symptoms is often watched and checked with repeat X-rays; a "
        "larger one, or one causing breathlessness, is drained with a needle or a small tube; an operation "
        "to stop it coming back is usually offered after a second collapse on the same side, or sooner "
        "for people whose work or hobbies, such as flying or diving, need it",
        smoking="smoking makes a collapsed lung more likely to happen again, so stopping lowers the risk; "
        "vaping has been linked to it in some reports, but the evidence is much weaker",
        activity=(
            (
                "travel",
                "flying is usually avoided until a chest X-ray shows that the lung has fully re-expanded, "
                "and airlines often advise waiting about a week after that; scuba diving is avoided for "
                "life unless an operation has been done to prevent another collapse",
            ),
            (
                "gym",
                "contact sports and heavy exertion usually wait until the specialist confirms that the "
                "lung has healed, often several weeks; scuba diving is avoided for life unless an operation "
                "has been done to prevent another collapse",
            ),
        ),
    ),
    Condition(
        "copd",
        "COPD or emphysema",
        ("copd", "emphysema", "chronic bronchitis", "chronic obstructive"),
        "long-standing breathlessness and cough, a smoking history, and low-density lung on CT",
        "normal breathing tests (spirometry)",
        "spirometry (breathing tests) before and after an inhaler",
        ("emphysema",),
        follow_up="a review within a few weeks of a flare-up, checking inhaler technique, vaccinations and "
        "whether pulmonary rehabilitation would help, with spirometry if breathing tests never confirmed "
        "the diagnosis",
        smoking="stopping smoking is the most useful single step in COPD at any age, because it slows the "
        "loss of lung function and reduces flare-ups",
        activity=(("travel", _FLYING_LUNGS),),
    ),
    Condition(
        "asthma",
        "asthma",
        ("asthma", "wheeze", "wheezing"),
        "wheeze and breathlessness that come and go, worse at night or with triggers",
        "fixed symptoms and normal breathing tests with no variability",
        "spirometry with a reversibility test, or peak-flow records over time",
        follow_up="a review of symptoms and inhaler technique, usually within a few weeks of an attack",
        follow_up_child="a review of symptoms and inhaler technique within a few weeks of an attack; in "
        "young children, asthma is often confirmed later with breathing tests, once they are old enough "
        "to do them, usually from about five",
        smoking="tobacco smoke, including other people's smoke at home or in the car, makes asthma worse, "
        "especially in children",
        activity=(
            (
                "gym",
                "when asthma is well controlled, exercise and swimming are encouraged, with the reliever "
                "inhaler taken first if advised; while wheezy or unwell, hard exercise is usually paused "
                "until better",
            ),
            (
                "work",
                "people with asthma, children included, carry on with work, school or nursery when they are "
                "well; a child's nursery or school should have the reliever inhaler and an asthma plan",
            ),
        ),
    ),
    Condition(
        "bronchitis",
        "acute bronchitis (a chest cold)",
        ("bronchitis", "chest cold"),
        "a cough after a cold, with no fever after the first days and a clear chest X-ray",
        "a new shadow on the X-ray, high fever or fast breathing",
        "the examination and, when pneumonia is suspected, a chest X-ray",
        viral=True,
        follow_up="a review if the cough lasts more than about three weeks or symptoms get worse; the cough "
        "of acute bronchitis often lasts two to three weeks, and in people aged 40 or over, especially "
        "smokers, a cough lasting more than three weeks is a usual reason for a chest X-ray",
        smoking="smoking slows recovery and keeps the airways irritated; some people cough more for a few "
        "weeks after stopping while the airways clear, and then it settles",
        activity=(("work", _BACK_AFTER_INFECTION),),
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
        ("interstitial lung disease", "ild", "asbestosis"),
        "gradual breathlessness over months, a dry cough and crackles at the lung bases, sometimes after "
        "years of exposure to dusts such as asbestos",
        "breathlessness that is episodic or explained by another cause",
        "a high-resolution CT scan and lung function (breathing) tests including gas transfer",
        follow_up="lung function tests and a repeat high-resolution CT scan, read by a chest specialist",
        activity=(("travel", _FLYING_LUNGS),),
    ),
    Condition(
        "pulmonary_fibrosis",
        "lasting scarring of the lungs (pulmonary fibrosis)",
        ("pulmonary fibrosis", "fibrosis", "lung scarring", "post-covid fibrosis"),
        "breathlessness and a dry cough that persist for months, sometimes after a severe COVID-19 "
        "pneumonia, crackles at the lung bases, oxygen that falls on exertion, and net-like lines or hazy "
        "areas that persist on CT",
        "normal lung function tests including gas transfer, and a CT without persisting changes",
        "lung function (breathing) tests including gas transfer and a high-resolution CT scan",
        ("fibrosis",),
        lay=(
            r"(?:permanent|lasting|long-term|lung)\s+scarring",
            r"scarr(?:ing|ed) (?:of|in|on) (?:my|his|her|the|their) lungs?",
            r"scarred lungs?",
            r"scarred (?:my|his|her|the|their) lungs?",
            r"lungs? (?:are|is|being|been|got|have been|has been) scarred",
            # Scarring left by an infection: "scarring from covid", "scarring after the pneumonia".
            r"scarr(?:ing|ed) (?:from|after|by|caused by) (?:the |my |his |her )?"
            r"(?:covid(?:-19)?|coronavirus|virus|pneumonia|infection)",
        ),
        follow_up="lung function tests and a repeat high-resolution CT scan, read by a chest specialist",
        treatment="antifibrotic medicines such as nintedanib or pirfenidone slow the loss of lung function "
        "in some kinds of fibrosis, such as idiopathic pulmonary fibrosis, but do not reverse the scarring; "
        "whether to start is decided with the specialist team",
        activity=(("travel", _FLYING_LUNGS),),
    ),
    Condition(
        "sarcoidosis",
        "sarcoidosis",
        ("sarcoidosis", "sarcoid"),
        "swollen glands in the middle of the chest, skin or eye inflammation",
        "no enlarged glands on imaging",
        "a CT and often a biopsy of a gland, with tests that exclude TB and lymphoma",
        treatment="many people with sarcoidosis need no treatment because it often settles by itself "
        "over months to a few years; steroid tablets are used when symptoms are troublesome or when the "
        "eyes, heart, nerves or lung function are affected, and an eye check is advised because eye "
        "inflammation can be silent",
        follow_up="a review with lung function tests and a chest X-ray over the following months, and an "
        "eye check",
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
        ("aspiration", "aspiration pneumonia", "inhaled food", "choking", "inhaled object", "foreign body"),
        "choking or vomiting before the illness, swallowing problems, shadows in the lower lobes; in a "
        "young child, a choking fit followed by a cough or wheeze that does not settle",
        "no episode of choking or reduced consciousness",
        "the history, a chest X-ray and, if needed, a swallowing assessment; when an inhaled object is "
        "suspected, a bronchoscopy (a camera passed into the airways), sometimes after a CT scan, "
        "because many objects do not show on an X-ray",
        lay=(
            r"(?:food|drink|fluids?) (?:going|went|goes) (?:down )?the wrong way",
            r"(?:breathed|inhaled|swallowed) (?:in )?(?:something|a (?:bit|piece|toy|peanut|nut|bead|"
            r"coin|lego)\w*)",
            r"(?:something|a (?:bit|piece) of \w+|a (?:toy|peanut|nut|bead|coin)) (?:stuck )?in "
            r"(?:his|her|my|their|the) (?:lungs?|airways?|windpipe|chest)",
            r"stuck in (?:his|her|my|their|the) (?:lungs?|airways?|windpipe)",
        ),
        follow_up="a swallowing assessment, usually by a speech and language therapist, when "
        "coughing or choking with food or drink suggests that food or drink is reaching the lungs",
    ),
    Condition(
        "costochondritis",
        "chest-wall pain (costochondritis or muscle strain)",
        ("costochondritis", "muscle strain", "chest wall", "pulled muscle", "musculoskeletal"),
        "pain that is tender to press on the chest wall and changes with movement",
        "breathlessness, fever or an abnormal X-ray",
        "the examination; tests mainly exclude other causes",
        lay=(
            r"(?:chest|rib|muscle) (?:wall )?strain",
            r"strain(?:ed)? (?:a |my |his |her )?(?:chest )?muscle",
            r"bruis\w* (?:to )?(?:the |my |his |her )?(?:ribs?|chest(?: wall)?|ribcage)",
            r"(?:rib|chest(?: wall)?) (?:bruis\w*|contusions?)",
        ),
        follow_up="a review if the pain is not easing after several weeks, and at once if it changes, "
        "spreads, or comes with breathlessness, sweating or feeling unwell",
        activity=(
            (
                "gym",
                "the exercise that brought the pain on is usually eased off for a few weeks and built up "
                "again gradually as the pain settles",
            ),
        ),
    ),
    Condition(
        "rib_fracture",
        "a broken rib",
        ("rib fracture", "broken rib", "cracked rib", "fractured rib"),
        "an injury or a strong cough fit with sharp pain over one spot of a rib",
        "no injury and no point tenderness",
        "the examination; a plain X-ray misses many rib fractures, so a CT scan is used when finding one "
        "would change treatment or a complication is suspected",
        ("fracture",),
        follow_up="a review if the pain is not easing after a few weeks, and sooner for a fever, more "
        "breathlessness or coughing up coloured phlegm, which can mean a chest infection",
        treatment="broken ribs heal by themselves over about six weeks; pain relief good enough to allow "
        "deep breaths and coughing matters, because shallow breathing can lead to a chest infection, and "
        "breathing exercises are often advised",
        activity=(
            (
                "driving",
                "driving is usually safe again only when the driver can turn, wear a seatbelt and brake "
                "hard without pain, and not while drowsy from painkillers such as codeine",
            ),
            (
                "gym",
                "gentle walking helps; lifting, contact sports and twisting movements usually wait until the "
                "pain has settled, often after about six weeks",
            ),
        ),
    ),
    Condition(
        "heart_attack",
        "a heart problem such as angina or a heart attack",
        ("heart attack", "angina"),
        "crushing chest pain spreading to the arm or jaw, sweating, or pain on exertion",
        "pain that is sharp, reproduced by pressing, and an ECG and troponin that are normal",
        "an ECG and a troponin blood test, urgently when the pain is ongoing",
        follow_up="an ECG and troponin when pain recurs, and tests of the heart arteries such as an "
        "exercise test or a CT coronary angiogram when the pain suggests angina",
        urgent=True,
    ),
    Condition(
        "aortic_dissection",
        "a tear in the wall of the aorta (aortic dissection)",
        ("aortic dissection", "dissection", "dissecting aneurysm", "aortic tear", "torn aorta"),
        "sudden, severe, tearing chest or back pain that is worst at its start, fainting, different "
        "blood pressures in the two arms, high blood pressure or a known enlarged aorta",
        "pain that is tender to press, changes with movement and comes and goes over weeks, with a "
        "normal examination",
        "a CT scan of the aorta with contrast (a CT angiogram), or an echocardiogram when CT is not possible",
        lay=(r"tear (?:in|of) (?:the|my|his|her|an?) (?:main )?(?:aorta|aortic \w+|artery)",),
        urgent=True,
    ),
    Condition(
        "viral_infection",
        "a viral chest infection",
        ("viral infection", "virus", "flu", "influenza", "rsv", "viral"),
        "a cold or flu-like start, muscle aches and widespread mild changes on the X-ray",
        "a dense shadow in one lobe with high fever, which fits bacterial pneumonia better",
        "a viral swab test; the X-ray alone rarely tells a virus from bacteria",
        viral=True,
        follow_up="a review if the symptoms are not improving after about a week, and sooner if breathing "
        "becomes hard or fast, the fever comes back, or drinking falls off",
        activity=(("work", _BACK_AFTER_INFECTION),),
    ),
    # Seventh round: alternatives patients name that the table did not know (each backed by a
    # starter-pack note of the same name).
    Condition(
        "cystic_fibrosis",
        "cystic fibrosis",
        ("cystic fibrosis", "mucoviscidosis"),
        "chest infections that keep coming back from early childhood, a wet cough that does not settle, "
        "poor growth or weight gain, greasy bulky stools, salty-tasting skin, and a brother, sister or "
        "other relative with cystic fibrosis",
        "a normal newborn screening (heel-prick) result, although screening misses a few cases, normal "
        "growth, and a cough that clears completely between infections",
        "a sweat test (measuring sweat chloride), usually with genetic testing, arranged by a specialist "
        "children's or adult chest team",
        follow_up="review by a cystic fibrosis specialist centre when the sweat test or genetic test is "
        "abnormal",
    ),
    Condition(
        "thrombophilia",
        "a clotting disorder (thrombophilia)",
        (
            "thrombophilia",
            "clotting disorder",
            "blood clotting disorder",
            "clotting condition",
            "factor v leiden",
            "antiphospholipid syndrome",
            "antiphospholipid",
        ),
        "a clot with no clear trigger (unprovoked), clots at a young age, in unusual places or more than "
        "once, a close relative with clots (a family history), or repeated miscarriages",
        "a first clot with a clear temporary trigger (a provoked clot), such as surgery, a long flight, "
        "pregnancy or the contraceptive pill, and no family history of clots",
        "thrombophilia testing (blood tests such as those for factor V Leiden and antiphospholipid "
        "antibodies), offered only when the result would change treatment, and usually not during the "
        "first weeks or while on some blood thinners, because the clot and the treatment can alter the "
        "results; it is often considered around the time of stopping anticoagulation",
        lay=(
            r"(?:blood )?clotting (?:disorders?|problems?|conditions?|issues?)",
            r"sticky blood",
            r"blood (?:that )?clots too (?:easily|much)",
            r"clots? (?:runs?|running) in (?:the|my|our|his|her) family",
        ),
        follow_up="review by a haematologist or the anticoagulation clinic, usually around the time "
        "of deciding whether to stop the blood thinner",
    ),
    Condition(
        "hidden_cancer",
        "a cancer not yet found (a hidden cause of the clot)",
        ("hidden cancer", "occult cancer", "undiagnosed cancer", "occult malignancy"),
        "a clot with no clear trigger (unprovoked), unexplained weight loss, coughing blood, a change in "
        "bowel habit, unexpected bleeding or a new lump",
        "a clot with a clear temporary trigger (a provoked clot), such as surgery, a long flight or the "
        "contraceptive pill, a normal examination and normal routine blood tests",
        "a careful history and examination with routine blood tests, plus any cancer screening already "
        "due for age; more scans are usually kept for symptoms or abnormal results, because extra CT "
        "scans after a clot have not been shown to help most people",
        follow_up="a review of any new symptoms, with the screening tests due for age",
    ),
    Condition(
        "marfan_syndrome",
        "Marfan syndrome",
        ("marfan syndrome", "marfan", "marfans"),
        "being very tall and thin with long arms and fingers, a chest that sinks in or sticks out, very "
        "flexible joints, short sight or a displaced lens in the eye, a widened aortic root on a heart "
        "scan, and a parent, brother or sister with Marfan syndrome",
        "normal body proportions, a normal eye examination and a normal heart scan, with no family "
        "history; most tall, thin young people with a collapsed lung do not have Marfan syndrome",
        "a clinical assessment against the Ghent criteria, with an echocardiogram (heart ultrasound) to "
        "measure the aortic root, an eye examination and, when it is still suspected, genetic testing",
        follow_up="referral to a specialist clinic for the echocardiogram, eye examination and, if "
        "needed, genetic testing",
    ),
    Condition(
        "osteoporosis",
        "thin bones (osteoporosis)",
        ("osteoporosis", "osteopenia", "thin bones", "brittle bones", "weak bones", "bone thinning"),
        "a bone broken by a fall from standing height or less (a fragility fracture), early menopause, "
        "long courses of steroid tablets, low body weight, smoking, heavy drinking, and a parent who "
        "broke a hip",
        "a fracture from a high-energy injury, such as a fall from a height or at speed, in someone with "
        "no other risk factors",
        "a fracture risk assessment (such as FRAX) and a bone density scan (DEXA), with blood tests such "
        "as calcium and vitamin D",
        lay=(r"(?:thin|weak|brittle|fragile) bones", r"bones? (?:are |is )?(?:thin|weak|brittle|fragile)"),
        follow_up="a bone density scan (DEXA) and review by the GP, who discusses treatment when it is low",
    ),
    Condition(
        "lymphoma",
        "lymphoma (a cancer of the lymph glands)",
        (
            "lymphoma",
            "hodgkin lymphoma",
            "non-hodgkin lymphoma",
            "lymph node cancer",
            "lymph gland cancer",
        ),
        "enlarged glands, often painless, in the neck, armpit or chest, drenching night sweats, fevers, "
        "weight loss and itching",
        "glands that are small and even on both sides of the chest with skin or joint inflammation, as in "
        "sarcoidosis, and that shrink over the following months",
        "a biopsy of an enlarged gland, for example through the airway by EBUS (an endoscope with an "
        "ultrasound needle) or by surgery, usually after a CT or PET scan",
        lay=(r"cancer (?:of|in) (?:the |my |his |her )?(?:lymph )?(?:glands?|nodes?)",),
        follow_up="review by a specialist team, who decide on a biopsy and scans",
    ),
    Condition(
        "hiv",
        "HIV infection",
        ("hiv", "human immunodeficiency virus"),
        "TB or other infections that are severe or keep coming back, unexplained weight loss, swollen "
        "glands, thrush in the mouth, and any possible exposure through sex, shared needles or birth",
        "a negative HIV test taken after the window period since any possible exposure",
        "an HIV test (a blood test), which guidelines offer to everyone with TB whatever their risk; when "
        "positive, a CD4 count and viral load guide antiretroviral treatment",
        follow_up="the HIV test result from the clinic, with referral to an HIV service when it is "
        "positive, so that antiretroviral treatment can start alongside TB treatment",
    ),
    Condition(
        "drug_resistant_tb",
        "drug-resistant tuberculosis (TB that standard medicines do not cure)",
        (
            "drug-resistant tuberculosis",
            "drug-resistant tb",
            "drug resistant tuberculosis",
            "drug resistant tb",
            "multidrug-resistant tb",
            "mdr-tb",
            "mdr tb",
            "xdr-tb",
            "resistant tb",
            "resistant tuberculosis",
        ),
        "TB treated before, treatment stopped early, contact with someone who had drug-resistant TB, "
        "having lived where it is common, or symptoms and sputum tests that do not improve on standard "
        "treatment",
        "a first episode with no such contact and a rapid molecular test that finds no rifampicin resistance",
        "a rapid molecular test on sputum (such as GeneXpert) that detects TB and rifampicin resistance, "
        "confirmed by culture with drug susceptibility testing",
        lay=(
            r"resist[ae]nt (?:kind|type|form|strain) of (?:tb|tuberculosis)",
            r"(?:tb|tuberculosis)\b[^.?!\n]{0,40}\bresist[ae]n(?:t|ce)",
        ),
        refines="tuberculosis",
        follow_up="the culture and susceptibility results, reviewed by the TB service",
        treatment="drug-resistant TB is treated for longer, with a different combination of medicines "
        "chosen by a TB specialist from the susceptibility results",
    ),
    Condition(
        "connective_tissue_ild",
        "lung disease linked to rheumatoid arthritis or another connective tissue disease",
        (
            "rheumatoid lung",
            "rheumatoid lung disease",
            "connective tissue disease",
            "ctd-ild",
            "scleroderma lung",
            "lupus lung",
        ),
        "joint pain, swelling or morning stiffness, a rash, cold fingers that turn white (Raynaud's), dry "
        "eyes or mouth, muscle weakness, and a close relative with an autoimmune disease",
        "no joint, skin or muscle symptoms and negative autoantibody blood tests",
        "autoantibody blood tests (such as rheumatoid factor, anti-CCP and antinuclear antibodies), a "
        "joint examination and review by a rheumatology team, with a high-resolution CT and breathing "
        "tests",
        lay=(
            r"(?:lung (?:disease|problems?|scarring)|ild) (?:from|with|caused by|due to|linked to|because "
            r"of) (?:my |the |her |his )?(?:rheumatoid|lupus|scleroderma|connective tissue)[\w ]{0,20}",
        ),
        follow_up="a rheumatology review and breathing tests, with the chest specialist team",
    ),
    Condition(
        "stroke",
        "a stroke or mini-stroke (TIA)",
        ("stroke", "mini stroke", "mini-stroke", "tia", "transient ischaemic attack"),
        "a sudden onset of weakness or numbness of the face, arm or leg, slurred speech, or swallowing "
        "difficulty that began suddenly",
        "swallowing or speech that changed slowly over months or years, as often happens in "
        "long-standing Parkinson's disease or dementia, with no sudden weakness",
        "an urgent brain scan (CT head or MRI) when a stroke is suspected, with a swallow assessment by "
        "a speech and language therapist for the swallowing itself",
        urgent=True,
        follow_up="a swallow assessment by a speech and language therapist and, if a stroke is "
        "suspected, an urgent medical review with a brain scan",
    ),
    # Eighth round: chest conditions patients name that the table did not know (each backed by a
    # starter-pack note of the same name).
    Condition(
        "hypersensitivity_pneumonitis",
        "hypersensitivity pneumonitis (an allergic lung inflammation, such as bird fancier's lung)",
        ("hypersensitivity pneumonitis", "extrinsic allergic alveolitis"),
        "regular bird exposure (pigeons, budgies, parrots or feather bedding) or mouldy hay, damp or "
        "mould, breathlessness and a dry cough building over months, symptoms that ease away from the "
        "exposure, and on CT patchy haze, faint small nodules and a mosaic pattern of trapped air",
        "no exposure found after a careful history, or scarring mainly at the lung bases with "
        "honeycombing and no trapped air, which fits idiopathic pulmonary fibrosis better",
        "a careful exposure history with a high-resolution CT (including images taken breathing out) "
        "and breathing tests including gas transfer, blood tests for antibodies to bird or mould "
        "proteins (such as avian precipitins), often a bronchoalveolar lavage (an airway washing at "
        "bronchoscopy), and review by a multidisciplinary team of lung specialists; improvement after "
        "antigen avoidance (ending the exposure) supports it",
        lay=(
            r"(?:birds?|pigeons?|budgies?|parrots?|feathers?)\s+(?:(?:fancier|breeder|keeper)"
            r"(?:['\u2019]?s|s['\u2019]?)?\s+)?lungs?",
            r"farmer(?:['\u2019]?s|s['\u2019]?)?\s+lungs?",
            r"allerg\w* (?:reaction )?(?:to|from) (?:the |my |our |his |her )?(?:birds?|pigeons?|budgies?|"
            r"parrots?|feathers?) (?:in|affecting|on) (?:my|his|her|the|their) lungs?",
        ),
        # "pneumonitis" alone is read as pneumonia; this one is told apart from it.
        contrasts="pneumonia",
        follow_up="breathing tests and a repeat high-resolution CT some months after the exposure has "
        "ended, reviewed by the chest specialist team",
        treatment="the first step is ending the exposure (antigen avoidance), for example rehoming the "
        "birds, removing feather bedding or dealing with damp and mould, which helps most when done "
        "early; steroid tablets or other medicines that calm the immune system are used when symptoms or "
        "breathing tests need them, and antifibrotic medicines are considered when scarring keeps "
        "progressing",
        activity=(("travel", _FLYING_LUNGS),),
    ),
    Condition(
        "acute_chest_syndrome",
        "acute chest syndrome (a sickle cell crisis in the lungs)",
        ("acute chest syndrome", "sickle cell chest crisis", "sickle chest crisis", "chest crisis"),
        "sickle cell disease with fever, cough, chest pain or fast breathing and a new shadow on the "
        "chest X-ray, often during or a day or two after a painful crisis or an operation; in young "
        "children sometimes only a fever and a cough",
        "no sickle cell disease (a blood test of the haemoglobin type tells), or chest and rib pain with "
        "a clear chest X-ray and normal oxygen levels, which fits a painful crisis without the lungs, "
        "although the film is repeated if the symptoms continue",
        "a chest X-ray showing a new shadow, with oxygen levels, blood counts, a blood group and "
        "crossmatch in case a transfusion is needed, and blood and sputum cultures, in hospital the same "
        "day",
        lay=(
            r"sickl\w*(?: cell)? cris[ie]s (?:in|on|of|affecting) (?:my|his|her|their|the) (?:chest|lungs?)",
            r"sickl\w*(?: cell)? (?:chest|lung) (?:cris[ie]s|syndrome)",
            r"(?:chest|lung) cris[ie]s",
        ),
        urgent=True,
        follow_up="review by the sickle cell (haematology) team after discharge, who discuss treatment "
        "such as hydroxycarbamide (hydroxyurea) to lower the chance of another episode",
        follow_up_child="review by the children's sickle cell team after discharge, who discuss "
        "treatment such as hydroxycarbamide (hydroxyurea) and check that preventive penicillin and "
        "vaccines are up to date",
        treatment="acute chest syndrome is treated in hospital with oxygen, antibiotics, pain relief, "
        "breathing exercises with an incentive spirometer, careful fluids and, when oxygen levels are low "
        "or the illness is severe, a blood transfusion (top-up or exchange)",
    ),
    Condition(
        "evali",
        "vaping lung injury (EVALI)",
        (
            "evali",
            "vaping lung injury",
            "vaping-associated lung injury",
            "vaping associated lung injury",
            "e-cigarette lung injury",
            "vaping lung",
            "vape lung",
        ),
        "vaping in the past three months, especially THC (cannabis) cartridges bought informally, cough, "
        "breathlessness and chest pain with fever and often vomiting, diarrhoea or belly pain, and hazy "
        "shadowing on both sides on CT, with tests for infection negative",
        "no vaping in the previous three months, a positive test for an infection that explains the "
        "illness, or a dense shadow in one lobe that clears with antibiotics",
        "a detailed vaping history with a chest X-ray and usually a CT scan, and tests to exclude "
        "infection (viral swabs, blood and sputum cultures), sometimes a bronchoscopy; there is no single "
        "test for it",
        lay=(
            r"vap(?:e|ing)[- ](?:related|associated|induced) lung (?:injury|damage|disease|illness)",
            r"lung (?:injury|damage|inflammation) (?:from|caused by|due to) (?:my |the |his |her )?"
            r"(?:vap\w*|e-?cig\w*)",
            r"e-?cig(?:arette)?s? lungs?",
        ),
        follow_up="a check of oxygen levels and symptoms within about two weeks of treatment, with a chest "
        "X-ray and breathing tests over the following months",
        smoking="stopping vaping is advised after vaping lung injury; stop-smoking services can help "
        "people give up nicotine without going back to cigarettes",
    ),
    Condition(
        "bronchiolitis",
        "bronchiolitis (a viral infection of the small airways in babies and young children)",
        ("bronchiolitis", "rsv bronchiolitis"),
        "a child under 2 with a cold that turns into a cough, fast or noisy breathing, wheeze or crackles "
        "on both sides and poorer feeding, a mild fever, worst around days 3 to 5, in winter, often with "
        "a positive RSV swab",
        "a child over 2, a high fever above 39 degrees, crackles or a shadow in one area only, or a cough "
        "that comes in bouts with well spells between them",
        "the examination, with the oxygen level and how well the child is feeding; a nose swab can name the "
        "virus, and a chest X-ray is not usually needed and can show patchy areas that look like pneumonia",
        viral=True,
        follow_up="a review if breathing gets harder or feeding drops, since most children are worst around "
        "days 3 to 5 and recover at home within 2 to 3 weeks; the cough can last up to 4 weeks",
        infectious="the viruses that cause bronchiolitis spread by coughs and on hands, so handwashing helps "
        "protect brothers and sisters and other babies; older children and adults usually get only a cold",
        work="children can usually go back to nursery once they are feeding normally, have no fever and "
        "are breathing comfortably",
        treatment="bronchiolitis is caused by a virus, so antibiotics do not help unless a bacterial "
        "infection is also suspected; care is supportive, with small frequent feeds, saline drops for a "
        "blocked nose and, in hospital, oxygen or tube feeding when needed",
    ),
    Condition(
        "whooping_cough",
        "whooping cough (pertussis)",
        ("whooping cough", "pertussis", "bordetella", "100 day cough", "hundred day cough"),
        "bouts of intense coughing with well spells between them, a whoop on breathing in or vomiting "
        "after a bout, a cough lasting weeks, contact with someone with a long cough, and in young babies "
        "pauses in breathing or going blue rather than a whoop",
        "wheeze and crackles all over the chest with a runny nose and a steady cough (more like "
        "bronchiolitis or a viral chest infection), a fever that stays high (unusual in whooping cough), "
        "and a fully vaccinated child, although vaccination does not rule it out",
        "a nose swab tested by PCR in the first weeks of the cough, or a blood or oral fluid antibody "
        "test later; the chest X-ray is usually normal and is used to look for complications",
        lay=(r"whoop(?:ing|s)?\b",),
        follow_up="a review of the coughing bouts, feeding and breathing; in a young baby, urgent care for "
        "pauses in breathing, going blue or difficulty feeding",
        infectious="whooping cough spreads easily, so close contacts, especially babies and pregnant women, "
        "may be offered antibiotics or vaccination by the local health protection team",
        work="people with whooping cough usually stay away from work, school or nursery until 48 hours "
        "after starting antibiotics, or for three weeks from the start of the cough without them",
        treatment="an antibiotic such as a macrolide (for example clarithromycin or azithromycin) given in "
        "the first weeks reduces spread and can shorten the illness if started early; it does not stop "
        "a cough that has already set in",
    ),
    Condition(
        "atypical_pneumonia",
        "atypical pneumonia (a pneumonia caused by germs such as Mycoplasma or Legionella)",
        (
            "atypical pneumonia",
            "mycoplasma",
            "mycoplasma pneumonia",
            "walking pneumonia",
            "legionella",
            "legionnaires",
            "legionnaires disease",
            "chlamydia pneumoniae",
        ),
        "a dry cough, headache, sore throat, aching muscles and tiredness out of proportion to the chest "
        "signs, a younger person or a cluster in a school or household, patchy shadows on the X-ray, and "
        "no improvement on amoxicillin, which does not act on these germs",
        "a sudden high fever with coloured phlegm and one dense shadow (more typical of pneumococcal "
        "pneumonia), and quick improvement on amoxicillin",
        "blood tests and a throat swab or sputum tested by PCR for Mycoplasma, and a urine test for "
        "Legionella in adults with more severe pneumonia; the chest X-ray cannot tell the germ",
        contrasts="pneumonia",
        follow_up="a review of how the symptoms settle on the antibiotic chosen; the cough and tiredness "
        "can last several weeks",
        infectious="Mycoplasma spreads slowly between people in close contact, such as a household or "
        "school, so contacts only need to be seen if they become unwell; Legionella comes from water "
        "systems and does not spread from person to person",
        treatment="these germs are not killed by amoxicillin or other penicillins; a macrolide (for "
        "example clarithromycin or azithromycin) or, in adults, doxycycline is usually used, chosen by the "
        "prescriber",
    ),
    Condition(
        "eosinophilic_pneumonia",
        "eosinophilic pneumonia (lung inflammation with allergy-type white cells, not an infection)",
        (
            "eosinophilic pneumonia",
            "acute eosinophilic pneumonia",
            "chronic eosinophilic pneumonia",
            "eosinophilic lung disease",
            "pulmonary eosinophilia",
        ),
        "shadows at the outer parts of the lungs that move between films or do not clear with "
        "antibiotics, a raised eosinophil count in the blood, asthma, a new medicine, or starting to smoke "
        "or vape days before a sudden illness",
        "a normal eosinophil count in the blood and in airway washings, and a shadow that clears with "
        "antibiotics for an ordinary pneumonia",
        "a blood count with the eosinophil count, a CT scan and usually a bronchoscopy with "
        "bronchoalveolar lavage, where many eosinophils in the washings confirm it, with a review of "
        "medicines and tests for parasites, fungal allergy and vasculitis",
        contrasts="pneumonia",
        follow_up="review by a chest specialist, with a repeat chest X-ray and blood count while steroids "
        "are reduced, because the chronic form can come back",
        treatment="eosinophilic pneumonia usually improves quickly with steroid tablets; the chronic form "
        "often needs a longer course reduced slowly, and any medicine or vaping that set it off is stopped",
    ),
    Condition(
        "abpa",
        "allergic bronchopulmonary aspergillosis (ABPA, an allergy to the Aspergillus mould in the airways)",
        (
            "allergic bronchopulmonary aspergillosis",
            "abpa",
            "allergic aspergillosis",
            "aspergillus allergy",
            "allergic bronchopulmonary mycosis",
        ),
        "asthma (or cystic fibrosis, in children and adults) that becomes hard to control, coughing up "
        "brown plugs of mucus, shadows that come and go on X-rays, widened central airways on CT, and a "
        "raised blood eosinophil count",
        "a normal total IgE level and no allergy to Aspergillus on a blood or skin test, which make it "
        "very unlikely",
        "blood tests for Aspergillus-specific IgE (or a skin prick test) and the total IgE level, with "
        "Aspergillus-specific IgG, the blood eosinophil count and a high-resolution CT",
        lay=(
            r"allerg\w* to (?:the )?aspergillus",
            r"aspergillus (?:sensiti[sz]ation|hypersensitivity)",
            r"(?:mou?ld|fung\w*) allergy (?:in|of) (?:my|his|her|the|their) (?:lungs?|chest|airways?)",
        ),
        follow_up="review by a chest (or cystic fibrosis) specialist, with the total IgE level and "
        "breathing tests repeated to follow treatment",
        treatment="ABPA is usually treated with steroid tablets or an antifungal medicine such as "
        "itraconazole, alongside the usual asthma inhalers, with the IgE level used to judge the response",
    ),
    Condition(
        "pulmonary_hypertension",
        "pulmonary hypertension (high blood pressure in the lungs)",
        (
            "pulmonary hypertension",
            "pulmonary arterial hypertension",
            "cteph",
            "lung hypertension",
        ),
        "breathlessness on effort that slowly worsens, tiredness, dizziness or fainting on exertion, "
        "swollen ankles, known heart or lung disease or old blood clots, and enlarged lung arteries or a "
        "large right side of the heart on imaging",
        "a normal echocardiogram with a normal estimated lung pressure and a normal BNP blood test",
        "an echocardiogram (heart ultrasound) first, with a BNP blood test, an ECG, breathing tests and "
        "scans that look for the cause; it is confirmed by right heart catheterisation at a specialist "
        "centre",
        lay=(
            r"high (?:blood )?pressures? in (?:my|his|her|their|the) lungs?",
            r"(?:high|raised) (?:lung|pulmonary) (?:blood )?pressures?",
            r"pressures? in (?:my|his|her|their|the) lungs? (?:is|are|was|were) (?:high|raised|up)",
        ),
        follow_up="referral to a pulmonary hypertension specialist centre when the echocardiogram "
        "suggests raised pressure, where the cause is looked for",
        activity=(("travel", _FLYING_LUNGS),),
    ),
    Condition(
        "pneumocystis_pneumonia",
        "Pneumocystis pneumonia (PCP, a lung infection in people with a weakened immune system)",
        (
            "pneumocystis",
            "pneumocystis pneumonia",
            "pneumocystis jirovecii",
            "pneumocystis jiroveci",
            "pneumocystis carinii",
            "pjp",
            "pcp pneumonia",
        ),
        "a weakened immune system (HIV with a low CD4 count, long courses of steroid tablets, "
        "chemotherapy, a transplant or other immune-suppressing medicines), breathlessness building over "
        "days to weeks with a dry cough and fever, oxygen levels that fall on walking, and hazy shadowing "
        "on both sides",
        "a normal immune system, which makes it very unlikely, a dense shadow in one lobe that improves "
        "quickly with ordinary antibiotics, and a negative test on an airway sample",
        "a sample from the lungs (induced sputum or an airway washing at bronchoscopy) tested for "
        "Pneumocystis by PCR or special stains, with a beta-D-glucan blood test, oxygen levels on "
        "walking, a CT scan when the X-ray is unclear, and an HIV test for anyone who does not know their "
        "status",
        # "PCP" is also a primary care physician: "my PCP said", "the PCP's office" are not this.
        lay=(_PCP,),
        follow_up="review by the treating team or HIV service, with preventive co-trimoxazole while the "
        "immune system remains weak",
        treatment="Pneumocystis pneumonia is usually treated with co-trimoxazole for about three weeks, "
        "with steroid tablets added when oxygen levels are low, then preventive treatment while the immune "
        "system stays weak",
    ),
)

_BY_KEY = {c.key: c for c in CONDITIONS}


@dataclass(frozen=True)
class VagueTerm:
    """A word for an organ that names no condition by itself ("my heart"): its context decides.

    Each reading is a condition key with the words that point to it (symptoms, what the heart
    is said to do). Cues in the same sentence count twice, cues elsewhere in the text once; the
    reading with most wins, and ``default`` when none is ahead.
    """

    pattern: str
    readings: tuple[tuple[str, tuple[str, ...]], ...]
    default: str


VAGUE_TERMS: tuple[VagueTerm, ...] = (
    VagueTerm(
        # "my heart races" is a palpitation, "my heart rhythm" an arrhythmia and "my heart attack" a
        # named condition: none is a vague mention of a heart problem.
        r"(?:my|his|her|their|your|mum's|dad's) heart(?!\s*(?:attack|failure|rate|beat|rac(?:e|es|ed|ing)|"
        r"pound\w*|flutter\w*|skip\w*|thump\w*|valve|rhythm))|heart (?:problems?|troubles?|issues?)|cardiac",
        (
            (
                "heart_failure",
                (
                    r"swollen (?:ankles?|legs?|feet)|(?:ankles?|legs?|feet) (?:have |are |had |were )?"
                    r"(?:swollen|swelling|puffy)|(?:ankle|leg) swelling|oedema|edema",
                    r"(?:lie|lying|sleep\w*) flat|propped up|pillows|(?:wak\w*|woke) (?:up )?(?:at night )?"
                    r"(?:gasping|breathless|short of breath|fighting for breath)",
                    r"pump\w*|weak(?:er)? heart|enlarged heart|large heart|big heart|cardiomegaly",
                    r"fluid|water (?:tablets?|pills?)|diuretics?|weight gain|put on weight",
                ),
            ),
            (
                "heart_attack",
                (
                    r"chest pain|pain\b[^.?!;\n]{0,30}\bchest|crushing|tight\w*|squeez\w*|heav(?:y|iness)",
                    r"(?:left )?arm|jaw|sweat\w*|clammy",
                    r"exertion|exercis\w*|gym",
                    r"angina|ecg|troponin|gtn",
                ),
            ),
        ),
        default="heart_attack",
    ),
)
_SENTENCE_END = re.compile(r"[.?!;\n]")


def _reading(term: VagueTerm, text: str, start: int, end: int) -> Condition:
    """The condition a vague mention at ``text[start:end]`` stands for, read from its context."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    lo, hi = (before[-1] if before else 0), (after.start() if after else len(text))
    scores: dict[str, int] = {}
    for key, cues in term.readings:
        pattern = re.compile(r"\b(?:" + "|".join(cues) + r")\b", re.IGNORECASE)
        near = len(pattern.findall(text[lo:hi]))
        scores[key] = 2 * near + len(pattern.findall(text)) - near
    best = max(scores.values())
    leaders = [k for k, v in scores.items() if v == best]
    return condition(leaders[0] if len(leaders) == 1 else term.default)


def condition(key: str) -> Condition:
    """The condition with ``key`` (raises ``KeyError`` for an unknown key)."""
    return _BY_KEY[key]


def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])" + re.escape(term) + r"(?:s|es)?(?![a-z])", re.IGNORECASE)


def _lay_pattern(source: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])(?:" + source + r")(?![a-z])", re.IGNORECASE)


_PATTERNS: list[tuple[Condition, re.Pattern[str]]] = [
    (c, _term_pattern(t)) for c in CONDITIONS for t in c.terms
] + [(c, _lay_pattern(x)) for c in CONDITIONS for x in c.lay]

# "a clot, or one in my leg": the pronoun stands for the noun before it.
_ONE_IN = re.compile(
    r"\b((?:blood )?clots?|tumou?rs?|growths?|infections?)\b([^.?!]{0,40}?)\bones? (in|on)\b", re.I
)
# "a clot in my leg or my lung": the second place has the same noun.
_OR_IN = re.compile(
    r"\b((?:blood )?clots?) (in (?:my|his|her|their|the|a) (?:legs?|calf|calves|lungs?)) (or|and) (?:in )?"
    r"((?:my|his|her|their|the) (?:legs?|calf|calves|lungs?))\b",
    re.I,
)
# Single words long enough to recognise when misspelt ("pnemonia").
_SPELLABLE = sorted({t for c in CONDITIONS for t in c.terms if t.isalpha() and len(t) >= 6})
_WORDS = re.compile(r"[A-Za-z]{5,}")


def correct_spelling(text: str, vocabulary: Sequence[str] = ()) -> str:
    """``text`` with words close to a known term (ratio >= 0.85) replaced by that term.

    Only for the patient's own text: the draft then names the recognised term, never
    the misspelling.
    """
    known = list(vocabulary) or _SPELLABLE

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        low = word.lower()
        if low in known:
            return word
        close = difflib.get_close_matches(low, known, n=1, cutoff=0.85)
        if not close or close[0][0] != low[0]:
            return word
        # A misspelling drops at most one letter: a word two letters shorter is another word
        # ("asbestos" is not "asbestosis", "weeing" not "wheezing").
        if len(close[0]) - len(low) >= 2:
            return word
        return close[0]

    return _WORDS.sub(fix, text)


_VAGUE_PATTERNS = [(t, _lay_pattern(t.pattern)) for t in VAGUE_TERMS]


# Terms that are also everyday abbreviations: "PE" is a school's physical education in a sentence
# about school or sport ("swimming club and PE"), not a pulmonary embolism.
_EVERYDAY_SENSE: dict[str, re.Pattern[str]] = {
    "pe": re.compile(
        r"\b(?:school|lessons?|class(?:es)?|club|sports?|swimming|football|netball|rugby|gym|games|kit|"
        r"teachers?|nursery|playground|running|runs|run)\b",
        re.IGNORECASE,
    ),
}


def _everyday(text: str, start: int, end: int) -> bool:
    """Whether the term at ``text[start:end]`` is used in its everyday sense in its sentence."""
    sense = _EVERYDAY_SENSE.get(text[start:end].lower())
    if sense is None:
        return False
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return bool(sense.search(text[before[-1] if before else 0 : after.start() if after else len(text)]))


def _rewrite(text: str) -> str:
    """``text`` with a pronoun or an elided noun spelt out ("a clot, or one in my leg")."""
    text = _ONE_IN.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(1)} {m.group(3)}", text)
    return _OR_IN.sub(lambda m: f"{m.group(1)} {m.group(2)} {m.group(3)} {m.group(1)} in {m.group(4)}", text)


# A past episode, not a possibility now: "an old scar from the pneumonia", "a bad pneumonia as a
# child", "5 years back", and repeated "chest infections" (a history, as in bronchiectasis).
_PAST_BEFORE = re.compile(
    r"\b(?:scar\w*|damage\w*|marks?|left)\s+(?:\w+\s+){0,2}(?:from|after|by)\s+"
    r"(?:(?:my|his|her|their|the|that|a|an)\s+)?(?:\w+\s+)?$",
    re.IGNORECASE,
)
_PAST_AFTER = re.compile(
    r"^[^.?!;\n]{0,40}?\b(?:as an? (?:child|baby|toddler|kid|teenager)|(?:\d+|a few|several|many|two|"
    r"three|four|five|six|ten) years? (?:ago|back)|years ago|in (?:my|his|her) (?:teens|twenties|thirties|"
    r"forties|fifties|sixties)|when (?:i|he|she) was (?:young|little|a child|a baby|\d+))",
    re.IGNORECASE,
)
_RECURRENT = re.compile(r"infections$", re.IGNORECASE)


def _past(text: str, start: int, end: int) -> bool:
    """Whether the mention at ``text[start:end]`` is of an episode in the past."""
    return bool(
        _PAST_BEFORE.search(text[max(0, start - 60) : start])
        or _PAST_AFTER.search(text[end:])
        or _RECURRENT.search(text[start:end])
    )


def _hits(text: str, *, vague: bool = True) -> list[tuple[int, int, Condition]]:
    text = _rewrite(text)
    hits = [
        (match.start(), -(match.end() - match.start()), cond)
        for cond, pattern in _PATTERNS
        for match in pattern.finditer(text)
        if not _everyday(text, match.start(), match.end())
    ]
    hits += [
        (match.start(), -(match.end() - match.start()), _reading(term, text, match.start(), match.end()))
        for term, pattern in (_VAGUE_PATTERNS if vague else [])
        for match in pattern.finditer(text)
    ]
    hits.sort(key=lambda h: (h[0], h[1]))
    return hits


def conditions_in(
    text: str, *, fuzzy: bool = False, nested: bool = False, vague: bool = True, history: bool = True
) -> list[Condition]:
    """Conditions named in ``text``, in order of first mention, each once.

    A mention of a longer term wins over a shorter one at the same place ("lung cancer"
    is one mention of lung cancer, not also a bare "cancer"), unless ``nested``, which
    keeps every condition named anywhere ("COVID-19 pneumonia" is COVID-19 and pneumonia).
    ``fuzzy`` first corrects misspelt condition words (patient text only); ``vague=False``
    leaves out what a vague organ word ("my heart") is read as; ``history=False`` leaves out
    mentions of a past episode ("an old scar from the pneumonia", "a bad pneumonia as a child",
    repeated "chest infections"), which name no alternative to the diagnosis now.
    """
    if fuzzy:
        text = correct_spelling(text)
    text = _rewrite(text)
    out: list[Condition] = []
    covered_until = -1
    for start, neg_len, cond in _hits(text, vague=vague):
        if start < covered_until and not nested:
            continue
        covered_until = max(covered_until, start - neg_len)
        if cond not in out and (history or not _past(text, start, start - neg_len)):
            out.append(cond)
    return out


def diagnosis_family(text: str) -> list[Condition]:
    """The diagnosis's condition, the one it refines, and conditions named inside its term.

    "COVID-19 pneumonia that has healed, now long COVID" is long COVID, COVID-19 and
    pneumonia; "chest wall strain, no clot" is chest-wall pain only (the clot is negated,
    not part of the diagnosis, and stays an alternative the patient may ask about).
    """
    main = main_condition(text)
    if main is None:
        return []
    family = [main] + [c for c in CONDITIONS if c.key == main.refines]
    hits = _hits(correct_spelling(text))
    spans = [(start, start - neg) for start, neg, cond in hits if cond in family]
    for start, neg, cond in hits:
        if cond.key == main.contrasts:
            continue
        if cond not in family and any(a <= start and start - neg <= b for a, b in spans):
            family.append(cond)
    return family


# "no broken ribs", "ruled out a clot": a condition named only to deny it.
_DENIED = re.compile(
    r"\b(?:no|not|never had|never|without|ruled out|rules out|excluded?|negative for|free of|rather than)\s+"
    # "no previous clots", "no history of asthma", "never had a pneumonia"
    r"(?:(?:a|an|any|the|signs? of|evidence of|previous|prior|past|history of|known|personal)\s+)*$",
    re.I,
)


def denied_conditions(text: str) -> list[Condition]:
    """Conditions ``text`` names only to deny them: "no previous clots", "never had asthma"."""
    return [cond for start, _, cond in _hits(text) if _DENIED.search(text[max(0, start - 40) : start])]


@lru_cache(maxsize=512)
def main_condition(text: str) -> Condition | None:
    """The condition a diagnosis names: the first one not denied, or a narrower one that refines it.

    "bruised ribs, the X-ray showed no broken ribs" is not a broken rib.
    """
    text = correct_spelling(text)
    denied = {cond for start, _, cond in _hits(text) if _DENIED.search(text[max(0, start - 40) : start])}
    found = [c for c in conditions_in(text) if c not in denied]
    if not found:
        return None
    narrower = [c for c in found if c.refines and c.refines in {f.key for f in found}]
    return narrower[0] if narrower else found[0]


def for_label(label: str) -> Condition | None:
    """The condition an imaging finding label points at, if the table has one."""
    low = label.lower().replace("_", " ")
    for cond in CONDITIONS:
        if any(lab == low or lab in low for lab in cond.labels):
            return cond
    return None


def mentions(condition_: Condition, text: str) -> bool:
    """True when ``text`` names the condition by any of its terms or lay phrasings.

    A vague organ word ("my heart") counts for the condition its context reads it as.
    """
    if any(p.search(text) for c, p in _PATTERNS if c == condition_):
        return True
    return any(c == condition_ for _, _, c in _hits(text))


def mention_starts(condition_: Condition, text: str) -> list[int]:
    """Where ``text`` names the condition by its terms or lay phrasings (vague organ words aside)."""
    return [start for start, _, c in _hits(text, vague=False) if c == condition_]


#: Topics the pack covers that the table above has no entry for: a document titled with
#: one of them is about that topic, not about any condition of the table.
OTHER_TOPICS = re.compile(
    r"\b(croup|pericarditis|pleurisy|"
    r"lung abscess|reflux|gord|gerd|anxiety|panic|shingles)\b",
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
