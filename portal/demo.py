"""Demo data for `make run`: a few dozen fictitious citizens with cases at different stages, so a
new user sees a living portal. The test identities of the bundled provider are left without an
open case, so each can report sick from the start. Every CPR number here is a substitute number
(day + 60), which no real person has."""
from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from flask import Flask
from sqlmodel import select

from . import clock
from .cases import feedback, followup
from .cases import hours as hours_cases
from .cases import questionnaire as questionnaire_cases
from .cases.jobcenter import register_caseworker
from .cases.residence import residence_at_report
from .cases.sickness import SickReport, report_sickness
from .db import session_scope
from .devidp.identities import IDENTITIES
from .models import AbsenceKind, Caseworker, Citizen, Employment, Questionnaire
from .personal_data import cpr_hash, encrypt_cpr
from .rules import regime_on
from .rules.hours import reportable_weeks

DEMO_COUNT = 36
FIRST_NAMES = ["Anna", "Mads", "Sofie", "Jonas", "Fatima", "Peter", "Ida", "Omar", "Karen", "Lars"]
LAST_NAMES = ["Demo", "Eksempelsen", "Prøve", "Fiktiv", "Testdatter"]
EMPLOYERS = [("12345674", "Demo Byg A/S"), ("27560830", "Eksempel Pleje ApS"), ("10150817", "Prøve Lager I/S")]

ANSWERS = {
    "om-dig": {"phone": "12 34 56 78", "email": "demo@example.dk"},
    "dit-arbejde": {"job_title": "Lagermedarbejder", "weekly_hours": "37", "affected_functions": "Tunge løft."},
    "din-sygdom": {"expected_duration": "2_4_weeks", "in_treatment": "yes", "treatment": "",
                   "hospitalised": "no", "work_injury": "no"},
    "tilbage-til-arbejde": {"partial_return": "yes", "adjustments": ""},
    "standby": {"standby": "no"},
    "samtale": {"wants_conversation": "no", "conversation_topic": ""},
}


def demo_cpr(n: int) -> str:
    return f"{61 + n % 28:02d}{1 + n % 12:02d}{70 + n % 25:02d}{4000 + n:04d}"


DEMO_FEEDBACK = [
    ("very_satisfied", "Nemt at udfylde på telefonen."),
    ("satisfied", None),
    ("satisfied", "Godt at jeg kunne gemme og fortsætte senere."),
    ("neutral", "Spørgsmålene om arbejdet var lidt svære at forstå."),
    ("dissatisfied", "Jeg vidste ikke, hvad jeg skulle svare om min arbejdstid."),
    ("very_satisfied", None),
]


def seed(app: Flask) -> int:
    created = 0
    # The same demo every time; nothing secret comes from it (bandit B311).
    rng = random.Random(2026)  # nosec B311
    with app.app_context(), session_scope(app) as db:
        today = clock.today()
        # The demo's caseworkers are colleagues from the start, so a case can be given before they log in.
        for identity in IDENTITIES:
            if identity["role"] == "caseworker" and db.get(Caseworker, identity["sub"]) is None:
                register_caseworker(db, identity["sub"], identity["municipality"], identity["name"])
        for n in range(DEMO_COUNT):
            cpr = demo_cpr(n)
            if db.exec(select(Citizen).where(Citizen.cpr_hash == cpr_hash(cpr))).first():
                continue
            citizen = Citizen(cpr_hash=cpr_hash(cpr), cpr_encrypted=encrypt_cpr(cpr),
                              name=f"{FIRST_NAMES[n % 10]} {LAST_NAMES[n % 5]}", email=f"demo{n}@example.dk")
            db.add(citizen)
            db.commit()
            employment = (Employment.EMPLOYED if n % 9 else
                          (Employment.UNEMPLOYED if n % 2 else Employment.SELF_EMPLOYED))
            cvr, employer = EMPLOYERS[n % 3]
            partial = n % 4 == 0
            first_day = today - timedelta(days=rng.randint(1, 20 * 7))
            report = SickReport(
                first_absence_day=first_day, employment=employment,
                absence_kind=AbsenceKind.PARTIAL if partial else AbsenceKind.FULL,
                partial_hours_per_week=float(rng.choice([8, 12, 18.5, 20])) if partial else None,
                employer_cvr=cvr if employment == Employment.EMPLOYED else None,
                employer_name=employer if employment == Employment.EMPLOYED else None,
                expected_return=(first_day + timedelta(weeks=rng.randint(2, 30))) if n % 3 else None,
            )
            # Each lands where the local register says the citizen lives (København or Aarhus).
            case = report_sickness(db, citizen.id, "", report,
                                   min(today, first_day + timedelta(days=rng.randint(0, 6))),
                                   residence=residence_at_report(cpr))
            questionnaire = db.exec(select(Questionnaire).where(Questionnaire.case_id == case.id)).one()
            steps_done = rng.randint(0, len(ANSWERS) + 2)
            for slug in list(ANSWERS)[:steps_done]:
                questionnaire_cases.save_step(db, questionnaire, slug, ANSWERS[slug], actor="demo")
            if steps_done >= len(ANSWERS):
                questionnaire_cases.submit(db, questionnaire, today, actor="demo")
                if n % 3 != 2:  # most who send it answer "how was it?" on the receipt
                    rating, comment = DEMO_FEEDBACK[n % len(DEMO_FEEDBACK)]
                    feedback.give(db, case.municipality_code, "questionnaire", rating, comment,
                                  today - timedelta(days=(n * 7) % 60),  # not rng: the demo cases stay as they were
                                  feedback.receipt_of("questionnaire", questionnaire.id))
            _ongoing(db, case, n, today)
            created += 1
    return created


def _ongoing(db, case, n: int, today) -> None:
    """A few cases further along: partial weeks reported, one on standby, one asking for fast track."""
    if case.employment != Employment.EMPLOYED:
        return
    if case.absence_kind == AbsenceKind.PARTIAL:
        for week in reportable_weeks(case.first_absence_day, today, regime_on(today), case.reported_on):
            hours_cases.report_hours(db, case, week, Decimal(37), Decimal(10 + n % 10), today, actor="demo")
    elif n % 11 == 5:
        followup.choose_standby(db, case, "cancer", today, actor="demo")
    elif n % 11 == 7 and followup.offer_of(db, case, today).offered:
        followup.request_fast_track(db, case, "13_26_weeks", today, actor="demo")
