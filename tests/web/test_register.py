"""The CPR register: where a case goes, what happens when the register cannot answer, a move, a
death, name and address protection; and the SF1520 client against a stand-in Serviceplatformen
that speaks the real SOAP envelope (PersonBaseDataExtended 5, PersonLookup).

The people are the local register's (portal/devregister/people.json): Lise lives in København
(101), Ahmed in Aarhus (751), Bo in København with name and address protection. Every CPR number
is fictitious."""
from __future__ import annotations

import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree

import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.models import AuditEntry, CaseStatus, OutboxMessage, SickCase
from portal.register import CachedRegister, LocalRegister, NotInRegister, RegisterUnavailable
from portal.register.sf1520 import INVOCATION, PBDE, PNR, SOAP, Sf1520Register

from ..conftest import Auth, csrf_token, free_port, weasyprint_missing
from .test_caseworkers_day import search
from .test_citizen_journey import case_id_from, report_sick, text
from .test_employer import only_case, report_employee, report_id_of

LISE, AHMED, BO = "6105904321", "7203854312", "8511774323"
UUIDS = ("8a4e2b1c-3d5f-4a6b-9c7d-1e2f3a4b5c6d", "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
         "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f", "3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a")


class StandInSf1520:
    """A loopback HTTP server answering SF1520 PersonLookup as Serviceplatformen does: it reads the
    PNR and the InvocationContext from the request's SOAP envelope and answers a
    PersonLookupResponse from `people` ({cpr: {...}}), or a SOAP fault "PNR not found". `fail_with`
    makes it answer that HTTP status. It records every request (path, headers, body)."""

    def __init__(self):
        self.people, self.requests, self.fail_with = {}, [], None
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: bytes):
                self.send_response(status)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                stand_in.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if stand_in.fail_with:
                    return self._answer(stand_in.fail_with, b"<html>down</html>")
                request = ElementTree.fromstring(body).find(f"{{{SOAP}}}Body/{{{PBDE}}}PersonLookupRequest")
                cpr = request.findtext(f"{{{PNR}}}PNR")
                person = stand_in.people.get(cpr)
                if person is None:
                    return self._answer(500, _fault("PNR not found"))
                self._answer(200, _answer(person))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/service/CPR/PersonBaseDataExtended/5"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def register(self) -> Sf1520Register:
        return Sf1520Register(self.url, None, *UUIDS, timeout=5)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _fault(text_: str) -> bytes:
    return (f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode>'
            f'<faultstring>{text_}</faultstring></soap:Fault></soap:Body></soap:Envelope>').encode()


def _answer(p: dict) -> bytes:
    """A PersonLookupResponse as SF1520 version 5 answers (the parts the portal reads, and some it
    does not)."""
    protection = "<adressebeskyttelse><beskyttet>true</beskyttet></adressebeskyttelse>" if p.get("protected") else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>
<ns2:PersonLookupResponse xmlns:ns2="{PBDE}">
  <persondata>
    <navn><fornavn>{p["first"]}</fornavn><efternavn>{p["last"]}</efternavn>
      <personadresseringsnavn>{p["last"]},{p["first"]}</personadresseringsnavn></navn>
    <koen>K</koen><foedselsdato>1990-05-01+01:00</foedselsdato>
    <status><status>{p.get("status", "01")}</status><statusdato>2020-01-01+01:00</statusdato></status>
    {protection}
  </persondata>
  <adresse><aktuelAdresse>
    <kommunekode>{p["municipality"]}</kommunekode><vejkode>1234</vejkode>
    <standardadresse>{p["street"]} {p["number"]}</standardadresse>
    <vejnavn>{p["street"]}</vejnavn><husnummer>{p["number"]}</husnummer>
    <postnummer>{p["postcode"]}</postnummer><postdistrikt>{p["city"]}</postdistrikt>
  </aktuelAdresse></adresse>
  <relationer/>
