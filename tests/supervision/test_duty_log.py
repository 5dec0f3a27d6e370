"""R-SUP-1 and R-SEC-4: the duty log, its daily sign-off, freezing, and the monthly sample."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu import policy
from kefu.audit.models import AuditEntry
from kefu.core.services import policy_set
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from kefu.supervision import selectors, services
from kefu.supervision.models import DutyDaySignoff, DutyLogEntry, DutyLogSample, SampleItem
from kefu.supervision.sampling import draw_sample
from kefu.supervision.services.dutylog import signoff_is_valid
from tests import factories
from tests.supervision.factories import at, director, entries, entry, operator, supervisor

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)
LATER = at(dt.date(2026, 3, 11), 9)


def test_r_sup_1_files_a_night_shift_entry_after_midnight_under_the_next_day():
    evening = entry(occurred_at=at(DAY, 23, 30))
    night = entry(occurred_at=at(DAY, 23, 30) + dt.timedelta(hours=2))
    assert evening.day == DAY
    assert night.day == DAY + dt.timedelta(days=1)


def test_r_sup_1_records_the_linked_incident_number_and_the_author():
    writer = operator()
    row = entry(actor=writer, occurred_at=at(DAY, 10), incident_ref="SG-2026-007")
    assert (row.author, row.incident_ref, row.department) == (
        writer,
        "SG-2026-007",
        writer.department,
    )
    assert AuditEntry.objects.filter(target_id=str(row.pk), action="create").exists()


def test_r_sup_1_refuses_an_entry_without_what_happened_or_in_the_future():
    with pytest.raises(ValidationFailed) as empty:
        entry(occurred_at=at(DAY, 10), what="  ")
    assert empty.value.errors[0].field == "what"
    with pytest.raises(ValidationFailed) as future:
        services.duty_log_entry_create(
            actor=operator(), what="x", occurred_at=at(DAY, 12), now=at(DAY, 10)
        )
    assert future.value.errors[0].field == "occurred_at"
    assert DutyLogEntry.objects.count() == 0


def test_r_sup_1_signs_a_day_storing_who_when_and_the_hash_of_its_entries():
    entries(DAY, 3)
    boss = supervisor()
    signoff = services.duty_day_sign(actor=boss, day=DAY, note="已查阅", now=LATER)
    assert (signoff.signed_by, signoff.signed_at, signoff.entry_count) == (boss, LATER, 3)
    assert len(signoff.content_hash) == 64
    assert signoff_is_valid(signoff)
    assert AuditEntry.objects.filter(action="sign", target_id=str(signoff.pk)).exists()


def test_r_sup_1_refuses_signing_a_day_twice_writing_nothing():
    entries(DAY, 2)
    services.duty_day_sign(actor=supervisor(), day=DAY, now=LATER)
    with pytest.raises(Conflict, match="签字确认过了"):
        services.duty_day_sign(actor=supervisor(), day=DAY, now=LATER)
    assert DutyDaySignoff.objects.count() == 1


def test_r_sup_1_refuses_signing_a_day_not_over_or_without_entries():
    entries(DAY, 1)
    with pytest.raises(ValidationFailed, match="还在填写中"):
        services.duty_day_sign(actor=supervisor(), day=DAY, now=at(DAY, 22))
    with pytest.raises(ValidationFailed, match="没有可"):
        services.duty_day_sign(actor=supervisor(), day=DAY - dt.timedelta(days=1), now=LATER)
    assert DutyDaySignoff.objects.count() == 0


def test_r_sup_1_lets_only_the_supervisor_sign():
    entries(DAY, 1)
    with pytest.raises(PermissionDenied):
        services.duty_day_sign(actor=operator(), day=DAY, now=LATER)


def test_r_sec_4_freezes_a_signed_day_against_new_and_changed_entries():
    [first] = entries(DAY, 1)
    services.duty_day_sign(actor=supervisor(), day=DAY, now=LATER)
    with pytest.raises(Conflict, match="不能再修改"):
        entry(occurred_at=at(DAY, 18), now=LATER)
    with pytest.raises(Conflict):
        services.duty_log_entry_update(actor=first.author, entry=first, what="改过的内容")
    first.refresh_from_db()
    assert first.what == "第1条值班记录"
    assert DutyLogEntry.objects.count() == 1


def test_r_sec_4_takes_a_correction_as_a_new_entry_referring_to_the_old():
    [first] = entries(DAY, 1)
    services.duty_day_sign(actor=supervisor(), day=DAY, now=LATER)
    fix = entry(
        actor=first.author, occurred_at=LATER, what="更正：应为3号楼", corrects=first, now=LATER
    )
    assert fix.corrects == first and fix.day == LATER.date()
    assert list(first.corrections.all()) == [fix]
    assert signoff_is_valid(DutyDaySignoff.objects.get(day=DAY))


def test_r_sec_4_lets_the_author_change_an_entry_while_the_day_is_unsigned():
    [first] = entries(DAY, 1)
    services.duty_log_entry_update(actor=first.author, entry=first, what="补充：已处理完毕")
    first.refresh_from_db()
    assert first.what == "补充：已处理完毕"
    with pytest.raises(PermissionDenied):
        services.duty_log_entry_update(actor=operator(), entry=first, what="别人的修改")


def test_r_sup_1_shows_a_signature_invalid_once_the_content_changed_behind_its_back():
    [first, _second] = entries(DAY, 2)
    signoff = services.duty_day_sign(actor=supervisor(), day=DAY, now=LATER)
    DutyLogEntry.objects.filter(pk=first.pk).update(what="被人从数据库里改了")
    assert not signoff_is_valid(signoff)
    assert selectors.day_log(SYSTEM, DAY).valid is False


def test_r_sup_1_lists_past_unsigned_days_with_entries():
    entries(DAY, 2)
    entries(DAY + dt.timedelta(days=1), 1)
    services.duty_day_sign(actor=supervisor(), day=DAY, now=LATER)
    assert selectors.unsigned_days(today=DAY + dt.timedelta(days=3)) == [
        {"day": DAY + dt.timedelta(days=1), "entries": 1}
    ]


# ---------------------------------------------------------------- monthly sample


def _month_of_entries(count: int) -> list[DutyLogEntry]:
    writer = operator()
    rows = []
    for n in range(count):
        day = dt.date(2026, 3, 1 + n % 28)
        rows.append(entry(actor=writer, occurred_at=at(day, 9 + n % 10), what=f"记录{n}"))
    return rows


def test_r_sup_1_draws_twenty_percent_of_the_month_reproducibly_from_the_stored_seed():
    rows = _month_of_entries(23)
    entry(occurred_at=at(dt.date(2026, 4, 1), 9))  # another month: never drawn
    sample = services.duty_sample_draw(
        actor=director(), month=dt.date(2026, 3, 15), now=at(dt.date(2026, 4, 2), 9)
    )
    drawn = sorted(sample.items.values_list("entry_id", flat=True))
    assert len(drawn) == 5  # ceil(20% of 23)
    assert sample.population == sorted(r.pk for r in rows)
    assert drawn == draw_sample(sample.population, sample.percent, sample.seed)
    assert sample.month == dt.date(2026, 3, 1)


def test_r_sup_1_reads_the_sample_percentage_from_policy():
    _month_of_entries(10)
    admin = factories.user(Role.SYSADMIN)
    policy_set(actor=admin, key="supervision.sample_percent", value="50")
    assert policy.get("supervision.sample_percent") == 50
    sample = services.duty_sample_draw(
        actor=director(), month=dt.date(2026, 3, 1), seed=7, now=at(dt.date(2026, 4, 2), 9)
    )
    assert sample.items.count() == 5


def test_r_sup_1_refuses_a_second_draw_an_empty_month_and_a_month_not_over():
    _month_of_entries(5)
    boss = director()
    now = at(dt.date(2026, 4, 2), 9)
    services.duty_sample_draw(actor=boss, month=dt.date(2026, 3, 1), now=now)
    with pytest.raises(Conflict, match="已经抽取过了"):
        services.duty_sample_draw(actor=boss, month=dt.date(2026, 3, 1), now=now)
    with pytest.raises(ValidationFailed, match="没有可"):
        services.duty_sample_draw(actor=boss, month=dt.date(2026, 2, 1), now=now)
    with pytest.raises(ValidationFailed, match="结束"):
        services.duty_sample_draw(actor=boss, month=dt.date(2026, 5, 1), now=now)
    with pytest.raises(ValidationFailed, match="结束"):  # April is not over on 2 April
        services.duty_sample_draw(actor=boss, month=dt.date(2026, 4, 1), now=now)
    assert DutyLogSample.objects.count() == 1


def _drawn(count: int = 5):
    _month_of_entries(count)
    boss = director()
    sample = services.duty_sample_draw(
        actor=boss, month=dt.date(2026, 3, 1), seed=11, now=at(dt.date(2026, 4, 2), 9)
    )
    return boss, sample


def test_r_sup_1_refuses_signing_a_sample_before_every_entry_is_reviewed():
    boss, sample = _drawn(10)
    first, second = sample.items.all()
    services.sample_item_review(actor=boss, item=first, in_order=True)
    with pytest.raises(Conflict, match="还有 1 条抽查记录尚未审阅"):
        services.duty_sample_sign(actor=boss, sample=sample)
    sample.refresh_from_db()
    assert not sample.is_signed and sample.content_hash == ""


def test_r_sup_1_signs_a_reviewed_sample_and_freezes_it():
    boss, sample = _drawn(10)
    first, second = sample.items.all()
    services.sample_item_review(actor=boss, item=first, in_order=True)
    with pytest.raises(ValidationFailed, match="存在的问题"):
        services.sample_item_review(actor=boss, item=second, in_order=False)
    services.sample_item_review(actor=boss, item=second, in_order=False, finding="处理结果未写明")
    signed = services.duty_sample_sign(actor=boss, sample=sample, note="抽查完毕")
    assert signed.signed_by == boss and len(signed.content_hash) == 64
    assert selectors.sample_detail(signed)["valid"] is True
    with pytest.raises(Conflict, match="已签字确认"):
        services.sample_item_review(actor=boss, item=first, in_order=False, finding="改主意")
    with pytest.raises(Conflict):
        services.duty_sample_sign(actor=boss, sample=signed)
    assert SampleItem.objects.get(pk=first.pk).in_order is True


def test_r_sup_1_lets_only_the_director_sample():
    _month_of_entries(3)
    with pytest.raises(PermissionDenied):
        services.duty_sample_draw(
            actor=supervisor(), month=dt.date(2026, 3, 1), now=at(dt.date(2026, 4, 2), 9)
        )


def test_r_sup_1_tells_the_director_which_months_wait_for_a_sample():
    _month_of_entries(3)
    waiting = selectors.samples_waiting(today=dt.date(2026, 4, 5))
    assert waiting["undrawn"] == [dt.date(2026, 3, 1)]
    services.duty_sample_draw(
        actor=director(), month=dt.date(2026, 3, 1), now=at(dt.date(2026, 4, 5), 9)
    )
    waiting = selectors.samples_waiting(today=dt.date(2026, 4, 5))
    assert waiting["undrawn"] == [] and len(waiting["unsigned"]) == 1


def test_r_sup_1_exports_the_month_with_its_signatures_as_xlsx():
    import io

    from openpyxl import load_workbook

    _month_of_entries(4)
    services.duty_day_sign(actor=supervisor(), day=dt.date(2026, 3, 1), now=LATER)
    book = load_workbook(io.BytesIO(selectors.month_xlsx(SYSTEM, dt.date(2026, 3, 1))))
    log, signoffs = book.worksheets[0], book.worksheets[1]
    assert log.max_row == 5
    assert signoffs.cell(2, 1).value == "2026-03-01" and len(signoffs.cell(2, 5).value) == 64
