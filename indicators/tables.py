"""The published tables, defined once.

These Pydantic models are the single source for the table layouts in the
serving warehouse (contract.md, "Outputs"), the blocking asset checks on
them, and the generated data dictionary `docs/schema.md`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Column(BaseModel):
    name: str
    type: str  # DuckDB type
    description: str
    nullable: bool = True
    minimum: float | None = None
    maximum: float | None = None
    allowed: list[str] | None = None


class Table(BaseModel):
    schema_name: str = "mart"
    name: str
    description: str
    columns: list[Column]
    key: list[str] = Field(default_factory=list)

    @property
    def qualified(self) -> str:
        return f"{self.schema_name}.{self.name}"

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def select_sql(self, source: str) -> str:
        """SELECT that gives `source` exactly this table's columns and types."""
        casts = ", ".join(f'CAST("{c.name}" AS {c.type}) AS "{c.name}"' for c in self.columns)
        return f"SELECT {casts} FROM {source}"


def _c(name: str, type_: str, description: str, **kw) -> Column:
    return Column(name=name, type=type_, description=description, **kw)


REGIMES = ["2010", "2013", "2018", "2021"]

REFRESH = Table(
    name="refresh",
    description="One row for the refresh that built this file.",
    columns=[
        _c("refresh_id", "VARCHAR", "Id of the refresh (the Dagster run id).", nullable=False),
        _c("started_at", "TIMESTAMPTZ", "When the refresh started.", nullable=False),
        _c("finished_at", "TIMESTAMPTZ", "When the published file was completed.", nullable=False),
        _c("data_dir", "VARCHAR", "The data directory read.", nullable=False),
        _c("catalogue_version", "VARCHAR",
           "Version (hash prefix) of the indicator catalogue the figures follow.", nullable=False),
        _c("files", "STRUCT(name VARCHAR, sha256 VARCHAR, size_bytes BIGINT)[]",
           "Every source file read, with its SHA-256 and size.", nullable=False),
        _c("failed_runs_since_last_publish", "VARCHAR[]",
           "Runs that failed since the previous publication (run id and time)."),
    ],
    key=["refresh_id"],
)

AREAS = Table(
    name="areas",
    description="The housing areas monitored.",
    columns=[
        _c("area_id", "VARCHAR", "Short stable key of the area.", nullable=False),
        _c("area_name", "VARCHAR", "The area's name.", nullable=False),
        _c("municipality_code", "INTEGER", "DST municipality code.", nullable=False),
        _c("region_code", "INTEGER", "DST region code (1081-1085).", nullable=False,
           minimum=1081, maximum=1085),
    ],
    key=["area_id"],
)

AREA_YEAR = Table(
    name="area_year",
    description=(
        "Residents per area on 1 January of each data year, summed over the afdelinger "
        "that belong to the area in that year. NULL when an afdeling's count was "
        "suppressed or not delivered."
    ),
    columns=[
        _c("area_id", "VARCHAR", "The area.", nullable=False),
        _c("year", "INTEGER", "Data year (residents on 1 January).", nullable=False),
        _c("residents", "BIGINT", "Residents on 1 January of year; NULL = unknown.",
           minimum=0),
        _c("afdelinger", "INTEGER", "Afdelinger in the area that year.", nullable=False,
           minimum=0),
    ],
    key=["area_id", "year"],
)

SURVEY_RESULTS = Table(
    name="survey_results",
    description=(
        "Survey items per wave and area (and 'all' for the whole wave): the share giving "
        "the item's positive answers (for evening_safety: 4-5, 'utryg' or 'meget utryg') "
        "among substantive answers, with a 95 % Wilson interval and the comparison with "
        "the rest of the wave. Cells resting on fewer than the minimum number of answers "
        "are suppressed, with complementary suppression (a second area when exactly one "
        "is) and against group disclosure: when a suppressed area of the wave has answers, "
        "the wave's 'all' row is suppressed too (its n_answers kept), since 'all' less the "
        "published areas would reveal them, and vs_rest compares with the rest of the "
        "published areas (domain.md §4; method: indicators/survey/results.py)."
    ),
    columns=[
        _c("wave_id", "VARCHAR", "Survey wave.", nullable=False),
        _c("year", "INTEGER", "The wave's year.", nullable=False),
        _c("area_id", "VARCHAR", "Area, or 'all' for the whole wave.", nullable=False),
        _c("item_id", "VARCHAR", "Item (e.g. evening_safety).", nullable=False),
        _c("n_answers", "BIGINT", "Substantive answers (don't know and blank excluded).",
           nullable=False, minimum=0),
        _c("n_positive", "BIGINT", "Answers in the item's positive codes; NULL if suppressed.",
           minimum=0),
        _c("share", "DOUBLE", "Share of positive answers in percent: n_positive / n_answers, or "
           "the weighted share when the wave carries post-stratification weights; NULL if "
           "suppressed.",
           minimum=0, maximum=100),
        _c("ci_low", "DOUBLE", "Lower bound of the 95 % Wilson interval, percent.",
           minimum=0, maximum=100),
        _c("ci_high", "DOUBLE", "Upper bound of the 95 % Wilson interval, percent.",
           minimum=0, maximum=100),
        _c("vs_rest", "VARCHAR",
           "'over', 'under' or 'ingen forskel' against the rest of the wave; NULL on 'all'.",
           allowed=["over", "under", "ingen forskel"]),
        _c("suppressed", "BOOLEAN", "TRUE when the cell is suppressed (primary, "
           "complementary, or the 'all' row of a wave with a suppressed area that has "
           "answers).", nullable=False),
    ],
    key=["wave_id", "area_id", "item_id"],
)

