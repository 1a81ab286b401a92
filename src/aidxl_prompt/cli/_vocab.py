"""The ``suggest`` and ``classify`` subcommands (wired into :mod:`aidxl_prompt.cli.app`).

``aidxl-prompt suggest long_hiar [--limit N] [--tags FILE] [--format text|json]``
prints the tags the input may stand for; exit code 0 when something was found, 1 when
nothing was. ``aidxl-prompt classify TAG... [--tags FILE] [--format text|json]`` prints
each tag's slot and the rule that decided it.

Both use the embedded Danbooru table; ``--tags`` files (or ``$AIDXL_PROMPT_TAGS``) are
layered over it.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import AidxlPromptError
from ..syntax.normalize import normalize_tag
from ..vocab.vocabulary import TAGS_ENV_VAR, Vocabulary, load_vocabulary

__all__ = ["register"]


def _add_vocabulary_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tags",
        metavar="FILE",
        action="append",
        help=(
            "a vocabulary file (tag-autocomplete CSV, WD selected_tags.csv, Danbooru alias "
            "or implication table), layered over the embedded Danbooru table; repeat to "
            f"layer several. Default: ${TAGS_ENV_VAR}, else the embedded table alone"
        ),
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _vocabulary(args: argparse.Namespace) -> Vocabulary:
    return load_vocabulary(args.tags or None)


def _suggest(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise AidxlPromptError(f"--limit must be at least 1, got {args.limit}")
    from ..vocab.suggest import suggest  # noqa: PLC0415 (rapidfuzz loads only when it is used)

    found = suggest(args.text, limit=args.limit, vocabulary=_vocabulary(args))
    if args.format == "json":
        print(json.dumps([item.model_dump(mode="json") for item in found], indent=2))
    else:
        width = max((len(item.tag) for item in found), default=0)
        for item in found:
            print(
                f"{item.tag:<{width}}  {item.why:<6}  score {item.score:5.1f}  "
                f"{item.post_count:>9,} posts  {item.category.value}"
            )
        if not found:
            print(f"no tag looks like {args.text!r}", file=sys.stderr)
    return 0 if found else 1


def _classify(args: argparse.Namespace) -> int:
    for position, tag in enumerate(args.tag, start=1):
        # One tag per argument: an empty one or a comma is a mistake, not a tag.
        if not normalize_tag(tag) or "," in normalize_tag(tag):
            raise AidxlPromptError(
                f"argument {position} ({tag!r}) is not one tag: give each tag as its own "
                "argument, without commas"
            )
    vocabulary = _vocabulary(args)
    from ..vocab.classify import classify  # noqa: PLC0415 (loaded when the command runs)

    results = [(tag, classify(tag, vocabulary)) for tag in args.tag]
    if args.format == "json":
        records = [{"input": tag, **found.model_dump(mode="json")} for tag, found in results]
        print(json.dumps(records, indent=2))
        return 0
    width = max(len(found.text) for _, found in results)
    for _, found in results:
        note = "  (meta: kept out of prompts)" if found.meta else ""
        print(f"{found.text:<{width}}  {found.slot.value:<22}  {found.rule}{note}")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``suggest`` and ``classify`` subcommands to the main parser."""
    parser = subparsers.add_parser(
        "suggest",
        help="suggest the tag a misspelled or aliased tag stands for",
        description="Suggest tags: exact, then alias, then prefix, then fuzzy matches.",
    )
    parser.add_argument("text", help="the tag as written (underscores, any case, escapes)")
    parser.add_argument("--limit", type=int, default=5, help="at most this many (default 5)")
    _add_vocabulary_options(parser)
    parser.set_defaults(func=_suggest)

    parser = subparsers.add_parser(
        "classify",
        help="show the slot of each tag and the rule that chose it",
        description="Classify tags into the model card's slots.",
    )
    parser.add_argument("tag", nargs="+", help="tags to classify")
    _add_vocabulary_options(parser)
    parser.set_defaults(func=_classify)
