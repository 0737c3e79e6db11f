"""Runs the real local stack (``python -m infra.local``) in a child process for end-to-end and browser tests."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class RunningStack:
    def __init__(self, tmp: Path):
        from infra.local.stack import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.state_file = tmp / "local-stack.json"
        self.log = open(tmp / "local-stack.log", "w")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SAMBUNG_"))}
        self.proc = subprocess.Popen([sys.executable, "-m", "infra.local", "--port", str(self.port),
                                      "--state-file", str(self.state_file)],
                                     cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.started_in = self._wait_healthy()
        self.state = json.loads(self.state_file.read_text())

    def _wait_healthy(self, timeout: float = 90) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"local stack exited: see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=2) as r:
                    if r.status == 200 and self.state_file.exists():
                        return time.monotonic() - start
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError("local stack did not become healthy")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = -9
        self.log.close()
        return code
