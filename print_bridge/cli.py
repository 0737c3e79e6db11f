"""Command line: ``python -m print_bridge COMMAND``.

    pair CODE [--api URL] [--name NAME]         pair this PC as the store's print station
    set-printer ROLE URI [--profile NAME]       where the receipt/label printer is
    run [--once]                                the polling agent (Ctrl+C / SIGTERM stops it)
    print FILE.pdf --printer URI --profile NAME print a PDF directly
    render FILE.pdf --profile NAME -o OUT.bin   write the printer bytes to a file
    test-page [--printer URI --profile NAME]    print the test page (default: every printer)
    status --printer URI                        ask an ESC/POS printer for its status
    profiles                                    list the profiles this bridge knows

``--config PATH`` (before the command) picks another config file; see :mod:`.config`.
"""
from __future__ import annotations

import argparse
import json
import logging
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Sequence

from . import __version__
from .agent import Agent, AgentSettings
from .api import ApiClient, ApiError, ApiUnreachable
from .config import BridgeConfig, ConfigError, PrinterSetup, default_config_path
from .encoders import PrintOptions, encode
from .journal import Journal
from .profiles import Profile, ProfileError, get_profile
from .raster import PdfError, rasterize_pdf
from .testpage import build_test_page
from .transports import PrinterUnavailable, PrintInterrupted, open_transport

log = logging.getLogger("print_bridge")


class CommandError(Exception):
    """A failure to report in one line and exit 1."""


def _load(args: argparse.Namespace, must_exist: bool = True) -> BridgeConfig:
    return BridgeConfig.load(Path(args.config) if args.config else default_config_path(), must_exist=must_exist)


def _profiles(args: argparse.Namespace) -> dict[str, Profile]:
    """The profile table: the config's when there is one, else just the built-ins."""
    return _load(args, must_exist=False).profile_table()


def cmd_pair(args: argparse.Namespace) -> int:
    config = _load(args, must_exist=False)
    if args.api:
        config.api_url = args.api
    api = ApiClient(config.api_url)
    try:
        device = api.pair(args.code.strip().upper(), args.name)
    except ApiError as exc:
        raise CommandError(f"pairing refused: {exc.message or exc.code}") from exc
    config.device_id = device.get("device_id")
    config.device_token = device["device_token"]
    config.store_id = device.get("store_id")
    config.store_name = device.get("store_name")
    config.name = args.name
    api.token = config.device_token
    try:
        config.apply_station(api.station())
    except (ApiUnreachable, ApiError, ProfileError) as exc:
        log.warning("paired, but the station's printer settings could not be used yet: %s", exc)
    config.save()
    print(f"Paired with {config.store_name or config.store_id} as {args.name!r}; config saved to {config.path}")
    for role, setup in sorted(config.printers.items()):
        hint = setup.uri or f"not set: python -m print_bridge set-printer {role} tcp://HOST:9100"
        print(f"  {role}: profile {setup.profile or '-'}, printer {hint}")
    return 0


def cmd_set_printer(args: argparse.Namespace) -> int:
    config = _load(args)
    open_transport(args.uri)  # validates the URI form
    setup = config.printers.setdefault(args.role, PrinterSetup())
    setup.uri = args.uri
    if args.profile:
        get_profile(args.profile, config.profile_table())
        setup.profile = args.profile
    config.save()
    print(f"{args.role}: {setup.uri} ({setup.profile or 'profile from the cloud'})")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    config = _load(args)
    if not config.paired:
        raise CommandError("this bridge is not paired; run `python -m print_bridge pair CODE` first")
    stop = threading.Event()
    _stop_on_signals(stop)
    api = ApiClient(config.api_url, config.device_token)
    settings = AgentSettings(poll_interval=args.poll)
    agent = Agent(api, config, Journal(config.journal_path), settings, stop=stop)
    try:
        agent.refresh_station()
    except (ApiUnreachable, ApiError, ProfileError) as exc:
        log.warning("using saved printer settings; station refresh failed: %s", exc)
    roles = [f"{role} -> {s.uri}" for role, s in sorted(config.printers.items()) if s.uri]
    if not roles:
        raise CommandError("no printer configured: python -m print_bridge set-printer receipt tcp://HOST:9100")
    log.info("print bridge %s for %s: %s", __version__, config.store_name or config.store_id, ", ".join(roles))
    code = agent.run(once=args.once)
    log.info("print bridge stopped")
    return code


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, _frame: object) -> None:
        log.info("signal %d: finishing the current job and stopping", signum)
        stop.set()

    for name in ("SIGINT", "SIGTERM", "SIGBREAK"):  # SIGBREAK: Ctrl+Break on Windows consoles
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handler)


