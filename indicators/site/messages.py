"""Every word a reader sees, per language, from `messages/<page>.<lang>.yaml`.

A file's stem names the first part of its keys: `area.da.yaml` holding

    status:
      title: "Status på listen 1. december {year}"

defines `area.status.title`. A leaf is a string, or a plural with the keys
`one` and `other` (chosen by the parameter `n`). Placeholders are
`{name}` or `{name:kind}`, where kind formats the value the language's way:

    int      whole number, persons and counts ("1.161")
    num      one decimal ("2,9"); num0..num3 for other decimals
    pct      percent with one decimal ("46,2 %"); pct0..pct3
    pp       signed percentage points ("+3,1 procentpoint"); pp0..pp3
    ppabs    unsigned percentage points ("3,1 procentpoint")
    kr       kroner ("312.000 kr.")
    date     a date ("1. december 2024")
    list     a list of strings ("A, B og C")

    msgs = Messages.load("da")
    msgs.t("area.status.title", year=2024)
    msgs.t("common.residents", n=1161)       # plural: "1.161 beboere"

Every language must define the same keys with the same placeholders: the
first `Messages.load` checks all languages against each other and fails,
naming file and key, on any difference (the site build stops there, so a
missing English sentence is an error, never a Danish word on an English page).
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, RootModel, ValidationError

from indicators import yaml_text
from indicators.site.formatting import Locale, aligned_decimals, exact, is_missing, locale

MESSAGES_DIR = Path(__file__).with_name("messages")
LANGUAGES = ("da", "en")


class MessageError(ValueError):
    pass


class Plural(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    one: str
    other: str


class MessageTree(RootModel[dict[str, "Plural | str | MessageTree"]]):
    """One file: nested mappings whose leaves are strings or plurals."""


_FORMATTER = string.Formatter()
_KINDS = {"", "int", "num", "pct", "pp", "ppabs", "kr", "date", "list"}


@cache
def _kind(spec: str) -> tuple[str, int | None]:
    base = spec.rstrip("0123456789")
    digits = spec[len(base):]
    if base not in _KINDS or (digits and base not in ("num", "pct", "pp", "ppabs")):
        raise MessageError(f"unknown placeholder format {spec!r}")
    return base, int(digits) if digits else None


def placeholders(text: str) -> dict[str, str]:
    """{name: format spec} of one message text."""
    out = {}
    for _, name, spec, _ in _FORMATTER.parse(text):
        if name is None:
            continue
        if not name.isidentifier():
            raise MessageError(f"placeholder {{{name}}} must be a plain name")
        _kind(spec or "")
        out[name] = spec or ""
    return out


@cache
def _parsed(text: str) -> tuple[tuple[tuple[str, str | None, str], ...], frozenset[str]]:
    """A message text as (literal, placeholder name, format spec) pieces and the names
    it needs: parsed once per text, not on every page that says it."""
    pieces = tuple((literal, name, spec or "") for literal, name, spec, _ in
                   _FORMATTER.parse(text))
    return pieces, frozenset(placeholders(text))


def _flatten(prefix: str, tree: MessageTree | Plural | str, out: dict, source: Path) -> None:
    if isinstance(tree, MessageTree):
        for key, child in tree.root.items():
            if not key.replace("_", "").isalnum():
                raise MessageError(f"{source}: key {prefix}.{key} may hold only letters, "
                                   "digits and _")
            _flatten(f"{prefix}.{key}", child, out, source)
        return
    texts = [tree.one, tree.other] if isinstance(tree, Plural) else [tree]
    for text in texts:
        try:
            placeholders(text)
        except (MessageError, ValueError) as error:
            raise MessageError(f"{source}: {prefix}: {error}") from None
    if isinstance(tree, Plural) and "n" not in placeholders(tree.one) | placeholders(tree.other):
        raise MessageError(f"{source}: {prefix}: a plural must use the placeholder {{n}}")
    out[prefix] = tree


def read_language(lang: str, folder: Path = MESSAGES_DIR) -> dict[str, Plural | str]:
    """All keys of one language, flattened, with the file each came from checked."""
    files = sorted(folder.glob(f"*.{lang}.yaml"))
    if not files:
        raise MessageError(f"{folder}: no message files for language {lang!r} (*.{lang}.yaml)")
    out: dict[str, Plural | str] = {}
    for path in files:
        page = path.name[: -len(f".{lang}.yaml")]
        try:
            raw = yaml_text.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise MessageError(f"{path}: not valid YAML: {error}") from None
        if raw is None:
            raw = {}
        try:
            tree = MessageTree.model_validate(raw)
        except ValidationError:
            where, found = _first_bad(raw)
            raise MessageError(f"{path}: key {'.'.join([page, *where])}: expected a text, a "
                               f"mapping or a one/other plural, found {found}") from None
        _flatten(page, tree, out, path)
    return out


def _first_bad(raw, where=()) -> tuple[tuple[str, ...], str]:
    """Where a file's tree first holds something that is not a text or a mapping."""
    if isinstance(raw, str):
        return (), ""
    if not isinstance(raw, dict):
        return where, f"{type(raw).__name__} {raw!r}"
    for key, child in raw.items():
        if not isinstance(key, str):
            # YAML 1.1 reads unquoted yes/no/on/off keys as booleans.
            return (*where, repr(key)), f"a {type(key).__name__} key (quote it)"
        bad = _first_bad(child, (*where, key))
        if bad[1]:
            return bad
    return where, "a mapping mixing one/other with other keys"


