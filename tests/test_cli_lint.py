"""``aidxl-prompt lint``: output formats, --fix and --diff, configuration, exit codes."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from aidxl_prompt.cli.app import main
from aidxl_prompt.lint.linter import lint_lines
from aidxl_prompt.lint.registry import RULES

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty folder: no pyproject.toml is found unless a test writes one."""
    monkeypatch.chdir(tmp_path)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv, {})
    captured = capsys.readouterr()
    return code, captured.out, captured.err


THREE = "best_quality, 1girl, (smile:1)"
THREE_TEXT = """\
<prompt>:1:1: AP201 [*] 'best_quality' is written with underscores; the card spells it 'best quality'
  |
1 | best_quality, 1girl, (smile:1)
  | ^~~~~~~~~~~~

<prompt>:1:15: AP401 [*] '1girl' (character) comes after 'best_quality' (quality); the documented order puts character first
  |
1 | best_quality, 1girl, (smile:1)
  |               ^~~~~

<prompt>:1:22: AP502 [*] '(smile:1)' has the weight 1, which changes nothing
  |
1 | best_quality, 1girl, (smile:1)
  |                      ^~~~~~~~~

Found 3 problems (3 fixable with --fix).
"""  # noqa: E501 (the whole output)

# (argv, exit code, stdout)
OUTPUT_CASES = [
    (["lint", "1girl, smile"], 0, "All checks passed.\n"),  # clean
    (["lint", THREE], 1, THREE_TEXT),  # findings, with the line and a caret
    (["lint", "--exit-zero", THREE], 0, THREE_TEXT),  # findings, exit 0 asked for
    (
        ["lint", "--select", "AP502", THREE],
        1,
        THREE_TEXT.split("\n\n")[2] + "\n\nFound 1 problem (1 fixable with --fix).\n",
    ),  # --select replaces the rules that run
    (
        ["lint", "--ignore", "AP2,AP4", THREE],
        1,
        THREE_TEXT.split("\n\n")[2] + "\n\nFound 1 problem (1 fixable with --fix).\n",
    ),  # --ignore takes comma-separated prefixes
    (
        ["lint", "--statistics", THREE, "(smile:1), (blush:1)"],
        1,
        "    3  AP502  [*] redundant-weight\n"
        "    1  AP201  [*] underscore\n"
        "    1  AP401  [*] slot-order\n",
    ),  # counts, most frequent first
    (
        ["lint", "(smile:1)", "1girl, smile"],
        1,
        "<prompt 1>:1:1: AP502 [*] '(smile:1)' has the weight 1, which changes nothing\n"
        "  |\n1 | (smile:1)\n  | ^~~~~~~~~\n\nFound 1 problem (1 fixable with --fix).\n",
    ),  # several prompts are numbered
    (
        ["lint", "--format", "github", "1girl, (smile:1)"],
        1,
        "::warning title=AP502 redundant-weight,line=1,col=8,endLine=1,endColumn=17::"
        "'(smile:1)' has the weight 1, which changes nothing\n",
    ),  # an argument has no file= in its annotation
    (["lint", "--format", "github", "1girl"], 0, ""),
    (
        ["lint", "--format", "jsonl", "--select", "AP502", "(smile:1)"],
        1,
        json.dumps(lint_lines("(smile:1)")[-1].to_dict()) + "\n",
    ),  # the library's records
]


