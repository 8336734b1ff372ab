"""fts prefix indexes

Issue 18, goal 4: SQLite's search index gains prefix indexes for terms of 2 to 6
letters, so a common term's matches are read in order and a capped count stops at
the cap; without them FTS5 gathers the matches of every word that starts with the
term before returning the first. The index is made again and rebuilt from
meeting_search, which also merges its segments. PostgreSQL is unchanged. The
statements are spelled out here, not imported, so this revision keeps meaning what it
meant when it was written.

Revision ID: d5f1b8e3a620
Revises: c7e2a9d4b15f
Create Date: 2026-12-03 18:10:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "d5f1b8e3a620"
down_revision = "c7e2a9d4b15f"
branch_labels = None
depends_on = None

FTS = "meeting_search_fts"
TRIGGERS = (
    "CREATE TRIGGER meeting_search_fts_ai AFTER INSERT ON meeting_search BEGIN "
    f"INSERT INTO {FTS}(rowid, document) VALUES (new.meeting_id, new.document); END",
    "CREATE TRIGGER meeting_search_fts_ad AFTER DELETE ON meeting_search BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, document) "
    "VALUES ('delete', old.meeting_id, old.document); END",
    "CREATE TRIGGER meeting_search_fts_au AFTER UPDATE ON meeting_search BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, document) "
    "VALUES ('delete', old.meeting_id, old.document); "
    f"INSERT INTO {FTS}(rowid, document) VALUES (new.meeting_id, new.document); END",
)


def _recreate(options: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS meeting_search_fts_{trigger}")
    op.execute(f"DROP TABLE IF EXISTS {FTS}")
    op.execute(
        f"CREATE VIRTUAL TABLE {FTS} USING fts5(document, content='meeting_search', "
        f"content_rowid='meeting_id', tokenize='unicode61'{options})"
    )
    for statement in TRIGGERS:
        op.execute(statement)
    op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def upgrade():
    _recreate(", prefix='2 3 4 5 6'")


def downgrade():
    _recreate("")
