"""``make bench``: run every benchmark module under bench/ that has a ``main()``, one after another."""
import importlib
import pkgutil
import sys
from pathlib import Path

for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
    if info.name.startswith("bench_"):
        print(f"== {info.name}", flush=True)
        module = importlib.import_module(f"bench.{info.name}")
        if hasattr(module, "main"):
            sys.argv = [info.name, "--write"]
            module.main()
