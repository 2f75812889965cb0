"""The shipped item catalogue and its validation."""

from __future__ import annotations

import pytest

from indicators.errors import InputError
from indicators.survey.items import load_items


def test_evening_safety_as_domain_md_defines_it():
    item = load_items()["evening_safety"]
    assert item.question_text == (
        "Hvor tryg eller utryg føler du dig ved at færdes i dit boligområde om aftenen?"
    )
    assert item.valid_codes == {1, 2, 3, 4, 5}
    assert item.positive_codes == {4, 5}
    assert item.codes[4] == "Utryg" and item.codes[5] == "Meget utryg"
    assert item.dont_know_code == 9
    assert item.dont_know_label == "Ved ikke"
    assert item.accepted_codes == {1, 2, 3, 4, 5, 9}
    assert item.share_label_da == "Andel utrygge om aftenen"
    assert item.share_label_en == "Share feeling unsafe in the evening"


GOOD = """
safety_day:
  question_text: "Hvor tryg føler du dig om dagen?"
  codes: {1: Tryg, 2: Utryg}
  positive_codes: [2]
  positive_label: utryg
  share_label_da: Andel utrygge om dagen
  share_label_en: Share feeling unsafe by day
"""


def test_a_catalogue_file_can_be_given(tmp_path):
    path = tmp_path / "items.yaml"
    path.write_text(GOOD, encoding="utf-8")
    items = load_items(path)
    assert items["safety_day"].dont_know_code is None
    assert items["safety_day"].accepted_codes == {1, 2}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("positive_codes: [2]", "positive_codes: [3]"),
        ("positive_codes: [2]", "positive_codes: [1, 2]"),
        ("codes: {1: Tryg, 2: Utryg}", "codes: {1: Tryg, 2: Utryg}\n  dont_know_code: 2\n"
                                       "  dont_know_label: Ved ikke"),
        ("positive_label: utryg", "positive_lable: utryg"),
    ],
)
def test_inconsistent_items_are_rejected(tmp_path, change, field):
    path = tmp_path / "items.yaml"
    path.write_text(GOOD.replace(change, field), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_items(path)
    assert "safety_day" in str(caught.value)
