"""What operations runs on: the health endpoints and structured logs without personal data."""
from __future__ import annotations

import json
import re

from ..conftest import Auth
from .test_citizen_journey import CITIZEN, case_id_from, report_sick, submit_everything


def test_health_says_ok_when_the_database_answers(client):
    assert client.get("/sundhed/live").get_json() == {"status": "ok"}
    response = client.get("/sundhed")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in response.headers


def test_health_says_unavailable_when_the_database_does_not(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/missing-dir/none.sqlite3")
    response = app.test_client().get("/sundhed")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"
    assert app.test_client().get("/sundhed/live").status_code == 200


def test_logs_are_json_lines_without_personal_data(make_app, capfd):
    app = make_app(PORTAL_LOG_FORMAT="json")
    client = app.test_client()
    Auth(client).login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    submit_everything(client, case_id)
    client.get("/borger/mine-data/hent")
    client.get(f"/borger/sag/{case_id}?next=/x", headers={"X-Request-ID": "lb-1234"})
    lines = [line for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    requests = [e for e in entries if e["message"] == "request"]
    assert len(requests) >= 10
    assert {"route": "/borger/sag/<int:case_id>", "request_id": "lb-1234", "role": "citizen", "status": 200}.items() \
        <= next(e for e in requests if e["request_id"] == "lb-1234").items()
    assert any(e["message"] == "citizen data exported" for e in entries)
    everything = "\n".join(lines)
    for personal in ("6105904321", "610590-4321", "Lise", "Testesen", "lise@example.dk", "Bager", "Fysioterapi",
                     "12 34 56 78"):
        assert personal not in everything, personal
    assert not re.search(r"\?next=", everything)


def test_every_request_gets_its_own_id_unless_the_load_balancer_gave_one(client):
    ids = [client.get("/sundhed/live").headers["X-Request-ID"] for _ in range(50)]
    assert len(set(ids)) == 50 and all(re.fullmatch(r"[0-9a-f]{17,32}", each) for each in ids)
    assert client.get("/sundhed/live", headers={"X-Request-ID": "lb-77"}).headers["X-Request-ID"] == "lb-77"
    assert client.get("/sundhed/live", headers={"X-Request-ID": "bad id!"}).headers["X-Request-ID"] != "bad id!"
