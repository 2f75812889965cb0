"""areas/plans.csv: plans and their areas, validated like every input."""

from pathlib import Path

import pytest

from indicators import tables
from indicators.errors import InputError
from indicators.inputs.areas import read_areas
from indicators.inputs.plans import read_plans

NAME = "areas/plans.csv"
HEADER = "plan_id;plan_name;area_id;start_year;end_year\n"
AREAS = ("area_id;area_name;municipality_code;region_code\n"
         "gl_jennumparken;Gl. Jennumparken;730;1082\nvangdalen;Vangdalen;730;1082\n")
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "areas"


def areas(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(AREAS, encoding="utf-8")
    return read_areas(path, "areas/areas.csv")


def plans(tmp_path, body: str, encoding: str = "utf-8"):
    path = tmp_path / "plans.csv"
    path.write_bytes((HEADER + body).encode(encoding))
    return read_plans(path, NAME, areas(tmp_path))


def problems(tmp_path, body: str) -> list[str]:
    with pytest.raises(InputError) as err:
        plans(tmp_path, body)
    return [str(p) for p in err.value.problems]


def test_rows_are_typed_and_an_empty_end_is_ongoing(tmp_path):
    frame = plans(tmp_path, "nordby;Helhedsplan Nordby;gl_jennumparken;2009;2013\n"
                            "nordby;Helhedsplan Nordby;vangdalen;2011;2013\n"
                            "plan_2021;Helhedsplan 2021-;vangdalen;2021;\n")
    assert frame.select("plan_id", "area_id", "start_year", "end_year").rows() == [
        ("nordby", "gl_jennumparken", 2009, 2013),
        ("nordby", "vangdalen", 2011, 2013),
        ("plan_2021", "vangdalen", 2021, None),
    ]
    assert frame["_row"].to_list() == [2, 3, 4]
    # What staging keeps is what mart.plans publishes.
    assert [c for c in frame.columns if c != "_row"] == tables.PLANS.column_names()


def test_windows_1252_comma_file_is_read(tmp_path):
    text = ("plan_id,plan_name,area_id,start_year,end_year\n"
            "tryg,Tryghed i Vangdalen – år ét,vangdalen,2011,2012\n")
    path = tmp_path / "plans.csv"
    path.write_bytes(text.encode("cp1252"))
    frame = read_plans(path, NAME, areas(tmp_path))
    assert frame["plan_name"].to_list() == ["Tryghed i Vangdalen – år ét"]


def test_unknown_area_names_file_row_and_column(tmp_path):
    found = problems(tmp_path, "nordby;Nordby;gl_jennumparken;2009;2013\n"
                               "nordby;Nordby;nowhere;2009;2013\n")
    assert len(found) == 1
    assert found[0].startswith(f"{NAME}, row 3, column 'area_id': ")
    assert "'nowhere'" in found[0] and "expected a registered area" in found[0]


def test_end_before_start(tmp_path):
    found = problems(tmp_path, "nordby;Nordby;gl_jennumparken;2013;2009\n")
    assert found == [f"{NAME}, row 2, column 'end_year': end_year 2009 is before start_year "
                     "2013; expected start_year ≤ end_year (or an empty end_year for an "
                     "ongoing plan)"]


def test_overlapping_duplicate_names_both_rows(tmp_path):
    found = problems(tmp_path, "nordby;Nordby;gl_jennumparken;2009;2013\n"
                               "nordby;Nordby;vangdalen;2011;2013\n"
                               "nordby;Nordby;gl_jennumparken;2012;\n")
    assert len(found) == 1
    assert found[0].startswith(f"{NAME}, row 4, column 'area_id': ")
    assert "in overlapping years (row 2 and this row)" in found[0]


def test_a_second_period_of_the_same_plan_is_an_error_too(tmp_path):
    found = problems(tmp_path, "nordby;Nordby;vangdalen;2009;2010\n"
                               "nordby;Nordby;vangdalen;2012;2013\n")
    assert len(found) == 1 and "row 3" in found[0] and "a second time" in found[0]


def test_two_plans_may_overlap_in_one_area(tmp_path):
    frame = plans(tmp_path, "nordby;Nordby;gl_jennumparken;2009;2013\n"
                            "plan_2013;Plan 2013-2017;gl_jennumparken;2013;2017\n")
    assert frame.height == 2


def test_one_name_per_plan(tmp_path):
    found = problems(tmp_path, "nordby;Nordby;gl_jennumparken;2009;2013\n"
                               "nordby;Nordbyplanen;vangdalen;2011;2013\n")
    assert found == [f"{NAME}, row 3, column 'plan_name': plan nordby is named 'Nordbyplanen' "
                     "here but 'Nordby' in row 2; expected one name per plan"]


def test_bad_cells_name_column_and_expectation(tmp_path):
    found = problems(tmp_path, "Nordby Plan;Nordby;gl_jennumparken;2009;2013\n"
                               "nordby;Nordby;vangdalen;;2013\n")
    assert any(p.startswith(f"{NAME}, row 2, column 'plan_id': expected text matching")
               for p in found)
    assert any(p.startswith(f"{NAME}, row 3, column 'start_year': expected a whole number")
               and "found an empty cell" in p for p in found)


def test_every_problem_is_reported_at_once(tmp_path):
    found = problems(tmp_path, "nordby;Nordby;nowhere;2009;2013\n"
                               "nordby;Nordby;vangdalen;2013;2011\n")
    assert [p.split(":")[0] for p in found] == [f"{NAME}, row 2, column 'area_id'",
                                                f"{NAME}, row 3, column 'end_year'"]


def test_the_sample_plans_read_clean():
    registered = read_areas(SAMPLE / "areas.csv", "areas/areas.csv")
    frame = read_plans(SAMPLE / "plans.csv", NAME, registered)
    by_plan = {}
    for r in frame.iter_rows(named=True):
        by_plan.setdefault(r["plan_id"], set()).add(r["area_id"])
    assert by_plan["helhedsplan_2021_2025"] == {
        "gl_jennumparken", "glarbjergvej", "vangdalen", "hermann_stillingsvej", "energivej"}
    assert by_plan["nordby_2009_2013"] == {"gl_jennumparken", "glarbjergvej", "vangdalen"}
    # Vangdalen's 2010 -> 2012 survey change is evaluated (domain.md §8: the pre wave
    # before the start, the post wave in start+1 ... end).
    effort = frame.filter(frame["plan_id"] == "vangdalen_tryghed_2011")
    assert effort.select("area_id", "start_year", "end_year").rows() == [
        ("vangdalen", 2011, 2012)]
