"""The floor: the least any .apkg writer does. The corpus's raw fields (no Markdown) inserted into
one SQLite table in a transaction, and the database zipped. Standard library only.

`python floor.py ITEMS_JSON OUT_APKG`.
"""

import json
import os
import sqlite3
import sys
import tempfile
import zipfile


def main(items_json: str, out_apkg: str) -> None:
    with open(items_json, encoding="utf-8") as file:
        lessons = json.load(file)
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "collection.anki2")
        db = sqlite3.connect(path)
        db.execute("create table notes (id integer primary key, guid text, flds text)")
        with db:
            db.executemany(
                "insert into notes (guid, flds) values (?, ?)",
                (
                    (item["id"], item["question"] + "\x1f" + item["answer"])
                    for lesson in lessons
                    for item in lesson["items"]
                ),
            )
        db.close()
        with zipfile.ZipFile(out_apkg, "w", zipfile.ZIP_DEFLATED) as package:
            package.write(path, "collection.anki2")
            package.writestr("media", "{}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
