"""The ``beskgraph`` command line: build, validate, export and serve."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rdflib import Graph
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from .api.settings import Settings, env_name
from .build import BuildFailed, BuildResult, build, find_sources, format_for
from .cache import BuildCache, default_cache
from .changes import hashes_in_file
from .config import SEEDS_DIR
from .formats.files import export, read_quads, union_ntriples
from .formats.table import GRAPH_FORMATS, Format, for_path, graph_format
from .model.common import Status
from .output import Interrupted, write_all, write_atomically
from .validate import check

app = typer.Typer(
    help="beskgraph: a knowledge graph of Danish employment policy.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
DEFAULT_OUTPUT = Path("out") / "beskgraph.trig"  # in the working directory
SOURCES_HELP = "Source files or folders (default: seeds/)."
OUTPUT_HELP = f"Output file; format from its suffix ({' '.join(f'.{f.extension}' for f in GRAPH_FORMATS)})."
INPUT_HELP = "A built graph; default: build from seeds/."
CACHE_HELP = "Build cache folder (default: $BESKGRAPH_CACHE, else ~/.cache/beskgraph)."
# the build cache's options, the same for every command that builds
CacheOption = Annotated[Path | None, typer.Option(help=CACHE_HELP)]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Parse and validate everything.")]
STATUS_LABELS = {
    Status.OK: "ok",
    Status.WARNINGS: "[yellow]warnings[/yellow]",
    Status.LEFT_OUT: "[red]left out[/red]",
}


FORMAT_HELP = "One of " + ", ".join(f.name for f in GRAPH_FORMATS) + "."


def run_build(
    sources: list[Path],
    *,
    strict: bool = False,
    quiet: bool = False,
    cache: BuildCache | None = None,
    previous: dict[str, str] | None = None,
    output: Path | None = None,
) -> BuildResult:
    """Build with a progress bar over documents, then print the summary; ``output``, the file
    the build is written to, is never read as a source (in a source folder it would be)."""
    paths = find_sources(sources, exclude=[output] if output else ())
    with Progress(
        TextColumn("[bold]building"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        disable=quiet,
    ) as bar:
        task = bar.add_task("", total=len(paths))
        result = build(
            paths,
            strict=strict,
            cache=cache,
            previous=previous,
            progress=lambda name: bar.update(task, advance=1, description=name),
        )
    if not quiet:
        print_summary(result)
    return result


def print_summary(result: BuildResult) -> None:
    table = Table(title="beskgraph build", show_header=True)
    for column in ("document", "kind", "status", "triples", "problems"):
        table.add_column(column, justify="right" if column in ("triples", "problems") else "left")
    for doc in result.documents:
        table.add_row(
            escape(doc.name),
            doc.kind or "-",
            STATUS_LABELS[doc.status],
            str(doc.triples),
            str(len(doc.problems)),
        )
    console.print(table)
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(result.kinds().items()))
    warnings = sum(len(d.warnings) for d in result.documents)
    console.print(
        f"documents: {kinds or 'none'}; left out: {len(result.failed)}; "
        f"triples: {result.triples}; warnings: {warnings}"
    )
    if result.changes is not None:
        parsed = sum(d.parsed for d in result.documents)
        validated = sum(d.validated for d in result.documents)
        console.print(f"changes: {result.changes}; parsed {parsed}, validated {validated}")
    for doc in result.documents:
        for warning in doc.warnings:
            console.print(f"[yellow]warning[/yellow] {escape(warning)}", highlight=False)
        for violation in doc.violations:
            console.print(f"[red]left out[/red] {escape(violation)}", highlight=False)


def _cache(folder: Path | None, off: bool) -> BuildCache | None:
    if off:
        return None
    return BuildCache(folder) if folder else default_cache()


@app.command("build")
def build_command(
    sources: Annotated[list[Path] | None, typer.Argument(help=SOURCES_HELP)] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help=OUTPUT_HELP)] = DEFAULT_OUTPUT,
    strict: Annotated[bool, typer.Option(help="Fail if any document is left out.")] = False,
    cache: CacheOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Build the graph from source documents, validate it with SHACL and write it.

    Documents that cannot be used are left out and listed; the rest is built. The
    previous output stays as it was if the build fails or uses no document at all.
    """
    try:
        fmt = format_for(output)
        previous = hashes_in_file(output, fmt.rdf_format) if output.is_file() else None  # not a FIFO
        result = run_build(
            sources or [SEEDS_DIR],
            strict=strict,
            cache=_cache(cache, no_cache),
            previous=previous,
            output=output,
        )
        if len(result.failed) == len(result.documents):
            raise BuildFailed("no document could be used")
        write_atomically(output, result.serialise(fmt))
    except (BuildFailed, OSError) as error:
        console.print(f"[red]build failed[/red] (previous output left untouched): {escape(reason(error))}")
        raise typer.Exit(1) from None
    except (Interrupted, KeyboardInterrupt) as stop:
        console.print("[red]interrupted[/red] (previous output left untouched)")
        raise typer.Exit(128 + getattr(stop, "signum", 2)) from None
    console.print(f"wrote {escape(str(output))}", highlight=False)


