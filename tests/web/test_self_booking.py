"""Self-booking: caseworkers publish free times, a citizen whose case needs a conversation books
one before its deadline, and only one citizen gets a time."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.models import Conversation, FreeTime, OutboxMessage
from tests.conftest import Auth, csrf_token

from .test_citizen_journey import case_id_from, post_form, report_sick, text


def publish(mette, **changes):
    page = text(mette.get("/jobcenter/ledige-tider"))
    data = {"time-csrf_token": csrf_token(page), "time-day": "20-11-2026", "time-at": "9:00",
            "time-form": "phone", "time-details": "Vi ringer til dig", "time-count": "3"}
    return mette.post("/jobcenter/ledige-tider", data={**data, **{f"time-{k}": v for k, v in changes.items()}})


def citizen_who_asked_to_talk(app, name, email=None):
    client = app.test_client()
    Auth(client).login(name)
    case_id = case_id_from(report_sick(client, **({"email": email} if email else {})))
    post_form(client, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Min arbejdstid"})
    return client, case_id


@pytest.fixture
def world(make_app):
    app = make_app(PORTAL_TODAY="2026-11-16")
    mette = app.test_client()
    Auth(mette).login("Mette Sagsbehandler", "caseworker")
    return app, mette


def free_times(app) -> list[FreeTime]:
    with app.app_context(), session_scope(app) as db:
        return list(db.exec(select(FreeTime).order_by(FreeTime.starts_at)))


def book(client, case_id, time_id):
    return post_form(client, f"/borger/sag/{case_id}/samtale/book", {"time": str(time_id)})


def test_a_caseworker_publishes_times_in_a_row_and_bad_input_is_refused(world):
    app, mette = world
    assert publish(mette).status_code == 303
    page = text(mette.get("/jobcenter/ledige-tider"))
    assert "3 ledige tider er offentliggjort." in page
    assert [t.starts_at.replace(tzinfo=UTC) if t.starts_at.tzinfo is None else t.starts_at
            for t in free_times(app)] == [datetime(2026, 11, 20, h, m, tzinfo=UTC) for h, m in
                                         ((8, 0), (8, 45), (9, 30))]  # 09:00, 09:45, 10:30 in Copenhagen
    too_many = publish(mette, count="9")
    assert too_many.status_code == 400 and "Skriv, hvor mange tider, fra 1 til 8." in text(too_many)
    past = publish(mette, day="1-11-2026")
    assert past.status_code == 400 and "kan ikke bookes i fortiden" in text(past)
    assert len(free_times(app)) == 3


def test_a_citizen_books_a_time_before_the_deadline(world):
    app, mette = world
    publish(mette)
    lise, case_id = citizen_who_asked_to_talk(app, "Lise Testesen", email="lise@example.dk")
    assert "Se ledige tider og book en" in text(lise.get(f"/borger/sag/{case_id}"))
    page = text(lise.get(f"/borger/sag/{case_id}/samtale/book"))
    assert "fredag 20. november kl. 09.45, på telefon" in page
    second = free_times(app)[1]
    booked = book(lise, case_id, second.id)
    assert booked.status_code == 303
    case = text(lise.get(f"/borger/sag/{case_id}"))
    assert "Din samtale er booket." in case and "Vi ringer til dig" in case
    assert "Se ledige tider og book en" not in case
    with app.app_context(), session_scope(app) as db:
        conversation = db.exec(select(Conversation).where(Conversation.case_id == case_id)).one()
        assert conversation.form == "phone" and conversation.status == "booked"
        taken = db.get(FreeTime, second.id)
        assert taken.taken_by_case_id == case_id and taken.conversation_id == conversation.id
        assert db.exec(select(OutboxMessage.kind, OutboxMessage.channel)).all() == [
            ("conversation_booked", None), ("conversation_booked", "email")]  # Digital Post (chosen when sent), e-mail
    again = text(lise.get(f"/borger/sag/{case_id}/samtale/book"))
    assert "Du har allerede en samtale booket" in again
    listing = text(mette.get("/jobcenter/ledige-tider"))
    assert f'href="/jobcenter/sag/{case_id}">Booket</a>' in listing


def test_the_second_citizen_is_told_the_time_is_taken_and_offered_the_others(world):
    app, mette = world
    publish(mette)
    lise, lise_case = citizen_who_asked_to_talk(app, "Lise Testesen")
    bo, bo_case = citizen_who_asked_to_talk(app, "Bo Eksempel")  # both live in København
    first = free_times(app)[0]
    form = text(lise.get(f"/borger/sag/{lise_case}/samtale/book"))  # Lise has the page open
    assert book(bo, bo_case, first.id).status_code == 303      # Bo is quicker
    late = lise.post(f"/borger/sag/{lise_case}/samtale/book",
                     data={"csrf_token": csrf_token(form), "time": str(first.id)})
    page = text(late)
    assert late.status_code == 400
    assert "En anden tog den tid for et øjeblik siden. Vælg en anden tid." in page
    assert f'value="{first.id}"' not in page and "kl. 09.45" in page and "kl. 10.30" in page
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Conversation.case_id)).all() == [bo_case]


def test_times_after_the_deadline_or_of_another_municipality_are_not_offered(world):
    app, mette = world
    publish(mette, day="20-12-2026", count="1")
    karsten = app.test_client()
    Auth(karsten).login("Karsten Sagsbehandler", "caseworker")
    publish(karsten, count="1")
    lise, case_id = citizen_who_asked_to_talk(app, "Lise Testesen")
    page = text(lise.get(f"/borger/sag/{case_id}/samtale/book"))
    assert "Der er ingen ledige tider før" in page
    assert "Se ledige tider og book en" not in text(lise.get(f"/borger/sag/{case_id}"))
    for time in free_times(app):
        refused = book(lise, case_id, time.id)
        assert refused.status_code in (200, 400) and "Du har allerede" not in text(refused)
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Conversation)).all() == []


def test_a_free_time_can_be_withdrawn_and_a_booked_one_cannot(world):
    app, mette = world
    publish(mette, count="2")
    lise, case_id = citizen_who_asked_to_talk(app, "Lise Testesen")
    first, second = free_times(app)
    book(lise, case_id, first.id)
    token = csrf_token(text(mette.get("/jobcenter/ledige-tider")))
    refused = mette.post(f"/jobcenter/ledige-tider/{first.id}/slet", data={"csrf_token": token},
                         follow_redirects=True)
    assert "Tiden kunne ikke trækkes tilbage" in text(refused)
    withdrawn = mette.post(f"/jobcenter/ledige-tider/{second.id}/slet", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Den ledige tid er trukket tilbage." in text(withdrawn)
    assert [t.id for t in free_times(app)] == [first.id]
    assert re.search(r"Booket", text(withdrawn))


def test_many_tabs_of_one_citizen_sent_at_once_book_one_time(world):
    """The booking page open in several tabs, each with another time, all sent at the same moment:
    one conversation is booked and one time taken; the other tabs are told it cannot be booked."""
    import threading

    app, mette = world
    publish(mette, count="6")
    lise, case_id = citizen_who_asked_to_talk(app, "Lise Testesen")
    token = csrf_token(text(lise.get(f"/borger/sag/{case_id}/samtale/book")))
    times = free_times(app)
    barrier, answers = threading.Barrier(len(times)), []

    def send(time_id):
        barrier.wait()
        answers.append(lise.post(f"/borger/sag/{case_id}/samtale/book",
                                 data={"csrf_token": token, "time": str(time_id)}).status_code)

    tabs = [threading.Thread(target=send, args=(time.id,)) for time in times]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join(timeout=60)
    # One booked (303); a tab that arrives after it sees the booking (200), one that raced it is refused (400).
    assert len(answers) == len(times) and answers.count(303) == 1 and set(answers) <= {200, 303, 400}, answers
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Conversation.case_id)).all() == [case_id]
        assert len([t for t in db.exec(select(FreeTime)) if t.taken_by_case_id is not None]) == 1


def test_the_database_refuses_a_second_self_booking_the_check_missed(world, monkeypatch):
    """What keeps it to one is the database, not the "already booked?" check: with the check blind
    (as it is for tabs that all check before any of them writes), the second booking is refused."""
    from portal.cases import self_booking

    app, mette = world
    publish(mette, count="2")
    lise, case_id = citizen_who_asked_to_talk(app, "Lise Testesen")
    first, second = free_times(app)
    monkeypatch.setattr(self_booking, "booked_conversation", lambda db, case_id: None)
    assert book(lise, case_id, first.id).status_code == 303
    refused = book(lise, case_id, second.id)
    assert refused.status_code == 400
    assert "Den tid kan ikke længere bookes. Vælg en anden tid." in text(refused)
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Conversation.case_id)).all() == [case_id]
        assert db.get(FreeTime, second.id).taken_by_case_id is None


@pytest.mark.parametrize("value", ["99999999999", "2147483648", "0", "²"])
def test_a_time_number_no_time_can_have_is_a_form_error(world, value):
    """A number larger than any id (PostgreSQL: "integer out of range") names no time: a 400 with
    the form's error, never a 500."""
    app, mette = world
    publish(mette, count="1")
    lise, case_id = citizen_who_asked_to_talk(app, "Lise Testesen")
    refused = book(lise, case_id, value)
    assert refused.status_code == 400
    assert "Den tid kan ikke længere bookes. Vælg en anden tid." in text(refused)
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Conversation)).all() == []


