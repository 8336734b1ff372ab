import logging
from logging.config import fileConfig

import click
from flask import current_app

from alembic import context
from tracker.calendar.state import MIGRATING
from tracker.extensions import declared_for

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
# Keep the loggers that exist already (the app's own): Alembic's default would silence them
# for the rest of a process that migrates in-process (`flask db upgrade`, `init`, the tests).
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

# alembic.ini keeps Alembic at WARN, so `flask init`, seeding and the tests migrate quietly;
# the migration commands themselves (`flask db upgrade`, `flask db migrate`, ...) still list
# each revision they run and every change autogenerate detects.
_command = click.get_current_context(silent=True)
if _command is not None and _command.parent is not None and _command.parent.info_name == "db":
    logging.getLogger("alembic").setLevel(logging.INFO)


def get_engine():
    return current_app.extensions["migrate"].db.engine


def render_item(type_, obj, autogen_context):
    """Render the app's column types as the plain types they store.

    Migrations then never import application code, which may change later.
    """
    if type_ == "type" and hasattr(obj, "impl") and obj.__module__.startswith("tracker."):
        return "sa." + repr(obj.impl)
    return False


def include_name(name, type_, parent_names):
    """Leave SQLite's FTS5 search index (and its shadow tables) to its own migration."""
    if type_ == "table" and name and name.startswith("meeting_search_fts"):
        return False
    return True


def include_object(obj, name, type_, reflected, compare_to):
    """Compare an index the models declare for one database only on that database."""
    return type_ != "index" or declared_for(obj, get_engine().dialect.name)


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    conf_args.setdefault("render_item", render_item)
    conf_args.setdefault("include_name", include_name)
    conf_args.setdefault("include_object", include_object)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        # The change counter's newer columns may not exist yet (tracker/calendar/state.py).
        # The mark is on the pooled connection: it must not outlive the migrations.
        connection.info[MIGRATING] = True
        try:
            context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
            with context.begin_transaction():
                context.run_migrations()
        finally:
            connection.info.pop(MIGRATING, None)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
