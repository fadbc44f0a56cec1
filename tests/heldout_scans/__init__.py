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
from .marked import Marked
from .phone import Phone
from .photocopy import Photocopy

FAMILIES: dict[str, Family] = {f.name: f for f in (Flatbed(), Bitonal(), Photocopy(), Phone(), Marked())}
FAMILIES.update({f.name: f for f in (Fax(), AdfCopier(), Reprint(), Filed())})  # round 7, maker7a: office and archive
FAMILIES.update({f.name: f for f in (ScanApp(), Binder(), Screen(), Glass())})  # round 7, maker7b: cameras and apps

__all__ = ["FAMILIES", "Family", "PageContext"]