def cancel(mette, case_id, conversation_id):
    page = text(mette.get(f"/jobcenter/sag/{case_id}"))
    return mette.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/aflys", data={
        f"cancel{conversation_id}-csrf_token": csrf_token(page), f"cancel{conversation_id}-reason": "Jeg er syg"})


def test_a_cancelled_self_booked_time_is_free_again(world):
    app, mette = world
    publish(mette, count="1")
    lise, case_id = citizen_who_asked_to_talk(app, "Lise Testesen")
    [time] = free_times(app)
    assert book(lise, case_id, time.id).status_code == 303
    with app.app_context(), session_scope(app) as db:
        conversation_id = db.exec(select(Conversation.id)).one()
    assert cancel(mette, case_id, conversation_id).status_code == 303
    [freed] = free_times(app)
    assert freed.taken_by_case_id is None and freed.conversation_id is None
    assert "kl. 09.00" in text(lise.get(f"/borger/sag/{case_id}/samtale/book"))  # offered again
    assert book(lise, case_id, time.id).status_code == 303


def test_a_moved_case_gives_its_self_booked_time_back(world):
    app, mette = world
    publish(mette, count="1")
    lise, case_id = citizen_who_asked_to_talk(app, "Lise Testesen")
    [time] = free_times(app)
    assert book(lise, case_id, time.id).status_code == 303
    page = text(mette.get(f"/jobcenter/sag/{case_id}"))
    moved = mette.post(f"/jobcenter/sag/{case_id}/flyt-kommune", data={
        "move_to-to": "751", "move_to-reason": "Borgeren er flyttet", "move_to-csrf_token": csrf_token(page)})
    assert moved.status_code == 303
    [freed] = free_times(app)
    assert freed.taken_by_case_id is None and freed.conversation_id is None


def test_a_self_booked_conversation_moved_to_another_time_frees_the_time_it_was_booked_at(world):
    app, mette = world
    publish(mette, count="1")
    lise, case_id = citizen_who_asked_to_talk(app, "Lise Testesen")
    [time] = free_times(app)
    assert book(lise, case_id, time.id).status_code == 303
    with app.app_context(), session_scope(app) as db:
        conversation_id = db.exec(select(Conversation.id)).one()
    page = text(mette.get(f"/jobcenter/sag/{case_id}"))
    prefix = f"move{conversation_id}"
    moved = mette.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/flyt", data={
        f"{prefix}-csrf_token": csrf_token(page), f"{prefix}-day": "23-11-2026", f"{prefix}-at": "13:00",
        f"{prefix}-form": "phone"})
    assert moved.status_code == 303
    [freed] = free_times(app)
    assert freed.taken_by_case_id is None and freed.conversation_id is None
    # Offered again to another citizen of København (the CPR register puts Ahmed in Aarhus, Bo here).
    bo, bos_case = citizen_who_asked_to_talk(app, "Bo Eksempel")
    assert "kl. 09.00" in text(bo.get(f"/borger/sag/{bos_case}/samtale/book")), "offered to others again"
