"""The receipt's "how was it?" (GOV.UK's confirmation pattern): an anonymous answer the citizen's
municipality can read as counts and comments, and nobody else."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from portal import models
from portal.cases.feedback import scrub
from portal.db import session_scope
from portal.models import Feedback

from ..conftest import Auth, csrf_token
from .test_citizen_journey import CITIZEN, case_id_from, report_sick, submit_everything, text


def receipt_url(case_id: int) -> str:
    return f"/borger/sag/{case_id}/oplysningsskema/kvittering"


def send_feedback(client, case_id, **data):
    token = csrf_token(text(client.get(receipt_url(case_id))))
    return client.post(receipt_url(case_id), data={"csrf_token": token, **data})


@pytest.fixture
def submitted(client, auth):
    auth.login(CITIZEN)
    case_id = case_id_from(report_sick(client))
    submit_everything(client, case_id)
    return case_id


def test_the_receipt_says_what_happens_next_and_asks_how_it_was(client, submitted):
    page = text(client.get(receipt_url(submitted)))
    assert "Hvad sker der nu" in page
    assert "Hvordan var det?" in page
    assert "Meget tilfreds" in page and "Meget utilfreds" in page


def test_an_answer_is_stored_without_anything_that_names_the_citizen(client, app, submitted):
    sent = send_feedback(client, submitted, rating="satisfied",
                         comment="Let at udfylde. Ring på 12 34 56 78 eller skriv til lise@example.dk, "
                                 "mit CPR er 610590-4321.")
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/kvittering#feedback")
    page = text(client.get(receipt_url(submitted)))
    assert "Tak for dit svar" in page
    assert 'name="rating"' not in page  # asked once per receipt
    with app.app_context(), session_scope(app) as db:
        stored = db.exec(select(Feedback)).one()
    assert stored.rating == "satisfied" and stored.municipality_code == "101"
    assert stored.comment == "Let at udfylde. Ring på […] eller skriv til […], mit CPR er […]."
    assert stored.week_of.weekday() == 0  # the week, not the day or the time
    assert set(Feedback.model_fields) == {"id", "municipality_code", "service", "rating", "comment", "week_of"}


def test_a_second_post_of_the_same_receipt_stores_nothing_more(client, app, submitted):
    send_feedback(client, submitted, rating="neutral")
    token = csrf_token(text(client.get(f"/borger/sag/{submitted}")))
    again = client.post(receipt_url(submitted), data={"csrf_token": token, "rating": "very_dissatisfied"})
    assert again.status_code == 303
    with app.app_context(), session_scope(app) as db:
        assert [row.rating for row in db.exec(select(Feedback)).all()] == ["neutral"]


@pytest.mark.parametrize("data, message", [
    ({}, "Vælg, hvordan du syntes, det var."),
    ({"rating": "excellent"}, "Not a valid choice"),
    ({"rating": "satisfied", "comment": "x" * 1201}, "Skriv højst 1.200 tegn."),
])
def test_a_bad_answer_gets_a_clear_error_and_keeps_the_comment(client, app, submitted, data, message):
    sent = send_feedback(client, submitted, **data)
    page = text(sent)
    assert sent.status_code == 400
    assert "Der er et problem" in page
    if message != "Not a valid choice":
        assert message in page
    if "comment" in data:
        assert data["comment"] in page  # nothing typed is lost
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(Feedback)).all() == []


def test_the_municipality_reads_counts_and_comments_and_another_does_not(make_app, app, client, submitted):
    send_feedback(client, submitted, rating="very_satisfied", comment="Hurtigt og klart.")
    mette = app.test_client()
    Auth(mette).login("Mette Sagsbehandler", "caseworker")
    page = text(mette.get("/jobcenter/tilbagemeldinger"))
    assert "Hurtigt og klart." in page
    assert "100 %" in page and "1 svar" in page
    karsten = app.test_client()
    Auth(karsten).login("Karsten Sagsbehandler", "caseworker")
    other = text(karsten.get("/jobcenter/tilbagemeldinger"))
    assert "Hurtigt og klart." not in other
    assert "Ingen svar i perioden endnu." in other


def test_the_citizen_and_the_employer_cannot_read_the_feedback(client, submitted):
    assert client.get("/jobcenter/tilbagemeldinger").status_code in (302, 403)


@pytest.mark.parametrize("typed, kept", [
    ("Fint", "Fint"),
    ("   ", None),
    ("Ring 20304050", "Ring […]"),
    ("Ring +45 20 30 40 50", "Ring […]"),
    ("CPR 0101001234 tak", "CPR […] tak"),
    ("Uge 47 og 2026 er tal, ikke personer", "Uge 47 og 2026 er tal, ikke personer"),
])
def test_scrub_removes_what_could_name_the_writer(typed, kept):
    assert scrub(typed) == kept


def test_six_answers_sent_at_once_on_one_receipt_store_one(client, app, submitted):
    """Six tabs (or a script) post the receipt's answer at the same moment, in one session: the
    database keeps one answer a receipt, whatever the session knows."""
    import threading

    token = csrf_token(text(client.get(receipt_url(submitted))))
    barrier, answers = threading.Barrier(6), []

    def send(rating):
        barrier.wait()
        answers.append(client.post(receipt_url(submitted), data={"csrf_token": token, "rating": rating}).status_code)

    posts = [threading.Thread(target=send, args=(rating,)) for rating in ("satisfied",) * 6]
    for post in posts:
        post.start()
    for post in posts:
        post.join(timeout=60)
    assert answers == [303] * 6
    with app.app_context(), session_scope(app) as db:
        assert len(db.exec(select(Feedback)).all()) == 1
    assert 'name="rating"' not in text(client.get(receipt_url(submitted)))


def test_a_receipt_answered_in_another_browser_is_not_asked_or_stored_again(client, app, submitted):
    from portal.cases import feedback

    with app.app_context(), session_scope(app) as db:
        questionnaire_id = db.exec(select(models.Questionnaire.id)).one()
        assert feedback.give(db, "101", "questionnaire", "neutral", None, date(2026, 11, 16),
                             feedback.receipt_of("questionnaire", questionnaire_id)) is not None
    assert 'name="rating"' not in text(client.get(receipt_url(submitted)))
    send_feedback(client, submitted, rating="very_dissatisfied")
    with app.app_context(), session_scope(app) as db:
        assert [row.rating for row in db.exec(select(Feedback)).all()] == ["neutral"]
