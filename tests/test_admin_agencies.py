"""The admin's agency registry: add, edit aliases, merge duplicates."""

from __future__ import annotations

from staff_helpers import login, make_user

from tracker.extensions import db
from tracker.meetings.operations import add_participation
from tracker.models import Agency, AgencySlugRedirect, ChangeLog, Participation


def _admin(client):
    make_user("admin@kaltim.example", role="admin")
    login(client, "admin@kaltim.example")


def test_add_an_agency_with_aliases(client, region):
    _admin(client)
    response = client.post(
        "/admin/agencies/new",
        data={
            "short_name": "Bakesbangpol Kaltim",
            "full_name": "Badan Kesatuan Bangsa dan Politik Provinsi Kalimantan Timur",
            "kind": "regional_government",
            "head_title": "Kepala Bakesbangpol",
            "region": str(region("64").id),
            "aliases": "Kesbangpol Kaltim\n\n  Badan Kesbangpol Kaltim  \n",
        },
    )
    assert response.status_code == 302
    agency = db.session.execute(
        db.select(Agency).filter_by(short_name="Bakesbangpol Kaltim")
    ).scalar_one()
    assert sorted(a.alias for a in agency.aliases) == [
        "Badan Kesbangpol Kaltim",
        "Kesbangpol Kaltim",
    ]
    log = db.session.execute(
        db.select(ChangeLog).filter_by(entity="agency", entity_id=agency.id, action="create")
    ).scalar_one()
    assert log.changes["aliases"] == [None, ["Badan Kesbangpol Kaltim", "Kesbangpol Kaltim"]]


def test_edit_fields_and_aliases(client, agency):
    _admin(client)
    polda = agency("polda-kaltim")
    form = client.get(f"/admin/agencies/{polda.id}/edit").get_data(as_text=True)
    assert "Kepolisian Daerah Kaltim" in form  # the aliases, one per line
    response = client.post(
        f"/admin/agencies/{polda.id}/edit",
        data={
            "short_name": "Polda Kaltim",
            "full_name": "Kepolisian Daerah Kalimantan Timur",
            "kind": "police",
            "head_title": "Kapolda",
            "region": str(polda.region_id),
            "aliases": "Polda Kalimantan Timur\nPolda Kaltim-Kaltara",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    polda = agency("polda-kaltim")
    assert [a.alias for a in polda.aliases] == ["Polda Kalimantan Timur", "Polda Kaltim-Kaltara"]
    log = db.session.execute(
        db.select(ChangeLog).filter_by(entity="agency", entity_id=polda.id, action="update")
    ).scalar_one()
    before, after = log.changes["aliases"]
    assert "Kepolisian Daerah Kaltim" in before and after == [
        "Polda Kalimantan Timur",
        "Polda Kaltim-Kaltara",
    ]


def test_rejected_agency_form_keeps_input(client):
    _admin(client)
    response = client.post(
        "/admin/agencies/new",
        data={"short_name": "Polda Kaltim", "full_name": "Duplikat", "kind": "police"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="short_name-error"' in html and "sudah ada" in html
    assert 'value="Duplikat"' in html


def test_merge_moves_participations_and_aliases(client, backend, agency, make_meeting):
    """Runs on SQLite and PostgreSQL (the backend fixture)."""
    meeting = make_meeting()
    other = make_meeting(title="Rakor kedua")
    duplicate = Agency(
        slug="polisi-kaltim", short_name="Polisi Kaltim", full_name="Polisi Kaltim", kind="police"
    )
    db.session.add(duplicate)
    db.session.flush()
    from tracker.agencies.operations import add_alias

    add_alias(duplicate, "Polda Kaltim Balikpapan")
    moved = [
        add_participation(meeting, {"agency_id": duplicate.id, "roles": {"speaker"}}),
        add_participation(other, {"agency_id": duplicate.id}),
    ]
    db.session.commit()
    moved_ids = sorted(p.id for p in moved)
    survivor_id = agency("polda-kaltim").id
    duplicate_id = duplicate.id

    _admin(client)
    # Without the confirmation nothing happens.
    response = client.post(
        "/admin/agencies/merge", data={"survivor": "polda-kaltim", "duplicate": "polisi-kaltim"}
    )
    assert response.status_code == 422
    assert db.session.get(Agency, duplicate_id) is not None

    response = client.post(
        "/admin/agencies/merge",
        data={"survivor": "Polda Kaltim", "duplicate": "polisi-kaltim", "confirm": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Agency, duplicate_id) is None
    agencies = db.session.execute(
        db.select(Participation.agency_id).where(Participation.id.in_(moved_ids))
    ).scalars()
    assert set(agencies) == {survivor_id}
    survivor = db.session.get(Agency, survivor_id)
    aliases = {a.alias for a in survivor.aliases}
    assert {"Polisi Kaltim", "Polda Kaltim Balikpapan"} <= aliases
    assert db.session.get(AgencySlugRedirect, "polisi-kaltim").agency_id == survivor_id
    merge_log = db.session.execute(
        db.select(ChangeLog).filter_by(entity="agency", action="merge")
    ).scalar_one()
    assert merge_log.changes["participations"] == [None, moved_ids]
    assert merge_log.changes["merged_agency"] == ["polisi-kaltim", None]
    # Each moved participation shows the merge in its meeting's history.
    html = client.get(f"/staff/meetings/{meeting.id}/history").get_data(as_text=True)
    assert "Instansi peserta digabung" in html and "Polda Kaltim" in html


def test_merge_refuses_unknown_or_same_agency(client):
    _admin(client)
    response = client.post(
        "/admin/agencies/merge",
        data={"survivor": "Polda Atlantis", "duplicate": "polda-kaltim", "confirm": "y"},
    )
    assert response.status_code == 422
    assert 'id="survivor-error"' in response.get_data(as_text=True)
    response = client.post(
        "/admin/agencies/merge",
        data={"survivor": "polda-kaltim", "duplicate": "Polda Kaltim", "confirm": "y"},
    )
    assert response.status_code == 422
    assert "dirinya" in response.get_data(as_text=True)


def test_registry_search_finds_aliases(client):
    _admin(client)
    html = client.get("/admin/agencies/?q=KPUD").get_data(as_text=True)
    assert "KPU Kaltim" in html
