"""A conversation from invitation to minutes: the citizen answers it, the caseworker moves or
cancels it, the mail programs get calendar files they accept, and the citizen reads the minutes.

The calendar files are read back by `ical` (an independent RFC 5545 parser), not by the library
that wrote them."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

import pytest
from ical.calendar_stream import IcsCalendarStream
from pypdf import PdfReader
from sqlmodel import select

from portal.db import session_scope
from portal.models import Conversation, OutboxMessage
from tests.conftest import Auth, csrf_token, weasyprint_missing

from .test_citizen_journey import case_id_from, post_form, report_sick, text

CITIZEN = "Lise Testesen"


@pytest.fixture
def world(make_app, tmp_path):
    """Lise reported sick and asked for a conversation; Mette (Copenhagen) books one, by phone on
    20 November 2026 at 10:30, with details, what it is about and what to bring."""
    outbox_dir = tmp_path / "outbox"
    app = make_app(PORTAL_TODAY="2026-11-16", PORTAL_OUTBOX_DIR=str(outbox_dir),
                   PORTAL_MAIL_FROM="Jobcenter København <jobcenter@kk.example.dk>")
    lise = app.test_client()
    Auth(lise).login(CITIZEN)
    case_id = case_id_from(report_sick(lise, email="lise@example.dk"))
    post_form(lise, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Min arbejdstid"})
    mette = app.test_client()
    Auth(mette).login("Mette Sagsbehandler", "caseworker")
    booked = mette.post(f"/jobcenter/sag/{case_id}/samtale", data={
        "book-csrf_token": csrf_token(text(mette.get(f"/jobcenter/sag/{case_id}"))), "book-day": "20-11-2026",
        "book-at": "10:30", "book-form": "phone", "book-details": "Vi ringer til dig",
        "book-agenda": "Din tilbagevenden til arbejdet", "book-bring": "Din plan for timerne"})
    assert booked.status_code == 303, text(booked)[:800]
    with app.app_context(), session_scope(app) as db:
        conversation_id = db.exec(select(Conversation.id)).one()
    return app, lise, mette, case_id, conversation_id, outbox_dir


def messages(app, kind=None, channel="email") -> list[OutboxMessage]:
    """The citizen's e-mails (her extra channel; the same message also goes by Digital Post, see
    test_digital_post.py)."""
    with app.app_context(), session_scope(app) as db:
        rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [m for m in rows if (kind is None or m.kind == kind) and (channel is None or m.channel == channel)]


def calendar(ics: str):
    [parsed] = IcsCalendarStream.from_ics(ics).calendars
    return parsed


def sent_mails(app, outbox_dir):
    assert app.test_cli_runner().invoke(args=["send-outbox"]).exit_code == 0
    return {path.name: message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(outbox_dir.iterdir()) if path.suffix == ".eml"}


def case_page(mette, case_id):
    return text(mette.get(f"/jobcenter/sag/{case_id}"))


def test_the_invitation_is_a_calendar_event_mail_programs_accept(world):
    app, _lise, _mette, _case_id, conversation_id, outbox_dir = world
    before = datetime.now(UTC) - timedelta(seconds=5)
    [message] = messages(app, "conversation_booked")
    parsed = calendar(message.attachment)
    assert parsed.method == "REQUEST"
    assert [zone.tz_id for zone in parsed.timezones] == ["Europe/Copenhagen"]
    [event] = parsed.events
    assert event.uid == f"conversation-{conversation_id}@sygefravaer.portal" and event.sequence == 0
    assert event.dtstart.astimezone(UTC) == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # 10:30 in Copenhagen
    assert event.dtend - event.dtstart == timedelta(minutes=45)
    assert before <= event.dtstamp <= datetime.now(UTC) + timedelta(seconds=5)  # when made, not the event
    assert event.organizer.uri == "mailto:jobcenter@kk.example.dk"
    assert [a.uri for a in event.attendees] == ["mailto:lise@example.dk"]
    assert event.location == "Vi ringer til dig" and "Din plan for timerne" in event.description
    assert event.status == "CONFIRMED"
    [(name, mail)] = [(n, m) for n, m in sent_mails(app, outbox_dir).items() if "conversation" in n]
    assert abs(parsedate_to_datetime(mail["Date"]) - datetime.now(UTC)) < timedelta(minutes=1)
    invitation = mail.get_body(preferencelist=("calendar",))
    assert invitation.get_content_type() == "text/calendar"
    assert invitation.get_param("method") == "REQUEST" and invitation.get_content_charset() == "utf-8"
    assert calendar(invitation.get_content()).events[0].uid == event.uid
    attachments = {a.get_filename(): a for a in mail.iter_attachments()}
    assert "opfoelgningssamtale.ics" in attachments
    if weasyprint_missing():  # no Pango on this machine: the mail goes without its letter
        return
    assert set(attachments) == {"opfoelgningssamtale.ics", f"invitation-samtale-{conversation_id}.pdf"}
    letter = PdfReader(io.BytesIO(attachments[f"invitation-samtale-{conversation_id}.pdf"].get_content()))
    assert letter.trailer["/Root"]["/Lang"] == "da"  # the letter itself, in Danish
    assert "Vi ringer til dig" in letter.pages[0].extract_text()
    assert "Du er inviteret" in mail.get_body(preferencelist=("plain",)).get_content()


def test_the_citizen_answers_another_time_and_the_caseworker_moves_it(world):
    app, lise, mette, case_id, conversation_id, _outbox = world
    case = text(lise.get(f"/borger/sag/{case_id}"))
    assert "Dine samtaler med jobcentret" in case and "Du har ikke svaret endnu." in case
    assert "Din tilbagevenden til arbejdet" in case
    answer_url = f"/borger/sag/{case_id}/samtale/{conversation_id}/svar"
    missing = post_form(lise, answer_url, {"answer": "other_time", "other_reason": "", "preferred": ""})
    assert missing.status_code == 400 and "Skriv kort, hvorfor tiden ikke passer dig." in text(missing)
    answered = post_form(lise, answer_url, {"answer": "other_time", "other_reason": "Jeg er til scanning",
                                            "preferred": "Mandag eller tirsdag formiddag",
                                            "not_coming_reason": "ignoreres"})
    assert answered.status_code == 303
    assert "Beder om en anden tid" in text(mette.get("/jobcenter/?assignee="))  # seen in the queue
    view = case_page(mette, case_id)
    assert "Beder om en anden tid" in view and "Jeg er til scanning" in view
    assert "Passer: Mandag eller tirsdag formiddag" in view and "ignoreres" not in view
    moved = mette.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/flyt", data={
        f"move{conversation_id}-csrf_token": csrf_token(view), f"move{conversation_id}-day": "23-11-2026",
        f"move{conversation_id}-at": "9:00", f"move{conversation_id}-form": "video"})
    assert moved.status_code == 303, text(moved)[:500]
    [first, second] = [calendar(m.attachment).events[0] for m in messages(app) if m.attachment]
    assert second.uid == first.uid and second.sequence == 1
    assert second.dtstart.astimezone(UTC) == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert [m.kind for m in messages(app) if m.attachment] == ["conversation_booked", "conversation_moved"]
    again = text(lise.get(f"/borger/sag/{case_id}"))
    assert "Du har ikke svaret endnu." in again  # the new time needs a new answer
    with app.app_context(), session_scope(app) as db:
        assert db.get(Conversation, conversation_id).answer is None


def test_cancelling_sends_a_cancel_and_the_citizen_sees_why(world):
    app, lise, mette, case_id, conversation_id, outbox_dir = world
    empty = mette.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/aflys", data={
        f"cancel{conversation_id}-csrf_token": csrf_token(case_page(mette, case_id)),
        f"cancel{conversation_id}-reason": " "})
    assert empty.status_code == 400 and "Skriv, hvorfor samtalen er aflyst." in text(empty)
    cancelled = mette.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/aflys", data={
        f"cancel{conversation_id}-csrf_token": csrf_token(case_page(mette, case_id)),
        f"cancel{conversation_id}-reason": "Sagsbehandleren er syg"})
    assert cancelled.status_code == 303
    [message] = messages(app, "conversation_cancelled")
    parsed = calendar(message.attachment)
    assert parsed.method == "CANCEL"
    assert parsed.events[0].status == "CANCELLED" and parsed.events[0].sequence == 1
    mail = next(m for n, m in sent_mails(app, outbox_dir).items() if "cancelled" in n)
    assert mail.get_body(preferencelist=("calendar",)).get_param("method") == "CANCEL"
    page = text(lise.get(f"/borger/sag/{case_id}"))
    assert "Aflyst." in page and "Sagsbehandleren er syg" in page and "Svar på invitationen" not in page
    answer = lise.get(f"/borger/sag/{case_id}/samtale/{conversation_id}/svar")
    assert answer.status_code == 404  # a cancelled conversation has nothing to answer


def test_minutes_are_written_after_the_conversation_and_read_by_the_citizen(world):
    app, lise, mette, case_id, conversation_id, _outbox = world
    prefix = f"minutes{conversation_id}"
    too_early = mette.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/referat", data={
        f"{prefix}-csrf_token": csrf_token(case_page(mette, case_id)), f"{prefix}-talked": "x",
        f"{prefix}-agreed": "y"})
    assert too_early.status_code == 404  # not held yet
    held = mette.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/afholdt", data={
        "held-csrf_token": csrf_token(case_page(mette, case_id)), "held-held_on": "16-11-2026",
        "held-outcome": "jobcenter"})
    assert held.status_code == 303
    view = case_page(mette, case_id)
    assert "Skriv referatet" in view
    bad = mette.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/referat", data={
        f"{prefix}-csrf_token": csrf_token(view), f"{prefix}-talked": "Din arbejdstid",
        f"{prefix}-agreed": "", f"{prefix}-next_follow_up_on": "1-1-2020"})
    page = text(bad)
    assert bad.status_code == 400
    assert "Skriv, hvad I aftalte, eller at I ikke aftalte noget." in page
    assert "Næste opfølgning skal være efter i dag." in page and "Din arbejdstid" in page  # nothing lost
    written = mette.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/referat", data={
        f"{prefix}-csrf_token": csrf_token(view), f"{prefix}-talked": "Din arbejdstid\nDine opgaver",
        f"{prefix}-agreed": "Du starter på 20 timer om ugen.", f"{prefix}-next_follow_up_on": "14-12-2026"})
    assert written.status_code == 303
    citizen = text(lise.get(f"/borger/sag/{case_id}"))
    assert "Referat af samtalen" in citizen and "Du starter på 20 timer om ugen." in citizen
    assert "14. december 2026" in citizen and "Skrevet af Mette Sagsbehandler" in citizen
    [ready] = messages(app, "minutes_ready")
    assert ready.letter_kind is None  # minutes may touch on health: not attached to ordinary mail
    assert "20 timer" not in messages(app, "minutes_ready")[0].body  # the mail only says they are there
    mette.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/referat", data={
        f"{prefix}-csrf_token": csrf_token(view), f"{prefix}-talked": "Din arbejdstid",
        f"{prefix}-agreed": "Du starter på 24 timer om ugen."})
    assert "24 timer" in text(lise.get(f"/borger/sag/{case_id}"))
    assert len(messages(app, "minutes_ready")) == 1  # a correction sends no second mail


def test_another_municipality_cannot_move_cancel_or_write_minutes(world):
    app, _lise, _mette, case_id, conversation_id, _outbox = world
    karsten = app.test_client()
    Auth(karsten).login("Karsten Sagsbehandler", "caseworker")
    token = csrf_token(text(karsten.get("/jobcenter/")))
    for action, prefix in (("flyt", "move"), ("aflys", "cancel"), ("referat", "minutes")):
        answer = karsten.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/{action}",
                              data={f"{prefix}{conversation_id}-csrf_token": token})
        assert answer.status_code == 404, action


def test_answers_need_a_reason_when_not_coming_and_ignore_it_when_coming(world):
    app, lise, mette, case_id, conversation_id, _outbox = world
    url = f"/borger/sag/{case_id}/samtale/{conversation_id}/svar"
    page = text(lise.get(url))
    assert re.search(r'<legend class="form-label">Kan du komme\?</legend>', page)
    nothing = post_form(lise, url, {})
    assert nothing.status_code == 400 and "Svar, om du kan komme." in text(nothing)
    no_reason = post_form(lise, url, {"answer": "not_coming", "not_coming_reason": ""})
    assert "Skriv kort, hvorfor du ikke kan komme." in text(no_reason)
    post_form(lise, url, {"answer": "coming", "other_reason": "skal ikke gemmes"})
    with app.app_context(), session_scope(app) as db:
        conversation = db.get(Conversation, conversation_id)
        assert conversation.answer == "coming" and conversation.answer_reason is None
    assert "Kommer" in case_page(mette, case_id)
