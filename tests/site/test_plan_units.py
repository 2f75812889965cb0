"""Plan effects in the indicator's own unit: a ratio indicator (absence days per pupil)
is never said in percentage points."""

from __future__ import annotations

from types import SimpleNamespace

from indicators.local_model import load_local_model
from indicators.site.local_section import _info_from
from indicators.site.messages import Messages
from indicators.site.plan_page import detail_sentence, effect_sentence, is_ratio, short_effect

ROW = {"indicator_id": "l_skolefravaer", "effect": -0.24, "ci_low": -0.61, "ci_high": 0.13,
       "n_comparison": 7, "change": -0.5, "comparison_change": -0.26,
       "pre_period": "2014–2016", "post_period": "2018–2020", "placebo_p": None}


def _data():
    return SimpleNamespace(local=SimpleNamespace(model=_info_from(load_local_model(), [])))


def test_a_ratio_indicator_is_said_in_its_own_unit_in_both_languages():
    data = _data()
    assert is_ratio("l_skolefravaer", data) and not is_ratio("k1_uden_tilknytning", data)
    da = effect_sentence(Messages.load("da"), "Fraværsdage pr. elev", ROW, "all", ratio=True)
    assert da == ("Fraværsdage pr. elev faldt 0,2 mere end i sammenligningsområderne "
                  "(95 %-interval −0,6 til 0,1).")
    en = effect_sentence(Messages.load("en"), "Absence days per pupil", ROW, "all", ratio=True)
    assert "fell 0.2 more than" in en and "percentage" not in en
    detail = detail_sentence(Messages.load("da"), ROW, ratio=True)
    assert "−0,5" in detail and "procentpoint" not in detail
    short = short_effect(Messages.load("da"), "l_skolefravaer", ROW, data)
    assert short.endswith("−0,2 (95 %-interval −0,6 til 0,1)") and "procentpoint" not in short


def test_a_share_keeps_its_percentage_points():
    row = dict(ROW, indicator_id="k1_uden_tilknytning")
    assert "procentpoint" in effect_sentence(Messages.load("da"), "K1", row, "all")
    assert "procentpoint" in short_effect(Messages.load("da"), "k1_uden_tilknytning", row,
                                          _data())
