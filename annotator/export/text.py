"""``text``: each article's clean text in its own UTF-8 file, for reading.

``SPLIT/DOC_ID.NN.ROLE.txt`` (``data/`` when there are no splits), NN counting the
document's articles in text order from 01: ``train/seed.01.main.txt``. A document with no
article span gives no file (the manifest still counts it), nor does a split without
articles. Each file holds exactly the article's ``clean_text`` (UTF-8, no newline added:
the file equals the jsonl field byte for byte; ``clean_text`` itself ends without one).
"""

from __future__ import annotations

from typing import Any

from annotator.export.base import Writer
from annotator.export.output import write_file


class TextWriter(Writer):
    name = "text"
    suffix = ".txt"

    def write(self, record: dict[str, Any]) -> None:
        folder = self.stem(record["split"])
        for n, article in enumerate(record["articles"], start=1):
            # The role is a scheme choice value; keep only what is safe in a file name.
            role = "".join(c for c in article["role"] if c.isalnum() or c in "-_") or "article"
            rel = f"{folder}/{record['id']}.{n:02d}.{role}{self.suffix}"
            self.files[rel] = write_file(self.folder / rel, article["clean_text"].encode())