def load_union(path: Path) -> Graph:
    """The triples of every graph of a built graph file."""
    return Graph().parse(data=union_ntriples(read_quads(path)), format="nt")


@app.command("validate")
def validate_command(
    graph: Annotated[Path, typer.Argument(help="A built graph (.trig, .ttl, .nq).")] = DEFAULT_OUTPUT,
) -> None:
    """Validate a built graph against the SHACL shapes; list every violation and warning."""
    try:
        results = check(load_union(graph))
    except (OSError, ValueError, SyntaxError) as error:
        problem = f"{escape(str(graph))}: {escape(reason(error))}"
        console.print(f"[red]cannot read[/red] {problem}", highlight=False)
        raise typer.Exit(2) from None
    for result in results:
        console.print(escape(str(result)), highlight=False)
    violations = sum(r.is_violation for r in results)
    if violations:
        console.print(f"[red]{violations} violation(s)[/red]")
        raise typer.Exit(1)
    warned = f" ({len(results)} warning(s))" if results else ""
    console.print(f"{escape(str(graph))}: conforms{warned}", highlight=False)


@app.command("export")
def export_command(
    format: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "turtle",
    graph: Annotated[Path | None, typer.Option("--input", "-i", help=INPUT_HELP)] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File; default stdout.")] = None,
    cache: CacheOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Export the graph as TriG, N-Quads, JSON-LD, Turtle or N-Triples: the bytes the server's
    dump of the same graph has."""
    try:
        fmt = graph_format(format)
        if output:
            _check_extension(output, fmt)  # before the work, not after it
        if graph:
            data = export(graph, fmt)
        else:  # the seeds, built as `build` builds them (from the build cache where unchanged)
            data = run_build([SEEDS_DIR], quiet=True, cache=_cache(cache, no_cache)).serialise(fmt)
        if output:
            write_atomically(output, data)
    except (OSError, ValueError, SyntaxError) as error:
        console.print(f"[red]cannot export[/red]: {escape(reason(error))}")
        raise typer.Exit(2) from None
    if not output:  # a reader that goes away (``| head``) ends the command quietly (click)
        if sys.stdout is None:
            console.print("[red]cannot export[/red]: standard output is closed (use -o FILE)")
            raise typer.Exit(2)
        sys.stdout.flush()
        write_all(sys.stdout.fileno(), data)


def reason(error: BaseException) -> str:
    """An error in one line: an OSError as ``file: what`` (not ``[Errno 20] …: 'file'``)."""
    if isinstance(error, OSError) and error.filename is not None and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return str(error)


def _check_extension(output: Path, fmt: Format) -> None:
    """Refuse to write ``fmt`` under an extension of another graph format (``-f nquads -o
    g.trig``): every command reading the file would take it for that format."""
    try:
        named = for_path(output)
    except ValueError:  # another extension (or none): the user's choice
        return
    if named != fmt:
        raise ValueError(f"{output} names a {named.name} file; write {fmt.name} as *.{fmt.extension}")


def _limit(name: str, text: str) -> str:
    """An option's help: ``text``, its setting's environment variable and default."""
    return f"{text} (env {env_name(name)}, default {getattr(Settings, name)})"


@app.command("serve")
def serve_command(
    sources: Annotated[list[Path] | None, typer.Argument(help=SOURCES_HELP, show_default=False)] = None,
    host: Annotated[str, typer.Option(envvar="HOST", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(envvar="PORT", min=0, max=65535, help="Port to listen on (0: any free one).")
    ] = 8000,
    store: Annotated[
        str | None,
        typer.Option(
            envvar="BESKGRAPH_STORE",
            show_default=False,
            help="memory (default), oxigraph:/dir (on disk), or a SPARQL server's URL.",
        ),
    ] = None,
    graph: Annotated[Path | None, typer.Option(help="Serve a built graph instead of building.")] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Bring a store that holds a graph in line with the sources.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(show_default=False, help=_limit("workers", "Server processes; 0: one per core.")),
    ] = None,
    max_connections: Annotated[
        int | None,
        typer.Option(
            show_default=False,
            help=_limit(
                "max_connections", "Connections and requests a worker serves at once; beyond them 503."
            ),
        ),
    ] = None,
    keep_alive_timeout: Annotated[
        float | None,
        typer.Option(
            show_default=False,
            help=_limit("keep_alive_timeout", "Seconds an idle kept-alive connection stays open."),
        ),
    ] = None,
    body_timeout: Annotated[
        float | None,
        typer.Option(
            show_default=False,
            help=_limit("body_timeout", "Seconds a request body may take to arrive; then 408 (0: no limit)."),
        ),
    ] = None,
    http_parser: Annotated[
        str | None,
        typer.Option(
            show_default=False, help=_limit("http_parser", "uvicorn's HTTP parser: auto, h11 or httptools.")
        ),
    ] = None,
    max_header_bytes: Annotated[
        int | None,
        typer.Option(
            show_default=False,
            help=_limit("max_header_bytes", "Bytes of request line and headers (h11 parser)."),
        ),
    ] = None,
) -> None:
    """Build (or load) the graph and serve GraphQL, SPARQL, pages and dumps until SIGTERM or
    SIGINT (SIGHUP reloads). Every other setting: environment variables BESKGRAPH_*
    (README, Settings)."""
    from .api.workers import StartFailed
    from .launch import ServeOptions, run
    from .store import StoreError

    given = {
        "workers": workers,
        "max_connections": max_connections,
        "keep_alive_timeout": keep_alive_timeout,
        "body_timeout": body_timeout,
        "http_parser": http_parser,
        "max_header_bytes": max_header_bytes,
    }
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    try:
        settings = Settings.from_env(**{name: value for name, value in given.items() if value is not None})
        run(ServeOptions(tuple(sources or ()), host, port, store, graph, rebuild, settings.workers), settings)
    except (BuildFailed, StartFailed, StoreError, ValueError) as error:
        console.print(f"[red]cannot serve[/red]: {escape(str(error))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def main() -> NoReturn:
    """The ``beskgraph`` command."""
    _run_and_end(app)


def serve_main() -> NoReturn:
    """``python server.py [SOURCES…] [options]``: ``beskgraph serve``."""
    _run_and_end(lambda: app(["serve", *sys.argv[1:]], prog_name="server.py"))


def _run_and_end(command: Callable[[], object]) -> NoReturn:
    """Run ``command`` (it ends with SystemExit, as a typer app does) and end the process as
    ``sys.exit`` would, exit handlers and all, but without freeing the objects one by one on the
    way out: that took a server which had held the graph half a second of CPU, and a build a
    tenth. An exception, or a thread still running, ends the process the usual way."""
    try:
        command()
        status: object = 0
    except SystemExit as ended:
        if any(not t.daemon and t is not threading.main_thread() for t in threading.enumerate()):
            raise
        status = ended.code
    if status is not None and not isinstance(status, int):
        _say(str(status))  # as Python prints a SystemExit that is not a number
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):  # flushed as Python flushes them at its exit:
        if stream is None or stream.closed:  # None (closed when it started), or closed: passed over
            continue
        try:
            stream.flush()
        except Exception as error:  # a broken pipe, a full disk: said for stdout; exit status 120
            if stream is sys.stdout:
                _say(f"Exception ignored in: {stream!r}\n{type(error).__name__}: {error}")
            status = 120
    os._exit(status or 0)


def _say(text: str) -> None:
    """``text`` on stderr (the one Python started with if it was set to None), if it can still
    be written: as Python's own last words."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        stream = sys.stderr or sys.__stderr__
        stream.write(text + "\n")  # type: ignore[union-attr]  # (None: AttributeError, suppressed)
        stream.flush()  # type: ignore[union-attr]  # (as above)


if __name__ == "__main__":
    main()
