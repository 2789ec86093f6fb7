"""Digital Post, NemSMS and paper through KOMBIT's Serviceplatformen (SF1601), built with Aarhus
Kommune's `python-serviceplatformen`: its MeMo model for Digital Post and NemSMS, its fjernprint
model for paper, its registration look-up (PostForespoerg) and its client, which authenticates with
the municipality's OCES3 certificate.

Two transports take the same requests: `ServiceplatformenTransport` sends them with the library's
client; `FileTransport` (development and tests) writes, per message, exactly the body the
library would send (the `kombi_request` XML) under the outbox folder, for a developer to read.

The CPR number goes into one place only: the MeMo recipient (`recipientID`). A paper letter carries
the address instead (SF1601 wants '0000000000' as its CPR field, the library notes)."""
from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree  # nosec B405 (only builds XML, as the library does; parses none)

from python_serviceplatformen import digital_post
from python_serviceplatformen.models import message as memo
from python_serviceplatformen.models import physical_mail as fp
from python_serviceplatformen.models import xml_util
from xsdata.formats.dataclass.context import XmlContext
from xsdata.formats.dataclass.serializers import XmlSerializer
from xsdata.formats.dataclass.serializers.config import SerializerConfig

from .channels import PostalAddress, Reach

# SF1601's KombiValgKode for each channel (digital_post.send_message and send_physical_mail).
KOMBI_DIGITAL_POST = "Digital Post"
KOMBI_NEMSMS = "NemSMS"
KOMBI_PHYSICAL = "Fysisk Post"
NO_CPR = "0000000000"  # fjernprint's recipient CPR field: always this, the address says where
CASE_SYSTEM = "Sygefravær selvbetjening"


@dataclass(frozen=True)
class Sender:
    """Who the citizen sees as the sender: the municipality's CVR number and a label."""
    cvr: str
    label: str


@dataclass(frozen=True)
class Document:
    """A file in a message: the letter's PDF, or the text of the message itself."""
    filename: str
    mime: str
    content: bytes
    label: str | None = None


def _file(document: Document, language: str) -> memo.File:
    return memo.File(encodingFormat=document.mime, filename=document.filename, language=language,
                     content=base64.b64encode(document.content).decode())


def digital_post_message(*, uuid_: str, cpr: str, sender: Sender, label: str, text: str, language: str,
                         notice: str | None, link: str | None, link_label: str, case_id: int | None,
                         letter: Document | None, created: datetime) -> memo.Message:
    """A MeMo Digital Post message: the text as its main document (with a link to the portal as a
    self-service action), and the letter's PDF, where there is one, as an additional document."""
    actions = (memo.Action(label=link_label, actionCode="SELVBETJENING", entryPoint=memo.EntryPoint(url=link)),) \
        if link else None
    additional = (memo.AdditionalDocument(label=letter.label, files=(_file(letter, language),)),) if letter else None
    return memo.Message(
        messageHeader=memo.MessageHeader(
            messageType="DIGITALPOST", messageUUID=uuid_, label=label[:150], notification=notice,
            sender=memo.Sender(senderID=sender.cvr, idType="CVR", label=sender.label),
            recipient=memo.Recipient(recipientID=cpr, idType="CPR"),
            contentData=memo.ContentData(caseID=memo.CaseID(caseID=str(case_id), caseSystem=CASE_SYSTEM))
            if case_id else None),
        messageBody=memo.MessageBody(
            createdDateTime=created.astimezone(UTC),
            mainDocument=memo.MainDocument(
                label=label[:150],
                files=(_file(Document("besked.txt" if language == "da" else "message.txt",
                                      "text/plain", text.encode()), language),),
                actions=actions),
            additionalDocuments=additional))


def nemsms_message(*, uuid_: str, cpr: str, sender: Sender, label: str, notice: str) -> memo.Message:
    """A NemSMS notice (the library's recipe, with the outbox's own messageUUID)."""
    message = memo.create_nemsms(label[:150], notice, memo.Sender(senderID=sender.cvr, idType="CVR",
                                                                    label=sender.label),
                                 memo.Recipient(recipientID=cpr, idType="CPR"))
    message.messageHeader.messageUUID = uuid_
    return message


def physical_mail(*, uuid_: str, address: PostalAddress, title: str, pdf: bytes, type_id: int) -> fp.ForsendelseI:
    """A paper letter (fjernprint): the PDF, the address, and the type the print supplier gave."""
    return fp.ForsendelseI(
        afsendelse_identifikator=fp.AfsendelseIdentifikator(value=uuid_),
        forsendelse_type_identifikator=fp.ForsendelseTypeIdentifikator(value=type_id),
        forsendelse_modtager=fp.ForsendelseModtager(
            afsendelse_modtager=fp.AfsendelseModtager(cpr_nummer_identifikator=fp.CPRnummerIdentifikator(value=NO_CPR)),
            modtager_adresse=fp.ModtagerAdresse(
                person_name=fp.PersonName(value=address.name[:130]),
                street_name=fp.StreetName(value=address.street[:40]),
                street_building_identifier=fp.StreetBuildingIdentifier(value=address.building),
                post_code_identifier=fp.PostCodeIdentifier(value=address.postcode),  # (the model has no town)
                country_identification_code=fp.CountryIdentificationCode(
                    value=address.country, scheme=fp.CountryIdentificationSchemeType.ISO3166_ALPHA2))),
        filformat_navn=fp.FilformatNavn(value="pdf"),
        meddelelse_indhold_data=fp.MeddelelseIndholdData(value=base64.b64encode(pdf).decode()),
        transaktions_parametre_i=fp.TransaktionsParametreI(),
        dokument_parametre=fp.DokumentParametre(titel_tekst=fp.TitelTekst(value=title)))


