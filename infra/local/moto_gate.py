"""moto in server mode behind one lock.

moto's backends are not safe under concurrent requests (a conditional write can be checked and
applied by two threads at once; see shared/reference/serverless.md §4), while DynamoDB's real
conditions are atomic. Serialising every request makes moto behave like the real service for the
conditions our integrity rules depend on.
"""
from __future__ import annotations

import argparse
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server


class SerialisedApp:
    def __init__(self, app):
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self._lock:
            # Materialise the body inside the lock: moto may build it lazily from backend state.
            return list(self._app(environ, start_response))


class QuietHandler(MotoRequestHandler):
    def log_request(self, *args, **kwargs):  # one line per AWS call drowns everything else
        pass


class MotoGate:
    """A lock-wrapped moto server on loopback; ``port=0`` picks a free port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self._server = make_server(host, port, SerialisedApp(DomainDispatcherApplication(create_backend_app)),
                                   threaded=True, request_handler=QuietHandler)
        self.port = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = None

    def start(self) -> "MotoGate":
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        if self._thread:
            self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description="moto server, one request at a time")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    gate = MotoGate(args.host, args.port)
    print(f"moto listening on {gate.url}", flush=True)
    try:
        gate.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
