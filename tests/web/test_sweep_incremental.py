"""The sweep screens only the cases due for a check; these tests prove it ends each day where the old
sweep (every open case, every day) would have: on generated cases whose facts change day by day,
after each day's sweep a screening of every open case finds nothing to do (every case with a reason
due has its live handover with those reasons and that due date) and the team's coming weeks are
what counting every open case gives. And every kind of fact change makes the case due again."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlmodel import select

from portal.cases import questionnaire, transfer
from portal.cases.facts import histories_of, record_expectation
from portal.cases.handover import close_live_handover, due_case_ids, questionnaire_of, reasons_on, sweep
from portal.cases.sickness import SickReport, report_sickness
from portal.cases.workload import Tally
from portal.db import session_scope
from portal.models import (
    CHECK_NOW,
    AbsenceKind,
    CaseCheck,
    CaseStatus,
    CheckIn,
    Citizen,
    Conversation,
    Employment,
    Handover,
    HandoverStatus,
    SickCase,
    WorkloadCount,
    utcnow,
)
from portal.personal_data import cpr_hash, encrypt_cpr

START = date(2026, 9, 1)


def _report(db, n: int, first_day: date, employment=Employment.EMPLOYED, municipality="101") -> SickCase:
    cpr = f"{1 + n % 28:02d}{1 + n // 28 % 12:02d}90{n:04d}"
    citizen = Citizen(cpr_hash=cpr_hash(cpr), cpr_encrypted=encrypt_cpr(cpr), name=f"Test {n}")
    db.add(citizen)
    db.commit()
    report_sickness(db, citizen.id, municipality, SickReport(
        first_absence_day=first_day, employment=employment, absence_kind=AbsenceKind.FULL,
        employer_cvr="12345674", employer_name="Test ApS"), first_day)
    return db.exec(select(SickCase).where(SickCase.citizen_id == citizen.id)).one()


def _change(db, case: SickCase, today: date, rng: random.Random) -> None:
    """One fact of the case changes today, as the portal's use cases write it."""
    kind = rng.choice(["submit", "expect", "request", "standby", "fast_track", "held", "check_in", "employer",
                       "recover", "handover_closed"])
    if kind == "submit":
        form = questionnaire_of(db, case.id)
        if form is not None and form.status != "submitted":
            form.status = "submitted"
            case.questionnaire_submitted_on = today
            db.add(form)
    elif kind == "expect":
        record_expectation(case, rng.choice(["citizen", "employer"]), today,
                           rng.choice([None, today + timedelta(days=rng.randint(1, 120))]))
    elif kind == "request":
        case.conversation_requested_on = today
    elif kind == "standby":
        case.standby_since = today
    elif kind == "fast_track":
        case.fast_track_requested_on = today
    elif kind == "held":
        db.add(Conversation(case_id=case.id, scheduled_at=utcnow(), form="phone", status="held", held_on=today,
                            outcome=rng.choice(["jobcenter", "self_service"]), booked_by="test"))
    elif kind == "check_in":
        db.add(CheckIn(case_id=case.id, due_on=today + timedelta(days=rng.randint(-3, 3)), answered_on=today))
    elif kind == "employer":
        case.employer_absence_conversation_on = today
    elif kind == "recover":
        case.status, case.closed_on, case.recovered_on = CaseStatus.CLOSED, today, today
        close_live_handover(db, case.id, today, "recovered")
    elif kind == "handover_closed":  # a caseworker closes it: the old sweep made a new one if still due
        live = db.exec(select(Handover).where(Handover.case_id == case.id, Handover.status != "closed")).first()
        if live is not None:
            live.status, live.closed_on = HandoverStatus.CLOSED, today
            db.add(live)
    db.add(case)
    db.commit()


