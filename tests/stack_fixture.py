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
        """Seconds until /api/health answers 200 and the state file is written; raises if the stack
        exits first or ``timeout`` passes (and stops it), quoting the end of its log."""
        start = time.monotonic()
        last = "no answer yet"
        while time.monotonic() - start < timeout:
            if self.proc.poll() is not None:
                tail = self._log_tail()
                self.log.close()
                raise RuntimeError(f"local stack exited with {self.proc.returncode} before it was healthy; "
                                   f"end of {self.log.name}:\n{tail}")
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=2) as r:
                    if r.status == 200 and self.state_file.exists():
                        return time.monotonic() - start
                    last = f"health {r.status}, state file {'present' if self.state_file.exists() else 'missing'}"
            except OSError as e:
                last = f"{type(e).__name__}: {e}"
            time.sleep(0.2)
        tail = self._log_tail()
        self.stop()
        raise TimeoutError(f"local stack at {self.url} not healthy after {timeout:g}s (last: {last}); "
                           f"end of {self.log.name}:\n{tail}")

    def _log_tail(self, lines: int = 30) -> str:
        self.log.flush()
        try:
            return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])
        except OSError as e:
            return f"(log unreadable: {e})"

    def stop(self) -> int:
        if self.log.closed:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = -9
        self.log.close()
        return code