def _send(uri: str, data: bytes, profile: Profile) -> None:
    try:
        result = open_transport(uri).send(data, query_status=profile.language == "escpos")
    except (PrinterUnavailable, PrintInterrupted) as exc:
        raise CommandError(str(exc)) from exc
    problem = result.status_after.problem if result.status_after else None
    if problem:
        raise CommandError(f"sent, but {problem}")


def _render(path: str, profile: Profile, args: argparse.Namespace) -> bytes:
    try:
        pdf = Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        pages = rasterize_pdf(pdf, profile)
    except PdfError as exc:
        raise CommandError(f"{path}: {exc}") from exc
    options = PrintOptions(copies=args.copies, cut=not args.no_cut, drawer_kick=args.drawer)
    return encode(pages, profile, options)


def cmd_print(args: argparse.Namespace) -> int:
    profile = get_profile(args.profile, _profiles(args))
    data = _render(args.file, profile, args)
    _send(args.printer, data, profile)
    print(f"sent {len(data)} bytes to {args.printer}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    profile = get_profile(args.profile, _profiles(args))
    data = _render(args.file, profile, args)
    Path(args.output).write_bytes(data)
    print(f"wrote {len(data)} bytes of {profile.language.upper()} to {args.output}")
    return 0


def cmd_test_page(args: argparse.Namespace) -> int:
    profiles = _profiles(args)
    if args.printer:
        if not args.profile:
            raise CommandError("--printer needs --profile")
        targets = [(args.printer, get_profile(args.profile, profiles))]
    else:
        config = _load(args)
        targets = []
        for role, setup in sorted(config.printers.items()):
            if setup.uri and (args.role is None or args.role == role):
                if not setup.profile:
                    raise CommandError(f"{role}: no profile set (set-printer {role} URI --profile NAME)")
                targets.append((setup.uri, get_profile(args.profile or setup.profile, profiles)))
        if not targets:
            raise CommandError("no printer configured; give --printer URI --profile NAME")
    for uri, profile in targets:
        data = encode([build_test_page(profile)], profile, PrintOptions())
        _send(uri, data, profile)
        print(f"test page sent to {uri} ({profile.name})")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    try:
        status = open_transport(args.printer).query_status()
    except PrinterUnavailable as exc:
        raise CommandError(str(exc)) from exc
    if status is None:
        print(f"{args.printer}: no status answer (not an ESC/POS printer, or status is not supported)")
        return 1
    print(f"{args.printer}: {status.problem or 'ready'}")
    return 0 if status.problem is None else 1


def cmd_profiles(args: argparse.Namespace) -> int:
    print(json.dumps([p.to_dict() for _, p in sorted(_profiles(args).items())], indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m print_bridge", description="Sambung store-PC print bridge")
    parser.add_argument("--config", help=f"config file (default {default_config_path()})")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("pair", help="pair this PC with the store using a code from the back office")
    p.add_argument("code")
    p.add_argument("--api", help="API base URL, e.g. https://kasir.example.id/api")
    p.add_argument("--name", default=socket.gethostname(), help="station name shown in the back office")
    p.set_defaults(func=cmd_pair)

    p = sub.add_parser("set-printer", help="set the printer for a role (receipt or label)")
    p.add_argument("role")
    p.add_argument("uri", help="tcp://HOST[:9100], dev:DEVICE or file:PATH")
    p.add_argument("--profile", help="profile for jobs that do not name one")
    p.set_defaults(func=cmd_set_printer)

    p = sub.add_parser("run", help="poll for print jobs and print them")
    p.add_argument("--once", action="store_true", help="print what is waiting, then exit")
    p.add_argument("--poll", type=float, default=AgentSettings.poll_interval, help="seconds between polls when idle")
    p.set_defaults(func=cmd_run)

    for name, helptext in (("print", "print a PDF on a printer"), ("render", "write the printer bytes for a PDF")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("file")
        if name == "print":
            p.add_argument("--printer", required=True, help="tcp://HOST[:9100], dev:DEVICE or file:PATH")
        else:
            p.add_argument("-o", "--output", required=True)
        p.add_argument("--profile", required=True)
        p.add_argument("--copies", type=int, default=1)
        p.add_argument("--no-cut", action="store_true", help="do not cut after each page")
        p.add_argument("--drawer", action="store_true", help="open the cash drawer")
        p.set_defaults(func=cmd_print if name == "print" else cmd_render)

    p = sub.add_parser("test-page", help="print the test page")
    p.add_argument("--printer")
    p.add_argument("--profile")
    p.add_argument("--role", help="only this role's printer (from the config)")
    p.set_defaults(func=cmd_test_page)

    p = sub.add_parser("status", help="query an ESC/POS printer's status (DLE EOT)")
    p.add_argument("--printer", required=True)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("profiles", help="list known printer profiles")
    p.set_defaults(func=cmd_profiles)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except (CommandError, ConfigError, ProfileError, ApiUnreachable, ApiError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
