"""The outbox: queue a message once (by its dedupe key), claim it once, send it, mark it sent.

Exactly once between senders: a sender claims a message with an UPDATE that only matches a pending
one, so when two senders race for it, one claim matches and the other's touches no row. A sender
that dies after claiming leaves the message `sending`; after `stale_minutes` it may be claimed
again (then at least once: the mail server may have it already, which is the safer failure; Digital
Post sees the same messageUUID again, see portal.notify.serviceplatformen).

Each row is one delivery on one channel: the citizen's message (Digital Post, NemSMS or paper,
chosen when it is sent) and, when she chose it, a second row for her extra e-mail."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from ..models import CaseStatus, OutboxMessage, OutboxStatus, SickCase, fixed, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Message:
    dedupe_key: str
    kind: str
    recipient: str
    subject: str
    body: str
    case_id: int | None = None
    attachment_name: str | None = None
    attachment: str | None = None
    letter_kind: str | None = None     # a letter attached as PDF when sent (portal.letters)
    letter_ref: int | None = None
    citizen_id: int | None = None
    language: str = "da"
    link: str | None = None            # the portal page it points to (a self-service action in MeMo)
    notice: str | None = None          # the short text: a NemSMS, the notification of a letter
    channel: str | None = None         # "email" for the citizen's extra e-mail; else chosen when sent


@dataclass(frozen=True)
class Delivery:
    """What a sender tells of a message it sent: the channel, and the identifiers to trace it."""
    channel: str
    message_uuid: str | None = None
    reference: str | None = None


def enqueue(db: Session, message: Message) -> bool:
    """Add the message in the caller's transaction unless one with its key exists. True if added."""
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    now = utcnow()
    statement = insert(OutboxMessage.__table__).values(
        dedupe_key=message.dedupe_key, case_id=message.case_id, kind=message.kind,
        recipient=message.recipient, subject=message.subject, body=message.body,
        attachment_name=message.attachment_name, attachment=message.attachment,
        letter_kind=message.letter_kind, letter_ref=message.letter_ref,
        citizen_id=message.citizen_id, language=message.language, link=message.link, notice=message.notice,
        channel=message.channel, status=OutboxStatus.PENDING, attempts=0, created_at=now,
        # Fixed when queued, so a message sent again after a sender died is one message to Digital
        # Post, not two. MeMo wants a random (version 4) UUID: KOMBIT refuses any other kind.
        message_uuid=str(uuid.uuid4()),
    ).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(OutboxMessage.__table__.c.id)
    return db.exec(statement).first() is not None


def cancel_reminders(db: Session, case_id: int, why: str) -> int:
    """Pending messages of a case that are no longer right to send (standby chosen, case closed)."""
    result = db.exec(update(OutboxMessage)
                     .where(OutboxMessage.case_id == case_id, OutboxMessage.status == OutboxStatus.PENDING)
                     .values(status=OutboxStatus.CANCELLED, last_error=why[:500]))
    return result.rowcount


def _claim(db: Session, message_id: int, worker: str, stale_before) -> bool:
    result = db.exec(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id,
               or_(OutboxMessage.status == OutboxStatus.PENDING,
                   (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_at < stale_before)))
        .values(status=OutboxStatus.SENDING, claimed_by=worker, claimed_at=utcnow(),
                attempts=OutboxMessage.attempts + 1)
    )
    db.commit()
    return result.rowcount == 1


def _still_wanted(db: Session, message: OutboxMessage) -> bool:
    """Checked again just before sending: standby or recovery since the message was queued."""
    if message.case_id is None:
        return True
    case = db.get(SickCase, message.case_id)
    return case is not None and case.status == CaseStatus.OPEN and case.standby_since is None


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    cancelled: int = 0


def send_pending(db: Session, sender, worker: str, limit: int = 500, stale_minutes: int = 15) -> SendReport:
    """Send what is pending, oldest first. Safe to run in several processes at once."""
    report = SendReport()
    stale_before = utcnow() - timedelta(minutes=stale_minutes)
    candidates = db.exec(
        select(OutboxMessage.id)
        .where(or_(OutboxMessage.status == OutboxStatus.PENDING,
                   (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_at < stale_before)))
        .order_by(OutboxMessage.id).limit(fixed(limit))
    ).all()
    db.commit()
    for message_id in candidates:
        if not _claim(db, message_id, worker, stale_before):
            continue  # another sender has it
        message = db.get(OutboxMessage, message_id)
        db.refresh(message)
        if not _still_wanted(db, message):
            message.status, message.last_error = OutboxStatus.CANCELLED, "no longer wanted"
            report.cancelled += 1
        else:
            try:
                delivery = sender.send(message)
            except Exception as exc:  # noqa: BLE001 - any sender failure is retried, then parked
                message.status = OutboxStatus.FAILED if message.attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
                message.last_error = f"{type(exc).__name__}: {exc}"[:500]
                report.failed += 1
                log.warning("outbox message %s not sent (attempt %s): %s", message.id, message.attempts,
                            type(exc).__name__)
            else:
                if isinstance(delivery, Delivery):
                    message.channel, message.message_uuid = delivery.channel, delivery.message_uuid
                    message.channel_reference = delivery.reference
                message.status, message.sent_at = OutboxStatus.SENT, utcnow()
                report.sent += 1
        db.add(message)
        db.commit()
    return report