@pytest.mark.parametrize(("argv", "code", "out"), OUTPUT_CASES)
def test_output(argv: list[str], code: int, out: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(argv, capsys) == (code, out, "")


# (argv, whole stderr): usage, configuration and file errors exit 2
ERROR_CASES = [
    (["lint"], "aidxl-prompt: error: nothing to lint: give a PROMPT or -f FILE\n"),
    (
        ["lint", "--select", "AP9", "x"],
        "aidxl-prompt: error: select: 'AP9' is not a rule code or prefix; did you mean 'AP109'?\n",
    ),
    (
        ["lint", "-f", "gone.prompt.yaml", "--fix"],
        "aidxl-prompt: error: gone.prompt.yaml: No such file or directory\n",
    ),
    (["lint", "-f", "gone.txt"], "aidxl-prompt: error: gone.txt: No such file or directory\n"),
    (
        ["lint", "--statistics", "--format", "sarif", "x"],
        "aidxl-prompt: error: --statistics prints text, json or jsonl, not sarif\n",
    ),
    (
        ["lint", "--format", "xml", "x"],
        "aidxl-prompt: error: argument --format: invalid choice: 'xml' (choose from text, "
        "json, jsonl, github, sarif) (see 'aidxl-prompt --help')\n",
    ),
    (
        ["lint", "--config", "missing.toml", "x"],
        "aidxl-prompt: error: missing.toml: cannot read file (No such file or directory)\n",
    ),
]


@pytest.mark.parametrize(("argv", "err"), ERROR_CASES)
def test_errors_exit_2(argv: list[str], err: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, got = _run(argv, capsys)
    if "invalid choice" in err:  # argparse quotes the choices differently by version
        got = got.replace(
            "'text', 'json', 'jsonl', 'github', 'sarif'", "text, json, jsonl, github, sarif"
        )
    assert (code, out, got) == (2, "", err)


# --- files: one prompt per line, infotext ------------------------------------------------

INFOTEXT = (
    "# a comment, then an infotext\n"
    "best_quality, 1girl, smile\n"
    "Negative prompt: smile, (worst quality:1)\n"
    "Steps: 10, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 1024x1024\n"
)


def test_a_file_is_linted_with_file_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text(INFOTEXT.replace("Steps: 10", "Steps: 28"), encoding="utf-8")
    code, out, err = _run(["lint", "-f", "a.txt", "--format", "github"], capsys)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "::warning title=AP201 underscore,file=a.txt,line=2,col=1,endLine=2,endColumn=13::"
        "'best_quality' is written with underscores; the card spells it 'best quality'",
        "::notice title=AP401 slot-order,file=a.txt,line=2,col=15,endLine=2,endColumn=20::"
        "'1girl' (character) comes after 'best_quality' (quality); the documented order "
        "puts character first",
        "::warning title=AP604 negative-overlap,file=a.txt,line=2,col=22,endLine=2,"
        "endColumn=27::'smile' is also in the negative prompt; the two cancel out",
        "::warning title=AP502 redundant-weight,file=a.txt,line=3,col=25,endLine=3,"
        "endColumn=42::'(worst quality:1)' has the weight 1, which changes nothing",
    ]


STEPS_WARNING = (
    'steps: 10 steps with Euler a; the card asks for 20+ (card: "Sampling method: Euler A '
    '(20+ steps) or DPM++ 2M Karras (~35 steps)")'
)


def test_an_infotexts_settings_are_checked_against_the_card(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text(INFOTEXT, encoding="utf-8")
    code, out, err = _run(["lint", "-f", "a.txt", "--format", "jsonl"], capsys)
    found = {
        (record["code"], record["line"]): record["message"]
        for record in map(json.loads, out.splitlines())
    }
    assert (code, err) == (1, "")
    assert found[("AP704", 4)] == STEPS_WARNING  # the linter's rule for the card's settings


def test_fix_rewrites_the_file_and_reports_what_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        INFOTEXT.replace("\n", "\r\n").replace("Steps: 10", "Steps: 28"), encoding="utf-8"
    )  # line ends kept
    code, out, _ = _run(["lint", "-f", "a.txt", "--fix", "--format", "json"], capsys)
    assert path.read_bytes().decode() == (
        "# a comment, then an infotext\r\n"
        "1girl, smile, best quality\r\n"
        "Negative prompt: smile, worst quality\r\n"
        "Steps: 28, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 1024x1024\r\n"
    )
    assert (code, [record["code"] for record in json.loads(out)]) == (1, ["AP604"])
    assert _run(["lint", "-f", "a.txt", "--diff"], capsys)[:2] == (0, "")  # nothing left


def test_diff_prints_the_change_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("1girl\n(smile:1), best_quality\n", encoding="utf-8")
    assert _run(["lint", "-f", "a.txt", "--fix", "--diff"], capsys) == (
        1,
        "--- a.txt\n+++ a.txt\n@@ -1,2 +1,2 @@\n 1girl\n-(smile:1), best_quality\n"
        "+smile, best quality\n",
        "",
    )
    assert path.read_text(encoding="utf-8") == "1girl\n(smile:1), best_quality\n"
    assert _run(["lint", "-f", "a.txt", "--diff", "--exit-zero"], capsys)[0] == 0


def test_fix_of_an_argument_prints_it_and_reports_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(["lint", "--fix", "1girl, qwzx, (smile:1)"], capsys)
    assert (code, out) == (1, "1girl, smile, qwzx\n")  # qwzx: unknown, so last
    assert err.startswith("<prompt>:1:15: AP301 unknown tag 'qwzx'\n")  # in the fixed prompt
    assert err.endswith("Found 1 problem.\n")


def test_standard_input_is_a_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("1girl\n(smile:1)\n"))
    code, out, _ = _run(["lint", "-f", "-"], capsys)
    assert (code, out.splitlines()[0]) == (
        1,
        "<stdin>:2:1: AP502 [*] '(smile:1)' has the weight 1, which changes nothing",
    )