AREA_AFDELINGER = Table(
    name="area_afdelinger",
    description=(
        "Which afdelinger make up each area, by year: the membership as read "
        "(areas/membership.csv), one row per area, afdeling and membership period, with "
        "the data years the period covers in this warehouse. A list year L counts the "
        "afdelinger valid in L; a data year's residents those valid in that year "
        "(domain.md §2). Ids and years only: an afdeling's own figures are not published "
        "(beside the area's sum they could reveal a suppressed cell, domain.md §4)."
    ),
    columns=[
        _c("area_id", "VARCHAR", "The area.", nullable=False),
        _c("afdeling_id", "VARCHAR", "The afdeling (organisation-department, e.g. 027-0051).",
           nullable=False),
        _c("valid_from", "INTEGER", "First year the afdeling belongs to the area (inclusive).",
           nullable=False),
        _c("valid_to", "INTEGER", "Last year it belongs (inclusive); NULL = still belongs."),
        _c("first_data_year", "INTEGER", "First data year held in the warehouse (for any "
           "afdeling) within the period; NULL when the period lies outside the data."),
        _c("last_data_year", "INTEGER", "Last data year held within the period; NULL when "
           "the period lies outside the data."),
        _c("years_with_data", "INTEGER", "Data years within the period with at least one "
           "register cell of this afdeling (a value or a suppressed cell); fewer than the "
           "years from first_data_year to last_data_year when a year was not delivered.",
           nullable=False, minimum=0),
    ],
    key=["area_id", "afdeling_id", "valid_from"],
)

INDICATOR_VALUES = Table(
    name="indicator_values",
    description=(
        "One row per area, list year, regime and indicator the regime uses. value in "
        "percent; meets_threshold NULL where the value is unknown."
    ),
    columns=[
        _c("area_id", "VARCHAR", "The area.", nullable=False),
        _c("year", "INTEGER", "List year (list published 1 December).", nullable=False),
        _c("regime", "VARCHAR", "Rule set: 2010, 2013, 2018 or 2021.", nullable=False,
           allowed=REGIMES),
        _c("in_force", "BOOLEAN", "TRUE on the rows of the regime in force in the list year "
           "(the catalogue's regime periods); the others are what-if.", nullable=False),
        _c("indicator_id", "VARCHAR", "Indicator (k1_uden_tilknytning ... k5_ikkevestlige).",
           nullable=False),
        _c("value", "DOUBLE", "Value in percent (K4: percent of the regional mean)."),
        _c("numerator", "DOUBLE", "Area sum of the numerator, latest data year used."),
        _c("denominator", "DOUBLE", "Area sum of the denominator, latest data year used."),
        _c("data_years", "VARCHAR", "Data years behind value, e.g. 2020-2021."),
        _c("threshold", "DOUBLE", "The regime's threshold, in percent."),
        _c("meets_threshold", "BOOLEAN", "Criterion met; NULL when value is unknown."),
        _c("suppressed", "BOOLEAN", "TRUE when a suppressed input cell made value unknown.",
           nullable=False),
        _c("forebyggelse_threshold", "DOUBLE",
           "The regime's forebyggelse threshold, percent (regimes from 2021; else NULL)."),
        _c("meets_forebyggelse_threshold", "BOOLEAN",
           "Criterion met at the forebyggelse threshold; NULL when unknown or not defined."),
    ],
    key=["area_id", "year", "regime", "indicator_id"],
)

