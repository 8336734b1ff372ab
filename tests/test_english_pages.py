"""Every public page in English shows no Indonesian UI string; content stays as written.

The demo data is loaded and each page is fetched in English. Every visible text node and
every text a reader or screen reader meets in an attribute (title, aria-label,
placeholder, alt, button values) is checked twice:

- equal to an Indonesian msgid (placeholders as wildcards) whose English differs: the
  string is in the catalogue but the page did not use the translation;
- after removing the records' own text (every string stored in the database, the text
  pasted for review), a word left over is an Indonesian word of the catalogue, one that
  appears in some msgid and in no English msgstr: a string nobody wrapped in _().

Elements marked ``lang="id"`` are content in Indonesian by declaration and skipped.
The catalogue is compiled from the .po into a temporary folder for the test app, so a
stale or missing .mo cannot hide a missing translation or cause a false one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from sqlalchemy import String, Text
from staff_helpers import login, make_user
from test_english_complete import catalogue

from tracker.extensions import babel, db
from tracker.models import Meeting, Participation, PressRelease

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
WORD = re.compile(r"[A-Za-z]+")
# A feed or page address shown as text (the calendar page lists them to copy).
ADDRESS = re.compile(r"(https?|webcal)://\S+")
# Written for these tests: a release whose weekday contradicts its date (a warning).
DOUBTFUL = (
    "AMBON - Bawaslu Maluku menggelar rapat koordinasi pengawasan di Hotel Santika Ambon, "
    "Sabtu (12/2/2024). Rapat dihadiri Ketua KPU Maluku dan Kapolda Maluku."
)


@pytest.fixture
def app_config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The English catalogue compiled afresh from messages.po for this app."""
    folder = tmp_path_factory.mktemp("translations")
    target = folder / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as handle:
        write_mo(handle, catalogue())
    return {"BABEL_TRANSLATION_DIRECTORIES": str(folder)}


@pytest.fixture(autouse=True)
def fresh_catalogue(app: Any) -> Iterator[None]:
    """Make the app read the folder above, and later tests their own catalogue."""
    # Flask-Babel caches loaded catalogues for the whole process, whatever the app.
    babel.domain_instance.cache.clear()
    yield
    babel.domain_instance.cache.clear()


