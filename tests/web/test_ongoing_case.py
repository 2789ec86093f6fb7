"""The citizen's ongoing case through the web: partial hours, the step-up plan, standby, fast track,
asking for a conversation, check-ins and recovery. Today is Monday 16 November 2026 (week 47)."""
from __future__ import annotations

from sqlmodel import select

from portal.db import session_scope
from portal.models import CaseEvent, CheckIn, Handover, SickCase, WeekHours
from tests.conftest import Auth, csrf_token

from .test_citizen_journey import CITIZEN, OTHER_CITIZEN, case_id_from, post_form, report_sick, submit_everything, text


def start_case(client, auth, **changes):
    auth.login(CITIZEN)
    return case_id_from(report_sick(client, **changes))


def the_case(app, case_id) -> SickCase:
    with app.app_context(), session_scope(app) as db:
        return db.get(SickCase, case_id)


def live_handover(app, case_id) -> Handover | None:
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(Handover).where(Handover.case_id == case_id, Handover.status != "closed")).first()


def event_kinds(app, case_id) -> list[str]:
    with app.app_context(), session_scope(app) as db:
        return [e.kind for e in db.exec(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))]


# Partial hours ------------------------------------------------------------------------------------

def report_week(client, case_id, week, normal, worked):
    return post_form(client, f"/borger/sag/{case_id}/timer",
                     {"week": week, "normal_hours": normal, "worked_hours": worked})


def test_weeks_of_partial_hours_are_kept_with_absence_and_share(client, auth, app):
    case_id = start_case(client, auth, first_absence_day="2026-10-26", absence_kind="partial", partial_hours="20")
    assert report_week(client, case_id, "2026-W45", "37", "12").status_code == 303
    assert report_week(client, case_id, "2026-W46", "37", "18,5").status_code == 303
    page = text(client.get(f"/borger/sag/{case_id}/timer"))
    assert "Uge 46" in page and "Uge 45" in page
    assert "18,5" in page and "25 (68 %)" in page  # 37 - 12 = 25 hours of absence, 68 %
    assert "<svg" in page
    with app.app_context(), session_scope(app) as db:
        assert len(db.exec(select(WeekHours).where(WeekHours.case_id == case_id)).all()) == 2


def test_the_weeks_to_choose_read_their_dates_as_each_language_writes_them(client, auth):
    case_id = start_case(client, auth, first_absence_day="2026-10-26", absence_kind="partial", partial_hours="20")
    assert "Uge 45: 2. nov. til 8. nov. 2026" in text(client.get(f"/borger/sag/{case_id}/timer"))
    client.get("/sprog/en")
    assert "Week 45: 2 Nov to 8 Nov 2026" in text(client.get(f"/borger/sag/{case_id}/timer"))


def test_a_week_with_under_4_hours_of_absence_is_refused_with_the_rule(client, auth, app):
    case_id = start_case(client, auth, first_absence_day="2026-10-26")
    refused = report_week(client, case_id, "2026-W46", "37", "34")
    assert refused.status_code == 400
    page = text(refused)
    assert "mindst 4 timer om ugen" in page and "sygedagpengeloven § 7" in page
    assert 'value="34"' in page  # nothing the citizen typed is lost
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(WeekHours)).all() == []


def test_hours_that_make_no_sense_get_a_field_error(client, auth):
    case_id = start_case(client, auth, first_absence_day="2026-10-26")
    for normal, worked, message in [("37", "40", "flere timer end din normale arbejdstid"),
                                    ("37", "-1", "negativt tal"), ("abc", "1", "Skriv timerne som et tal"),
                                    ("", "", "normale arbejdstid den uge")]:
        response = report_week(client, case_id, "2026-W46", normal, worked)
        assert response.status_code == 400 and message in text(response), (normal, worked)
    assert report_week(client, case_id, "2026-W49", "37", "10").status_code == 400  # not offered: future
    assert report_week(client, case_id, "2026-W40", "37", "10").status_code == 400  # before the sickness


def test_a_correction_replaces_the_week_and_is_in_the_event_log(client, auth, app):
    case_id = start_case(client, auth, first_absence_day="2026-10-26")
    report_week(client, case_id, "2026-W46", "37", "10")
    form = text(client.get(f"/borger/sag/{case_id}/timer?uge=2026-W46"))
    assert 'value="10"' in form
    assert report_week(client, case_id, "2026-W46", "37", "15").status_code == 303
    with app.app_context(), session_scope(app) as db:
        [week] = db.exec(select(WeekHours).where(WeekHours.case_id == case_id)).all()
        assert week.worked_hours == 15 and week.corrected_on is not None
        correction = db.exec(select(CaseEvent).where(CaseEvent.kind == "hours_corrected")).one()
        assert correction.details["worked_before"] == "10" and correction.details["worked"] == "15"


