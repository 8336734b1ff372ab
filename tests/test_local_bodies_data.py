"""The hand-compiled regency police and Kodim files agree with regions.csv (issue 13)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tracker" / "data"
POLICE_PREFIXES = ("Polrestabes ", "Polresta ", "Polres Metro ", "Polres ")
KOREM = re.compile(r"^\d{3}/\S.*$")
# Kota Surabaya is split between three Kodim (documented in kodim.csv's header).
SHARED = {"35.78": {"0830", "0831", "0832"}}


def _rows(name: str) -> list[dict[str, str]]:
    """Rows of a data file, skipping its # comment lines."""
    text = (DATA / name).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _local_codes() -> set[str]:
    """Codes of the regencies and cities in regions.csv."""
    return {r["code"] for r in _rows("regions.csv") if r["kind"] in {"regency", "city"}}


def _region_names() -> dict[str, str]:
    """Code -> shown name of every region."""
    return {r["code"]: r["name"] for r in _rows("regions.csv")}


def test_polres_regions_exist_once():
    codes = [r["region_code"] for r in _rows("polres.csv")]
    assert set(codes) <= _local_codes()
    assert [c for c, n in Counter(codes).items() if n > 1] == []


def test_polres_names_have_a_police_prefix_and_differ_from_the_default():
    names = _region_names()
    for row in _rows("polres.csv"):
        short = row["short_name"]
        assert short.startswith(POLICE_PREFIXES), short
        # A row exists only because the generated "Polres {name}" is wrong.
        assert short != f"Polres {names[row['region_code']]}", short
        assert row["full_name"].startswith("Kepolisian Resor "), row["full_name"]
        assert row["note"], short


def test_polres_aliases_are_clean():
    for row in _rows("polres.csv"):
        aliases = [a for a in row["aliases"].split("|") if a]
        assert all(a == a.strip() and a != row["short_name"] for a in aliases), row
        assert len(aliases) == len(set(aliases)), row


def test_kodim_numbers_are_four_digits_and_unique():
    numbers = [r["number"] for r in _rows("kodim.csv")]
    assert all(re.fullmatch(r"\d{4}", n) and "0301" <= n <= "1715" for n in numbers)
    assert len(numbers) == len(set(numbers))


def test_kodim_rows_are_complete():
    for row in _rows("kodim.csv"):
        assert row["name"] and row["note"], row
        assert KOREM.match(row["korem"]), row["korem"]
        assert f"Kodim {row['number']}/{row['name']}" in row["aliases"].split("|")


def _coverage() -> dict[str, set[str]]:
    """Region code -> the Kodim numbers that list it."""
    covered: dict[str, set[str]] = {}
    for row in _rows("kodim.csv"):
        for code in row["region_codes"].split(";"):
            covered.setdefault(code, set()).add(row["number"])
    return covered


def test_kodim_regions_exist():
    assert set(_coverage()) <= _local_codes()


def test_no_region_has_two_kodim_unless_documented():
    shared = {code: ns for code, ns in _coverage().items() if len(ns) > 1}
    assert shared == SHARED


def test_kodim_provinces_are_covered_completely():
    # The header claims Kaltim, Kaltara and Jatim whole: every regency and city there has a Kodim.
    covered = set(_coverage())
    for province in ("64", "65", "35"):
        local = {c for c in _local_codes() if c.split(".")[0] == province}
        assert local - covered == set(), province
