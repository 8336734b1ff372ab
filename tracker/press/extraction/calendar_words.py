"""Indonesian calendar words: weekday, month and number names, and time zones."""

from __future__ import annotations

import re

WEEKDAYS = {
    "senin": 0,
    "selasa": 1,
    "rabu": 2,
    "kamis": 3,
    "jumat": 4,
    "sabtu": 5,
    "minggu": 6,
    "ahad": 6,
}
WEEKDAY_NAMES = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTH_NAMES = [
    "",
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
MONTHS = {
    "januari": 1,
    "jan": 1,
    "january": 1,
    "februari": 2,
    "pebruari": 2,
    "feb": 2,
    "peb": 2,
    "february": 2,
    "maret": 3,
    "mar": 3,
    "march": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "aug": 8,
    "august": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "october": 10,
    "november": 11,
    "nopember": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
    "december": 12,
}
NUMBERS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "sebelas": 11,
    "seratus": 100,
}

# Apostrophes and their look-alikes, as in "Jum'at".
APOS = "['\u2019\u2018`\u00b4]"

ZONE_IANA = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura"}


def zone_code(text: str) -> str:
    """WIB/WITA/WIT from a zone token (spelt-out forms too)."""
    t = text.lower()
    if "barat" in t:
        return "wib"
    if "tengah" in t:
        return "wita"
    if "timur" in t:
        return "wit"
    return t


def iana_for(zone: str, province_tz: str | None) -> str:
    """IANA zone for WIB/WITA/WIT; WIB in West/Central Kalimantan is Asia/Pontianak."""
    z = zone_code(zone)
    if z == "wib" and province_tz == "Asia/Pontianak":
        return "Asia/Pontianak"
    return ZONE_IANA.get(z, province_tz or "Asia/Jakarta")


def parse_number(text: str) -> int | None:
    """Digits or Indonesian number words ("dua belas", "delapan", "seminggu")."""
    t = " ".join(text.lower().split())
    if t.isdigit():
        return int(t)
    if t in ("sehari",):
        return 1
    if t in ("seminggu", "sepekan"):
        return 7
    parts = t.split()
    total = 0
    i = 0
    while i < len(parts):
        n = NUMBERS.get(parts[i])
        if n is None:
            return None
        if i + 1 < len(parts) and parts[i + 1] == "belas":
            total += 10 + n
            i += 2
        elif i + 1 < len(parts) and parts[i + 1] == "puluh":
            total += 10 * n
            i += 2
        else:
            total += n
            i += 1
    return total or None


def weekday_index(text: str | None) -> int | None:
    if not text:
        return None
    return WEEKDAYS.get(re.sub(APOS, "", text.lower()))
