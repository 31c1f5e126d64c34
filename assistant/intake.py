"""The structured intake record a patient fills before submitting a case."""

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
