"""The bulk tag-table reader gives exactly what the row-by-row reader gives, or steps
aside; alias and implication tables (one reader) read back what was written; the
packed table finds every name it holds and no other.

Tables are written the way real files come: by ``csv.writer`` (quoting where needed),
and by hand with the mistakes people make (blank lines, stray quotes, missing fields,
``\\r\\n`` endings, a byte-order mark). Each tag file is read both ways; the tables, or
the error messages, must be equal. The block size is made small so that files of a
few rows already span several blocks.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

import aidxl_prompt.vocab._readers as readers
import aidxl_prompt.vocab._tables as tables
from aidxl_prompt.errors import DataFileError
from aidxl_prompt.syntax.normalize import normalize_tag
from aidxl_prompt.vocab._readers import parse_table
from aidxl_prompt.vocab._tables import PackedTable, TagTable, pack_table
from conftest import require_shared_file

_PLAIN_BASES = ("long_hair", "1girl", "bishop_(chess)", "c++", "16:9", "re:zero", "a_b")
_PLAIN_NAMES = st.sampled_from(_PLAIN_BASES)
_ODD_NAMES = st.one_of(
    st.sampled_from(
        [
            "^_^",
            ">_<",
            ":3",
            "\\m/",
            "Long_Hair",
            "_edge",
            "edge_",
            "double__underscore",
            "with space",
            "\u30ed\u30f3\u30b0\u30d8\u30a2",
            "\uff11girl",
            'quote"d',
            "comma,name",
            "tab\tname",
            "new\nline",
            "",
            " ",
            "active",
        ]
    ),
    st.text(alphabet='ab_(),"\\ A\u00e9\t', max_size=6),
)


@st.composite
def _names(draw: st.DrawFn) -> str:
    """Mostly plain, as real files are, so that the bulk reader is exercised."""
    # Hypothesis favours small numbers, so the odd cases sit at the top of a range.
    return draw(_ODD_NAMES if draw(st.integers(0, 7)) == 7 else _PLAIN_NAMES)


_NAMES = _names()
_BAD_CODES = st.sampled_from(["2", " 0", "", "00", "_"])
_BAD_COUNTS = st.sampled_from(["", "-1", "1_0", "99999999999999999999", "\u0663", " 5", "12a"])
_LINE_ENDS = st.sampled_from(["\n", "\r\n"])


@st.composite
def _tag_rows(draw: st.DrawFn) -> list[list[str]]:
    rows = []
    for number in range(draw(st.integers(1, 8))):
        aliases = draw(st.lists(_NAMES, max_size=3))
        name = draw(_NAMES)
        if name in _PLAIN_BASES:
            name += str(number)  # a name listed twice sends the file to the careful reader
        row = [name, draw(st.sampled_from("01345")), str(draw(st.integers(0, 10**12)))]
        row.append(",".join(aliases))
        mistake = draw(st.integers(0, 24))
        if mistake == 24:
            row[1] = draw(_BAD_CODES)
        elif mistake == 23:
            row[2] = draw(_BAD_COUNTS)
        elif mistake == 22:
            row = [*row, "x"][: draw(st.sampled_from([2, 3, 5]))]
        rows.append(row)
    return rows


_STATUSES = st.sampled_from(["active", "active", "deleted", "retired"])


@st.composite
def _relation_rows(draw: st.DrawFn) -> list[list[str]]:
    """Well-formed alias or implication rows: names that are not empty once canonical."""
    names = _NAMES.filter(lambda name: bool(normalize_tag(name)))
    rows = [["id", "antecedent_name", "consequent_name", "status", "created_at"]]
    for number in range(draw(st.integers(0, 8))):
        rows.append([str(number), draw(names), draw(names), draw(_STATUSES), "2013-02-16"])
    return rows


def _render(draw: st.DrawFn, rows: list[list[str]], *, by_hand: bool = True) -> str:
    """The rows as file text: by csv.writer, or joined by hand (no quoting at all)."""
    end = draw(_LINE_ENDS)
    if not by_hand or draw(st.integers(0, 3)) < 3:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=end).writerows(rows)
        text = buffer.getvalue()
    else:
        text = "".join(",".join(row) + end for row in rows)
    if draw(st.integers(0, 9)) == 9:  # a blank line somewhere
        lines = text.split(end)
        lines.insert(draw(st.integers(0, len(lines))), "")
        text = end.join(lines)
    if draw(st.integers(0, 9)) == 9:
        text = text.rstrip("\r\n")  # no newline at the end
    if draw(st.integers(0, 9)) == 9:
        text = "\ufeff" + text  # a byte-order mark, as Windows tools write
    return text


@st.composite
def _tag_files(draw: st.DrawFn) -> str:
    return _render(draw, draw(_tag_rows()))


@st.composite
def _relation_files(draw: st.DrawFn) -> tuple[str, list[list[str]]]:
    rows = draw(_relation_rows())
    return _render(draw, rows, by_hand=False), rows


@contextmanager
def _small_blocks(size: int = 40) -> Iterator[None]:
    original = readers._BULK_BYTES
    readers._BULK_BYTES = size
    try:
        yield
    finally:
        readers._BULK_BYTES = original


def _summary(table: TagTable) -> tuple[Any, ...]:
    return (
        table.kind,
        table.names,
        list(table.index.items()),
        list(table.counts),
        bytes(table.categories),
        list(table.aliases.items()),
        list(table.implications.items()),
        table.skipped_rows,
        table.inactive_rows,
    )


def _read_both_ways(name: str, text: str, lenient: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8", newline="")
        results = []
        for bulk in (True, False):
            try:
                with _row_by_row_spy() as declined:
                    results.append(("table", _summary(parse_table(path, lenient, bulk=bulk))))
            except DataFileError as exc:
                results.append(("error", str(exc)))
            if bulk:
                event("bulk reader declined" if declined else "bulk reader took the file")
        assert results[0] == results[1]


@contextmanager
def _row_by_row_spy() -> Iterator[list[bool]]:
    """Records whether the row-by-row reader was called."""
    called: list[bool] = []
    original = readers._read_row_by_row

    def spy(*args: Any) -> TagTable:
        called.append(True)
        return original(*args)

    readers._read_row_by_row = spy  # type: ignore[assignment]
    try:
        yield called
    finally:
        readers._read_row_by_row = original  # type: ignore[assignment]


# Blocks of a line or two, and blocks large enough for the odd-byte search to halve them.
_BLOCK_SIZES = st.sampled_from([40, 300, 4096])


@settings(max_examples=600, deadline=None)
@given(_tag_files(), st.booleans(), _BLOCK_SIZES)
# An empty code and a two-digit one in the same block once added up to the right length.
@example("a,0,0,\nb,0,0,x\nc,,0,\nd,00,0,\n", False, 40).via("regression")
def test_tag_tables_read_alike(text: str, lenient: bool, size: int) -> None:
    with _small_blocks(size):
        _read_both_ways("tags.csv", text, lenient)


@settings(max_examples=300, deadline=None)
@given(_relation_files(), st.sampled_from(["tag_aliases.csv", "implications.csv"]))
def test_relation_tables_read_back_what_was_written(
    written: tuple[str, list[list[str]]], name: str
) -> None:
    text, rows = written
    active = [(normalize_tag(row[1]), normalize_tag(row[2])) for row in rows if row[3] == "active"]
    aliases: dict[str, str] = {}
    implied: dict[str, tuple[str, ...]] = {}
    for source, target in active:
        if source != target:
            aliases.setdefault(source, target)
        implied[source] = (*implied.get(source, ()), target)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8", newline="")
        table = parse_table(path, False)
    expected = (aliases, {}) if name.startswith("tag_aliases") else ({}, implied)
    assert (dict(table.aliases), dict(table.implications)) == expected
    assert table.inactive_rows == len(rows) - 1 - len(active)


def test_odd_names_anywhere_in_a_large_block(tmp_path: Path) -> None:
    # The odd-byte search halves a block until it corners each odd byte; odd names
    # deep inside a block must still be found (a found position once came out shifted).
    lines = [f"plain_name_{number},0,{number},alias_{number}" for number in range(400)]
    odd = ["Upper_Case", "caf\u00e9_au_lait", "double__underscore", "^_^", "_edge"]
    for position, name in zip((3, 77, 150, 233, 399), odd, strict=True):
        lines[position] = f"{name},0,1,\u30ed\u30f3_{position}"
    path = tmp_path / "tags.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with _row_by_row_spy() as declined:
        bulk = parse_table(path, False)
    assert declined == []
    assert _summary(bulk) == _summary(parse_table(path, False, bulk=False))


# Plain Danbooru shapes must take the bulk path, or it would never be tested above.
BULK_CASES = [
    ("tags.csv", 'long_hair,0,10,"/lh,longhair"\n^_^,5,3,\nBishop_(Chess),0,7,x__y\n'),
    ("tags.csv", "a,0,1,\r\nb,1,2,c\r\n"),
    ("tags.csv", '\ufeff"say ""hi""",0,5,\nb,0,1,"\u30ed\u30f3,_x"\n'),
]


