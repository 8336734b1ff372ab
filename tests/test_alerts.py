"""Saved searches: Atom feeds, and e-mail alerts through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alert_helpers import Inbox, free_port, html_body, link, start_server, text_body
from lxml import etree

from tracker.extensions import db
from tracker.models import Subscription, utcnow

ATOM = "{http://www.w3.org/2005/Atom}"
WITA = ZoneInfo("Asia/Makassar")
ADDRESS = "wartawan@kaltim.example"
KALTIM = "/meetings/?region=64"


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Any, Inbox]]:
    """One SMTP server for the module; each test starts with an empty inbox."""
    controller, inbox = start_server()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def inbox(smtp: tuple[Any, Inbox]) -> Inbox:
    """The server's inbox, emptied, with no address refused."""
    smtp[1].clear()
    smtp[1].refused.clear()
    return smtp[1]


@pytest.fixture
def app_config(smtp: tuple[Any, Inbox]) -> dict[str, Any]:
    """Mail through the local server."""
    controller = smtp[0]
    return {"MAIL_SERVER": controller.hostname, "MAIL_PORT": controller.port, "MAIL_TIMEOUT": 5}


def subscribe(client: Any, address: str = ADDRESS, query: str = "region=64", **extra: str) -> Any:
    """Ask for alerts the way the form does."""
    return client.post(f"/alerts/subscribe?{query}", data={"email": address, **extra})


def confirm_from(client: Any, message: Any) -> Any:
    """Follow the message's confirm link and press the button."""
    path = link(message, "confirm")
    page = client.get(path)
    assert page.status_code == 200
    assert '<form method="post"' in page.get_data(as_text=True)
    return client.post(path)


def subscribed(client: Any, inbox: Inbox, address: str = ADDRESS, query: str = "region=64") -> Any:
    """A confirmed subscription (the confirmation mail taken out of the inbox)."""
    assert subscribe(client, address, query).status_code == 303
    (message,) = inbox.to(address)
    assert confirm_from(client, message).status_code == 303
    inbox.clear()
    return db.session.execute(db.select(Subscription).filter_by(email=address)).scalar_one()


def send_alerts(runner: Any) -> Any:
    """Run `flask send-alerts`."""
    return runner.invoke(args=["send-alerts"])


def rows() -> list[Subscription]:
    """Every subscription row (fresh from the database)."""
    db.session.expire_all()
    return list(db.session.execute(db.select(Subscription)).scalars())


# --- Atom feed -------------------------------------------------------------------------


def parse_feed(data: bytes) -> Any:
    """Parse the feed as XML and check what RFC 4287 requires of it and its entries."""
    root = etree.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    return root


def test_feed_lists_matching_public_meetings_newest_change_first(client, make_meeting, region):
    older = make_meeting(title="Rakor logistik Balikpapan", region_id=region("64.71").id)
    internal = make_meeting(title="Rapat internal Kaltim", visibility="internal")
    make_meeting(title="Rakor Jakarta", region_id=region("31").id)
    newer = make_meeting(
        title="Apel siaga Samarinda",
        starts_at=datetime(2024, 1, 10, 0, 0, tzinfo=WITA),
        ends_at=None,
        time_unknown=True,
    )
    response = client.get("/meetings/feed.atom?region=64")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = parse_feed(response.data)
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [newer.title, older.title]
    assert internal.title not in response.get_data(as_text=True)
    link_el = entries[1].find(f"{ATOM}link")
    assert link_el.get("href") == f"http://localhost/meetings/{older.id}"
    summary = entries[1].findtext(f"{ATOM}summary")
    assert "Selasa, 6 Februari 2024 pukul 09.00 WITA–12.00 WITA" in summary
    assert "Balikpapan" in summary
    # A date without an hour says so, and shows no midnight.
    unknown = entries[0].findtext(f"{ATOM}summary")
    assert "10 Januari 2024" in unknown and "00.00" not in unknown
    assert root.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")


def test_feed_entries_name_the_bodies(client, make_meeting, agency):
    from tracker.meetings.operations import add_participation

    meeting = make_meeting(title="Rakor Forkopimda Kaltim")
    add_participation(meeting, {"agency_id": agency("polda-kaltim").id, "roles": {"chair"}})
    db.session.commit()
    root = parse_feed(client.get("/meetings/feed.atom").data)
    assert "Polda Kaltim" in root.find(f"{ATOM}entry").findtext(f"{ATOM}summary")


def test_feed_id_is_stable_for_the_same_search(client, make_meeting):
    make_meeting()
    ids = set()
    for query in ("region=64&kind=rakor", "kind=rakor&region=64", "province=64&kind=rakor&q="):
        root = parse_feed(client.get(f"/meetings/feed.atom?{query}").data)
        ids.add(root.findtext(f"{ATOM}id"))
    assert len(ids) == 1
    other = parse_feed(client.get("/meetings/feed.atom?kind=rakor").data)
    assert other.findtext(f"{ATOM}id") not in ids


