"""``itwg``: migrate, serve, run Socket Mode or the offline console, and other operator tasks.

Configuration problems end with one line naming the variable and exit status 2, never a traceback.
"""

import argparse
import gc
import logging
import signal
import sys
from collections.abc import Sequence

from bot.settings import Settings, SettingsError, load_settings, require

EXIT_CONFIG = 2
DEFAULT_CONSOLE_EMAIL = "secretariat@unodc.org"
# Request threads of the web server: each holds a request only for its ack part and the enqueue.
WEB_THREADS = 16
# Consumer threads when one process (itwg run, itwg socket) does the work too.
WORKERS_IN_ONE_PROCESS = 4


def _configure_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # slack_sdk logs request bodies and headers at DEBUG; never let tokens reach the logs.
    logging.getLogger("slack_sdk").setLevel(logging.INFO)
    logging.getLogger("slack_bolt").setLevel(logging.INFO)
    # A line per sweep of the queue (every few seconds) would drown what matters.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    # Alembic's "Context impl …", "Will assume …" and a line per revision say nothing an operator
    # needs: `itwg migrate` ends with one line of its own.
    logging.getLogger("alembic").setLevel(logging.DEBUG if verbose else logging.WARNING)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from bot import membership, queue
    from storage.db import make_engine
    from storage.migrate import upgrade_to_head

    upgrade_to_head(settings.database_url)
    queue.prepare(queue.make_huey(settings))
    engine = make_engine(settings.database_url)
    created, updated = membership.load(engine, args.membership)
    engine.dispose()
    print(
        f"Database is at the newest schema; organisations: {created} added, {updated} updated.",
        file=sys.stderr,
    )
    return 0


def settle_heap() -> None:
    """Exempt everything loaded at start-up (modules, SQLAlchemy's metadata, compiled templates) from
    the cyclic garbage collector. Its full collections otherwise walk that whole heap, pausing every
    thread of the web process for tens of milliseconds at a time under load."""
    gc.collect()
    gc.freeze()


def _web_app(settings: Settings):
    """The app for a process that answers Slack: its client never sleeps on a 429 before an ack."""
    from bot.app import create_app
    from bot.queue import make_huey

    require(settings, "slack_signing_secret", "slack_bot_token")
    return create_app(settings, huey=make_huey(settings))


def _serve_http(app, settings: Settings, *, host: str, port: int | None, threads: int) -> None:
    from waitress import serve

    from bot.slack_gate import MAX_BODY_BYTES
    from bot.web import create_web

    port = port or settings.port
    logging.getLogger("itwg").info("serving on http://%s:%s", host, port)
    settle_heap()
    # waitress refuses larger bodies itself (413) rather than spooling them to disk first.
    serve(
        create_web(app),
        host=host,
        port=port,
        threads=threads,
        ident="itwg",
        max_request_body_size=MAX_BODY_BYTES,
    )


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    """The web process: answers Slack once each request's work is in the queue; does none of it."""
    # A platform stops the web process with SIGTERM: leave the serving loop like Ctrl-C does. Nothing
    # is lost: what was acknowledged is in the queue already.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        _serve_http(_web_app(settings), settings, host=args.host, port=args.port, threads=args.threads)
    except KeyboardInterrupt:
        logging.getLogger("itwg").info("stopped")
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    """A worker process: carries out what web processes acknowledged, with a 429-honouring client."""
    from bot.app import create_app, work_queue_of
    from bot.consumer import run_consumer
    from bot.queue import make_huey, prepare
    from bot.slack_client import make_clock_client

    require(settings, "slack_signing_secret", "slack_bot_token")
    huey = make_huey(settings)
    prepare(huey)
    app = create_app(settings, make_clock_client(settings), huey=huey)
    run_consumer(work_queue_of(app), workers=args.workers)
    return 0


def _consume_beside(app, start_serving) -> int:
    """One process doing everything: ``start_serving`` answers Slack from a thread while the consumer
    carries out the work in the main thread (where it must be, for its signal handlers)."""
    import threading

    from bot.app import work_queue_of
    from bot.consumer import run_consumer

    threading.Thread(target=start_serving, name="itwg-web", daemon=True).start()
    run_consumer(work_queue_of(app), workers=WORKERS_IN_ONE_PROCESS)
    return 0


def cmd_socket(settings: Settings, args: argparse.Namespace) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    require(settings, "slack_app_token", "slack_bot_token", "slack_signing_secret")
    app = _web_app(settings)
    handler = SocketModeHandler(app, settings.secret("slack_app_token"))
    return _consume_beside(app, handler.connect)