</ns2:PersonLookupResponse></soap:Body></soap:Envelope>""".encode()


AHMED_IN_REGISTER = {"first": "Ahmed", "last": "Prøvesen", "municipality": "0751", "street": "Prøvegade",
                     "number": "12", "postcode": "8000", "city": "Aarhus C"}


@pytest.fixture
def sf1520():
    stand_in = StandInSf1520()
    try:
        yield stand_in
    finally:
        stand_in.close()


# --- SF1520 against the stand-in ---------------------------------------------------------------

def test_sf1520_sends_the_real_envelope_and_reads_the_answer(sf1520):
    sf1520.people[AHMED] = AHMED_IN_REGISTER
    before = datetime.now(UTC)
    person = sf1520.register().lookup(AHMED)
    assert (person.municipality, person.protected, person.dead) == ("751", False, False)
    assert person.name == "Prøvesen,Ahmed" or person.name  # the register's addressing name
    assert (person.address.street, person.address.building, person.address.postcode, person.address.city) == (
        "Prøvegade", "12", "8000", "Aarhus C")
    assert person.read_at >= before
    [request] = sf1520.requests
    assert AHMED not in request["path"]  # the CPR number is in the body only
    assert request["headers"]["SOAPAction"].strip('"').endswith("PersonBaseDataExtended/5/PersonLookup")
    envelope = ElementTree.fromstring(request["body"])
    context = envelope.find(f"{{{SOAP}}}Body/{{{PBDE}}}PersonLookupRequest/{{{INVOCATION}}}InvocationContext")
    assert [child.text for child in context] == list(UUIDS)
    assert [child.tag.rsplit("}", 1)[1] for child in context] == [
        "ServiceAgreementUUID", "UserSystemUUID", "UserUUID", "ServiceUUID"]


def test_sf1520_reads_protection_and_death(sf1520):
    sf1520.people[BO] = {**AHMED_IN_REGISTER, "first": "Bo", "last": "Eksempel", "municipality": "0101",
                         "protected": True}
    sf1520.people[LISE] = {**AHMED_IN_REGISTER, "status": "90"}
    assert sf1520.register().lookup(BO).protected is True
    assert sf1520.register().lookup(LISE).dead is True


def test_sf1520_that_cannot_answer_says_so_without_the_cpr_number(sf1520):
    with pytest.raises(NotInRegister):
        sf1520.register().lookup(LISE)  # a SOAP fault: PNR not found
    sf1520.fail_with = 503
    with pytest.raises(RegisterUnavailable) as failed:
        sf1520.register().lookup(AHMED)
    assert AHMED not in str(failed.value)
    closed = Sf1520Register(f"http://127.0.0.1:{free_port()}/", None, *UUIDS, timeout=2)
    with pytest.raises(RegisterUnavailable):
        closed.lookup(AHMED)


def test_the_cache_answers_for_a_bounded_time_with_the_date_read(sf1520):
    sf1520.people[AHMED] = AHMED_IN_REGISTER
    cached = CachedRegister(sf1520.register(), minutes=60)
    first = cached.lookup(AHMED)
    assert cached.lookup(AHMED).read_at == first.read_at and len(sf1520.requests) == 1
    assert cached.lookup(AHMED, fresh=True).read_at > first.read_at and len(sf1520.requests) == 2
    expired = CachedRegister(sf1520.register(), minutes=0)
    expired.lookup(AHMED)
    expired.lookup(AHMED)
    assert len(sf1520.requests) == 4


# --- routing -------------------------------------------------------------------------------------

def case_of(app, case_id) -> SickCase:
    with app.app_context(), session_scope(app) as db:
        return db.get(SickCase, case_id)


def citizen_reports(app, who: str) -> int:
    client = app.test_client()
    Auth(client).login(who)
    response = report_sick(client)
    assert response.status_code == 303, text(response)
    return case_id_from(response)


def caseworker(app, who: str):
    client = app.test_client()
    Auth(client).login(who, "caseworker")
    return client


def sweep(app) -> str:
    result = app.test_cli_runner().invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("who, municipality", [
    ("Lise Testesen", "101"), ("Ahmed Prøvesen", "751"), ("Bo Eksempel", "101")])
def test_a_citizen_s_report_lands_in_her_residence_municipality(app, who, municipality):
    case = case_of(app, citizen_reports(app, who))
    assert (case.municipality_code, case.municipality_confirmed) == (municipality, True)
    assert case.municipality_read_at is not None


def test_karsten_in_aarhus_finds_ahmed_s_case_and_mette_in_koebenhavn_does_not(app):
    citizen_reports(app, "Ahmed Prøvesen")
    assert "1 sag fundet" in text(search(caseworker(app, "Karsten Sagsbehandler"), "Ahmed Prøvesen"))
    assert "0 sager fundet" in text(search(caseworker(app, "Mette Sagsbehandler"), "Ahmed Prøvesen"))


def test_an_employer_s_report_lands_in_the_employee_s_municipality(make_app):
    app = make_app()
    hanne = app.test_client()
    Auth(hanne).login("Hanne Arbejdsgiver", "employer")
    assert report_employee(hanne, cpr="720385-4312", employee_name="Ahmed Prøvesen").status_code == 303
    with app.app_context(), session_scope(app) as db:
        case = db.exec(select(SickCase)).one()
    assert (case.municipality_code, case.municipality_confirmed) == ("751", True)


def test_production_refuses_the_local_register(monkeypatch, tmp_path, certificate):
    from portal.config import UnsafeProductionConfig

    from .test_serviceplatformen import production

    with pytest.raises(UnsafeProductionConfig, match="PORTAL_REGISTER is local"):
        production(monkeypatch, tmp_path, PORTAL_SF_CVR="11223344", PORTAL_PHYSICAL_MAIL_TYPE="265",
                   PORTAL_SF_CERTIFICATE=certificate, PORTAL_REGISTER="local")
    monkeypatch.delenv("PORTAL_REGISTER")
    with pytest.raises(UnsafeProductionConfig, match="PORTAL_REGISTER_SERVICE_UUID is not a UUID"):
        production(monkeypatch, tmp_path, PORTAL_SF_CVR="11223344", PORTAL_PHYSICAL_MAIL_TYPE="265",
                   PORTAL_SF_CERTIFICATE=certificate)


# --- a register that cannot answer --------------------------------------------------------------

def test_an_unanswered_report_is_kept_marked_and_routed_by_the_sweep(app, sf1520):
    sf1520.fail_with = 503
    app.extensions["portal.register"] = CachedRegister(sf1520.register(), minutes=60)
    case_id = citizen_reports(app, "Ahmed Prøvesen")
    case = case_of(app, case_id)
    assert (case.municipality_code, case.municipality_confirmed, case.municipality_read_at) == ("101", False, None)
    assert "ikke bekræftet" in text(caseworker(app, "Mette Sagsbehandler").get(f"/jobcenter/sag/{case_id}"))
    assert "1 unanswered)" in sweep(app)  # still down: the case waits, marked
    assert case_of(app, case_id).municipality_confirmed is False
    sf1520.fail_with = None
    sf1520.people[AHMED] = AHMED_IN_REGISTER
    assert "1 routed" in sweep(app)
    case = case_of(app, case_id)
    assert (case.municipality_code, case.municipality_confirmed) == ("751", True)
    assert case.municipality_read_at is not None
    with app.app_context(), session_scope(app) as db:
        audit = db.exec(select(AuditEntry.municipality_code, AuditEntry.action)
                        .where(AuditEntry.case_id == case_id)).all()
    assert ("101", "case_transferred_out") in audit and ("751", "case_transferred_in") in audit
    assert "1 sag fundet" in text(search(caseworker(app, "Karsten Sagsbehandler"), "Ahmed Prøvesen"))


# --- moves and deaths ----------------------------------------------------------------------------

def local_register(app, **people) -> LocalRegister:
    """The app's local register, with changes to who lives where (for a move or a death)."""
    register = LocalRegister.from_file(app.config["PORTAL_REGISTER_FILE"])
    for cpr, changes in people.items():
        register.people[cpr] = {**register.people[cpr], **changes}
    app.extensions["portal.register"] = CachedRegister(register, minutes=60)
    return register


