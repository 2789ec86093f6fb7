"""The municipality's own voice: every page's footer links the accessibility statement, the privacy
notice and the contact page, in both languages and on every face; each face has its own footer
words; the privacy notice is the municipality's own; the citizen's case page names her
municipality; and the profiles are data a municipality edits, checked at startup."""
from __future__ import annotations

import re

import pytest

from portal.municipality_profiles import MunicipalityProfileError
from tests.conftest import Auth

from .test_citizen_journey import case_id_from, report_sick, text

STATEMENTS = {"/tilgaengelighed": ("Tilgængelighedserklæring", "Accessibility statement"),
              "/privatliv": ("Privatlivspolitik", "Privacy notice"),
              "/kontakt": ("Kontakt", "Contact")}
FACES = {"citizen": ("Lise Testesen", "/borger/mit-sygefravaer"), "employer": ("Hanne Arbejdsgiver", "/arbejdsgiver/"),
         "caseworker": ("Mette Sagsbehandler", "/jobcenter/")}


def footer_of(html: str) -> str:
    found = re.search(r'<footer class="footer" data-face="(\w+)">(.*?)</footer>', html, re.S)
    assert found, "no footer"
    return found.group(0)


def footer_links(html: str) -> dict[str, str]:
    return {re.sub(r"\s+", " ", label).strip(): href
            for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', footer_of(html))}


def h1_of(html: str) -> str:
    return re.sub(r"<[^>]+>|\s+", " ", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)).strip()


@pytest.mark.parametrize("face", FACES)
def test_every_face_links_the_three_statements_in_both_languages(app, face):
    client = app.test_client()
    name, home = FACES[face]
    Auth(client).login(name, face)
    for language, index in (("da", 0), ("en", 1)):
        client.get(f"/sprog/{language}")
        page = client.get(home, follow_redirects=True)
        assert page.status_code == 200 and page.request.path.startswith(home), page.request.path
        links = footer_links(text(page))
        for path, titles in STATEMENTS.items():
            assert links.get(titles[index]) == path, (language, links)
            statement = client.get(path, follow_redirects=True)
            assert statement.status_code == 200
            assert h1_of(text(statement)).startswith(titles[index])
            assert footer_links(text(statement)).get(titles[index]) == path


def test_each_face_has_its_own_footer_words(app):
    footers = {}
    for face, (name, home) in FACES.items():
        client = app.test_client()
        Auth(client).login(name, face)
        footers[face] = footer_of(text(client.get(home, follow_redirects=True)))
    assert "Skriv ikke din diagnose" in footers["citizen"]
    assert "medarbejderens kommune" in footers["employer"] and "Skriv ikke din diagnose" not in footers["employer"]
    assert "skrevet i loggen" in footers["caseworker"] and "Skriv ikke din diagnose" not in footers["caseworker"]
    anonymous = app.test_client()  # before login: the citizen's words, the likeliest visitor
    assert "Skriv ikke din diagnose" in footer_of(text(anonymous.get("/")))


def test_the_accessibility_statement_follows_digitaliseringsstyrelsens_structure(client):
    page = text(client.get("/tilgaengelighed"))
    for heading in ("Overholdelsesstatus", "Ikke-tilgængeligt indhold", "Sådan er erklæringen udarbejdet",
                    "Feedback og kontaktoplysninger", "Håndhævelsesprocedure"):
        assert f">{heading}</h2>" in page
    assert "delvist i overensstemmelse med standarden EN 301 549" in page
    assert 'href="https://digst.dk/digital-inklusion/webtilgaengelighed/"' in page
    assert "4. december 2026" in page and 'href="/kontakt"' in page
    client.get("/sprog/en")
    english = text(client.get("/tilgaengelighed"))
    assert ">Compliance status</h2>" in english and ">Enforcement procedure</h2>" in english


