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
        if isinstance(values.get(field), str) and CONTACT_DETAILS.search(values[field])
    }
    check(errors)


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
        for column in state.mapper.columns:
            key = state.mapper.get_property_by_column(column).key
            value = state.dict.get(key)  # loaded values only; never triggers a load
            if not isinstance(value, str):
                continue
            if "\x00" in value:
                errors[key] = _("Teks tidak boleh berisi karakter NUL (kode 0).")
            length = getattr(column.type, "length", None)
            if length is not None and len(value) > length:
                errors.setdefault(key, _("Paling panjang %(max)d karakter.", max=length))
    check(errors)
