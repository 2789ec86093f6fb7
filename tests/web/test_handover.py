"""Screening reasons become handovers: at once when the facts call for it, by the sweep as
deadlines approach, never twice for one case."""
from __future__ import annotations

import threading
from datetime import date

from sqlmodel import select

from portal.cases.handover import sweep
from portal.cases.sickness import SickReport, report_sickness
from portal.db import session_scope
from portal.models import AbsenceKind, CaseEvent, Citizen, Employment, Handover

from .test_citizen_journey import CITIZEN, case_id_from, report_sick, submit_everything


def handovers(app):
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(Handover)).all()


def test_an_unemployed_citizen_is_handed_over_at_once(client, auth, app):
    auth.login(CITIZEN)
    report_sick(client, employment="unemployed", employer_cvr="", employer_name="")
    [handover] = handovers(app)
    assert "|not_employed|" in handover.reason_codes
    assert handover.status == "open"


def test_an_employed_citizen_with_a_short_absence_stays_in_self_service(client, auth, app):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    submit_everything(client, case_id)
    assert handovers(app) == []


def ask_for_a_conversation_in_the_questionnaire(client, case_id: int) -> None:
    from .test_citizen_journey import STEPS, post_form

    for slug, answers in STEPS:
        if slug == "samtale":
            answers = {"wants_conversation": "yes", "conversation_topic": "Min arbejdstid"}
        post_form(client, f"/borger/sag/{case_id}/oplysningsskema/{slug}", {**answers, "action": "continue"})
    post_form(client, f"/borger/sag/{case_id}/oplysningsskema/tjek", {"declaration": "y"})


def test_asking_for_a_conversation_in_the_questionnaire_hands_over(client, auth, app):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    ask_for_a_conversation_in_the_questionnaire(client, case_id)
    [handover] = handovers(app)
    assert "|conversation_requested|" in handover.reason_codes
    with app.app_context(), session_scope(app) as db:
        kinds = [e.kind for e in db.exec(select(CaseEvent).where(CaseEvent.case_id == case_id))]
    assert "handed_over" in kinds and "conversation_requested" in kinds


def make_cases(app, count, first_day, municipality="101"):
    from portal.personal_data import cpr_hash, encrypt_cpr

    with app.app_context(), session_scope(app) as db:
        for n in range(count):
            cpr = f"{61 + n % 28:02d}0190{n:04d}"
            citizen = Citizen(cpr_hash=cpr_hash(cpr), cpr_encrypted=encrypt_cpr(cpr), name=f"Test {n}")
            db.add(citizen)
            db.commit()
            report_sickness(db, citizen.id, municipality, SickReport(
                first_absence_day=first_day, employment=Employment.EMPLOYED,
                absence_kind=AbsenceKind.FULL, employer_cvr="12345674", employer_name="Test ApS"),
                first_day)


def test_sweep_hands_over_cases_nearing_week_8_once(app):
    make_cases(app, 5, date(2026, 9, 1))
    with app.app_context(), session_scope(app) as db:
        assert sweep(db, date(2026, 9, 2)) == (5, 0)   # nothing due yet
        # the questionnaires were due on 9 September (§ 11 stk. 3) and are not back
        assert sweep(db, date(2026, 9, 20)) == (5, 5)
        # screened already today, nothing changed: none is due for a check, none is made again
        assert sweep(db, date(2026, 9, 20)) == (0, 0)
        assert sweep(db, date(2026, 9, 20), every_case=True) == (5, 0)
    assert len(handovers(app)) == 5


def test_two_sweeps_at_once_make_no_duplicates(app):
    make_cases(app, 30, date(2026, 9, 1))
    results = []

    def run():
        with app.app_context(), session_scope(app) as db:
            results.append(sweep(db, date(2026, 9, 20), batch_size=7))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(made for _, made in results) == 30
    assert len(handovers(app)) == 30
    assert len({h.case_id for h in handovers(app)}) == 30
    assert sorted(e.case_id for e in handed_over_events(app)) == sorted(h.case_id for h in handovers(app)), \
        "one handed_over event per handover, logged by the sweep that made it"


def handed_over_events(app):
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(CaseEvent).where(CaseEvent.kind == "handed_over")).all()


def test_the_sweep_logs_each_handover_it_makes_with_its_reasons_and_due_date(app):
    make_cases(app, 12, date(2026, 9, 1))
    with app.app_context(), session_scope(app) as db:
        assert sweep(db, date(2026, 9, 20), batch_size=5) == (12, 12)
    by_case = {h.case_id: h for h in handovers(app)}
    events = handed_over_events(app)
    assert sorted(e.case_id for e in events) == sorted(by_case)
    for event in events:
        handover = by_case[event.case_id]
        assert event.actor == "portal"
        assert event.details == {"reasons": [r["code"] for r in handover.reasons], "due": handover.due.isoformat()}
        assert handover.status == "open" and handover.reason_codes == "|questionnaire_overdue|"


def test_sweep_command(app):
    make_cases(app, 3, date(2026, 9, 1))
    result = app.test_cli_runner().invoke(args=["sweep"])
    assert "3 open cases screened" in result.output
    assert len(handovers(app)) == 3
