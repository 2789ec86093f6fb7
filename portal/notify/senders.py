"""Senders. The citizen's message goes by Digital Post, NemSMS or paper through Serviceplatformen
(`PostSender`, with a file transport for development); her extra e-mail goes by SMTP, or as an
.eml file in development."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import Flask

from ..models import Channel, OutboxMessage
from .channels import choose_channel
from .outbox import Delivery
from .serviceplatformen import (
    KOMBI_DIGITAL_POST,
    KOMBI_NEMSMS,
    DevelopmentRegistry,
    Document,
    FileTransport,
    Sender,
    ServiceplatformenRegistry,
    ServiceplatformenTransport,
    digital_post_message,
    kombit_access,
    nemsms_message,
    physical_mail,
)


def as_email(message: OutboxMessage, sender_address: str, letter: tuple[str, bytes] | None = None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender_address
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    # The outbox id in the Message-ID lets a receiving system see a repeat after a crash.
    mail["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="sygefravaer.portal")
    mail["Date"] = formatdate(usegmt=True)  # RFC 5322 requires it; the time of sending, not of queueing
    mail.set_content(message.body)
    if message.attachment:
        # An invitation as mail programs show one (RFC 6047): the calendar as an alternative body,
        # text/calendar with its method and charset, and the same file attached for the rest.
        method = "CANCEL" if "\nMETHOD:CANCEL" in message.attachment.replace("\r\n", "\n") else "REQUEST"
        mail.add_alternative(message.attachment, subtype="calendar", params={"method": method})
        mail.add_attachment(message.attachment.encode(), maintype="application", subtype="ics",
                            filename=message.attachment_name or "invitation.ics")
    if letter is not None:
        mail.add_attachment(letter[1], maintype="application", subtype="pdf", filename=letter[0])
    return mail


class FileSender:
    def __init__(self, folder: str, sender_address: str, letters=None):
        self.folder, self.sender_address, self.letters = Path(folder), sender_address, letters

    def send(self, message: OutboxMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{message.id:08d}-{message.kind}.eml"
        letter = self.letters(message) if self.letters and message.letter_kind else None
        path.write_bytes(bytes(as_email(message, self.sender_address, letter)))


class SmtpSender:
    def __init__(self, host: str, port: int, sender_address: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout: float = 30, letters=None):
        self.host, self.port, self.sender_address, self.letters = host, port, sender_address, letters
        self.username, self.password, self.starttls, self.timeout = username, password, starttls, timeout

    def send(self, message: OutboxMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            letter = self.letters(message) if self.letters and message.letter_kind else None
            smtp.send_message(as_email(message, self.sender_address, letter))


@dataclass(frozen=True)
class Addressee:
    cpr: str
    name: str


class ServiceplatformenError(RuntimeError):
    """A call to Serviceplatformen failed. Only the kind of failure and the HTTP status are kept:
    the library's own messages carry the URL of the look-up, and that holds the CPR number."""


class NoPostalAddress(RuntimeError):
    """Paper for a citizen exempt from Digital Post, but no address to send it to."""


def _safely(call, what: str):
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - anything from the network or the library
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
        raise ServiceplatformenError(f"{what}: {type(exc).__name__}{f' (HTTP {status})' if status else ''}") \
            from None


class PostSender:
    """Sends one outbox row on its channel: the row queued as the citizen's e-mail by `email`; any
    other by the channel `choose_channel` picks from what the registry says of the citizen, through
    `transport` (Serviceplatformen, or files in development), with the letter's PDF where there is one."""

    def __init__(self, *, transport, registry, sender: Sender, physical_type_id: int, email,
                 recipients, letters=None, notice_pdf=None):
        self.transport, self.registry, self.sender = transport, registry, sender
        self.physical_type_id, self.email, self.recipients = physical_type_id, email, recipients
        self.letters, self.notice_pdf = letters, notice_pdf

    def send(self, message: OutboxMessage) -> Delivery:
        if message.channel == Channel.EMAIL or message.citizen_id is None:
            self.email.send(message)
            return Delivery(Channel.EMAIL)
        who = self.recipients(message)
        reach = _safely(lambda: self.registry.reach(who.cpr), "registration look-up")
        channel = choose_channel(message.kind, reach, message.notice)
        uuid_ = message.message_uuid  # fixed when queued (outbox.enqueue): every attempt sends the same
        name = f"{message.id:08d}-{message.kind}.{channel.value}"
        if channel == Channel.NEMSMS:
            request = nemsms_message(uuid_=uuid_, cpr=who.cpr, sender=self.sender, label=message.subject,
                                     notice=message.notice)
            reference = _safely(lambda: self.transport.send_memo(KOMBI_NEMSMS, request, name), "NemSMS")
            return Delivery(channel, uuid_, reference)
        letter = self.letters(message) if self.letters and message.letter_kind else None
        if channel == Channel.DIGITAL_POST:
            request = digital_post_message(
                uuid_=uuid_, cpr=who.cpr, sender=self.sender, label=message.subject, text=message.body,
                language=message.language, notice=message.notice, link=message.link,
                link_label=_link_label(message.language), case_id=message.case_id,
                letter=Document(letter[0], "application/pdf", letter[2], letter[1]) if letter else None,
                created=message.created_at)
            reference = _safely(lambda: self.transport.send_memo(KOMBI_DIGITAL_POST, request, name), "Digital Post")
            return Delivery(channel, uuid_, reference)
        if reach.address is None:
            raise NoPostalAddress("exempt from Digital Post, and no postal address is known")
        pdf = letter[2] if letter else self.notice_pdf(message, who.name)
        request = physical_mail(uuid_=uuid_, address=reach.address, title=letter[1] if letter else message.subject,
                                pdf=pdf, type_id=self.physical_type_id)
        reference = _safely(lambda: self.transport.send_physical(request, name), "paper")
        return Delivery(channel, uuid_, reference)