def test_feed_answers_304_to_its_etag_and_date(client, make_meeting):
    make_meeting()
    first = client.get("/meetings/feed.atom?region=64")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert "Set-Cookie" not in first.headers
    same = client.get("/meetings/feed.atom?region=64", headers={"If-None-Match": etag})
    assert same.status_code == 304
    again = client.get("/meetings/feed.atom?region=64", headers={"If-Modified-Since": modified})
    assert again.status_code == 304
    make_meeting(title="Rakor baru")
    changed = client.get("/meetings/feed.atom?region=64", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Rakor baru" in changed.get_data(as_text=True)


def test_feed_date_moves_when_a_meeting_leaves_it(client, make_meeting):
    from tracker.meetings.operations import update_meeting

    meeting = make_meeting()
    first = client.get("/meetings/feed.atom")
    modified = first.headers["Last-Modified"]
    update_meeting(meeting, {"visibility": "internal"})
    db.session.commit()
    again = client.get("/meetings/feed.atom", headers={"If-Modified-Since": modified})
    assert again.status_code == 200
    assert meeting.title not in again.get_data(as_text=True)


def test_feed_of_a_malformed_filter_is_refused(client):
    response = client.get("/meetings/feed.atom?date_from=kemarin")
    assert response.status_code == 400


def test_list_page_links_its_feed_and_alert(client, make_meeting):
    make_meeting()
    html = client.get(KALTIM).get_data(as_text=True)
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" [^>]*'
        r'href="/meetings/feed.atom\?region=64"',
        html,
    )
    assert ">Atom</a>" in html
    assert 'href="/alerts/subscribe?region=64"' in html
    page = client.get("/alerts/subscribe?region=64")
    assert page.status_code == 200 and "Kalimantan Timur" in page.get_data(as_text=True)


# --- Subscribing, confirming, digests -----------------------------------------------------