AREA_STATUS = Table(
    name="area_status",
    description=(
        "One row per area, list year and regime: residents, eligibility and the statuses "
        "in three-valued logic (NULL only where unknown criteria could change them)."
    ),
    columns=[
        _c("area_id", "VARCHAR", "The area.", nullable=False),
        _c("year", "INTEGER", "List year.", nullable=False),
        _c("regime", "VARCHAR", "Rule set evaluated.", nullable=False, allowed=REGIMES),
        _c("in_force", "BOOLEAN", "TRUE on the row of the regime in force in the list year "
           "(the catalogue's regime periods); the others are what-if.", nullable=False),
        _c("residents", "BIGINT", "Residents on 1 January of the list year.", minimum=0),
        _c("eligible", "BOOLEAN", "residents >= 1,000."),
        _c("criteria_met", "INTEGER", "Criteria known to be met.", nullable=False, minimum=0),
        _c("udsat", "BOOLEAN", "Udsat boligområde."),
        _c("parallelsamfund", "BOOLEAN", "Parallelsamfund (2010-2017: ghettoområde)."),
        _c("omdannelsesomraade", "BOOLEAN", "Omdannelsesområde (hårdt ghettoområde)."),
        _c("forebyggelsesomraade", "BOOLEAN", "Forebyggelsesområde (from 2021)."),
        _c("kombineret_udlejning", "BOOLEAN", "Kombineret udlejning (own rule)."),
    ],
    key=["area_id", "year", "regime"],
)

MUNICIPALITY_YEAR = Table(
    name="municipality_year",
    description=(
        "The municipality's social housing as a whole, per data year and measure: the KÅS "
        "counts summed over all its afdelinger (areas/afdelinger.csv; without that register, "
        "over the afdelinger of its areas). Context for an area's figures."
    ),
    columns=[
        _c("municipality_code", "INTEGER", "DST municipality code.", nullable=False),
        _c("year", "INTEGER", "Data year.", nullable=False),
        _c("maal", "VARCHAR", "Measure (contract.md).", nullable=False),
        _c("vaerdi", "DOUBLE", "Sum over the municipality's afdelinger; NULL if a cell was "
           "suppressed."),
        _c("afdelinger", "INTEGER", "Afdelinger with a value or suppressed cell.",
           nullable=False, minimum=0),
        _c("suppressed", "BOOLEAN", "A suppressed cell made the sum unknown.", nullable=False),
    ],
    key=["municipality_code", "year", "maal"],
)

EARLY_WARNING = Table(
    name="early_warning",
    description=(
        "Early warning per area, list year and criterion of the regime in force (and, from "
        "2021, at the forebyggelse level too): the distance to the threshold, the trend over "
        "the recent lists and the projected first list year the threshold is crossed, with "
        "a band from the trend's uncertainty. Method: docs/method.md."
    ),
    columns=[
        _c("area_id", "VARCHAR", "The area.", nullable=False),
        _c("year", "INTEGER", "List year.", nullable=False),
        _c("regime", "VARCHAR", "Regime in force in the list year.", nullable=False,
           allowed=REGIMES),
        _c("indicator_id", "VARCHAR", "Criterion.", nullable=False),
        _c("level", "VARCHAR", "Threshold level: main (the list) or forebyggelse.",
           nullable=False, allowed=["main", "forebyggelse"]),
        _c("comparison", "VARCHAR", "The inequality as printed in the law (>, >=, <)."),
        _c("value", "DOUBLE", "Indicator value, percent."),
        _c("threshold", "DOUBLE", "Threshold, percent."),
        _c("meets_threshold", "BOOLEAN", "Criterion met at this level; NULL when unknown."),
        _c("distance_pp", "DOUBLE",
           "Distance to the threshold in percentage points; positive = on the met side."),
        _c("trend_pp_per_year", "DOUBLE", "Change of the value per list year (OLS slope)."),
        _c("distance_trend_pp_per_year", "DOUBLE",
           "Change of the distance per list year (positive = moving towards met)."),
        _c("slope_se", "DOUBLE", "Standard error of the slope."),
        _c("trend_points", "INTEGER", "List years behind the trend.", minimum=0),
        _c("projected_year", "INTEGER", "First list year the trend crosses the threshold."),
        _c("projected_year_low", "INTEGER", "Earliest crossing within the band."),
        _c("projected_year_high", "INTEGER", "Latest crossing within the band."),
        _c("watch", "BOOLEAN", "The area is on watch in this list year: it carries a "
           "floor, near or projected signal under the regime in force.", nullable=False),
        _c("watch_codes", "VARCHAR[]",
           "The watch signals the area carries in this list year, sorted (floor, near, "
           "projected; empty when not on watch). Their numbers are the mart.area_signals "
           "rows with these signals under the regime in force. Replaces watch_reason "
           "(see Migrations).", nullable=False),
    ],
    key=["area_id", "year", "indicator_id", "level"],
)

