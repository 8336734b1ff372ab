"""Reference bodies: national ones, only bodies that existed, and init keeping staff's edits."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from staff_helpers import login, make_user
from test_staff_meetings import meeting_data

from tracker import reference
from tracker.agencies import operations
from tracker.agencies.picking import search_agencies
from tracker.agencies.queries import agency_list
from tracker.cli import _load_reference
from tracker.extensions import db
from tracker.meetings.operations import add_participation
from tracker.models import Agency, AgencyAlias, AgencySlugRedirect, ChangeLog, Meeting, Region
from tracker.models.agency import normalize_name
from tracker.press.extraction import extract
from tracker.press.intake import db_registry

NATIONAL = {
    "kpu-ri": ("KPU RI", "Ketua KPU RI", "KPU Pusat"),
    "bawaslu-ri": ("Bawaslu RI", "Ketua Bawaslu RI", "Bawaslu Pusat"),
    "dkpp": ("DKPP", "Ketua DKPP", "Dewan Kehormatan Penyelenggara Pemilu"),
    "kemendagri": ("Kemendagri", "Mendagri", "Kemendagri RI"),
    "ditjen-polpum": ("Ditjen Polpum", "Dirjen Polpum", "Ditjen Polpum Kemendagri"),
    "kemenko-polhukam": ("Kemenko Polhukam", "Menko Polhukam", "Kemenko Polhukam RI"),
    "kemenko-polkam": ("Kemenko Polkam", "Menko Polkam", "Kemenkopolkam"),
    "mabes-polri": ("Mabes Polri", "Kapolri", "Polri"),
    "mabes-tni": ("Mabes TNI", "Panglima TNI", "TNI"),
    "bin": ("BIN", "Kepala BIN", "Badan Intelijen Negara"),
    "kejaksaan-agung": ("Kejaksaan Agung", "Jaksa Agung", "Kejagung"),
}
# The provinces of 2022 get only their government, from their laws' dates.
FORMED = {"93": date(2022, 7, 25), "94": date(2022, 7, 25), "95": date(2022, 7, 25)}
FORMED["96"] = date(2022, 12, 8)


def _found(q: str, on: date | None = None) -> set[str]:
    return set(db.session.execute(agency_list(q, on=on).with_only_columns(Agency.slug)).scalars())


def _counts() -> tuple[int, int, int]:
    def count(model: Any) -> int:
        return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()

    return count(Agency), count(AgencyAlias), count(AgencySlugRedirect)


def test_national_bodies_with_head_titles_and_aliases(app, agency):
    for slug, (short, head, alias) in NATIONAL.items():
        body = agency(slug)
        assert (body.short_name, body.head_title, body.region) == (short, head, None)
        assert alias in {a.alias for a in body.aliases}
    assert agency("ditjen-polpum").parent == agency("kemendagri")
    assert agency("kpu-ri").full_name == "Komisi Pemilihan Umum Republik Indonesia"


def test_agency_search_finds_national_bodies_by_head_title_and_alias(app):
    for slug, (_short, head, alias) in NATIONAL.items():
        assert slug in _found(head), head
        assert slug in _found(alias), alias
    # A provincial head title still needs its region.
    assert _found("Ketua KPU Kaltim") >= {"kpu-kaltim"}
    assert "kpu-ri" not in _found("Ketua KPU Kaltim")


def test_extractor_resolves_national_bodies_by_name_and_head_title(app):
    text = (
        "JAKARTA – Menko Polhukam memimpin rapat koordinasi kesiapan Pemilu 2024 di Jakarta, "
        "Senin (5/2/2024). Hadir Mendagri, Kapolri, Panglima TNI, Jaksa Agung, Kepala BIN, "
        "Ketua KPU RI, Ketua Bawaslu RI, Ketua DKPP dan Dirjen Polpum Kemendagri."
    )
    names = {a["name"] for a in extract(text, registry=db_registry())["agencies"]}
    # February 2024: Kemenko Polkam came in October.
    assert {short for short, _head, _alias in NATIONAL.values()} - {"Kemenko Polkam"} <= names


def test_provinces_of_2022_get_only_bodies_with_a_known_date(app):
    for code, formed in FORMED.items():
        bodies = (
            db.session.execute(
                db.select(Agency).join(Agency.region).where(Agency.region.has(code=code))
            )
            .scalars()
            .all()
        )
        assert [(a.slug.split("-")[0], a.valid_from) for a in bodies] == [("pemprov", formed)]


def test_no_listing_shows_a_body_before_it_existed(app, client):
    """Index, API, picker and extractor: on 1 June 2022 Pemprov Papua Tengah did not exist."""
    before, after = date(2022, 6, 1), date(2022, 8, 1)
    assert "pemprov-papua-tengah" not in _found("Papua Tengah", before)
    assert "pemprov-papua-tengah" in _found("Papua Tengah", after)
    page = client.get("/agencies/?q=Papua+Tengah&on=2022-06-01").get_data(as_text=True)
    assert "Pemprov Papua Tengah" not in page
    assert "Pemprov Papua Tengah" in client.get("/agencies/?q=Papua+Tengah").get_data(as_text=True)
    api = client.get("/api/v1/agencies?q=Papua+Tengah&on=2022-06-01").get_json()
    assert [a["slug"] for a in api["data"]] == []
    api = client.get("/api/v1/agencies?q=Papua+Tengah&on=2022-08-01").get_json()
    assert [a["slug"] for a in api["data"]] == ["pemprov-papua-tengah"]
    assert client.get("/api/v1/agencies?on=2022-13-01").status_code == 400
    assert [a.slug for a, _alias in search_agencies("Papua Tengah", on=before)] == []
    assert [a.slug for a, _alias in search_agencies("Papua Tengah", on=after)] == [
        "pemprov-papua-tengah"
    ]
    text = "NABIRE – Gubernur Papua Tengah memimpin rakor di Nabire, Senin ({}). Hadir Kapolda."
    then = extract(text.format("7/6/2021"), registry=db_registry())
    assert "Pemprov Papua Tengah" not in {a["name"] for a in then["agencies"]}
    now = extract(text.format("5/2/2024"), registry=db_registry())
    assert "Pemprov Papua Tengah" in {a["name"] for a in now["agencies"]}


def test_staff_added_body_is_not_resolved_before_its_date(app, region):
    """A Polda staff add with its date is no answer for a release about an earlier meeting."""
    operations.create_agency(
        {
            "short_name": "Polda Papua Tengah",
            "full_name": "Kepolisian Daerah Papua Tengah",
            "kind": "police",
            "region_id": region("94").id,
            "valid_from": date(2023, 1, 1),
        }
    )
    db.session.commit()
    text = "NABIRE – Rapat di Nabire, Senin ({}), dipimpin Kapolda Papua Tengah."
    then = extract(text.format("7/6/2021"), registry=db_registry())
    assert "Polda Papua Tengah" not in {a["name"] for a in then["agencies"]}
    now = extract(text.format("5/2/2024"), registry=db_registry())
    assert "Polda Papua Tengah" in {a["name"] for a in now["agencies"]}


def test_meeting_form_refuses_a_body_that_did_not_exist_on_its_day(client):
    login(client, make_user().email)
    rows = [{"agency_name": "Pemprov Papua Tengah", "roles": ["host"]}]
    response = client.post("/staff/meetings/new", data=meeting_data(rows, start_date="2022-06-01"))
    assert response.status_code == 422
    assert "baru ada sejak" in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count()).select_from(Meeting)).scalar_one() == 0
    response = client.post("/staff/meetings/new", data=meeting_data(rows, start_date="2024-02-06"))
    assert response.status_code == 302
    found = client.get("/staff/agencies/search?q=Papua+Tengah&on=2022-06-01").get_json()
    assert found["results"] == []


def test_init_twice_changes_nothing(app):
    before = _counts()
    changes = db.session.execute(db.select(db.func.count()).select_from(ChangeLog)).scalar_one()
    assert _load_reference()[2] == 0
    db.session.commit()
    assert _counts() == before
    after = db.session.execute(db.select(db.func.count()).select_from(ChangeLog)).scalar_one()
    assert after == changes


def test_init_keeps_what_staff_changed(app, agency):
    """A renamed, re-described body keeps the staff's values; removed aliases stay removed."""
    polda = agency("polda-kaltim")
    operations.update_agency(
        polda,
        {"short_name": "Polda Kalimantan Timur", "head_title": "Kapolda Kaltim"},
    )
    operations.set_aliases(polda, ["Polda Kalimantan Timur Balikpapan"])
    db.session.commit()
    _load_reference()
    db.session.commit()
    polda = agency("polda-kaltim")
    assert (polda.short_name, polda.head_title) == ("Polda Kalimantan Timur", "Kapolda Kaltim")
    assert polda.full_name == "Kepolisian Daerah Kalimantan Timur"  # nobody edited it
    aliases = {a.alias for a in polda.aliases}
    # The generated short name comes back as an alias, so releases still find it;
    # the aliases staff removed do not.
    assert "Polda Kaltim" in aliases
    assert "Polda Kalimantan Timur" not in aliases  # its own name now
    assert "Kepolisian Daerah Kaltim" not in aliases


