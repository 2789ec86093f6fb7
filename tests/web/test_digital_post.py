"""Every message reaches every citizen: Digital Post for those registered, a NemSMS notice for a
short reminder to those registered for NemSMS, paper for those exempt, and e-mail only as the extra
the citizen chose. The development sender writes each request exactly as python-serviceplatformen
would send it; here it is read back with xml.etree (a parser, not the dataclasses that wrote it), and the
recipient, sender, label, language, files and links are checked, and that the CPR number is nowhere
but in the recipient field.

The registrations are the development table (portal/data/post_test_recipients.json): Lise is
registered for Digital Post and NemSMS, Ahmed for Digital Post only, Bo is exempt."""
from __future__ import annotations

import base64
import io
import uuid
from email import message_from_bytes, policy
from xml.etree import ElementTree as etree

import pytest
from pypdf import PdfReader
from sqlmodel import select

from portal.db import session_scope
from portal.models import Citizen, OutboxMessage
from tests.conftest import Auth, csrf_token, weasyprint_missing

from .test_citizen_journey import case_id_from, post_form, report_sick, text
from .test_letters import hold_and_minute

MEMO = "{https://DigitalPost.dk/MeMo-1}"
FP = "{urn:oio:fjernprint:1.0.0}"
LISE, AHMED, BO = "6105904321", "7203854312", "8511774323"
PUBLIC = "https://sygefravaer.example.dk"
needs_letters = pytest.mark.skipif(bool(weasyprint_missing()), reason=weasyprint_missing() or "")


def outbox(app) -> list[OutboxMessage]:
    with app.app_context(), session_scope(app) as db:
        return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def send(app) -> str:
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    return result.output


def xml_files(folder, kind: str | None = None) -> dict[str, bytes]:
    """The written requests by channel: {"nemsms": bytes, ...} for one message kind."""
    found = {}
    for path in sorted(folder.glob("*.xml")):
        stem = path.name.removesuffix(".xml")
        if kind is None or f"-{kind}." in stem:
            found[stem.rsplit(".", 1)[1]] = path.read_bytes()
    return found


def parse(body: bytes):
    """python-serviceplatformen 3.2.0 declares encoding='utf8' (Python's alias, not the IANA name
    UTF-8), which expat does not know for a multi-byte encoding; the bytes are UTF-8, so say so."""
    assert body.startswith(b"<?xml version='1.0' encoding='utf8'?>") or body.startswith(b"<kombi_request")
    return etree.fromstring(body, parser=etree.XMLParser(encoding="utf-8"))


def memo_of(body: bytes):
    root = parse(body)
    assert root.tag == "kombi_request"
    return root, root.find(f"{MEMO}Message")


def only_in_recipient(body: bytes, cpr: str, message) -> None:
    """The CPR number appears once in the whole request: as the recipient's id."""
    assert body.count(cpr.encode()) == 1
    assert message.findtext(f"{MEMO}MessageHeader/{MEMO}Recipient/{MEMO}recipientID") == cpr
    for element in message.iter():
        if element.text and cpr in element.text:
            assert element.tag == f"{MEMO}recipientID"
    for file in message.iter(f"{MEMO}File"):
        assert cpr.encode() not in base64.b64decode(file.findtext(f"{MEMO}content"))


def due_soon(make_app, who: str, email: str | None = None, language: str | None = None, **config):
    """`who` reports sick on 16 November (the questionnaire due on 24 November); on the 22nd the
    sweep queues the reminder."""
    config = {"PORTAL_SF_CVR": "11223344", "PORTAL_POST_SENDER_LABEL": "Jobcenter København", **config}
    app = make_app(PORTAL_TODAY="2026-11-16", **config)  # the login returns to the default address
    client = app.test_client()
    if language:
        client.get(f"/sprog/{language}")
    Auth(client).login(who)
    case_id = case_id_from(report_sick(client, **({"email": email} if email else {})))
    later = make_app(PORTAL_TODAY="2026-11-22", PORTAL_PUBLIC_URL=PUBLIC, **config)  # the sweep's links
    assert "1 reminders queued" in later.test_cli_runner().invoke(args=["sweep"]).output
    return later, client, case_id


