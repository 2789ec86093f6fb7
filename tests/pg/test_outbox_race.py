"""Two senders in two processes empty one outbox at the same moment, on PostgreSQL, into a real
SMTP server: every message arrives exactly once."""
from __future__ import annotations

import multiprocessing
import os
from datetime import date

import pytest
from sqlmodel import Session, create_engine, select

from portal.models import Citizen, OutboxMessage, SickCase

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")
MESSAGES = 200


def _send_all(url, host, port, me, barrier, results):
    from portal.notify.outbox import send_pending
    from portal.notify.senders import SmtpSender

    engine = create_engine(url)
    barrier.wait()
    with Session(engine) as db:
        report = send_pending(db, SmtpSender(host, port, "portal@example.dk"), me, limit=MESSAGES)
    results.put((me, report.sent))
    engine.dispose()


def test_two_senders_send_each_message_once(database_url, smtp_server):
    host, port, received = smtp_server
    engine = create_engine(database_url)
    with Session(engine) as db:
        citizen = Citizen(cpr_hash="outbox-race", cpr_encrypted="x", name="Race Test", email="race@example.dk")
        db.add(citizen)
        db.commit()
        case = SickCase(citizen_id=citizen.id, municipality_code="101", first_absence_day=date(2026, 11, 2),
                        employment="employed", reported_on=date(2026, 11, 2))
        db.add(case)
        db.commit()
        for n in range(MESSAGES):
            db.add(OutboxMessage(dedupe_key=f"race:{n}", case_id=case.id, kind="test", recipient="race@example.dk",
                                 subject=f"Besked {n}", body="Test"))
        db.commit()
    engine.dispose()

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_send_all, args=(database_url, host, port, me, barrier, results))
               for me in ("sender-a", "sender-b")]
    for worker in workers:
        worker.start()
    sent = dict(results.get(timeout=180) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)

    print(f"sender-a sent {sent['sender-a']}, sender-b sent {sent['sender-b']}")
    subjects = [m["Subject"] for m in received]
    assert len(subjects) == MESSAGES, "a message was lost or sent twice"
    assert len(set(subjects)) == MESSAGES, "a message was sent twice"
    assert sent["sender-a"] + sent["sender-b"] == MESSAGES
    assert sent["sender-a"] > 0 and sent["sender-b"] > 0, "the senders did not race"
    engine = create_engine(database_url)
    with Session(engine) as db:
        statuses = {m.status for m in db.exec(select(OutboxMessage))}
    engine.dispose()
    assert statuses == {"sent"}
