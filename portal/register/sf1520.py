"""The CPR register through KOMBIT's Serviceplatformen: SF1520 PersonBaseDataExtended, version 5,
operation PersonLookup, as SOAP 1.1 over HTTPS with the municipality's OCES3 certificate (mutual
TLS) and the service agreement's four UUIDs in the request's InvocationContext.

Magenta's `service-person-stamdata-udvidet` (PyPI 1.0.3) sends this same envelope, but it is not
used: it pins requests 2.28.2, urllib3 1.26.14 and certifi 2022.12.7 exactly (ours are newer, and
those have published vulnerabilities), posts without a timeout, fixes the service URL (no stand-in
can answer it in tests) and hands back a flat dict of every field. The envelope is twelve lines;
it is built here with ElementTree, sent with requests, and the answer read with defusedxml.

Only what routing and letters need is read from the answer: the residence municipality
(kommunekode), the name, the current address, name and address protection and the status (90:
dead). The CPR number is in the request body only, never in a URL or a log line."""
from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree  # nosec B405 (builds the request only; the answer is read with defusedxml)

import requests
from defusedxml import ElementTree as SafeElementTree

from ..notify.channels import PostalAddress
from . import NotInRegister, Person, RegisterUnavailable

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
PBDE = "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/5/"
INVOCATION = "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"
PNR = "http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/"
SOAP_ACTION = "http://serviceplatformen.dk/service/CPR/PersonBaseDataExtended/5/PersonLookup"
DEAD = "90"  # CPR status: død


def lookup_envelope(cpr: str, service_agreement: str, user_system: str, user: str, service: str) -> bytes:
    """The PersonLookupRequest as Serviceplatformen wants it (its examples are Latin-1 encoded)."""
    for prefix, namespace in (("soapenv", SOAP), ("pbde", PBDE), ("invctx", INVOCATION), ("pnr", PNR)):
        ElementTree.register_namespace(prefix, namespace)
    envelope = ElementTree.Element(f"{{{SOAP}}}Envelope")
    ElementTree.SubElement(envelope, f"{{{SOAP}}}Header")
    body = ElementTree.SubElement(envelope, f"{{{SOAP}}}Body")
    request = ElementTree.SubElement(body, f"{{{PBDE}}}PersonLookupRequest")
    context = ElementTree.SubElement(request, f"{{{INVOCATION}}}InvocationContext")
    for name, value in (("ServiceAgreementUUID", service_agreement), ("UserSystemUUID", user_system),
                        ("UserUUID", user), ("ServiceUUID", service)):
        ElementTree.SubElement(context, f"{{{INVOCATION}}}{name}").text = value
    ElementTree.SubElement(request, f"{{{PNR}}}PNR").text = cpr
    return ElementTree.tostring(envelope, encoding="ISO-8859-1")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element, *path: str):
    """The descendant by local names (the answer's elements come with or without a namespace)."""
    for name in path:
        if element is None:
            return None
        element = next((child for child in element if _local(child.tag) == name), None)
    return element


def _text(element, *path: str) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def person_from_answer(body: bytes, read_at: datetime) -> Person:
    """The PersonLookupResponse read into a Person; a SOAP fault as RegisterUnavailable (or
    NotInRegister for "PNR not found")."""
    root = SafeElementTree.fromstring(body)
    soap_body = _child(root, "Body")
    fault = _child(soap_body, "Fault")
    if fault is not None:
        text = _text(fault, "faultstring")
        if "not found" in text.lower():
            raise NotInRegister("the register knows no such person")
        raise RegisterUnavailable("the register answered with a SOAP fault")
    answer = _child(soap_body, "PersonLookupResponse")
    if answer is None:
        raise RegisterUnavailable("the register's answer holds no PersonLookupResponse")
    data = _child(answer, "persondata")
    names = [_text(data, "navn", part) for part in ("fornavn", "mellemnavn", "efternavn")]
    name = _text(data, "navn", "personadresseringsnavn") or " ".join(part for part in names if part)
    current = _child(answer, "adresse", "aktuelAdresse")
    municipality = _text(current, "kommunekode").lstrip("0")
    address = None
    if current is not None and _text(current, "vejnavn"):
        building = " ".join(part for part in (_text(current, "husnummer"), _text(current, "etage"),
                                              _text(current, "sidedoer")) if part)
        address = PostalAddress(name=name, street=_text(current, "vejnavn"), building=building,
                                postcode=_text(current, "postnummer"), city=_text(current, "postdistrikt"))
    protected = _text(data, "adressebeskyttelse", "beskyttet").lower() == "true"
    return Person(municipality=municipality, name=name, address=address, protected=protected,
                  dead=_text(data, "status", "status") == DEAD, read_at=read_at)


class Sf1520Register:
    """Serviceplatformen's SF1520, with `certificate` (a PEM file with the OCES3 certificate and its
    key) for mutual TLS."""

    def __init__(self, url: str, certificate: str, service_agreement: str, user_system: str, user: str,
                 service: str, timeout: float = 10, verify: bool | str = True):
        self.url, self.certificate, self.timeout, self.verify = url, certificate, timeout, verify
        self.uuids = (service_agreement, user_system, user, service)

    @classmethod
    def from_config(cls, config: dict) -> Sf1520Register:
        return cls(config["PORTAL_REGISTER_URL"], config["PORTAL_SF_CERTIFICATE"],
                   config["PORTAL_REGISTER_SERVICE_AGREEMENT_UUID"], config["PORTAL_REGISTER_USER_SYSTEM_UUID"],
                   config["PORTAL_REGISTER_USER_UUID"], config["PORTAL_REGISTER_SERVICE_UUID"],
                   config["PORTAL_REGISTER_TIMEOUT_SECONDS"])

    def lookup(self, cpr: str) -> Person:
        try:
            response = requests.post(self.url, data=lookup_envelope(cpr, *self.uuids), timeout=self.timeout,
                                     cert=self.certificate, verify=self.verify,
                                     headers={"Content-Type": "text/xml; charset=ISO-8859-1",
                                              "SOAPAction": f'"{SOAP_ACTION}"'})
        except requests.RequestException as exc:
            raise RegisterUnavailable(f"the register did not answer: {type(exc).__name__}") from None
        if response.status_code not in (200, 500):  # a SOAP fault comes with 500
            raise RegisterUnavailable(f"the register answered HTTP {response.status_code}")
        try:
            return person_from_answer(response.content, datetime.now(UTC))
        except SafeElementTree.ParseError:
            raise RegisterUnavailable(f"the register's answer is not XML (HTTP {response.status_code})") from None
