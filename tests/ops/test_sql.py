"""`boligmonitor sql` through the real command on a small hand-made warehouse.

The home holds a serving file written here (a table with one column of every
DuckDB type the output must carry), so each expected line below is the text
the documented serialisation (pipelines/sql_output.py) must produce for it.
"""

from __future__ import annotations

import json
from decimal import Decimal

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.analyst import is_refused
from pipelines.cli import main
from pipelines.sql_output import quote_non_finite, unique_names

TYPES = """
CREATE TABLE mart.types AS SELECT
    true AS flag, false AS off, NULL::INTEGER AS nothing, '' AS empty, 'a,"b"' AS quoted,
    [1, 2, NULL] AS ints, {'a': 1, 'b': 'x'} AS pair, MAP {'k': 1} AS m,
    [{'d': DATE '2024-01-31'}] AS nested,
    INTERVAL '1 year 2 months 3 days 04:05:06.5' AS span, INTERVAL '-1 month' AS back,
    1.10::DECIMAL(10, 2) AS price,
    123456789012345678901234567.123::DECIMAL(38, 3) AS wide,
    DATE '2024-01-31' AS day, TIMESTAMP '2024-01-31 12:30:00.123456' AS at,
    TIMESTAMPTZ '2024-01-31 12:30:00+01' AS at_tz,
    '\\x00ab\\xFF'::BLOB AS bytes, UUID 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' AS id,
    170141183460469231731687303715884105727::HUGEINT AS huge,
    'nan'::DOUBLE AS nan, '-inf'::DOUBLE AS minus_inf, 0.1::DOUBLE AS tenth,
    [1.5::DOUBLE, 'inf'] AS doubles, TIME '12:34:56' AS clock, '{"x": [1]}'::JSON AS doc
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    (home / "serving").mkdir()
    conn = duckdb.connect(str(home / "serving" / "boligmonitor.duckdb"))
    conn.execute("CREATE SCHEMA mart")
    conn.execute(TYPES)
    conn.execute("CREATE TABLE mart.areas (area_id VARCHAR PRIMARY KEY, area_name VARCHAR)")
    conn.execute("COMMENT ON COLUMN mart.areas.area_name IS 'The area''s name.'")
    conn.execute("INSERT INTO mart.areas VALUES ('a', 'Alfa'), ('b', NULL)")
    conn.close()
    return home


def sql(home, *args, stdin=None):
    return CliRunner().invoke(main, ["sql", "--home", str(home), *args], input=stdin)


COLUMNS = ("flag,off,nothing,empty,quoted,ints,pair,m,nested,span,back,price,wide,day,at,"
           "at_tz,bytes,id,huge,nan,minus_inf,tenth,doubles,clock,doc")


def test_csv_writes_every_type_as_duckdb_reads_it_back(home):
    result = sql(home, "--csv", "SELECT * FROM mart.types")
    assert result.exit_code == 0, result.output
    header, row = result.stdout.splitlines()
    assert header == COLUMNS
    assert row == (
        'true,false,,"","a,""b""","[1,2,null]","{""a"":1,""b"":""x""}","{""k"":1}",'
        '"[{""d"":""2024-01-31""}]",1 year 2 months 3 days 04:05:06.5,-1 month,1.10,'
        "123456789012345678901234567.123,2024-01-31,2024-01-31 12:30:00.123456,"
        "2024-01-31 11:30:00+00,\\x00ab\\xFF,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,"
        '170141183460469231731687303715884105727,nan,-inf,0.1,"[1.5,Infinity]",12:34:56,'
        '"{""x"": [1]}"'
    )


def test_json_lines_write_every_type_faithfully(home):
    result = sql(home, "--json", "SELECT * FROM mart.types UNION ALL SELECT * FROM mart.types")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[0] == lines[1]  # JSON Lines: one object per line
    # Exact digits in the text itself, not only after a decimal-aware parse.
    assert '"wide":123456789012345678901234567.123,' in lines[0]
    assert '"huge":170141183460469231731687303715884105727,' in lines[0]
    row = json.loads(lines[0], parse_float=Decimal)
    assert row == {
        "flag": True, "off": False, "nothing": None, "empty": "", "quoted": 'a,"b"',
        "ints": [1, 2, None], "pair": {"a": 1, "b": "x"}, "m": {"k": 1},
        "nested": [{"d": "2024-01-31"}],
        "span": "1 year 2 months 3 days 04:05:06.5", "back": "-1 month",
        "price": Decimal("1.1"), "wide": Decimal("123456789012345678901234567.123"),
        "day": "2024-01-31", "at": "2024-01-31 12:30:00.123456",
        "at_tz": "2024-01-31 11:30:00+00", "bytes": "\\x00ab\\xFF",
        "id": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "huge": 170141183460469231731687303715884105727,
        "nan": "NaN", "minus_inf": "-Infinity", "tenth": Decimal("0.1"),
        "doubles": [Decimal("1.5"), "Infinity"], "clock": "12:34:56", "doc": {"x": [1]},
    }
    # Strict JSON: no bare NaN or Infinity anywhere.
    json.loads(lines[0], parse_constant=lambda c: pytest.fail(f"bare {c} in {lines[0]}"))


