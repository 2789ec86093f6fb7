"""Reminders through the outbox: queued by the sweep (idempotently), never on standby, sent once by
`flask send-outbox`. Each message goes to the citizen by Digital Post, NemSMS or paper (see
test_digital_post.py) and, as here, by e-mail too when she gave an address: with the file sender
or to a real SMTP server; a booked conversation's e-mail carries an .ics file."""
from __future__ import annotations

from email import message_from_bytes, policy

from sqlmodel import select

from portal.db import session_scope
from portal.models import OutboxMessage
from tests.conftest import Auth, csrf_token

from .test_citizen_journey import case_id_from, post_form, report_sick, submit_everything, text

CITIZEN = "Lise Testesen"


def citizen_on(make_app, day, **config):
    app = make_app(PORTAL_TODAY=day, **config)
    client = app.test_client()
    Auth(client).login(CITIZEN)
    return app, client


def outbox(app) -> list[OutboxMessage]:
    with app.app_context(), session_scope(app) as db:
        return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def emails(app) -> list[OutboxMessage]:
    return [m for m in outbox(app) if m.channel == "email"]


def sweep(app):
    result = app.test_cli_runner().invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    return result.output


def test_questionnaire_reminders_two_days_before_and_when_overdue(make_app):
    app, client = citizen_on(make_app, "2026-11-16")
    report_sick(client, email="lise@example.dk")  # questionnaire sent 16 Nov, due 24 Nov
    sweep(app)
    assert outbox(app) == []  # not yet
    soon = make_app(PORTAL_TODAY="2026-11-22")
    assert "1 reminders queued" in sweep(soon)
    sweep(soon)  # again: nothing new
    assert len(outbox(soon)) == 2  # to the citizen (Digital Post, NemSMS or paper), and her e-mail
    [message] = emails(soon)
    assert message.kind == "questionnaire_due" and message.recipient == "lise@example.dk"
    assert "24. november 2026" in message.body and "November" not in message.body  # her language only
    late = make_app(PORTAL_TODAY="2026-11-25")
    sweep(late)
    assert [m.kind for m in emails(late)] == ["questionnaire_due", "questionnaire_overdue"]


def test_no_reminders_on_standby(make_app):
    app, client = citizen_on(make_app, "2026-11-16")
    case_id = case_id_from(report_sick(client, email="lise@example.dk", first_absence_day="2026-09-01"))
    post_form(client, f"/borger/sag/{case_id}/standby", {"group": "cancer", "understood": "y"})
    sweep(make_app(PORTAL_TODAY="2026-11-25"))
    assert outbox(app) == []


def test_choosing_standby_cancels_what_is_waiting(make_app, tmp_path):
    tmp_path = tmp_path / "outbox"
    app, client = citizen_on(make_app, "2026-11-16", PORTAL_OUTBOX_DIR=str(tmp_path))
    case_id = case_id_from(report_sick(client, email="lise@example.dk"))
    sweep(make_app(PORTAL_TODAY="2026-11-22"))
    post_form(client, f"/borger/sag/{case_id}/standby", {"group": "heart", "understood": "y"})
    assert [m.status for m in outbox(app)] == ["cancelled", "cancelled"]
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert "0 sent" in result.output and not tmp_path.exists()


def test_a_check_in_reminder_when_one_is_due(make_app):
    app, client = citizen_on(make_app, "2026-11-16")
    case_id = case_id_from(report_sick(client, email="lise@example.dk", first_absence_day="2026-10-01"))
    submit_everything(client, case_id)
    sweep(app)
    assert [m.kind for m in outbox(app)] == ["check_in_due", "check_in_due"]
    key = f"check-in:{case_id}:2026-11-12"
    assert [m.dedupe_key for m in outbox(app)] == [key, f"{key}:email"]


def reported_and_due_soon(make_app, **config):
    """Reported on 16 November, the questionnaire due on 24 November: a reminder on the 22nd."""
    _, client = citizen_on(make_app, "2026-11-16", **config)
    report_sick(client, email="lise@example.dk")
    app = make_app(PORTAL_TODAY="2026-11-22", **config)
    sweep(app)
    return app


