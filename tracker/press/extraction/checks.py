"""Stage: the last checks: a field the extractor is unsure of is left empty, with a warning.

A wrong fact is worse than a blank. Every proposed field has a confidence in
``out["confidence"]``; below :data:`THRESHOLD` the field is emptied and a warning
(code ``<field>_uncertain`` unless a stage left a more telling one for the field)
says what was seen. Agencies and speakers carry their own ``confidence``; those below
the threshold are taken out of the lists and named in one warning.
"""

from __future__ import annotations

from typing import Any

from .notes import warning

# Confidence below which a proposed value is withheld (0..1). Stages score a value
# they read directly at 0.8-0.95, one inferred from context at 0.55-0.75, and one
# with conflicting readings at or below 0.4.
THRESHOLD = 0.5

_LABELS = {
    "title": "judul",
    "start_date": "tanggal",
    "start_time": "jam mulai",
    "venue_name": "tempat",
    "city": "kota/kabupaten",
    "chair": "pimpinan rapat",
    "theme": "tema",
    "election": "pemilihan",
}


def apply(out: dict[str, Any]) -> None:
    """Empty the fields and list items below the threshold, each with its warning."""
    warned = {w.get("field") for w in out["warnings"]}
    for name, conf in list(out["confidence"].items()):
        if conf >= THRESHOLD or out.get(name) is None:
            continue
        seen = out["evidence"].get(name) or ""
        out[name] = None
        if name not in warned:
            label = _LABELS.get(name, name)
            out["warnings"].append(
                warning(
                    f"{name}_uncertain",
                    f"{label.capitalize()} tidak diusulkan karena tidak pasti: {seen[:200]}",
                    field=name,
                )
            )
    _drop_doubtful(out, "agencies", "name", "Instansi")
    _drop_doubtful(out, "speakers", "agency", "Pembicara dari")


def _drop_doubtful(out: dict[str, Any], key: str, label_key: str, label: str) -> None:
    keep: list[dict[str, Any]] = []
    doubtful: list[dict[str, Any]] = []
    for item in out[key]:
        (keep if item.get("confidence", 1.0) >= THRESHOLD else doubtful).append(item)
    if not doubtful:
        return
    out[key] = keep
    names = ", ".join(str(i.get(label_key) or i.get("name") or "?") for i in doubtful)
    out["warnings"].append(
        warning(
            f"{key}_uncertain", f"{label} tidak diusulkan karena tidak pasti: {names}", field=key
        )
    )
