"""Shared pieces for staff forms: translated built-in messages, checkbox lists, error mapping."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, SelectMultipleField, StringField

# SelectChoice came with WTForms 3.3; types-WTForms 3.2 does not know it yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.i18n import current_language
from tracker.i18n import lazy_gettext as _l

# WTForms ships no Indonesian catalog, so its own messages (type coercion, choices)
# are mapped here; English pages get WTForms' original wording.
BUILTIN_MESSAGES = {
    "This field is required.": _l("Wajib diisi."),
    "Not a valid choice.": _l("Pilihan tidak sah."),
    "Not a valid choice": _l("Pilihan tidak sah."),
    "'%(value)s' is not a valid choice for this field.": _l(
        "'%(value)s' bukan pilihan yang sah untuk kolom ini."
    ),
    "'%(value)s' are not valid choices for this field.": _l(
        "'%(value)s' bukan pilihan yang sah untuk kolom ini."
    ),
    "Invalid Choice: could not coerce.": _l("Pilihan tidak sah."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l("Pilihan tidak sah."),
    "Not a valid integer value.": _l("Bukan bilangan bulat yang sah."),
    "Not a valid float value.": _l("Bukan angka yang sah."),
    "Not a valid decimal value.": _l("Bukan angka yang sah."),
    "Not a valid date value.": _l("Bukan tanggal yang sah."),
    "Not a valid time value.": _l("Bukan jam yang sah."),
    "Not a valid datetime value.": _l("Bukan tanggal dan jam yang sah."),
    "Invalid URL.": _l("Alamat web tidak sah."),
    "Invalid email address.": _l("Alamat surel tidak sah."),
}


class _Translations:
    """Route WTForms' built-in English messages through our Indonesian wording."""

    def gettext(self, string: str) -> str:
        if current_language() == "en":
            return string
        return str(BUILTIN_MESSAGES.get(string, string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


_TRANSLATIONS = _Translations()


class StaffForm(FlaskForm):
    """Base for every staff form: CSRF from Flask-WTF, messages in the page's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> _Translations:  # noqa: D102
            return _TRANSLATIONS


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes, one per choice (roles of a participant)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def iter_fields(form: Any) -> Iterator[Field]:
    """Every leaf field of a form, descending into FieldList and FormField."""
    for field in form:
        if hasattr(field, "entries"):
            for entry in field.entries:
                if hasattr(entry, "form"):
                    yield from iter_fields(entry.form)
                else:
                    yield entry
        elif hasattr(field, "form") and field.type == "FormField":
            yield from iter_fields(field.form)
        else:
            yield field


def apply_errors(
    form: Any, errors: Mapping[str, str], field_map: Mapping[str, str] | None = None
) -> None:
    """Show an operation's ValidationError on the form fields it names.

    ``errors`` keys are operation field names (or full form field names such as
    ``participations-2-agency_name``); ``field_map`` renames the former to form fields.
    Anything that matches no field is shown at the top of the form.
    """
    fields = {f.name: f for f in iter_fields(form)}
    field_map = field_map or {}
    for key, message in errors.items():
        target = fields.get(field_map.get(key, key))
        if target is None:
            form.form_errors.append(message)
            continue
        add_error(target, message)


def required_text(field: StringField) -> str:
    """The text of a DataRequired field, once its form has validated."""
    if field.data is None:
        # validate() refuses an empty required field: reaching here is a programming error.
        raise ValueError(f"{field.name} has no data; validate the form first")
    return field.data


def add_error(field: Field, message: str) -> None:
    """Add ``message`` to the errors shown under ``field``."""
    # errors is a tuple until validate() runs, then the list WTForms shows.
    errors = field.errors if isinstance(field.errors, list) else list(field.errors)
    errors.append(message)
    field.errors = errors


def without_row(formdata: MultiDict[str, Any], prefix: str, index: int) -> MultiDict[str, Any]:
    """Drop row ``index`` of a FieldList from posted data and renumber the rows after it.

    Lets staff remove a participation row without JavaScript while every other
    typed value is kept.
    """
    head = f"{prefix}-"
    kept: MultiDict[str, Any] = MultiDict()
    for key, value in formdata.items(multi=True):
        if not key.startswith(head):
            kept.add(key, value)
            continue
        number, _, rest = key[len(head) :].partition("-")
        if not number.isdigit():
            kept.add(key, value)
            continue
        row = int(number)
        if row == index:
            continue
        if row > index:
            row -= 1
        kept.add(f"{head}{row}-{rest}" if rest else f"{head}{row}", value)
    return kept


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
