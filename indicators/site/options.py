"""Options of the site build (what a municipality may configure)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class SiteOptions(BaseModel):
    stale_after_hours: float = Field(
        36, gt=0, description="Pages warn the reader when their data are older than this, "
        "measured by the reader's own clock."
    )
    languages: tuple[Literal["da", "en"], ...] = Field(
        ("da", "en"), min_length=1, description="Languages the site is built in; the first "
        "is the site root, every other mirrors it under its code (site/en/)."
    )
    site_title: str = Field("Boligmonitor", description="Name in every page header.")
    municipality_filter_from: int = Field(
        2, ge=1, description="Show a municipality filter on the overview from this many "
        "municipalities."
    )
    projection_years: int = Field(
        4, ge=1, le=15, description="How far the trend line is drawn beyond the last list year "
        "when no crossing year is projected."
    )
    overview_detail_max: int = Field(
        60, ge=1, description="Up to this many areas the overview tells every area needing "
        "attention as a card with its reasons, with rankings and the map; above it (a "
        "national set) it summarises by colour and municipality and links down."
    )
    sha256_prefix: int = Field(12, ge=8, le=64, description="Hex digits of SHA-256 shown.")
    workers: int | None = Field(
        None, ge=1, description="Processes rendering the area pages (default: one per core; "
        "fewer when there are too few areas for a fork to pay off)."
    )
