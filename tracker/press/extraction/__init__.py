"""Press-release extractor for election coordination meetings (Rakor Forkopimda ...).

``extract(text, published=None, registry=None)`` returns one JSON-ready dict; ``Registry``
looks agencies up by name, alias, head title + region and Kodam number. The stages are in
``extractor``'s docstring.

Output keys (``KEYS``; every key is always present):

- ``title`` the headline when it names the meeting, else kind + body or region + date;
  ``meeting_kind``, ``theme`` (quoted theme) - strings or None;
- ``start_date`` "YYYY-MM-DD" as the text states it; ``suggested_date`` the best-supported
  reading; ``start_time``/``end_time`` "HH:MM"; ``timezone`` an IANA name;
- ``venue_name``, ``venue_address``, ``city``, ``province``;
- ``chair`` {name, position, agency} or None;
- ``agencies`` [{name, roles (host|chair|speaker|attendee), evidence, confidence (0..1),
  attendance ("present" | "represented" | "unknown"), represented_by (only when represented)}];
- ``speakers`` [{name, position, agency, evidence, confidence, topic (when stated)}];
- ``collective_attendees`` ["camat se-Kaltim", ...]; ``election`` "Pemilu 2024" |
  "Pilkada 2024" | None;
- ``status`` "held" | "scheduled" (an invitation, a plan or a date after publication);
- ``evidence`` {field: sentence} for title, start_date, start_time, venue_name, city, chair,
  theme and election; ``confidence`` {field: 0..1} for the fields proposed;
- ``warnings`` [{code, message (Indonesian), suggested_date, field}].

A field below ``checks.THRESHOLD`` (0.5) is left empty, and a warning (``chair_uncertain``,
``<field>_uncertain``, ...) says what was seen; agencies and speakers below it are left out
and named in ``agencies_uncertain`` / ``speakers_uncertain``.
"""

from __future__ import annotations

from .checks import THRESHOLD
from .extractor import KEYS, extract
from .registry import Entry, Registry, default_registry

__all__ = ["KEYS", "THRESHOLD", "Entry", "Registry", "default_registry", "extract"]
