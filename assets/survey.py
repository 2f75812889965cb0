"""Survey waves: answers staged without ids or free text, results published with
suppression."""


import tempfile
from pathlib import Path, PurePosixPath

import dagster as dg
import polars as pl

from assets.mart import mart_asset, publish_table, staging
from indicators import tables
from indicators.survey.items import load_items
from indicators.survey.reader import (
    ANSWERS_SCHEMA,
    NO_WAVES,
    RESPONDENTS_SCHEMA,
    check_distinct_wave_ids,
    read_wave,
)
from indicators.survey.results import survey_results
from pipelines.raw_store import received_copies
from pipelines.resources import Warehouse, Workspace
from pipelines.warehouse import read_table, table_metadata, write_table

# staging.survey_waves: the reader's respondents frame with the wave's year and title.
WAVES_SCHEMA = {**RESPONDENTS_SCHEMA, "year": pl.Int32, "title": pl.String}


def _waves(copies: dict[str, Path]) -> dict[str, dict[str, Path]]:
    """Raw copies grouped by wave folder: {'survey/2010': {'dataset.csv': path, ...}}."""
    waves: dict[str, dict[str, Path]] = {}
    for name, path in copies.items():
        folder = str(PurePosixPath(name).parent)
        waves.setdefault(folder, {})[PurePosixPath(name).name] = path
    return waves


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["staging", "survey_answers"], group_name="staging",
                     kinds={"duckdb", "polars"},
                     deps=[dg.AssetKey(["raw", "files"]), staging("membership")],
                     description="Survey answers per wave, area and item: only the area, the "
                     "catalogued items' codes and weights. Respondent ids, free text and every "
                     "other column stay in the raw copies."),
        dg.AssetSpec(["staging", "survey_waves"], group_name="staging",
                     kinds={"duckdb", "polars"},
                     description="Per wave and area: respondents, invited and response rate."),
    ]
)
def staging_survey(context: dg.AssetExecutionContext, warehouse: Warehouse):
    answers, respondents = [], []
    with warehouse.connect() as conn:
        membership = read_table(conn, "staging.membership")
        waves = _waves(received_copies(conn, "survey"))
        if not waves:
            context.log.warning(NO_WAVES)
        configs = []
        for folder, files in sorted(waves.items()):
            # The reader takes a folder; the raw copies live by content hash, so give
            # it a view of this wave's copies under their received names.
            with tempfile.TemporaryDirectory() as view:
                for file_name, copy in files.items():
                    (Path(view) / file_name).symlink_to(copy)
                wave = read_wave(Path(view), folder, membership)
            configs.append((folder, wave.config))
            check_distinct_wave_ids(configs)
            for warning in wave.warnings.items:
                context.log.warning(warning)
            answers.append(wave.answers)
            respondents.append(
                wave.respondents.with_columns(
                    pl.lit(wave.config.wave_id).alias("wave_id"),
                    pl.lit(wave.config.year).cast(pl.Int32).alias("year"),
                    pl.lit(wave.config.title).alias("title"),
                )
            )
        answer_frame = pl.concat(answers) if answers else pl.DataFrame(schema=ANSWERS_SCHEMA)
        respondent_frame = (pl.concat(respondents) if respondents
                            else pl.DataFrame(schema=WAVES_SCHEMA))
        write_table(conn, "staging.survey_answers", answer_frame)
        write_table(conn, "staging.survey_waves", respondent_frame)
    # Answers are personal data: count them, never preview them.
    yield dg.MaterializeResult(
        asset_key=["staging", "survey_answers"],
        metadata=table_metadata(answer_frame, preview=False, waves=len(waves)),
    )
    yield dg.MaterializeResult(
        asset_key=["staging", "survey_waves"], metadata=table_metadata(respondent_frame)
    )


@mart_asset(tables.SURVEY_RESULTS, deps=[dg.AssetKey(["staging", "survey_answers"])],
            kinds={"duckdb", "polars"})
def mart_survey_results(workspace: Workspace, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        answers = read_table(conn, "staging.survey_answers")
        results = survey_results(answers, load_items(),
                                 min_answers=workspace.options.min_survey_answers)
        return publish_table(conn, tables.SURVEY_RESULTS, results)
