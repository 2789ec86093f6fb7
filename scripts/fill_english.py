"""The source strings are English, so the English catalogue repeats them: fill every empty
English msgstr with its msgid. Danish is never filled automatically: a person translates it."""
from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def main() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = message.id
        elif not message.string:
            message.string = message.id
    with PO.open("wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True, width=100)


if __name__ == "__main__":
    main()
