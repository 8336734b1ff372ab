"""Turning a pasted page (plain text or HTML) into the article's title and sentences.

Everything here is linear in the input size: tags are walked with one ``finditer``
and noise is dropped line by line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

# Press releases are a few thousand characters; anything past this is page debris,
# and capping it keeps the later per-sentence passes bounded on hostile input.
MAX_CHARS = 30_000

_HTML_HINT = re.compile(r"<\s*(?:p|div|br|span|a|html|body|h[1-6]|li|article|section|td)\b", re.I)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]{0,2000}?(/?)>|<!--|-->")
_SKIP_TAGS = frozenset(
    "script style nav header footer aside form noscript menu select button svg iframe "
    "figure".split()
)
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table article section blockquote "
    "figcaption hr dd dt dl main".split()
)
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")

_NOISE_LINE = re.compile(
    r"^\W{0,3}(?:baca\s+(?:juga|pula|selengkapnya)|simak\s+juga|lihat\s+juga|berita\s+terkait|"
    r"artikel\s+terkait|related\s+posts?|read\s+also|baca\s+berita|tags?\s*:|editor\s*:|"
    r"penulis\s*:|reporter\s*:|share\b|bagikan\b|copy\s+link|follow\s+us|ikuti\s+kami|"
    r"advertisement|scroll\s+to\s+continue|iklan\b|posted\s+(?:on|by)\b|diposting\b|"
    r"diterbitkan\s+(?:pada|oleh)\b|ditulis\s+oleh\b|oleh\s*:|foto\s*:|sumber\s*:)",
    re.I,
)
_LIST_HEADING = re.compile(
    r"^\W{0,3}(?:related\s+posts?|berita\s+terkait|artikel\s+terkait|baca\s+juga|"
    r"berita\s+lainnya|terpopuler|populer|terkini|berita\s+terbaru|rekomendasi|"
    r"pilihan\s+editor|most\s+popular|latest\s+news)\W{0,3}$",
    re.I,
)
_AGO = re.compile(
    r"\b\d{1,3}\s*(?:hari|jam|menit|detik|minggu|bulan|days?|hours?|minutes?)\s+(?:ago|lalu|yang\s+lalu)\s*$",
    re.I,
)
_SHARE_WORDS = frozenset(
    "facebook twitter whatsapp telegram line email print linkedin pinterest x copy "
    "share bagikan tweet salin tautan".split()
)
_END_PUNCT = re.compile(r"[.!?:;\"”)\]]\s*$")

# Tokens after which a full stop does not end a sentence.
_ABBREV = frozenset(
    "pol drs dra dr h hj ir no jl jln lt st prof kol kel kec kab sh msi mh se me mm ssos "
    "sip map spd mpd st skom sik pj pjs plt plh kh tgk jend bpk ibu sdr hal tel telp "
    "a b c d e f g i j k l m n o p q r s t u v w x y z inf arh kav czi kes mar "
    "ttd dll dsb dkk ket tgl sd sept okt nov des jan feb mar apr agu agt ags jun jul".split()
)
_SENT_END = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_LAST_TOKEN = re.compile(r"([A-Za-z]+)\.?$")


@dataclass
class Document:
    """The article as lines (paragraphs) and sentences."""

    title: str | None
    lines: list[str]
    sentences: list[str] = field(default_factory=list)
    # Sentence index -> line index, for paragraph-aware rules.
    line_of: list[int] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(self.lines)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:20000]))


def strip_html(text: str) -> tuple[str, str | None]:
    """Plain text of an HTML page (menus, scripts dropped) and its <h1>/<title> if any."""
    out: list[str] = []
    skip = 0
    in_comment = False
    pos = 0
    heads: dict[str, str] = {}
    capture: str | None = None
    cap_start = 0
    for m in _TAG.finditer(text):
        token = m.group(0)
        if in_comment:
            if token == "-->":
                in_comment = False
                pos = m.end()
            continue
        if token == "<!--":
            if not skip:
                out.append(text[pos : m.start()].replace("\n", " "))
            in_comment = True
            continue
        if token == "-->":
            continue
        if not skip:
            out.append(text[pos : m.start()].replace("\n", " "))
        pos = m.end()
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name in _SKIP_TAGS and not m.group(3):
            skip = max(0, skip - 1) if closing else skip + 1
            continue
        if name in ("h1", "title") and name not in heads:
            if not closing:
                capture, cap_start = name, len(out)
            elif capture == name:
                candidate = html.unescape(re.sub(r"\s+", " ", "".join(out[cap_start:]))).strip()
                if candidate:
                    heads[name] = candidate
                capture = None
                if name == "title":
                    del out[cap_start:]  # the <title> is not part of the article text
        if name in _BLOCK_TAGS and not skip:
            out.append("\n")
    if not skip and not in_comment:
        out.append(text[pos:].replace("\n", " "))
    # The <h1> is the headline; <title> usually carries " | Site name" as well.
    title = heads.get("h1") or re.split(r"\s+[|\u2013\u2014-]\s+", heads.get("title", ""))[0]
    return html.unescape("".join(out)), title or None


def _is_headline(line: str) -> bool:
    """A short line without closing punctuation: a headline, menu item or link."""
    return len(line) < 160 and not _END_PUNCT.search(line)


def _is_share_line(line: str) -> bool:
    words = re.findall(r"[A-Za-z]+", line.lower())
    return bool(words) and len(words) <= 6 and all(w in _SHARE_WORDS for w in words)


_TERMINAL = tuple('.!?:;"\u201d\u2019)')


def _unwrap(lines: list[str]) -> list[str]:
    """Rejoin hard-wrapped paragraphs (text pasted from e-mail or PDF).

    A text counts as hard-wrapped when most of its long lines stop mid-sentence;
    then lines run together until a blank line or a sentence end. Otherwise the
    lines are left alone, so a headline stays apart from the first paragraph.
    """
    long_lines = [line for line in lines if len(line) >= 50]
    open_ended = [line for line in long_lines if not line.endswith(_TERMINAL)]
    if len(open_ended) < 2 or len(open_ended) * 2 < len(long_lines):
        return lines
    out: list[str] = []
    joining = False
    for line in lines:
        if joining and line:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        joining = bool(line) and not line.endswith(_TERMINAL) and len(line) >= 40
    return out


def clean(raw: str) -> Document:
    """Title and article lines with page noise removed."""
    text = raw if isinstance(raw, str) else str(raw)
    html_title = None
    if looks_like_html(text):
        text, html_title = strip_html(text)
    text = _CTRL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\xa0", " ")[: MAX_CHARS * 2]
    lines = _drop_noise(_unwrap([" ".join(line.split()) for line in text.split("\n")]))
    title, start = _headline(lines, html_title)
    doc = Document(title=title, lines=_cap(lines[start:]))
    for i, line in enumerate(doc.lines):
        for sent in split_sentences(line):
            doc.sentences.append(sent)
            doc.line_of.append(i)
    return doc


def _drop_noise(raw_lines: list[str]) -> list[str]:
    """Lines without share buttons, "BACA JUGA", bylines and lists of other headlines."""
    lines: list[str] = []
    skipping_list = False
    kept_chars = 0
    for line in raw_lines:
        if not line:
            continue
        if kept_chars > MAX_CHARS + 2_000 or _AGO.search(line[-60:]):
            # "SAMARINDA 3 hari ago": the site's headline list after the article.
            break
        if _LIST_HEADING.match(line):
            skipping_list = True
            continue
        if _NOISE_LINE.match(line) or _is_share_line(line) or re.fullmatch(r"[\W_]+", line):
            continue
        if skipping_list:
            if _is_headline(line):
                continue
            skipping_list = False
        lines.append(line)
        kept_chars += len(line)
    return lines


def _headline(lines: list[str], html_title: str | None) -> tuple[str | None, int]:
    """The headline among the short lines before the first real one, and where the body starts."""
    title = html_title
    start = 0
    while start < len(lines) and _is_headline(lines[start]) and start < 12:
        candidate = lines[start]
        if title is None and len(candidate.split()) >= 4 and not candidate.isupper():
            title = candidate
        start += 1
    return title, (0 if start >= len(lines) else start)


def _cap(body: list[str]) -> list[str]:
    """The body's lines up to :data:`MAX_CHARS`."""
    total = 0
    kept: list[str] = []
    for line in body:
        total += len(line)
        if total > MAX_CHARS:
            break
        kept.append(line)
    return kept


def split_sentences(line: str) -> list[str]:
    """Split a paragraph at sentence ends, not at abbreviations such as "Pol." or "M."."""
    out: list[str] = []
    start = 0
    for m in _SENT_END.finditer(line):
        before = line[start : m.start() + 1]
        tok = _LAST_TOKEN.search(before[-12:])
        if tok and tok.group(1).lower() in _ABBREV and line[m.start()] == ".":
            continue
        # Degree chains like "S.I.K." or "M.Si." end in a short capitalised token.
        if re.search(r"\b[A-Z][a-z]?\.[A-Z][A-Za-z]{0,3}\.?$", before):
            continue
        out.append(line[start : m.end()].strip())
        start = m.end()
    rest = line[start:].strip()
    if rest:
        out.append(rest)
    return out
