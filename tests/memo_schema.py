"""Every MeMo message the portal writes is checked against the MeMo schema Digital Post publishes
(../shared/schemas/memo, beside the project): the version the message names (memoVersion)."""
from __future__ import annotations

from functools import cache
from pathlib import Path
from xml.etree import ElementTree  # noqa: S405 (our own test output)

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "memo"
MEMO = "{https://DigitalPost.dk/MeMo-1}"
WHY_NOT = f"the MeMo schemas are not at {SCHEMAS} (../shared beside the project)"


def available() -> bool:
    return (SCHEMAS / "MeMo_core.xsd").exists()


@cache
def _schema(version: str):
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMAS / ("MeMo_core.xsd" if version == "1.1" else f"{version}/MeMo_core.xsd")))


def memo_errors(request_body: str | bytes) -> list[str]:
    """What the schema refuses in the MeMo message of one request body (a `kombi_request` as
    SF1601 gets it, or a bare MeMo message); [] for a body with no MeMo message (paper)."""
    text = request_body.decode("utf-8") if isinstance(request_body, bytes) else request_body
    if text.startswith("<?xml"):  # the library declares encoding='utf8', which expat does not know
        text = text.split("?>", 1)[1]
    root = ElementTree.fromstring(text)  # noqa: S314
    message = root if root.tag == f"{MEMO}Message" else root.find(f"{MEMO}Message")
    if message is None:
        return []
    schema = _schema(message.get("memoVersion", "1.1"))
    return [f"{error.path}: {error.reason}" for error in schema.iter_errors(message)]


def invalid_files(folder: Path) -> dict[str, list[str]]:
    """Each request file in an outbox folder whose MeMo message the schema refuses, with why."""
    found = {}
    for path in sorted(folder.glob("*.xml")) if folder.is_dir() else ():
        errors = memo_errors(path.read_text(encoding="utf-8"))
        if errors:
            found[path.name] = errors
    return found
