"""The attributes of the DICOM PS3.15 Basic Application Level Confidentiality Profile.

Table E.1-1 of PS3.15 lists, per attribute, an action: ``X`` remove, ``Z`` replace with
a zero-length value, ``D`` replace with a dummy value, ``U`` replace a UID consistently.
Where the table allows a choice (``Z/D``, ``X/Z``, ``X/D``, ``X/Z/D``, ``X/Z/U*``) the
stricter action valid for the attribute's type is used. Besides this table the
de-identifier applies rules by value representation (every PN, DA, DT and TM, and every
non-standard UI, wherever it occurs), removes private attributes, curves and overlay
comments/data; see :mod:`imaging.deid`.
"""

from __future__ import annotations

from typing import Literal

Action = Literal["X", "Z", "D", "U"]

_REMOVE = """
AcquisitionComments AcquisitionContextSequence AcquisitionDate AcquisitionDateTime
AcquisitionDeviceProcessingDescription AcquisitionProtocolDescription AcquisitionTime
ActualHumanPerformersSequence AdditionalPatientHistory AdmissionID AdmittingDate
AdmittingDiagnosesCodeSequence AdmittingDiagnosesDescription AdmittingTime Allergies
Arbitrary AuthorObserverSequence BranchOfService CommentsOnThePerformedProcedureStep
ConfidentialityConstraintOnPatientDataDescription ConsultingPhysicianName
ContributionDescription CountryOfResidence CurrentPatientLocation CurveDate CurveTime
CustodialOrganizationSequence DataSetTrailingPadding DerivationDescription
DeviceSerialNumber DischargeDiagnosisDescription DistributionAddress DistributionName
EthnicGroup FrameComments GantryID GeneratorID HumanPerformerName
HumanPerformerOrganization IconImageSequence IdentifyingComments ImageComments
ImagePresentationComments ImagingServiceRequestComments Impressions
InstitutionAddress InstitutionCodeSequence InstitutionName InstitutionalDepartmentName
InstitutionalDepartmentTypeCodeSequence InsurancePlanIdentification
IntendedRecipientsOfResultsIdentificationSequence InterpretationApproverSequence
InterpretationAuthor InterpretationDiagnosisDescription InterpretationIDIssuer
InterpretationRecorder InterpretationText InterpretationTranscriber
IssuerOfAdmissionID IssuerOfPatientID IssuerOfServiceEpisodeID LastMenstrualDate
MedicalAlerts MedicalRecordLocator MilitaryRank ModifiedAttributesSequence
ModifiedImageDescription ModifyingDeviceID NameOfPhysiciansReadingStudy
NamesOfIntendedRecipientsOfResults Occupation OperatorIdentificationSequence
OperatorsName OrderCallbackPhoneNumber OrderEnteredBy OrderEntererLocation
OriginalAttributesSequence OtherPatientIDs OtherPatientIDsSequence OtherPatientNames
OverlayDate OverlayTime ParticipantSequence PatientAddress PatientAge
PatientBirthName PatientBirthTime PatientComments PatientInsurancePlanCodeSequence
PatientMotherBirthName PatientPrimaryLanguageCodeSequence
PatientPrimaryLanguageModifierCodeSequence PatientReligiousPreference PatientSize
PatientState PatientTelephoneNumbers PatientTransportArrangements PatientWeight
PerformedLocation PerformedProcedureStepDescription PerformedProcedureStepEndDate
PerformedProcedureStepEndTime PerformedProcedureStepID PerformedProcedureStepStartDate
PerformedProcedureStepStartTime PerformedStationAETitle
PerformedStationGeographicLocationCodeSequence PerformedStationName
PerformedStationNameCodeSequence PerformingPhysicianIdentificationSequence
PerformingPhysicianName PersonAddress PersonTelephoneNumbers PhysicianApprovingInterpretation
PhysiciansOfRecord PhysiciansOfRecordIdentificationSequence
PhysiciansReadingStudyIdentificationSequence PlacerOrderNumberImagingServiceRequest
PreMedication PregnancyStatus ProtocolName
ReasonForStudy ReferencedPatientAliasSequence ReferencedPatientSequence
ReferencedPerformedProcedureStepSequence ReferencedStudySequence
ReferringPhysicianAddress ReferringPhysicianIdentificationSequence
ReferringPhysicianTelephoneNumbers RegionOfResidence RequestAttributesSequence
RequestedContrastAgent RequestedProcedureComments RequestedProcedureDescription
RequestedProcedureID RequestedProcedureLocation RequestingPhysician RequestingService
ResponsibleOrganization ResponsiblePerson ResponsiblePersonRole ResultsComments
ResultsDistributionListSequence ResultsIDIssuer ScheduledHumanPerformersSequence
ScheduledPatientInstitutionResidence ScheduledPerformingPhysicianIdentificationSequence
ScheduledPerformingPhysicianName ScheduledProcedureStepEndDate
ScheduledProcedureStepEndTime ScheduledProcedureStepDescription
ScheduledProcedureStepLocation ScheduledProcedureStepStartDate
ScheduledProcedureStepStartTime ScheduledStationAETitle
ScheduledStationGeographicLocationCodeSequence ScheduledStationName
ScheduledStationNameCodeSequence ScheduledStudyLocation ScheduledStudyLocationAETitle
SeriesDate SeriesDescription SeriesTime ServiceEpisodeDescription ServiceEpisodeID
SmokingStatus SourceApplicationEntityTitle SpecialNeeds StationName StudyComments
StudyDescription StudyIDIssuer TextComments TextString TimezoneOffsetFromUTC
TopicAuthor TopicKeywords TopicSubject TopicTitle VerifyingOrganization VisitComments
ContentSequence
"""

