"""Feeds are the same bytes in every process, whatever the hash seed (stable ETags)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from calendar_check import data as calendar_data
from conftest import make_app

from tracker.extensions import db

ROOT = Path(__file__).resolve().parents[1]
URLS = [
    "/calendar/all.ics",
    "/calendar/all.ics?archive=1",
    "/calendar/region/64.ics",
    "/calendar/agency/polda-kaltim.ics",
    "/calendar/feed.ics?region=64&kind=apel",
    "/calendar/kind/rapat_kerja.ics",
]
FETCH = """
import hashlib, json, sys
from tracker import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": sys.argv[1],
                  "INSTANCE_PATH": sys.argv[2]})
client = app.test_client()
out = {}
for url in json.loads(sys.argv[3]):
    response = client.get(url)
    out[url] = [response.headers["ETag"], hashlib.sha256(response.get_data()).hexdigest()]
print(json.dumps(out))
"""


def _fetch(url: str, instance: Path, seed: str) -> dict[str, list[str]]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", FETCH, url, str(instance), json.dumps(URLS)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_feeds_are_byte_identical_across_processes_and_hash_seeds(tmp_path):
    url = f"sqlite:///{tmp_path / 'feeds.sqlite'}"
    app = make_app("sqlite", tmp_path, DATABASE_URL=url)
    with app.app_context():
        from tracker.cli import _load_reference
        from tracker.meetings.operations import create_meeting
        from tracker.models import Agency, Region

        db.create_all()
        _load_reference()
        db.session.commit()

        def make_meeting(**fields):
            fields.setdefault("title", "Rakor")
            meeting = create_meeting(fields)
            db.session.commit()
            return meeting

        def region(code):
            return db.session.execute(db.select(Region).filter_by(code=code)).scalar_one()

        def agency(slug):
            return db.session.execute(db.select(Agency).filter_by(slug=slug)).scalar_one()

        calendar_data.build(make_meeting, region, agency)
        db.session.remove()
        db.engine.dispose()
    # The first process builds and stores every VEVENT; the second reads them back.
    cold = _fetch(url, tmp_path / "instance", "1")
    warm = _fetch(url, tmp_path / "instance", "2")
    third = _fetch(url, tmp_path / "instance", "random")
    assert cold == warm == third
    assert len({etag for etag, _digest in cold.values()}) == len(URLS)