def test_a_week_is_locked_14_days_after_it_ended_or_was_first_reportable(client, auth, make_app):
    app = make_app(PORTAL_TODAY="2026-11-16")
    client = app.test_client()
    from tests.conftest import Auth

    Auth(client).login(CITIZEN)
    case_id = case_id_from(report_sick(client, first_absence_day="2026-10-19"))
    assert report_week(client, case_id, "2026-W45", "37", "10").status_code == 303  # ended 8 Nov: open
    # Week 45 ended 8 November, but the sickness was reported 16 November: 14 days from then.
    late = make_app(PORTAL_TODAY="2026-12-01").test_client()
    Auth(late).login(CITIZEN)
    page = text(late.get(f"/borger/sag/{case_id}/timer"))
    assert "Låst" in page and "2026-W45" not in page
    refused = late.post(f"/borger/sag/{case_id}/timer", data={
        "week": "2026-W45", "normal_hours": "37", "worked_hours": "12", "csrf_token": csrf_token(page)})
    assert refused.status_code == 400


def citizen_on(make_app, day):
    client = make_app(PORTAL_TODAY=day).test_client()
    Auth(client).login(CITIZEN)
    return client


def test_a_stalled_step_up_plan_hands_the_case_over(make_app, app):
    early = citizen_on(make_app, "2026-11-09")  # week 45 has ended: its hours can be reported
    case_id = case_id_from(report_sick(early, first_absence_day="2026-10-12"))
    saved = post_form(early, f"/borger/sag/{case_id}/timer/plan",
                      {"start_week": "2026-W43", "start_hours": "10", "weekly_increase": "5", "full_hours": "37"})
    assert saved.status_code == 303
    for week in ("2026-W43", "2026-W44", "2026-W45"):
        assert report_week(early, case_id, week, "37", "10").status_code == 303
    assert live_handover(app, case_id) is None  # no rise over 2 weeks: not yet
    later = citizen_on(make_app, "2026-11-16")
    assert "Din plan for at komme op i tid" in text(later.get(f"/borger/sag/{case_id}/timer"))
    report_week(later, case_id, "2026-W46", "37", "10")
    assert "ikke steget" in text(later.get(f"/borger/sag/{case_id}/timer"))
    handover = live_handover(app, case_id)
    assert handover is not None and "|plan_stalled|" in handover.reason_codes
    assert "step_up_plan_stalled" in event_kinds(app, case_id)


def test_a_plan_that_starts_at_full_hours_is_refused(client, auth):
    case_id = start_case(client, auth, first_absence_day="2026-10-12")
    refused = post_form(client, f"/borger/sag/{case_id}/timer/plan",
                        {"start_week": "2026-W47", "start_hours": "37", "weekly_increase": "5", "full_hours": "37"})
    assert refused.status_code == 400 and "raskmelde dig" in text(refused)


def test_hours_longer_than_a_decimal_holds_are_refused_with_the_range(client, auth):
    case_id = start_case(client, auth, first_absence_day="2026-10-12")
    refused = post_form(client, f"/borger/sag/{case_id}/timer/plan", {
        "start_week": "2026-W47", "start_hours": "1" + "0" * 26, "weekly_increase": "5", "full_hours": "37"})
    assert refused.status_code == 400 and "Skriv et antal timer mellem 0 og 80." in text(refused)


# Standby ------------------------------------------------------------------------------------------

def test_standby_in_and_out(client, auth, app):
    case_id = start_case(client, auth)
    refused = post_form(client, f"/borger/sag/{case_id}/standby", {"group": "nonsense"})
    assert refused.status_code == 400 and "Bekræft" in text(refused)
    chosen = post_form(client, f"/borger/sag/{case_id}/standby", {"group": "cancer", "understood": "y"})
    assert chosen.status_code == 303
    case = the_case(app, case_id)
    assert case.standby_since.isoformat() == "2026-11-16" and case.standby_group == "cancer"
    assert "|standby|" in live_handover(app, case_id).reason_codes
    page = text(client.get(f"/borger/sag/{case_id}"))
    assert "Du er på standby" in page
    assert "Hvordan går det?" not in page  # no check-ins on standby
    assert "cancer" not in str(event_kinds(app, case_id))  # no diagnosis in the event log
    withdrawn = client.post(f"/borger/sag/{case_id}/standby/fortryd",
                            data={"csrf_token": _token(client, f"/borger/sag/{case_id}/standby")})
    assert withdrawn.status_code == 303
    assert the_case(app, case_id).standby_since is None
    assert "standby_withdrawn" in event_kinds(app, case_id)


# Fast track ---------------------------------------------------------------------------------------