_ZERO = """
AccessionNumber ContentCreatorName FillerOrderNumberImagingServiceRequest
PatientBirthDate PatientID PatientName PatientSex ReferringPhysicianName StudyDate
StudyID StudyTime
"""

_DUMMY = """
ContentDate ContentTime InstanceCreationDate InstanceCreationTime
PersonIdentificationCodeSequence VerifyingObserverIdentificationCodeSequence
VerifyingObserverName
"""

_UIDS = """
AffectedSOPInstanceUID ConcatenationUID ContextGroupExtensionCreatorUID
CreatorVersionUID DeviceUID DigitalSignatureUID DimensionOrganizationUID
DoseReferenceUID FailedSOPInstanceUIDList FiducialUID FrameOfReferenceUID
InstanceCreatorUID IrradiationEventUID LargePaletteColorLookupTableUID
MediaStorageSOPInstanceUID MultiFrameSourceSOPInstanceUID
ObservationUID PaletteColorLookupTableUID ReferencedFrameOfReferenceUID
ReferencedGeneralPurposeScheduledProcedureStepTransactionUID ReferencedSOPInstanceUID
ReferencedSOPInstanceUIDInFile RelatedFrameOfReferenceUID RequestedSOPInstanceUID
SeriesInstanceUID SOPInstanceUID SpecimenUID StorageMediaFileSetUID
StudyInstanceUID SynchronizationFrameOfReferenceUID TargetUID TemplateExtensionCreatorUID
TemplateExtensionOrganizationUID TransactionUID UID
"""


def _table() -> dict[str, Action]:
    table: dict[str, Action] = {}
    for block, action in ((_REMOVE, "X"), (_ZERO, "Z"), (_DUMMY, "D"), (_UIDS, "U")):
        for keyword in block.split():
            table[keyword] = action  # type: ignore[assignment]
    return table


BASIC_PROFILE: dict[str, Action] = _table()
"""Keyword -> action for the attributes of PS3.15 Table E.1-1 handled by name."""

DUMMY_BY_VR: dict[str, str] = {
    "DA": "19000101",
    "DT": "19000101000000",
    "TM": "000000",
    "PN": "ANONYMOUS",
    "LO": "ANONYMOUS",
    "SH": "ANONYMOUS",
    "CS": "ANONYMOUS",
}
"""Dummy values per value representation for the ``D`` action."""