def test_subscribe_confirm_digest_unsubscribe(client, runner, inbox, make_meeting, region):
    make_meeting(title="Rakor sebelum langganan")
    response = subscribe(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/meetings/?region=64"
    (confirmation,) = inbox.to(ADDRESS)
    # The search is in the body, never in the subject (anyone may trigger the message).
    assert confirmation["Subject"] == "Konfirmasi kabar rapat dari Rakor Tracker"
    assert "Kalimantan Timur" in confirmation.get_body(("plain",)).get_content()
    assert confirmation["Message-ID"] and confirmation["Date"]
    assert rows()[0].confirmed_at is None
    # Unconfirmed: no digest at all.
    make_meeting(title="Rakor saat menunggu")
    inbox.clear()
    assert "0 ringkasan terkirim" in send_alerts(runner).output
    assert inbox.messages == []

    assert confirm_from(client, confirmation).status_code == 303
    assert rows()[0].confirmed_at is not None
    result = send_alerts(runner)
    assert result.exit_code == 0 and "0 ringkasan terkirim, 1 tanpa rapat baru" in result.output
    assert inbox.messages == []

    meeting = make_meeting(title="Rakor pengamanan TPS Balikpapan", region_id=region("64.71").id)
    make_meeting(title="Rakor di Jakarta", region_id=region("31").id)
    result = send_alerts(runner)
    assert "1 ringkasan terkirim" in result.output, result.output
    (digest,) = inbox.to(ADDRESS)
    text = text_body(digest)
    assert meeting.title in text and f"http://localhost/meetings/{meeting.id}" in text
    assert "Rakor di Jakarta" not in text and "Rakor sebelum langganan" not in text
    assert meeting.title in html_body(digest)
    assert digest.get_content_type() == "multipart/alternative"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<http://localhost/alerts/unsubscribe/\w+>", digest["List-Unsubscribe"])
    assert rows()[0].last_sent_at is not None

    inbox.clear()
    assert "0 ringkasan terkirim" in send_alerts(runner).output
    assert inbox.messages == []

    path = link(digest, "unsubscribe")
    page = client.get(path)
    assert page.status_code == 200 and "Berhenti berlangganan" in page.get_data(as_text=True)
    assert rows(), "a GET must not unsubscribe (mail scanners follow links)"
    assert client.post(path).status_code == 200
    assert rows() == []
    make_meeting(title="Rakor sesudah berhenti")
    send_alerts(runner)
    assert inbox.messages == []
    assert client.get(path).status_code == 404


def test_a_confirmation_link_is_not_confirmed_by_a_get(client, inbox):
    subscribe(client)
    (message,) = inbox.to(ADDRESS)
    client.get(link(message, "confirm"))
    assert rows()[0].confirmed_at is None


def test_one_click_unsubscribe_post(client, inbox):
    subscribed(client, inbox)
    subscribe(client)  # a confirmed address asking again gets a reminder with the link
    (reminder,) = inbox.to(ADDRESS)
    assert "/alerts/confirm/" not in text_body(reminder)
    target = reminder["List-Unsubscribe"].strip("<>").replace("http://localhost", "")
    response = client.post(target, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert rows() == []


def test_same_address_and_search_twice_makes_one_row_and_the_same_answer(client, inbox):
    first = subscribe(client, "Wartawan@Kaltim.example ")
    second = subscribe(client, ADDRESS)
    assert (first.status_code, first.headers["Location"]) == (
        second.status_code,
        second.headers["Location"],
    )
    assert len(rows()) == 1
    # The second request renews the link: only the newest one confirms.
    old, new = inbox.to(ADDRESS)
    assert client.get(link(old, "confirm")).status_code == 404
    assert confirm_from(client, new).status_code == 303
    third = subscribe(client, ADDRESS)
    assert (third.status_code, third.headers["Location"]) == (
        first.status_code,
        first.headers["Location"],
    )
    assert len(rows()) == 1 and rows()[0].confirmed_at is not None
    # Another search is another subscription.
    subscribe(client, ADDRESS, "kind=apel")
    assert len(rows()) == 2


def test_a_filled_honeypot_sends_nothing_and_answers_alike(client, inbox):
    response = subscribe(client, website="http://spam.example")
    assert response.status_code == 303
    assert response.headers["Location"] == "/meetings/?region=64"
    assert inbox.messages == [] and rows() == []


def test_a_malformed_address_is_refused(client, inbox):
    response = subscribe(client, "bukan-alamat")
    assert response.status_code == 422
    assert inbox.messages == [] and rows() == []


def test_smtp_failure_keeps_nothing_and_keeps_the_typed_address(client, app, inbox):
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    response = subscribe(client, "pr.office@kaltim.example")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Surel konfirmasi tidak bisa dikirim sekarang" in html
    assert 'value="pr.office@kaltim.example"' in html
    assert rows() == []


def test_send_alerts_reports_a_refused_address_and_goes_on(client, runner, inbox, make_meeting):
    subscribed(client, inbox, "tertolak@kaltim.example")
    subscribed(client, inbox, ADDRESS)
    inbox.refused.add("tertolak@kaltim.example")
    make_meeting(title="Rakor untuk keduanya")
    result = send_alerts(runner)
    assert result.exit_code == 1
    assert "1 ringkasan terkirim" in result.output and "1 gagal" in result.output
    assert "t…@kaltim.example" in result.output
    assert "tertolak@" not in result.output
    assert len(inbox.to(ADDRESS)) == 1
    sent = {s.email: s.last_sent_at for s in rows()}
    assert sent["tertolak@kaltim.example"] is None and sent[ADDRESS] is not None
    # Accepted again: the refused one now gets its digest, the other nothing new.
    inbox.refused.clear()
    inbox.clear()
    assert "1 ringkasan terkirim, 1 tanpa rapat baru" in send_alerts(runner).output
    assert len(inbox.to("tertolak@kaltim.example")) == 1


def test_english_subscriber_gets_english_mail(client, runner, inbox, make_meeting):
    client.set_cookie("lang", "en")
    subscribe(client)
    (confirmation,) = inbox.to(ADDRESS)
    assert "Confirm" in confirmation["Subject"]
    assert confirm_from(client, confirmation).status_code == 303
    inbox.clear()
    make_meeting()
    send_alerts(runner)
    (digest,) = inbox.to(ADDRESS)
    assert "new or changed" in digest["Subject"]
    assert "Tuesday, 6 February 2024 at 09:00 WITA–12:00 WITA" in text_body(digest)
    assert "Unsubscribe" in text_body(digest)


def test_unconfirmed_requests_expire_and_are_deleted(client, runner, inbox):
    subscribe(client)
    (message,) = inbox.to(ADDRESS)
    row = rows()[0]
    row.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert client.get(link(message, "confirm")).status_code == 404
    assert "1 langganan tak dikonfirmasi dihapus" in send_alerts(runner).output
    assert rows() == []


def test_addresses_never_appear_on_public_pages(client, inbox, make_meeting):
    meeting = make_meeting()
    subscribe(client)
    (message,) = inbox.to(ADDRESS)
    confirm_path = link(message, "confirm")
    unsubscribe_path = link(message, "unsubscribe")
    confirm_from(client, message)
    for path in (
        "/",
        KALTIM,
        f"/meetings/{meeting.id}",
        "/api/v1/meetings",
        "/api/v1/meetings.csv",
        "/meetings/feed.atom?region=64",
        "/alerts/subscribe?region=64",
        confirm_path,
        unsubscribe_path,
    ):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        assert "wartawan@" not in response.get_data(as_text=True).lower(), path


def test_subscription_repr_and_tokens_keep_secrets_out(client, inbox):
    subscribe(client)
    (message,) = inbox.to(ADDRESS)
    row = rows()[0]
    assert ADDRESS not in repr(row)
    token = link(message, "confirm").rsplit("/", 1)[1]
    assert token not in (row.confirm_token_hash, row.unsubscribe_token_hash)
    assert len(row.confirm_token_hash) == 64


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_requests_for_one_address_are_rate_limited(client, inbox, app, app_config, smtp):
    app.config.update(
        MAIL_SERVER=smtp[0].hostname, MAIL_PORT=smtp[0].port, ALERTS_EMAIL_RATE_LIMIT="2 per day"
    )
    assert subscribe(client).status_code == 303
    assert subscribe(client).status_code == 303
    third = subscribe(client)
    assert third.status_code == 429
    assert "Terlalu banyak permintaan" in third.get_data(as_text=True)
    assert len(inbox.to(ADDRESS)) == 2


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_subscribing_needs_the_csrf_token(client, inbox, app, app_config, smtp):
    app.config.update(MAIL_SERVER=smtp[0].hostname, MAIL_PORT=smtp[0].port)
    refused = subscribe(client)
    assert refused.status_code in (400, 422)
    assert inbox.messages == [] and rows() == []
    page = client.get("/alerts/subscribe?region=64").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert subscribe(client, csrf_token=token).status_code == 303
    (message,) = inbox.to(ADDRESS)
    # The confirm button carries its own token too.
    path = link(message, "confirm")
    assert client.post(path).status_code in (200, 400)
    assert rows()[0].confirmed_at is None
    confirm_page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', confirm_page).group(1)
    assert client.post(path, data={"csrf_token": token}).status_code == 303
    assert rows()[0].confirmed_at is not None


def test_digest_has_changed_meetings_and_never_internal_ones(client, runner, inbox, make_meeting):
    from tracker.meetings.operations import update_meeting

    existing = make_meeting(title="Rakor lama Kaltim")
    subscribed(client, inbox)
    make_meeting(title="Rapat internal Kaltim", visibility="internal")
    assert "0 ringkasan terkirim" in send_alerts(runner).output
    update_meeting(existing, {"title": "Rakor lama Kaltim (jadwal baru)"})
    db.session.commit()
    send_alerts(runner)
    (digest,) = inbox.to(ADDRESS)
    assert "Rakor lama Kaltim (jadwal baru)" in text_body(digest)
    assert "internal" not in text_body(digest).lower()
    assert "internal" not in html_body(digest).lower()
    # Made internal: it leaves the feed and the next digests.
    inbox.clear()
    update_meeting(existing, {"visibility": "internal"})
    db.session.commit()
    send_alerts(runner)
    assert inbox.messages == []
    feed = client.get("/meetings/feed.atom?region=64").get_data(as_text=True)
    assert "Rakor lama" not in feed and "internal" not in feed.lower()


def test_digest_escapes_titles_and_caps_its_length(client, runner, inbox, make_meeting, app):
    from tracker.alerts import searches

    subscribed(client, inbox)
    limit = searches.FEED_LIMIT
    searches.FEED_LIMIT = 2
    try:
        make_meeting(title="Rakor pertama")
        make_meeting(title="Rakor kedua")
        make_meeting(title="Rakor <b>Kaltim</b> & Bawaslu")
        send_alerts(runner)
    finally:
        searches.FEED_LIMIT = limit
    (digest,) = inbox.to(ADDRESS)
    assert "Rakor &lt;b&gt;Kaltim&lt;/b&gt; &amp; Bawaslu" in html_body(digest)
    assert "<b>Kaltim</b>" not in html_body(digest)
    assert "Masih ada rapat lain yang berubah" in text_body(digest)
    assert "Rakor pertama" not in text_body(digest)  # past the cap: the list page has it
    assert digest["Subject"].startswith("2 rapat baru atau berubah")


def test_a_search_with_line_breaks_is_one_line_everywhere(client, inbox):
    response = subscribe(client, query="q=rakor%0D%0ABcc:%20korban@contoh.example%0Apemilu")
    assert response.status_code == 303
    (confirmation,) = inbox.to(ADDRESS)
    assert "Bcc" not in confirmation and "\n" not in confirmation["Subject"]
    body = confirmation.get_body(("plain",)).get_content()
    assert "rakor Bcc: korban@contoh.example pemilu" in body