STATUS_CHANGES = Table(
    name="status_changes",
    description="Per list year, the areas that gained or lost each status under the regime "
    "in force (only decided changes, TRUE to FALSE or FALSE to TRUE), and each area's first "
    "listing under a status (the first list year it holds it).",
    columns=[
        _c("list_year", "INTEGER", "List year of the change.", nullable=False),
        _c("area_id", "VARCHAR", "The area.", nullable=False),
        _c("status", "VARCHAR", "The status.", nullable=False),
        _c("change", "VARCHAR", "gained (FALSE the list before), lost (TRUE the list before), "
           "or first: the first listing, with no decided FALSE the list before to compare "
           "with (the area's first list year, a status the earlier regime did not define, "
           "or unknown).", nullable=False, allowed=["gained", "lost", "first"]),
        _c("regime", "VARCHAR", "Regime in force.", nullable=False, allowed=REGIMES),
        _c("first_listing", "BOOLEAN", "TRUE on the first list year the area holds the "
           "status (change gained or first).", nullable=False),
    ],
    key=["list_year", "area_id", "status"],
)

SIGNAL_CODES = ["status", "forebyggelse", "floor", "near", "projected", "survey", "local"]

AREA_SIGNALS = Table(
    name="area_signals",
    description=(
        "Every signal of an area in a list year (domain.md §6), one row per area, list "
        "year, regime and signal, under the regime in force and every other regime "
        "(what-if); criterion-level signals (forebyggelse, near) one row per criterion, "
        "survey signals one per item; fields that do not apply are NULL. An area with no "
        "row is green (grey when an unknown criterion could make it red: mart.area_status "
        "NULL); its colour is the most severe row's. Rules, colours and margins: "
        "indicators/catalogue.yaml `signals:`."
    ),
    columns=[
        _c("area_id", "VARCHAR", "The area.", nullable=False),
        _c("year", "INTEGER", "List year.", nullable=False),
        _c("regime", "VARCHAR", "Regime the row was evaluated under.", nullable=False,
           allowed=REGIMES),
        _c("signal", "VARCHAR",
           "status: holds the status named in `status` (the most severe of omdannelse, "
           "parallelsamfund - under 2010-2017 the ghetto list - and udsat); forebyggelse: a "
           "forebyggelsesområde, one row per criterion it meets at the forebyggelse level; "
           "floor: a status's criteria hold but residents are below the floor by at most "
           "signals.floor.margin_share of it; near: one criterion short of `status`, the "
           "missing criterion within signals.near.margin_pp of its threshold; projected: the "
           "trend makes `status` hold within the next signals.projected.lists lists; survey: "
           "the deciding wave (the newest with a finding for the area) found its share "
           "significantly over the rest of the wave, for list years wave year to wave year "
           "+ signals.survey.lists_after_wave; local: the local model's category "
           "(mart.local_categories) of data year L - signals.local.data_year_lag is red or "
           "orange, in the category's colour.",
           nullable=False, allowed=SIGNAL_CODES),
        _c("colour", "VARCHAR", "The signal's colour.", nullable=False,
           allowed=["red", "orange", "yellow"]),
        _c("indicator_id", "VARCHAR", "The criterion (forebyggelse, near) or the survey item "
           "(survey); NULL for status, floor, projected and local."),
        _c("value", "DOUBLE", "The criterion's value in percent (forebyggelse, near); the "
           "area's share in percent (survey); residents (floor); the local model's known "
           "points, points_min (local)."),
        _c("threshold", "DOUBLE", "The threshold in percent at the level the status counts "
           "the criterion (forebyggelse, near); the share of the rest of the wave in percent "
           "(survey; NULL for a weighted wave); the resident floor (floor); the category's "
           "lowest total, red_from or orange_from (local)."),
        _c("distance_pp", "DOUBLE", "Distance in percentage points, positive on the met side "
           "(forebyggelse, near: negative); survey: area share minus the rest's."),
        _c("wave_id", "VARCHAR", "The deciding survey wave (survey)."),
        _c("projected_year", "INTEGER", "First list year the status is projected to hold "
           "(projected)."),
        _c("status", "VARCHAR", "The status the signal is about (status, forebyggelse, "
           "floor, near, projected); NULL for survey and local.",
           allowed=["udsat", "parallelsamfund", "omdannelsesomraade", "forebyggelsesomraade"]),
    ],
)

