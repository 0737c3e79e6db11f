"""Printer languages: turn page rasters into the bytes a printer executes.

One module per language, each exposing ``encode(pages, profile, options) -> bytes``;
:func:`encode` picks the one the profile names.
"""
from __future__ import annotations

from typing import Sequence

from ..profiles import Profile
from ..raster import Raster
from . import escpos, tspl, zpl
from .options import PrintOptions

__all__ = ["PrintOptions", "encode"]

_ENCODERS = {"escpos": escpos.encode, "tspl": tspl.encode, "zpl": zpl.encode}


def encode(pages: Sequence[Raster], profile: Profile, options: PrintOptions = PrintOptions()) -> bytes:
    """The complete byte stream for one job on a printer described by ``profile``."""
    for page in pages:
        if page.width != profile.width_dots:
            raise ValueError(f"page is {page.width} dots wide; profile {profile.name!r} prints {profile.width_dots}")
    return _ENCODERS[profile.language](pages, profile, options)
