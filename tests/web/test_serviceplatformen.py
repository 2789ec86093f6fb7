"""The real Serviceplatformen client (python-serviceplatformen's, with the certificate) as far as
it can run without Serviceplatformen: against a stand-in SF1601 on a loopback port. The token
exchange (SAML at KOMBIT's adgangsstyring, then an access token) is not run: its URLs are fixed in
the library, so the tests hand KombitAccess its tokens. Also: the configuration that production
refuses, and that the files a developer reads are the very bytes the client sends."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal import create_app
from portal.config import UnsafeProductionConfig, from_environment
from portal.notify.channels import PostalAddress, Reach
from portal.notify.serviceplatformen import (
    KOMBI_DIGITAL_POST,
    KOMBI_NEMSMS,
    Document,
    FileTransport,
    Sender,
    ServiceplatformenRegistry,
    ServiceplatformenTransport,
    digital_post_message,
    kombit_access,
    nemsms_message,
    physical_mail,
)
from tests import memo_schema
from tests.conftest import PRODUCTION_REGISTER, write_test_certificate

from .test_foundation import PRODUCTION_SECRETS, REAL_LOGIN

CPR = "7203854312"
# MeMo's message ids are random (version 4) UUIDs; fixed here so a message built twice is the same bytes.
UUIDS = ["0b6f2c9e-3d41-4a8e-9c57-2e1f8a6d4b30", "5d0e7a12-8c3f-4b96-a1d4-7f2e9c0b6a58",
         "c93a4e71-0f5b-4d28-b6e3-41a9d7c2e805"]
SENDER = Sender(cvr="11223344", label="Jobcenter København")


def a_letter():
    return digital_post_message(
        uuid_=UUIDS[0], cpr=CPR, sender=SENDER, label="Din opfølgningsplan",
        text="Jobcentret har lavet din opfølgningsplan.", language="da", notice="Din opfølgningsplan er klar",
        link="https://sygefravaer.example.dk/borger/sag/3", link_label="Log ind i selvbetjeningen", case_id=3,
        letter=Document("opfoelgningsplan-version-1.pdf", "application/pdf", b"%PDF-1.7 test", "Opfølgningsplan"),
        created=datetime(2026, 11, 22, 9, 0, tzinfo=UTC))


def test_the_client_sends_exactly_what_the_file_sender_writes(serviceplatformen, certificate, tmp_path):
    real = ServiceplatformenTransport(serviceplatformen.access(certificate))
    files = FileTransport(str(tmp_path))
    sms = nemsms_message(uuid_=UUIDS[1], cpr=CPR, sender=SENDER, label="Husk dit oplysningsskema",
                         notice="Husk at besvare dit oplysningsskema senest 24. november 2026")
    paper = physical_mail(uuid_=UUIDS[2], title="Husk dit oplysningsskema", pdf=b"%PDF-1.7 test",
                          type_id=265, address=PostalAddress("Bo Eksempel", "Prøvevej", "12", "8000", "Aarhus C"))
    references = [real.send_memo(KOMBI_DIGITAL_POST, a_letter(), "a"), real.send_memo(KOMBI_NEMSMS, sms, "b"),
                  real.send_physical(paper, "c")]
    files.send_memo(KOMBI_DIGITAL_POST, a_letter(), "a")
    files.send_memo(KOMBI_NEMSMS, sms, "b")
    files.send_physical(paper, "c")
    posts = serviceplatformen.posts()
    assert [p["path"] for p in posts] == ["/service/KombiPostAfsend_1/memos"] * 2 + ["/service/KombiPostAfsend_1/kombi"]
    for post, name, reference in zip(posts, "abc", references, strict=True):
        assert post["body"] == (tmp_path / f"{name}.xml").read_bytes()
        assert post["headers"]["Content-Type"] == "application/xml"
        assert post["headers"]["authorization"] == "Bearer test-token-for-kombipostafsend"
        assert post["headers"]["X-TransaktionsId"] == reference  # what the outbox keeps to trace it


def test_the_registration_look_up_asks_for_digital_post_and_nemsms(serviceplatformen, certificate):
    serviceplatformen.registered[CPR] = {"digitalpost": True, "nemsms": True}
    registry = ServiceplatformenRegistry(serviceplatformen.access(certificate))
    assert registry.reach(CPR) == Reach(digital_post=True, nemsms=True)
    assert registry.reach("8511774323") == Reach(digital_post=False, nemsms=False)  # exempt, no address known
    asked = [(r["path"], r["query"]) for r in serviceplatformen.requests]
    assert asked[:2] == [("/service/PostForespoerg_1/digitalpost", {"cprNumber": [CPR]}),
                         ("/service/PostForespoerg_1/nemsms", {"cprNumber": [CPR]})]
    assert all(r["headers"]["authorization"] == "Bearer test-token-for-postforespoerg"
               for r in serviceplatformen.requests)


def test_an_exempt_citizen_gets_the_address_from_the_address_source(serviceplatformen, certificate):
    home = PostalAddress("Bo Eksempel", "Prøvevej", "12", "8000", "Aarhus C")
    registry = ServiceplatformenRegistry(serviceplatformen.access(certificate), addresses=lambda cpr: home)
    assert registry.reach("8511774323").address == home


def test_the_access_is_built_from_the_configuration(certificate, monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_SF_CVR", "11223344")
    monkeypatch.setenv("PORTAL_SF_CERTIFICATE", certificate)
    config = from_environment(str(tmp_path))
    access = kombit_access(config)
    assert (access.cvr, access.cert_path, access.test) == ("11223344", certificate, True)
    assert access.environment == "https://exttest.serviceplatformen.dk"  # development: KOMBIT's test system
    monkeypatch.setenv("PORTAL_SF_TEST", "0")
    assert kombit_access(from_environment(str(tmp_path))).environment == "https://prod.serviceplatformen.dk"


def production(monkeypatch, tmp_path, **env):
    for name, value in {**PRODUCTION_SECRETS, **REAL_LOGIN, "PORTAL_ENV": "production", "PORTAL_DEV_IDP": "0",
                        "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3", **env}.items():
        monkeypatch.setenv(name, value)
    return create_app()


def test_production_refuses_digital_post_without_a_certificate(monkeypatch, tmp_path):
    with pytest.raises(UnsafeProductionConfig, match="Digital Post is configured but PORTAL_SF_CERTIFICATE is not set"):
        production(monkeypatch, tmp_path, PORTAL_SF_CVR="11223344", PORTAL_PHYSICAL_MAIL_TYPE="265")


@pytest.mark.parametrize("content, message", [
    (None, "names no readable file"),
    (b"not a certificate", "holds no PEM certificate"),
    ("cert-only", "holds no unencrypted private key"),
])
def test_production_refuses_a_certificate_it_cannot_use(monkeypatch, tmp_path, content, message):
    path = tmp_path / "oces3.pem"
    if content == "cert-only":
        write_test_certificate(path)
        path.write_bytes(path.read_bytes().split(b"-----BEGIN PRIVATE KEY-----")[0])
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(UnsafeProductionConfig, match=message):
        production(monkeypatch, tmp_path, PORTAL_SF_CVR="11223344", PORTAL_PHYSICAL_MAIL_TYPE="265",
                   PORTAL_SF_CERTIFICATE=str(path))


@pytest.mark.parametrize("env, message", [
    ({"PORTAL_POST_SENDER": "file"}, "PORTAL_POST_SENDER is file"),
    ({"PORTAL_POST_SENDER": "digitalpost"}, "PORTAL_POST_SENDER must be one of"),
    ({"PORTAL_PHYSICAL_MAIL_TYPE": "265"}, "PORTAL_SF_CVR is not the municipality's CVR number"),
    ({"PORTAL_SF_CVR": "11223344"}, "PORTAL_PHYSICAL_MAIL_TYPE is not set"),
])
def test_production_refuses_the_rest_of_a_half_configured_digital_post(monkeypatch, tmp_path, certificate, env,
                                                                         message):
    with pytest.raises(UnsafeProductionConfig, match=message):
        production(monkeypatch, tmp_path, PORTAL_SF_CERTIFICATE=certificate, **env)


def test_production_starts_with_digital_post_configured(monkeypatch, tmp_path, certificate):
    app = production(monkeypatch, tmp_path, PORTAL_SF_CVR="11223344", PORTAL_PHYSICAL_MAIL_TYPE="265",
                     PORTAL_SF_CERTIFICATE=certificate, **PRODUCTION_REGISTER)
    assert app.config["PORTAL_POST_SENDER"] == "serviceplatformen" and app.config["PORTAL_SF_TEST"] is False
    from portal.notify.senders import sender_for

    sender = sender_for(app)
    assert isinstance(sender.transport, ServiceplatformenTransport)
    assert isinstance(sender.registry, ServiceplatformenRegistry)
    assert sender.transport.access.environment == "https://prod.serviceplatformen.dk"


@pytest.mark.skipif(not memo_schema.available(), reason=memo_schema.WHY_NOT)
def test_digital_post_and_nemsms_messages_are_valid_memo_and_a_name_based_id_is_not():
    sms = nemsms_message(uuid_=UUIDS[1], cpr=CPR, sender=SENDER, label="Husk dit oplysningsskema",
                         notice="Husk at besvare dit oplysningsskema senest 24. november 2026")
    from portal.notify.serviceplatformen import memo_request_body

    for message, kombi in ((a_letter(), KOMBI_DIGITAL_POST), (sms, KOMBI_NEMSMS)):
        assert memo_schema.memo_errors(memo_request_body(kombi, message)) == []
    # the id the portal used to make (uuid5, from the outbox id): KOMBIT refuses it, and so do the tests
    sms.messageHeader.messageUUID = "63ebd93c-e067-5ea8-8540-b456ae87896b"
    assert any("messageUUID" in error for error in memo_schema.memo_errors(memo_request_body(KOMBI_NEMSMS, sms)))
