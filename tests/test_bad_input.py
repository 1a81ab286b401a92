"""Bad input (issue 8, point 7): one clear line and exit 2 from the CLI, the project's
own error from Python, nothing lost, no traceback, linear time.

Covers deep YAML, duplicate keys, bytes that are not UTF-8, input over the size limit,
YAML numbers with a bare exponent, weights out of range and alias bombs, plus the rule
that only the project's own errors become exit code 2 (a bug keeps its traceback).
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aidxl_prompt._input import check_size, decode_utf8
from aidxl_prompt.cli import app as cli
from aidxl_prompt.cli.app import main
from aidxl_prompt.errors import (
    AidxlPromptError,
    InputEncodingError,
    InputTooLargeError,
    PromptFileError,
)
from aidxl_prompt.files._yaml_input import MAX_YAML_DEPTH, load_yaml
from aidxl_prompt.files.prompt_file import (
    MAX_INPUT_BYTES,
    PresetLibrary,
    load_prompt_file,
    load_prompt_text,
    parse_prompt_text,
)
from aidxl_prompt.model.items import Tag

LIMIT_HINT = "(the limit; raise it with max_bytes / --max-bytes)"


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    """Standard input as the terminal gives it: text with the raw bytes underneath."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def _nested(levels: int) -> str:
    """A prompt file whose ``character`` list nests ``levels`` collections deep."""
    return "character: " + "[" * (levels - 1) + "x" + "]" * (levels - 1) + "\n"


# --- YAML nested too deep ----------------------------------------------------------------


def test_yaml_nested_deeper_than_the_limit_names_the_line() -> None:
    text = "race: [elf]\n" + _nested(MAX_YAML_DEPTH + 1)
    with pytest.raises(PromptFileError) as info:
        load_prompt_text(text)
    assert str(info.value) == "<string>:2: nested deeper than 64 levels (the limit)"
    assert info.value.line == 2


def test_yaml_nested_exactly_to_the_limit_is_read() -> None:
    # 64 levels is YAML the reader accepts; the prompt-file schema then refuses the
    # nested list as an entry (a different, ordinary message).
    value = load_yaml(_nested(MAX_YAML_DEPTH), source="<string>").value
    depth = 0
    while isinstance(value, (dict, list)):
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
        depth += 1
    assert (depth, value) == (MAX_YAML_DEPTH, "x")


def test_deep_block_yaml_names_the_line_where_it_goes_too_deep() -> None:
    text = "".join("  " * level + "-\n" for level in range(100))
    with pytest.raises(PromptFileError) as info:
        load_yaml(text, source="deep.yaml")
    assert str(info.value) == "deep.yaml:65: nested deeper than 64 levels (the limit)"


def test_a_megabyte_of_brackets_is_refused_at_once() -> None:
    # PyYAML's own composer recurses per level; ours stops at level 65.
    text = "[" * 1_000_000
    started = time.perf_counter()
    with pytest.raises(PromptFileError) as info:
        load_prompt_text(text)
    assert time.perf_counter() - started < 1.0
    assert str(info.value) == "<string>:1: nested deeper than 64 levels (the limit)"


def test_cli_render_of_a_deep_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(_nested(200), encoding="utf-8")
    assert main(["render", str(path)]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        f"aidxl-prompt: error: {path}:1: nested deeper than 64 levels (the limit)\n",
    )


# --- duplicate keys ----------------------------------------------------------------------

# (YAML, whole message)
DUPLICATE_CASES = [
    (
        "race: [elf]\nquality: [best]\ncharacter: [lucy]\nexpression: [smile]\n"
        "background: [forest]\nclothing: [dress]\ncharacter: [ganyu]\n",
        "<string>:7: duplicate key 'character' (first at line 3)",
    ),  # a top-level slot written twice: PyYAML alone would keep only ganyu
    (
        "character:\n  - character: lucy\n    series: cyberpunk\n    series: edgerunners\n",
        "<string>:4: duplicate key 'series' (first at line 3)",
    ),  # inside a typed entry
    (
        "expression: [{smile: 1.2, smile: 0.8}]\n",
        "<string>:1: duplicate key 'smile' (first at line 1)",
    ),  # two on one line, in flow style
    (
        "race: [elf]\n'race': [human]\n",
        "<string>:2: duplicate key 'race' (first at line 1)",
    ),  # quoting does not make a different key
]


