"""Migrations build the schema from nothing and agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import make_app
from flask_migrate import upgrade

from tracker.extensions import db
from tracker.search import is_fts_name


def _drift() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                # The FTS5 index is SQLite DDL the models cannot describe.
                "include_name": lambda name, type_, parents: not is_fts_name(name),
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
