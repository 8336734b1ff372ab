"""The error every operation raises for bad input, naming field and reason."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import inspect

from tracker.i18n import gettext as _


class ValidationError(ValueError):
    """Input refused; ``errors`` maps each bad field to a readable reason."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


# Contact details of a person: an e-mail address, or an Indonesian mobile or landline
# number (+62 / 62 / 0 prefix, groups split by spaces, dots or dashes).
CONTACT_DETAILS = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+"
    r"|(?<![\w])(?:\+62|62|0)[\s.-]?\(?\d{2,4}\)?(?:[\s.-]?\d{3,4}){2,3}(?![\w])"
)


def refuse_contact_details(values: Mapping[str, object], fields: tuple[str, ...]) -> None:
    """Refuse e-mail addresses and phone numbers in fields naming a person.

    Names are published; contact details of officials and staff never are.
    """
    errors = {
        field: _("Jangan tulis alamat surel atau nomor telepon di sini; data ini dipublikasikan.")
        for field in fields
        if isinstance(value := values.get(field), str) and CONTACT_DETAILS.search(value)
    }
    check(errors)


# Characters that can hide or reorder what a reader sees and that no agenda, form or
# report needs: C0 controls (TAB and LF survive where line breaks are allowed), DEL, C1,
# zero-width characters, bidi marks, embeddings, overrides and isolates, U+2028/2029, BOM.
INVISIBLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Drop invisible characters; collapse all whitespace unless line breaks are allowed."""
    if multiline:
        return INVISIBLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return " ".join(INVISIBLE.sub("", " ".join(value.split())).split())


def column_limit(column: Any) -> int | None:
    """The most characters a column holds: its VARCHAR length, or ``info["max_length"]``."""
    return getattr(column.type, "length", None) or column.info.get("max_length")


def max_length(attribute: Any) -> int:
    """The most characters a model attribute holds: the one limit forms and importers use."""
    limit = column_limit(attribute.property.columns[0])
    if limit is None:
        raise TypeError(f"{attribute} has no length limit")
    return int(limit)


def check(errors: dict[str, str]) -> None:
    """Raise when any error was collected."""
    if errors:
        raise ValidationError(errors)


def guard_text_columns(session: Any, _context: Any, _instances: Any) -> None:
    """Refuse text no database column can hold, before the database sees it.

    PostgreSQL rejects NUL characters in text and values longer than a VARCHAR
    with a driver error (a 500 in a view, a crash in a CLI import) while SQLite
    stores both; checking every new or changed row here gives both databases the
    same readable ValidationError, whichever form, importer or command wrote it.
    """
    errors: dict[str, str] = {}
    for instance in (*session.new, *session.dirty):
        state = inspect(instance)
        # Loaded values only; never triggers a load.
        errors.update(text_errors(state.mapper, state.dict))
    check(errors)


def text_errors(mapper: Any, values: Mapping[str, object]) -> dict[str, str]:
    """What no column of ``mapper`` could hold in ``values`` (NUL, length), by attribute.

    The flush guard checks ORM objects with it; bulk writes that bypass the flush
    check their rows with it too.
    """
    errors: dict[str, str] = {}
    for column in mapper.columns:
        key = mapper.get_property_by_column(column).key
        value = values.get(key)
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            errors[key] = _("Teks tidak boleh berisi karakter NUL (kode 0).")
        length = column_limit(column)
        if length is not None and len(value) > length:
            errors.setdefault(key, _("Paling panjang %(max)d karakter.", max=length))
    return errors
