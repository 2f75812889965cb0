"""Decoding and delimiter detection on tiny inline files."""

import codecs

import pytest

from indicators.errors import InputError
from indicators.inputs import textfile
from indicators.inputs.textfile import NumberError, parse_decimal, parse_text_table

TEXT = "afdeling_id;aar;maal;vaerdi\n027-0051;2020;beboere;12,5\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.replace("\n", "\r\n").encode("utf-16"), "utf-16"),
        ("navn;by\nBørge;Århus\n".encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_are_detected(data, encoding):
    table = parse_text_table(data, "x.csv")
    assert table.encoding == encoding
    assert table.delimiter == ";"
    assert len(table.rows) == 1


def test_windows_1252_text_is_decoded_correctly():
    table = parse_text_table("navn;by\nBørge;Århus\n".encode("cp1252"), "x.csv")
    assert table.rows == [["Børge", "Århus"]]


def test_undecodable_file_names_file_and_line():
    data = b"a;b\n1;2\n\x81\x00\x02;3\n"
    with pytest.raises(InputError) as err:
        parse_text_table(data, "kaas/bad.csv")
    message = str(err.value)
    assert "kaas/bad.csv" in message
    assert "row 3" in message
    assert "UTF-8" in message and "Windows-1252" in message


def test_comma_and_tab_delimiters_are_accepted_when_unambiguous():
    assert parse_text_table(b"a,b,c\n1,2,3\n", "x.csv").delimiter == ","
    assert parse_text_table(b"a\tb\n1\t2\n", "x.csv").delimiter == "\t"


def test_wrong_delimiter_against_expected_columns():
    data = b"afdeling_id|aar|maal|vaerdi\n027-0051|2020|beboere|1\n"
    with pytest.raises(InputError) as err:
        parse_text_table(data, "kaas/pipe.csv", expected_columns=["afdeling_id", "aar"])
    message = str(err.value)
    assert "kaas/pipe.csv" in message and "row 1" in message
    assert "separated by ';'" in message


def test_row_with_more_fields_than_header_names_its_line():
    data = b"a;b\n1;2\n3;4;5\n"
    with pytest.raises(InputError) as err:
        parse_text_table(data, "x.csv")
    assert "row 3" in str(err.value)


def test_spurious_trailing_empty_column_is_dropped():
    table = parse_text_table(b"a;b;\n1;2;\n", "structure.csv")
    assert table.header == ["a", "b"]
    assert table.rows == [["1", "2"]]


def test_header_matching_ignores_case_and_blanks():
    table = parse_text_table(b" Afdeling_ID ;AAR\n1;2\n", "x.csv")
    assert table.index("afdeling_id") == 0
    assert table.index("aar") == 1


@pytest.mark.parametrize(("text", "value"), [("12,5", "12.5"), ("12.5", "12.5"), ("7", "7"),
                                             ("", None)])
def test_parse_decimal(text, value):
    parsed = parse_decimal(text)
    assert (None if parsed is None else str(parsed)) == value


@pytest.mark.parametrize("text", ["1.234,5", "abc", "nan", "inf"])
def test_parse_decimal_rejects(text):
    with pytest.raises(NumberError):
        parse_decimal(text)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("chunk", [8, 1 << 20])
def test_unquoted_columns_keep_line_numbers_across_chunks(tmp_path, monkeypatch, newline,
                                                           chunk):
    # Large files are split in chunks: the line numbers shown in errors must not drift
    # at a chunk's edge, and blank lines still count as lines.
    monkeypatch.setattr(textfile, "_CHUNK_CHARACTERS", chunk)
    lines = ["a;b"] + [f"x{i};{i}" if i % 3 else "" for i in range(2, 40)]
    path = tmp_path / "x.csv"
    path.write_bytes(newline.join(lines).encode("utf-8") + newline.encode())
    frame = textfile.read_text_columns(path, "x.csv", ["b", "a"])
    expected = [(f"x{i}", str(i), i) for i in range(2, 40) if i % 3]
    assert frame.select("a", "b", "_row").rows() == expected


def test_ragged_line_is_named_as_the_csv_reader_names_it(tmp_path, monkeypatch):
    monkeypatch.setattr(textfile, "_CHUNK_CHARACTERS", 8)
    data = b"a;b\n1;2\n3;4;\n\n5;6;7\n8;9\n"
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as fast:
        textfile.read_text_columns(path, "x.csv", ["a", "b"])
    with pytest.raises(InputError) as slow:
        parse_text_table(data, "x.csv", ["a", "b"])
    assert str(fast.value) == str(slow.value)
    assert str(fast.value).startswith("x.csv, row 5: has 3 fields where the header has 2")


@pytest.mark.parametrize("text", ["1e12", "NaN", "Infinity", "1_000", "+-1", "0x10"])
def test_parse_decimal_takes_only_the_contracts_numbers(text):
    with pytest.raises(NumberError):
        parse_decimal(text)


def test_header_that_lacks_a_column_names_it():
    with pytest.raises(InputError) as err:
        parse_text_table(b"afdeling_id;aar;vaerdi\n1;2;3\n", "kaas/k.csv",
                         expected_columns=["afdeling_id", "aar", "maal", "vaerdi"])
    assert "kaas/k.csv, row 1: header lacks column 'maal'" in str(err.value)


def test_whole_field_quotes_are_read_on_the_fast_path(tmp_path, monkeypatch):
    # A quoted export without quotes inside fields needs no Python object per line.
    monkeypatch.setattr(textfile, "parse_text_table", None)
    path = tmp_path / "x.csv"
    path.write_bytes(b'"a";"b"\n"x 1";" 2 "\n"";3\n')
    frame = textfile.read_text_columns(path, "x.csv", ["a", "b"])
    assert frame.rows() == [("x 1", "2", 2), ("", "3", 3)]


@pytest.mark.parametrize("data", [b'a;b\n"x;y";2\n', b'a;b\n"x\n y";2\n', b'a;b\n"x""y";2\n',
                                  b'a;b\nx"y;2\n'])
def test_quotes_inside_fields_go_to_the_csv_reader(tmp_path, data):
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    expected = parse_text_table(data, "x.csv", ["a", "b"])
    frame = textfile.read_text_columns(path, "x.csv", ["a", "b"])
    assert frame.select("a", "b").rows() == [tuple(r) for r in expected.rows]
    assert frame["_row"].to_list() == expected.row_numbers
