"""Who came in person and who sent someone: "X diwakili (oleh) Y", "Y mewakili X".

:func:`represented` maps a represented mention to the words naming its representative;
:func:`attendance` turns that and the agency's roles into "present", "represented" or
"unknown" (named, but the text does not say it attended).
"""

from __future__ import annotations

import re

from .mentions import Mention

_REPRESENTED = re.compile(r"\s*,?\s*(?:yang\s+)?diwakili(?:\s+oleh)?\s+", re.I)
_REPRESENTS = re.compile(r"\b(?:yang\s+)?mewakili\s+$", re.I)
# Where the representative's words end: the next list item or clause.
_REP_END = re.compile(
    r"\s*(?:;|\.\s|\.$|\s(?:beserta|bersama|didampingi|serta|dan)\s|,\s*(?:dan|serta)\s)", re.I
)
_LIST_COMMA = re.compile(r",\s*$")
_MAX_WORDS = 14


def represented(sentences: list[str], mentions: list[Mention]) -> dict[int, str]:
    """Mention index -> the representative as written, for every represented mention."""
    out: dict[int, str] = {}
    by_sent: dict[int, list[int]] = {}
    for idx, m in enumerate(mentions):
        by_sent.setdefault(m.sent, []).append(idx)
    for sent, idxs in by_sent.items():
        s = sentences[sent]
        for pos, idx in enumerate(idxs):
            m = mentions[idx]
            cue = _REPRESENTED.match(s, m.end)
            if cue is not None:
                later = [mentions[j] for j in idxs[pos + 1 :]]
                rep = _representative(s, cue.end(), later)
                if rep:
                    out[idx] = rep
            elif pos > 0 and _REPRESENTS.search(s[max(0, m.start - 30) : m.start]):
                prev = mentions[idxs[pos - 1]]
                out[idx] = prev.text
    return out


def _representative(s: str, start: int, later: list[Mention]) -> str | None:
    """The words after "diwakili" up to the next list item."""
    end = len(s)
    stop = _REP_END.search(s, start)
    if stop is not None:
        end = stop.start()
    for o in later:
        # The next agency of a list starts after a comma; the representative's own body
        # ("Kabid ... Kesbangpol Prov Riau") does not.
        if start < o.start < end and _LIST_COMMA.search(s[start : o.start]):
            end = o.start
            break
    words = s[start:end].strip(" ,").split()
    if not words:
        return None
    return " ".join(words[:_MAX_WORDS]).rstrip(" ,.")


def attendance(roles: list[str], in_attendance: bool, represented_by: str | None) -> str:
    """ "represented" when someone stood in, "present" when the text says it took part."""
    if represented_by:
        return "represented"
    if in_attendance or any(r in roles for r in ("host", "chair", "speaker")):
        return "present"
    return "unknown"
