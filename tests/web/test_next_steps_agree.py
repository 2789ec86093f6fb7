"""Issue 29's agreement test: for many generated case states (Hypothesis), the citizen's overview,
her case page, the employer's list and the caseworker's case view state the same next step, the same
date and the same bookings; the reminders and invitations due name the steps and dates her pages name;
and each citizen and employer page speaks its own language only (no English sentence on a Danish page
outside lang="en", and the reverse). Today is Monday 16 November 2026."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from portal.cases.facts import timeline_of
from portal.cases.next_steps import next_steps_for
from portal.db import session_scope
from portal.models import CaseStatus, Citizen, Conversation, EmployerReport, Questionnaire, SickCase
from portal.notify import messages
from portal.notify.reminders import due_for, invitation_of
from tests.conftest import Auth

from .test_citizen_journey import CITIZEN, text
from .test_employer import HANNE
from .test_jobcenter import COPENHAGEN

TODAY = date(2026, 11, 16)
CVR = "12345674"

# Words of one language that the other never uses in a sentence of its own.
ENGLISH = re.compile(r"\b(the|you|your|with|will|which|when|this|that|answer|expected|conversation)\b", re.I)
DANISH = re.compile(r"\b(og|du|dig|din|jeg|ikke|skal|senest|samtale|besvar|fraværende|sygemeldt)\b", re.I)

states = st.fixed_dictionaries({
    "absent_days": st.integers(0, 90),          # first absence day, days before today
    "reported_after": st.integers(0, 90),       # reported this many days after it (at most today)
    "citizen_expects": st.one_of(st.none(), st.integers(1, 300)),  # days after the report; None: "I don't know"
    "employer_expects": st.one_of(st.none(), st.just("unknown"), st.integers(1, 300)),
    "submitted_after": st.one_of(st.none(), st.integers(0, 30)),
    "asked_days_ago": st.one_of(st.none(), st.integers(0, 20)),
    "booking": st.sampled_from(["none", "caseworker", "self"]),
    "booking_in_days": st.integers(1, 30),
    "standby": st.booleans(),
    "employer_fast_track_days_ago": st.one_of(st.none(), st.integers(0, 6)),
    "language": st.sampled_from(["da", "en"]),
})


def make_case(app, citizen_id: int, s: dict) -> tuple[int, int]:
    """The case of state `s` as the only open one of the citizen, reported by her and bound to Hanne's company."""
    first = TODAY - timedelta(days=s["absent_days"])
    reported = min(TODAY, first + timedelta(days=s["reported_after"]))
    expectations = [{"party": "citizen", "given_on": reported.isoformat(),
                     "expected_return": (reported + timedelta(days=s["citizen_expects"])).isoformat()
                     if s["citizen_expects"] else None}]
    if s["employer_expects"] is not None:
        expectations.append({"party": "employer", "given_on": reported.isoformat(),
                             "expected_return": None if s["employer_expects"] == "unknown"
                             else (reported + timedelta(days=s["employer_expects"])).isoformat()})
    submitted = (min(TODAY, reported + timedelta(days=s["submitted_after"]))
                 if s["submitted_after"] is not None else None)
    with app.app_context(), session_scope(app) as db:
        for old in db.exec(select(SickCase).where(SickCase.citizen_id == citizen_id,
                                                  SickCase.status == CaseStatus.OPEN)):
            old.status, old.closed_on = CaseStatus.CLOSED, TODAY
            db.add(old)
        db.flush()
        case = SickCase(
            citizen_id=citizen_id, municipality_code="101", status=CaseStatus.OPEN, first_absence_day=first,
            employment="employed", employer_cvr=CVR, employer_name="Testbageriet ApS", reported_on=reported,
            questionnaire_sent_on=reported, questionnaire_submitted_on=submitted, expectations=expectations,
            conversation_requested_on=(max(reported, TODAY - timedelta(days=s["asked_days_ago"]))
                                       if s["asked_days_ago"] is not None else None),
            standby_since=reported if s["standby"] else None,
            employer_fast_track_asked_on=(max(reported, TODAY - timedelta(days=s["employer_fast_track_days_ago"]))
                                          if s["employer_fast_track_days_ago"] is not None else None))
        db.add(case)
        db.flush()
        db.add(Questionnaire(case_id=case.id, status="submitted" if submitted else "draft"))
        report = EmployerReport(case_id=case.id, citizen_id=citizen_id, relation="bound", cvr=CVR,
                                org_name="Testbageriet ApS", reported_by="hanne", employee_name="Lise Testesen",
                                cpr_masked="610590-xxxx", first_absence_day=first, absence_kind="full",
                                reported_on=reported)
        db.add(report)
        if s["booking"] != "none":
            day = TODAY + timedelta(days=s["booking_in_days"])
            db.add(Conversation(case_id=case.id, municipality_code="101", form="phone", booked_by="mette",
                                scheduled_at=datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC),
                                self_booked=s["booking"] == "self"))
        db.commit()
        return case.id, report.id


def story(fragment: str) -> tuple[str, str, list[str]]:
    """What a piece of page says happens next: the step, its date, and the bookings."""
    found = re.search(r'class="next-steps" data-next="([^"]*)" data-next-date="([^"]*)"', fragment)
    assert found, "the page says nothing of what happens next"
    return found.group(1), found.group(2), sorted(set(re.findall(r'data-booked="([^"]+)"', fragment)))