def test_fast_track_hands_over_with_the_2_week_deadline(client, auth, app):
    case_id = start_case(client, auth, first_absence_day="2026-11-02")
    too_soon = post_form(client, f"/borger/sag/{case_id}/fast-track",
                         {"expected_duration": "under_8_weeks", "consent": "y"})
    assert too_soon.status_code == 400 and "inden for 8 uger" in text(too_soon)
    asked = post_form(client, f"/borger/sag/{case_id}/fast-track",
                      {"expected_duration": "13_26_weeks", "consent": "y"})
    assert asked.status_code == 303
    handover = live_handover(app, case_id)
    assert "|fast_track|" in handover.reason_codes
    assert handover.due.isoformat() == "2026-11-30"  # 16 November + 14 days
    page = text(client.get(f"/borger/sag/{case_id}"))
    assert "senest den 30. november 2026" in page and "§ 13 b, stk. 2" in page


def test_fast_track_is_not_offered_after_the_request_window(client, auth):
    case_id = start_case(client, auth, first_absence_day="2026-10-05")  # week 5 ended 8 November
    page = client.get(f"/borger/sag/{case_id}/fast-track")
    assert "kun bedes om fast track i de første 5 uger" in text(page)
    refused = client.post(f"/borger/sag/{case_id}/fast-track",
                          data={"expected_duration": "13_26_weeks", "consent": "y",
                                "csrf_token": _token(client, f"/borger/sag/{case_id}")})
    assert refused.status_code == 200  # the page again, nothing asked
    assert "Bed om fast track" not in text(client.get(f"/borger/sag/{case_id}"))


def _token(client, url):
    from tests.conftest import csrf_token

    return csrf_token(text(client.get(url)))


# Asking for a conversation ------------------------------------------------------------------------

def test_asking_for_a_conversation_hands_over(client, auth, app):
    case_id = start_case(client, auth)
    missing = post_form(client, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": ""})
    assert missing.status_code == 400 and "hvad du gerne vil tale om" in text(missing)
    asked = post_form(client, f"/borger/sag/{case_id}/samtale", {"form": "video", "reason": "Min arbejdstid"})
    assert asked.status_code == 303
    case = the_case(app, case_id)
    assert case.conversation_request_form == "video" and case.conversation_request_reason == "Min arbejdstid"
    assert "|conversation_requested|" in live_handover(app, case_id).reason_codes
    assert "Du bad om en samtale" in text(client.get(f"/borger/sag/{case_id}/samtale"))


# Check-ins ----------------------------------------------------------------------------------------

CHECK_IN = {"feeling": "same", "expected_return_known": "unknown", "can_work_partly": "no",
            "wants_conversation": "no"}


def test_a_check_in_is_due_at_the_regimes_cadence(client, auth, app):
    # 2026 rules: every 6 weeks, so a sickness from 12 October is due for one on 23 November.
    case_id = start_case(client, auth, first_absence_day="2026-10-12")
    page = text(client.get(f"/borger/sag/{case_id}"))
    assert "23. november 2026" in page and "Besvar opfølgningen" not in page
    assert post_form(client, f"/borger/sag/{case_id}/opfoelgning", CHECK_IN).status_code == 200
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(CheckIn)).all() == []


def test_a_check_in_answer_that_asks_to_talk_hands_the_case_over(client, auth, app):
    case_id = start_case(client, auth, first_absence_day="2026-10-01")  # due 12 November
    assert "Besvar opfølgningen" in text(client.get(f"/borger/sag/{case_id}"))
    missing = post_form(client, f"/borger/sag/{case_id}/opfoelgning", {**CHECK_IN, "wants_conversation": "yes"})
    assert missing.status_code == 400 and "hvordan du gerne vil tale" in text(missing)
    answered = post_form(client, f"/borger/sag/{case_id}/opfoelgning",
                         {**CHECK_IN, "wants_conversation": "yes", "conversation_form": "phone"})
    assert answered.status_code == 303
    assert "|conversation_requested|" in live_handover(app, case_id).reason_codes
    page = text(client.get(f"/borger/sag/{case_id}"))
    assert "Besvar opfølgningen" not in page and "24. december 2026" in page  # next: 12 Nov + 6 weeks


def test_a_check_in_with_a_far_return_date_hands_over_as_long_absence(client, auth, app):
    case_id = start_case(client, auth, first_absence_day="2026-10-01")
    post_form(client, f"/borger/sag/{case_id}/opfoelgning",
              {**CHECK_IN, "expected_return_known": "date", "expected_return": "2027-06-01"})
    assert "|long_expected_absence|" in live_handover(app, case_id).reason_codes


# Recovery -----------------------------------------------------------------------------------------

