"""The structured intake record a patient fills before submitting a case.

It is the one intake model: the chat fills it, the case stores it, and the drafting
pipeline reads it as it is (red flags, which the chat's triage raises rather than the
patient's answers, travel beside it).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Symptom(BaseModel):
    """One symptom in the patient's words, with when it began and how long it has lasted."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1, max_length=500)
    onset: str = Field(default="", max_length=200)
    duration: str = Field(default="", max_length=200)


class IntakeRecord(BaseModel):
    """What the patient told us; all free text is data, never instructions."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    diagnosis_in_question: str = Field(default="", max_length=2000)
    reason_for_second_opinion: str = Field(default="", max_length=2000)
    symptoms: list[Symptom] = Field(default_factory=list, max_length=30)
    history: str = Field(default="", max_length=4000)
    medications: list[str] = Field(default_factory=list, max_length=50)
    allergies: list[str] = Field(default_factory=list, max_length=50)
    prior_imaging: str = Field(default="", max_length=2000)
    main_question: str = Field(default="", max_length=2000)
    age: int | None = Field(default=None, ge=0, le=130)
    sex: str = Field(default="", max_length=40)

    def missing_for_submission(self) -> list[str]:
        """Fields a case cannot be submitted without."""
        missing = []
        if not self.diagnosis_in_question:
            missing.append("diagnosis_in_question")
        if not self.main_question:
            missing.append("main_question")
        return missing

    @property
    def is_child(self) -> bool:
        """True when the intake gives an age under 18."""
        return self.age is not None and self.age < 18

    @property
    def symptom_text(self) -> str:
        """Every symptom's description, in the order given, joined with "; "."""
        return "; ".join(s.description for s in self.symptoms)

    @property
    def onset(self) -> str:
        """When the first symptom began, as the patient said it ("" when none)."""
        return self.symptoms[0].onset if self.symptoms else ""

    @property
    def duration(self) -> str:
        """How long the first symptom has lasted ("" when none)."""
        return self.symptoms[0].duration if self.symptoms else ""
