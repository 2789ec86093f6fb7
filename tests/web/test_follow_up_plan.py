"""The follow-up plan (sygedagpengeloven § 16): the caseworker makes it in versions, the citizen
reads it, and the employer sees its return-to-work part only after the citizen agrees."""
from __future__ import annotations

from sqlmodel import select

from portal.db import session_scope
from portal.models import FollowUpPlan, PlanShare, SickCase
from tests.conftest import Auth, csrf_token

from .test_citizen_journey import text
from .test_employer import HANNE, report_employee, report_id_of

PLAN = {"goal": "partial_return", "goal_text": "Tilbage på 20 timer, så fuld tid",
        "return_by": "1-2-2027", "adjustments": "Ingen tunge løft ved ovnen",
        "measure_1_what": "Lettere opgaver ved disken", "measure_1_who": "employer", "measure_1_by": "1-12-2026",
        "measure_2_what": "Fysioterapi to gange om ugen", "measure_2_who": "doctor",
        "measure_3_what": "Melde timer hver uge", "measure_3_who": "citizen",
        "next_follow_up_on": "15-12-2026"}


def world(make_app):
    app = make_app(PORTAL_TODAY="2026-11-16")
    hanne = app.test_client()
    Auth(hanne).login(HANNE, "employer")
    assert report_employee(hanne).status_code == 303
    lise = app.test_client()
    Auth(lise).login("Lise Testesen")
    mette = app.test_client()
    Auth(mette).login("Mette Sagsbehandler", "caseworker")
    with app.app_context(), session_scope(app) as db:
        case_id = db.exec(select(SickCase.id)).one()
    return app, hanne, lise, mette, case_id


def save_plan(mette, case_id, **changes):
    page = text(mette.get(f"/jobcenter/sag/{case_id}/plan"))
    data = {f"plan-{k}": v for k, v in {**PLAN, **changes}.items()}
    return mette.post(f"/jobcenter/sag/{case_id}/plan", data={**data, "plan-csrf_token": csrf_token(page)})


def test_the_plan_is_made_in_versions_and_bad_rows_are_refused(make_app):
    app, _hanne, _lise, mette, case_id = world(make_app)
    assert "Ingen plan endnu." in text(mette.get(f"/jobcenter/sag/{case_id}"))
    bad = save_plan(mette, case_id, measure_4_what="Samtale med tillidsrepræsentant", return_by="1-1-2026")
    page = text(bad)
    assert bad.status_code == 400
    assert "Vælg, hvem der gør det." in page and "Datoen kan ikke ligge i fortiden." in page
    assert "Samtale med tillidsrepræsentant" in page  # nothing typed is lost
    assert save_plan(mette, case_id).status_code == 303
    assert save_plan(mette, case_id, goal="full_return", measure_3_what="").status_code == 303
    view = text(mette.get(f"/jobcenter/sag/{case_id}"))
    assert "Tilbage i jobbet på fuld tid" in view and "Version 2, lavet af Mette Sagsbehandler" in view
    versions = text(mette.get(f"/jobcenter/sag/{case_id}/plan"))
    assert "Planens version 2" in versions and "Planens version 1" in versions
    with app.app_context(), session_scope(app) as db:
        plans = db.exec(select(FollowUpPlan).order_by(FollowUpPlan.version)).all()
        assert [p.version for p in plans] == [1, 2]
        assert plans[0].measures[0] == {"what": "Lettere opgaver ved disken", "who": "employer", "by": "2026-12-01",
                                        "cvr": "12345674"}  # the case's one employer
        assert len(plans[0].measures) == 3 and len(plans[1].measures) == 2  # empty rows skipped
        assert db.get(SickCase, case_id).follow_up_plan_made_on.isoformat() == "2026-11-16"


def test_the_employer_sees_the_return_to_work_part_only_after_the_citizen_agrees(make_app):
    app, hanne, lise, mette, case_id = world(make_app)
    save_plan(mette, case_id)
    questions = f"/arbejdsgiver/indberetning/{report_id_of(app)}/spoergsmaal"
    assert "Plan for tilbagevenden" not in text(hanne.get(questions))
    citizen = text(lise.get(f"/borger/sag/{case_id}"))
    assert "Din opfølgningsplan" in citizen and "Fysioterapi to gange om ugen" in citizen
    token = csrf_token(citizen)
    shared = lise.post(f"/borger/sag/{case_id}/plan/deling", data={"csrf_token": token, "share": "yes"})
    assert shared.status_code == 303
    employer = text(hanne.get(questions))
    assert "Plan for tilbagevenden til arbejdet" in employer
    assert "Lettere opgaver ved disken" in employer and "Ingen tunge løft ved ovnen" in employer
    assert "Fysioterapi" not in employer and "Melde timer" not in employer  # others' tasks stay private
    assert "Borgeren deler delen om tilbagevenden" in text(mette.get(f"/jobcenter/sag/{case_id}"))
    lise.post(f"/borger/sag/{case_id}/plan/deling", data={"csrf_token": token, "share": "no"})
    assert "Plan for tilbagevenden" not in text(hanne.get(questions))


