"""`boligmonitor <verb>`: the product's one command."""

from __future__ import annotations

import gc
import os
import sys

import click

from pipelines.settings import SAMPLE_DATA, resolve_home, resolve_paths

HOME_HELP = "Home folder of the published warehouse and site (default: $BOLIGMONITOR_HOME, " \
            "else ./home in the project)."
DATA_HELP = "Data directory to read (default: $BOLIGMONITOR_DATA, else the shipped sample)."


@click.group()
def main() -> None:
    """Boligmonitor: monitoring of Danish social-housing areas."""


@main.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False), help=DATA_HELP)
@click.option("--home", type=click.Path(file_okay=False), help=HOME_HELP)
@click.option("--wait", "wait_s", default=3600, show_default=True, type=float,
              help="Seconds to wait for another refresh of the same home to finish.")
@click.option("--fail-at", default="", hidden=True,
              help="Make the named asset fail (tests of failure handling).")
def refresh(data_dir: str | None, home: str | None, wait_s: float, fail_at: str) -> None:
    """Read the data directory, rebuild the warehouse and publish it with the site."""
    # Importing Dagster, Polars and the assets makes a few hundred thousand objects that live
    # as long as the process; the collector would walk them again and again while they are
    # made, and in every full collection after (~0.3 s of CPU a refresh). Frozen, it skips them.
    gc.disable()
    from pipelines.lock import LockTimeout
    from pipelines.preflight import data_dir_problem
    from pipelines.runner import run_refresh

    gc.freeze()
    gc.enable()

    paths = resolve_paths(home, data_dir)
    problem = data_dir_problem(paths.data)
    if problem:  # before the run: one line, not a cascade of skipped steps
        raise click.ClickException(problem)
    sample = " (the shipped synthetic sample)" if paths.data == SAMPLE_DATA.resolve() else ""
    click.echo(f"Refreshing from {paths.data}{sample}\n        into {paths.home}", err=True)

    def waiting(holder: str) -> None:
        click.echo(f"Another refresh of this home is running ({holder}); "
                   f"waiting up to {wait_s:.0f} s ...", err=True)

    try:
        outcome = run_refresh(paths, lock_timeout_s=wait_s, on_wait=waiting, fail_at=fail_at)
    except LockTimeout as exc:
        raise click.ClickException(str(exc)) from None
    if not outcome.success:
        if outcome.published_this_run:
            click.echo(f"\nRefresh {outcome.run_id} is published (warehouse and site "
                       f"together), but a step after the publication failed:\n{outcome.error}",
                       err=True)
        else:
            run = f" (run {outcome.run_id})" if outcome.run_id else ""
            click.echo(f"\nRefresh failed{run}:\n{outcome.error}", err=True)
            click.echo(_published_note(outcome), err=True)
        sys.exit(1)
    click.echo(
        f"\nRefresh {outcome.published_after} published.\n"
        f"  Dashboards: {paths.site / 'index.html'}\n"
        f"  Warehouse:  {paths.serving_db}\n"
        f"  Query it:   {_command()} sql \"SELECT * FROM mart.area_status LIMIT 5\""
        + (f" --home {paths.home}" if home else "")
    )
    # Everything is written, closed and unlocked: skip the interpreter's finalisation of
    # Dagster, DuckDB, Polars and Arrow (~1 s, a tenth of a sample refresh).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _published_note(outcome) -> str:
    """What is published after a failed refresh, said only as far as it was checked."""
    if outcome.unchanged:
        if outcome.published_before is None:
            return "Nothing is published in this home yet."
        return (f"The previously published warehouse and site (refresh "
                f"{outcome.published_before}) are unchanged.")
    if not outcome.compared:
        return "Whether the published warehouse and site changed could not be checked."
    if outcome.published_after is None:
        return "Nothing is published in this home now."
    return f"Now published: refresh {outcome.published_after} (warehouse and site together)."


def _command() -> str:
    """How the person can call this command again: the bare name only when it is on PATH
    (after `make demo` it lives in .venv/bin, which is not)."""
    import shutil
    from pathlib import Path

    invoked = Path(sys.argv[0])
    if shutil.which("boligmonitor") == str(invoked.resolve()) or not invoked.exists():
        return "boligmonitor"
    return str(invoked)


@main.command()
@click.argument("query", required=False)
@click.option("--home", type=click.Path(file_okay=False), help=HOME_HELP)
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (NULL as an empty cell).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines: one object per row.")
@click.option("--file", "file", type=click.Path(dir_okay=False, exists=True),
              help="Run the statements of this file (each result is printed).")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=0, min_open=True),
              help="Interrupt a statement that runs longer than this many seconds.")
def sql(query: str | None, home: str | None, as_csv: bool, as_json: bool, file: str | None,
        timeout_s: float | None) -> None:
    """Run read-only SQL on the published warehouse (no QUERY and no --file: a prompt)."""
    from pathlib import Path

    from pipelines.sql_shell import end_quietly_on_closed_pipe, run_command

    if as_csv and as_json:
        raise click.UsageError("--csv and --json exclude each other: choose one")
    if query is not None and file is not None:
        raise click.UsageError("give a QUERY or --file, not both")
    mode = "csv" if as_csv else "json" if as_json else "table"
    try:
        status = run_command(resolve_paths(home), query, Path(file) if file else None, mode,
                             timeout_s)
    except BrokenPipeError:
        end_quietly_on_closed_pipe()
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(status)