@pytest.mark.parametrize(("text", "message"), DUPLICATE_CASES)
def test_duplicate_keys_name_both_lines(text: str, message: str) -> None:
    with pytest.raises(PromptFileError) as info:
        load_prompt_text(text)
    assert str(info.value) == message


def test_a_merge_key_is_not_a_duplicate() -> None:
    # "<<: *base" brings keys in; a key written beside it overrides, as YAML says.
    value = load_yaml("base: &b {x: 1, y: 2}\nuse: {<<: *b, x: 3}\n", source="s").value
    assert value == {"base": {"x": 1, "y": 2}, "use": {"x": 3, "y": 2}}


def test_cli_duplicate_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("character: [lucy]\nrace: [elf]\ncharacter: [ganyu]\n", encoding="utf-8")
    assert main(["render", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"aidxl-prompt: error: {path}:3: duplicate key 'character' (first at line 1)\n"
    )


def test_a_preset_with_a_duplicate_key(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("quality: [best]\nquality: [amazing]\n", encoding="utf-8")
    library = PresetLibrary(folders=(tmp_path,), include_builtin=False)
    with pytest.raises(PromptFileError) as info:
        load_prompt_text("extends: mine\n", library=library)
    assert str(info.value) == (
        f"{tmp_path.resolve() / 'mine.yaml'}:2: duplicate key 'quality' (first at line 1)"
    )


# --- bytes that are not UTF-8 ------------------------------------------------------------

# (stdin bytes, whole stderr)
STDIN_ENCODING_CASES = [
    (
        b"1girl, \xff smile",
        "aidxl-prompt: error: <stdin>: not UTF-8 text: byte 0xff at offset 7 (line 1)\n",
    ),  # a stray byte
    (
        b"1girl,\nsmile, caf\xe9",
        "aidxl-prompt: error: <stdin>: not UTF-8 text: byte 0xe9 at offset 17 (line 2)\n",
    ),  # Latin-1 text on the second line
    (
        b"\xe3\x81",
        "aidxl-prompt: error: <stdin>: not UTF-8 text: byte 0xe3 at offset 0 (line 1)\n",
    ),  # a character cut off at the end
]


@pytest.mark.parametrize(("data", "err"), STDIN_ENCODING_CASES)
def test_format_stdin_that_is_not_utf8(
    data: bytes, err: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, data)
    assert main(["format", "-"]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", err)


def test_format_stdin_utf8_with_a_byte_order_mark(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "\ufeffbest_quality, by_ask, caf\u00e9\n".encode())
    assert main(["format", "-"]) == 0
    assert capsys.readouterr().out == "by ask, best quality, caf\u00e9\n"


def test_format_argument_with_undecodable_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    # On POSIX, the argument bytes b"1girl, \xff" reach Python as "1girl, \udcff".
    argument = b"1girl, \xff".decode("utf-8", "surrogateescape")
    assert main(["format", argument]) == 2
    assert capsys.readouterr().err == (
        "aidxl-prompt: error: the prompt argument: not UTF-8 text: byte 0xff at offset 7 (line 1)\n"
    )


def test_prompt_file_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("race: [elf]\nbackground: [caf\u00e9]\n".encode("latin-1"))
    with pytest.raises(InputEncodingError) as info:
        load_prompt_file(path)
    assert str(info.value) == f"{path}: not UTF-8 text: byte 0xe9 at offset 28 (line 2)"
    assert (info.value.offset, info.value.line, info.value.byte) == (28, 2, 0xE9)
    assert main(["render", str(path)]) == 2
    assert capsys.readouterr().err == f"aidxl-prompt: error: {info.value}\n"


def test_decode_error_is_the_projects_own() -> None:
    with pytest.raises(AidxlPromptError) as info:
        decode_utf8(b"ok\n\x80", source="x")
    assert isinstance(info.value, ValueError)
    assert str(info.value) == "x: not UTF-8 text: byte 0x80 at offset 3 (line 2)"


# --- input over the size limit -----------------------------------------------------------


def test_the_default_limit_is_four_mebibytes() -> None:
    assert MAX_INPUT_BYTES == 4 * 1024 * 1024


# (text, max_bytes, refused?)
SIZE_CASES = [
    ("1girl", 5, False),  # exactly at the limit
    ("1girl,", 5, True),  # one byte over
    ("\u00e9\u00e9", 4, False),  # two characters, four bytes
    ("\u00e9\u00e9\u00e9", 5, True),  # three characters but six bytes: bytes count
]


@pytest.mark.parametrize(("text", "max_bytes", "refused"), SIZE_CASES)
def test_size_limit_counts_utf8_bytes(text: str, max_bytes: int, refused: bool) -> None:
    if refused:
        with pytest.raises(InputTooLargeError) as info:
            check_size(text, source="<prompt>", max_bytes=max_bytes)
        assert str(info.value) == f"<prompt>: more than {max_bytes} bytes {LIMIT_HINT}"
    else:
        check_size(text, source="<prompt>", max_bytes=max_bytes)


def test_format_argument_over_max_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["format", "--max-bytes", "10", "1girl, smile, blush"]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        f"aidxl-prompt: error: the prompt argument: more than 10 bytes {LIMIT_HINT}\n",
    )


class _EndlessStream(io.RawIOBase):
    """A stream that never ends (``yes 1girl |``), counting the bytes read from it."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        size = len(buffer)
        buffer[:size] = b"a" * size
        self.given += size
        return size


def test_endless_stdin_is_refused_after_max_bytes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stream = _EndlessStream()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(stream)))
    assert main(["format", "--max-bytes", "1000", "-"]) == 2
    assert capsys.readouterr().err == (
        f"aidxl-prompt: error: <stdin>: more than 1000 bytes {LIMIT_HINT}\n"
    )
    assert stream.given < 1000 + 2 * io.DEFAULT_BUFFER_SIZE  # read no further than needed


def test_prompt_file_over_max_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("background: [" + "forest, " * 20 + "]\n", encoding="utf-8")
    with pytest.raises(InputTooLargeError) as info:
        load_prompt_file(path, max_bytes=100)
    assert str(info.value) == f"{path}: more than 100 bytes {LIMIT_HINT}"
    assert load_prompt_file(path).background[0] == Tag(text="forest")  # the default is 4 MiB
    assert main(["render", "--max-bytes", "100", str(path)]) == 2
    assert capsys.readouterr().err == f"aidxl-prompt: error: {info.value}\n"


def test_prompt_text_over_max_bytes() -> None:
    with pytest.raises(InputTooLargeError) as info:
        load_prompt_text("race: [elf, human]\n", max_bytes=8)
    assert str(info.value) == f"<string>: more than 8 bytes {LIMIT_HINT}"


def test_alias_bomb_is_refused_in_linear_time() -> None:
    # Each line repeats the one before ten times: 10**9 strings from 300 bytes.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    text = "\n".join(["description: |", *(f"  {line}" for line in lines)]) + "\n"
    load_prompt_text(text)  # inside a block string it is only text
    bomb = "merge:\n" + "".join(f"  {line}\n" for line in lines)
    started = time.perf_counter()
    with pytest.raises(PromptFileError) as info:
        load_prompt_text(bomb)
    assert time.perf_counter() - started < 1.0
    assert str(info.value) == (
        "<string>:8: aliases expand the document past 4194304 bytes (the size limit)"
    )


def test_aliases_within_the_limit_are_read() -> None:
    prompt = load_prompt_text("clothing: &wear [dress, hat]\nnegative: *wear\n")
    assert (prompt.clothing, prompt.negative) == (
        [Tag(text="dress"), Tag(text="hat")],
        [Tag(text="dress"), Tag(text="hat")],
    )


# --- numbers and weights -----------------------------------------------------------------

# (weight as written in YAML, the Tag's weight)
NUMBER_CASES = [
    ("1e-9", 1e-9),  # YAML 1.1 reads this as the string '1e-9'; YAML 1.2 as a number
    ("1.5e1", 15.0),  # an exponent without a sign
    ("2E+1", 20.0),  # capital E
    (".5e1", 5.0),  # no digit before the point
    ("-1e2", -100.0),  # the lower end of the range
    ("100", 100.0),  # the upper end
    ("0x10", 16.0),  # YAML 1.1 hex still reads
]


@pytest.mark.parametrize(("written", "weight"), NUMBER_CASES)
def test_yaml_numbers_in_weights(written: str, weight: float) -> None:
    prompt = load_prompt_text(f"expression: [{{smile: {written}}}]\n")
    assert prompt.expression == [Tag(text="smile", weight=weight)]


def test_a_quoted_exponent_stays_a_string() -> None:
    with pytest.raises(PromptFileError) as info:
        load_prompt_text("expression: [{smile: '1e-9'}]\n")
    assert str(info.value) == (
        "<string>:1: expression[0].smile: expected a number for the weight, got a string ('1e-9')"
    )


_RANGE = "expected a finite weight from -1000 to 1000, got"

# (YAML, whole message)
WEIGHT_CASES = [
    ("expression: [{smile: 1000.5}]\n", f"<string>:1: expression[0].smile: {_RANGE} 1000.5"),
    ("expression: [{smile: -1001}]\n", f"<string>:1: expression[0].smile: {_RANGE} -1001"),
    ("expression: [{smile: 1e300}]\n", f"<string>:1: expression[0].smile: {_RANGE} 1e+300"),
    ("expression: [{smile: 1e999}]\n", f"<string>:1: expression[0].smile: {_RANGE} inf"),
    ("expression: [{smile: -.inf}]\n", f"<string>:1: expression[0].smile: {_RANGE} -inf"),
    (
        "expression:\n  - {smile: " + "9" * 400 + "}\n",
        f"<string>:2: expression[0].smile: {_RANGE} an integer of 400 digits",
    ),  # does not fit a float: compared, never converted
    (
        "character:\n  - {character: lucy, weight: 10000}\n",
        f"<string>:2: character[0].weight: {_RANGE} 10000",
    ),  # a typed entry
    (
        "expression: [{text: smile, weight: 2e3}]\n",
        f"<string>:1: expression[0].weight: {_RANGE} 2000.0",
    ),  # the explicit form
    (
        "expression: [{choose: [{option: smile, weight: " + "9" * 400 + "}]}]\n",
        "<string>:1: expression[0].choose[0].weight: expected a positive number (how often "
        "to draw it), got an integer of 400 digits",
    ),  # a draw weight too large for a float
]


@pytest.mark.parametrize(("text", "message"), WEIGHT_CASES)
def test_weights_out_of_range_name_the_place(text: str, message: str) -> None:
    with pytest.raises(PromptFileError) as info:
        parse_prompt_text(text)
    assert str(info.value) == message


def test_cli_weight_out_of_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "loud.yaml"
    path.write_text("race: [elf]\nexpression:\n  - {smile: 1e6}\n", encoding="utf-8")
    assert main(["render", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"aidxl-prompt: error: {path}:3: expression[0].smile: {_RANGE} 1000000.0\n"
    )


# YAML a constructor cannot turn into a value: an error with the line, never a traceback.
# (YAML, whole message)
YAML_VALUE_CASES = [
    (
        "race: !!int abc\n",
        "<string>:1: invalid YAML: cannot read this value as !!int: invalid literal for "
        "int() with base 10: 'abc'",
    ),
    (
        "race:\n  - !!float x\n",
        "<string>:2: invalid YAML: cannot read this value as !!float: could not convert "
        "string to float: 'x'",
    ),
    (
        "race: [!!python/object:os.system x]\n",
        "<string>:1: invalid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object:os.system'",
    ),  # the safe loader
    ("race: [*nope]\n", "<string>:1: invalid YAML: found undefined alias 'nope'"),
    (
        "a: &x 1\nb: &x 2\n",
        "<string>:2: invalid YAML: anchor 'x' is defined twice (first at line 1)",
    ),
    (
        "race: [elf]\n---\nrace: [human]\n",
        "<string>:2: invalid YAML: expected one document, but found another",
    ),
]


@pytest.mark.parametrize(("text", "message"), YAML_VALUE_CASES)
def test_yaml_values_that_cannot_be_read(text: str, message: str) -> None:
    with pytest.raises(PromptFileError) as info:
        load_prompt_text(text)
    assert str(info.value) == message


# --- only the project's own errors become exit code 2 ------------------------------------


def test_a_bug_surfaces_with_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> str:
        raise ValueError("a bug, not bad input")

    monkeypatch.setattr(cli, "render", broken)
    with pytest.raises(ValueError, match=r"^a bug, not bad input$"):
        main(["format", "1girl"])


def test_an_unreadable_file_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", str(tmp_path)]) == 2  # a folder, not a file
    assert capsys.readouterr().err == (
        f"aidxl-prompt: error: {tmp_path}: cannot read file (Is a directory)\n"
    )


# (argv, whole stderr)
USAGE_CASES = [
    (
        ["format", "--max-bytes", "0", "x"],
        "aidxl-prompt: error: argument --max-bytes: expected a positive number of bytes, "
        "got '0' (see 'aidxl-prompt --help')\n",
    ),
    (
        ["render", "--max-bytes", "-5", "x.yaml"],
        "aidxl-prompt: error: argument --max-bytes: expected a positive number of bytes, "
        "got '-5' (see 'aidxl-prompt --help')\n",
    ),
]


@pytest.mark.parametrize(("argv", "err"), USAGE_CASES)
def test_bad_max_bytes_is_a_usage_error(
    argv: list[str], err: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err == err


# --- property: nothing on standard input makes format raise ------------------------------

_PROMPT_ALPHABET = st.sampled_from([*"ab ,()[]{}:|\\<>_.-0123456789\n\t", "BREAK", "AND"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=200),
        st.lists(_PROMPT_ALPHABET, max_size=40).map(lambda parts: "".join(parts).encode()),
        st.text(max_size=60).map(lambda text: text.encode("utf-8", "surrogatepass")),
    ),
    st.sampled_from(["a1111", "comfyui", "compel", "plain"]),
)
def test_any_stdin_exits_0_or_2(data: bytes, dialect: str) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    sys.stdout, sys.stderr = stdout, stderr
    try:
        code = main(["format", "-q", "-d", dialect, "-"])
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    assert code in (0, 2)
    if code == 2:
        assert stdout.getvalue() == ""
        assert stderr.getvalue().startswith("aidxl-prompt: error: ")
        assert stderr.getvalue().count("\n") == 1


# The library refuses a prompt over its size limit before reading it (CLI: --max-bytes).
@pytest.mark.parametrize("call", ["parse_items", "parse_tags", "parse", "format_prompt"])
def test_library_prompt_size_limit(call: str) -> None:
    import aidxl_prompt

    function = getattr(aidxl_prompt, call)
    with pytest.raises(InputTooLargeError) as info:
        function("1girl, " * 10, max_bytes=20)
    assert str(info.value) == (
        "<prompt>: more than 20 bytes (the limit; raise it with max_bytes / --max-bytes)"
    )
    function("1girl, " * 2, max_bytes=20)  # under it: read as usual
