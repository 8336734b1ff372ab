"""Score the press-release extractor on a folder of annotated articles and time it.

Usage: python bench/extraction.py DIR [--repeat N]

DIR holds ``NAME.txt`` (the article) and ``NAME.json`` (the annotation) pairs. Scoring
follows the contract: start_date exact; start_time exact where annotated; a
weekday_mismatch warning (with the right suggested_date where likely_actual_date is
given) where date_problems reports a weekday contradiction; venue name by token overlap
(F1); city and chair name after dropping titles, ranks and degrees; agencies and
speakers' agencies as set F1 over canonical names (case, spaces, punctuation ignored);
election exact. The overall score is the mean of the field means. For agencies and
speakers' agencies, precision and recall over all articles are printed too: precision
counts proposals the annotation does not have, recall the annotated ones missed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.press.extraction import extract  # noqa: E402
from tracker.press.extraction.normalise import key  # noqa: E402
from tracker.press.extraction.people import clean_name  # noqa: E402
from tracker.press.extraction.registry import default_registry  # noqa: E402

FIELDS = (
    "start_date",
    "start_time",
    "weekday_mismatch",
    "venue_name",
    "city",
    "chair_name",
    "agencies",
    "speaker_agencies",
    "election",
)
SET_FIELDS = ("agencies", "speaker_agencies")
_WEEKDAY_PROBLEM = re.compile(
    r"different\s+weekday|weekday\s+(?:contradict|mismatch|differ)|wrong\s+weekday|"
    r"\bbut\b[^.]*\bwas\s+an?\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day",
    re.I,
)
_PLACE_PREFIX = re.compile(r"^(?:kota|kabupaten|kab)\s+")


def _tokens(text: str | None) -> list[str]:
    return key(text or "").split()


def token_f1(pred: str | None, gold: str | None) -> float:
    """Token-overlap F1; both empty counts as a match."""
    p, g = _tokens(pred), _tokens(gold)
    if not p and not g:
        return 1.0
    if not p or not g:
        return 0.0
    common = sum(min(p.count(t), g.count(t)) for t in set(p))
    if not common:
        return 0.0
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec)


def set_f1(pred: set[str], gold: set[str]) -> float:
    """Set F1; both empty counts as a match."""
    if not pred and not gold:
        return 1.0
    if not pred or not gold:
        return 0.0
    tp = len(pred & gold)
    if not tp:
        return 0.0
    prec, rec = tp / len(pred), tp / len(gold)
    return 2 * prec * rec / (prec + rec)


def _names(values: list[str | None], aliases: bool) -> set[str]:
    out = set()
    reg = default_registry()
    for v in values:
        if not v:
            continue
        if aliases:
            e = reg.by_name(v)
            v = e.short_name if e else v
        out.add(key(v).replace(" ", ""))
    return out


def _city(value: str | None) -> str:
    return _PLACE_PREFIX.sub("", key(clean_name(value or "")))


def score(pred: dict[str, Any], gold: dict[str, Any], aliases: bool = False) -> dict[str, float]:
    """Per-field scores of one article (fields that do not apply are left out)."""
    s: dict[str, float] = {}
    s["start_date"] = float(pred.get("start_date") == gold.get("start_date"))
    if gold.get("start_time"):
        s["start_time"] = float(pred.get("start_time") == gold["start_time"])
    if any(_WEEKDAY_PROBLEM.search(p) for p in gold.get("date_problems") or []):
        warns = [w for w in pred.get("warnings") or [] if w.get("code") == "weekday_mismatch"]
        ok = bool(warns)
        if ok and gold.get("likely_actual_date"):
            ok = any(w.get("suggested_date") == gold["likely_actual_date"] for w in warns)
        s["weekday_mismatch"] = float(ok)
    s["venue_name"] = token_f1(pred.get("venue_name"), gold.get("venue_name"))
    s["city"] = float(_city(pred.get("city")) == _city(gold.get("city")))
    chair = (pred.get("chair") or {}).get("name")
    s["chair_name"] = float(
        key(clean_name(chair or "")) == key(clean_name(gold.get("chair_name") or ""))
    )
    s["agencies"] = set_f1(
        _names([a.get("name") for a in pred.get("agencies") or []], aliases),
        _names(gold.get("attending_agencies") or [], aliases),
    )
    s["speaker_agencies"] = set_f1(
        _names([sp.get("agency") for sp in pred.get("speakers") or []], aliases),
        _names([sp.get("agency") for sp in gold.get("speakers") or []], aliases),
    )
    s["election"] = float(pred.get("election") == gold.get("election"))
    return s


def load(folder: Path) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for txt in sorted(folder.glob("*.txt")):
        ann = txt.with_suffix(".json")
        if ann.exists():
            out.append(
                (txt.stem, txt.read_text(encoding="utf-8"), json.loads(ann.read_text("utf-8")))
            )
    return out


def _published(gold: dict[str, Any]) -> date | None:
    value = gold.get("published")
    return date.fromisoformat(value) if value else None


class Tally:
    """Per-field scores and, for the set fields, true/false positives and false negatives."""

    def __init__(self) -> None:
        self.per: dict[str, list[float]] = {f: [] for f in FIELDS}
        self.per_alias: dict[str, list[float]] = {f: [] for f in FIELDS}
        self.counts = {f: [0, 0, 0] for f in SET_FIELDS}  # tp, fp, fn

    def add(self, pred: dict[str, Any], gold: dict[str, Any]) -> dict[str, float]:
        sc = score(pred, gold)
        for f, v in sc.items():
            self.per[f].append(v)
        for f, v in score(pred, gold, aliases=True).items():
            self.per_alias[f].append(v)
        for f, (p, g) in _sets(pred, gold).items():
            c = self.counts[f]
            c[0], c[1], c[2] = c[0] + len(p & g), c[1] + len(p - g), c[2] + len(g - p)
        return sc

    def report(self) -> None:
        print(f"{'field':<18} {'score':>6} {'alias-aware':>12} {'n':>3}")
        print("-" * 42)
        means, alias_means = [], []
        for f in FIELDS:
            if not self.per[f]:
                continue
            m = sum(self.per[f]) / len(self.per[f])
            ma = sum(self.per_alias[f]) / len(self.per_alias[f])
            means.append(m)
            alias_means.append(ma)
            print(f"{f:<18} {m:>6.3f} {ma:>12.3f} {len(self.per[f]):>3}")
        print("-" * 42)
        overall, overall_alias = sum(means) / len(means), sum(alias_means) / len(alias_means)
        print(f"{'overall':<18} {overall:>6.3f} {overall_alias:>12.3f}")
        print()
        for f, (tp, fp, fn) in self.counts.items():
            prec = tp / (tp + fp) if tp + fp else 1.0
            rec = tp / (tp + fn) if tp + fn else 1.0
            print(
                f"{f:<18} precision {prec:.3f} ({fp} not annotated)  recall {rec:.3f} ({fn} missed)"
            )


def _sets(pred: dict[str, Any], gold: dict[str, Any]) -> dict[str, tuple[set[str], set[str]]]:
    return {
        "agencies": (
            _names([a.get("name") for a in pred.get("agencies") or []], False),
            _names(gold.get("attending_agencies") or [], False),
        ),
        "speaker_agencies": (
            _names([sp.get("agency") for sp in pred.get("speakers") or []], False),
            _names([sp.get("agency") for sp in gold.get("speakers") or []], False),
        ),
    }


def _timing(texts: list[tuple[str, date | None]], repeat: int) -> None:
    """Articles per second on one core, and 1 MB inputs of article, HTML and random text."""
    for t, p in texts:
        extract(t, p)  # warm caches (registry, gazetteer, compiled patterns)
    n = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        for t, p in texts:
            extract(t, p)
            n += 1
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    # CPU time is what one core spends; wall time also counts other processes' load.
    print(
        f"\nthroughput: {n / cpu:.0f} articles/s on one core ({n} articles, {cpu:.2f} s CPU; "
        f"wall {dt:.2f} s, {n / dt:.0f}/s)"
    )
    rng = random.Random(0)
    blob = "\n\n".join(t for t, _ in texts)
    big_text = (blob * (1_000_000 // max(1, len(blob)) + 1))[:1_000_000]
    big_html = "<div><p>" + blob.replace("\n", "</p><p>") + "</p><a href='#'>BACA JUGA</a></div>"
    big_html = (big_html * (1_000_000 // len(big_html) + 1))[:1_000_000]
    alphabet = "abc XYZ()/.,-<>&;\n0123456789 Selasa Kapolda pukul WIB “”'éü中"
    big_random = "".join(rng.choice(alphabet) for _ in range(1_000_000))
    for label, big in (("text", big_text), ("html", big_html), ("random", big_random)):
        t0, c0 = time.perf_counter(), time.process_time()
        extract(big)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"1 MB {label:<6} input: {cpu:.3f} s CPU (wall {wall:.3f} s)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--repeat", type=int, default=50, help="passes over the folder for timing")
    ap.add_argument("--verbose", action="store_true", help="print per-article scores")
    args = ap.parse_args(argv)
    items = load(args.folder)
    if not items:
        print(f"no annotated *.txt/*.json pairs in {args.folder}")
        return 1
    tally = Tally()
    for name, text, gold in items:
        sc = tally.add(extract(text, _published(gold)), gold)
        if args.verbose:
            bad = {f: round(v, 2) for f, v in sc.items() if v < 1}
            print(f"{name}: {bad or 'all fields correct'}")
    print(f"\n{len(items)} articles in {args.folder}\n")
    tally.report()
    _timing([(t, _published(g)) for _, t, g in items], args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
