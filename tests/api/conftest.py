"""The API's world: cases handed over in København (101) and one in Aarhus (751), and helpers that
call the API as a municipality's case system would: register a client (the CLI's use case), get
a token over HTTP, call with it."""
from __future__ import annotations

import base64
import uuid
from datetime import date

import pytest
from sqlmodel import select

from portal.api.oauth import register_client
from portal.cases.sickness import SickReport, report_sickness
from portal.db import session_scope
from portal.models import AbsenceKind, Citizen, Employment, Handover
from portal.personal_data import cpr_hash, encrypt_cpr

from ..conftest import Auth
from ..web.test_citizen_journey import CITIZEN, case_id_from, report_sick
from ..web.test_handover import ask_for_a_conversation_in_the_questionnaire

PROBLEM = "application/problem+json"


def register(app, municipality="101", scope=None, name="Fagsystem København") -> tuple[str, str]:
    with app.app_context(), session_scope(app) as db:
        client, secret = register_client(db, name, municipality, scope)
        return client.client_id, secret


def basic(client_id: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


class CaseSystem:
    """A municipality's case system calling the API through the test client."""

    def __init__(self, app, municipality="101", scope=None, name="Fagsystem København"):
        self.http = app.test_client()
        self.client_id, self.secret = register(app, municipality, scope, name)
        self.token = self.fetch_token()

    def fetch_token(self, scope=None) -> str:
        answer = self.http.post("/api/v1/oauth/token", headers=basic(self.client_id, self.secret),
                                data={"grant_type": "client_credentials", **({"scope": scope} if scope else {})})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.get_json()["access_token"]

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path, **kwargs):
        return self.http.get(path, headers=self.headers, **kwargs)

    def post(self, path, json=None, key: str | None = "new", **kwargs):
        headers = dict(self.headers)
        if key:
            headers["Idempotency-Key"] = str(uuid.uuid4()) if key == "new" else key
        return self.http.post(path, headers=headers, json=json, **kwargs)


def citizen_asking_for_a_conversation(app) -> int:
    """Lise reports sick, answers the questionnaire and asks for a conversation: a handover in 101."""
    client = app.test_client()
    Auth(client).login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    ask_for_a_conversation_in_the_questionnaire(client, case_id)
    return case_id


def unemployed_cases(app, municipality: str, first_days: list[date]) -> list[int]:
    """Citizens not in work are handed over at once; each first day gives its own due date."""
    ids = []
    with app.app_context(), session_scope(app) as db:
        for n, first_day in enumerate(first_days):
            cpr = f"{61 + n}0190{municipality}{n % 10}"  # day 61+: no one is born on it
            citizen = Citizen(cpr_hash=cpr_hash(cpr), cpr_encrypted=encrypt_cpr(cpr), name=f"Testperson {n}")
            db.add(citizen)
            db.commit()
            case = report_sickness(db, citizen.id, municipality, SickReport(
                first_absence_day=first_day, employment=Employment.UNEMPLOYED, absence_kind=AbsenceKind.FULL),
                first_day)
            ids.append(case.id)
    return ids


def handover_of(app, case_id: int) -> Handover:
    with app.app_context(), session_scope(app) as db:
        return db.exec(select(Handover).where(Handover.case_id == case_id)).one()


@pytest.fixture
def world(make_app):
    app = make_app()
    lise_case = citizen_asking_for_a_conversation(app)
    return app, lise_case, handover_of(app, lise_case).id
