"""Senders: a file sender for development (one .eml file a message) and an SMTP sender."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import Flask

from ..models import OutboxMessage


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


def sender_for(app: Flask):
    from ..letters import letter_attachment

    config = app.config

    def letters(message):
        return letter_attachment(app, message)

    if config["PORTAL_MAIL_SENDER"] == "smtp":
        return SmtpSender(config["PORTAL_SMTP_HOST"], config["PORTAL_SMTP_PORT"], config["PORTAL_MAIL_FROM"],
                          config["PORTAL_SMTP_USERNAME"], config["PORTAL_SMTP_PASSWORD"],
                          config["PORTAL_SMTP_STARTTLS"], letters=letters)
    return FileSender(config["PORTAL_OUTBOX_DIR"], config["PORTAL_MAIL_FROM"], letters=letters)
