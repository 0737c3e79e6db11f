"""Stamps sw.js's VERSION with a hash of the app-shell files it lists.

Browsers look for a new service worker only when sw.js itself changes, so any change to a shell
file must change sw.js too. Run after editing the kiosk: ``python3 kiosk_pwa/stamp_sw.py``
(``--check`` exits 1 when the stamp is stale; the browser suite checks it as well).
"""
from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SW = HERE / "sw.js"
_VERSION = re.compile(r'^const VERSION = "([0-9a-f]*)";', re.M)


def shell_paths(sw_text: str) -> list[str]:
    block = re.search(r"const SHELL = \[(.*?)\];", sw_text, re.S)
    if block is None:
        raise SystemExit("sw.js has no SHELL list")
    return re.findall(r'"([^"]+)"', block.group(1))


def shell_version(sw_text: str) -> str:
    digest = hashlib.sha256()
    # sw.js itself counts without its stamp, so editing the worker's code also moves the version.
    digest.update(_VERSION.sub('const VERSION = "";', sw_text).encode())
    for path in shell_paths(sw_text):
        digest.update(path.encode() + b"\0" + (HERE / path).read_bytes())
    return digest.hexdigest()[:12]


def main(argv: list[str]) -> int:
    text = SW.read_text()
    wanted = shell_version(text)
    current = _VERSION.search(text).group(1)
    if "--check" in argv:
        if current != wanted:
            print(f"sw.js VERSION is {current!r}, the shell says {wanted!r}: run python3 kiosk_pwa/stamp_sw.py")
            return 1
        return 0
    SW.write_text(_VERSION.sub(f'const VERSION = "{wanted}";', text))
    print(f"sw.js VERSION = {wanted}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