# The request bodies exactly as python-serviceplatformen 3.2.0 builds them in
# digital_post.send_message and send_physical_mail (tests/web/test_serviceplatformen.py checks that
# the client sends these very bytes, so the files a developer reads are what would go).
def memo_request_body(kombi_valg_kode: str, message: memo.Message) -> str:
    element = ElementTree.Element("kombi_request")
    ElementTree.SubElement(element, "KombiValgKode").text = kombi_valg_kode
    element.append(xml_util.dataclass_to_xml(message))
    return ElementTree.tostring(element, encoding="utf8").decode()


def physical_request_body(forsendelse: fp.ForsendelseI) -> str:
    serializer = XmlSerializer(context=XmlContext(), config=SerializerConfig(xml_declaration=False))
    return serializer.render(fp.KombiRequest(kombi_valg_kode=KOMBI_PHYSICAL,
                                             forsendelse_i_samling=fp.ForsendelseISamling(forsendelse_i=forsendelse)))


class FileTransport:
    """Development: each request written as the file `<outbox id>-<kind>.<channel>.xml`. Returns a
    transaction id as the real client does (the library makes it: X-TransaktionsId)."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def _write(self, name: str, body: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_text(body, encoding="utf-8")
        return str(uuid.uuid4())

    def send_memo(self, kombi_valg_kode: str, message: memo.Message, name: str) -> str:
        return self._write(f"{name}.xml", memo_request_body(kombi_valg_kode, message))

    def send_physical(self, forsendelse: fp.ForsendelseI, name: str) -> str:
        return self._write(f"{name}.xml", physical_request_body(forsendelse))


class ServiceplatformenTransport:
    """Production: the library's client (SF1601 KombiPostAfsend), authenticated by `access`
    (a KombitAccess with the certificate, the CVR number and the test or production system)."""

    def __init__(self, access):
        self.access = access

    def send_memo(self, kombi_valg_kode: str, message: memo.Message, name: str) -> str:
        return digital_post.send_message(kombi_valg_kode, message, self.access)

    def send_physical(self, forsendelse: fp.ForsendelseI, name: str) -> str:
        return digital_post.send_physical_mail(forsendelse, self.access)


class DevelopmentRegistry:
    """Development and tests: who is registered for what, from a table of fictitious CPR numbers
    (PORTAL_POST_TEST_RECIPIENTS, a JSON file). Anyone not in it is registered for Digital Post
    only, as most citizens are. The address for paper comes from `addresses` (the CPR register, as
    in production) where the table gives none."""

    def __init__(self, table: dict[str, Reach], default: Reach | None = None, addresses=None):
        self.table, self.default = table, default or Reach(digital_post=True)
        self.addresses = addresses

    @classmethod
    def from_file(cls, path: str, addresses=None) -> DevelopmentRegistry:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        table = {}
        for row in data["recipients"]:
            address = PostalAddress(**row["address"]) if row.get("address") else None
            table[row["cpr"]] = Reach(digital_post=row["digital_post"], nemsms=row.get("nemsms", False),
                                      address=address)
        return cls(table, addresses=addresses)

    def reach(self, cpr: str) -> Reach:
        reach = self.table.get(cpr, self.default)
        if not reach.digital_post and reach.address is None and self.addresses:
            return Reach(digital_post=False, nemsms=reach.nemsms, address=self.addresses(cpr))
        return reach


class ServiceplatformenRegistry:
    """Production: the library's registration look-up (SF1601 PostForespoerg) for Digital Post and
    NemSMS. The address for paper is not in SF1601; it comes from `addresses` (a callable from CPR
    number to PostalAddress: the CPR register, portal.register), read when the letter is sent and
    never stored."""

    def __init__(self, access, addresses=None):
        self.access, self.addresses = access, addresses

    def reach(self, cpr: str) -> Reach:
        digital = digital_post.is_registered(cpr, "digitalpost", self.access)
        sms = digital_post.is_registered(cpr, "nemsms", self.access)
        address = self.addresses(cpr) if (self.addresses and not digital) else None
        return Reach(digital_post=bool(digital), nemsms=bool(sms), address=address)


def kombit_access(config: dict):
    """The library's KombitAccess from the configuration: the sender's CVR number, the certificate
    (PEM with the key) and the test or production system."""
    from python_serviceplatformen.authentication import KombitAccess

    return KombitAccess(cvr=config["PORTAL_SF_CVR"], cert_path=config["PORTAL_SF_CERTIFICATE"],
                        test=config["PORTAL_SF_TEST"])