def test_a_move_transfers_the_case_in_both_audit_logs(make_app):
    app = make_app(PORTAL_REGISTER_RECHECK_DAYS=0)  # every reading is old enough to read again
    case_id = citizen_reports(app, "Ahmed Prøvesen")
    assert case_of(app, case_id).municipality_code == "751"
    local_register(app, **{AHMED: {"municipality": "101"}})
    assert "1 moved" in sweep(app)
    assert case_of(app, case_id).municipality_code == "101"
    with app.app_context(), session_scope(app) as db:
        audit = db.exec(select(AuditEntry.municipality_code, AuditEntry.action, AuditEntry.actor_name)
                        .where(AuditEntry.case_id == case_id)).all()
    assert ("751", "case_transferred_out", "CPR-registret") in audit
    assert ("101", "case_transferred_in", "CPR-registret") in audit
    assert "1 sag fundet" in text(search(caseworker(app, "Mette Sagsbehandler"), "Ahmed Prøvesen"))
    assert "0 sager fundet" in text(search(caseworker(app, "Karsten Sagsbehandler"), "Ahmed Prøvesen"))


def test_the_sweep_reads_a_bounded_number_of_cases(make_app):
    app = make_app(PORTAL_REGISTER_RECHECK_PER_SWEEP=1)
    first, second = citizen_reports(app, "Ahmed Prøvesen"), citizen_reports(app, "Lise Testesen")
    local_register(app, **{AHMED: {"municipality": "101"}, LISE: {"municipality": "751"}})
    with app.app_context(), session_scope(app) as db:  # both read long ago
        for case in db.exec(select(SickCase)).all():
            case.municipality_read_at = datetime(2026, 1, 1, tzinfo=UTC)
            db.add(case)
        db.commit()
    assert "1 read in the CPR register" in sweep(app)
    moved = [case_of(app, first).municipality_code == "101", case_of(app, second).municipality_code == "751"]
    assert sorted(moved) == [False, True]
    assert "1 read in the CPR register" in sweep(app)
    assert case_of(app, first).municipality_code == "101" and case_of(app, second).municipality_code == "751"


