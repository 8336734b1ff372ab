"""Load the meetings of ``bench/versus.py export`` into Indico, with the same ids.

Run with Indico's own Python (not the tracker's), with INDICO_CONFIG naming its
configuration, on an Indico database that holds no events yet:

    INDICO_CONFIG=/opt/indico/etc/indico.conf /opt/indico/.venv/bin/python \
        bench/indico_load.py meetings.json

It creates one public category, "Rakor Forkopimda", and an event of type meeting for
each record: title, description, start and end in the meeting's own time zone, venue
and address, keywords, and each named participant as a chairperson with the agency as
affiliation. It prints the category id, which ``bench/versus.py run --category`` takes.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

from indico.core.db import db
from indico.modules.categories import Category
from indico.modules.events import Event
from indico.modules.events.models.events import EventType
from indico.modules.events.models.persons import EventPerson, EventPersonLink
from indico.modules.users import User
from indico.web.flask.app import make_app

BATCH = 500


def _event(record, category, creator):
    """One Indico event from one exported meeting."""
    event = Event(
        id=record["id"],
        category=category,
        creator=creator,
        title=record["title"],
        description=record["description"],
        start_dt=datetime.fromisoformat(record["start"]),
        end_dt=datetime.fromisoformat(record["end"]),
        timezone=record["timezone"],
        type_=EventType.meeting,
        keywords=record["keywords"],
    )
    event.own_venue_name = record["venue"]
    event.own_address = record["address"]
    for number, person in enumerate(record["people"]):
        link = EventPersonLink(person=EventPerson(event=event, **person), display_order=number)
        event.person_links.append(link)
    return event


def load(path: str) -> int:
    """Create the category and its events; returns the category id."""
    records = json.loads(open(path, encoding="utf-8").read())
    root = Category.get_root()
    category = Category(parent=root, title="Rakor Forkopimda", timezone="Asia/Jakarta")
    db.session.add(category)
    creator = User.get_system_user()
    for start in range(0, len(records), BATCH):
        for record in records[start : start + BATCH]:
            db.session.add(_event(record, category, creator))
        db.session.commit()
        print(f"{min(start + BATCH, len(records))} events", file=sys.stderr, flush=True)
    # Events were given their ids; the sequence must move past them.
    db.session.execute(
        db.text("SELECT setval('events.events_id_seq', (SELECT max(id) FROM events.events))")
    )
    db.session.commit()
    return category.id


def main() -> int:
    with make_app().app_context():
        print(load(sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
