"""The API's handover package reads the handover and its case in two statements of its own
(case_system.package), not through the caseworker's case file: it must hold exactly what the case
file, the employer information and the timeline the caseworker's page reads would give, with every
kind of row the case can have."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from portal.api.schemas import package_json
from portal.cases import case_system
from portal.cases.employer import employer_information
from portal.cases.facts import case_facts, timeline_of
from portal.cases.jobcenter import case_file
from portal.db import session_scope
from portal.models import (
    CaseStatus,
    CheckIn,
    Conversation,
    EmployerAnswer,
    EmployerReport,
    FastTrackRequest,
    Handover,
    SickCase,
    StepUpPlan,
    WeekHours,
)

from ..web.test_sweep_incremental import _report


def _as_the_case_file_reads_it(db, handover, today):
    file = case_file(db, handover.case_id, handover.municipality_code, today)
    answers, requests = employer_information(db, handover.case_id)
    return case_system.HandoverPackage(handover, file, answers, requests,
                                       timeline_of(db, file.case, today, file.questionnaire))


def _every_kind_of_row(db, case: SickCase) -> None:
    first = case.first_absence_day
    earlier = _report(db, 900, first - timedelta(days=120))  # her earlier sickness, closed
    earlier.status, earlier.closed_on, earlier.recovered_on = CaseStatus.CLOSED, first - timedelta(days=60), None
    db.add(earlier)
    db.commit()
    earlier.citizen_id = case.citizen_id
    db.add(earlier)
    at = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
    db.add_all([
        Conversation(case_id=case.id, scheduled_at=at, form="phone", booked_by="cw", status="held",
                     held_on=at.date(), outcome="jobcenter", recorded_via="Fagsystem"),
        Conversation(case_id=case.id, scheduled_at=at + timedelta(days=20, microseconds=120), form="video",
                     booked_by="cw"),
        Conversation(case_id=case.id, scheduled_at=at - timedelta(days=2), form="in_person", booked_by="cw",
                     status="cancelled"),
        CheckIn(case_id=case.id, due_on=first + timedelta(days=30), answered_on=first + timedelta(days=31),
                answers={"better": "yes", "hours": 12.5}),
        CheckIn(case_id=case.id, due_on=first + timedelta(days=2), answered_on=first + timedelta(days=3), answers={}),
        WeekHours(case_id=case.id, iso_year=2026, iso_week=45, normal_hours=37, worked_hours=18.5,
                  reported_on=first + timedelta(days=8), corrected_on=first + timedelta(days=9)),
        WeekHours(case_id=case.id, iso_year=2026, iso_week=44, normal_hours=37.0, worked_hours=10,
                  reported_on=first + timedelta(days=7)),
        StepUpPlan(case_id=case.id, start_monday=date(2026, 10, 26), start_hours=10, weekly_increase=2.5,
                   full_hours=37, updated_on=first),
    ])
    report = EmployerReport(case_id=case.id, citizen_id=case.citizen_id, cvr="12345674", org_name="Bageriet ApS",
                            reported_by="emp", employee_name="Lise", cpr_masked="010190-xxxx",
                            first_absence_day=first, absence_kind="full", reported_on=first)
    db.add(report)
    db.commit()
    db.add_all([
        EmployerAnswer(case_id=case.id, report_id=report.id, cvr="12345674", answered_by="emp",
                       answered_on=first + timedelta(days=3), absence_conversation_on=first + timedelta(days=10),
                       absence_conversation_form="phone", adjustments="Lettere opgaver", retention_plan="made"),
        EmployerAnswer(case_id=case.id, report_id=report.id, cvr="12345674", answered_by="emp",
                       answered_on=first + timedelta(days=5), expected_return=first + timedelta(days=50),
                       retention_plan="no"),
        FastTrackRequest(case_id=case.id, report_id=report.id, cvr="12345674", requested_by="emp",
                         requested_on=first + timedelta(days=4), answer_due=first + timedelta(days=12),
                         employer_answers={"q1": "ja"}, status="consented", citizen_answers={"a": "b"},
                         answered_on=first + timedelta(days=6)),
    ])
    db.commit()


def test_the_package_holds_what_the_case_file_the_employer_information_and_the_timeline_hold(world):
    app, case_id, handover_id = world
    with app.app_context(), session_scope(app) as db:
        handover = db.get(Handover, handover_id)
        bare = db.get(SickCase, case_id)
        day = date(2026, 11, 16)
        assert package_json(case_system.package(db, handover.id, "101", day), "x", day) == \
            package_json(_as_the_case_file_reads_it(db, handover, day), "x", day)
        _every_kind_of_row(db, bare)
        db.expire_all()
        for today in (date(2026, 11, 16), date(2027, 2, 1)):
            new = package_json(case_system.package(db, handover.id, "101", today), "x", today)
            old = package_json(_as_the_case_file_reads_it(db, handover, today), "x", today)
            assert new == old and repr(new) == repr(old)
            assert len(new["conversations"]) == 3 and len(new["check_ins"]) == 2 and len(new["hours"]["weeks"]) == 2
            assert new["hours"]["step_up_plan"] and len(new["employer"]["answers"]) == 2
            assert new["employer"]["fast_track_requests"][0]["citizen_answers"] == {"a": "b"}
        assert case_facts(db, db.get(SickCase, case_id)).earlier_sickness  # compared above through the obligations


def test_a_handover_whose_case_has_moved_to_another_municipality_answers_404_not_an_error(world):
    """The handover stays the old municipality's; the case file is no longer theirs to read (before,
    the package failed with a server error)."""
    from .conftest import CaseSystem

    app, case_id, handover_id = world
    with app.app_context(), session_scope(app) as db:
        case = db.get(SickCase, case_id)
        case.municipality_code = "751"
        db.add(case)
        db.commit()
    answer = CaseSystem(app).get(f"/api/v1/handovers/{handover_id}")
    assert answer.status_code == 404 and "Lise" not in answer.get_data(as_text=True)
    assert CaseSystem(app).get(f"/api/v1/handovers/{2**40}").status_code == 404
