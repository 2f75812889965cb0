"""YAML read through libyaml (PyYAML's C parser) when PyYAML was built with it.

A refresh reads the catalogue, the message catalogues, the survey items, the local
model and the settings: some 70 documents. PyYAML's pure-Python parser spends ~40 ms on
the catalogue alone and about a second and a half on all of them; libyaml reads the same
documents into the same Python values (safe tags only) ten times faster. Errors are
`yaml.YAMLError`s with a `problem_mark` (line, column) either way.
"""

from __future__ import annotations

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str):
    """As `yaml.safe_load`."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader


def compose(text: str) -> yaml.Node | None:
    """The document's node tree (keys with their line numbers), as `yaml.compose`."""
    return yaml.compose(text, Loader=SafeLoader)