def test_full_recovery_closes_the_case_and_its_handover(client, auth, app):
    case_id = start_case(client, auth)
    post_form(client, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Tilbagevenden"})
    assert live_handover(app, case_id) is not None
    before = post_form(client, f"/borger/sag/{case_id}/raskmelding", {"kind": "full", "recovered_on": "2026-11-01"})
    assert before.status_code == 400 and "før din første fraværsdag" in text(before)
    future = post_form(client, f"/borger/sag/{case_id}/raskmelding", {"kind": "full", "recovered_on": "2026-11-20"})
    assert future.status_code == 400
    done = post_form(client, f"/borger/sag/{case_id}/raskmelding", {"kind": "full", "recovered_on": "2026-11-16"})
    assert done.status_code == 303
    case = the_case(app, case_id)
    assert case.status == "closed" and case.recovered_on.isoformat() == "2026-11-16"
    assert live_handover(app, case_id) is None
    assert "Afsluttet" in text(client.get("/borger/mit-sygefravaer"))
    # a closed case takes no more hours or requests
    assert client.get(f"/borger/sag/{case_id}/timer").status_code == 303


def test_partial_recovery_turns_the_sick_leave_partial(client, auth, app):
    case_id = start_case(client, auth)
    too_few = post_form(client, f"/borger/sag/{case_id}/raskmelding",
                        {"kind": "partial", "recovered_on": "2026-11-16", "partial_hours": "3"})
    assert too_few.status_code == 400 and "mindst 4" in text(too_few)
    done = post_form(client, f"/borger/sag/{case_id}/raskmelding",
                     {"kind": "partial", "recovered_on": "2026-11-16", "partial_hours": "20"})
    assert done.status_code == 303
    case = the_case(app, case_id)
    assert case.status == "open" and case.absence_kind == "partial" and case.partial_hours_per_week == 20


# Access -------------------------------------------------------------------------------------------

def test_another_citizen_cannot_reach_the_ongoing_pages(client, auth, make_app):
    case_id = start_case(client, auth)
    other = make_app().test_client()
    from tests.conftest import Auth

    Auth(other).login(OTHER_CITIZEN)
    for path in ("", "/timer", "/timer/plan", "/standby", "/fast-track", "/samtale", "/opfoelgning", "/raskmelding"):
        assert other.get(f"/borger/sag/{case_id}{path}").status_code == 404, path


def test_the_pages_are_in_english_too(client, auth):
    client.get("/sprog/en?next=/")
    case_id = start_case(client, auth, first_absence_day="2026-10-01")
    for path, words in [("", "What you can do"), ("/timer", "Partial sick leave hours"),
                        ("/standby", "Standby scheme"), ("/fast-track", "Fast track"),
                        ("/samtale", "Ask for a conversation"), ("/opfoelgning", "How are you doing?"),
                        ("/raskmelding", "Report that you are well")]:
        page = client.get(f"/borger/sag/{case_id}{path}")
        assert page.status_code == 200 and words in text(page), path


def test_the_questionnaire_still_leads_to_the_case_page(client, auth):
    case_id = start_case(client, auth)
    submit_everything(client, case_id)
    assert f"/borger/sag/{case_id}" in text(client.get("/borger/mit-sygefravaer"))


# What the caseworker sees -------------------------------------------------------------------------

def test_the_caseworker_sees_hours_check_ins_and_the_request(client, auth, make_app):
    case_id = start_case(client, auth, first_absence_day="2026-10-01")
    report_week(client, case_id, "2026-W46", "37", "12")
    post_form(client, f"/borger/sag/{case_id}/opfoelgning",
              {**CHECK_IN, "wants_conversation": "yes", "conversation_form": "video",
               "conversation_reason": "Skånehensyn på lageret"})
    caseworker = make_app().test_client()
    Auth(caseworker).login("Mette Sagsbehandler", "caseworker")
    page = text(caseworker.get(f"/jobcenter/sag/{case_id}"))
    assert "Uge 46" in page and "25 (68 %)" in page
    assert "Skånehensyn på lageret" in page and "Nogenlunde som før" in page
    assert "Ønsker samtale" in page and "Video" in page
    queue = text(caseworker.get("/jobcenter/?reason=conversation_requested"))
    assert "Lise Testesen" in queue


def test_the_queue_marks_standby_as_follow_up_without_contact(client, auth, make_app):
    case_id = start_case(client, auth)
    post_form(client, f"/borger/sag/{case_id}/standby", {"group": "cancer", "understood": "y"})
    caseworker = make_app().test_client()
    Auth(caseworker).login("Mette Sagsbehandler", "caseworker")
    assert "Standby: opfølgning uden kontakt" in text(caseworker.get("/jobcenter/"))
    assert "Kræft" in text(caseworker.get(f"/jobcenter/sag/{case_id}"))