def test_a_short_reminder_goes_by_nemsms_to_a_citizen_registered_for_it(make_app, tmp_path):
    app, _client, case_id = due_soon(make_app, "Lise Testesen")
    [message] = outbox(app)  # no e-mail given: no e-mail queued
    assert message.channel is None and message.citizen_id is not None and message.recipient == ""
    assert uuid.UUID(message.message_uuid).version == 4  # fixed when queued: a retry sends the same
    assert "1 sent" in send(app)
    body = xml_files(tmp_path / "outbox", "questionnaire_due")["nemsms"]
    root, memo = memo_of(body)
    assert root.findtext("KombiValgKode") == "NemSMS"
    header = memo.find(f"{MEMO}MessageHeader")
    assert header.findtext(f"{MEMO}messageType") == "NEMSMS"
    assert header.findtext(f"{MEMO}Sender/{MEMO}senderID") == "11223344"
    assert header.findtext(f"{MEMO}Sender/{MEMO}idType") == "CVR"
    assert header.findtext(f"{MEMO}Sender/{MEMO}label") == "Jobcenter København"
    assert header.findtext(f"{MEMO}label") == "Husk dit oplysningsskema"
    notice = header.findtext(f"{MEMO}notification")
    assert len(notice) <= 150 and "24. november 2026" in notice and f"{PUBLIC}/borger/mit-sygefravaer" in notice
    assert memo.find(f"{MEMO}MessageBody") is None
    only_in_recipient(body, LISE, memo)
    [sent] = outbox(app)
    assert (sent.status, sent.channel) == ("sent", "nemsms")
    assert sent.message_uuid == header.findtext(f"{MEMO}messageUUID") == message.message_uuid and sent.channel_reference


def test_a_citizen_without_nemsms_gets_the_reminder_by_digital_post_and_her_email_as_the_extra(make_app, tmp_path):
    app, _client, case_id = due_soon(make_app, "Ahmed Prøvesen", email="ahmed@example.dk")
    assert [(m.channel, m.recipient) for m in outbox(app)] == [(None, ""), ("email", "ahmed@example.dk")]
    assert "2 sent" in send(app)
    folder = tmp_path / "outbox"
    body = xml_files(folder, "questionnaire_due")["digital_post"]
    root, memo = memo_of(body)
    assert root.findtext("KombiValgKode") == "Digital Post"
    header = memo.find(f"{MEMO}MessageHeader")
    assert header.findtext(f"{MEMO}messageType") == "DIGITALPOST"
    assert header.findtext(f"{MEMO}label") == "Husk dit oplysningsskema"
    assert header.findtext(f"{MEMO}ContentData/{MEMO}CaseID/{MEMO}caseID") == str(case_id)
    main = memo.find(f"{MEMO}MessageBody/{MEMO}MainDocument")
    [file] = main.findall(f"{MEMO}File")
    assert file.findtext(f"{MEMO}encodingFormat") == "text/plain" and file.findtext(f"{MEMO}language") == "da"
    words = base64.b64decode(file.findtext(f"{MEMO}content")).decode()
    assert "Husk at besvare dit oplysningsskema senest 24. november 2026" in words
    assert main.findtext(f"{MEMO}Action/{MEMO}actionCode") == "SELVBETJENING"
    assert main.findtext(f"{MEMO}Action/{MEMO}EntryPoint/{MEMO}url") == f"{PUBLIC}/borger/mit-sygefravaer"
    assert memo.find(f"{MEMO}MessageBody/{MEMO}AdditionalDocument") is None  # a reminder has no letter
    only_in_recipient(body, AHMED, memo)
    [mail] = [p for p in folder.iterdir() if p.suffix == ".eml"]
    assert message_from_bytes(mail.read_bytes(), policy=policy.default)["To"] == "ahmed@example.dk"
    assert AHMED.encode() not in mail.read_bytes()
    assert [m.channel for m in outbox(app)] == ["digital_post", "email"]


@needs_letters
def test_a_citizen_exempt_from_digital_post_gets_paper(make_app, tmp_path):
    app, _client, _case_id = due_soon(make_app, "Bo Eksempel", PORTAL_PHYSICAL_MAIL_TYPE=265)
    assert "1 sent" in send(app)
    body = xml_files(tmp_path / "outbox", "questionnaire_due")["physical_mail"]
    assert BO.encode() not in body  # paper goes by address; the CPR field is SF1601's '0000000000'
    root = parse(body)
    assert root.tag == "kombi_request" and root.findtext("KombiValgKode") == "Fysisk Post"
    letter = root.find(f"{FP}ForsendelseISamling/{FP}ForsendelseI")
    assert letter.findtext(f"{FP}ForsendelseTypeIdentifikator") == "265"
    address = letter.find(f"{FP}ForsendelseModtager/{FP}ModtagerAdresse")
    assert [el.text for el in address.iter() if el.text and el.text.strip()] == [
        "Bo Eksempel", "Skjultvej", "7", "2400", "DK"]  # the CPR register's address (portal/devregister)
    assert letter.findtext(".//{urn:oio:adir:dagpenge:2009.07.01}CPRnummerIdentifikator") == "0000000000"
    assert letter.findtext(f"{FP}DokumentParametre/{{urn:oio:sagdok:3.0.0}}TitelTekst") == "Husk dit oplysningsskema"
    pdf = PdfReader(io.BytesIO(base64.b64decode(letter.findtext("{urn:oio:dkal:1.0.0}MeddelelseIndholdData"))))
    assert pdf.trailer["/Root"]["/Lang"] == "da"
    words = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Bo Eksempel" in words and "24. november 2026" in words
    # The letterhead: a letter on paper says who sent it and how to reach them, as every letter does.
    assert "Københavns Kommune" in words and "Telefon 33 66 33 66" in words and "Sagsnummer: " in words
    assert f"{PUBLIC}/borger/mit-sygefravaer" in "".join(words.split())  # the line may break in the link
    assert BO not in words
    [sent] = outbox(app)
    assert sent.channel == "physical_mail" and sent.message_uuid == letter.findtext(f"{FP}AfsendelseIdentifikator")


