"""Issue 29, the caseworker's half and the global items: the case view as an overview with the
details a click away, one word for one state, the queue's htmx state kept true, the coming weeks
counting a new handover at once, and, on every face, icons, subtitles, the logged-out page, the
503 page in the browser's language and one date hint."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import create_engine
from sqlmodel import select

from portal.cases.handover import sweep
from portal.db import session_scope
from portal.models import WorkloadCount

from ..conftest import Auth
from .test_citizen_journey import CITIZEN, case_id_from, post_form, report_sick
from .test_jobcenter import caseworker, handed_over_case, text


def test_the_case_view_is_an_overview_with_the_details_a_click_away(app):
    case_id = handed_over_case(app)
    page = text(caseworker(app).get(f"/jobcenter/sag/{case_id}"))
    overview = page.split('class="case-overview"')[1].split('<h2 class="h3 case-details-heading">')[0]
    for heading in ("Overblik", "Næste frister", "Booket", "Handlinger"):
        assert f">{heading}</h2>" in overview
    assert "Ikke i beskæftigelse" in overview and "Ingen samtale booket." in overview
    # The long parts are closed <details>, which work without JavaScript.
    for section in ("deadlines", "plan", "facts", "conversations", "timeline"):
        assert re.search(rf'<details class="details case-section" id="{section}">', page), section
    # "Tag sagen" is the page head's primary action, in its own form, not stuck to a control below.
    head = page.split('<div class="case-head">')[1].split('class="case-overview"')[0]
    assert 'class="case-claim"' in head
    assert '<button type="submit" class="button button-primary">Tag sagen</button>' in head


def test_a_case_nobody_has_is_not_assigned_and_waiting_means_only_waiting_for_an_answer(app):
    case_id = handed_over_case(app)
    mette = caseworker(app)
    queue = text(mette.get("/jobcenter/"))
    row = queue.split("<tbody>")[1]
    assert 'data-label="Status">Ikke fordelt</td>' in row and ">Venter<" not in queue
    assert ">I bero (0)<" in queue and ">Ikke fordelt (1)<" in queue
    assert "Ikke fordelt" in text(mette.get(f"/jobcenter/sag/{case_id}")).split('id="summary-heading"')[1]
    mette.get("/sprog/en")
    english = text(mette.get("/jobcenter/"))
    assert 'data-label="Status">Not assigned</td>' in english and ">On hold (0)<" in english


def test_the_portals_own_service_goal_is_not_called_the_laws_deadline(app):
    citizen = app.test_client()
    Auth(citizen).login(CITIZEN)
    case_id = case_id_from(report_sick(citizen))
    assert post_form(citizen, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Om min arbejdstid"}
                     ).status_code == 303
    page = text(caseworker(app).get(f"/jobcenter/sag/{case_id}"))
    reasons = page.split('id="reasons-heading"')[1].split("</table>")[0]
    row = reasons.split("Ønsker samtale")[1].split("</tr>")[0]
    assert "portalens servicemål" in row and "Portalens eget servicemål" in row and "Lovens frist" not in row


def test_the_queue_names_the_municipality_not_its_number(app):
    handed_over_case(app)
    page = text(caseworker(app).get("/jobcenter/"))
    assert "Sager fra København" in page and "kommune 101" not in page
    assert "København: " in text(caseworker(app).get("/jobcenter/overholdelse"))


def test_an_htmx_filter_updates_the_tabs_the_count_and_keeps_the_filter_in_the_links(app):
    handed_over_case(app)
    mette = caseworker(app)
    partial = mette.get("/jobcenter/?reason=fast_track&status=&due_by=", headers={"HX-Request": "true"})
    html = text(partial)
    assert "<html" not in html and partial.headers["Vary"].startswith("HX-Request")
    tabs = html.split('id="queue-tabs"')[1].split("</nav>")[0]
    assert 'data-hx-swap-oob="true"' in tabs
    links = re.findall(r'href="([^"]+)"', tabs)
    assert len(links) == 4 and all("reason=fast_track" in link for link in links)
    assert ">Teamets sager (0)<" in tabs   # counted with the filter
    assert re.search(r'<p id="queue-count" role="status" data-hx-swap-oob="innerHTML">0 sager</p>', html)
    # Without the filter the team's tab counts the case; a history restore gets the whole page.
    assert ">Teamets sager (1)<" in text(mette.get("/jobcenter/?reason=", headers={"HX-Request": "true"}))
    restored = mette.get("/jobcenter/?reason=fast_track", headers={"HX-Request": "true",
                                                                    "HX-History-Restore-Request": "true"})
    assert "<html" in text(restored)
    # The form pushes its state into the address and fires on its own event, not on each change.
    page = text(mette.get("/jobcenter/"))
    assert 'data-hx-push-url="true"' in page and 'data-hx-trigger="submit, queue-filter"' in page


def test_a_date_that_is_not_a_date_in_due_by_says_so_instead_of_showing_no_cases(app):
    handed_over_case(app)
    mette = caseworker(app)
    page = mette.get("/jobcenter/?due_by=31-02-2026")
    html = text(page)
    assert page.status_code == 400
    assert "Datoen skal være en rigtig dato, for eksempel 30-11-2026." in html
    assert 'aria-invalid="true"' in html and 'value="31-02-2026"' in html
    assert "0 sager" not in html and "Ingen sager passer til filteret." not in html
    partial = text(mette.get("/jobcenter/?due_by=31-02-2026", headers={"HX-Request": "true"}))
    assert 'id="due-by-group" data-hx-swap-oob="true"' in partial and "rigtig dato" in partial
    assert "Ret den for at se sagerne." in partial and "0 sager" not in partial


def test_the_coming_weeks_count_a_handover_made_after_the_sweep(app):
    citizen = app.test_client()
    Auth(citizen).login(CITIZEN)
    case_id = case_id_from(report_sick(citizen))
    post_form(citizen, f"/borger/sag/{case_id}/samtale", {"form": "phone", "reason": "Om min arbejdstid"})
    with app.app_context(), session_scope(app) as db:
        sweep(db, date(2026, 11, 16))
    with app.app_context(), session_scope(app) as db:
        # Issue 27's safe reading of the 2026 rules: a case not exempt holds its first conversation by
        # the end of week 8 (4 January 2027, inside the eight weeks counted), beside the one she asked for.
        assert {(c.reason, c.due_count) for c in db.exec(select(WorkloadCount)).all()} == {
            ("conversation_requested", 1), ("first_conversation_due", 1)}
    # After the sweep, Bo (København too, as the CPR register routes him; Ahmed lives in Aarhus) reports
    # sick and asks for a conversation: handed over, and counted at once.
    bo = app.test_client()
    Auth(bo).login("Bo Eksempel")
    his_case = case_id_from(report_sick(bo))
    assert post_form(bo, f"/borger/sag/{his_case}/samtale", {"form": "phone", "reason": "Om min arbejdstid"}
                     ).status_code == 303
    with app.app_context(), session_scope(app) as db:
        counted = {(c.reason, c.due_count) for c in db.exec(select(WorkloadCount)).all()}
    assert counted == {("conversation_requested", 2), ("first_conversation_due", 2)}
    page = text(caseworker(app).get("/jobcenter/arbejdsbyrde"))
    assert re.search(r'<td class="number"><strong>2</strong></td>', page)
    # The next sweep counts everything afresh, and comes to the same.
    with app.app_context(), session_scope(app) as db:
        sweep(db, date(2026, 11, 16))
        assert {(c.reason, c.due_count) for c in db.exec(select(WorkloadCount)).all()} == counted


def test_alerts_back_links_and_error_summaries_get_their_dkfds_icons_from_static_vendor(app):
    case_id = handed_over_case(app)
    mette = caseworker(app)
    page = text(mette.get(f"/jobcenter/sag/{case_id}"))
    assert 'class="back-link"' in page
    css_url = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page).group(1)
    css = text(mette.get(css_url))
    for icon in ("info", "success", "warning", "error", "chevron-left"):
        found = re.search(rf"url\(\.\./vendor/dkfds/img/svg-icons/({icon}\.[0-9a-f]{{12}}\.svg)\)", css)
        assert found, icon
        served = mette.get(f"/static/vendor/dkfds/img/svg-icons/{found.group(1)}")
        assert served.status_code == 200 and served.mimetype == "image/svg+xml" and b"<svg" in served.data


def test_each_face_has_its_own_subtitle(app):
    citizen_subtitle = "Selvbetjening for sygemeldte"
    lise = app.test_client()
    Auth(lise).login(CITIZEN)
    hanne = app.test_client()
    Auth(hanne).login("Hanne Arbejdsgiver", face="employer")
    def subtitle(page) -> str:
        return re.search(r'<span class="portal-brand-sub">([^<]*)</span>', text(page)).group(1)

    assert subtitle(lise.get("/borger/mit-sygefravaer")) == citizen_subtitle
    assert subtitle(hanne.get("/arbejdsgiver/")) == "For arbejdsgivere: jeres medarbejderes sygefravær"
    assert subtitle(caseworker(app).get("/jobcenter/")) == "Jobcenter: sager overdraget fra selvbetjening"


def test_at_expiry_the_page_goes_to_a_clear_logged_out_page_and_the_warning_counts_down(app):
    mette = caseworker(app)
    page = text(mette.get("/jobcenter/"))
    assert 'data-logged-out="/logget-ud"' in page and "data-timeout-countdown" in page
    assert "Vælg, om du vil forblive logget ind eller logge ud." in page
    gone = mette.get("/logget-ud")
    assert gone.status_code == 200 and "<h1>Du er logget ud</h1>" in text(gone)
    assert gone.headers["Cache-Control"] == "no-store"
    assert mette.get("/jobcenter/").status_code == 302   # the session really ended
    mette.get("/sprog/en")
    assert "<h1>You are logged out</h1>" in text(mette.get("/logget-ud"))


def test_the_503_page_speaks_the_browsers_language_when_the_session_cannot_be_read(app):
    mette = caseworker(app)
    app.extensions["portal.engine"] = create_engine("sqlite:////nonexistent-dir/portal.sqlite3")
    english = mette.get("/jobcenter/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.status_code == 503 and "The portal is briefly unavailable" in text(english)
    assert '<html lang="en">' in text(english)
    danish = mette.get("/jobcenter/", headers={"Accept-Language": "da,en;q=0.5"})
    assert danish.status_code == 503 and "Portalen er kortvarigt utilgængelig" in text(danish)


def test_date_hints_have_one_format_in_both_languages(app):
    case_id = handed_over_case(app)
    mette = caseworker(app)
    for path in ("/jobcenter/", f"/jobcenter/sag/{case_id}"):
        html = text(mette.get(path))
        assert "Dato som dd-mm-åååå, for eksempel 30-11-2026." in html
        assert "10 11 2026" not in html and "For eksempel 30-11-2026<" not in html
    mette.get("/sprog/en")
    assert "Date as dd-mm-yyyy, for example 30-11-2026." in text(mette.get(f"/jobcenter/sag/{case_id}"))