SIGNAL_CHANGES = Table(
    name="signal_changes",
    description=(
        "The areas whose colour or signals changed at a refresh, accumulated over the "
        "home's publications: the previous publication's current list year against this "
        "refresh's, each under the regime in force (mart.area_signals), one row per area "
        "and refresh. A home's first refresh records nothing (there is no before); a "
        "failed refresh never went live, so it is never the before."
    ),
    columns=[
        _c("area_id", "VARCHAR", "The area.", nullable=False),
        _c("municipality_code", "INTEGER", "DST municipality code.", nullable=False),
        _c("list_year", "INTEGER", "This refresh's current list year.", nullable=False),
        _c("changed_at", "DATE", "The refresh's date (UTC).", nullable=False),
        _c("refresh_id", "VARCHAR", "The refresh that published the change.", nullable=False),
        _c("colour_before", "VARCHAR", "Colour in the previous publication.", nullable=False,
           allowed=["red", "orange", "yellow", "green", "grey"]),
        _c("colour_after", "VARCHAR", "Colour in this refresh.", nullable=False,
           allowed=["red", "orange", "yellow", "green", "grey"]),
        _c("signals_added", "VARCHAR[]", "Signals the area gained, as signal:status:criterion "
           "(the parts that apply; survey: survey:item).", nullable=False),
        _c("signals_removed", "VARCHAR[]", "Signals the area lost, written the same way.",
           nullable=False),
    ],
    key=["area_id", "refresh_id"],
)

OFFICIAL_COMPARISON = Table(
    name="official_comparison",
    description="The published list status (reference/official_status.csv) beside the "
    "product's own, per area, list year and status; empty when no official file is given.",
    columns=[
        _c("area_id", "VARCHAR", "The area.", nullable=False),
        _c("year", "INTEGER", "List year.", nullable=False),
        _c("status", "VARCHAR", "The status.", nullable=False),
        _c("official", "BOOLEAN", "On the published list.", nullable=False),
        _c("ours", "BOOLEAN", "The product's status (NULL = unknown)."),
        _c("agrees", "BOOLEAN", "official = ours; NULL when ours is unknown."),
    ],
    key=["area_id", "year", "status"],
)

LOCAL_INDICATORS = Table(
    name="local_indicators",
    description=(
        "The local monitoring model (domain.md §7; models/local.yaml or the shipped default): "
        "one row per area with afdelinger that data year, data year and model indicator, "
        "known or not. value is the ratio of the area's sums over its afdelinger of that "
        "year (or a survey item's share); comparison_value the same ratio over the "
        "municipality's social housing (or the wave's `all` share); ratio is oriented so "
        "that above 1 is worse; points 0-3 by the model's band edges, inclusive, compared "
        "exactly. Method: docs/method.md."
    ),
    columns=[
        _c("area_id", "VARCHAR", "The area.", nullable=False),
        _c("year", "INTEGER", "Data year.", nullable=False),
        _c("model_id", "VARCHAR", "The local model's id.", nullable=False),
        _c("indicator_id", "VARCHAR", "The model's indicator.", nullable=False),
        _c("value", "DOUBLE", "The area's value in the indicator's unit (percent for pct); "
           "NULL when unknown.", minimum=0),
        _c("numerator", "DOUBLE", "The area's sum of the numerator measure; NULL for survey "
           "indicators and when unknown.", minimum=0),
        _c("denominator", "DOUBLE", "The area's sum of the denominator measure; NULL for "
           "survey indicators and when unknown.", minimum=0),
        _c("comparison_value", "DOUBLE", "The municipality's social housing (survey: the "
           "wave's `all` share), same unit; NULL when unknown.", minimum=0),
        _c("comparison_left_out", "INTEGER", "The municipality's afdelinger left out of the "
           "comparison because a numerator or denominator cell was suppressed or not "
           "delivered; NULL for survey indicators.", minimum=0),
        _c("ratio", "DOUBLE", "value / comparison_value (comparison_value / value for "
           "lower_worse): above 1 is worse. NULL when unknown or when the divisor is 0 "
           "(then points is the most)."),
        _c("points", "INTEGER", "Points 0-3: one per band edge the ratio reaches; NULL when "
           "unknown.", minimum=0),
        _c("suppressed", "BOOLEAN", "TRUE only when a suppressed cell (or survey row) of the "
           "area itself made value unknown.", nullable=False),
        _c("wave_id", "VARCHAR", "The survey wave behind a survey indicator."),
    ],
    key=["area_id", "year", "indicator_id"],
)

