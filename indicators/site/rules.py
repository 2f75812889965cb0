"""The rules as the site needs them, read from the indicator catalogue.

The site never types a rule again: which regime is in force in a list year,
which criteria it counts and how many put an area on its list, the statuses
it defines (most severe first), every threshold's inequality and whether a
criterion is met below it (K4) all come from `indicators/catalogue.yaml`
through `indicators.catalogue`. Words for them come from the message
catalogue (`messages/rules.<lang>.yaml`) or the catalogue's own labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from indicators.catalogue import Catalogue, Regime, load_catalogue

# The overview's colours, most severe first (domain.md §6: red > orange >
# yellow > green; grey = unknown). `css` is the key of the badge, icon and
# stylesheet class; the signal table's colour codes are the keys.
COLOUR_ORDER = ("red", "orange", "yellow", "green", "grey")
CSS_KEY = {"red": "roed", "orange": "orange", "yellow": "gul", "green": "groen",
           "grey": "ukendt"}
HEX = {"red": "#c0392b", "orange": "#e67e22", "yellow": "#f1c40f", "green": "#27ae60",
       "grey": "#9e9e9e"}
# Rank for sorting: higher = more worrying (grey sorts after green: nothing decided).
RANK = {"red": 4, "orange": 3, "yellow": 2, "green": 1, "grey": 0}


@dataclass(frozen=True)
class Rules:
    catalogue: Catalogue

    @classmethod
    def load(cls) -> Rules:
        return cls(load_catalogue())

    @cached_property
    def _memo(self) -> dict:
        # The catalogue is fixed for the Rules' life, and a national site asks the
        # same few questions (regime of a year, K4's direction) hundreds of
        # thousands of times: each answer is worked out once.
        return {}

    def _once(self, key: tuple, work, *args):
        memo = self._memo
        try:
            return memo[key]
        except KeyError:
            memo[key] = value = work(*args)
            return value

    # --- regimes ---------------------------------------------------------

    @cached_property
    def regime_ids(self) -> list[str]:
        return self.catalogue.regime_ids

    def regime(self, regime_id: str) -> Regime:
        return self.catalogue.regimes[regime_id]

    def regime_in_force(self, year: int | None) -> str | None:
        if year is None:
            return None
        return self._once(("in_force", year), self.catalogue.regime_in_force, int(year))

    @cached_property
    def rule_change_years(self) -> tuple[int, ...]:
        """The years new rules came into force, after the first list."""
        return tuple(self.regime(r).in_force_from for r in self.regime_ids[1:])

    def regime_period(self, regime_id: str) -> tuple[int, int | None]:
        r = self.regime(regime_id)
        return r.in_force_from, r.in_force_to

    def counted(self, regime_id: str) -> list[str]:
        return self.regime(regime_id).counted_criteria

    def criteria(self, regime_id: str) -> list[str]:
        """Every criterion the regime evaluates (counted ones first, in catalogue order)."""
        return list(self._once(("criteria", regime_id), self._criteria, regime_id))

    def _criteria(self, regime_id: str) -> list[str]:
        criteria = list(self.regime(regime_id).criteria)
        counted = self.counted(regime_id)
        return counted + [c for c in criteria if c not in counted]

    def required(self, regime_id: str) -> int:
        """How many of the counted criteria put an area on the regime's first list."""
        return self._once(("required", regime_id), self._required, regime_id)

    def _required(self, regime_id: str) -> int:
        regime = self.regime(regime_id)
        counted = set(self.counted(regime_id))
        for name in regime.status_order():
            for req in regime.statuses[name].all_of:
                if req.level == "main" and set(req.of) == counted:
                    return req.at_least
        raise ValueError(f"catalogue regime {regime_id}: no status requires its counted "
                         "criteria at the main level")

    def statuses(self, regime_id: str) -> list[str]:
        """The statuses the regime defines, most severe first: a status that requires
        another is more severe than it; forebyggelse-level ones come last."""
        return list(self._once(("statuses", regime_id), self._statuses, regime_id))

    def _statuses(self, regime_id: str) -> list[str]:
        regime = self.regime(regime_id)
        order = regime.status_order()
        listed = [s for s in order if not self.is_prevention(regime_id, s)]
        prevention = [s for s in order if self.is_prevention(regime_id, s)]
        return list(reversed(listed)) + prevention

    def list_statuses(self, regime_id: str) -> list[str]:
        """The statuses that put an area on the regime's list (the red ones)."""
        return list(self._once(("list_statuses", regime_id), self._list_statuses, regime_id))

    def _list_statuses(self, regime_id: str) -> list[str]:
        return [s for s in self.statuses(regime_id) if not self.is_prevention(regime_id, s)]

    def is_prevention(self, regime_id: str, status: str) -> bool:
        rule = self.regime(regime_id).statuses[status]
        return any(req.level == "forebyggelse" for req in rule.all_of)

    def status_label(self, status: str, regime_id: str | None, lang: str = "da") -> str:
        """The name the status had under the regime ("Ghettoområde" before 2021)."""
        return self._once(("status_label", status, regime_id, lang), self._status_label,
                          status, regime_id, lang)

    def _status_label(self, status: str, regime_id: str | None, lang: str) -> str:
        if status == "kombineret_udlejning":
            rule = self.catalogue.kombineret_udlejning
            return rule.label_da if lang == "da" else rule.label_en
        regimes = [regime_id] if regime_id in self.catalogue.regimes else []
        regimes += [r for r in reversed(self.regime_ids) if r not in regimes]
        for r in regimes:
            rule = self.regime(r).statuses.get(status)
            if rule is not None:
                return rule.label_da if lang == "da" else rule.label_en
        raise KeyError(f"status {status!r} is not defined in the catalogue")

    def all_statuses(self) -> list[str]:
        seen: list[str] = []
        for r in self.regime_ids:
            seen += [s for s in self.statuses(r) if s not in seen]
        return seen

    # --- indicators --------------------------------------------------------

    @cached_property
    def indicator_ids(self) -> list[str]:
        return list(self.catalogue.indicators)

    def comparison(self, indicator_id: str, regime_id: str | None,
                   level: str = "main") -> str | None:
        """The inequality as the law prints it (">", ">=", "<", "<="), None if the
        regime does not use the indicator at that level."""
        return self._once(("comparison", indicator_id, regime_id, level), self._comparison,
                          indicator_id, regime_id, level)

    def _comparison(self, indicator_id: str, regime_id: str | None, level: str) -> str | None:
        if regime_id is None or regime_id not in self.catalogue.regimes:
            return None
        criterion = self.regime(regime_id).criteria.get(indicator_id)
        if criterion is None:
            return None
        threshold = criterion.threshold_for(level)  # type: ignore[arg-type]
        return None if threshold is None else threshold.comparison

    def below(self, indicator_id: str) -> bool:
        """Met when the value is below the threshold (K4), in every regime using it."""
        return self._once(("below", indicator_id), self._below, indicator_id)

    def _below(self, indicator_id: str) -> bool:
        for r in self.regime_ids:
            comparison = self.comparison(indicator_id, r)
            if comparison is not None:
                return comparison in ("<", "<=")
        return False

    def has_prevention_level(self, regime_id: str) -> bool:
        return self._once(("prevention_level", regime_id), self._has_prevention_level,
                          regime_id)

    def _has_prevention_level(self, regime_id: str) -> bool:
        return any(c.forebyggelse_threshold is not None
                   for c in self.regime(regime_id).criteria.values())


_RULES: Rules | None = None


def rules() -> Rules:
    """The package catalogue's rules, read once per process."""
    global _RULES
    if _RULES is None:
        _RULES = Rules.load()
    return _RULES
