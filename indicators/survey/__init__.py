"""Resident surveys: item catalogue, wave reading, shares with intervals and suppression.

Public API:
    load_items() -> dict[str, SurveyItem]
    load_wave_config(path, name, items=None, known_areas=None) -> WaveConfig
    read_wave(folder, name, membership, items=None) -> SurveyWave
    survey_results(answers, items, min_answers=10) -> pl.DataFrame
    wilson_interval, compare_with_rest (indicators.survey.stats)
"""

from indicators.survey.items import SurveyItem, load_items
from indicators.survey.reader import SurveyWave, read_wave
from indicators.survey.results import RESULTS_SCHEMA, survey_results
from indicators.survey.stats import compare_with_rest, wilson_interval
from indicators.survey.wave import WaveConfig, load_wave_config

__all__ = [
    "RESULTS_SCHEMA",
    "SurveyItem",
    "SurveyWave",
    "WaveConfig",
    "compare_with_rest",
    "load_items",
    "load_wave_config",
    "read_wave",
    "survey_results",
    "wilson_interval",
]
