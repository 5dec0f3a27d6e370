"""Request and answer schemas of /api/v1/incidents."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from kefu.incidents.models import (
    Attendance,
    AttendeeRole,
    Kind,
    Measure,
    PartyRole,
    SanctionStatus,
    Severity,
    Status,
    Step,
)


class IncidentIn(Schema):
    kind: Kind
    occurred_at: dt.datetime
    place: str = Field(..., max_length=200)
    description: str
    injured_count: int = Field(0, ge=0, le=10000)
    injuries: str = ""
    first_actions: str = ""
    handling_plan: str = ""
    severity: Severity | None = None
    site_id: int | None = None
    responsible_unit_id: int | None = None
    shift_leader_id: int | None = None
    customer_id: int | None = None
    ticket_id: int | None = None


class StepOut(Schema):
    step: Step
    label: str
    person_id: int | None
    who: str
    done_at: dt.datetime | None
    done_by_id: int | None
    note: str

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.get_step_display())


class PartyOut(Schema):
    person_id: int
    person_name: str
    role: PartyRole
    reason: str

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.display_name


class IncidentOut(Schema):
    id: int
    number: str
    kind: Kind
    severity: Severity
    status: Status
    occurred_at: dt.datetime
    reported_at: dt.datetime
    delay_minutes: int
    late: bool
    concealed: bool
    site_id: int | None
    place: str
    description: str
    injured_count: int
    injuries: str
    first_actions: str
    handling_plan: str
    reporter_id: int | None
    responsible_unit_id: int | None
    customer_id: int | None
    ticket_id: int | None
    chief_id: int | None
    manager_id: int | None
    closed_at: dt.datetime | None
    steps: list[StepOut]
    parties: list[PartyOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.select_related("person"))

    @staticmethod
    def resolve_parties(obj) -> list:
        return list(obj.parties.select_related("person"))


class IncidentRow(Schema):
    id: int
    number: str
    kind: Kind
    severity: Severity
    status: Status
    occurred_at: dt.datetime
    reported_at: dt.datetime
    place: str
    late: bool
    concealed: bool


class StepIn(Schema):
    person_id: int | None = None
    contact_name: str = Field("", max_length=100)
    note: str = Field("", max_length=300)


class TextIn(Schema):
    text: str


class CloseIn(Schema):
    summary: str
    severity: Severity | None = None


class ConcealedIn(Schema):
    note: str = Field(..., max_length=300)


class PartyIn(Schema):
    person_id: int
    role: PartyRole
    reason: str = Field("", max_length=300)


class AttendeeIn(Schema):
    person_id: int
    role: AttendeeRole


class ScheduleIn(Schema):
    meeting_at: dt.datetime
    meeting_place: str = Field("", max_length=200)
    attendees: list[AttendeeIn] = []
    late_reason: str = Field("", max_length=300)


class HoldIn(Schema):
    minutes: str
    held_at: dt.datetime | None = None


class AttendanceIn(Schema):
    person_id: int
    attendance: Attendance
    excuse: str = Field("", max_length=300)


class InvestigationCloseIn(Schema):
    conclusion: str
    severity: Severity | None = None


class AttendeeOut(Schema):
    person_id: int
    person_name: str
    role: AttendeeRole
    attendance: Attendance
    excuse: str

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.display_name


class InvestigationOut(Schema):
    incident_id: int
    deadline: dt.datetime
    meeting_at: dt.datetime
    meeting_place: str
    late: bool
    late_reason: str
    held_at: dt.datetime | None
    minutes: str
    report_attached: bool
    report_at: dt.datetime | None
    closed_at: dt.datetime | None
    conclusion: str
    attendees: list[AttendeeOut]

    @staticmethod
    def resolve_late(obj) -> bool:
        return obj.is_late

    @staticmethod
    def resolve_report_attached(obj) -> bool:
        return bool(obj.report_file)

    @staticmethod
    def resolve_attendees(obj) -> list:
        return list(obj.attendees.select_related("person"))


class InjuryIn(Schema):
    injured_name: str = Field(..., max_length=100)
    note: str = Field("", max_length=300)


class InjuryOut(Schema):
    id: int
    injured_name: str
    note: str
    filed_at: dt.datetime


class SanctionOut(Schema):
    id: int
    incident_id: int
    incident_number: str
    person_id: int
    person_name: str
    role: str
    basis: str
    measure: Measure
    fine_yuan: Decimal
    deposit_percent: int
    status: SanctionStatus
    proposed_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str

    @staticmethod
    def resolve_incident_number(obj) -> str:
        return obj.incident.number

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.display_name


class SanctionIn(Schema):
    person_id: int
    role: PartyRole | None = None
    measure: Measure = Measure.NONE
    fine_yuan: Decimal = Decimal(0)
    deposit_percent: int = 0
    note: str = Field("", max_length=300)


class DecisionIn(Schema):
    note: str = Field("", max_length=300)


class RuleIn(Schema):
    severity: Severity
    role: PartyRole
    measure: Measure = Measure.NONE
    fine_yuan: Decimal = Decimal(0)
    deposit_percent: int = 0
    note: str = Field("", max_length=300)


class RuleChangeIn(Schema):
    measure: Measure
    fine_yuan: Decimal
    deposit_percent: int
    note: str = Field("", max_length=300)


class RuleOut(RuleIn):
    id: int


class SiteIn(Schema):
    name: str = Field(..., max_length=120)
    department_id: int | None = None


class SiteOut(Schema):
    id: int
    name: str
    department_id: int | None


class InspectionIn(Schema):
    site_id: int
    visited_at: dt.datetime
    route: str = Field("", max_length=300)
    notes: str = ""
    hazards: list[str] = []


class HazardOut(Schema):
    id: int
    site_id: int
    description: str
    status: str
    assignee_id: int | None
    deadline: dt.date | None
    rectified_at: dt.datetime | None


class InspectionOut(Schema):
    id: int
    inspector_id: int
    site_id: int
    visited_at: dt.datetime
    route: str
    notes: str
    hazards: list[HazardOut]

    @staticmethod
    def resolve_hazards(obj) -> list:
        return list(obj.hazards.all())


class AssignIn(Schema):
    assignee_id: int
    deadline: dt.date


class RectifyIn(Schema):
    note: str = Field(..., max_length=300)
