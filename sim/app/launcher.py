"""``kpisim app``: start the trainers' browser app (:mod:`sim.app.page`) with ``solara run``.

The server runs in production mode, without usage telemetry and with its front-end
assets served locally (``solara-assets``), so it works with no internet.  It listens on
127.0.0.1 (this computer only) unless ``--host`` asks for another address, e.g.
``--host 0.0.0.0`` to let the trainees' browsers in a classroom reach it.
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

from .export import DEFAULT_EXPORT_DIR, EXPORT_DIR_ENV
from .settings import CENTRE_ENV

#: Default address: this computer only.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: The Solara page (a module path: ``solara run sim.app.page``).
APP_MODULE = "sim.app.page"

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9-]+)*$"
)

EPILOG = """\
examples:
  kpisim app                          this computer only: http://127.0.0.1:8765
  kpisim app --port 9000 --no-open
  kpisim app --host 0.0.0.0           a classroom: trainees open http://<your address>:8765
  kpisim app --export-dir slides/png  where "Export charts as PNG" writes
  kpisim app centre=example           every lesson runs on a centre of configs/centre/

Every browser tab gets its own simulation.  Binding to another address than 127.0.0.1
lets anyone on that network open the app: do it on a trusted (classroom) network only.
"""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of exiting, so main() returns a code."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise _UsageError(f"kpisim app: {message}")


class _UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``kpisim app``."""
    p = _Parser(
        prog="kpisim app",
        description="Start the trainers' browser app (a Solara server) and print its address.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this computer only; "
        "0.0.0.0 = every network interface, for a classroom)",
    )
    p.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"TCP port, 1-65535, or 0 for any free port (default {DEFAULT_PORT})",
    )
    p.add_argument(
        "--export-dir",
        type=Path,
        default=DEFAULT_EXPORT_DIR,
        help=f"folder for the exported PNG charts (default {DEFAULT_EXPORT_DIR})",
    )
    p.add_argument("--no-open", action="store_true", help="do not open a web browser")
    p.add_argument(
        "centre",
        nargs="?",
        default="",
        metavar="centre=NAME",
        help="run every lesson on this centre (a file of configs/centre/; default: the "
        "generic centre)",
    )
    return p


def check_centre_arg(arg: str) -> str:
    """The centre name of a ``centre=NAME`` argument ("" for none), checked against
    ``configs/centre/``; raises ``ValueError`` with a one-line message.

    Parameters
    ----------
    arg : str
        The command line's one ``key=value`` word, or "" when there is none.
    """
    if not arg:
        return ""
    from ..cliargs import Arg, parse_key_values
    from ..config import ConfigError, check_centre

    try:
        name = parse_key_values([arg], [Arg("centre")], "kpisim app")[0]["centre"]
        check_centre(name)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None
    return name


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535, or 0)")
    return port


def check_host(host: str) -> str:
    """Accept an IP address or a host name; raise ``ValueError`` otherwise.

    Parameters
    ----------
    host : str
        An IP address or a host name.
    """
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not _HOSTNAME.match(host):
        raise ValueError(f"--host {host!r} is not an IP address or a host name")
    return host


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this computer.

    Parameters
    ----------
    host : str
        An IP address or a host name.
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url(host: str, port: int) -> str:
    """The address to open in a browser.

    Parameters
    ----------
    host : str
        An IP address or a host name.
    port : int
        TCP port, 1-65535.
    """
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that is free on ``host`` right now.

    Parameters
    ----------
    host : str
        An IP address or a host name.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_available(host: str, port: int) -> bool:
    """True when ``port`` can be bound on ``host``.

    Parameters
    ----------
    host : str
        An IP address or a host name.
    port : int
        TCP port, 1-65535.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def server_command(host: str, port: int, open_browser: bool) -> list[str]:
    """The ``solara run`` command line of the app.

    Parameters
    ----------
    host : str
        An IP address or a host name.
    port : int
        TCP port, 1-65535.
    open_browser : bool
        Whether solara opens a browser tab once it serves.
    """
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--open" if open_browser else "--no-open",
        "--log-level",
        "warning",
    ]


def server_env(export_dir: Path, centre: str = "") -> dict[str, str]:
    """The server's environment: telemetry off, export folder, offline assets, and the
    centre every lesson runs on (``""``: the generic centre).

    Parameters
    ----------
    export_dir : Path
        Folder the "Export charts as PNG" button writes into.
    centre : str
        The centre every lesson runs on ("" = the generic centre).
    """
    env = dict(os.environ)
    env[CENTRE_ENV] = centre
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    env["SOLARA_THEME_SHOW_BANNER"] = "false"  # the "runs on Solara" badge covered content
    env[EXPORT_DIR_ENV] = str(export_dir)
    # reacton's opt-in renderer (present in reacton 1.11.1, tested upstream against the
    # default one), which walks only the part of the page where state changed: after a step the
    # live part, not the sidebar (docs/app.md, Speed). REACTON_FAST=0 in the environment
    # keeps the default renderer; an older reacton ignores the variable.
    env.setdefault("REACTON_FAST", "1")
    # make `sim` importable by the server even when run from another folder
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``kpisim app``; returns the exit code.

    Parameters
    ----------
    argv : list of str, optional
        The words after ``kpisim app`` (default: the process's command line).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        host = check_host(args.host)
        centre = check_centre_arg(args.centre)
    except ValueError as exc:
        print(f"kpisim app: {exc}", file=sys.stderr)
        return 2
    for module in ("solara", "mesa.visualization"):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            print(
                f"kpisim app: {module} is not installed: pip install -e '.[app]'",
                file=sys.stderr,
            )
            return 2
    export_dir = args.export_dir.expanduser().resolve()
    try:
        export_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"kpisim app: cannot create --export-dir {export_dir}: {exc}", file=sys.stderr)
        return 2
    try:
        port = args.port or free_port(host)
        if not port_available(host, port):
            print(
                f"kpisim app: cannot listen on {host} port {port} (in use, or not an address "
                "of this computer); choose another with --port",
                file=sys.stderr,
            )
            return 2
    except OSError as exc:
        print(f"kpisim app: cannot listen on {host}: {exc}", file=sys.stderr)
        return 2

    print(f"kpisim app: open {url(host, port)} in a web browser (Ctrl+C stops the server)")
    if not is_loopback(host):
        print(
            f"kpisim app: listening on {host}: other computers on this network can open "
            f"http://<this computer's address>:{port} — use this on a trusted network only",
        )
    if centre:
        print(f"kpisim app: every lesson runs on the centre {centre!r} (configs/centre/)")
    print(f"kpisim app: exported charts go to {export_dir}", flush=True)
    proc = subprocess.Popen(
        server_command(host, port, open_browser=not args.no_open),
        env=server_env(export_dir, centre),
    )

    def _stop(signum: int, _frame: object) -> None:  # SIGTERM: stop the server too
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        print("kpisim app: stopped", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    raise SystemExit(main())
