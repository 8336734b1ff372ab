"""Press-release extractor for election coordination meetings (Rakor Forkopimda ...).

``extract(text, published=None, registry=None)`` returns the contract's JSON object;
``Registry`` looks agencies up by name, alias, head title + region and Kodam number.
"""

from __future__ import annotations

from .extractor import KEYS, extract
from .registry import Entry, Registry, default_registry

__all__ = ["KEYS", "Entry", "Registry", "default_registry", "extract"]
