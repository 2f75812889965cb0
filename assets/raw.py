"""Raw layer: every received file registered and kept as received."""


from datetime import UTC, datetime

import dagster as dg
import polars as pl

from pipelines.incoming import admit, signature
from pipelines.raw_store import manifest_frame, receive
from pipelines.resources import Warehouse, Workspace
from pipelines.safe_paths import secure_private_folders
from pipelines.warehouse import table_metadata, write_table


@dg.asset(key=["raw", "files"], group_name="raw", kinds={"duckdb", "python"})
def raw_files(
    context: dg.AssetExecutionContext, workspace: Workspace, warehouse: Warehouse
) -> dg.MaterializeResult:
    """Every file in the data directory that the product reads, registered with its name,
    size, SHA-256 and load time; a read-only copy of each is kept as received under
    `<home>/raw/` (by content hash), and every later step reads those copies."""
    paths = workspace.paths
    workspace.check_data_dir()
    secure_private_folders(paths.home)
    max_bytes = workspace.options.max_delivery_bytes
    deliveries = admit(paths.data, warn=context.log.warning, max_bytes=max_bytes)
    incoming = {name: source for d in deliveries for source, name in d.files}
    files = receive(paths.data, paths.raw_dir, incoming)
    if not files:
        raise FileNotFoundError(f"no input files found in {paths.data} (see contract.md)")
    frame = manifest_frame(files, datetime.now(UTC)).with_columns(
        pl.lit(context.run.run_id).alias("run_id")
    )
    with warehouse.connect() as conn:
        write_table(conn, "raw.files", frame)
        conn.execute(
            "CREATE TABLE IF NOT EXISTS raw.file_history AS SELECT * FROM raw.files LIMIT 0"
        )
        conn.execute("INSERT INTO raw.file_history BY NAME SELECT * FROM raw.files")
        # Admitted deliveries move into place once this run has published.
        write_table(conn, "raw.incoming", pl.DataFrame(
            {"entry": [d.entry.name for d in deliveries],
             "signature": [signature(d.entry, max_bytes) for d in deliveries]},
            schema={"entry": pl.Utf8, "signature": pl.Utf8},
        ))
    return dg.MaterializeResult(
        metadata=table_metadata(
            frame.drop("raw_copy"),
            incoming_deliveries=len(deliveries),
            source_files=dg.MetadataValue.md(
                "\n".join(f"- `{f.name}` sha256 `{f.sha256[:12]}` ({f.size_bytes} B)"
                          for f in files)
            ),
        )
    )
