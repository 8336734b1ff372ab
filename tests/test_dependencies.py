"""requirements.lock: complete, hashed, what the venv runs, and an audit that counts."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def lock_entries() -> list[tuple[str, str, str | None, int]]:
    """(name, version, marker, number of hashes) for each pin of requirements.lock."""
    entries: list[tuple[str, str, str | None, int]] = []
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            name, version, marker = match.groups()
            entries.append((canonicalize_name(name), version, marker, 0))
        elif line.strip().startswith("--hash=sha256:") and entries:
            name, version, marker, hashes = entries[-1]
            entries[-1] = (name, version, marker, hashes + 1)
    return entries


def applicable_pins() -> dict[str, str]:
    """Pins whose environment marker holds on this interpreter."""
    return {
        name: version
        for name, version, marker, _ in lock_entries()
        if marker is None or Marker(marker).evaluate()
    }


def declared_requirements() -> list[Requirement]:
    """The runtime and dev requirements of pyproject.toml, and the build backend."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    texts = project["project"]["dependencies"] + project["project"]["optional-dependencies"]["dev"]
    texts += project["build-system"]["requires"]
    return [Requirement(text) for text in texts]


def test_every_pin_carries_hashes():
    entries = lock_entries()
    assert len(entries) > 50
    assert [name for name, _, _, hashes in entries if hashes == 0] == []


def test_lock_pins_every_declared_requirement_within_its_range():
    pins = applicable_pins()
    for requirement in declared_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is declared in pyproject.toml but not locked (make lock)"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} in requirements.lock is outside {requirement} (make lock)"
        )


def test_venv_runs_exactly_the_lock():
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    drift = {
        name: (version, installed.get(name))
        for name, version in applicable_pins().items()
        if installed.get(name) != version
    }
    assert drift == {}, "venv differs from requirements.lock (locked, installed); run make test"


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_audit_counts_checked_packages_and_fails_on_findings(audit, capsys):
    results = [
        {"name": "flask", "version": "3.1.3", "vulns": []},
        {"name": "jinja2", "version": "3.1.0", "vulns": [{"id": "GHSA-test"}]},
        {"name": "alembic", "skip_reason": "Dependency not found on PyPI"},
    ]
    assert audit.report(results, "pypi") == 1
    out = capsys.readouterr().out
    assert "checked 2 of 3 pinned packages, 1 with known vulnerabilities" in out
    assert "not checked: alembic" in out and "VULNERABLE: jinja2 3.1.0: GHSA-test" in out
    assert audit.report(results[:1], "pypi") == 0


def test_audit_refuses_to_pass_when_nothing_was_checked(audit, monkeypatch, capsys):
    skipped = [{"name": "flask", "skip_reason": "no data"}]
    monkeypatch.setattr(audit, "run_audit", lambda lock, service: skipped)
    monkeypatch.delenv("AUDIT_NO_ADVISORY_SOURCE", raising=False)
    assert audit.main() == 1
    assert "0 packages checked" in capsys.readouterr().out
    monkeypatch.setenv("AUDIT_NO_ADVISORY_SOURCE", "1")
    assert audit.main() == 0
    out = capsys.readouterr().out
    assert "VULNERABILITY AUDIT NOT PERFORMED" in out and "No known vulnerabilities" not in out