def test_the_message_is_in_the_language_the_citizen_last_used(make_app, tmp_path):
    app, client, _case_id = due_soon(make_app, "Ahmed Prøvesen", language="en")
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Citizen.language)).all() == ["en"]
    send(app)
    _root, memo = memo_of(xml_files(tmp_path / "outbox", "questionnaire_due")["digital_post"])
    assert memo.findtext(f"{MEMO}MessageHeader/{MEMO}label") == "Remember your questionnaire"
    file = memo.find(f".//{MEMO}MainDocument/{MEMO}File")
    assert file.findtext(f"{MEMO}language") == "en" and file.findtext(f"{MEMO}filename") == "message.txt"
    words = base64.b64decode(file.findtext(f"{MEMO}content")).decode()
    assert "no later than 24 November 2026" in words and "Venlig hilsen" not in words
    assert memo.findtext(f".//{MEMO}Action/{MEMO}label") == "Log in to the portal"
    # She switches back to Danish: the next message is Danish.
    client.get("/sprog/da")
    client.get("/borger/mit-sygefravaer")
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Citizen.language)).all() == ["da"]


def test_unknown_language_is_danish(make_app, tmp_path):
    app, _client, _case_id = due_soon(make_app, "Ahmed Prøvesen")
    with app.app_context(), session_scope(app) as db:
        citizen = db.exec(select(Citizen)).one()
        citizen.language = None
        db.add(citizen)
        db.commit()
    later = make_app(PORTAL_TODAY="2026-11-25", PORTAL_PUBLIC_URL=PUBLIC)
    later.test_cli_runner().invoke(args=["sweep"])
    overdue = [m for m in outbox(later) if m.kind == "questionnaire_overdue"]
    assert [m.language for m in overdue] == ["da"] and overdue[0].subject == "Dit oplysningsskema mangler"