def test_init_updates_untouched_generated_fields_and_logs_it(app, agency):
    """A field only init ever set follows the data, and the change log says init did it."""
    kpu = agency("kpu-ri")
    kpu.full_name = "Komisi Pemilihan Umum"  # as an older release generated it
    db.session.commit()
    _load_reference()
    db.session.commit()
    assert agency("kpu-ri").full_name == "Komisi Pemilihan Umum Republik Indonesia"
    logged = db.session.execute(
        db.select(ChangeLog).filter_by(entity="agency", entity_id=kpu.id)
    ).scalar_one()
    assert logged.action == "reference"
    assert logged.changes == {
        "full_name": ["Komisi Pemilihan Umum", "Komisi Pemilihan Umum Republik Indonesia"]
    }


def test_init_adopts_a_body_staff_added_under_another_name(app, agency):
    """A staff's "KPU Pusat" becomes the national KPU: no second row, the slug redirects."""
    kpu = agency("kpu-ri")
    db.session.delete(kpu)  # as a database from before national bodies were generated
    db.session.flush()
    staff = operations.create_agency(
        {"short_name": "KPU Pusat", "full_name": "KPU Pusat Jakarta", "kind": "other"}
    )
    db.session.commit()
    before = _counts()
    assert _load_reference()[2] == 0
    db.session.commit()
    assert _counts()[0] == before[0]
    assert db.session.get(AgencySlugRedirect, "kpu-ri").agency_id == staff.id
    assert (staff.short_name, staff.kind) == ("KPU Pusat", "other")
    assert "KPU RI" in {a.alias for a in staff.aliases}
    _load_reference()
    db.session.commit()
    assert _counts()[0] == before[0]


