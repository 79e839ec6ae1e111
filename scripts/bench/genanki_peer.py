"""The peer: the benchmark corpus (items.json) into one .apkg with genanki and Python-Markdown.

What an author without cardsmith would write: Markdown to HTML per field (fenced code on), one
deck per lesson, one package. `python genanki_peer.py ITEMS_JSON OUT_APKG`.
"""

import json
import sys

import genanki
import markdown

MODEL = genanki.Model(
    1607392319,
    "Bench Basic",
    fields=[{"name": "Question"}, {"name": "Answer"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Question}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}',
        }
    ],
)


def main(items_json: str, out_apkg: str) -> None:
    with open(items_json, encoding="utf-8") as file:
        lessons = json.load(file)
    renderer = markdown.Markdown(extensions=["fenced_code"])
    decks = []
    for number, lesson in enumerate(lessons, start=1):
        deck = genanki.Deck(2059400110 + number, lesson["deck"])
        for item in lesson["items"]:
            question = renderer.reset().convert(item["question"])
            answer = renderer.reset().convert(item["answer"])
            deck.add_note(
                genanki.Note(model=MODEL, fields=[question, answer], guid=item["id"])
            )
        decks.append(deck)
    genanki.Package(decks).write_to_file(out_apkg)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