def test_a_death_closes_the_case_and_stops_every_message(make_app):
    app = make_app(PORTAL_TODAY="2026-11-16")
    case_id = citizen_reports(app, "Lise Testesen")
    later = make_app(PORTAL_TODAY="2026-11-30",  # the questionnaire's reminder is due
                     PORTAL_REGISTER_RECHECK_DAYS=0)
    assert "0 reminders queued" not in sweep(later)
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
    local_register(later, **{LISE: {"dead": True}})
    assert "1 closed at death" in sweep(later)
    case = case_of(later, case_id)
    assert (case.status, case.closed_on.isoformat()) == (CaseStatus.CLOSED, "2026-11-30")
    with later.app_context(), session_scope(later) as db:
        assert {m.status for m in db.exec(select(OutboxMessage)).all()} == {"cancelled"}
        assert db.exec(select(AuditEntry.action).where(AuditEntry.case_id == case_id)).all() == [
            "case_closed_at_death"]
    result = later.test_cli_runner().invoke(args=["send-outbox"])
    assert "0 sent" in result.output
    assert "1 reminders queued" not in sweep(later)


# --- protection and paper ------------------------------------------------------------------------

def test_a_protected_address_is_never_shown_to_the_employer_nor_stored(make_app, tmp_path):
    app = make_app(PORTAL_PHYSICAL_MAIL_TYPE=265)
    hanne = app.test_client()
    Auth(hanne).login("Hanne Arbejdsgiver", "employer")
    made = report_employee(hanne, cpr="851177-4323", employee_name="Bo Eksempel")
    assert made.status_code == 303
    case_id = only_case(app).id
    assert case_of(app, case_id).municipality_code == "101"
    report = f"/arbejdsgiver/indberetning/{report_id_of(app)}"
    for page in (hanne.get("/arbejdsgiver/"), hanne.get(f"{report}/fast-track"), hanne.get(f"{report}/spoergsmaal")):
        assert page.status_code == 200
        assert "Skjultvej" not in text(page) and "2400" not in text(page)
    if weasyprint_missing():
        return
    later = make_app(PORTAL_TODAY="2026-11-30", PORTAL_PHYSICAL_MAIL_TYPE=265)  # a reminder, on paper
    sweep(later)
    assert "1 sent" in later.test_cli_runner().invoke(args=["send-outbox"]).output
    letters = [p.read_bytes() for p in (tmp_path / "outbox").iterdir() if p.name.endswith(".physical_mail.xml")]
    assert len(letters) == 1 and b"Skjultvej" in letters[0]  # the paper goes to the register's address
    database = tmp_path / "portal.sqlite3"
    if database.exists():  # (SQLite) read from the register when sent, never stored
        assert b"Skjultvej" not in database.read_bytes()


def test_the_case_page_marks_an_unconfirmed_municipality_for_the_caseworker_only(app, sf1520):
    sf1520.fail_with = 503
    app.extensions["portal.register"] = CachedRegister(sf1520.register(), minutes=60)
    case_id = citizen_reports(app, "Lise Testesen")
    mette = caseworker(app, "Mette Sagsbehandler")
    page = text(mette.get(f"/jobcenter/sag/{case_id}"))
    assert "Kommunen er ikke bekræftet" in page
    assert csrf_token(page)


def test_someone_the_register_does_not_know_waits_unconfirmed_and_is_not_moved(app):
    hanne = app.test_client()
    Auth(hanne).login("Hanne Arbejdsgiver", "employer")
    assert report_employee(hanne, cpr="611280-1234", employee_name="Ukendt Prøve").status_code == 303
    case = only_case(app)
    assert (case.municipality_code, case.municipality_confirmed) == ("101", False)
    assert "1 unanswered)" in sweep(app)
    assert (only_case(app).municipality_code, only_case(app).municipality_confirmed) == ("101", False)