@needs_letters
def test_invitation_and_minutes_go_by_digital_post_with_their_pdf_and_the_email_carries_no_minutes(
        make_app, tmp_path):
    app = make_app(PORTAL_TODAY="2026-11-16")
    ahmed = app.test_client()
    Auth(ahmed).login("Ahmed Prøvesen")
    case_id = case_id_from(report_sick(ahmed, email="ahmed@example.dk"))
    post_form(ahmed, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Min arbejdstid"})
    mette = app.test_client()  # Ahmed lives in Aarhus: Karsten has his case
    Auth(mette).login("Karsten Sagsbehandler", "caseworker")
    booked = mette.post(f"/jobcenter/sag/{case_id}/samtale", data={
        "book-csrf_token": csrf_token(text(mette.get(f"/jobcenter/sag/{case_id}"))), "book-day": "20-11-2026",
        "book-at": "10:30", "book-form": "phone"})
    assert booked.status_code == 303
    conversation_id = next(m.letter_ref for m in outbox(app) if m.kind == "conversation_booked")
    hold_and_minute(mette, case_id, conversation_id)
    assert "4 sent" in send(app)
    folder = tmp_path / "outbox"
    for kind, title, words in (("conversation_booked", "Invitation til opfølgningssamtale", "Ahmed Prøvesen"),
                               ("minutes_ready", "Referat af samtalen", "Du starter på 20 timer om ugen.")):
        body = xml_files(folder, kind)["digital_post"]
        _root, memo = memo_of(body)
        [extra] = memo.findall(f"{MEMO}MessageBody/{MEMO}AdditionalDocument")
        assert extra.findtext(f"{MEMO}label") == title
        pdf_file = extra.find(f"{MEMO}File")
        assert pdf_file.findtext(f"{MEMO}encodingFormat") == "application/pdf"
        assert pdf_file.findtext(f"{MEMO}language") == "da"
        pdf = PdfReader(io.BytesIO(base64.b64decode(pdf_file.findtext(f"{MEMO}content"))))
        assert words in "\n".join(page.extract_text() for page in pdf.pages)
        only_in_recipient(body, AHMED, memo)
    mails = {p.name.split("-", 1)[1]: message_from_bytes(p.read_bytes(), policy=policy.default)
             for p in folder.iterdir() if p.suffix == ".eml"}
    invitation = mails["conversation_booked.eml"]
    assert sorted(a.get_filename().rsplit(".", 1)[1] for a in invitation.iter_attachments()) == ["ics", "pdf"]
    minutes = mails["minutes_ready.eml"]
    assert list(minutes.iter_attachments()) == []  # minutes may touch on health: never mailed as a file
    # The letter archive: the citizen and the caseworker see what went, when and how.
    for page in (text(ahmed.get(f"/borger/sag/{case_id}")), text(mette.get(f"/jobcenter/sag/{case_id}"))):
        assert "Referat af din samtale" in page and "Opfølgningssamtale" in page
        assert page.count("Digital Post") >= 2 and page.count("E-mail") >= 2
        assert "med brevet som PDF" in page
    assert "Breve sendt til dig" in text(ahmed.get(f"/borger/sag/{case_id}"))
    assert "Breve sendt til borgeren" in text(mette.get(f"/jobcenter/sag/{case_id}"))


def test_the_archive_says_what_is_on_its_way_and_what_was_not_needed(make_app, tmp_path):
    app, client, case_id = due_soon(make_app, "Ahmed Prøvesen")
    page = text(client.get(f"/borger/sag/{case_id}"))
    assert "Breve sendt til dig" in page and "Husk dit oplysningsskema" in page and "Er på vej" in page
    post_form(client, f"/borger/sag/{case_id}/standby", {"group": "cancer", "understood": "y"})
    assert "Ikke sendt, da der ikke længere var brug for det" in text(client.get(f"/borger/sag/{case_id}"))


def test_a_failed_look_up_is_retried_and_keeps_no_cpr_number(make_app, serviceplatformen, certificate):
    """Serviceplatformen answers 503: the message waits for the next run, and what is kept of the
    failure (the outbox's last_error) holds no CPR number, though the library's error names the
    look-up's URL, which does."""
    from portal.notify.senders import sender_for
    from portal.notify.serviceplatformen import ServiceplatformenRegistry, ServiceplatformenTransport

    app, _client, _case_id = due_soon(make_app, "Ahmed Prøvesen")
    access = serviceplatformen.access(certificate)
    serviceplatformen.fail_with = 503
    from portal.notify.outbox import send_pending

    with app.app_context(), session_scope(app) as db:
        sender = sender_for(app, transport=ServiceplatformenTransport(access),
                            registry=ServiceplatformenRegistry(access))
        assert send_pending(db, sender, "test").failed == 1
    [message] = outbox(app)
    assert message.status == "pending" and "HTTP 503" in message.last_error and AHMED not in message.last_error
    assert serviceplatformen.requests[0]["query"]["cprNumber"] == [AHMED]  # it did ask, by CPR
    serviceplatformen.fail_with = None
    serviceplatformen.registered[AHMED] = {"digitalpost": True, "nemsms": False}
    with app.app_context(), session_scope(app) as db:
        assert send_pending(db, sender, "test").sent == 1
    [post] = serviceplatformen.posts()
    assert post["path"] == "/service/KombiPostAfsend_1/memos"
    assert outbox(app)[0].channel_reference == post["headers"]["X-TransaktionsId"]


def test_a_message_sent_again_after_a_failure_keeps_its_id(make_app, serviceplatformen, certificate):
    """Digital Post knows a message by its messageUUID: the second attempt is the same message."""
    from portal.notify.outbox import send_pending
    from portal.notify.senders import sender_for
    from portal.notify.serviceplatformen import ServiceplatformenRegistry, ServiceplatformenTransport

    app, _client, _case_id = due_soon(make_app, "Ahmed Prøvesen")
    access = serviceplatformen.access(certificate)
    serviceplatformen.registered[AHMED] = {"digitalpost": True, "nemsms": False}
    serviceplatformen.fail_posts_with = 503
    with app.app_context(), session_scope(app) as db:
        sender = sender_for(app, transport=ServiceplatformenTransport(access),
                            registry=ServiceplatformenRegistry(access))
        assert send_pending(db, sender, "test").failed == 1
    serviceplatformen.fail_posts_with = None
    with app.app_context(), session_scope(app) as db:
        assert send_pending(db, sender, "test").sent == 1
    first, second = (memo_of(post["body"])[1].find(f"{MEMO}MessageHeader").findtext(f"{MEMO}messageUUID")
                     for post in serviceplatformen.posts())
    assert first == second == outbox(app)[0].message_uuid and uuid.UUID(first).version == 4