def _link_label(language: str) -> str:
    from flask_babel import force_locale
    from flask_babel import gettext as _

    with force_locale(language):
        return _("Log in to the portal")


def recipients_from(engine, encryption_key: str):
    """The citizen of a message, read when it is sent: her CPR number (decrypted) and name."""
    from sqlmodel import Session

    from ..models import Citizen
    from ..personal_data import decrypt_cpr

    def recipient_of(message: OutboxMessage) -> Addressee:
        with Session(engine) as db:
            citizen = db.get(Citizen, message.citizen_id)
            return Addressee(decrypt_cpr(citizen.cpr_encrypted, encryption_key), citizen.name)

    return recipient_of


def email_sender_for(app: Flask):
    from ..letters import letter_attachment

    config = app.config

    def letters(message):
        return letter_attachment(app, message)

    if config["PORTAL_MAIL_SENDER"] == "smtp":
        return SmtpSender(config["PORTAL_SMTP_HOST"], config["PORTAL_SMTP_PORT"], config["PORTAL_MAIL_FROM"],
                          config["PORTAL_SMTP_USERNAME"], config["PORTAL_SMTP_PASSWORD"],
                          config["PORTAL_SMTP_STARTTLS"], letters=letters)
    return FileSender(config["PORTAL_OUTBOX_DIR"], config["PORTAL_MAIL_FROM"], letters=letters)


def register_addresses(app: Flask):
    """A paper letter's address, read from the CPR register when it is sent. A protected address
    (navne- og adressebeskyttelse) is used the same way: the jobcenter is an authority, and the
    protection bars giving the address to private parties, not a letter from an authority to the
    citizen herself. The address goes into the fjernprint request only, never into the portal's
    database or any page or letter an employer sees."""
    from ..register import register_of

    def address_of(cpr: str):
        return register_of(app).lookup(cpr).address

    return address_of


def registry_for(app: Flask):
    if app.config["PORTAL_POST_SENDER"] == "serviceplatformen":
        return ServiceplatformenRegistry(kombit_access(app.config), addresses=register_addresses(app))
    return DevelopmentRegistry.from_file(app.config["PORTAL_POST_TEST_RECIPIENTS"], addresses=register_addresses(app))


def sender_for(app: Flask, transport=None, registry=None) -> PostSender:
    """The sender the configuration names (PORTAL_POST_SENDER, PORTAL_MAIL_SENDER)."""
    from ..letters import letter_document, notice_pdf

    config = app.config
    if transport is None:
        transport = ServiceplatformenTransport(kombit_access(config)) \
            if config["PORTAL_POST_SENDER"] == "serviceplatformen" else FileTransport(config["PORTAL_OUTBOX_DIR"])
    return PostSender(
        transport=transport, registry=registry or registry_for(app),
        sender=Sender(cvr=config["PORTAL_SF_CVR"], label=config["PORTAL_POST_SENDER_LABEL"]),
        physical_type_id=config["PORTAL_PHYSICAL_MAIL_TYPE"],
        email=email_sender_for(app),
        recipients=recipients_from(app.extensions["portal.engine"], config["PORTAL_CPR_ENCRYPTION_KEY"]),
        letters=lambda message: letter_document(app, message),
        notice_pdf=lambda message, name: notice_pdf(app, message, name))
