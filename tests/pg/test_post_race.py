"""Two senders in two processes empty one outbox at the same moment, on PostgreSQL: Digital Post
and NemSMS through python-serviceplatformen's real client to a stand-in Serviceplatformen, and the
citizens' extra e-mails into a real SMTP server. Every message goes exactly once, on its channel,
and the outbox keeps the channel and the identifiers to trace it."""
from __future__ import annotations

import multiprocessing
import os
import re
from collections import Counter
from datetime import date

import pytest
from sqlmodel import Session, create_engine, select

from portal.config import DEV_CPR_ENCRYPTION_KEY
from portal.models import Citizen, OutboxMessage, SickCase
from portal.personal_data import encrypt_cpr

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")
LETTERS, NOTICES, EMAILS = 80, 80, 40
NEMSMS_CPR, POST_CPR = "6105904321", "7203854312"


def _send_all(url, sf_url, certificate, smtp_host, smtp_port, me, barrier, results):
    from portal import create_app
    from portal.db import session_scope
    from portal.notify.outbox import send_pending
    from portal.notify.senders import sender_for
    from portal.notify.serviceplatformen import ServiceplatformenRegistry, ServiceplatformenTransport
    from tests.conftest import stand_in_access

    app = create_app({"DATABASE_URL": url, "PORTAL_MAIL_SENDER": "smtp", "PORTAL_SMTP_HOST": smtp_host,
                      "PORTAL_SMTP_PORT": smtp_port, "PORTAL_SMTP_STARTTLS": False})
    access = stand_in_access(sf_url, certificate)
    with app.app_context():
        sender = sender_for(app, transport=ServiceplatformenTransport(access),
                            registry=ServiceplatformenRegistry(access))
        barrier.wait()
        with session_scope(app) as db:
            report = send_pending(db, sender, me, limit=LETTERS + NOTICES + EMAILS)
    results.put((me, report.sent, report.failed))
    app.extensions["portal.engine"].dispose()


@pytest.mark.slow
def test_two_senders_send_each_message_once_on_its_channel(database_url, smtp_server, serviceplatformen,
                                                           certificate):
    host, port, received = smtp_server
    serviceplatformen.registered = {NEMSMS_CPR: {"digitalpost": True, "nemsms": True},
                                    POST_CPR: {"digitalpost": True, "nemsms": False}}
    engine = create_engine(database_url)
    with Session(engine) as db:
        cases = {}
        for cpr, name in ((NEMSMS_CPR, "Lise Testesen"), (POST_CPR, "Ahmed Prøvesen")):
            citizen = Citizen(cpr_hash=f"race-{cpr}", cpr_encrypted=encrypt_cpr(cpr, DEV_CPR_ENCRYPTION_KEY),
                              name=name, email=f"{cpr[-4:]}@example.dk")
            db.add(citizen)
            db.commit()
            case = SickCase(citizen_id=citizen.id, municipality_code="101", first_absence_day=date(2026, 11, 2),
                            employment="employed", reported_on=date(2026, 11, 2))
            db.add(case)
            db.commit()
            cases[cpr] = (citizen.id, case.id)
        for n in range(LETTERS):  # letters by Digital Post to Ahmed
            citizen_id, case_id = cases[POST_CPR]
            db.add(OutboxMessage(dedupe_key=f"letter:{n}", case_id=case_id, citizen_id=citizen_id, kind="plan_ready",
                                 recipient="", subject=f"Brev {n}", body="Jobcentret har lavet din plan.",
                                 link="http://127.0.0.1:5000/borger", notice="Din plan er klar"))
        for n in range(NOTICES):  # short reminders by NemSMS to Lise
            citizen_id, case_id = cases[NEMSMS_CPR]
            db.add(OutboxMessage(dedupe_key=f"notice:{n}", case_id=case_id, citizen_id=citizen_id,
                                 kind="check_in_due", recipient="", subject=f"Påmindelse {n}",
                                 body="Tid til opfølgning",
                                 notice=f"Tid til en kort opfølgning {n}: http://127.0.0.1:5000/borger"))
        for n in range(EMAILS):
            citizen_id, case_id = cases[POST_CPR]
            db.add(OutboxMessage(dedupe_key=f"letter:{n}:email", case_id=case_id, citizen_id=citizen_id,
                                 kind="plan_ready", channel="email", recipient="7203@example.dk",
                                 subject=f"E-mail {n}", body="Jobcentret har lavet din plan."))
        db.commit()
    engine.dispose()

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_send_all, args=(database_url, serviceplatformen.url, certificate, host, port,
                                                       me, barrier, results))
               for me in ("sender-a", "sender-b")]
    for worker in workers:
        worker.start()
    outcome = {me: (sent, failed) for me, sent, failed in (results.get(timeout=300) for _ in workers)}
    for worker in workers:
        worker.join(timeout=30)

    print(f"sender-a {outcome['sender-a']}, sender-b {outcome['sender-b']} (sent, failed)")
    posts = serviceplatformen.posts()
    uuids = Counter(re.search(rb"<memo:messageUUID>([^<]+)</memo:messageUUID>", p["body"]).group(1).decode()
                    for p in posts)
    kinds = Counter(re.search(rb"<KombiValgKode>([^<]+)</KombiValgKode>", p["body"]).group(1).decode() for p in posts)
    assert len(posts) == LETTERS + NOTICES, "a message was lost or sent twice"
    assert max(uuids.values()) == 1, "a message was sent twice"
    assert kinds == {"Digital Post": LETTERS, "NemSMS": NOTICES}
    assert sorted(m["Subject"] for m in received) == sorted(f"E-mail {n}" for n in range(EMAILS))
    assert sum(sent for sent, _ in outcome.values()) == LETTERS + NOTICES + EMAILS
    assert all(failed == 0 for _, failed in outcome.values())
    assert outcome["sender-a"][0] > 0 and outcome["sender-b"][0] > 0, "the senders did not race"
    engine = create_engine(database_url)
    with Session(engine) as db:
        rows = list(db.exec(select(OutboxMessage)))
    engine.dispose()
    assert {m.status for m in rows} == {"sent"}
    assert Counter(m.channel for m in rows) == {"digital_post": LETTERS, "nemsms": NOTICES, "email": EMAILS}
    assert {m.message_uuid for m in rows if m.channel != "email"} == set(uuids)
    transaction_ids = {p["headers"]["X-TransaktionsId"] for p in posts}
    assert {m.channel_reference for m in rows if m.channel != "email"} == transaction_ids