def test_long_lines_show_a_window_around_the_span(capsys: pytest.CaptureFixture[str]) -> None:
    prompt = ", ".join(f"tag{n}" for n in range(40)) + ", (smile:1)"
    out = _run(["lint", "--select", "AP502", prompt], capsys)[1]
    source, caret = out.splitlines()[2:4]
    assert source.startswith("1 | ...")
    assert len(source) < 100
    assert source[caret.index("^") :].startswith("(smile:1)")


# --- configuration -------------------------------------------------------------------------


def test_the_nearest_pyproject_is_read_and_flags_go_over_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.aidxl-prompt.lint]\nignore = ["AP4"]\n', encoding="utf-8"
    )
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert _codes(["lint", "--format", "json", THREE], capsys) == ["AP201", "AP502"]
    assert _codes(["lint", "--format", "json", "--ignore", "AP5", THREE], capsys) == ["AP201"]
    assert _codes(["lint", "--format", "json", "--extend-select", "AP401", THREE], capsys) == [
        "AP201",
        "AP401",
        "AP502",
    ]
    other = tmp_path / "other.toml"
    other.write_text("[tool.aidxl-prompt.lint]\nselect = ['AP2']\n", encoding="utf-8")
    assert _codes(["lint", "--format", "json", "--config", str(other), THREE], capsys) == ["AP201"]


def _codes(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    main(argv, {})
    return [record["code"] for record in json.loads(capsys.readouterr().out)]


def test_a_bad_pyproject_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.aidxl-prompt.lint]\nignor = []\n", encoding="utf-8"
    )
    assert _run(["lint", "x"], capsys) == (
        2,
        "",
        f"aidxl-prompt: error: {tmp_path / 'pyproject.toml'}: [tool.aidxl-prompt.lint] "
        "unknown key 'ignor'; did you mean 'ignore'?\n",
    )


def test_per_file_ignores_hold_for_fix_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.aidxl-prompt.lint.per-file-ignores]\n"drafts/*" = ["AP2"]\n', encoding="utf-8"
    )
    (tmp_path / "drafts").mkdir()
    path = tmp_path / "drafts" / "a.txt"
    path.write_text("1girl, white_hair, (smile:1)\n", encoding="utf-8")
    assert _run(["lint", "-f", "drafts/a.txt", "--fix"], capsys)[0] == 0
    assert path.read_text(encoding="utf-8") == "1girl, smile, white_hair\n"  # reordered only


def test_tags_come_from_the_environment_it_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine.csv").write_text("qwzx,1,7,\n", encoding="utf-8")  # an artist
    argv = ["lint", "--format", "jsonl", "1girl, qwzx"]
    without = main(argv, {}), capsys.readouterr().out
    assert main(argv, {"AIDXL_PROMPT_TAGS": "mine.csv"}) == 1
    with_variable = capsys.readouterr().out
    assert main([*argv, "--tags", "mine.csv"], {}) == 1
    assert capsys.readouterr().out == with_variable
    assert [json.loads(line)["code"] for line in without[1].splitlines()] == ["AP301"]
    assert [json.loads(line)["code"] for line in with_variable.splitlines()] == [
        "AP206",
        "AP401",
    ]


# --- SARIF -----------------------------------------------------------------------------------


