"""Entry point for ``python -m print_bridge``."""
import sys

from .cli import main

sys.exit(main())