def _nothing_left_to_do(db, today: date) -> None:
    """What the old sweep would do today on top of this one: nothing."""
    cases = db.exec(select(SickCase).where(SickCase.status == CaseStatus.OPEN).order_by(SickCase.id)).all()
    histories = histories_of(db, cases)
    tally = Tally(today)
    for case in cases:
        reasons = reasons_on(case, questionnaire_of(db, case.id), histories[case.id], today, tally=tally)
        live = db.exec(select(Handover).where(Handover.case_id == case.id, Handover.status != "closed")).first()
        if reasons:
            assert live is not None, (today, case.id, [r.code for r in reasons])
            codes = "|" + "|".join(sorted({str(r.code) for r in reasons})) + "|"
            assert (live.reason_codes, live.due) == (codes, min(r.due for r in reasons)), (today, case.id)
    stored = {(r.municipality_code, r.week_of, r.reason): r.due_count for r in db.exec(select(WorkloadCount))}
    assert stored == {key: n for key, n in tally.counts.items() if n}, today


@pytest.mark.parametrize("seed", [1, 2])
def test_the_incremental_sweep_ends_every_day_where_the_full_sweep_would(app, seed):
    rng = random.Random(seed)
    with app.app_context(), session_scope(app) as db:
        cases = [_report(db, n, START - timedelta(days=rng.randint(0, 120)),
                         rng.choice([Employment.EMPLOYED] * 5 + [Employment.UNEMPLOYED]),
                         rng.choice(["101", "751"]))
                 for n in range(30)]
        ids = [case.id for case in cases]
        screened_in_all = 0
        for offset in range(70):
            today = START + timedelta(days=offset)
            for case_id in rng.sample(ids, 2):
                case = db.get(SickCase, case_id)
                if case.status == CaseStatus.OPEN:
                    _change(db, case, today, rng)
            if offset % 10 == 3:  # a new case now and then
                ids.append(_report(db, 100 + offset, today - timedelta(days=rng.randint(0, 3))).id)
            screened, _ = sweep(db, today, batch_size=7)
            screened_in_all += screened
            db.expire_all()
            _nothing_left_to_do(db, today)
            if offset % 7 == 0:  # run twice: the second finds nothing due
                assert sweep(db, today, batch_size=7) == (0, 0)
        open_days = sum(1 for _ in range(70)) * len(ids)
        assert screened_in_all < open_days / 2, "the point: most cases are not screened most days"


# Each kind of fact change, as the use cases (or the writes they make) do it: the case is due again.
def _submit(db, case, today):
    questionnaire.submit(db, questionnaire_of(db, case.id), today)


def _step_saved(db, case, today):  # written by Core statements, not the ORM's flush
    questionnaire.save_step(db, questionnaire_of(db, case.id), "din-sygdom", {"expected_duration": "over_8_weeks"})


def _transfer(db, case, today):
    transfer.transfer(db, case, "751", "flyttet", today, "cw-1", "Caseworker")


def _column(name, value):
    def change(db, case, today):
        setattr(case, name, value(today) if callable(value) else value)
        db.add(case)
    change.__name__ = name
    return change


def _expectation(db, case, today):
    record_expectation(case, "employer", today, today + timedelta(weeks=10))
    db.add(case)


def _booked(db, case, today):
    db.add(Conversation(case_id=case.id, scheduled_at=utcnow(), form="phone", booked_by="test"))


def _held(db, case, today):
    booked = Conversation(case_id=case.id, scheduled_at=utcnow(), form="phone", booked_by="test")
    db.add(booked)
    db.commit()
    db.expire_all()
    _sweep_until_not_due(db, case.id, today)
    booked = db.get(Conversation, booked.id)
    booked.status, booked.held_on, booked.outcome = "held", today, "jobcenter"
    db.add(booked)


def _check_in(db, case, today):
    db.add(CheckIn(case_id=case.id, due_on=today, answered_on=today))


def _recovered(db, case, today):
    case.recovered_on, case.expected_duration = today, None
    db.add(case)


def _handover_closed(db, case, today):
    live = db.exec(select(Handover).where(Handover.case_id == case.id)).first()
    live.status, live.closed_on = HandoverStatus.CLOSED, today
    db.add(live)


def _earlier_case_changed(db, case, today):
    earlier = _report(db, 500, today - timedelta(days=300))
    earlier.status, earlier.closed_on = CaseStatus.CLOSED, today - timedelta(days=280)
    db.add(earlier)
    db.commit()
    earlier.citizen_id = case.citizen_id  # a closed case of hers (e.g. merged records) counts as earlier sickness
    db.add(earlier)