def test_init_keeps_a_merge_and_follows_it_for_parents(app, agency):
    """A merged parent stays merged, and its units point at the survivor after init."""
    operations.merge_agencies(agency("pemprov-kaltim"), agency("kemendagri"))
    db.session.commit()
    _load_reference()
    db.session.commit()
    assert db.session.execute(db.select(Agency).filter_by(slug="kemendagri")).first() is None
    assert agency("ditjen-polpum").parent == agency("pemprov-kaltim")


def test_kemenko_polkam_replaces_kemenko_polhukam_on_21_october_2024(app, client, agency):
    """Kabinet Merah Putih (Perpres 139/2024): one coordinating ministry a day, never both."""
    assert agency("kemenko-polhukam").valid_until == date(2024, 10, 20)
    assert agency("kemenko-polkam").valid_from == date(2024, 10, 21)
    for day, slug in (("2024-10-20", "kemenko-polhukam"), ("2024-10-21", "kemenko-polkam")):
        api = client.get(f"/api/v1/agencies?q=Kemenko+Pol&on={day}").get_json()
        assert [a["slug"] for a in api["data"]] == [slug]
    # The same cabinet made Kominfo into Komdigi.
    for day, slug in (("2024-10-20", "kominfo"), ("2024-10-21", "komdigi")):
        api = client.get(f"/api/v1/agencies?q=Kementerian+Komunikasi&on={day}").get_json()
        assert [a["slug"] for a in api["data"]] == [slug]
    text = "JAKARTA – Menko Polkam memimpin rakor kesiapan Pilkada di Jakarta, Senin ({})."
    names = {
        a["name"] for a in extract(text.format("4/11/2024"), registry=db_registry())["agencies"]
    }
    assert "Kemenko Polkam" in names
    assert "Kemenko Polhukam" not in names


