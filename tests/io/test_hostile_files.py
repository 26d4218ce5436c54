"""Hostile files given to the readers of tables and TOML documents: one exact message each.

A pipe, a device or a folder where a file is expected, a file over the size
cap, text that is not UTF-8, CSV rows of the wrong width, numbers Python
would read but a table never means (``1_0``), a CSV saved by Excel in a
Belgian locale, TOML nested too deep and a chain of ``extends`` too long:
each gives one InputError naming the file (and the line), never a
traceback, a hang or a silently wrong value. Every file is made in
``tmp_path``.
"""

from __future__ import annotations

import codecs
import os
import signal

import numpy as np
import pytest
from helpers import raises_exactly

import projsim
from projsim.io.files import (
    MAX_CSV_FIELD, MAX_TABLE_BYTES, MAX_TOML_BYTES, decode_text, read_grid_csv, read_toml, shown,
)
from projsim.io.scenarios import MAX_EXTENDS, check_scenario

DIMS = {"region": ("north", "south"), "age": (0, 1)}
GOOD = "region,age,rate\nnorth,0,0.1\nnorth,1,0.2\nsouth,0,0.3\nsouth,1,0.4\n"
VALUES = [[0.1, 0.2], [0.3, 0.4]]


@pytest.fixture(autouse=True)
def no_hang():
    """Fail, rather than hang, if a reader blocks on a pipe for 10 s."""
    def fail(signum, frame):
        raise TimeoutError("the reader hung for 10 s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def table(tmp_path, content, name="rates.csv"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


# --- only regular files, within a size cap --------------------------------------------------

def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    path = tmp_path / "rates.csv"
    os.mkfifo(path)
    with raises_exactly(f"{path}: got a named pipe (FIFO), not a regular file; expected a CSV "
                        "table. Fix: give the path of a file on disk; projsim reads no folders, "
                        "pipes or devices."):
        read_grid_csv(path, DIMS, "rate")


def test_a_link_to_dev_zero_is_refused_without_reading(tmp_path):
    path = tmp_path / "rates.csv"
    path.symlink_to("/dev/zero")
    with raises_exactly(f"{path}: got a symbolic link to a character device (/dev/zero), not a "
                        "regular file; expected a CSV table. Fix: give the path of a file on "
                        "disk; projsim reads no folders, pipes or devices."):
        read_grid_csv(path, DIMS, "rate")


def test_a_folder_is_refused(tmp_path):
    path = tmp_path / "scenario.toml"
    path.mkdir()
    with raises_exactly(f"{path}: got a folder, not a regular file; expected a TOML file. Fix: "
                        "give the path of a file on disk; projsim reads no folders, pipes or "
                        "devices."):
        read_toml(path)


def test_a_table_over_the_cap_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "rates.csv"
    with open(path, "wb") as stream:  # sparse: nothing is written
        stream.truncate(MAX_TABLE_BYTES + 1)
    with raises_exactly(f"{path}: got a file of 268,435,457 bytes (256 MiB); expected a CSV table "
                        "of at most 256 MiB. "
                        "Fix: check that the path names the right file (a table by year, region, "
                        "sex and age over 100 years takes about 3 MB)."):
        read_grid_csv(path, DIMS, "rate")


def test_a_toml_file_over_the_cap_is_refused(tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes(b"#" * (2 * MAX_TOML_BYTES))
    with raises_exactly(f"{path}: got a file of 2,097,152 bytes (2 MiB); expected a TOML file of "
                        "at most 1 MiB. "
                        "Fix: check that the path names the right file (projsim's TOML files "
                        "take a few kB)."):
        read_toml(path)


def test_a_missing_table(tmp_path):
    path = tmp_path / "rates.csv"
    with raises_exactly(f"{path}: got no such file; expected an existing CSV table. "
                        "Fix: add the file, or check the path."):
        read_grid_csv(path, DIMS, "rate")


def test_a_scenario_that_is_a_device():
    with raises_exactly("/dev/null: got a character device, not a regular file; expected a TOML "
                        "file. Fix: give the path of a file on disk; projsim reads no folders, "
                        "pipes or devices."):
        projsim.load_scenario("/dev/null")


def test_a_scenario_table_that_is_a_pipe(tmp_path):
    os.mkfifo(tmp_path / "net.csv")
    (tmp_path / "s.toml").write_text(
        'base = "belgium-2012"\nhorizon = 2020\n'
        '[international_migration]\ntable = "net.csv"\n')
    with raises_exactly(f"{tmp_path / 's.toml'}: international_migration.table: "
                        f"{tmp_path / 'net.csv'}: got a named pipe (FIFO), not a regular file; "
                        "expected a CSV table. Fix: give the path of a file on disk; projsim "
                        "reads no folders, pipes or devices."):
        projsim.load_scenario(tmp_path / "s.toml")


# --- encodings ---------------------------------------------------------------------------

ENCODED = {
    "latin-1": (
        "region,age,rate\nnorth,0,0.1\nnorth,1,0.2\nsouth,0,0.3\nsouth,1,0.4 # é\n"
        .encode("latin-1"),
        "{path}: got the byte 0xe9 at line 5, column 15, which is not UTF-8; expected UTF-8 "
        "text. Fix: save the file as UTF-8 (in Excel: 'CSV UTF-8'; in an editor: the encoding "
        "UTF-8)."),
    "UTF-16 with a byte-order mark": (
        GOOD.encode("utf-16"),
        "{path}: got UTF-16 text (the file starts with a UTF-16 byte-order mark); expected "
        "UTF-8 text. Fix: save the file as UTF-8 (in Excel: 'CSV UTF-8'; in an editor: the "
        "encoding UTF-8)."),
    "UTF-16 without a byte-order mark": (
        GOOD.encode("utf-16-le"),
        "{path}: got a NUL byte at line 1, column 2 (UTF-16 or binary data); expected UTF-8 "
        "text. Fix: save the file as UTF-8 (in Excel: 'CSV UTF-8'; in an editor: the encoding "
        "UTF-8)."),
    "binary": (
        b"\x89PNG\r\n\x1a\n\x00\x00",
        "{path}: got the byte 0x89 at line 1, column 1, which is not UTF-8; expected UTF-8 "
        "text. Fix: save the file as UTF-8 (in Excel: 'CSV UTF-8'; in an editor: the encoding "
        "UTF-8)."),
}


@pytest.mark.parametrize("case", sorted(ENCODED))
def test_a_table_not_in_utf8(tmp_path, case):
    content, expected = ENCODED[case]
    path = table(tmp_path, content)
    with raises_exactly(expected.format(path=path)):
        read_grid_csv(path, DIMS, "rate")


def test_a_toml_file_in_latin1(tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes('name = "réf"\n'.encode("latin-1"))
    with raises_exactly(f"{path}: got the byte 0xe9 at line 1, column 10, which is not UTF-8; "
                        "expected UTF-8 text. Fix: save the file as UTF-8 (in Excel: 'CSV "
                        "UTF-8'; in an editor: the encoding UTF-8)."):
        read_toml(path)


def test_a_utf8_byte_order_mark_is_read(tmp_path):
    path = table(tmp_path, codecs.BOM_UTF8 + GOOD.encode())
    np.testing.assert_array_equal(read_grid_csv(path, DIMS, "rate"), VALUES)
    toml = tmp_path / "s.toml"
    toml.write_bytes(codecs.BOM_UTF8 + 'name = "réf"\n'.encode())
    assert read_toml(toml) == {"name": "réf"}


def test_decode_text_reads_non_ascii_utf8():
    assert decode_text("Région de Bruxelles-Capitale".encode(), "f") == \
        "Région de Bruxelles-Capitale"


# --- CSV rows and fields -----------------------------------------------------------------

BAD_CSV = {
    "a thousands separator splits a value": (
        GOOD.replace("south,0,0.3", "south,0,1,234"),
        "{path}, line 4: got 4 fields; expected 3 fields, one per column of the header. Fix: "
        "write numbers with no thousands separator, and quote a text that holds ','."),
    "a row with a field too few": (
        GOOD.replace("south,0,0.3", "south,0.3"),
        "{path}, line 4: got 2 fields; expected 3 fields, one per column of the header. Fix: "
        "fill in every column; projsim never fills gaps."),
    "a row with one field": (
        GOOD.replace("south,0,0.3", "south"),
        "{path}, line 4: got 1 field; expected 3 fields, one per column of the header. Fix: "
        "fill in every column; projsim never fills gaps."),
    "a trailing separator": (
        GOOD.replace("south,0,0.3", "south,0,0.3,"),
        "{path}, line 4: got 4 fields; expected 3 fields, one per column of the header. Fix: "
        "write numbers with no thousands separator, and quote a text that holds ','."),
    "a field over the csv module's limit": (
        GOOD.replace("south,0,0.3", "south,0," + "9" * (MAX_CSV_FIELD + 1)),
        "{path}, line 4: got a field longer than 131,072 characters; expected fields of at "
        "most 131,072 characters. Fix: check the file: a quote that is never closed makes the "
        "rest of the file one field."),
    "a quote never closed": (
        GOOD.replace("south,0,0.3", 'south,0,"0.3'),
        "{path}, line 4: got a quote (\") that is never closed; expected quoted fields that "
        "end with a quote. Fix: close the quote or remove it."),
    "text after a closing quote": (
        GOOD.replace("south,0,0.3", 'south,0,"0.3"x'),
        "{path}, line 4: got text after the closing quote of a field; expected ',' or the end "
        "of the line after a closing quote. Fix: quote the whole field, or remove the quotes."),
    "digits with an underscore": (
        GOOD.replace("0.3", "1_0"),
        "{path}, line 4, column 'rate': got '1_0'; expected a finite number. Fix: write a plain "
        "number such as 1234.5, with no separator between its digits."),
    "digits with a space": (
        GOOD.replace("0.3", "1 000"),
        "{path}, line 4, column 'rate': got '1 000'; expected a finite number. Fix: write a "
        "plain number such as 1234.5, with no separator between its digits."),
    "Arabic-Indic digits": (
        GOOD.replace("0.3", "١٢"),
        "{path}, line 4, column 'rate': got '١٢'; expected a finite number. Fix: write a plain "
        "number such as 1234.5, with no separator between its digits."),
    "a hexadecimal number": (
        GOOD.replace("0.3", "0x10"),
        "{path}, line 4, column 'rate': got '0x10'; expected a finite number. Fix: write a "
        "plain number such as 1234.5, with no separator between its digits."),
    "a decimal comma in a comma-separated file": (
        GOOD.replace("0.3", '"0,3"'),
        "{path}, line 4, column 'rate': got '0,3'; expected a finite number. Fix: write a plain "
        "number such as 1234.5, with no separator between its digits."),
    "infinity": (
        GOOD.replace("0.3", "inf"),
        "{path}, line 4, column 'rate': got 'inf'; expected a finite number. Fix: fill in the "
        "value; projsim never fills gaps."),
    "an overflowing number": (
        GOOD.replace("0.3", "1e999"),
        "{path}, line 4, column 'rate': got '1e999'; expected a finite number. Fix: fill in the "
        "value; projsim never fills gaps."),
    "NA": (
        GOOD.replace("0.3", "NA"),
        "{path}, line 4, column 'rate': got 'NA'; expected a finite number. Fix: fill in the "
        "value; projsim never fills gaps."),
    "an age that is not a number": (
        GOOD.replace("south,1", "south,abc"),
        "{path}, line 5, column 'age': got 'abc'; expected one of ['0', '1']. Fix: use the "
        "labels of the base data."),
    "an age with an underscore": (
        GOOD.replace("south,1", "south,0_1"),
        "{path}, line 5, column 'age': got '0_1'; expected one of ['0', '1']. Fix: use the "
        "labels of the base data."),
    "an age past any integer": (
        GOOD.replace("south,1", 'south,"-99999999999999999999"'),
        "{path}, line 5, column 'age': got '-99999999999999999999'; expected one of ['0', '1']. "
        "Fix: use the labels of the base data."),
    "a control character in a label": (
        GOOD.replace("south,1", "sou\x1b[2Jth,1"),
        "{path}, line 5, column 'region': got 'sou\\x1b[2Jth'; expected one of ['north', "
        "'south']. Fix: use the labels of the base data."),
    "an empty file": (
        "",
        "{path}: got an empty file; expected a CSV table with the columns ['region', 'age', "
        "'rate']. Fix: check the path, or write the table."),
    "a column twice": (
        "region,age,rate,rate\nnorth,0,0.1,9\n",
        "{path}: got the column 'rate' twice; expected the columns ['region', 'age', 'rate'], "
        "once each. Fix: remove one of the columns 'rate'."),
    "a first line that is no header": (
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n",
        "{path}: got a file whose first line is not a header of column names; expected a CSV "
        "table with the columns ['region', 'age', 'rate']. Fix: check the path; a table's "
        "first line names its columns, such as region,age,rate."),
    "a blank first line": (
        "\n" + GOOD,
        "{path}, line 1: got a blank line; expected a header of column names. Fix: remove the "
        "blank lines at the top of the file."),
    "a file of text with commas": (
        "Dear reader,\nthis is, I think, no table.\n",
        "{path}: got a file whose first line is not a header of column names; expected a CSV "
        "table with the columns ['region', 'age', 'rate']. Fix: check the path; a table's "
        "first line names its columns, such as region,age,rate."),
    "tab-separated": (
        GOOD.replace(",", "\t"),
        "{path}: got a file whose first line is not a header of column names; expected a CSV "
        "table with the columns ['region', 'age', 'rate']. Fix: check the path; a table's "
        "first line names its columns, such as region,age,rate."),
    "semicolons with a decimal point": (
        GOOD.replace(",", ";"),
        "{path}, line 2, column 'rate': got '0.1'; expected a number with a decimal comma, as "
        "in the rest of this file separated by ';'. Fix: write the number with no thousands "
        "separator and a decimal comma, such as 1234,5."),
    "semicolons with a thousands separator": (
        GOOD.replace(",", ";").replace(".", ",").replace("0,3", "1.234,5"),
        "{path}, line 4, column 'rate': got '1.234,5'; expected a number with a decimal comma, "
        "as in the rest of this file separated by ';'. Fix: write the number with no thousands "
        "separator and a decimal comma, such as 1234,5."),
    "semicolons with two decimal commas": (
        GOOD.replace(",", ";").replace(".", ",").replace("0,3", "1,234,5"),
        "{path}, line 4, column 'rate': got '1,234,5'; expected a finite number. Fix: write a "
        "plain number such as 1234.5, with no separator between its digits."),
}


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_bad_csv_message(tmp_path, case):
    content, expected = BAD_CSV[case]
    path = table(tmp_path, content)
    with raises_exactly(expected.format(path=path)):
        read_grid_csv(path, DIMS, "rate")


def test_the_first_line_of_a_file_that_is_no_table_is_not_shown(tmp_path):
    path = table(tmp_path, "SECRET=hunter2,token\n", name="notes.txt")
    with raises_exactly(f"{path}: got a file whose first line is not a header of column names; "
                        "expected a CSV table with the columns ['region', 'age', 'rate']. Fix: "
                        "check the path; a table's first line names its columns, such as "
                        "region,age,rate."):
        read_grid_csv(path, DIMS, "rate")


def test_columns_are_shown_when_the_file_looks_like_a_table(tmp_path):
    path = table(tmp_path, GOOD.replace("rate", "value", 1))
    with raises_exactly(f"{path}: got columns ['region', 'age', 'value']; expected the columns "
                        "['region', 'age', 'rate']. Fix: add the column 'rate'."):
        read_grid_csv(path, DIMS, "rate")


def test_a_belgian_excel_csv_is_read_with_its_decimal_commas(tmp_path):
    belgian = "region;age;rate\r\nnorth;0;0,1\r\nnorth;1;0,2\r\nsouth;0;0,3\r\nsouth;1;4E-1\r\n"
    path = table(tmp_path, codecs.BOM_UTF8 + belgian.encode())
    np.testing.assert_array_equal(read_grid_csv(path, DIMS, "rate"), VALUES)


def test_quoted_fields_blank_lines_and_spaces_are_read(tmp_path):
    path = table(tmp_path, 'region,age,rate\n"north",0, 0.1\n\nnorth,1,.2\nsouth, 0,3e-1\n'
                           'south,1,+0.4\n\n')
    np.testing.assert_array_equal(read_grid_csv(path, DIMS, "rate"), VALUES)


def test_line_numbers_count_the_lines_of_the_file(tmp_path):
    path = table(tmp_path, 'region,age,rate\n\n"no\nrth",0,0.1\nnorth,1,x\n')
    with raises_exactly(f"{path}, line 3, column 'region': got 'no\\nrth'; expected one of "
                        "['north', 'south']. Fix: use the labels of the base data."):
        read_grid_csv(path, DIMS, "rate")


def test_a_control_character_in_a_path_is_escaped(tmp_path):
    path = tmp_path / "evil\x1b[2J.csv"
    with raises_exactly(f"{tmp_path}/evil\\x1b[2J.csv: got no such file; expected an existing "
                        "CSV table. Fix: add the file, or check the path."):
        read_grid_csv(path, DIMS, "rate")
    assert shown("a\tb\nc") == "a\\tb\\nc"


# --- TOML ------------------------------------------------------------------------------

def test_toml_nested_50000_deep(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    with raises_exactly(f"{path}: got tables or arrays nested too deeply to parse; expected a "
                        "TOML document nested a few levels deep. Fix: write the values as flat "
                        "tables."):
        read_toml(path)


def test_toml_with_a_nul_byte(tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes(b'name = "a"\n\x00')
    with raises_exactly(f"{path}: got a NUL byte at line 2, column 1 (UTF-16 or binary data); "
                        "expected UTF-8 text. Fix: save the file as UTF-8 (in Excel: 'CSV "
                        "UTF-8'; in an editor: the encoding UTF-8)."):
        read_toml(path)


def chain(tmp_path, length):
    """``length`` scenario files, each extending the next; the last extends a bundled one."""
    for i in range(length):
        parent = f"s{i + 1}.toml" if i + 1 < length else "belgium-2012"
        (tmp_path / f"s{i}.toml").write_text(f'extends = "{parent}"\nhorizon = 2020\n')
    return tmp_path / "s0.toml"


def test_a_chain_of_extends_as_long_as_allowed_loads(tmp_path):
    # MAX_EXTENDS - 1 files of the user's and the bundled root
    scenario = projsim.load_scenario(chain(tmp_path, MAX_EXTENDS - 1))
    assert scenario.horizon == 2020


def test_a_chain_of_1500_extends(tmp_path):
    first = chain(tmp_path, 1500)
    assert [str(p) for p in check_scenario(first)] == [
        f"{first}: extends: got a chain of more than 32 scenarios, each extending the next; "
        "expected at most 32. Fix: extend a scenario nearer the root of the chain."]
