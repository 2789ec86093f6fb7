"""Letters as documents: the invitation, the minutes and the plan as tagged PDF/UA files in the
reader's language, listed under Dokumenter for the citizen and the caseworker. Read back with pypdf,
a parser the portal does not use to write them."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.conftest import Auth, csrf_token, weasyprint_missing

from .test_citizen_journey import text
from .test_conversations import world  # noqa: F401  (the fixture: a booked conversation)
from .test_follow_up_plan import save_plan

pytestmark = pytest.mark.skipif(bool(weasyprint_missing()), reason=weasyprint_missing() or "")


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf" and response.headers["Cache-Control"] == "no-store"
    return PdfReader(io.BytesIO(response.data))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_invitation_is_a_tagged_pdf_in_the_readers_language(world):  # noqa: F811
    app, lise, mette, case_id, conversation_id, _outbox = world
    case = text(lise.get(f"/borger/sag/{case_id}"))
    assert "Dokumenter" in case and "Invitation til opfølgningssamtale" in case
    reader = pdf_of(lise.get(f"/borger/sag/{case_id}/dokumenter/invitation/{conversation_id}"))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "da"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()  # claims PDF/UA-1
    assert reader.metadata.title == "Invitation til opfølgningssamtale"
    content = text_of(reader)
    assert "Lise Testesen" in content and "Din tilbagevenden til arbejdet" in content
    assert "20.11.2026" in content or "20. nov" in content
    lise.get("/sprog/en")
    english = pdf_of(lise.get(f"/borger/sag/{case_id}/dokumenter/invitation/{conversation_id}"))
    assert english.trailer["/Root"]["/Lang"] == "en"
    assert "Invitation to a follow-up conversation" in text_of(english)
    caseworker = pdf_of(mette.get(f"/jobcenter/sag/{case_id}/dokumenter/invitation/{conversation_id}"))
    assert "Lise Testesen" in text_of(caseworker)


def hold_and_minute(mette, case_id: int, conversation_id: int) -> None:
    """The caseworker records the conversation as held and writes its minutes, as in the case view."""
    mette.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/afholdt", data={
        "held-csrf_token": csrf_token(text(mette.get(f"/jobcenter/sag/{case_id}"))),
        "held-held_on": "16-11-2026", "held-outcome": "jobcenter"})
    prefix = f"minutes{conversation_id}"
    mette.post(f"/jobcenter/sag/{case_id}/samtale/{conversation_id}/referat", data={
        f"{prefix}-csrf_token": csrf_token(text(mette.get(f"/jobcenter/sag/{case_id}"))),
        f"{prefix}-talked": "Din arbejdstid", f"{prefix}-agreed": "Du starter på 20 timer om ugen."})


def test_minutes_and_plan_versions_become_letters_and_others_get_none(world):  # noqa: F811
    app, lise, mette, case_id, conversation_id, _outbox = world
    assert lise.get(f"/borger/sag/{case_id}/dokumenter/minutes/{conversation_id}").status_code == 404  # none yet
    hold_and_minute(mette, case_id, conversation_id)
    minutes = text_of(pdf_of(lise.get(f"/borger/sag/{case_id}/dokumenter/minutes/{conversation_id}")))
    assert "Referat af samtalen" in minutes and "Du starter på 20 timer om ugen." in minutes
    save_plan(mette, case_id)
    save_plan(mette, case_id, goal="full_return")
    listing = text(lise.get(f"/borger/sag/{case_id}"))
    assert "Opfølgningsplan, version 2" in listing and "Opfølgningsplan, version 1" in listing
    first = text_of(pdf_of(lise.get(f"/borger/sag/{case_id}/dokumenter/plan/1")))
    assert "Tilbage i jobbet på nedsat tid" in first and "Lettere opgaver ved disken" in first
    assert "Tilbage i jobbet på fuld tid" in text_of(pdf_of(lise.get(f"/borger/sag/{case_id}/dokumenter/plan/2")))
    assert lise.get(f"/borger/sag/{case_id}/dokumenter/plan/3").status_code == 404
    assert lise.get(f"/borger/sag/{case_id}/dokumenter/brev/1").status_code == 404
    ahmed = app.test_client()
    Auth(ahmed).login("Ahmed Prøvesen")
    assert ahmed.get(f"/borger/sag/{case_id}/dokumenter/plan/1").status_code == 404
    karsten = app.test_client()
    Auth(karsten).login("Karsten Sagsbehandler", "caseworker")
    assert karsten.get(f"/jobcenter/sag/{case_id}/dokumenter/plan/1").status_code == 404


def test_every_letter_says_who_sent_it_and_how_to_reach_them(world):  # noqa: F811
    """The letterhead: municipality, jobcenter, address, phone, opening hours, date, case number and
    the caseworker who wrote, in the reader's language, and the file still tagged PDF/UA."""
    app, lise, mette, case_id, conversation_id, _outbox = world
    reader = pdf_of(lise.get(f"/borger/sag/{case_id}/dokumenter/invitation/{conversation_id}"))
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in reader.trailer["/Root"]
    invitation = text_of(reader)
    for words in ("Københavns Kommune", "Jobcenter København", "Rådhuspladsen 1, 1599 København V",
                  "33 66 33 66", "sygedagpenge@kk.example.dk", "Åbningstider", f"Sagsnummer: {case_id}",
                  "Sagsbehandler: Mette Sagsbehandler", "Dato: "):
        assert words in invitation, words
    hold_and_minute(mette, case_id, conversation_id)
    save_plan(mette, case_id)
    lise.get("/sprog/en")
    for path in (f"minutes/{conversation_id}", "plan/1"):
        letter = text_of(pdf_of(lise.get(f"/borger/sag/{case_id}/dokumenter/{path}")))
        for words in ("Københavns Kommune", "Phone 33 66 33 66", "Opening hours: Monday to Thursday 9–15",
                      f"Case number: {case_id}", "Caseworker: Mette Sagsbehandler"):
            assert words in letter, (path, words)