LOCAL_CATEGORIES = Table(
    name="local_categories",
    description=(
        "The local model's category per area and data year, for areas with at least the "
        "model's min_residents residents (known) on 1 January of the year: the sum of the "
        "indicators' points, with every unknown indicator at 0 (points_min) and at 3 "
        "(points_max); category red, orange, yellow or green by the model's cut-offs, NULL "
        "when the unknown indicators could change it."
    ),
    columns=[
        _c("area_id", "VARCHAR", "The area.", nullable=False),
        _c("year", "INTEGER", "Data year.", nullable=False),
        _c("model_id", "VARCHAR", "The local model's id.", nullable=False),
        _c("residents", "BIGINT", "Residents on 1 January of year.", nullable=False, minimum=0),
        _c("unknown_indicators", "INTEGER", "Indicators with unknown points.", nullable=False,
           minimum=0),
        _c("points_min", "INTEGER", "Total with every unknown indicator at 0 points.",
           nullable=False, minimum=0),
        _c("points_max", "INTEGER", "Total with every unknown indicator at the most points.",
           nullable=False, minimum=0),
        _c("category", "VARCHAR", "The category; NULL when the unknown indicators could "
           "change it.", allowed=["red", "orange", "yellow", "green"]),
    ],
    key=["area_id", "year"],
)

PUBLISHED: list[Table] = [REFRESH, AREAS, AREA_YEAR, AREA_AFDELINGER, SURVEY_RESULTS,
                          INDICATOR_VALUES,
                          AREA_STATUS, EARLY_WARNING, AREA_SIGNALS, SIGNAL_CHANGES, STATUS_CHANGES,
                          OFFICIAL_COMPARISON, MUNICIPALITY_YEAR]

PLANS = Table(
    name="plans",
    description=(
        "The social-housing plans and the areas each covers (areas/plans.csv, optional), one "
        "row per plan and area; an area's years in a plan may differ from the plan's other "
        "areas (an area joining later). The plans the effect evaluation reads (domain.md §8)."
    ),
    columns=[
        _c("plan_id", "VARCHAR", "Short stable key of the plan.", nullable=False),
        _c("plan_name", "VARCHAR", "The plan's name.", nullable=False),
        _c("area_id", "VARCHAR", "An area the plan covers.", nullable=False),
        _c("start_year", "INTEGER", "First calendar year of the plan in the area (inclusive).",
           nullable=False),
        _c("end_year", "INTEGER", "Last calendar year (inclusive); NULL = ongoing."),
    ],
    key=["plan_id", "area_id"],
)

PLAN_EFFECTS = Table(
    name="plan_effects",
    description=(
        "Effect evaluation per plan, area, indicator and comparison (domain.md §8): the "
        "change in the plan's area from the pre window (data years start-3 to start-1) to "
        "the post window (start+1 to the plan's end or the newest data year) against the "
        "mean change of comparison areas without a plan in start-3 to end (difference in "
        "differences), every area delimited as in the plan's start year; a window's mean "
        "needs 2 known years. Survey items: the latest wave before the start against the "
        "latest in the post window, against the rest of those waves. An effect is not "
        "proof that the plan caused it (moves, regression to the mean). Method: "
        "docs/method.md."
    ),
    columns=[
        _c("plan_id", "VARCHAR", "The plan.", nullable=False),
        _c("area_id", "VARCHAR", "The plan's area.", nullable=False),
        _c("indicator_id", "VARCHAR", "Indicator (k1_uden_tilknytning ... k5_ikkevestlige, "
           "a register indicator of the local model, e.g. l_sigtede_unge) or survey item "
           "(e.g. evening_safety; a survey-based local indicator appears only as its item).",
           nullable=False),
        _c("comparison", "VARCHAR", "all: every comparison area with a known change; twins: "
           "the 10 of them whose pre mean is closest to the plan area's (ties by area_id); "
           "rest_of_wave: the other answers of the two survey waves.", nullable=False,
           allowed=["all", "twins", "rest_of_wave"]),
        _c("pre_period", "VARCHAR", "Pre window as data years (e.g. 2006-2008) or the survey "
           "wave id.", nullable=False),
        _c("post_period", "VARCHAR", "Post window as data years or the survey wave id; NULL "
           "when the window holds no data year yet."),
        _c("pre_value", "DOUBLE", "The area's mean over the pre window (survey: its share), "
           "in the indicator's unit; NULL when unknown."),
        _c("post_value", "DOUBLE", "The area's mean over the post window (survey: its share)."),
        _c("change", "DOUBLE", "post_value - pre_value, percentage points (or the unit)."),
        _c("comparison_change", "DOUBLE", "Mean change of the comparison areas (survey: the "
           "change of the rest's share); NULL without comparison."),
        _c("n_comparison", "BIGINT", "Comparison areas (survey: the rest's substantive "
           "answers in the post wave).", nullable=False, minimum=0),
        _c("effect", "DOUBLE", "change - comparison_change, percentage points; NULL when "
           "either is unknown."),
        _c("ci_low", "DOUBLE", "Lower bound of the 95 % interval: effect - t(0.975, n-1) · sd "
           "· sqrt(1 + 1/n) (survey: normal approximation from the four binomial "
           "variances); NULL with fewer than 5 comparison areas."),
        _c("ci_high", "DOUBLE", "Upper bound of the 95 % interval."),
        _c("placebo_p", "DOUBLE", "(1 + comparison areas whose change less the mean of the "
           "others' is at least as far from 0 as effect) / (1 + n); NULL with fewer than 5 "
           "comparison areas and for survey items.", minimum=0, maximum=1),
        _c("comparison_areas", "VARCHAR[]", "The twins, closest first (twins rows); NULL on "
           "all and rest_of_wave rows."),
    ],
    key=["plan_id", "area_id", "indicator_id", "comparison"],
)