def test_the_file_sender_writes_each_message_once(make_app, tmp_path):
    tmp_path = tmp_path / "outbox"
    app = reported_and_due_soon(make_app, PORTAL_OUTBOX_DIR=str(tmp_path))
    runner = app.test_cli_runner()
    assert "2 sent" in runner.invoke(args=["send-outbox"]).output
    assert "0 sent" in runner.invoke(args=["send-outbox"]).output
    [written] = [p for p in tmp_path.iterdir() if p.suffix == ".eml"]
    mail = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert mail["To"] == "lise@example.dk" and "oplysningsskema" in mail["Subject"]
    assert "6105904321" not in written.read_text()  # never a CPR number in a message
    assert [m.status for m in outbox(app)] == ["sent", "sent"]


def test_the_smtp_sender_delivers_to_a_real_server(make_app, smtp_server):
    host, port, received = smtp_server
    app = reported_and_due_soon(make_app, PORTAL_MAIL_SENDER="smtp", PORTAL_SMTP_HOST=host,
                                PORTAL_SMTP_PORT=port, PORTAL_SMTP_STARTTLS=False)
    assert "2 sent" in app.test_cli_runner().invoke(args=["send-outbox"]).output
    [mail] = received
    assert mail["To"] == "lise@example.dk"
    assert "24. november 2026" in mail.get_body().get_content()


def test_a_failed_send_is_retried_later(make_app, smtp_server):
    host, port, received = smtp_server
    app = reported_and_due_soon(make_app, PORTAL_MAIL_SENDER="smtp", PORTAL_SMTP_HOST=host,
                                PORTAL_SMTP_PORT=port, PORTAL_SMTP_STARTTLS=False)
    from tests.conftest import free_port

    down = make_app(PORTAL_TODAY="2026-11-22", PORTAL_MAIL_SENDER="smtp", PORTAL_SMTP_HOST=host,
                    PORTAL_SMTP_PORT=free_port(), PORTAL_SMTP_STARTTLS=False)
    assert "1 sent, 1 failed" in down.test_cli_runner().invoke(args=["send-outbox"]).output  # Digital Post went
    assert [(m.status, m.attempts) for m in emails(app)] == [("pending", 1)]
    assert "1 sent" in app.test_cli_runner().invoke(args=["send-outbox"]).output
    assert len(received) == 1


def test_a_booked_conversation_sends_an_invitation_with_a_calendar_file(make_app, tmp_path):
    tmp_path = tmp_path / "outbox"
    app, client = citizen_on(make_app, "2026-11-16", PORTAL_OUTBOX_DIR=str(tmp_path))
    case_id = case_id_from(report_sick(client, email="lise@example.dk"))
    post_form(client, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Min arbejdstid"})
    caseworker = app.test_client()
    Auth(caseworker).login("Mette Sagsbehandler", "caseworker")
    page = text(caseworker.get(f"/jobcenter/sag/{case_id}"))
    booked = caseworker.post(f"/jobcenter/sag/{case_id}/samtale", data={
        "book-csrf_token": csrf_token(page), "book-day": "2026-11-20", "book-at": "10:30", "book-form": "phone"})
    assert booked.status_code == 303, text(booked)[:500]
    [message] = [m for m in emails(app) if m.kind == "conversation_booked"]
    assert "BEGIN:VCALENDAR" in message.attachment
    assert "DTSTART;TZID=Europe/Copenhagen:20261120T103000" in message.attachment
    app.test_cli_runner().invoke(args=["send-outbox"])
    [written] = [p for p in tmp_path.iterdir() if "conversation" in p.name and p.suffix == ".eml"]
    mail = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert mail.get_body(preferencelist=("calendar",)).get_content_type() == "text/calendar"
    assert any(a.get_filename().endswith(".ics") for a in mail.iter_attachments())
