"""Every string the UI can show has an English translation in the catalogue (issue 16).

The strings are extracted exactly as ``make extract-messages`` does (babel.cfg, with the
``_l`` and ``lazy_gettext`` keywords), from the templates and the Python sources, and each
one must have a non-empty, non-fuzzy English entry whose placeholders are the msgid's.
"""

from __future__ import annotations

import os
import re
from fnmatch import fnmatch
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "tracker" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# The Makefile's `pybabel extract -k _l -k lazy_gettext -k lazy_pgettext:1c,2`.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}
# And its `--ignore-dirs ".* ._"`. Without it Babel skips every folder whose name starts
# with "_", templates/_macros among them: the form error summary and the pagination were
# never extracted, so never translated (issue 16).
IGNORE_DIRS = (".*", "._*")


def _directory_wanted(dirname: str) -> bool:
    return not any(fnmatch(os.path.basename(dirname), p) for p in IGNORE_DIRS)


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


def extracted() -> dict[tuple[str, str | None], list[str]]:
    """Each extracted (msgid, context) with the places it comes from."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[tuple[str, str | None], list[str]] = {}
    for filename, line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_directory_wanted
    ):
        ids = message if isinstance(message, tuple) else (message,)
        found.setdefault((ids[0], context), []).append(f"{filename}:{line}")
    return found


def catalogue() -> Catalog:
    """The English catalogue as written (the .po, not a possibly stale .mo)."""
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


def _forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


def test_extraction_finds_the_templates_and_the_python_messages():
    found = extracted()
    places = {place.split(":")[0] for where in found.values() for place in where}
    assert any(p.startswith("templates/") for p in places)
    assert any(p.startswith("tracker/") and p.endswith(".py") for p in places)
    # A known string from each side, so a broken babel.cfg cannot pass by finding nothing.
    assert ("Langsung ke isi", None) in found  # templates/base.html
    assert ("Pemateri", None) in found  # tracker/labels.py, through _l
    assert ("Berikutnya »", None) in found  # templates/_macros/pagination.html
    assert ("Pemateri", "peran") in found  # tracker/labels.py, through lazy_pgettext
    assert ("Instansi", "daftar") in found  # templates/base.html, through pgettext
    assert len(found) > 500


def test_every_ui_string_has_an_english_translation():
    english = catalogue()
    missing = []
    found = sorted(extracted().items(), key=lambda item: (item[0][0], item[0][1] or ""))
    for (msgid, context), where in found:
        entry = english.get(msgid, context=context)
        if entry is None or entry.fuzzy or not all(_forms(entry.string)):
            missing.append(f"{msgid!r} ({', '.join(where[:3])})")
    assert not missing, "not translated in messages.po:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders():
    # A msgstr naming a different placeholder fails at render time, in English only.
    wrong = []
    for entry in catalogue():
        if not entry.id or not entry.string:
            continue
        wanted = sorted(PLACEHOLDER.findall(_forms(entry.id)[0]))
        for form in _forms(entry.string):
            if form and sorted(PLACEHOLDER.findall(form)) != wanted:
                wrong.append(f"{_forms(entry.id)[0]!r} -> {form!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)