PLAN_SERIES = Table(
    name="plan_series",
    description=(
        "The yearly series of the plan pages' event-study charts (domain.md §8): per plan, "
        "area, indicator (K1-K5, the local model's register indicators) and data year from "
        "start-3 to the plan's end or the newest "
        "data year, the area's value and its distance from its own pre-window mean, and the "
        "mean of that distance over the `all` comparison areas of mart.plan_effects known "
        "that year; every area delimited as in the plan's start year, as the effects are."
    ),
    columns=[
        _c("plan_id", "VARCHAR", "The plan.", nullable=False),
        _c("area_id", "VARCHAR", "The plan's area.", nullable=False),
        _c("indicator_id", "VARCHAR", "Indicator (k1_uden_tilknytning ... k5_ikkevestlige, "
           "a local-model register indicator such as l_sigtede_unge).",
           nullable=False),
        _c("year", "INTEGER", "Data year.", nullable=False),
        _c("value", "DOUBLE", "The area's value, percent; NULL when unknown."),
        _c("relative", "DOUBLE", "value - the area's pre-window mean (pre_value of "
           "mart.plan_effects), percentage points; NULL when either is unknown."),
        _c("comparison_relative", "DOUBLE", "Mean over the `all` comparison areas known that "
           "year of their value - their pre-window mean, percentage points; NULL when none "
           "is known."),
        _c("n_comparison", "BIGINT", "Comparison areas in that mean.", nullable=False,
           minimum=0),
    ],
    key=["plan_id", "area_id", "indicator_id", "year"],
)

PLAN_MOVES = Table(
    name="plan_moves",
    description=(
        "Moves beside the effects (domain.md §8: people move in and out): per plan, area and "
        "data year of the plan's chart, the persons who moved in and out in the year and the "
        "residents on 1 January, summed over the afdelinger the area had in the plan's start "
        "year. A sum is NULL unless every afdeling's cell is delivered and unsuppressed "
        "(tilflyttede and fraflyttede are optional measures)."
    ),
    columns=[
        _c("plan_id", "VARCHAR", "The plan.", nullable=False),
        _c("area_id", "VARCHAR", "The plan's area.", nullable=False),
        _c("year", "INTEGER", "Data year.", nullable=False),
        _c("residents", "DOUBLE", "Residents on 1 January (beboere); NULL = unknown.",
           minimum=0),
        _c("moved_in", "DOUBLE", "Persons who moved in during the year (tilflyttede).",
           minimum=0),
        _c("moved_out", "DOUBLE", "Persons who moved out during the year (fraflyttede).",
           minimum=0),
    ],
    key=["plan_id", "area_id", "year"],
)

# Built by assets/effects.py (issue 13); declared here, after the tables they follow.
PUBLISHED += [PLANS, PLAN_EFFECTS]
# The plan pages' series and moves (assets/effects.py), after the effects they show.
PUBLISHED += [PLAN_SERIES, PLAN_MOVES]

# Built by assets/local.py (issue 12).
PUBLISHED += [LOCAL_INDICATORS, LOCAL_CATEGORIES]

# Declared and documented, not yet built by any asset: the publication, its checks and the
# site iterate over PUBLISHED, so a table waits here until its asset lands.
PENDING: list[Table] = []