class VisibleText(HTMLParser):
    """Text nodes and reader-facing attributes outside lang="id", scripts and styles.

    A textarea's content is a value being edited (e.g. a source note), not the page's words.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping: list[bool] = []
        self.found: list[str] = []

    def _note(self, attrs: dict[str, str | None], inside: bool) -> None:
        if inside:
            return
        for name in ATTRIBUTES:
            if attrs.get(name):
                self.found.append(str(attrs[name]))
        if attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.found.append(str(attrs["value"]))
        if attrs.get("name") == "description" and attrs.get("content"):
            self.found.append(str(attrs["content"]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        inside = any(self.skipping) or named.get("lang") == "id"
        self._note(named, inside)
        if tag not in VOID:
            self.skipping.append(inside or tag in ("script", "style", "textarea"))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.skipping:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not any(self.skipping):
            self.found.append(text)


class Checker:
    """What counts as Indonesian UI text, from the catalogue and the stored records."""

    def __init__(self, extra_content: tuple[str, ...] = ()) -> None:
        english_words: set[str] = set()
        indonesian_words: set[str] = set()
        self.untranslated: list[re.Pattern[str]] = []
        for entry in catalogue():
            if not entry.id or not entry.string:
                continue
            msgid = entry.id if isinstance(entry.id, str) else entry.id[0]
            strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            for string in strings:
                english_words.update(w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", string)))
            indonesian_words.update(w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", msgid)))
            if strings[0] != msgid and WORD.search(PLACEHOLDER.sub("", msgid)):
                self.untranslated.append(_pattern(msgid))
        self.words = {w for w in indonesian_words - english_words if len(w) > 1}
        # Names, titles, labels and sentences: with a capital, a digit, a dot, a slash or a
        # space. Lone lowercase words in the database (the extractor's vocabulary: "oleh",
        # "pimpin") are not content and must not excuse those words in the page's text.
        content = {c for c in _stored_strings() if re.search(r"[A-Z0-9./ ]", c)}
        self.short = sorted((c for c in content if len(c) <= 300), key=len, reverse=True)
        self.long = [c for c in content if len(c) > 300]
        self.long += [" ".join(c.split()) for c in extra_content]

    def is_content(self, text: str) -> bool:
        """Text that is (part of) a record: titles, names, quoted sentences."""
        quoted = text.strip("“”\"'‘’")
        return text in self.short or any(quoted in doc for doc in self.long)

    def problems(self, text: str) -> list[str]:
        """Why ``text`` is an Indonesian UI string on an English page (empty: it is not)."""
        if self.is_content(text) or ADDRESS.fullmatch(text):
            return []
        found = [f"untranslated {p.pattern!r}" for p in self.untranslated if p.fullmatch(text)]
        residue = _without(text, self.short)
        words = sorted({w for w in WORD.findall(residue) if w.lower() in self.words})
        if words:
            found.append(f"Indonesian words {words}")
        return found


def _pattern(msgid: str) -> re.Pattern[str]:
    """A msgid as rendered: numbers for %d, any text for the other placeholders."""
    parts = re.split(r"(%\(\w+\)[sdif]|%[sdif])", " ".join(msgid.split()))
    return re.compile(
        "".join(
            (r"\s*-?\d[\d.,]*\s*" if p.endswith("d") else r"\s*.+?\s*")
            if PLACEHOLDER.fullmatch(p)
            else re.escape(p)
            for p in parts
        )
    )


def _stored_strings() -> set[str]:
    """Every text value in the database, whitespace-normalised (the records' content)."""
    found: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns:
            continue
        for row in db.session.execute(db.select(*columns)):
            found.update(" ".join(v.split()) for v in row if isinstance(v, str) and len(v) > 2)
    return found


def _without(text: str, content: list[str]) -> str:
    """``text`` with every whole-word occurrence of a content string cut out."""
    for piece in content:
        if piece in text:
            text = re.sub(rf"(?<!\w){re.escape(piece)}(?!\w)", " | ", text)
    return text


def _check(client: Any, checker: Checker, url: str, html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    assert '<html lang="en">' in html, f"{url} is not in English"
    return [
        f"{url}: {text[:120]!r}: {'; '.join(why)}"
        for text in parser.found
        if (why := checker.problems(text))
    ]


def _public_urls() -> list[tuple[str, int]]:
    balikpapan = db.session.execute(
        db.select(Meeting.id).filter_by(title="Rakor Forkopimda se-Kaltim Menjelang Pemilu 2024")
    ).scalar_one()
    release = db.session.execute(
        db.select(PressRelease.id).filter_by(outlet="kaltimfaktual.co")
    ).scalar_one()
    official = db.session.execute(
        db.select(Participation.person_id)
        .filter_by(meeting_id=balikpapan)
        .where(Participation.person_id.is_not(None))
        .limit(1)
    ).scalar_one()
    urls = [
        ("/", 200),
        ("/meetings/", 200),
        ("/meetings/?region=64&kind=rakor_forkopimda&status=held&q=Balikpapan", 200),
        ("/meetings/?date_from=kemarin&date_to=2024-02-31", 400),  # the filter's errors
        (f"/meetings/{balikpapan}", 200),
        ("/agencies/", 200),
        ("/agencies/polda-kaltim", 200),
        ("/regions/", 200),
        ("/regions/64", 200),
        ("/regions/64.71", 200),
        ("/elections/", 200),
        ("/elections/pemilu-2024", 200),
        ("/press/", 200),
        (f"/press/{release}", 200),
        ("/calendar/", 200),
        ("/calendar/?agency=polda-kaltim&region=64", 200),
        ("/api/", 200),
        ("/login", 200),
        ("/meetings/999999", 404),
        ("/halaman-yang-tidak-ada", 404),
        ("/meetings/?page=99999999", 400),
        # The pages issues 16 and 17 added: history, corrections, the journalist's desk.
        (f"/meetings/{balikpapan}/history", 200),
        (f"/meetings/{balikpapan}/report", 200),
        ("/meetings/month", 200),
        ("/meetings/rankings?province=64&date_from=2024-01-01&date_to=2024-02-29", 200),
        ("/alerts/subscribe?region=64", 200),
        ("/people/", 200),
        (f"/people/{official}", 200),
    ]
    return urls


def test_every_public_page_in_english_has_no_indonesian_ui_string(client, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    checker = Checker()
    problems: list[str] = []
    for url, status in _public_urls():
        response = client.get(url, query_string={"lang": "en"} if url == "/" else None)
        assert response.status_code == status, url
        problems += _check(client, checker, url, response.get_data(as_text=True))
    # A failed login shows the form's error summary.
    failed = client.post("/login", data={"email": "bukan-surel", "password": ""})
    problems += _check(client, checker, "POST /login", failed.get_data(as_text=True))
    assert not problems, "\n".join(problems)


def test_staff_review_page_in_english_translates_the_extraction_warnings(client, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    make_user()
    client.get("/lang/en")  # before logging in: the welcome is flashed in the language then
    login(client, "editor@kaltim.example")
    checker = Checker(extra_content=(DOUBTFUL, "Contoh"))
    review = client.post("/staff/press/extract", data={"body": DOUBTFUL, "outlet": "Contoh"})
    assert review.status_code == 200
    html = review.get_data(as_text=True)
    assert "The weekday written does not match the date." in html  # a warning, in English
    problems = _check(client, checker, "POST /staff/press/extract", html)
    assert not problems, "\n".join(problems)


def test_the_check_finds_untranslated_and_unwrapped_strings(app):
    """The detector itself: it must flag what a missing translation would leave behind."""
    checker = Checker()
    assert checker.problems("Pemateri")  # a catalogue msgid left as it is
    assert checker.problems("Dipimpin oleh Pj Gubernur Kaltim")  # a msgid with a placeholder
    assert checker.problems("Belum ada rapat yang cocok dengan saringan ini")  # never wrapped
    assert not checker.problems("Speakers")
    assert not checker.problems("Kalimantan Timur")  # a record's name is content
    assert not checker.problems("Polda Kaltim, KPU Kaltim")


def test_catalogue_path_is_the_one_the_app_reads(app):
    # The fixture's folder replaces the app's; the .po it compiles is the shared one.
    folder = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    assert (folder / "en" / "LC_MESSAGES" / "messages.mo").stat().st_size > 10_000
