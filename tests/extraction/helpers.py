"""Small accessors used by several test modules."""

from __future__ import annotations

from typing import Any


def names(result: dict[str, Any]) -> set[str]:
    return {a["name"] for a in result["agencies"]}


def roles(result: dict[str, Any], name: str) -> list[str]:
    for a in result["agencies"]:
        if a["name"] == name:
            return list(a["roles"])
    raise AssertionError(f"{name} not among {names(result)}")


def codes(result: dict[str, Any]) -> list[str]:
    return [w["code"] for w in result["warnings"]]


def warning(result: dict[str, Any], code: str) -> dict[str, Any]:
    for w in result["warnings"]:
        if w["code"] == code:
            return w
    raise AssertionError(f"no {code} in {codes(result)}")
