"""Sharing a meeting: the prepared WhatsApp text and the preview image link tags name.

The image is drawn with Pillow (its bundled FreeType font, so no system font is
needed) and is a pure function of what it shows; the view caches it by meeting
version and language.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from PIL import Image, ImageDraw, ImageFont

from tracker.formatting import format_meeting_when
from tracker.i18n import gettext as _
from tracker.models import Meeting
from tracker.site.places import place_line

WIDTH, HEIGHT = 1200, 630  # the size Open Graph and large Twitter cards expect
MARGIN = 64
INK, MUTED, ACCENT, PAPER = "#1d2430", "#5a6472", "#0b5cad", "#ffffff"
MAX_BODIES = 6


@dataclass(frozen=True)
class Card:
    """What a shared meeting says, in the reader's language."""

    title: str
    when: str
    place: str
    bodies: tuple[str, ...]
    status: str | None = None

    @property
    def description(self) -> str:
        """One line for link previews: when, where, who."""
        parts = [self.when, self.place]
        if self.bodies:
            parts.append(", ".join(self.bodies))
        return " · ".join(p for p in parts if p)


def meeting_card(meeting: Meeting, status_label: str | None = None) -> Card:
    """The facts a shared meeting shows; only stated times (the date alone otherwise)."""
    names = [p.label for p in meeting.participations if p.agency is not None]
    return Card(
        title=meeting.title,
        when=format_meeting_when(meeting),
        place=place_line(meeting),
        bodies=tuple(dict.fromkeys(names)),
        status=status_label,
    )


def whatsapp_text(card: Card, url: str) -> str:
    """The message a 'Bagikan ke WhatsApp' link prepares: title, when, where, link."""
    lines = [f"*{card.title}*"]
    if card.status:
        lines.append(card.status)
    lines += [f"🗓 {card.when}", f"📍 {card.place}", url]
    return "\n".join(lines)


def whatsapp_link(text: str) -> str:
    """WhatsApp's documented share address (opens the app on phones, the web client else)."""
    return "https://wa.me/?text=" + quote(text, safe="")


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _lines(draw: ImageDraw.ImageDraw, text: str, size: int, limit: int) -> list[str]:
    """Wrap text to the card's width at this size, at most ``limit`` lines."""
    font = _font(size)
    average = max(draw.textlength("abcdefghijklmnopqrstuvwxyz", font=font) / 26, 1)
    width = max(int((WIDTH - 2 * MARGIN) / average), 10)
    lines = textwrap.wrap(text, width=width) or [""]
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = lines[-1].rstrip(" ,.;") + "…"
    return lines


def _block(draw: ImageDraw.ImageDraw, y: int, lines: Iterable[str], size: int, fill: str) -> int:
    font = _font(size)
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=fill)
        y += int(size * 1.3)
    return y


def preview_png(card: Card, site: str) -> bytes:
    """A 1200×630 PNG of the card: title, when, where, the bodies and the site's name."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    y = _block(draw, MARGIN, [site.upper()], 26, ACCENT) + 10
    if card.status:
        y = _block(draw, y, [card.status], 30, "#9b1c1c")
    y = _block(draw, y, _lines(draw, card.title, 56, 3), 56, INK) + 16
    y = _block(draw, y, _lines(draw, card.when, 34, 2), 34, INK)
    y = _block(draw, y, _lines(draw, card.place, 30, 2), 30, MUTED) + 14
    if card.bodies:
        shown = ", ".join(card.bodies[:MAX_BODIES])
        more = len(card.bodies) - MAX_BODIES
        if more > 0:
            shown += " " + _("dan %(n)d lainnya", n=more)
        _block(draw, y, _lines(draw, shown, 28, max(1, (HEIGHT - y - MARGIN) // 36)), 28, MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@dataclass(frozen=True)
class Share:
    """Everything a meeting page needs to be shared: card, WhatsApp link, preview image."""

    card: Card
    url: str
    whatsapp: str
    image: str


def share_for(meeting: Meeting, url: str, image_url: str) -> Share:
    """The meeting's share links, in the current language."""
    from tracker.labels import STATUS_LABELS

    status = (
        str(STATUS_LABELS[meeting.status]) if meeting.status in ("postponed", "cancelled") else None
    )
    card = meeting_card(meeting, status)
    return Share(card, url, whatsapp_link(whatsapp_text(card, url)), image_url)