class Migration(BaseModel):
    """A change of a published table that breaks or extends what readers query."""

    table: str
    old: list[str]
    new: list[str]
    since: str
    why: str
    instead: str


MIGRATIONS: list[Migration] = [
    Migration(
        table="mart.early_warning",
        old=["watch_reason VARCHAR"],
        new=["watch_codes VARCHAR[]", "mart.area_signals (signal floor, near, projected)"],
        since="0.2.0",
        why="Danish sentences left the marts: the site writes the words, in each language, "
            "from codes and numbers. The reasons are the near, projected and floor signals of "
            "mart.area_signals, computed once for the site and the early warning alike. The "
            "floor reason now follows the signal rule (criteria hold, residents below the "
            "floor by at most 10 %) instead of within 5 % either side of it.",
        instead="`list_contains(watch_codes, 'near')` for the kind of reason; the numbers: "
                "`SELECT * FROM mart.area_signals s JOIN (SELECT DISTINCT area_id, year, regime "
                "FROM mart.early_warning) w USING (area_id, year, regime) WHERE s.signal IN "
                "('floor', 'near', 'projected')`.",
    ),
    Migration(
        table="mart.area_status, mart.indicator_values",
        old=[],
        new=["in_force BOOLEAN"],
        since="0.2.0",
        why="Additive: \"the current rules\" needed a CASE on the regime periods in every "
            "query; the periods are the catalogue's.",
        instead="Nothing breaks; `WHERE in_force` replaces the CASE on the year.",
    ),
    Migration(
        table="mart.status_changes",
        old=[],
        new=["change = 'first'", "first_listing BOOLEAN"],
        since="0.2.0",
        why="Additive: an area's first listing under a status was missing when the list "
            "before gave nothing decided to compare with (its first list year, udsat on the "
            "2018 list, an unknown).",
        instead="A query counting gains should keep `change = 'gained'`; first listings are "
                "`WHERE first_listing`.",
    ),
    Migration(
        table="mart.area_afdelinger",
        old=[],
        new=["mart.area_afdelinger"],
        since="0.2.0",
        why="Additive: which afdelinger make up an area, by year, was read (staging) but "
            "not published; the area pages list it.",
        instead="Nothing breaks; the afdelinger of an area in year Y are `WHERE Y BETWEEN "
                "valid_from AND coalesce(valid_to, 9999)`.",
    ),
    Migration(
        table="mart.plans, mart.plan_effects",
        old=[],
        new=["mart.plans", "mart.plan_effects"],
        since="0.2.0",
        why="Additive: the effect evaluation (domain.md §8) is published by every refresh: "
            "the plans of areas/plans.csv (optional; absent = both tables empty) and the "
            "estimates per plan, area, indicator (K1-K5 per data year, survey items) and "
            "comparison. plan_effects carries comparison_areas (the twins) beyond "
            "contract.md's columns.",
        instead="Nothing breaks; an effect with its interval is `WHERE ci_low IS NOT NULL`, "
                "'too few comparison areas' is `WHERE comparison <> 'rest_of_wave' AND "
                "n_comparison < 5`.",
    ),
    Migration(
        table="mart.plan_series, mart.plan_moves",
        old=[],
        new=["mart.plan_series", "mart.plan_moves"],
        since="0.2.0",
        why="Additive: the plan pages (site/indsats/) draw each plan area's yearly distance "
            "from its pre-window mean against the comparison areas', and show moves in and "
            "out beside the effect; both under the plan's start-year delimitation, which "
            "mart.indicator_values (each year's delimitation) cannot give.",
        instead="Nothing breaks; both are empty without areas/plans.csv, moved_in and "
                "moved_out NULL where tilflyttede/fraflyttede are not delivered.",
    ),
    Migration(
        table="mart.local_indicators, mart.local_categories, mart.area_signals",
        old=[],
        new=["mart.local_indicators", "mart.local_categories", "signal = 'local'"],
        since="0.2.0",
        why="Additive: the local monitoring model (domain.md §7; models/local.yaml or the "
            "shipped default) is published by every refresh, its points per area, data year "
            "and indicator and its category per area and data year; a red or orange category "
            "of data year L - signals.local.data_year_lag adds a `local` row to "
            "mart.area_signals for list year L, in the category's colour.",
        instead="Nothing breaks; a query that takes an area's colour from mart.area_signals "
                "now sees local rows too (`WHERE signal <> 'local'` for the state's list and "
                "survey signals alone).",
    ),
]


def by_name(name: str) -> Table:
    return next(t for t in PUBLISHED if t.name == name)
