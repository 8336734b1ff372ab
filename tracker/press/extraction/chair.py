"""Who chaired the meeting: "dipimpin oleh X", "X memimpin/membuka rakor"."""

from __future__ import annotations

import re

from .mentions import Mention

CHAIR_ACTIVE = re.compile(r"\b(?:memimpin|membuka|pimpin)\b", re.I)
CHAIR_PASSIVE = re.compile(
    r"\b(?:dipimpin|dibuka)\s+(?:langsung\s+|secara\s+langsung\s+|resmi\s+)?(?:oleh\s+)?", re.I
)
_MEETING_AFTER = re.compile(r"\b(?:rakor|rapat|ratas|pertemuan|kegiatan|acara)\b", re.I)


def find_chair(sentences: list[str], mentions: list[Mention]) -> Mention | None:
    """The first mention that chairs or opens the meeting."""
    found = find_chairs(sentences, mentions)
    return found[0] if found else None


def find_chairs(sentences: list[str], mentions: list[Mention]) -> list[Mention]:
    """Every sentence's chairing mention, in order (more than one may disagree)."""
    by_sent: dict[int, list[Mention]] = {}
    for m in mentions:
        if not m.quoted:
            by_sent.setdefault(m.sent, []).append(m)
    out = []
    for i, s in enumerate(sentences):
        found = _in_sentence(s, by_sent.get(i) or [])
        if found is not None:
            out.append(found)
    return out


def _in_sentence(s: str, ms: list[Mention]) -> Mention | None:
    if not ms:
        return None
    for pm in CHAIR_PASSIVE.finditer(s):
        after = [m for m in ms if pm.end() - 1 <= m.start <= pm.end() + 3]
        if after:
            return after[0]
    for am in CHAIR_ACTIVE.finditer(s):
        # "membuka" alone is also "open a post, a hotline": only opening a meeting counts.
        if am.group(0).lower() == "membuka" and not _MEETING_AFTER.search(
            s[am.end() : am.end() + 80]
        ):
            continue
        before = [m for m in ms if m.end <= am.start()]
        officials = [m for m in before if m.kind != "body"]
        if officials or before:
            return (officials or before)[0]
    return None
