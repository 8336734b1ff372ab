"""Agency registry operations: create, aliases, merge."""

import pytest

from tracker.agencies import operations as ops
from tracker.extensions import db
from tracker.meetings.operations import add_participation
from tracker.models import Agency, AgencySlugRedirect, ChangeLog, Participation
from tracker.validation import ValidationError


def test_create_agency_with_aliases(app, region):
    created = ops.create_agency(
        {
            "short_name": "Polres Balikpapan",
            "full_name": "Kepolisian Resor Kota Balikpapan",
            "kind": "police",
            "region_id": region("64.71").id,
            "head_title": "Kapolres",
        },
        aliases=["Polresta Balikpapan", "Polres Kota Balikpapan"],
    )
    db.session.commit()
    assert created.slug == "polres-balikpapan"
    assert ops.alias_list(created) == ["Polres Kota Balikpapan", "Polresta Balikpapan"]
    with pytest.raises(ValidationError) as info:
        ops.create_agency({"short_name": "Polres Balikpapan", "full_name": "x", "kind": "police"})
    assert "short_name" in info.value.errors


def test_merge_moves_participations_and_aliases(make_meeting, agency, backend):
    survivor = agency("polda-kaltim")
    duplicate = ops.create_agency(
        {
            "short_name": "Polda Kalimantan Timur (duplikat)",
            "full_name": "Polda Kaltim lama",
            "kind": "police",
        },
        aliases=["Kapolda Kaltim lama"],
    )
    m1, m2 = make_meeting(), make_meeting(title="Rakor Kedua")
    p1 = add_participation(m1, {"agency_id": duplicate.id, "roles": {"speaker"}})
    p2 = add_participation(m2, {"agency_id": duplicate.id, "roles": {"attendee"}})
    db.session.commit()
    old_slug = duplicate.slug
    ops.merge_agencies(survivor, duplicate)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Participation, p1.id).agency_id == survivor.id
    assert db.session.get(Participation, p2.id).agency_id == survivor.id
    assert db.session.execute(db.select(Agency).filter_by(slug=old_slug)).first() is None
    assert db.session.get(AgencySlugRedirect, old_slug).agency_id == survivor.id
    aliases = set(ops.alias_list(db.session.get(Agency, survivor.id)))
    assert {"Kapolda Kaltim lama", "Polda Kalimantan Timur (duplikat)"} <= aliases
    merge_log = db.session.execute(
        db.select(ChangeLog).filter_by(action="merge", entity="agency")
    ).scalar_one()
    assert merge_log.changes["merged_agency"] == [old_slug, None]
    assert sorted(merge_log.changes["participations"][1]) == sorted([p1.id, p2.id])
    per_meeting = (
        db.session.execute(db.select(ChangeLog).filter_by(action="merge", entity="participation"))
        .scalars()
        .all()
    )
    assert {entry.meeting_id for entry in per_meeting} == {m1.id, m2.id}


def test_merge_is_all_or_nothing(make_meeting, agency):
    """A merge that fails part-way leaves every participation where it was."""
    survivor = agency("kpu-kaltim")
    with pytest.raises(ValidationError):
        ops.merge_agencies(survivor, survivor)
    db.session.rollback()
    assert db.session.get(Agency, survivor.id) is not None


def test_set_aliases_logs_before_after(app, agency):
    kpu = agency("kpu-kaltim")
    before = ops.alias_list(kpu)
    ops.set_aliases(kpu, ["KPU Provinsi Kaltim", "KPUD Kaltim"])
    db.session.commit()
    assert ops.alias_list(kpu) == ["KPU Provinsi Kaltim", "KPUD Kaltim"]
    entry = db.session.execute(
        db.select(ChangeLog).filter_by(entity="agency", action="update")
    ).scalar_one()
    assert entry.changes["aliases"] == [before, ["KPU Provinsi Kaltim", "KPUD Kaltim"]]
