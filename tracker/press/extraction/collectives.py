"""Collective attendees: groups reported as such ("camat se-Kaltim", "tokoh agama")."""

from __future__ import annotations

import re

from . import data
from .role_cues import ATTEND

_SE = re.compile(r"\bse[-\s]+(?=(?:Kota|Kabupaten|Kab\.|Provinsi|[A-Z]))")
_GROUP_DELIM = re.compile(
    r"(?:,|;|:|\(|\bdan\b|\bserta\b|\bmaupun\b|\boleh\b|\bdari\b|\bhadir\b|\bdihadiri\b|"
    r"\bdiikuti\b|\bjuga\b|\bpara\b(?=\s+\w+\s*$))",
    re.I,
)
_NOT_A_GROUP = re.compile(r"(?i)forkopimda|forum|rakor|rapat|pemda\b")
_PLACE_AFTER = re.compile(
    r"(?:(?:Kota|Kabupaten|Kab\.|Provinsi)\s+)?[A-Z][\w]*(?:\s+[A-Z][\w]*){0,2}"
)


def find(sentences: list[str]) -> list[str]:
    """Groups "se-<place>" and listed group words in attendance sentences, in order."""
    out: list[str] = []
    groups = data.words("groups.txt")
    for s in sentences:
        if not ATTEND.search(s):
            continue
        out.extend(_se_groups(s))
        low = s.lower()
        out.extend(g for g in groups if g.lower() in low)
    return list(dict.fromkeys(out))


def _se_groups(s: str) -> list[str]:
    out = []
    for m in _SE.finditer(s):
        head = s[max(0, m.start() - 60) : m.start()]
        cut = list(_GROUP_DELIM.finditer(head))
        group = (head[cut[-1].end() :] if cut else head).strip(" ,")
        if not group or len(group.split()) > 5 or _NOT_A_GROUP.search(group):
            continue
        tail = _PLACE_AFTER.match(s, m.end())
        if tail:
            out.append(f"{group} se-{tail.group(0)}")
    return out