def _shape(entry: Plural | str) -> tuple[str, frozenset[str]]:
    if isinstance(entry, Plural):
        names = placeholders(entry.one) | placeholders(entry.other)
        return "plural", frozenset(f"{k}:{v}" for k, v in names.items())
    return "text", frozenset(f"{k}:{v}" for k, v in placeholders(entry).items())


def check_languages(catalogues: Mapping[str, Mapping[str, Plural | str]]) -> None:
    """Every language has the same keys, leaf kinds and placeholders (name and format)."""
    problems = []
    langs = list(catalogues)
    reference = langs[0]
    for lang in langs[1:]:
        a, b = catalogues[reference], catalogues[lang]
        for key in sorted(a.keys() - b.keys()):
            problems.append(f"{key}: in {reference}, missing in {lang}")
        for key in sorted(b.keys() - a.keys()):
            problems.append(f"{key}: in {lang}, missing in {reference}")
        for key in sorted(a.keys() & b.keys()):
            (kind_a, ph_a), (kind_b, ph_b) = _shape(a[key]), _shape(b[key])
            if kind_a != kind_b:
                problems.append(f"{key}: a {kind_a} in {reference} but a {kind_b} in {lang}")
            elif ph_a != ph_b:
                problems.append(f"{key}: placeholders {sorted(ph_a)} in {reference} but "
                                f"{sorted(ph_b)} in {lang}")
    if problems:
        raise MessageError("message catalogues differ between languages:\n  "
                           + "\n  ".join(problems))


def _load_all(folder: Path) -> dict[str, dict[str, Plural | str]]:
    # Keyed by the files' names, sizes and times, so an edited file is read again.
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                  for p in sorted(folder.glob("*.yaml")))
    return _load_stamped(folder, stamp)


@cache
def _load_stamped(folder: Path, stamp: tuple) -> dict[str, dict[str, Plural | str]]:
    catalogues = {lang: read_language(lang, folder) for lang in LANGUAGES}
    check_languages(catalogues)
    return catalogues


# Within `pinned()`: one Messages per folder and language, the files not looked at again.
_PINNED: dict[tuple[Path | None, str], Messages] = {}
_pin_depth = 0


@contextmanager
def pinned() -> Iterator[None]:
    """Read (and check) each language's catalogue once for everything done inside.

    A site build asks for its language's messages for every download header it
    writes (thousands on a national set), and each `Messages.load` looks at every
    file's size and time so that an edited file is read again; during one build the
    files are taken as they were when it started. Forked page workers inherit the
    pinned catalogues."""
    global _pin_depth
    _pin_depth += 1
    try:
        yield
    finally:
        _pin_depth -= 1
        if _pin_depth == 0:
            _PINNED.clear()