@pytest.mark.parametrize(("name", "text"), BULK_CASES)
def test_plain_files_take_the_bulk_path(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    with _small_blocks(), _row_by_row_spy() as declined:
        bulk = parse_table(path, False)
    assert declined == []
    assert _summary(bulk) == _summary(parse_table(path, False, bulk=False))


def test_the_danbooru_tag_table_reads_alike() -> None:
    path = require_shared_file("danbooru_tags.csv")
    with _row_by_row_spy() as declined:
        bulk = parse_table(path, False)
    assert declined == []
    assert _summary(bulk) == _summary(parse_table(path, False, bulk=False))


# --- the packed table's line index ------------------------------------------------------

_PACKED_NAMES = st.text(alphabet="ab c(\u00e9\u30ed", min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    st.sets(_PACKED_NAMES, max_size=40),
    st.lists(st.text(alphabet="ab c(\u00e9\u30ed", max_size=7), max_size=12),
    st.sampled_from([1, 8, 32, 4096]),
)
def test_packed_lookups_find_every_name_and_no_other(
    names: set[str], probes: list[str], sample_bytes: int
) -> None:
    # A line start is kept every few bytes; a name is then found between two of them.
    ordered = sorted(names)
    table = TagTable(
        source="x",
        kind="tags",
        names=ordered,
        counts=range(len(ordered)),
        categories=bytes(len(ordered)),
        aliases={f"{name}x": name for name in ordered},
    )
    tags, aliases = pack_table(table)
    original = tables._SAMPLE_BYTES
    tables._SAMPLE_BYTES = sample_bytes
    try:
        packed = PackedTable("x", tags, aliases)
        for name in ordered:
            position = packed.position(name)
            assert position is not None
            assert (packed.name_of(position), packed.count_of(position)) == (
                name,
                ordered.index(name),
            )
            assert packed.alias_of(f"{name}x") == name
        for probe in probes:
            assert (packed.position(probe) is not None) == (probe in names)
            assert (packed.alias_of(probe) is not None) == (probe in table.aliases)
    finally:
        tables._SAMPLE_BYTES = original
