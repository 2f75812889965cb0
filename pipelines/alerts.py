"""Signal-change alerts: the live publication read as "before", and the mails.

`read_live_publication` opens the serving file the consumers see (read-only,
before this refresh's swap) for the previous signals and the history of
changes. `send_alerts` runs after the swap: one short Danish mail per
municipality with changes, to the addresses `boligmonitor.yaml` names under
`alerts:`, through the relay of pipelines/mail.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl

from indicators.catalogue import Catalogue
from indicators.signal_changes import Publication, parse_signal_key
from indicators.site.messages import MessageError, Messages
from pipelines.mail import send_mail, smtp_host

LIVE_TABLES = ("areas", "area_status", "area_signals")


def read_live_publication(serving_db: Path) -> tuple[Publication | None, pl.DataFrame | None]:
    """The live publication's areas, statuses and signals, and its mart.signal_changes;
    (None, None) when nothing is published yet, history None for a file from before
    the table existed."""
    if not serving_db.exists():
        return None, None
    with duckdb.connect(str(serving_db.resolve()), read_only=True) as conn:
        present = {name for (name,) in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'mart'").fetchall()}
        if not set(LIVE_TABLES) <= present:
            return None, None
        frames = {name: conn.sql(f"SELECT * FROM mart.{name}").pl() for name in LIVE_TABLES}
        history = (conn.sql("SELECT * FROM mart.signal_changes").pl()
                   if "signal_changes" in present else None)
    return Publication(areas=frames["areas"], status=frames["area_status"],
                       signals=frames["area_signals"]), history


def _colour(msgs: Messages, colour: str) -> str:
    return msgs.t(f"rules.colour.{colour}.label").lower()


def _signal_words(msgs: Messages, catalogue: Catalogue, key: str) -> str:
    signal, status, indicator = parse_signal_key(key)
    words = msgs.t(f"signals.kinds.{signal}")
    if status:
        words += f" ({_status_label(catalogue, status).lower()})"
    if indicator:
        try:
            words += f", {msgs.t(f'rules.indicator.{indicator}.code')} " \
                     f"{msgs.t(f'rules.indicator.{indicator}.short')}"
        except MessageError:  # a survey item: its id is what the survey page names
            words += f", {indicator}"
    return words


def _status_label(catalogue: Catalogue, status: str) -> str:
    for regime in reversed(catalogue.regime_ids):
        rule = catalogue.regimes[regime].statuses.get(status)
        if rule is not None:
            return rule.label_da
    return status


def compose_mails(changes: pl.DataFrame, areas: pl.DataFrame, alerts: dict[int, list[str]],
                  catalogue: Catalogue) -> list[tuple[list[str], str, str]]:
    """(recipients, subject, body) per municipality with changes and addresses."""
    msgs = Messages.load("da")
    names = dict(zip(areas["area_id"].to_list(), areas["area_name"].to_list(), strict=True))
    mails = []
    for code in sorted(set(changes["municipality_code"].to_list())):
        recipients = alerts.get(int(code))
        if not recipients:
            continue
        rows = changes.filter(pl.col("municipality_code") == code).sort("area_id")
        first = rows.row(0, named=True)
        lines = [f"Boligmonitor har opdateret tallene {first['changed_at']:%d.%m.%Y}. "
                 f"Disse områder har skiftet farve eller signaler på listen "
                 f"{first['list_year']}:", ""]
        for row in rows.iter_rows(named=True):
            lines.append(f"{names.get(row['area_id'], row['area_id'])}: "
                         f"{_colour(msgs, row['colour_before'])} → "
                         f"{_colour(msgs, row['colour_after'])}")
            for key in row["signals_added"]:
                lines.append(f"  + nyt signal: {_signal_words(msgs, catalogue, key)}")
            for key in row["signals_removed"]:
                lines.append(f"  − signal væk: {_signal_words(msgs, catalogue, key)}")
        lines += ["", f"Se kommunens side: site/kommune/{int(code)}.html", "",
                  f"(Kørsel {first['refresh_id']})"]
        subject = (f"Boligmonitor: {rows.height} område{'r' if rows.height > 1 else ''} "
                   f"har skiftet farve eller signaler")
        mails.append((recipients, subject, "\n".join(lines)))
    return mails


def send_alerts(changes: pl.DataFrame, areas: pl.DataFrame, alerts: dict[int, list[str]],
                catalogue: Catalogue, warn: Callable[[str], None]) -> int:
    """Mail each municipality's changes; returns the mails sent. A failed mail is told
    through `warn` and the rest still go (the publication is live already)."""
    if not smtp_host() or changes.height == 0 or not alerts:
        return 0
    sent = 0
    for recipients, subject, body in compose_mails(changes, areas, alerts, catalogue):
        try:
            sent += send_mail(recipients, subject, body)
        except Exception as exc:  # logged; a mail never fails a published refresh
            warn(f"the signal-change mail to {', '.join(recipients)} failed: {exc}")
    return sent