class Messages:
    """The texts and formats of one language."""

    def __init__(self, lang: str, entries: Mapping[str, Plural | str]):
        self.lang = lang
        self.fmt: Locale = locale(lang)
        self._entries = entries
        # Messages said without parameters (headers, labels: most of a national
        # site's million calls), each filled in once.
        self._bare: dict[str, str] = {}

    @classmethod
    def load(cls, lang: str, folder: Path | None = None) -> Messages:
        if _pin_depth:
            # Keyed by the folder as given: resolving it costs more than the lookup.
            pinned_messages = _PINNED.get((folder, lang))
            if pinned_messages is not None:
                return pinned_messages
        given = folder
        folder = (folder or MESSAGES_DIR).resolve()
        catalogues = _load_all(folder)
        if lang not in catalogues:
            raise MessageError(f"unknown site language {lang!r}: expected one of "
                               f"{', '.join(LANGUAGES)}")
        messages = cls(lang, catalogues[lang])
        if _pin_depth:
            _PINNED[given, lang] = messages
        return messages

    def keys(self) -> set[str]:
        return set(self._entries)

    def has(self, key: str) -> bool:
        return key in self._entries

    def t(self, key: str, **params: Any) -> str:
        """The message `key` with its placeholders filled in, formatted for the language."""
        if not params:
            bare = self._bare.get(key)
            if bare is not None:
                return bare
        try:
            entry = self._entries[key]
        except KeyError:
            raise MessageError(f"no message {key!r} in the {self.lang} catalogue "
                               f"({MESSAGES_DIR.name}/{key.split('.')[0]}.{self.lang}.yaml)"
                               ) from None
        if isinstance(entry, Plural):
            if "n" not in params:
                raise MessageError(f"message {key!r} is a plural and needs n=")
            entry = entry.one if params["n"] == 1 else entry.other
        pieces, needed = _parsed(entry)
        if not needed <= params.keys():
            missing = needed - params.keys()
            raise MessageError(f"message {key!r} needs {', '.join(sorted(missing))}")
        if not needed:
            text = "".join(literal for literal, _, _ in pieces)
            if not params:
                self._bare[key] = text
            return text
        parts = []
        for literal, name, spec in pieces:
            parts.append(literal)
            if name is not None:
                parts.append(self.format_value(params[name], spec))
        return "".join(parts)

    def format_value(self, value: Any, spec: str) -> str:
        kind, decimals = _kind(spec)
        f = self.fmt
        if kind == "":
            return f.unknown if value is None else str(value)
        if kind == "int":
            return f.integer(value)
        if kind == "num":
            return f.number(value, 1 if decimals is None else decimals)
        if kind == "pct":
            return f.percent(value, 1 if decimals is None else decimals)
        if kind == "pp":
            return f.points(value, 1 if decimals is None else decimals)
        if kind == "ppabs":
            return f.points(abs(value) if value is not None else None,
                            1 if decimals is None else decimals, signed=False)
        if kind == "kr":
            return f.money(value)
        if kind == "date":
            return f.long_date(value)
        return f.join(value)  # list

    # Shortcuts to the language's formats, for tables and templates.
    def number(self, value, decimals: int = 1, **kw) -> str:
        return self.fmt.number(value, decimals, **kw)

    def integer(self, value) -> str:
        return self.fmt.integer(value)

    def percent(self, value, decimals: int = 1) -> str:
        return self.fmt.percent(value, decimals)

    def points(self, value, decimals: int = 1, *, signed: bool = True) -> str:
        return self.fmt.points(value, decimals, signed=signed)

    def year_range(self, first, last=None) -> str:
        return self.fmt.year_range(first, last)

    def join(self, items) -> str:
        return self.fmt.join(items)

    def long_date(self, value) -> str:
        return self.fmt.long_date(value)

    def date_time(self, value) -> str:
        return self.fmt.date_time(value)

    def yes_no(self, value) -> str:
        return self.fmt.yes_no_unknown(value)

    def aligned(self, value, threshold, *, percent: bool = True) -> tuple[str, str, str]:
        """(value, threshold, distance value - threshold) with decimals chosen so the
        shown subtraction holds (K2: "3,24 %", "2,88 %", "+0,36 procentpoint")."""
        d = aligned_decimals(value, threshold)
        shown = self.fmt.percent if percent else self.fmt.number
        missing = is_missing(value) or is_missing(threshold)
        distance = None if missing else exact(value) - exact(threshold)
        return shown(value, d), shown(threshold, d), self.fmt.points(distance, d)


MessageTree.model_rebuild()