def test_duplicate_column_names_stay_distinct(home):
    as_csv = sql(home, "--csv", "SELECT 1 AS a, 2 AS a, 3 AS a_1, 4 AS a")
    assert as_csv.stdout == "a,a_2,a_1,a_3\n1,2,3,4\n"
    as_json = sql(home, "--json", "SELECT 1 AS a, 2 AS a, 3 AS a_1, 4 AS a")
    assert as_json.stdout == '{"a":1,"a_2":2,"a_1":3,"a_3":4}\n'
    assert unique_names(["x", "x", "x"]) == ["x", "x_1", "x_2"]


def test_table_mode_shows_null_aligns_numbers_and_counts_rows(home):
    result = sql(home, "SELECT area_id, area_name, 10.50::DECIMAL(5,2) AS n "
                       "FROM mart.areas ORDER BY area_id")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "area_id    area_name        n\n"
        "---------  -----------  -----\n"
        "a          Alfa         10.50\n"
        "b          NULL         10.50\n"
        "(2 rows)\n"
    )


def test_non_finite_numbers_inside_strings_are_left_alone():
    assert quote_non_finite('["NaN",NaN,-Infinity,"a\\"Infinity"]') == \
        '["NaN","NaN","-Infinity","a\\"Infinity"]'


@pytest.mark.parametrize("statement, duckdb_says", [
    ("CREATE TABLE x AS SELECT 1", 'Cannot execute statement of type "CREATE"'),
    ("DELETE FROM mart.areas", 'Cannot execute statement of type "DELETE"'),
    ("COPY mart.areas TO '/tmp/h2-leak.csv'", "file system operations are disabled"),
    ("EXPORT DATABASE '/tmp/h2-export'", "file system operations are disabled"),
    ("ATTACH '/tmp/h2-other.duckdb' AS other", "file system operations are disabled"),
    ("ATTACH ':memory:' AS m", "Cannot launch in-memory database in read-only mode"),
    ("INSTALL httpfs", "file system operations are disabled"),
    ("LOAD httpfs", "Loading external extensions is disabled"),
    ("SELECT * FROM read_csv('/etc/passwd')", "LINE 1: SELECT * FROM read_csv"),
    ("SET memory_limit = '100GB'", 'option "memory_limit" - the configuration has been locked'),
    ("SET threads = 8", 'option "threads" - the configuration has been locked'),
    ("SET enable_external_access = true", "the configuration has been locked"),
    ("RESET lock_configuration", "the configuration has been locked"),
])
def test_what_the_lockdown_refuses_is_called_refused(home, statement, duckdb_says):
    result = sql(home, statement)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: refused: the published warehouse is read-only")
    assert duckdb_says in result.stderr


@pytest.mark.parametrize("statement, message", [
    ("SELECT strptime('x', '%Y')",
     'Error: Invalid Input Error: Could not parse string "x" according to format specifier '
     '"%Y"\nx\n^\nError: Expected a number\n'),
    ("SELECT error('boom')", "Error: Invalid Input Error: boom\n"),
    ("SELECT area_name FROM mart.areas WHERE error(area_id) IS NULL",
     "Error: Invalid Input Error: a\n"),
    ("SELECT * FROM mart.area",
     'Error: Catalog Error: Table with name area does not exist!\nDid you mean "areas"?'
     "\n\nLINE 1: SELECT * FROM mart.area\n                      ^\n"),
    ("SELEC 1", 'Error: Parser Error: syntax error at or near "SELEC"\n\nLINE 1: SELEC 1\n'
     "        ^\n"),
    ("SELECT area_nme FROM mart.areas",
     'Error: Binder Error: Referenced column "area_nme" not found in FROM clause!\n'
     'Candidate bindings: "area_name", "area_id"\n\nLINE 1: SELECT area_nme FROM mart.areas\n'
     "               ^\n"),
])
def test_ordinary_errors_are_duckdbs_whole_message(home, statement, message):
    result = sql(home, statement)
    assert result.exit_code == 1
    assert result.stderr == message


def test_refusal_is_told_by_message_not_by_class():
    plain = duckdb.InvalidInputException("Invalid Input Error: boom")
    locked = duckdb.InvalidInputException(
        'Invalid Input Error: Cannot change configuration option "threads" - the '
        "configuration has been locked")
    assert not is_refused(plain) and is_refused(locked)


