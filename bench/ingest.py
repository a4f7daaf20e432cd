"""Ingestion figures: incremental builds, store sync, and how parse time grows with size.

    python -m bench.ingest                    # 300 documents; parsers up to 8 MB
    python -m bench.ingest --size 1000 --out docs

Every figure is measured against a baseline in the same run: a rebuild after one change
against a build from scratch (and its bytes compared), a store brought in line against a
fresh load, and each parser's time at twice the size against its time at the size.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.corpus import generate
from bench.run import machine
from bench.stats import growth_exponent
from beskgraph.build import BuildResult, build
from beskgraph.cache import BuildCache
from beskgraph.config import SEEDS_DIR
from beskgraph.launch import fill_store
from beskgraph.model.common import DocumentKind
from beskgraph.parse.card import parse_card
from beskgraph.parse.letters import parse_correspondence
from beskgraph.parse.publication import read_publication
from beskgraph.store import EmbeddedStore
from beskgraph.text import SourceText

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus"
PROSE = "Indsatsen er målrettet ledige, der af forskellige grunde ikke har en realistisk plan for job.\n"
DATED = (
    "Den 9. april 2018 fik 120 borgere i Køge Kommune et tilbud, svarende til 42 % af de ledige, "
    "jf. LBK nr. 1342 af 20. november 2016 § 16a\n"
)
ONE_DATE = "9. april 2018\n"  # a table of dates, one a line
CLOSINGS = "Med venlig hilsen\nAnne Hansen\nKontorchef\n\nKære Odense Kommune\n"  # letter after letter
HYPHENED = "job- "  # one run of words ending in a hyphen (an office of two: "Social- og boligminister")


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def redone(result: BuildResult) -> dict[str, int]:
    return {
        "parsed": sum(d.parsed for d in result.documents),
        "validated": sum(d.validated for d in result.documents),
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def incremental(size: int, work: Path) -> dict[str, Any]:
    """A build from scratch; then rebuilds after no change, a changed text, a changed answer."""
    corpus = work / "corpus"
    generate(size, corpus, SEEDS_DIR, seed=1)
    cache = BuildCache(work / "cache")
    scratch, _ = timed(lambda: build([corpus]))
    first, _ = timed(lambda: build([corpus], cache=cache))
    unchanged, result = timed(lambda: build([corpus], cache=cache))
    out: dict[str, Any] = {
        "documents": size,
        "scratch_s": scratch,
        "first_with_cache_s": first,
        "unchanged": {"s": unchanged, **redone(result)},
    }
    cards = sorted(corpus.glob("*_card.txt"))
    edit(cards[0], "\nGode råd\n\n", "\nGode råd\n\nHold fast i det, der virker.\n")
    took, result = timed(lambda: build([corpus], cache=cache))
    out["one_text_changed"] = {"s": took, **redone(result)}
    text = cards[1].read_text(encoding="utf-8")
    answer = text.split("• Ja: ", 1)[1].split("\n", 1)[0]
    edit(cards[1], f"• Ja: {answer}", f"• Ja: Altid {answer}")  # the criterion's statement changes
    took, result = timed(lambda: build([corpus], cache=cache))
    out["one_answer_changed"] = {"s": took, **redone(result)}
    full, again = timed(lambda: build([corpus]))
    out["rebuild_scratch_s"] = full
    out["same_bytes_as_scratch"] = again.serialise("trig") == result.serialise("trig")
    return out


def store_sync(size: int, work: Path) -> dict[str, Any]:
    """An on-disk store filled, then brought in line after one change, against a fresh load."""
    corpus = work / "corpus-store"
    generate(size, corpus, SEEDS_DIR, seed=2)
    cache = BuildCache(work / "cache-store")
    build([corpus], cache=cache)  # the build itself is measured above; here only the store
    store = EmbeddedStore(str(work / "store"))
    load, _ = timed(lambda: fill_store(store, sources=[corpus], cache=cache))
    edit(sorted(corpus.glob("*_card.txt"))[0], "\nGode råd\n\n", "\nGode råd\n\nHold fast i det.\n")
    build([corpus], cache=cache)
    sync, message = timed(lambda: fill_store(store, sources=[corpus], rebuild=True, cache=cache))
    store.close()
    fresh = EmbeddedStore(str(work / "fresh"))
    reload, _ = timed(lambda: fill_store(fresh, sources=[corpus], cache=cache))
    fresh.close()
    return {
        "documents": size,
        "first_load_s": load,
        "sync_after_one_change_s": sync,
        "fresh_load_s": reload,
        "sync": message.rsplit("; ", 1)[-1],
    }


def growth(
    name: str, parse: Callable[[SourceText], object], base: str, filler: str, sizes_mb: list[float]
) -> dict[str, Any]:
    seconds = []
    for mb in sizes_mb:
        text = base + filler * int(mb * 2**20 / len(filler.encode()))
        took, _ = timed(lambda text=text: parse(SourceText(Path("x.txt"), text)))
        seconds.append(took)
        print(f"[bench.ingest] {name}: {mb:g} MB in {took:.2f} s", file=sys.stderr, flush=True)
    return {"parser": name, "mb": sizes_mb, "s": seconds, "exponent": growth_exponent(sizes_mb, seconds)}


def parsers(largest_mb: float) -> list[dict[str, Any]]:
    card = (SEEDS_DIR / "000_2ad044e4a048410a.txt").read_text(encoding="utf-8")
    letters = (SEEDS_DIR / "003_aec37f0f2b66ca76.txt").read_text(encoding="utf-8")
    answer = SourceText.read(CORPUS / "svar_beu_spoergsmaal_118.txt").text
    sizes = [largest_mb / 8, largest_mb / 4, largest_mb / 2, largest_mb]
    return [
        growth("card", parse_card, card, PROSE, sizes),
        growth("generic reader", lambda s: read_publication(s, DocumentKind.OTHER), answer, DATED, sizes),
        growth("letters, plain prose", parse_correspondence, letters, PROSE, [s / 4 for s in sizes]),
        growth("letters, dated prose", parse_correspondence, letters, DATED, [s / 4 for s in sizes]),
        growth("letters, one date a line", parse_correspondence, letters, ONE_DATE, [s / 4 for s in sizes]),
        growth(
            "letters, closings and greetings",
            parse_correspondence,
            letters,
            CLOSINGS,
            [s / 16 for s in sizes],
        ),
        growth(
            "letters, words ending in a hyphen",
            parse_correspondence,
            letters,
            HYPHENED,
            [s / 4 for s in sizes],
        ),
        growth(
            "generic reader, words ending in a hyphen",
            lambda s: read_publication(s, DocumentKind.OTHER),
            answer,
            HYPHENED,
            [s / 4 for s in sizes],
        ),
    ]


def markdown(report: dict[str, Any]) -> str:
    inc, sync, box = report["incremental"], report["store"], report["machine"]
    lines = [
        "# Ingestion benchmark",
        "",
        f"Generated corpus of {inc['documents']} documents (`python -m bench.ingest`); "
        f"{box['cores']} cores, {box['cpu']}, Python {box['python']}.",
        "",
        "| build | seconds | parsed | validated | vs. from scratch |",
        "|---|---:|---:|---:|---:|",
        f"| from scratch, no cache | {inc['scratch_s']:.1f} | {inc['documents']} | {inc['documents']} "
        "| 1.00 |",
    ]
    for key, label in (
        ("unchanged", "nothing changed"),
        ("one_text_changed", "one card's text changed"),
        ("one_answer_changed", "one answer changed (shared criteria)"),
    ):
        row = inc[key]
        lines.append(
            f"| {label} | {row['s']:.1f} | {row['parsed']} | {row['validated']} | "
            f"{row['s'] / inc['scratch_s']:.2f} |"
        )
    lines += [
        "",
        f"Same bytes as a build from scratch: {inc['same_bytes_as_scratch']}.",
        "",
        "| on-disk store | seconds |",
        "|---|---:|",
        f"| first fill ({sync['documents']} documents) | {sync['first_load_s']:.1f} |",
        f"| `serve --rebuild` after one change ({sync['sync']}) | {sync['sync_after_one_change_s']:.1f} |",
        f"| fresh load of the same build | {sync['fresh_load_s']:.1f} |",
        "",
        "| parser | MB | seconds | growth exponent (1 = linear) |",
        "|---|---|---|---:|",
    ]
    for row in report["parsers"]:
        sizes = ", ".join(f"{mb:g}" for mb in row["mb"])
        seconds = ", ".join(f"{s:.2f}" for s in row["s"])
        lines.append(f"| {row['parser']} | {sizes} | {seconds} | {row['exponent']:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--size", type=int, default=300, help="documents in the generated corpus")
    args.add_argument("--largest-mb", type=float, default=8.0, help="largest input of the parser runs")
    args.add_argument("--out", type=Path, default=None, help="write ingest-benchmarks.md into this folder")
    options = args.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="beskgraph-ingest-"))
    try:
        report = {
            "machine": machine(),
            "incremental": incremental(options.size, work),
            "store": store_sync(options.size, work),
            "parsers": parsers(options.largest_mb),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = markdown(report)
    print(text)
    if options.out:
        (options.out / "ingest-benchmarks.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