def cmd_console(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console.session import ConsoleSession

    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    cmd_migrate(settings, argparse.Namespace(membership=None))
    interactive = sys.stdin.isatty()

    def ask(prompt: str) -> str | None:
        if interactive:
            try:
                return input(prompt)
            except EOFError:
                return None
        line = sys.stdin.readline()
        if not line:
            return None
        print(prompt + line.rstrip("\n"))
        return line.rstrip("\n")

    session = ConsoleSession(settings, email=args.as_email, ask=ask, out=sys.stdout)
    try:
        if interactive:
            print(f"ITWG offline console as {args.as_email}. Try /itwg help; Ctrl-D leaves.")
        while True:
            line = ask("itwg> ") if interactive else sys.stdin.readline()
            if line is None or (not interactive and line == ""):
                break
            if not interactive and line.strip():
                print("itwg> " + line.rstrip("\n"))
            session.run_line(line)
    finally:
        session.close()
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """What README's run command starts: migrate, then the console or the real thing.

    With tokens, one process runs it all (a single-machine setup): the web server or Socket Mode, the
    queue's consumer and the clock; production runs them as separate processes instead (Procfile).
    """
    if settings.slack_bot_token is None:
        return cmd_console(settings, argparse.Namespace(as_email=args.as_email))
    cmd_migrate(settings, argparse.Namespace(membership=None))
    if not args.no_clock:
        from bot.clock import start_background_clock

        start_background_clock(settings)
    if settings.slack_app_token is not None:
        return cmd_socket(settings, args)
    app = _web_app(settings)
    return _consume_beside(
        app, lambda: _serve_http(app, settings, host="0.0.0.0", port=None, threads=WEB_THREADS)
    )


def cmd_sync_members(settings: Settings, args: argparse.Namespace) -> int:
    from bot import slack_profiles
    from bot.deps import Deps
    from bot.slack_client import make_clock_client
    from storage.db import make_engine

    require(settings, "slack_bot_token", "itwg_channel")
    deps = Deps(settings=settings, engine=make_engine(settings.database_url))
    # A large channel means one users.info per new member: wait out 429s like the clock does.
    client = make_clock_client(settings)
    report = slack_profiles.sync_channel_members(deps, client, channel=settings.itwg_channel or "")
    print(f"{report.members_seen} channel members; {report.registered} new; {report.mapped} mapped.")
    if report.unmapped:
        print("Not mapped to an organisation (ask them to run /itwg join ORG):")
        for name in report.unmapped:
            print(f"  {name}")
    return 0


def cmd_clock(settings: Settings, args: argparse.Namespace) -> int:
    from bot.clock import run_clock

    require(settings, "slack_bot_token")
    run_clock(settings)
    return 0


def cmd_tick(settings: Settings, args: argparse.Namespace) -> int:
    """One tick as of ``--at``: prints what it sent, or with ``--dry-run`` what it would send.

    Without a Slack token it sends to the offline console's local stand-in for Slack, and prints
    each message it posted there."""
    from datetime import UTC, datetime

    from bot.deps import Deps
    from bot.slack_client import make_clock_client
    from bot.tick import describe, tick
    from storage.db import make_engine

    deps = Deps(settings=settings, engine=make_engine(settings.database_url))
    ahead = args.at > datetime.now(UTC)
    try:
        if args.dry_run:
            print(describe(tick(deps, None, now=args.at, dry_run=True)))
        elif settings.slack_bot_token is not None:
            print(describe(tick(deps, make_clock_client(settings), now=args.at, ahead_of_present=ahead)))
        else:
            _tick_offline(settings, deps.engine, now=args.at, ahead_of_present=ahead)
    finally:
        deps.engine.dispose()
    return 0


def _tick_offline(settings: Settings, engine, *, now, ahead_of_present: bool) -> None:
    """The tick against the console's local stand-in for Slack (and its channel), printing each
    message as the console shows it."""
    from slack_sdk import WebClient
    from sqlmodel import select

    from bot.console.flatten import flatten_message
    from bot.console.session import CONSOLE_CHANNEL_ID
    from bot.deps import Deps
    from bot.local_slack import LocalSlack
    from bot.tick import describe, tick
    from storage.db import read_scope
    from storage.models import Person

    deps = Deps(
        settings=settings.model_copy(update={"itwg_channel": settings.itwg_channel or CONSOLE_CHANNEL_ID}),
        engine=engine,
    )
    with read_scope(engine) as session:
        names = {p.slack_user_id: p.display_name for p in session.exec(select(Person))}
    with LocalSlack() as slack:
        client = WebClient(token="xoxb-offline-console", base_url=slack.api_url)
        report = tick(deps, client, now=now, ahead_of_present=ahead_of_present)
        print("(no SLACK_BOT_TOKEN: sent to the local stand-in for Slack)")
        for call in slack.calls_to("chat.postMessage"):
            channel = call.params.get("channel", "?")
            print(f"[{names.get(channel, channel)}] {flatten_message(call.params, names=names)}")
        for upload in slack.uploads.values():
            print(f"[file shared] {upload.get('filename')}")
    print(describe(report))


def _instant(value: str):
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO 8601 time such as 2030-06-04T12:00Z"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot import exports
    from bot.deps import Deps
    from storage.db import make_engine

    deps = Deps(settings=settings, engine=make_engine(settings.database_url))
    data = exports.collect(deps, public=args.public)
    file = exports.render_export(data, fmt=args.format, organizer_email=settings.itwg_organizer_email)
    if args.output is None:
        sys.stdout.write(file.content)
        return 0
    try:
        exports.write_atomically(args.output, file.content)
    except OSError as error:
        print(f"itwg export: cannot write {args.output}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"Wrote {file.title} to {args.output}.", file=sys.stderr)
    return 0


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    """The yearly report as Word or Markdown; Markdown without ``--output`` goes to standard output."""
    from bot import exports, report, report_files
    from bot.deps import Deps
    from storage.db import make_engine

    deps = Deps(settings=settings, engine=make_engine(settings.database_url))
    try:
        content = report_files.render(report.report_for(deps, year=args.year), args.format)
    finally:
        deps.engine.dispose()
    if args.output is None and args.format == "md":
        sys.stdout.write(content.decode("utf-8"))
        return 0
    output = args.output or _path(f"itwg-report-{args.year}.{args.format}")
    try:
        exports.write_atomically(output, content)
    except OSError as error:
        print(f"itwg report: cannot write {output}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"Wrote the {args.year} report to {output}.", file=sys.stderr)
    return 0


def _year(value: str) -> int:
    if not (value.isascii() and value.isdigit() and 2000 <= int(value) <= 2100):
        raise argparse.ArgumentTypeError(f"{value!r} is not a year such as 2030")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="itwg", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    migrate = sub.add_parser("migrate", help="upgrade the database and load the membership file")
    migrate.add_argument("--membership", type=_path, default=None, help="membership TOML file")
    migrate.set_defaults(func=cmd_migrate)

    serve = sub.add_parser("serve", help="answer Slack over HTTP, queueing the work (the web process)")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=None, help="default: $PORT")
    serve.add_argument("--threads", type=int, default=WEB_THREADS)
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="carry out the work web processes acknowledged (the worker)")
    worker.add_argument("--workers", type=int, default=4, help="threads carrying out tasks (default 4)")
    worker.set_defaults(func=cmd_worker)

    socket = sub.add_parser("socket", help="run the Slack app over Socket Mode, with its worker threads")
    socket.set_defaults(func=cmd_socket)

    console = sub.add_parser("console", help="talk to the bot offline, no Slack needed")
    console.add_argument("--as", dest="as_email", default=DEFAULT_CONSOLE_EMAIL, metavar="EMAIL")
    console.set_defaults(func=cmd_console)

    run = sub.add_parser("run", help="migrate, then console (no tokens), Socket Mode or HTTP")
    run.add_argument("--as", dest="as_email", default=DEFAULT_CONSOLE_EMAIL, metavar="EMAIL")
    run.add_argument("--no-clock", action="store_true", help="do not run the clock in this process")
    run.set_defaults(func=cmd_run)

    clock = sub.add_parser("clock", help="run the clock: a tick every minute (the clock process)")
    clock.set_defaults(func=cmd_clock)

    tick = sub.add_parser("tick", help="run one tick as of a given time and print what it sent")
    tick.add_argument("--at", type=_instant, required=True, metavar="ISO8601", help="e.g. 2030-06-04T12:00Z")
    tick.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    tick.set_defaults(func=cmd_tick)

    sync = sub.add_parser("sync-members", help="map every member of ITWG_CHANNEL to an organisation")
    sync.set_defaults(func=cmd_sync_members)

    export = sub.add_parser("export", help="initiatives, action items and meetings as csv, json or md")
    export.add_argument("--format", required=True, choices=("csv", "json", "md"))
    export.add_argument("--output", type=_path, default=None, metavar="FILE", help="default: stdout")
    export.add_argument("--public", action="store_true", help="shareable initiatives only, no action items")
    export.set_defaults(func=cmd_export)

    report = sub.add_parser("report", help="the yearly report to the Commission, as Word or Markdown")
    report.add_argument("--year", type=_year, required=True, metavar="YYYY")
    report.add_argument("--format", default="docx", choices=("docx", "md"))
    report.add_argument(
        "--output",
        type=_path,
        default=None,
        metavar="FILE",
        help="default: itwg-report-YYYY.docx, md to stdout",
    )
    report.set_defaults(func=cmd_report)

    return parser


def _path(value: str):
    from pathlib import Path

    return Path(value)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(args.verbose)
    try:
        settings = load_settings()
        return args.func(settings, args)
    except SettingsError as error:
        print(f"itwg: configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