def own_words(html: str) -> str:
    """The main text, without what is marked as another language and without tags."""
    main = html[html.index("<main"):html.index("</main>")]
    main = re.sub(r'<(\w+)[^>]*\slang="(?:da|en)"[^>]*>.*?</\1>', " ", main, flags=re.S)
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def assert_one_language(html: str, language: str, where: str) -> None:
    words = own_words(html)
    stranger = (ENGLISH if language == "da" else DANISH).findall(words)
    assert not stranger, f"{where} ({language}) has words of the other language: {stranger[:5]} in {words[:400]}"


# Which of the page's steps (data-step) each reminder is about.
REMINDED = {"questionnaire_due": ("questionnaire_due",), "questionnaire_overdue": ("questionnaire_due",),
            "check_in_due": ("check_in", "return_check_in")}


def the_messages(app, case_id: int, language: str) -> list:
    """The reminders the sweep would queue today, and the invitation of every booked conversation."""
    with app.test_request_context(), session_scope(app) as db:
        case = db.get(SickCase, case_id)
        questionnaire = db.exec(select(Questionnaire).where(Questionnaire.case_id == case_id)).first()
        obligations = timeline_of(db, case, TODAY, questionnaire)
        steps = next_steps_for(db, case, TODAY, questionnaire, obligations)
        found = list(due_for(case, language, steps, obligations, TODAY, "https://portal.example/borger"))
        for conversation in db.exec(select(Conversation).where(Conversation.case_id == case_id,
                                                               Conversation.status == "booked")):
            found.append(messages.conversation_booked(invitation_of(conversation), language, None, "x@example.dk",
                                                      "Europe/Copenhagen", "https://portal.example/borger",
                                                      datetime(2026, 11, 16, tzinfo=UTC)))
        return found


def assert_messages_agree(found: list, page: str, language: str, state: dict) -> None:
    """Every reminder names a step the case page lists, with the page's date; every booking the page
    shows has its invitation on that day; an overdue questionnaire or an open check-in is reminded."""
    listed = dict(re.findall(r'data-step="(\w+)" data-date="([^"]+)"', page))
    for message in found:
        if message.kind == "conversation_booked":
            continue
        codes = [c for c in REMINDED[message.kind] if c in listed]
        assert codes, (state, message.kind, listed)
        assert any(messages._day(date.fromisoformat(listed[c]), language) in message.body for c in codes), \
            (state, message.body, listed)
    kinds = {m.kind for m in found}
    if "questionnaire_due" in listed and date.fromisoformat(listed["questionnaire_due"]) < TODAY:
        assert "questionnaire_overdue" in kinds, (state, listed, kinds)
    if {"check_in", "return_check_in"} & set(listed):
        assert "check_in_due" in kinds, (state, listed, kinds)
    booked_days = {b[:10] for b in re.findall(r'data-booked="([^"]+)"', page)}
    invited = [m for m in found if m.kind == "conversation_booked"]
    for day in booked_days:
        assert any(messages._day(date.fromisoformat(day), language) in m.body for m in invited), (state, day)


def test_every_page_tells_the_same_story_in_its_own_language(make_app):
    app = make_app(PORTAL_TODAY=TODAY.isoformat())
    citizen, employer, caseworker = app.test_client(), app.test_client(), app.test_client()
    Auth(citizen).login(CITIZEN)
    Auth(employer).login(HANNE, "employer")
    Auth(caseworker).login(COPENHAGEN, face="caseworker")
    with app.app_context(), session_scope(app) as db:
        citizen_id = db.exec(select(Citizen.id).where(Citizen.name == CITIZEN)).one()

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(states)
    def check(s):
        case_id, report_id = make_case(app, citizen_id, s)
        for client in (citizen, employer, caseworker):
            client.get(f"/sprog/{s['language']}")
        overview_html = text(citizen.get("/borger/mit-sygefravaer"))
        case_html = text(citizen.get(f"/borger/sag/{case_id}"))
        employer_html = text(employer.get("/arbejdsgiver/"))
        caseworker_html = text(caseworker.get(f"/jobcenter/sag/{case_id}"))
        card = re.search(rf'aria-labelledby="case-{case_id}-heading">(.*?)</section>', overview_html, flags=re.S)
        row = re.search(rf'<tr>(?:(?!</tr>).)*?/arbejdsgiver/indberetning/{report_id}/.*?</tr>', employer_html,
                        flags=re.S)
        assert card and row
        on_overview, on_case, on_row = story(card.group(1)), story(case_html), story(row.group(0))
        on_case_view = story(caseworker_html)
        assert on_overview == on_case == on_row == on_case_view, (s, on_overview, on_case, on_row, on_case_view)
        assert_messages_agree(the_messages(app, case_id, s["language"]), case_html, s["language"], s)
        step, due, bookings = on_case
        if step == "booked":
            assert due == bookings[0][:10]
        for html, where in ((overview_html, "overview"), (case_html, "case page"), (employer_html, "employer list")):
            assert_one_language(html, s["language"], where)

    check()
