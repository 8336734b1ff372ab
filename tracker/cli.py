"""Command-line tasks: ``flask --app tracker <command>``."""

from __future__ import annotations

import json
import os
import secrets
import time
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from tracker import safefiles, statistics
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.validation import ValidationError

# Largest CSV `load-regions` reads; every regency and city of Indonesia is about 50 kB.
MAX_CSV_BYTES = 10_000_000


def register(app: Flask) -> None:
    """Attach the commands to the app."""
    for command in (
        init,
        seed_demo,
        synth,
        create_user,
        load_regions,
        load_reference,
        backup_command,
        restore_command,
        extract_command,
        import_press,
    ):
        app.cli.add_command(command)


def _fail(error: ValidationError) -> None:
    db.session.rollback()
    for field, reason in error.errors.items():
        click.echo(f"error: {field}: {reason}", err=True)
    raise SystemExit(1)


def _load_reference() -> tuple[int, int, int]:
    from tracker.agencies.loading import load_reference_agencies
    from tracker.agencies.local_operations import refresh_local_bodies
    from tracker.rankings import tally
    from tracker.regions.name_operations import load_region_names
    from tracker.regions.operations import load_reference_elections, load_reference_regions

    regions = load_reference_regions()
    load_region_names()
    elections, agencies = load_reference_elections(), load_reference_agencies()
    refresh_local_bodies()
    tally.remark_seats()  # the Kodam table may cover provinces differently in this release
    return regions, elections, agencies


def _report_undated() -> None:
    """Name the bodies of the 2022 provinces staff used but nobody has dated yet."""
    from tracker.agencies.loading import undated_recent_bodies

    slugs = undated_recent_bodies()
    if slugs:
        message = _("%(count)d badan dari provinsi yang dibentuk pada 2022 perlu tanggal dari staf")
        click.echo(f"{message % {'count': len(slugs)}}: {', '.join(slugs)}")


def _read_text(path: str | Path, limit: int) -> str:
    try:
        return safefiles.read_argument(path, limit).decode("utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: {_('berkas bukan teks UTF-8')}") from None


def _printable(text: str) -> str:
    """Text from a file, safe for a one-line report: control, bidi and line-break
    characters become escapes, so a crafted name cannot forge or hide report lines.
    """
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


@click.command("init")
@with_appcontext
def init() -> None:
    """Create the instance folder and secret key, migrate, load reference data."""
    instance = Path(current_app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    config = instance / "config.py"
    if not config.exists():
        # Written once with a random key: never a guessable default in code.
        config.write_text(
            "# Local settings for this installation; not committed.\n"
            f"SECRET_KEY = {secrets.token_hex(32)!r}\n",
            encoding="utf-8",
        )
        os.chmod(config, 0o600)
        click.echo(f"wrote {config.name} with a new secret key")
    upgrade()
    regions, elections, agencies = _load_reference()
    db.session.commit()
    statistics.refresh()
    click.echo(
        f"database ready: {regions} new regions, {elections} new elections, {agencies} new agencies"
    )
    _report_undated()


@click.command("load-reference")
@with_appcontext
def load_reference() -> None:
    """Load or refresh provinces, elections and the standard agencies."""
    regions, elections, agencies = _load_reference()
    db.session.commit()
    click.echo(f"new regions {regions}, elections {elections}, agencies {agencies}")
    _report_undated()


@click.command("load-regions")
@with_appcontext
@click.argument("csv_file", type=click.Path(dir_okay=False))
def load_regions(csv_file: str) -> None:
    """Load regencies and cities from CSV (code,name,kind,parent_code,short,timezone)."""
    from tracker.regions.operations import load_regions_csv

    text = _read_text(csv_file, MAX_CSV_BYTES)
    try:
        created = load_regions_csv(text)
    except ValidationError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{created} new regions loaded")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo meetings, starting with the seed's Balikpapan Rakor."""
    from tracker.meetings.demo import load_demo

    _load_reference()
    try:
        created = load_demo()
    except ValidationError as error:
        _fail(error)
    db.session.commit()
    statistics.refresh()
    click.echo(f"{created} demo meetings created")


@click.command("synth")
@with_appcontext
@click.option("--meetings", "count", type=click.IntRange(1, 2_000_000), default=1000)
@click.option("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
def synth(count: int, seed: int) -> None:
    """Insert deterministic synthetic meetings for benchmarks."""
    from tracker import search
    from tracker.meetings.synth import synthesize

    _load_reference()
    started = time.perf_counter()
    with click.progressbar(length=count, label="meetings") as bar:
        done = synthesize(count, seed, progress=bar.update)
    search.compact_index()
    db.session.commit()
    statistics.refresh()
    click.echo(f"{done} meetings synthesised in {time.perf_counter() - started:.1f} s")


@click.command("create-user")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice(["admin", "editor"]), default="admin", show_default=True)
@click.password_option()
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create a staff account (the first one should be an admin)."""
    from tracker.auth.operations import create_user as make_user

    try:
        user = make_user(email, name, password, role)
    except ValidationError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"created {user.role} {user.email}")


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
def backup_command(target: str) -> None:
    """Write a consistent backup of the database to TARGET."""
    from tracker.backup import BackupError, backup

    try:
        backup(Path(target))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written to {target}")


@click.command("restore")
@with_appcontext
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the data.")
def restore_command(source: str, yes: bool) -> None:
    """Replace the database's contents with the backup SOURCE."""
    from tracker.backup import BackupError, restore

    if not yes:
        click.confirm("This replaces every record in the database. Continue?", abort=True)
    try:
        restore(Path(source))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"restored from {source}")


@click.command("extract")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]), help="Publication date.")
@click.option("--json", "as_json", is_flag=True, help="Print the proposal as JSON.")
def extract_command(file: str, published: datetime | None, as_json: bool) -> None:
    """Propose a meeting from a press release (plain text or pasted HTML)."""
    from tracker.press.intake import MAX_RELEASE_BYTES, propose

    text = _read_text(file, MAX_RELEASE_BYTES)
    proposal = propose(text, published.date() if published else None)
    if as_json:
        click.echo(json.dumps(proposal, ensure_ascii=False, indent=2))
        return
    click.echo(f"{proposal['title']}")
    click.echo(f"date: {proposal.get('suggested_date') or proposal['start_date']}")
    for warning in proposal["warnings"]:
        click.echo(f"warning {warning['code']}: {warning['message']}")
    for agency in proposal["agencies"]:
        click.echo(f"  {agency['name']} ({', '.join(agency['roles'])})")


@click.command("import-press")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def import_press(path: Path) -> None:
    """Import a folder of .txt/.html press releases or a JSONL file."""
    from tracker.press.intake import import_documents, iter_documents

    results = []
    for result in import_documents(iter_documents(path)):
        # Each result is committed before it is yielded; printing (and flushing) it at
        # once means every line shown is saved, even if the process dies mid-import.
        results.append(result)
        click.echo(f"{result.outcome:<13} {_printable(result.source)}: {_printable(result.detail)}")
    if results:
        statistics.refresh()
    summary: dict[str, int] = {}
    for result in results:
        summary[result.outcome] = summary.get(result.outcome, 0) + 1
    click.echo(", ".join(f"{k} {v}" for k, v in sorted(summary.items())) or "nothing to import")