def _as_an_old_release_made_them() -> dict[str, Agency]:
    """The 32 undated bodies releases before issue 13 generated for the 2022 provinces."""
    regions = {r.code: r for r in db.session.execute(db.select(Region)).scalars()}
    made = {}
    for row in reference.withheld_agencies():
        body = Agency(
            slug=row.slug,
            short_name=row.short_name,
            full_name=row.full_name,
            kind=row.kind,
            head_title=row.head_title,
            region=regions[row.region_code],
        )
        body.aliases = [AgencyAlias(alias=a, normalized=normalize_name(a)) for a in row.aliases]
        db.session.add(body)
        made[row.slug] = body
    db.session.commit()
    return made


def test_init_deletes_unused_bodies_old_releases_made_for_2022_provinces(
    client, runner, agency, make_meeting, region
):
    """Used or edited ones stay undated and are reported; the rest go, logged as init's."""
    old = _as_an_old_release_made_them()
    assert len(old) == 32
    meeting = make_meeting(title="Rakor Pilkada Merauke", region_id=region("93").id)
    add_participation(meeting, {"agency_id": old["polda-papua-selatan"].id, "roles": {"chair"}})
    operations.add_alias(old["kpu-papua-tengah"], "KPU PPT")  # no log entry, still staff's
    operations.update_agency(old["dprd-papua-pegunungan"], {"head_title": "Ketua DPRP Pegunungan"})
    db.session.commit()
    gone = {slug: body.id for slug, body in old.items()}
    kept = ["dprd-papua-pegunungan", "kpu-papua-tengah", "polda-papua-selatan"]
    result = runner.invoke(args=["load-reference"])
    assert result.exit_code == 0, result.output
    assert "3 badan dari provinsi yang dibentuk pada 2022 perlu tanggal dari staf" in result.output
    assert ", ".join(kept) in result.output
    left = db.session.execute(db.select(Agency.slug).where(Agency.slug.in_(old))).scalars()
    assert sorted(left) == kept
    assert [agency(s).valid_from for s in kept] == [None, None, None]  # no date invented
    logged = (
        db.session.execute(
            db.select(ChangeLog).where(
                ChangeLog.entity == "agency", ChangeLog.action == "reference"
            )
        )
        .scalars()
        .all()
    )
    deleted = {e.entity_id: e.changes for e in logged if e.changes.get("slug", [0, 0])[1] is None}
    assert set(deleted) == {gone[s] for s in gone if s not in kept}
    assert deleted[gone["binda-papua-barat-daya"]]["slug"] == ["binda-papua-barat-daya", None]
    listed = client.get("/api/v1/agencies.csv?on=2023-01-01").get_data(as_text=True)
    rows = csv.DictReader(io.StringIO(listed))
    in_2022 = {r["slug"] for r in rows if r["region_code"] in FORMED}
    assert in_2022 == {*kept, *(f"pemprov-{s.split('-', 1)[1]}" for s in kept)} | {
        "pemprov-papua-barat-daya"
    }
    operations.update_agency(agency("dprd-papua-pegunungan"), {"valid_from": date(2024, 10, 1)})
    db.session.commit()
    assert operations.undated_recent_bodies() == kept[1:]
    result = runner.invoke(args=["load-reference"])
    assert "2 badan" in result.output and "dprd-papua-pegunungan" not in result.output
