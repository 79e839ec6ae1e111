"""Drives the official Anki backend (PyPI `anki`) for tests/cli/apkg.rs.

Usage: python anki_helper.py <command> <collection.anki2> [package.apkg]

  import  imports a package with Anki's default options (update notes and note types "if
          newer", no scheduling) and prints the importer's log counts
  dump    prints every note, card (with its rendered sides and scheduling) and deck
  review  answers every card once with "Easy", so each gets an interval and a revlog entry
  find    prints the cards a browser search finds (`find <collection> <search>`)
  empty   prints the cards Tools > Empty Cards would delete

Every command prints one JSON object on stdout. The collection file is created when missing.
"""

import json
import os
import sys

from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)


def import_package(col, package):
    options = ImportAnkiPackageOptions()  # protobuf defaults = Anki's defaults (IF_NEWER)
    result = col.import_anki_package(
        ImportAnkiPackageRequest(package_path=package, options=options)
    )
    log = result.log
    return {
        "new": len(log.new),
        "updated": len(log.updated),
        "duplicate": len(log.duplicate),
        "conflicting": len(log.conflicting),
        "first_field_match": len(log.first_field_match),
        "missing_notetype": len(log.missing_notetype),
        "missing_deck": len(log.missing_deck),
        "empty_first_field": len(log.empty_first_field),
        "found_notes": log.found_notes,
    }


def dump(col):
    notes = []
    for nid in sorted(col.find_notes("")):
        note = col.get_note(nid)
        cards = []
        for card in sorted(note.cards(), key=lambda c: c.ord):
            cards.append(
                {
                    "id": card.id,
                    "ord": card.ord,
                    "deck": col.decks.name(card.did),
                    "type": card.type,
                    "queue": card.queue,
                    "ivl": card.ivl,
                    "reps": card.reps,
                    "revlog": col.db.scalar(
                        "select count() from revlog where cid = ?", card.id
                    ),
                    "question": card.question(reload=True),
                    "answer": card.answer(),
                }
            )
        notes.append(
            {
                "id": note.id,
                "guid": note.guid,
                "mod": note.mod,
                "notetype": note.note_type()["name"],
                "fields": dict(note.items()),
                "tags": sorted(note.tags),
                "cards": cards,
            }
        )
    return {
        "notes": notes,
        "notetypes": sorted(m["name"] for m in col.models.all()),
        "decks": sorted(d.name for d in col.decks.all_names_and_ids()),
        "media": sorted(os.listdir(col.media.dir())),
    }


def review(col):
    answered = 0
    for deck in col.decks.all_names_and_ids():
        col.decks.select(deck.id)
        while True:
            card = col.sched.getCard()
            if card is None:
                break
            col.sched.answerCard(card, 4)
            answered += 1
    return {"answered": answered}


def card_row(col, card):
    return {"item": card.note()["Id"], "ord": card.ord, "deck": col.decks.name(card.did)}


def find(col, search):
    return {"cards": [card_row(col, col.get_card(cid)) for cid in sorted(col.find_cards(search))]}


def empty_cards(col):
    report = col.get_empty_cards()
    ids = sorted(cid for note in report.notes for cid in note.card_ids)
    return {"cards": [card_row(col, col.get_card(cid)) for cid in ids]}


def main():
    command, path = sys.argv[1], sys.argv[2]
    col = Collection(path)
    try:
        if command == "import":
            result = import_package(col, sys.argv[3])
        elif command == "dump":
            result = dump(col)
        elif command == "review":
            result = review(col)
        elif command == "find":
            result = find(col, sys.argv[3])
        elif command == "empty":
            result = empty_cards(col)
        else:
            raise SystemExit(f"unknown command {command}")
    finally:
        col.close()
    json.dump(result, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