def test_sarif_has_the_shape_code_scanning_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aidxl_prompt import __version__

    (tmp_path / "a.txt").write_text("1girl\n1girl, (smile:1)\n", encoding="utf-8")
    code, out, _ = _run(["lint", "-f", "a.txt", "--format", "sarif"], capsys)
    log = json.loads(out)
    assert code == 1
    assert (log["version"], log["$schema"]) == (
        "2.1.0",
        "https://json.schemastore.org/sarif-2.1.0.json",
    )
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("aidxl-prompt", __version__)
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    for rule in driver["rules"]:
        assert set(rule) == {
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
            "properties",
        }
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    (result,) = run["results"]
    assert result == {
        "ruleId": "AP502",
        "ruleIndex": list(RULES).index("AP502"),
        "level": "warning",
        "message": {"text": "'(smile:1)' has the weight 1, which changes nothing"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "a.txt"},
                    "region": {"startLine": 2, "startColumn": 8, "endLine": 2, "endColumn": 17},
                }
            }
        ],
    }


def test_a_duplicate_names_its_first_occurrence_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("1girl\nsolo, smile, smile\n", encoding="utf-8")
    region = {"startLine": 2, "startColumn": 7, "endLine": 2, "endColumn": 12}
    code, out, _ = _run(["lint", "-f", "a.txt", "--format", "sarif"], capsys)
    (result,) = json.loads(out)["runs"][0]["results"]
    assert code == 1
    assert result["message"]["text"] == (
        "'smile' is already in the prompt (first at line 2, column 7)"
    )
    assert result["relatedLocations"] == [
        {
            "id": 0,
            "physicalLocation": {"artifactLocation": {"uri": "a.txt"}, "region": region},
            "message": {"text": "first written here"},
        }
    ]
    _, out, _ = _run(["lint", "-f", "a.txt", "--format", "jsonl"], capsys)
    assert json.loads(out)["related"] == {"span": [12, 17], "line": 2, "column": 7}
    _, out, _ = _run(["lint", "-f", "a.txt", "--format", "github"], capsys)
    assert out.endswith("::'smile' is already in the prompt (first at line 2, column 7)\n")


def test_sarif_of_a_clean_file_has_no_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("1girl, smile\n", encoding="utf-8")
    code, out, _ = _run(["lint", "-f", "a.txt", "--format", "sarif"], capsys)
    assert (code, json.loads(out)["runs"][0]["results"]) == (0, [])


# --- the pre-commit hooks --------------------------------------------------------------------


def _hooks() -> list[dict[str, Any]]:
    hooks: list[dict[str, Any]] = yaml.safe_load(
        (REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    )
    return hooks


def test_pre_commit_hooks_are_the_two_documented() -> None:
    hooks = _hooks()
    assert [hook["id"] for hook in hooks] == ["aidxl-prompt-lint", "aidxl-prompt-lint-fix"]
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for hook in hooks:
        assert f"id: {hook['id']}" in readme


# (file name, whether the lint hook runs on it, whether the --fix hook does)
HOOK_FILES = [
    ("scenes.prompts", True, True),
    ("frieren.prompt.txt", True, True),
    ("a.prompt", True, True),
    ("a.prompt.yaml", True, True),  # linted at its YAML lines, fixed in place
    ("a.prompt.yml", True, True),
    ("settings.yaml", False, False),  # not a prompt file
    ("notes.txt", False, False),
]


@pytest.mark.parametrize(("name", "linted", "fixed"), HOOK_FILES)
def test_pre_commit_hooks_files(name: str, linted: bool, fixed: bool) -> None:
    lint, fix = _hooks()
    assert (bool(re.search(lint["files"], name)), bool(re.search(fix["files"], name))) == (
        linted,
        fixed,
    )


def test_pre_commit_hooks_run_as_pre_commit_runs_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # pre-commit appends the file names to the entry.
    for name in ("a.prompts", "b.prompt.txt"):
        (tmp_path / name).write_text("1girl\n(smile:1)\n", encoding="utf-8")
    lint, fix = (shlex.split(hook["entry"])[1:] for hook in _hooks())
    assert main([*lint, "a.prompts", "b.prompt.txt"], {}) == 1
    assert capsys.readouterr().out.count(" AP502 ") == 2
    assert main([*fix, "a.prompts", "b.prompt.txt"], {}) == 0
    assert (tmp_path / "b.prompt.txt").read_text(encoding="utf-8") == "1girl\nsmile\n"


# --- YAML prompt files -----------------------------------------------------------------------

SCENE_YAML = """\
expression:
  - smile
  - smile
clothing: [long_hair]
settings:
  cfg_scale: 13
"""
SCENE_TEXT = """\
scene.prompt.yaml:3:5: AP601 'smile' is already in the prompt (first at line 2, column 5)
  |
3 |   - smile
  |     ^~~~~

scene.prompt.yaml:4:12: AP201 [*] 'long_hair' is written with underscores; the card spells it 'long hair'
  |
4 | clothing: [long_hair]
  |            ^~~~~~~~~

scene.prompt.yaml:6:3: AP703 cfg_scale: CFG scale 13 is outside the card's 5 to 11 (card: "CFG scale: 5-11")
  |
6 |   cfg_scale: 13
  |   ^~~~~~~~~~~~~

Found 3 problems (1 fixable with --fix).
"""  # noqa: E501 (the report's lines are as long as they are)


def test_yaml_prompt_file_findings_are_at_its_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "scene.prompt.yaml").write_text(SCENE_YAML, encoding="utf-8")
    assert _run(["lint", "-f", "scene.prompt.yaml"], capsys) == (1, SCENE_TEXT, "")
    code, out, _ = _run(["lint", "-f", "scene.prompt.yaml", "--format", "json"], capsys)
    assert code == 1
    assert [(r["code"], r["line"], r["column"], r["fix"]) for r in json.loads(out)] == [
        ("AP601", 3, 5, None),
        ("AP201", 4, 12, {"span": [43, 52], "replacement": "long hair"}),
        ("AP703", 6, 3, None),
    ]