def test_the_privacy_notice_is_the_citizens_municipalitys_own(app):
    lise = app.test_client()
    Auth(lise).login("Lise Testesen")
    assert text(lise.get("/privatliv")).count('href="/privatliv/') >= 3  # no case yet: she chooses
    case_id = case_id_from(report_sick(lise))
    chosen = lise.get("/privatliv")
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith("/privatliv/101")
    notice = text(lise.get("/privatliv/101"))
    for words in ("Dataansvarlig", "Københavns Kommune", "Databeskyttelsesrådgiver", "databeskyttelse@kk.example.dk",
                  "Sygedagpengeloven", "artikel 6, stk. 1, litra e", "artikel 9, stk. 2, litra b",
                  "Udbetaling Danmark", "Din arbejdsgiver", "5 år", "Ret til indsigt", "Datatilsynet"):
        assert words in notice, words
    assert "Aarhus Kommune" in text(lise.get("/privatliv/751"))
    assert lise.get("/privatliv/999").status_code == 404
    lise.get("/sprog/en")
    english = text(lise.get("/privatliv/101"))
    assert "Controller" in english and "art. 9(2)(b)" in english and "Complaint to Datatilsynet" in english
    case_page = text(lise.get(f"/borger/sag/{case_id}"))
    assert "Your municipality" in case_page and "Københavns Kommune" in case_page and "33 66 33 66" in case_page


def test_the_contact_page_puts_the_visitors_municipality_first(app):
    karsten = app.test_client()
    Auth(karsten).login("Karsten Sagsbehandler", "caseworker")
    page = text(karsten.get("/kontakt"))
    assert "Din kommune er Aarhus Kommune." in page
    assert page.index("Jobcenter Aarhus") < page.index("Jobcenter København")
    assert "89 40 20 00" in page and "Mandag–fredag 10–14" in page


def write(tmp_path, content: str) -> str:
    path = tmp_path / "profiles.toml"
    path.write_text(content, encoding="utf-8")
    return str(path)


GOOD = """[101]
name = "Testby Kommune"
jobcenter = "Jobcenter Testby"
team_da = "Team Syg"
team_en = "Team Sick"
address = "Testvej 1, 9999 Testby"
phone = "12 34 56 78"
email = "syg@testby.example.dk"
web = "https://testby.example.dk"
opening_hours_da = "Hver dag 8–9"
opening_hours_en = "Every day 8–9"
dpo_name = "DPO Testby"
dpo_email = "dpo@testby.example.dk"
"""


def test_a_municipality_edits_its_profile_without_code(make_app, tmp_path):
    app = make_app(PORTAL_MUNICIPALITY_PROFILES=write(tmp_path, GOOD))
    lise = app.test_client()
    Auth(lise).login("Lise Testesen")
    case_id = case_id_from(report_sick(lise))
    assert "Testby Kommune" in text(lise.get(f"/borger/sag/{case_id}"))
    assert "Hver dag 8–9" in text(lise.get("/kontakt")) and "Aarhus" not in text(lise.get("/kontakt"))


@pytest.mark.parametrize("content, message", [
    ("[101\nname = ", "is not valid TOML"),
    (GOOD.replace('phone = "12 34 56 78"\n', ""), "[101] phone: missing or empty"),
    (GOOD.replace("syg@testby.example.dk", "syg at testby"), "[101] email: 'syg at testby' is not an e-mail address"),
    (GOOD.replace("https://testby", "http://testby"), "[101] web: 'http://testby.example.dk' must start with https://"),
    (GOOD.replace("[101]", "[999]"), "'999' is not a municipality code"),
    (GOOD + 'fax = "1"\n', "[101] fax: not a profile field"),
    (GOOD + 'logo = "img/none.png"\n', "[101] logo: 'img/none.png' is not a file under static/"),
    ("", "no municipality in the file"),
])
def test_a_malformed_profile_file_stops_the_start_with_a_clear_error(make_app, tmp_path, content, message):
    with pytest.raises(MunicipalityProfileError) as error:
        make_app(PORTAL_MUNICIPALITY_PROFILES=write(tmp_path, content))
    assert message in str(error.value) and str(tmp_path / "profiles.toml") in str(error.value)


def test_a_missing_profile_file_is_named(make_app, tmp_path):
    with pytest.raises(MunicipalityProfileError, match="no file at .*nowhere.toml"):
        make_app(PORTAL_MUNICIPALITY_PROFILES=str(tmp_path / "nowhere.toml"))
