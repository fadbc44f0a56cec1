"""Held-out scan degradations: archive conditions the OCR developers measure but never look at.

``FAMILIES`` maps a family name to an object with ``kind``, ``choose_dpi(rng)`` and
``degrade_page(page, rng, ctx)`` (see ``base.Family``).
"""

from __future__ import annotations

from .base import Family, PageContext
from .bitonal import Bitonal
from .flatbed import Flatbed
from .m7a_adf import AdfCopier
from .m7a_fax import Fax
from .m7a_filed import Filed
from .m7a_reprint import Reprint
from .m7b_binder import Binder
from .m7b_glass import Glass
from .m7b_scanapp import ScanApp
from .m7b_screen import Screen
from .m8b_appscan import AppScan
from .m8b_forward import Forward
from .m8b_gaopai import Gaopai
from .m8b_volume import Volume
from .marked import Marked
from .phone import Phone
from .photocopy import Photocopy

FAMILIES: dict[str, Family] = {f.name: f for f in (Flatbed(), Bitonal(), Photocopy(), Phone(), Marked())}
FAMILIES.update({f.name: f for f in (Fax(), Filed())})  # round 7, maker7a: office and archive
FAMILIES.update({f.name: f for f in (Binder(), Glass())})  # round 7, maker7b: cameras and apps
FAMILIES.update({f.name: f for f in (Forward(), Gaopai(), Volume(), AppScan())})  # round 8, maker8b
RELEASED: dict[str, Family] = {f.name: f for f in (AdfCopier(), Reprint(), ScanApp(), Screen())}
"""Round 7's makers wrote four families each without reading the reader or our generator; two of each
maker's four were drawn by lot (``random.SystemRandom().sample``, before any of them was run) and released
for tuning as own levels (``in7_``); the other two stay held out (``ho7_``) with the five above."""
WRITTEN_INDEPENDENTLY: dict[str, Family] = FAMILIES | RELEASED
"""Every family here, held out or released: what the contract tests check."""

__all__ = ["FAMILIES", "RELEASED", "WRITTEN_INDEPENDENTLY", "Family", "PageContext"]
