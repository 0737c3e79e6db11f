"""Per-job print options shared by every encoder."""
from __future__ import annotations

from dataclasses import dataclass

MAX_COPIES = 99


@dataclass(frozen=True)
class PrintOptions:
    """What a job asks for beyond its pages (the cloud job's ``copies``/``cut``/``drawer_kick``)."""

    copies: int = 1
    cut: bool = True
    drawer_kick: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.copies, int) or isinstance(self.copies, bool) or not 1 <= self.copies <= MAX_COPIES:
            raise ValueError(f"copies must be an integer in 1..{MAX_COPIES}, not {self.copies!r}")