@main.command("schema-doc")
@click.option("--check", is_flag=True, help="Exit non-zero if docs/schema.md is not current.")
def schema_doc(check: bool) -> None:
    """Write the data dictionary docs/schema.md from the table definitions."""
    from indicators.schema_doc import render
    from pipelines.settings import PROJECT_ROOT

    target = PROJECT_ROOT / "docs" / "schema.md"
    text = render()
    if check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{target} is not current: run `boligmonitor schema-doc`")
        click.echo(f"{target} is current")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}")


@main.command()
@click.option("--home", type=click.Path(file_okay=False), help=HOME_HELP)
def rollback(home: str | None) -> None:
    """Republish the previous publication (warehouse and site together)."""
    from pipelines.lock import LockTimeout, exclusive_lock
    from pipelines.publication import LayoutError, live_refresh_id
    from pipelines.publication import rollback as roll_back

    paths = resolve_paths(home)
    try:
        with exclusive_lock(paths.lock_file, timeout_s=600):
            before = live_refresh_id(paths)
            previous = roll_back(paths)
    except (LookupError, LayoutError, LockTimeout) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Rolled back from refresh {before} to refresh {previous.refresh_id} "
               f"(finished {previous.finished_at:%Y-%m-%d %H:%M} UTC): its warehouse and site "
               "are now published.")


@main.command("forget-wave")
@click.argument("wave_id")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), help=DATA_HELP)
@click.option("--home", type=click.Path(file_okay=False), help=HOME_HELP)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget_wave(wave_id: str, data_dir: str | None, home: str | None, yes: bool) -> None:
    """Remove a survey wave everywhere (a GDPR request), then republish without it.

    WAVE_ID is a wave id as in the wave's wave.json (not a folder or path). Shows what
    will be removed and asks first; afterwards checks the whole home for anything left.
    """
    from pipelines import forget as fw
    from pipelines.lock import exclusive_lock
    from pipelines.runner import run_refresh

    paths = resolve_paths(home, data_dir)
    try:
        with exclusive_lock(paths.lock_file, timeout_s=3600):
            plan = fw.plan_forget(paths, wave_id)
    except fw.ForgetError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("\n".join(plan.describe(paths)), err=True)
    if not yes:
        click.confirm(f"Delete all of this and republish without wave {wave_id}?", abort=True)
    with exclusive_lock(paths.lock_file, timeout_s=3600):
        plan = fw.plan_forget(paths, wave_id)  # again, under the lock that the deletion holds
        removed = fw.forget(paths, plan)
    for item in removed:
        click.echo(f"removed {item}", err=True)
    outcome = run_refresh(paths)
    if not outcome.success:
        click.echo(f"The wave's files are deleted, but the refresh failed:\n{outcome.error}\n"
                   "The live publication still shows the wave's published aggregates until "
                   "a refresh succeeds; then run forget-wave again to finish.", err=True)
        sys.exit(1)
    with exclusive_lock(paths.lock_file, timeout_s=3600):
        dropped = fw.drop_publications_with_wave(paths, plan)
        fw.compact_private_warehouse(paths)
        fw.vacuum_dagster(paths)
        check = fw.verify_forgotten(paths, plan)
    click.echo(f"Republished as {outcome.run_id}; {len(dropped)} earlier publications holding "
               "the wave removed.", err=True)
    click.echo("Checked: " + "; ".join(check.checked) + ".", err=True)
    if not check.clean:
        click.echo(f"Wave {wave_id} is NOT completely forgotten; still found:\n  "
                   + "\n  ".join(check.found), err=True)
        sys.exit(1)
    click.echo(f"Wave {wave_id} forgotten: nothing of it is left in {paths.home} or "
               f"{paths.data / 'survey'}.")


@main.command("serve-site")
@click.option("--home", type=click.Path(file_okay=False), help=HOME_HELP)
@click.option("--port", default=8000, show_default=True, type=int)
def serve_site_command(home: str | None, port: int) -> None:
    """Serve the published site on http://127.0.0.1:PORT (a plain local HTTP server)."""
    from pipelines.site_server import serve_site

    site = resolve_home(home) / "site"
    if not site.exists():
        raise click.ClickException(f"no published site at {site}; run `boligmonitor refresh`")
    click.echo(f"Serving {site} on http://127.0.0.1:{port}/ (Ctrl-C stops)")
    serve_site(site, port=port)


@main.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False), required=False,
              help="Production data directory (default: $BOLIGMONITOR_DATA; never the sample).")
@click.option("--home", type=click.Path(file_okay=False), help=HOME_HELP)
@click.option("--port", default=3000, show_default=True, type=int, help="Dagster UI port.")
@click.option("--site-port", default=8000, show_default=True, type=int)
def serve(data_dir: str | None, home: str | None, port: int, site_port: int) -> None:
    """Run the product as a service: Dagster webserver and daemon (nightly schedule,
    incoming/ sensor) on 127.0.0.1, plus the site server; Ctrl-C stops all."""
    import os

    from pipelines.service import run_service

    data = data_dir or os.environ.get("BOLIGMONITOR_DATA")
    if not data:
        raise click.ClickException("set --data or BOLIGMONITOR_DATA to the production data "
                                   "directory (the scheduled refresh never reads the sample)")
    paths = resolve_paths(home, data)
    if paths.data == SAMPLE_DATA.resolve():
        raise click.ClickException("the scheduled refresh never reads the shipped sample; "
                                   "copy it elsewhere to try the service on it")
    sys.exit(run_service(paths, port=port, site_port=site_port, echo=click.echo))