def test_conflicting_flags_are_an_error(home, tmp_path):
    both = sql(home, "--csv", "--json", "SELECT 1")
    assert both.exit_code == 2 and "--csv and --json exclude each other" in both.stderr
    (tmp_path / "q.sql").write_text("SELECT 1;")
    query_and_file = sql(home, "--file", str(tmp_path / "q.sql"), "SELECT 1")
    assert query_and_file.exit_code == 2 and "not both" in query_and_file.stderr


def test_a_file_runs_every_statement_and_errors_name_the_files_line(home, tmp_path):
    script = tmp_path / "query.sql"
    script.write_text("CREATE TEMP TABLE t AS SELECT 2 AS x;\n"
                      "SELECT x * 21 AS answer FROM t;\n"
                      "SELECT 'second' AS word;\n")
    result = sql(home, "--csv", "--file", str(script))
    assert result.exit_code == 0, result.output
    assert result.stdout == "answer\n42\nword\nsecond\n"
    script.write_text("SELECT 1 AS one;\n\nSELECT * FROM mart.nowhere;\nSELECT 3;\n")
    failed = sql(home, "--csv", "--file", str(script))
    assert failed.exit_code == 1
    assert failed.stdout == "one\n1\n"  # stops at the first error
    assert "\nLINE 3: SELECT * FROM mart.nowhere\n" in failed.stderr


def test_dot_commands_are_their_own_lines(home):
    result = sql(home, stdin=".tables\nSELECT 1 AS x;\n.mode csv\nSELECT 2 AS y,\n3 AS z;\n"
                             ".mode json\nSELECT 'j' AS k;\n.schema mart.areas\n.bogus\n"
                             ".quit\nSELECT 'after quit';\n")
    assert result.exit_code == 1  # one failed command (.bogus)
    out = result.stdout
    assert out.startswith("table       kind    comment\n----------  ------  ---------\n"
                          "mart.areas  table   NULL\nmart.types  table   NULL\n(2 rows)\n")
    assert "  x\n---\n  1\n(1 row)\n" in out  # .tables did not merge into the statement
    assert "y,z\n2,3\n" in out
    assert '{"k":"j"}\n' in out
    assert "CREATE TABLE mart.areas(area_id VARCHAR PRIMARY KEY, area_name VARCHAR);\n" \
        in out
    assert ('{"column":"area_name","type":"VARCHAR","nullable":true,'
            '"comment":"The area\'s name."}') in out
    assert "after quit" not in out
    assert result.stderr == "Error: unknown command .bogus: .help lists the commands\n"


def test_a_bad_mode_is_refused_and_help_lists_commands(home):
    result = sql(home, stdin=".mode xml\n.help\n")
    assert "Error: .mode takes one of table, csv, json (now table); got xml" in result.stderr
    for command in (".tables", ".schema TABLE", ".mode MODE", ".help", ".quit"):
        assert command in result.stdout


def test_limits_come_from_the_home_options_and_cannot_be_lifted(home):
    (home / "boligmonitor.yaml").write_text('analyst_memory_limit: "300MB"\nanalyst_threads: 2\n')
    try:
        result = sql(home, "--csv", "SELECT current_setting('memory_limit') AS m, "
                                    "current_setting('threads') AS t, "
                                    "current_setting('TimeZone') AS z")
        assert result.stdout == "m,t,z\n286.1 MiB,2,UTC\n"  # 300 MB = 286.1 MiB
        lifted = sql(home, "--csv", "SET memory_limit = '10GB'; "
                                    "SELECT current_setting('memory_limit') AS m")
        assert lifted.exit_code == 1 and "refused" in lifted.stderr
        (home / "boligmonitor.yaml").write_text('analyst_memory_limit: "lots"\n')
        bad = sql(home, "SELECT 1")
        assert bad.exit_code == 1 and "analyst_memory_limit" in bad.stderr
    finally:
        (home / "boligmonitor.yaml").unlink()


def test_timeout_interrupts_and_the_connection_stays_usable(home):
    result = sql(home, "--timeout", "0.5",
                 "SELECT count(*) FROM range(1000000000) a, range(1000000000) b")
    assert result.exit_code == 1
    assert result.stderr == "Error: interrupted: the statement ran longer than --timeout 0.5 s\n"
    shell = sql(home, "--timeout", "0.5", stdin="SELECT count(*) FROM range(1000000000) a, "
                "range(1000000000) b;\nSELECT 42 AS answer;\n")
    assert "interrupted" in shell.stderr
    assert "  answer\n--------\n      42\n(1 row)\n" in shell.stdout
