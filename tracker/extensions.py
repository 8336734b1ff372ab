"""Flask extensions, created unbound and attached in ``create_app``."""

import sqlite3
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# A naming convention makes constraint names stable across SQLite and PostgreSQL,
# so Alembic can drop and alter them in later migrations.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    if TYPE_CHECKING:
        # Every model maps one plain table (no joins), so insert/update/delete accept it.
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    # mypy cannot subclass the attribute ``db.Model`` (python/mypy#8603), so type
    # checking sees the declarative base it is built from; at run time it is db.Model.
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Turn on what SQLite leaves off: foreign keys, WAL and a busy timeout."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # WAL lets readers and one writer work at once; in-memory databases ignore it.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _install_text_guard() -> None:
    """Check text against its column (NUL, length) before every flush, on any database."""
    from sqlalchemy.orm import Session

    from tracker.validation import guard_text_columns

    if not event.contains(Session, "before_flush", guard_text_columns):
        event.listen(Session, "before_flush", guard_text_columns)


_install_text_guard()


def declared_for(item: Any, dialect: str) -> bool:
    """Whether a schema item the models declare applies to this database.

    An index may be declared once per database with ``ddl_if`` (SQLite takes no NULLS
    LAST in an index); Alembic's comparison ignores that and would see both.
    """
    only = getattr(item, "_ddl_if", None)
    return only is None or only.dialect in (None, dialect)
