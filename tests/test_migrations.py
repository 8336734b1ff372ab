"""Migrations build the schema from nothing and agree with the models."""

from datetime import datetime
from zoneinfo import ZoneInfo

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import make_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from tracker.extensions import db, declared_for
from tracker.search import is_fts_name


def _other_dialects(obj, _name, type_, _reflected, _compare_to) -> bool:
    """Leave out an index the models declare for another database only."""
    return type_ != "index" or declared_for(obj, db.engine.dialect.name)


def _drift() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                # The FTS5 index is SQLite DDL the models cannot describe.
                "include_name": lambda name, type_, parents: not is_fts_name(name),
                "include_object": _other_dialects,
            },
        )
        return compare_metadata(context, db.metadata)


def test_sqlite_upgrade_from_empty_matches_models(tmp_path):
    app = make_app("sqlite", tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'm.sqlite'}")
    with app.app_context():
        upgrade()
        assert _drift() == []
        tables = set(db.inspect(db.engine).get_table_names())
        assert {"meeting", "participation", "press_release", "evidence", "change_log"} <= tables
        db.engine.dispose()


def test_postgres_schema_from_migrations_matches_models(app, backend):
    # On PostgreSQL the session's schema is built by `upgrade()` (see conftest),
    # so comparing it with the models proves the migrations are complete there.
    if backend != "postgres":
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
    assert _drift() == []


def _derived() -> list:
    """Seats, forum sums and partner pairs, as the rankings read them."""
    return [
        db.session.execute(text(sql)).all()
        for sql in (
            "SELECT meeting_id, agency_id, seat FROM body_tally ORDER BY 1, 2",
            "SELECT agency_id, meetings, forum_absent, forum_represented FROM body_total "
            "WHERE meetings > 0 ORDER BY 1",
            "SELECT agency_id, partner_id, meetings FROM body_pair_total ORDER BY 1, 2",
        )
    ]


def _forum_meetings() -> None:
    """Forkopimda meetings in Kaltim before and after a Kodam's dates, and one elsewhere."""
    from tracker.meetings.operations import add_participation, create_meeting
    from tracker.models import Agency, Region

    def agency(slug):
        return db.session.execute(select(Agency).filter_by(slug=slug)).scalar_one()

    wita = ZoneInfo("Asia/Makassar")
    for region_code, day in (("64", 6), ("64.72", 7), ("35", 8)):
        region = db.session.execute(select(Region).filter_by(code=region_code)).scalar_one()
        meeting = create_meeting(
            {
                "title": f"Rakor Forkopimda {region_code}",
                "kind": "rakor_forkopimda",
                "starts_at": datetime(2024, 2, day, 9, tzinfo=wita),
                "region_id": region.id,
            }
        )
        for slug, mark in (
            ("polda-kaltim", "absent"),
            ("pemprov-kaltim", "represented"),
            ("kodam-vi-mulawarman", "absent"),
            ("kpu-kaltim", "present"),
            ("bawaslu-kaltim", "present"),
        ):
            add_participation(
                meeting,
                {"agency_id": agency(slug).id, "roles": frozenset(), "attendance": mark},
            )
    db.session.commit()


def test_the_forum_seat_migration_fills_what_commits_keep(tmp_path):
    """f3b9a2c6d871's plain SQL gives the seats, sums and pairs the app's own code keeps."""
    from tracker.cli import _load_reference

    app = make_app("sqlite", tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'f.sqlite'}")
    with app.app_context():
        upgrade()
        _load_reference()
        _forum_meetings()
        kept = _derived()
        assert any(seat for _m, _a, seat in kept[0]) and kept[2]
        downgrade(revision="e5a0c4b7d913")
        upgrade()
        assert _derived() == kept
        db.engine.dispose()


def _places_and_months() -> list:
    return db.session.execute(
        text(
            "SELECT meeting_id, agency_id, province_id, month, called_off FROM body_tally "
            "ORDER BY 1, 2"
        )
    ).all()


