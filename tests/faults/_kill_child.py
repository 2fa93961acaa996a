"""The process test_kill_loop kills: edits one document through the session API until killed.

Before each edit it sends what it is about to do (``op``), after the edit returned it sends
the acknowledgement (``ack``): at that point the journal line is flushed, so the edit must
survive a SIGKILL. Messages go through a pipe, one ``write`` each (atomic below 4 KB), so
the parent reads whole messages or none.
"""

from __future__ import annotations

import random
import re
import traceback
from multiprocessing.connection import Connection

import orjson

from annotator.corpus import Corpus
from annotator.session import DocumentSession

ENTITY_LABELS = ("PER", "ORG", "LOC", "MISC")


def child_main(root: str, annotator: str, doc_id: str, seed: int, conn: Connection) -> None:
    try:
        _edit_until_killed(root, annotator, doc_id, seed, conn)
    except BaseException:
        conn.send_bytes(orjson.dumps({"error": traceback.format_exc()}))
        raise


def _edit_until_killed(root: str, annotator: str, doc_id: str, seed: int, conn: Connection) -> None:
    def send(message: dict[str, object]) -> None:
        conn.send_bytes(orjson.dumps(message))

    corpus = Corpus.open(root)
    corpus.lock(annotator).acquire()  # like the app: the lock first, then recovery
    session = DocumentSession.open(corpus, annotator, doc_id)
    rng = random.Random(seed)
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", session.text)]
    send({"ready": len(session.spans)})
    while True:
        roll = rng.random()
        if roll < 0.55 or not session.spans:
            label = rng.choice(ENTITY_LABELS)
            start, end = rng.choice(words)
            if any(session.index.overlapping(lb, start, end) for lb in ENTITY_LABELS):
                continue  # the entity layer forbids overlap: only free words
            send({"op": "mark", "label": label, "start": start, "end": end})
            result = session.mark(label, start, end, trim=False)
            if result is None:
                send({"ack": "noop"})
            else:
                send({"ack": "put", "id": result[1], "label": label, "start": start, "end": end})
        elif roll < 0.9:
            span_id = rng.choice(session.spans).id
            send({"op": "del", "id": span_id})
            session.delete(span_id)
            send({"ack": "del", "id": span_id})
        else:
            send({"op": "save"})
            session.save()
            send({"ack": "save"})
