"""The questionnaire's step indicator as DKFDS describes it: answered steps are links back (with
the check icon, not a "✓" outside the font subset), the current step is marked, steps not reached
are not links, and the receipt is not a step."""
from __future__ import annotations

import re
from datetime import date

import pytest

from ..conftest import csrf_token
from .test_citizen_journey import CITIZEN, OTHER_CITIZEN, STEPS, case_id_from, report_sick, text


def answer(client, case_id, slug, answers):
    url = f"/borger/sag/{case_id}/oplysningsskema/{slug}"
    page = client.get(url)
    return client.post(url, data={**answers, "action": "continue", "csrf_token": csrf_token(text(page))})


def steps_of(page: str) -> list[str]:
    nav = re.search(r'<div class="steps-wide">(.*?)</div>\s*</nav>', page, re.S).group(1)
    return re.findall(r"<li[^>]*>.*?</li>", nav, re.S)


def test_answered_steps_are_links_the_current_is_marked_and_later_ones_are_not_links(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    for slug, answers in STEPS[:2]:
        assert answer(client, case_id, slug, answers).status_code == 303
    page = text(client.get(f"/borger/sag/{case_id}/oplysningsskema/din-sygdom"))
    assert "✓" not in page
    assert "Trin 3 af 7" in page
    items = steps_of(page)
    assert len(items) == 7  # six topics and check-and-send; no receipt
    for done in items[:2]:
        assert re.search(r'<a href="/borger/sag/\d+/oplysningsskema/[a-z-]+" class="step">', done)
        assert 'class="step-icon"' in done and "Besvaret" in done
    assert 'class="current"' in items[2] and 'aria-current="step"' in items[2]
    assert 'class="disabled"' in items[3] and "<a " not in items[3]
    assert 'class="disabled"' in items[6] and "<a " not in items[6]


def test_on_the_check_page_every_step_can_be_revisited(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    for slug, answers in STEPS:
        assert answer(client, case_id, slug, answers).status_code == 303
    page = text(client.get(f"/borger/sag/{case_id}/oplysningsskema/tjek"))
    items = steps_of(page)
    assert all("<a href=" in item for item in items)
    assert 'aria-current="step"' in items[6] and page.count("Besvaret") == 12  # 6 steps, in two lists


def test_the_last_step_posted_first_leads_to_the_first_missing_step_and_the_form_is_not_sent(client, auth):
    """Posting the last step before the others (an old tab, a bookmark) is saved, and the citizen is
    sent to the first unanswered step and told why; the check page never sends an incomplete form."""
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    slug, answers = STEPS[-1]
    saved = answer(client, case_id, slug, answers)
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(f"/borger/sag/{case_id}/oplysningsskema/om-dig")
    page = text(client.get(saved.headers["Location"]))
    assert "Du har ikke svaret på alle dele af skemaet endnu." in page
    for slug, answers in STEPS[:2]:
        assert answer(client, case_id, slug, answers).status_code == 303
    token = csrf_token(text(client.get(f"/borger/sag/{case_id}/oplysningsskema/om-dig")))
    sent = client.post(f"/borger/sag/{case_id}/oplysningsskema/tjek", data={"declaration": "y", "csrf_token": token})
    assert sent.headers["Location"].endswith(f"/borger/sag/{case_id}/oplysningsskema/din-sygdom")
    assert "Du har ikke svaret på alle dele af skemaet endnu." in text(client.get(sent.headers["Location"]))
    assert client.get(f"/borger/sag/{case_id}/oplysningsskema/kvittering").status_code == 302  # not sent
    client.get("/sprog/en", headers={"Referer": f"/borger/sag/{case_id}/oplysningsskema/tjek"})
    english = client.get(f"/borger/sag/{case_id}/oplysningsskema/tjek", follow_redirects=True)
    assert "You have not answered every part of the form yet." in text(english)


def test_what_she_already_said_is_carried_over_and_questions_never_asked_are_not_shown(client, auth):
    """Issue 29: a conversation asked for before the questionnaire is its answer already (with what
    about), and the check page lists no follow-up whose condition was not met ("Ikke besvaret")."""
    from .test_citizen_journey import post_form

    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    post_form(client, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Min arbejdstid"})
    step = text(client.get(f"/borger/sag/{case_id}/oplysningsskema/samtale"))
    assert re.search(r'<input[^>]*checked[^>]*value="yes"|<input[^>]*value="yes"[^>]*checked', step)
    assert "Min arbejdstid" in step
    for slug, answers in STEPS[:5]:
        if slug == "din-sygdom":
            answers = {**answers, "in_treatment": "no", "treatment": ""}
        assert answer(client, case_id, slug, answers).status_code == 303
    assert answer(client, case_id, "samtale", {"wants_conversation": "yes",
                                                "conversation_topic": "Min arbejdstid"}).status_code == 303
    check = text(client.get(f"/borger/sag/{case_id}/oplysningsskema/tjek"))
    assert "Hvilken behandling" not in check  # asked only of someone in treatment
    assert "Min arbejdstid" in check


def test_a_step_saved_keeps_the_draft_logs_it_makes_the_case_due_and_keeps_a_new_email(app, client, auth):
    """What the step's statements write (one statement on PostgreSQL, several on SQLite): the answers
    merged into the draft, the event row, the case due for the sweep and its reminders again, and the
    e-mail address given on the first step as the citizen's own (only when it is a new one)."""
    from sqlmodel import select

    from portal.db import session_scope
    from portal.models import CHECK_NOW, CaseCheck, CaseEvent, Citizen, Questionnaire, SickCase

    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    with app.app_context(), session_scope(app) as db:
        db.merge(CaseCheck(case_id=case_id, next_check_on=date(2026, 12, 1), facts_version=4,
                           remind_on=date(2026, 12, 1)))
        db.commit()
    assert answer(client, case_id, "om-dig", {"phone": "12 34 56 78", "email": "ny@example.dk"}).status_code == 303
    assert answer(client, case_id, "dit-arbejde", dict(STEPS[1][1])).status_code == 303
    with app.app_context(), session_scope(app) as db:
        form = db.exec(select(Questionnaire).where(Questionnaire.case_id == case_id)).one()
        assert form.answers == {"om-dig": {"phone": "12 34 56 78", "email": "ny@example.dk"},
                                "dit-arbejde": STEPS[1][1]} and form.status == "draft"
        kinds = db.exec(select(CaseEvent.kind, CaseEvent.actor, CaseEvent.details).where(
            CaseEvent.case_id == case_id, CaseEvent.kind == "questionnaire_step_saved").order_by(CaseEvent.id)).all()
        assert [tuple(k) for k in kinds] == [("questionnaire_step_saved", "citizen", {"step": "om-dig"}),
                                             ("questionnaire_step_saved", "citizen", {"step": "dit-arbejde"})]
        check = db.get(CaseCheck, case_id)
        assert (check.next_check_on, check.remind_on, check.facts_version) == (CHECK_NOW, CHECK_NOW, 6)
        assert db.get(Citizen, db.get(SickCase, case_id).citizen_id).email == "ny@example.dk"


def test_a_step_sent_after_the_form_was_sent_changes_nothing(app, client, auth):
    """The form sent from another tab between the step's read and its write: the draft's update
    matches only a draft, so the sent answers stay as they were and the citizen sees her receipt."""
    from sqlmodel import select

    from portal.cases import questionnaire
    from portal.db import session_scope
    from portal.models import CaseEvent, Questionnaire

    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    for slug, answers in STEPS:
        assert answer(client, case_id, slug, answers).status_code == 303
    with app.app_context(), session_scope(app) as db:
        stale = db.exec(select(Questionnaire).where(Questionnaire.case_id == case_id)).one()
        db.commit()  # read as a draft; sent in another request meanwhile
        with session_scope(app) as other:
            questionnaire.submit(other, other.exec(select(Questionnaire).where(Questionnaire.case_id == case_id)).one(),
                                 date(2026, 11, 16))
            logged = len(other.exec(select(CaseEvent.id).where(CaseEvent.case_id == case_id)).all())
        assert stale.status == "draft"
        with pytest.raises(questionnaire.AlreadySubmitted):
            questionnaire.save_step(db, stale, "om-dig", {"phone": "87 65 43 21", "email": ""})
        db.rollback()
        db.expire_all()
        sent = db.exec(select(Questionnaire).where(Questionnaire.case_id == case_id)).one()
        assert sent.status == "submitted" and sent.answers["om-dig"] == STEPS[0][1]
        assert len(db.exec(select(CaseEvent.id).where(CaseEvent.case_id == case_id)).all()) == logged


def test_the_step_list_kept_for_one_case_links_to_the_other_cases_own_steps(client, auth):
    """The step indicator is built once per language and steps answered (portal.citizen.step_indicator):
    a second citizen at the same point of her form sees links to her own case, never the first's."""
    cases = []
    for citizen in (OTHER_CITIZEN, CITIZEN):
        auth.login(citizen)
        case_id = case_id_from(report_sick(client))
        assert answer(client, case_id, *STEPS[0]).status_code == 303
        page = text(client.get(f"/borger/sag/{case_id}/oplysningsskema/din-sygdom"))
        links = re.findall(r'href="/borger/sag/(\d+)/oplysningsskema/[a-z-]+"', page)
        assert len(links) >= 5 and set(links) == {str(case_id)}
        cases.append(case_id)
        auth.logout()
    assert cases[0] != cases[1]
