"""The ``suggest`` and ``classify`` subcommands (wired into :mod:`aidxl_prompt.cli.app`).

``aidxl-prompt suggest long_hiar [--limit N] [--tags FILE] [--format text|json|jsonl]``
prints the tags the input may stand for; exit code 0 when something was found, 1 when
nothing was. ``aidxl-prompt classify TAG... [--tags FILE] [--format ...]`` prints each
tag's slot and the rule that decided it.

Both use the embedded Danbooru table; ``--tags`` files (or ``$AIDXL_PROMPT_TAGS``) are
layered over it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from ..errors import AidxlPromptError
from ..syntax.normalize import normalize_tag
from . import _options
from ._options import PROG

__all__ = ["register"]


_SUGGEST_HELP = f"""
suggest the tag a misspelled or aliased tag stands for

Suggest tags: exact, then alias, then prefix, then fuzzy matches. Exit code 1 when
nothing looks like the input.

examples:
  {PROG} suggest long_hiar --limit 3
  {PROG} suggest "by wlpo"
"""

_CLASSIFY_HELP = f"""
show the slot of each tag and the rule that chose it

Classify tags into the model card's slots.

example:
  {PROG} classify "white hair" impasto wlop "ganyu (genshin impact)"
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``suggest`` and ``classify`` subcommands to the main parser."""
    shared = ("--tags", "--format")
    suggest = _options.add_command(subparsers, "suggest", _suggest, _SUGGEST_HELP, shared)
    suggest.add_argument("text", help="the tag as written (underscores, any case, escapes)")
    suggest.add_argument(
        "--limit",
        type=_options.positive_int(),
        default=5,
        metavar="N",
        help="at most N tags (default 5)",
    )
    classify = _options.add_command(subparsers, "classify", _classify, _CLASSIFY_HELP, shared)
    classify.add_argument("tag", nargs="+", help="tags to classify, one an argument")


def _suggest(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from ..vocab.suggest import suggest  # noqa: PLC0415 (rapidfuzz loads only when it is used)

    found = suggest(args.text, limit=args.limit, vocabulary=_options.vocabulary(args, environ))
    code = 0 if found else 1
    if args.format != "text":
        _options.write_records((item.model_dump(mode="json") for item in found), args.format)
        return code
    width = max((len(item.tag) for item in found), default=0)
    for item in found:
        print(
            f"{item.tag:<{width}}  {item.why:<6}  score {item.score:5.1f}  "
            f"{item.post_count:>9,} posts  {item.category.value}"
        )
    if not found:
        print(f"no tag looks like {args.text!r}", file=sys.stderr)
    return code


def _classify(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    for position, tag in enumerate(args.tag, start=1):
        # One tag per argument: an empty one or a comma is a mistake, not a tag.
        if not normalize_tag(tag) or "," in normalize_tag(tag):
            raise AidxlPromptError(
                f"argument {position} ({tag!r}) is not one tag: give each tag as its own "
                "argument, without commas"
            )
    vocabulary = _options.vocabulary(args, environ)
    from ..vocab.classify import classify  # noqa: PLC0415 (loaded when the command runs)

    results = [(tag, classify(tag, vocabulary)) for tag in args.tag]
    if args.format != "text":
        records = ({"input": tag, **found.model_dump(mode="json")} for tag, found in results)
        _options.write_records(records, args.format)
        return 0
    width = max(len(found.text) for _, found in results)
    for _, found in results:
        note = "  (meta: kept out of prompts)" if found.meta else ""
        print(f"{found.text:<{width}}  {found.slot.value:<22}  {found.rule}{note}")
    return 0
