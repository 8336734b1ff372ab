"""The error every operation raises for bad input, naming field and reason."""

from __future__ import annotations

from collections.abc import Mapping


class ValidationError(ValueError):
    """Input refused; ``errors`` maps each bad field to a readable reason."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def check(errors: dict[str, str]) -> None:
    """Raise when any error was collected."""
    if errors:
        raise ValidationError(errors)
