// Read an iCalendar file on stdin with ical.js (the parser inside Thunderbird) and
// print, per VEVENT, the instants it computes as JSON. Run it with TZ set to a
// foreign zone: a time whose zone ical.js cannot resolve falls back to that zone
// (floating), so the printed instants expose a missing or wrong VTIMEZONE.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
const declared = new Set(
  root.getAllSubcomponents("vtimezone").map((tz) => tz.getFirstPropertyValue("tzid")),
);

function describe(time) {
  if (time === null) return null;
  if (time.isDate) return { date: time.toString(), zone: null };
  const zone = time.zone ? time.zone.tzid : null;
  return { utc: time.toJSDate().toISOString(), zone };
}

const events = root.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    summary: event.summary,
    sequence: event.sequence,
    status: vevent.getFirstPropertyValue("status"),
    start: describe(event.startDate),
    end: describe(event.endDate),
  };
});

process.stdout.write(
  JSON.stringify({
    name: root.getFirstPropertyValue("name") ?? root.getFirstPropertyValue("x-wr-calname"),
    method: root.getFirstPropertyValue("method"),
    timezones: [...declared].sort(),
    events,
  }),
);
