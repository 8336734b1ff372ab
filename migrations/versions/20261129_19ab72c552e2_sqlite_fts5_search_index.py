"""sqlite fts5 search index

SQLite searches meeting_search.document through an FTS5 index (external content,
kept in step by triggers) instead of LIKE over every row. PostgreSQL already has its
GIN index; nothing changes there. The statements are spelled out here, not imported,
so this revision keeps meaning what it meant when it was written.

Revision ID: 19ab72c552e2
Revises: cc1f0c2cdc40
Create Date: 2026-11-29 19:43:51.290224

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '19ab72c552e2'
down_revision = 'cc1f0c2cdc40'
branch_labels = None
depends_on = None

FTS = "meeting_search_fts"
UPGRADE = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5("
    "document, content='meeting_search', content_rowid='meeting_id', tokenize='unicode61')",
    "CREATE TRIGGER meeting_search_fts_ai AFTER INSERT ON meeting_search BEGIN "
    f"INSERT INTO {FTS}(rowid, document) VALUES (new.meeting_id, new.document); END",
    "CREATE TRIGGER meeting_search_fts_ad AFTER DELETE ON meeting_search BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, document) "
    "VALUES ('delete', old.meeting_id, old.document); END",
    "CREATE TRIGGER meeting_search_fts_au AFTER UPDATE ON meeting_search BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, document) "
    "VALUES ('delete', old.meeting_id, old.document); "
    f"INSERT INTO {FTS}(rowid, document) VALUES (new.meeting_id, new.document); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
)


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in UPGRADE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS meeting_search_fts_{trigger}")
    op.execute(f"DROP TABLE IF EXISTS {FTS}")
