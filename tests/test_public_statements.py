"""Every public list page and list endpoint issues a fixed number of SQL statements."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event

from tracker.extensions import db
from tracker.meetings.operations import add_participation, mark_held
from tracker.models import Election
from tracker.press.operations import add_evidence, create_press_release

WITA = ZoneInfo("Asia/Makassar")
URLS = (
    "/",
    "/meetings/",
    "/meetings/?region=64&q=rakor&agency=polda-kaltim&election=pemilu-2024&kind=rakor_forkopimda",
    "/agencies/",
    "/agencies/?q=kaltim",
    "/agencies/polda-kaltim",
    "/agencies/polda-kaltim.csv",
    "/elections/",
    "/elections/pemilu-2024",
    "/elections/pemilu-2024?region=64",
    "/elections/pemilu-2024/matrix.csv",
    "/press/",
    "/api/v1/meetings",
    "/api/v1/meetings?region=64&q=rakor&status=held",
    "/api/v1/meetings.csv",
    "/api/v1/meetings.csv?agency=polda-kaltim",
    "/api/v1/agencies",
    "/api/v1/agencies.csv",
    "/api/v1/agencies/polda-kaltim",
    "/api/v1/agencies/polda-kaltim/attendance",
    "/api/v1/agencies/polda-kaltim/attendance.csv",
    "/api/v1/press-releases",
    "/api/v1/press-releases.csv",
    "/api/v1/elections",
    "/api/v1/elections.csv",
    "/api/v1/elections/pemilu-2024",
    "/api/v1/regions",
    "/api/v1/regions.csv",
    "/api/v1/regions?province=64",
    "/regions/",
    "/regions/64",
    "/regions/64.71",
    "/meetings/?province=64&regency=64.71",
)


def _add_meetings(count: int, start: int, agency) -> None:
    pemilu = db.session.execute(db.select(Election).filter_by(slug="pemilu-2024")).scalar_one()
    from tracker.meetings.operations import create_meeting
    from tracker.models import Region

    kaltim = db.session.execute(db.select(Region).filter_by(code="64")).scalar_one()
    for n in range(start, start + count):
        meeting = create_meeting(
            {
                "title": f"Rakor Forkopimda {n}",
                "kind": "rakor_forkopimda",
                "starts_at": datetime(2024, 1, 1, 9, 0, tzinfo=WITA) + timedelta(days=n % 40),
                "region_id": kaltim.id,
                "election_id": pemilu.id,
            }
        )
        polda = add_participation(
            meeting, {"agency_id": agency("polda-kaltim").id, "roles": {"speaker"}}
        )
        add_participation(meeting, {"agency_id": agency("kpu-kaltim").id, "roles": {"chair"}})
        release = create_press_release(
            {"outlet": "Humas", "title": f"Rilis {n}", "body": f"Kapolda hadir pada rakor {n}."}
        )
        add_evidence(polda, release, f"Kapolda hadir pada rakor {n}.")
        mark_held(meeting)
    db.session.commit()


def _statements(app, client, url: str) -> int:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen)


def test_statement_counts_do_not_grow_with_rows(app, client, agency):
    _add_meetings(5, 0, agency)
    few = {url: _statements(app, client, url) for url in URLS}
    _add_meetings(45, 5, agency)
    many = {url: _statements(app, client, url) for url in URLS}
    grown = {url: (few[url], many[url]) for url in URLS if many[url] != few[url]}
    assert grown == {}
    assert all(count > 0 for count in few.values())