def test_yaml_prompt_file_selection_and_clean_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "scene.prompt.yaml").write_text(SCENE_YAML, encoding="utf-8")
    argv = ["lint", "-f", "scene.prompt.yaml", "--select", "AP2", "--ignore", "AP201"]
    assert _run(argv, capsys) == (0, "All checks passed.\n", "")


def test_yaml_prompt_file_that_does_not_read_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.prompt.yaml").write_text("expression: [[smile]]\n", encoding="utf-8")
    code, out, err = _run(["lint", "-f", "bad.prompt.yaml"], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("aidxl-prompt: error: bad.prompt.yaml:1: expression[0]: expected a tag")


def test_yaml_prompt_file_presets_come_from_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "presets").mkdir()
    (tmp_path / "presets" / "slow.yaml").write_text("settings: {steps: 12}\n", encoding="utf-8")
    (tmp_path / "a.prompt.yaml").write_text("extends: slow\nexpression: [smile]\n", "utf-8")
    argv = ["lint", "-f", "a.prompt.yaml", "--format", "json"]
    code = main(argv, {"AIDXL_PROMPT_PRESETS": str(tmp_path / "presets")})
    out = capsys.readouterr().out
    assert (code, [(r["code"], r["line"]) for r in json.loads(out)]) == (1, [("AP704", 1)])


SCENE_FIXED = SCENE_YAML.replace("long_hair", "long hair")
SCENE_LEFT = """\
scene.prompt.yaml:3:5: AP601 'smile' is already in the prompt (first at line 2, column 5)
scene.prompt.yaml:6:3: AP703 cfg_scale: CFG scale 13 is outside the card's 5 to 11 (card: "CFG scale: 5-11")
"""  # noqa: E501 (the report's lines are as long as they are)


def _left(out: str) -> str:
    """The finding lines of a text report."""
    return "".join(line + "\n" for line in out.splitlines() if ": AP" in line)


def test_yaml_prompt_file_fix_rewrites_it_and_reports_what_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "scene.prompt.yaml"
    path.write_text(SCENE_YAML, encoding="utf-8")
    path.chmod(0o640)
    code, out, err = _run(["lint", "-f", "scene.prompt.yaml", "--fix"], capsys)
    assert (code, _left(out), err) == (1, SCENE_LEFT, "")
    assert out.endswith("Found 2 problems.\n")
    assert path.read_text(encoding="utf-8") == SCENE_FIXED
    # written atomically: the permissions are kept and no temporary file is left
    assert (path.stat().st_mode & 0o777, sorted(p.name for p in tmp_path.iterdir())) == (
        0o640,
        ["scene.prompt.yaml"],
    )
    # fixing again changes nothing
    assert _run(["lint", "-f", "scene.prompt.yaml", "--fix", "--diff"], capsys) == (0, "", "")


