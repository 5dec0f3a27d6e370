"""Policy settings: every number the seed gives a default for, in one place.

SPEC.md: "Numbers below are the seed's defaults. Each one is a policy setting an
administrator can change; the seed's value is what a new installation starts
with." Code reads them with :func:`get`; nobody writes a literal 90 or 20% in a
service. An administrator changes one with ``core.services.policy_set`` (page,
API or admin), which is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.core.wording import one_of


@dataclass(frozen=True)
class Policy:
    key: str
    default: int | Decimal | bool | str
    label: str | Promise
    rule: str
    unit: str | Promise = ""
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    # For text settings: the allowed values as (code, label) pairs — the code is what is
    # stored and what the API takes, the label what a person reads — or a function that
    # raises ValueError with a message saying what is wrong.
    choices: tuple[tuple[str, str | Promise], ...] = ()
    validator: Callable[[str], object] | None = None

    @property
    def kind(self) -> type:
        return type(self.default)

    @property
    def codes(self) -> tuple[str, ...]:
        """The allowed values of a choice setting (empty for any other setting)."""
        return tuple(code for code, _label in self.choices)

    def choice_label(self, value):
        """What ``value`` of a choice setting means, in the reader's language; any other
        value as it is."""
        for code, label in self.choices:
            if code == value:
                return str(label)
        return value


D = Decimal
_POLICIES = [
    Policy(
        "customers.frequent_claims_count",
        3,
        _("Frequent claims: number of claims"),
        "R-CUS-6",
        _("claims (count)"),
        1,
        100,
    ),
    Policy(
        "customers.frequent_claims_months",
        12,
        _("Frequent claims: within months"),
        "R-CUS-6",
        _("months"),
        1,
        120,
    ),
    Policy(
        "customers.high_loss_ratio_percent",
        D("70"),
        _("High loss ratio above"),
        "R-CUS-6",
        "%",
        D("0"),
        D("1000"),
    ),
    Policy(
        "customers.key_customer_share_percent",
        D("20"),
        _("Key customers: top share by value (80/20 rule)"),
        "R-CUS-3",
        "%",
        D("1"),
        D("100"),
    ),
    Policy(
        "customers.grade_b_share_percent",
        D("50"),
        _("Grade B: customers ranked by value down to this share"),
        "R-CUS-3",
        "%",
        D("1"),
        D("100"),
    ),
    Policy(
        "customers.grade_c_share_percent",
        D("80"),
        _("Grade C: customers ranked by value down to this share"),
        "R-CUS-3",
        "%",
        D("1"),
        D("100"),
    ),
    Policy(
        "tickets.repeat_window_days",
        7,
        _("Repeat contact: link to tickets closed within"),
        "R-TIC-4",
        _("days"),
        0,
        365,
    ),
    Policy(
        "tickets.shirking_bounce_limit",
        2,
        _("Shirking: transfers between departments before arbitration"),
        "R-TIC-9",
        _("transfers"),
        1,
        20,
    ),
    Policy(
        "followups.first_year_interval_months",
        1,
        _("Callback interval in the first year after delivery"),
        "R-FUP-1",
        _("months"),
        1,
        12,
    ),
    Policy(
        "followups.later_interval_months",
        3,
        _("Callback interval after the first year"),
        "R-FUP-1",
        _("months"),
        1,
        24,
    ),
    Policy(
        "followups.upkeep_months_a",
        1,
        _("Relationship upkeep, grade A"),
        "R-FUP-5",
        _("months"),
        1,
        24,
    ),
    Policy(
        "followups.upkeep_months_b",
        3,
        _("Relationship upkeep, grade B"),
        "R-FUP-5",
        _("months"),
        1,
        24,
    ),
    Policy(
        "followups.upkeep_months_c",
        6,
        _("Relationship upkeep, grade C"),
        "R-FUP-5",
        _("months"),
        1,
        24,
    ),
    Policy(
        "followups.upkeep_months_d",
        12,
        _("Relationship upkeep, grade D"),
        "R-FUP-5",
        _("months"),
        1,
        36,
    ),
    Policy("callcenter.lines", 90, _("Concurrent lines"), "R-CC-1", _("lines"), 1, 100000),
    Policy(
        "callcenter.peak_min_seats",
        8,
        _("Minimum seats online in peak hours"),
        "R-CC-8",
        _("seats"),
        0,
        10000,
    ),
    Policy(
        "callcenter.night_min_seats",
        2,
        _("Minimum seats online at night"),
        "R-CC-8",
        _("seats"),
        0,
        10000,
    ),
    Policy(
        "callcenter.answer_rate_target_percent",
        D("90"),
        _("Answer rate target"),
        "R-CC-9",
        "%",
        D("0"),
        D("100"),
    ),
    Policy(
        "callcenter.service_level_target_percent",
        D("80"),
        _("Service level target"),
        "R-CC-5",
        "%",
        D("0"),
        D("100"),
    ),
    Policy(
        "callcenter.service_level_seconds",
        20,
        _("Service level: answered within"),
        "R-CC-5",
        _("seconds"),
        1,
        3600,
    ),
    Policy(
        "supervision.sample_percent",
        D("20"),
        _("Director's sample of duty-log entries"),
        "R-SUP-1",
        "%",
        D("1"),
        D("100"),
    ),
    Policy(
        "incidents.report_limit_minutes",
        30,
        _("An incident report later than this is late"),
        "R-INC-3",
        _("minutes"),
        1,
        10080,
    ),
    Policy(
        "incidents.late_report_fine_yuan",
        500,
        _("Fine for a late or concealed report"),
        "R-INC-3",
        _("yuan"),
        0,
        1000000,
    ),
    Policy(
        "incidents.investigation_hours",
        24,
        _("Investigation meeting within"),
        "R-INC-4",
        _("hours"),
        1,
        720,
    ),
    Policy(
        "incidents.absence_fine_yuan",
        200,
        _("Fine for unexcused absence from the investigation"),
        "R-INC-4",
        _("yuan"),
        0,
        1000000,
    ),
    Policy(
        "incidents.injury_paperwork_days",
        3,
        _("Injury paperwork accepted within"),
        "R-INC-5",
        _("days"),
        1,
        365,
    ),
]
_POLICIES += [
    Policy(
        "calendar.business_hours",
        "09:00-12:00,13:30-18:00",
        _("Business hours on workdays (time limits that are not 7×24)"),
        "R-TIC-6",
        validator=lambda text: _business_hours(text),
    ),
    Policy(
        "calendar.unknown_year_rule",
        "error",
        _("A year whose holidays nobody entered: refuse (error) or count Monday–Friday (weekdays)"),
        "R-TIC-6",
        choices=(
            ("error", _("refuse until the year is entered")),
            ("weekdays", _("count Monday to Friday as workdays")),
        ),
    ),
]

# Call-centre statistics and staffing (R-CC-5, R-CC-10): the formula variants practice uses.
_POLICIES += [
    Policy(
        "callcenter.short_abandon_seconds",
        5,
        _("Short abandon: caller hung up within"),
        "R-CC-5",
        _("seconds"),
        0,
        600,
    ),
    Policy(
        "callcenter.service_level_formula",
        "offered",
        _(
            "Service level denominator: all offered calls (offered), offered minus short "
            "abandons (no_short_abandons), or answered calls only (answered)"
        ),
        "R-CC-5",
        choices=(
            ("offered", _("all offered calls")),
            ("no_short_abandons", _("offered calls minus short abandons")),
            ("answered", _("answered calls only")),
        ),
    ),
    Policy(
        "callcenter.quick_answer_seconds",
        15,
        _("N-second answer rate: answered within"),
        "R-CC-5",
        _("seconds"),
        1,
        3600,
    ),
    Policy(
        "callcenter.fcr_days",
        7,
        _("First-contact resolution: no call from the number within ± days"),
        "R-CC-5",
        _("days"),
        1,
        90,
    ),
    Policy(
        "callcenter.shrinkage_percent",
        D("30"),
        _("Shrinkage (breaks, training, leave) added to required seats"),
        "R-CC-10",
        "%",
        D("0"),
        D("95"),
    ),
    Policy(
        "callcenter.max_occupancy_percent",
        D("85"),
        _("Maximum agent occupancy when sizing seats"),
        "R-CC-10",
        "%",
        D("1"),
        D("100"),
    ),
]


def _business_hours(text: str):
    from kefu.core.workcalendar import BusinessHours

    try:
        return BusinessHours.parse(text)
    except ValueError as wrong:
        # R-TIC-6: what is wrong (the work calendar names the window), then what is wanted.
        raise ValueError(
            gettext("%(problem)s; %(rule)s")
            % {
                "problem": wrong,
                "rule": gettext(
                    "give one or more windows like 09:00-12:00,13:30-18:00, each ending after "
                    "it starts, in order and not overlapping"
                ),
            }
        ) from None


_POLICIES += [
    Policy(
        "followups.plan_horizon_days",
        31,
        _("Callback plans: tasks are generated this far ahead (and caught up this far back)"),
        "R-FUP-1",
        _("days"),
        1,
        366,
    ),
    Policy(
        "followups.retry_days",
        2,
        _("An unreached callback is tried again after"),
        "R-FUP-1",
        _("days"),
        0,
        60,
    ),
    Policy(
        "followups.max_attempts",
        3,
        _("Attempts to reach a customer for one callback"),
        "R-FUP-1",
        _("attempts"),
        1,
        20,
    ),
    Policy(
        "followups.complaint_callback_days",
        1,
        _("A resolved complaint is called back within"),
        "R-FUP-2",
        _("days"),
        0,
        60,
    ),
    Policy(
        "followups.survey_link_days",
        14,
        _("A survey or observation link expires after"),
        "R-FUP-3",
        _("days"),
        1,
        365,
    ),
    Policy(
        "followups.campaign_grades",
        "A,B,C,D",
        _("December demand campaign: customer grades contacted"),
        "R-FUP-6",
        validator=lambda text: _grades(text),
    ),
]


# The responsibility–authority–benefit balance (R-ORG-4). The seed gives no number for
# "far below" or "wide"; on the 1–5 scale a shortfall of 2 or more and a span of 4 or more are
# what these defaults call so.
_POLICIES += [
    Policy(
        "org.span_far_below_gap",
        2,
        _("Resource crisis: supply below demand by at least"),
        "R-ORG-4",
        _("span points"),
        1,
        8,
    ),
    Policy(
        "org.span_wide_at",
        4,
        _("Bureaucracy crisis: responsibility and influence spans both at least"),
        "R-ORG-4",
        _("span points"),
        1,
        5,
    ),
]


def _grades(text: str) -> list[str]:
    grades = [g.strip().upper() for g in text.split(",") if g.strip()]
    if not grades or any(g not in {"A", "B", "C", "D"} for g in grades):
        raise ValueError(gettext("list grades from A, B, C, D separated by commas, e.g. A,B"))
    return grades


# Weekly reports (R-SUP-3): the Friday afternoon meeting they are due for.
_POLICIES += [
    Policy(
        "supervision.weekly_meeting_weekday",
        5,
        _("Weekly report meeting: day of the week (1 = Monday … 7 = Sunday)"),
        "R-SUP-3",
        "",
        1,
        7,
    ),
    Policy(
        "supervision.weekly_meeting_time",
        "15:00",
        _("Weekly report meeting: time (reports are due by then)"),
        "R-SUP-3",
        validator=lambda text: _clock_time(text),
    ),
]

# KPIs and the monthly supervision report (R-SUP-2, R-SUP-4).
_POLICIES += [
    Policy(
        "reports.kpi_achievement_cap_percent",
        120,
        _("KPI achievement counted at most"),
        "R-SUP-4",
        "%",
        100,
        300,
    ),
    Policy(
        "reports.hot_spot_similarity_percent",
        25,
        _("Complaint texts this similar are one hot spot"),
        "R-SUP-2",
        "%",
        5,
        95,
    ),
    Policy(
        "reports.hot_spot_text_limit",
        3000,
        _("Complaint texts read for hot spots per month (a reproducible sample beyond this)"),
        "R-SUP-2",
        "",
        100,
        100000,
    ),
    Policy(
        "reports.scorecard_cache_seconds",
        60,
        _("Live KPI scorecards are recomputed at most this often (0: on every view)"),
        "R-SUP-4",
        _("seconds"),
        0,
        3600,
    ),
    Policy(
        "reports.trend_months",
        12,
        _("Months shown in the report's trends"),
        "R-SUP-2",
        _("months"),
        3,
        36,
    ),
]


def _clock_time(text: str):
    import datetime as dt

    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise ValueError(gettext("give a time of day as HH:MM, e.g. 15:00")) from None


# Meeting services (R-MTG-2). The seed: the AV technician tests the equipment "提前1小时或根据要求"
# (a booking may ask for its own lead time); it gives no number for the other preparation or
# the clean-up, so half an hour before the start and after the end are the defaults.
_POLICIES += [
    Policy(
        "meetings.av_test_lead_minutes",
        60,
        _("Meeting AV test: before the start, unless the booking asks otherwise"),
        "R-MTG-2",
        _("minutes"),
        0,
        1440,
    ),
    Policy(
        "meetings.preparation_lead_minutes",
        30,
        _("Meeting preparation (name cards, flowers, tea, cleaning) done before the start"),
        "R-MTG-2",
        _("minutes"),
        0,
        1440,
    ),
    Policy(
        "meetings.after_meeting_minutes",
        30,
        _("Meeting clean-up done within, after the end"),
        "R-MTG-2",
        _("minutes"),
        0,
        1440,
    ),
]


POLICIES: dict[str, Policy] = {p.key: p for p in _POLICIES}


def _bounds(policy: Policy) -> str:
    """What a number setting accepts, in words (the problem half of its refusal)."""
    lo, hi = policy.minimum, policy.maximum
    whole = policy.kind is int
    if lo is not None and hi is not None:
        text = (
            gettext("give a whole number from %(lo)s to %(hi)s")
            if whole
            else gettext("give a number from %(lo)s to %(hi)s")
        )
    elif lo is not None:
        text = (
            gettext("give a whole number of at least %(lo)s")
            if whole
            else gettext("give a number of at least %(lo)s")
        )
    elif hi is not None:
        text = (
            gettext("give a whole number of at most %(hi)s")
            if whole
            else gettext("give a number of at most %(hi)s")
        )
    else:
        text = gettext("give a whole number") if whole else gettext("give a number")
    return text % {"lo": lo, "hi": hi}


def parse(policy: Policy, raw) -> int | Decimal | bool | str:
    """Turn a stored or submitted value into the policy's type, or raise ValueError.

    The ValueError's message says, in the reader's language, what the setting accepts
    (``core.services.policy_set`` puts the setting's label in front of it).
    """
    if policy.kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ValueError(gettext("give yes or no"))
    if policy.kind is int:
        try:
            if isinstance(raw, bool):
                raise ValueError(raw)
            value = int(str(raw).strip())
        except ValueError:
            raise ValueError(_bounds(policy)) from None
    elif policy.kind is Decimal:
        try:
            value = Decimal(str(raw).strip())
        except ArithmeticError:
            raise ValueError(_bounds(policy)) from None
        if not value.is_finite():
            raise ValueError(_bounds(policy))
    else:
        text = str(raw).strip()
        if policy.choices and text not in policy.codes:
            # R-TIC-6, R-CC-5: the refusal names each choice by its label, the code beside
            # it (what the API takes): 只能是“拒绝计算，须先录入该年”（error）或……
            raise ValueError(gettext("must be %(choices)s") % {"choices": one_of(policy.choices)})
        if policy.validator is not None:
            policy.validator(text)
        return text
    if policy.minimum is not None and value < policy.minimum:
        raise ValueError(_bounds(policy))
    if policy.maximum is not None and value > policy.maximum:
        raise ValueError(_bounds(policy))
    return value


# Within one request the administrator's settings are read once, in one query, and kept for
# the rest of the request (PolicyReadsMiddleware): a scorecard or a page of search results read
# the same few settings dozens of times (issue 9's profile). Outside a request (services
# called by the worker, commands, tests) every get reads the table, as before.
_request_settings: ContextVar[dict | None] = ContextVar("kefu_policy_settings", default=None)


def _stored(key: str) -> str | None:
    from kefu.core.models import PolicySetting

    memo = _request_settings.get()
    if memo is None:
        return PolicySetting.objects.filter(key=key).values_list("value", flat=True).first()
    if "" not in memo:
        memo.update(PolicySetting.objects.values_list("key", "value"))
        memo[""] = None  # loaded
    return memo.get(key)


def request_memo() -> dict | None:
    """This request's memo of what is read once per request (None outside a request): the
    settings, and the work calendar built from them (kefu/core/calendar_services.py)."""
    return _request_settings.get()


def forget() -> None:
    """A setting was changed: the rest of this request reads the table again."""
    memo = _request_settings.get()
    if memo is not None:
        memo.clear()


@contextmanager
def settings_read_once() -> Iterator[None]:
    token = _request_settings.set({})
    try:
        yield
    finally:
        _request_settings.reset(token)


class PolicyReadsMiddleware:
    """Each request reads the policy settings once (see ``settings_read_once``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with settings_read_once():
            return self.get_response(request)


def get(key: str):
    """The value in force for policy ``key``: the administrator's, else the seed's default."""
    policy = POLICIES[key]
    stored = _stored(key)
    if stored is None:
        return policy.default
    return parse(policy, stored)
