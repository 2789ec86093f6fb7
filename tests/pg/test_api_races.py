"""A case system that retries in a hurry, on PostgreSQL: the same outcome sent many times at once,
with one Idempotency-Key or with many, holds exactly one conversation."""
from __future__ import annotations

import os
import threading
import uuid

import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.models import Conversation

from ..api.conftest import CaseSystem, citizen_asking_for_a_conversation, handover_of

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: set PORTAL_TEST_DATABASE_URL")
AT_ONCE = 8
OUTCOME = {"held_on": "2026-11-16", "outcome": "self_service", "form": "phone"}


def _all_at_once(app, keys):
    api = CaseSystem(app)
    case_id = citizen_asking_for_a_conversation(app)
    url = f"/api/v1/handovers/{handover_of(app, case_id).id}/outcome"
    barrier, answers = threading.Barrier(len(keys)), []

    def send(key):
        client = app.test_client()
        barrier.wait()
        answer = client.post(url, json=OUTCOME, headers={**api.headers, "Idempotency-Key": key})
        answers.append((answer.status_code, answer.headers.get("Idempotent-Replayed"), answer.get_json()))

    threads = [threading.Thread(target=send, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with app.app_context(), session_scope(app) as db:
        held = db.exec(select(Conversation).where(Conversation.case_id == case_id)).all()
    return answers, held


def test_one_key_sent_eight_times_at_once_holds_one_conversation(make_app):
    app = make_app(PORTAL_RATELIMIT_ENABLED=False, RATELIMIT_ENABLED=False)
    answers, held = _all_at_once(app, [str(uuid.uuid4())] * AT_ONCE)
    assert len(held) == 1 and held[0].status == "held"
    first = [a for a in answers if a[0] == 200 and a[1] is None]
    assert len(first) == 1
    for status, replayed, body in answers:
        # a retry either waits for nothing and is told to come again, or gets the first answer
        assert (status == 409 and body["type"].endswith(":idempotency-key-in-flight")) or \
               (status == 200 and body == first[0][2]), (status, replayed, body)


def test_eight_keys_at_once_hold_one_conversation_and_the_rest_are_told_it_is_closed(make_app):
    app = make_app(PORTAL_RATELIMIT_ENABLED=False, RATELIMIT_ENABLED=False)
    answers, held = _all_at_once(app, [str(uuid.uuid4()) for _ in range(AT_ONCE)])
    assert len(held) == 1
    assert sorted(status for status, _r, _b in answers) == [200] + [409] * (AT_ONCE - 1)
    assert all(body["type"].endswith(":handover-closed") for status, _r, body in answers if status == 409)
