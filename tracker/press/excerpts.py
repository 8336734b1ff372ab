"""A release's evidence sentences in context: a few words either side, never the whole text.

News outlets' articles are theirs: public pages quote only the sentences used as
evidence, with enough around each to read it fairly (issue 16).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CONTEXT_WORDS = 8  # words shown before and after each sentence
ELLIPSIS = "…"


@dataclass(frozen=True)
class Excerpt:
    """One evidence sentence with the words around it where the text has it."""

    before: str
    sentence: str
    after: str
    position: int  # where it starts in the text; -1 when the text no longer has it


def _find(text: str, target: str) -> int:
    at = text.find(target)
    if at < 0 and len(text.lower()) == len(text):
        # Same length after lower(), so the index found there is valid in the text.
        at = text.lower().find(target.lower())
    return at


def in_context(body: str, sentence: str, words: int = CONTEXT_WORDS) -> Excerpt:
    """The sentence with up to ``words`` words before and after it, spacing folded."""
    text, target = " ".join(body.split()), " ".join(sentence.split())
    at = _find(text, target) if target else -1
    if at < 0:
        return Excerpt("", target, "", -1)
    head, tail = text[:at].split(), text[at + len(target) :].split()
    before = " ".join(head[-words:]) if words else ""
    after = " ".join(tail[:words]) if words else ""
    if len(head) > words:
        before = f"{ELLIPSIS} {before}".rstrip()
    if len(tail) > words:
        after = f"{after} {ELLIPSIS}".lstrip()
    return Excerpt(before, text[at : at + len(target)], after, at)


def excerpts(body: str, sentences: Iterable[str]) -> list[Excerpt]:
    """Each distinct sentence in context, in the order the text has them."""
    seen: set[str] = set()
    found: list[Excerpt] = []
    for sentence in sentences:
        key = " ".join(sentence.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            found.append(in_context(body, sentence))
    # Sentences the text no longer holds (edited since) come last, as written.
    return sorted(found, key=lambda e: (e.position < 0, e.position))