def test_the_tally_place_migration_fills_what_commits_keep(tmp_path):
    """c7e2a9d4b15f's plain SQL gives the provinces, local months and cancellations the
    app keeps at commit: a regency's meeting, one whose local month is not UTC's, and a
    cancelled public meeting."""
    from tracker.cli import _load_reference
    from tracker.meetings.operations import cancel_meeting, update_meeting
    from tracker.models import Meeting

    app = make_app("sqlite", tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 't.sqlite'}")
    with app.app_context():
        upgrade()
        _load_reference()
        _forum_meetings()
        first, second, third = db.session.execute(select(Meeting).order_by(Meeting.id)).scalars()
        # 00:30 on the 1st, local time, is still the month before in UTC.
        wita, pontianak = ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Pontianak")
        update_meeting(first, {"starts_at": datetime(2024, 3, 1, 0, 30, tzinfo=wita)})
        update_meeting(
            third,
            {
                "timezone": "Asia/Pontianak",
                "starts_at": datetime(2024, 4, 1, 0, 30, tzinfo=pontianak),
            },
        )
        cancel_meeting(second, "Banjir")
        db.session.commit()
        kept = _places_and_months()
        assert {(row[3], row[4]) for row in kept} == {
            ("2024-03", 0),
            ("2024-02", 1),
            ("2024-04", 0),
        }
        assert len({row[2] for row in kept}) == 2  # Kaltim (its regency too) and Jawa Timur
        downgrade(revision="a4d8e6f1c2b9")
        upgrade()
        assert _places_and_months() == kept
        db.engine.dispose()


def _fts_sql() -> list:
    return db.session.execute(
        text(
            "SELECT type, name, sql FROM sqlite_master "
            "WHERE name LIKE 'meeting_search_fts%' ORDER BY name"
        )
    ).all()


def test_the_fts_prefix_migration_builds_what_create_all_builds(tmp_path):
    """d5f1b8e3a620 makes the FTS5 index the models' DDL makes, with its prefix indexes,
    and rebuilds it from the documents on the way up and down."""
    from tracker.cli import _load_reference
    from tracker.meetings.queries import count_meetings, parse_filters

    app = make_app("sqlite", tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 's.sqlite'}")
    with app.app_context():
        upgrade()
        _load_reference()
        _forum_meetings()
        migrated = _fts_sql()
        assert any("prefix='2 3 4 5 6'" in (sql or "") for _t, _n, sql in migrated)
        downgrade(revision="c7e2a9d4b15f")
        assert not any("prefix=" in (sql or "") for _t, _n, sql in _fts_sql())
        assert count_meetings(parse_filters({"q": "forkop"})) == 3
        upgrade()
        assert _fts_sql() == migrated
        assert count_meetings(parse_filters({"q": "forkop"})) == 3
        db.engine.dispose()
    fresh = make_app("sqlite", tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'c.sqlite'}")
    with fresh.app_context():
        db.create_all()
        assert _fts_sql() == migrated
        db.engine.dispose()


def _release_index_sql() -> str | None:
    if db.engine.dialect.name == "postgresql":
        found = text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_press_release_newest'")
    else:
        found = text("SELECT sql FROM sqlite_master WHERE name = 'ix_press_release_newest'")
    return db.session.execute(found).scalar()


def test_the_press_release_order_index_is_what_the_models_make(app, backend, tmp_path):
    """b8c4e1a7d230 builds the newest-first index the models declare, per dialect."""
    if backend == "postgres":
        # The session's schema came from the migrations (see conftest).
        migrated = _release_index_sql() or ""
        order = "(published_date DESC NULLS LAST, published_at DESC NULLS LAST, id DESC)"
        assert migrated.endswith(order), migrated
        return
    path = f"sqlite:///{tmp_path / 'r.sqlite'}"
    with make_app("sqlite", tmp_path, DATABASE_URL=path).app_context():
        upgrade()
        migrated = _release_index_sql()
        downgrade(revision="d5f1b8e3a620")
        assert _release_index_sql() is None
        db.engine.dispose()
    assert migrated == _release_index_sql()  # the app fixture's schema: create_all
    assert migrated.endswith("(published_date DESC, published_at DESC, id DESC)")