def _sweep_until_not_due(db, case_id, today):
    sweep(db, today)
    db.expire_all()
    assert case_id not in due_case_ids(db, today)


CHANGES = [_submit, _step_saved, _transfer, _expectation, _booked, _held, _check_in, _recovered, _handover_closed,
           _earlier_case_changed,
           _column("conversation_requested_on", lambda d: d), _column("standby_since", lambda d: d),
           _column("fast_track_requested_on", lambda d: d), _column("fast_track_declined_on", lambda d: d),
           _column("employer_fast_track_asked_on", lambda d: d),
           _column("employer_fast_track_answered_on", lambda d: d),
           _column("employer_absence_conversation_on", lambda d: d), _column("plan_stalled_on", lambda d: d),
           _column("follow_up_plan_made_on", lambda d: d), _column("employment", "self_employed"),
           _column("corrections", [{"code": "first_conversation", "for_date": "2026-10-25", "kind": "waive",
                                    "decided_on": "2026-09-10", "reason": "test", "by": "cw"}]),
           _column("status", CaseStatus.CLOSED), _column("municipality_code", "751")]


def _next_check_on(db, case_id):
    check = db.get(CaseCheck, case_id)
    return CHECK_NOW if check is None else check.next_check_on  # no row: due


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_every_kind_of_fact_change_makes_the_case_due_for_a_check(app, change):
    today = date(2026, 9, 10)
    with app.app_context(), session_scope(app) as db:
        case = _report(db, 1, date(2026, 9, 1), Employment.UNEMPLOYED)  # handed over at once
        case_id = case.id
        _sweep_until_not_due(db, case_id, today)
        assert _next_check_on(db, case_id) > today
        change(db, db.get(SickCase, case_id), today)
        db.commit()
        db.expire_all()
        assert _next_check_on(db, case_id) == CHECK_NOW


def test_a_change_while_the_sweep_screens_keeps_the_case_due(app):
    """The sweep stores a next-check day only over the facts version it read: a change that lands
    between its read and its write leaves the case due at the next sweep."""
    today = date(2026, 9, 10)
    with app.app_context(), session_scope(app) as db:
        case_id = _report(db, 1, date(2026, 9, 1)).id
        from portal.cases import handover

        real = handover.histories_of

        def meanwhile(db_, rows):
            with session_scope(app) as other:
                other_case = other.get(SickCase, case_id)
                other_case.conversation_requested_on = today
                other.add(other_case)
                other.commit()
            return real(db_, rows)

        handover.histories_of = meanwhile
        try:
            assert sweep(db, today)[0] == 1
        finally:
            handover.histories_of = real
        db.expire_all()
        assert _next_check_on(db, case_id) == CHECK_NOW
        assert sweep(db, today)[0] == 1


def test_the_workload_counts_cases_not_screened_today(app):
    with app.app_context(), session_scope(app) as db:
        for n in range(6):
            _report(db, n, date(2026, 9, 1) - timedelta(days=7 * n))
        sweep(db, date(2026, 9, 10))
        before = {(r.week_of, r.reason): r.due_count for r in db.exec(select(WorkloadCount))}
        assert sweep(db, date(2026, 9, 10))[0] == 0
        db.expire_all()
        after = {(r.week_of, r.reason): r.due_count for r in db.exec(select(WorkloadCount))}
        assert after == before and sum(after.values()) > 0


def test_a_new_case_is_due_and_a_closed_one_loses_its_check_row(app):
    """A new case is due (no row, or a row a later write made); closing a case makes it due, and the
    sweep then drops its row, so closed cases do not stay in the due range of the index."""
    today = date(2026, 9, 10)
    with app.app_context(), session_scope(app) as db:
        case_id = _report(db, 1, date(2026, 9, 1)).id
        assert _next_check_on(db, case_id) == CHECK_NOW and case_id in due_case_ids(db, today)
        _sweep_until_not_due(db, case_id, today)
        case = db.get(SickCase, case_id)
        case.status, case.closed_on = CaseStatus.CLOSED, today
        db.add(case)
        db.commit()
        assert db.get(CaseCheck, case_id).next_check_on == CHECK_NOW
        sweep(db, today)
        db.expire_all()
        assert db.get(CaseCheck, case_id) is None