def test_a_second_company_never_sees_the_plan(make_app):
    app, _hanne, lise, mette, case_id = world(make_app)
    save_plan(mette, case_id)
    token = csrf_token(text(lise.get(f"/borger/sag/{case_id}")))
    lise.post(f"/borger/sag/{case_id}/plan/deling", data={"csrf_token": token, "share": "yes"})
    jens = app.test_client()
    Auth(jens).login("Jens Virksomhed", "employer")
    report_employee(jens, first_absence_day="2026-11-12")
    page = text(jens.get(f"/arbejdsgiver/indberetning/{report_id_of(app, cvr='12345682')}/spoergsmaal"))
    assert "Plan for tilbagevenden" not in page and "Lettere opgaver" not in page


def share(lise, case_id, answer="yes", cvr=None):
    token = csrf_token(text(lise.get(f"/borger/sag/{case_id}")))
    return lise.post(f"/borger/sag/{case_id}/plan/deling",
                     data={"csrf_token": token, "share": answer, **({"employer": cvr} if cvr else {})})


def test_a_new_version_is_shown_to_the_employer_only_after_the_citizen_agrees_again(make_app):
    """Consent is for one version: a version the caseworker saves later (after a move, by the new
    municipality's caseworker too) is shown to no employer until the citizen agrees to it."""
    app, hanne, lise, mette, case_id = world(make_app)
    questions = f"/arbejdsgiver/indberetning/{report_id_of(app)}/spoergsmaal"
    save_plan(mette, case_id)
    assert share(lise, case_id).status_code == 303
    assert "Lettere opgaver ved disken" in text(hanne.get(questions))
    save_plan(mette, case_id, adjustments="Kun formiddagsvagter", measure_1_what="Ny opgave ved ovnen")
    employer = text(hanne.get(questions))
    assert "Plan for tilbagevenden" not in employer and "Kun formiddagsvagter" not in employer
    assert "Lettere opgaver" not in employer, "not the earlier version either"
    assert share(lise, case_id).status_code == 303
    assert "Kun formiddagsvagter" in text(hanne.get(questions))
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(PlanShare.version, PlanShare.cvr)).all() == [(2, "12345674")]


def test_each_employer_sees_only_its_own_measures_and_only_with_its_own_consent(make_app):
    app, hanne, lise, mette, case_id = world(make_app)
    jens = app.test_client()
    Auth(jens).login("Jens Virksomhed", "employer")
    report_employee(jens, first_absence_day="2026-11-12")
    jens_report = report_id_of(app, cvr="12345682")
    page = text(lise.get(f"/borger/sag/{case_id}"))
    assert lise.post(f"/borger/sag/{case_id}/arbejdsgiver/{jens_report}", data={
        f"relation-{jens_report}-is_employer": "yes", "csrf_token": csrf_token(page)}).status_code == 303
    plan_page = text(mette.get(f"/jobcenter/sag/{case_id}/plan"))
    assert "Arbejdsgiveren Prøvefabrikken A/S (CVR 12345682)" in plan_page
    assert save_plan(mette, case_id, measure_1_who="employer:12345674", measure_2_what="Skånejob på lageret",
                     measure_2_who="employer:12345682").status_code == 303
    hanne_page, jens_page = (f"/arbejdsgiver/indberetning/{report_id_of(app)}/spoergsmaal",
                             f"/arbejdsgiver/indberetning/{jens_report}/spoergsmaal")
    assert share(lise, case_id, cvr="12345674").status_code == 303
    seen_by_hanne = text(hanne.get(hanne_page))
    assert "Lettere opgaver ved disken" in seen_by_hanne and "Skånejob" not in seen_by_hanne
    assert "Plan for tilbagevenden" not in text(jens.get(jens_page)), "Jens has no consent"
    assert share(lise, case_id, cvr="12345682").status_code == 303
    seen_by_jens = text(jens.get(jens_page))
    assert "Skånejob på lageret" in seen_by_jens and "Lettere opgaver" not in seen_by_jens
    assert share(lise, case_id, answer="no", cvr="12345674").status_code == 303
    assert "Plan for tilbagevenden" not in text(hanne.get(hanne_page))
    assert "Skånejob på lageret" in text(jens.get(jens_page)), "one company's choice leaves the other's"


def test_a_version_made_by_the_new_municipality_after_a_move_is_not_shown_without_new_consent(make_app):
    app, hanne, lise, mette, case_id = world(make_app)
    questions = f"/arbejdsgiver/indberetning/{report_id_of(app)}/spoergsmaal"
    save_plan(mette, case_id)
    assert share(lise, case_id).status_code == 303
    page = text(mette.get(f"/jobcenter/sag/{case_id}"))
    assert mette.post(f"/jobcenter/sag/{case_id}/flyt-kommune", data={
        "move_to-to": "751", "move_to-reason": "Borgeren er flyttet",
        "move_to-csrf_token": csrf_token(page)}).status_code == 303
    karsten = app.test_client()
    Auth(karsten).login("Karsten Sagsbehandler", "caseworker")
    assert save_plan(karsten, case_id, adjustments="Aarhus: hjemmearbejde to dage").status_code == 303
    employer = text(hanne.get(questions))
    assert "Plan for tilbagevenden" not in employer and "hjemmearbejde" not in employer
    assert share(lise, case_id).status_code == 303
    assert "Aarhus: hjemmearbejde to dage" in text(hanne.get(questions))