def test_yaml_prompt_file_fix_to_clean_exits_0_and_follows_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "real.prompt.yaml").write_text(
        "# a scene\nclothing:\n  - {kind: phrase, text: '((dress))'}  # nested\n", "utf-8"
    )
    (tmp_path / "a.prompt.yaml").symlink_to(tmp_path / "real.prompt.yaml")
    assert _run(["lint", "-f", "a.prompt.yaml", "--fix"], capsys) == (
        0,
        "All checks passed.\n",
        "",
    )
    assert (tmp_path / "a.prompt.yaml").is_symlink()
    assert (tmp_path / "real.prompt.yaml").read_text(encoding="utf-8") == (
        "# a scene\nclothing:\n  - {kind: phrase, text: '(dress:1.21)'}  # nested\n"
    )


def test_yaml_prompt_file_diff_prints_the_change_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "scene.prompt.yaml"
    path.write_text(SCENE_YAML, encoding="utf-8")
    assert _run(["lint", "-f", "scene.prompt.yaml", "--diff"], capsys) == (
        1,
        "--- scene.prompt.yaml\n+++ scene.prompt.yaml\n@@ -1,6 +1,6 @@\n expression:\n"
        "   - smile\n   - smile\n-clothing: [long_hair]\n+clothing: [long hair]\n settings:\n"
        "   cfg_scale: 13\n",
        "",
    )
    assert path.read_text(encoding="utf-8") == SCENE_YAML


def test_yaml_prompt_file_fix_of_a_file_that_does_not_read_is_the_lint_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.prompt.yaml").write_text("expression: [smile\n", encoding="utf-8")
    linted = _run(["lint", "-f", "bad.prompt.yaml"], capsys)
    assert linted[:2] == (2, "")
    assert linted[2].startswith("aidxl-prompt: error: bad.prompt.yaml:")
    for option in ("--fix", "--diff"):
        assert _run(["lint", "-f", "bad.prompt.yaml", option], capsys) == linted
    assert (tmp_path / "bad.prompt.yaml").read_text(encoding="utf-8") == "expression: [smile\n"


def test_pre_commit_fix_hook_fixes_a_yaml_prompt_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.prompt.yaml").write_text("clothing: [long_hair]  # hair\n", "utf-8")
    fix = shlex.split(_hooks()[1]["entry"])[1:]
    assert main([*fix, "a.prompt.yaml"], {}) == 0
    assert capsys.readouterr().out == "All checks passed.\n"
    assert (tmp_path / "a.prompt.yaml").read_text("utf-8") == "clothing: [long hair]  # hair\n"


# Lints prompt text in a child and lists the packages of the YAML, TOML and fuzzy-matching
# stacks it loaded (a pre-commit run pays for every import, on every commit).
_LINT_IMPORTS = """
import contextlib, io, json, sys
from aidxl_prompt.cli.app import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["lint", *sys.argv[1:]], {})
heavy = ("yaml", "rapidfuzz", "tomllib", "aidxl_prompt.files.presets",
         "aidxl_prompt.files.prompt_file", "aidxl_prompt.vocab.suggest")
print(json.dumps(sorted({part for part in heavy for name in sys.modules
                         if name == part or name.startswith(part + ".")})))
"""


@pytest.mark.parametrize(
    ("prompt", "loaded"),
    [
        ("masterpiece, best_quality, 1girl, ((smile)), white_hair, (by_ask:0.9)", []),
        # an unknown tag asks for a did-you-mean: the fuzzy matcher loads then
        ("1girl, smilr", ["aidxl_prompt.vocab.suggest", "rapidfuzz"]),
    ],
)
def test_linting_prompt_text_loads_no_yaml_or_toml_parser(
    tmp_path: Path, prompt: str, loaded: list[str]
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _LINT_IMPORTS, prompt],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,  # no pyproject.toml to read
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")},
    )
    assert (result.stderr, json.loads(result.stdout)) == ("", loaded)
