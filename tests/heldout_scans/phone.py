"""ho_phone: a phone photo of a page lying on a desk, not quite flat.

The sheet curls up at an edge, keeps the crease of being folded for an envelope, or cockles;
the phone is held at a tilt and rolled a little; the room light gives a colour cast and the phone
(or the hand holding it) casts a soft shadow; the lens vignettes and is focused on one part of
the page; the phone denoises, sharpens and saves a JPEG, often recompressed by a chat app.

Geometry is exact rather than a warp that looks about right: the page is a developable surface
(bent along one axis, so arc length is preserved), seen by a pinhole camera straight above, and
the tilt is a rotation of that camera about its centre, which is a homography. Both steps invert
in closed form, so every photo pixel looks up its page pixel.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, np_rng
from .optics import (
    blur,
    desk,
    f32,
    jpeg,
    paper,
    sensor_noise,
    sharpen,
    smooth_noise,
    transform_points,
    u8,
)
from .seal import press_seals

PHOTO_LONG_SIDES = (1920, 2560, 3024, 4032)
"""Chat-app recompressed sizes and phone camera originals."""


@dataclass
class Surface:
    """The bent page: height ``z`` above the desk along the bending axis, sampled per page pixel."""

    axis: int  # 0: bent along x (the profile varies across the page), 1: along y
    z: np.ndarray  # height at each arc-length sample s = 0..n-1 (page pixels)
    creases: list[float]

    def slope(self) -> np.ndarray:
        return np.gradient(self.z)

    def base(self) -> np.ndarray:
        """Position on the desk plane of each arc-length sample (shorter than s where the page rises)."""
        dx = np.cos(np.arctan(self.slope()))
        return np.concatenate([[0.0], np.cumsum((dx[1:] + dx[:-1]) / 2)])


def _surface(length: int, axis: int, rng: random.Random) -> tuple[Surface, dict]:
    s = np.arange(length, dtype=np.float64)
    kind = rng.choice(("curl", "curl", "fold", "fold", "cockle"))
    creases: list[float] = []
    if kind == "curl":
        both = rng.random() < 0.3
        start = rng.uniform(0.45, 0.75) * length
        amp = rng.uniform(0.05, 0.13) * length
        z = amp * np.clip((s - start) / (length - start), 0, None) ** 2
        if both:
            z = z + z[::-1] * rng.uniform(0.5, 1.0)
        elif rng.random() < 0.5:
            z = z[::-1].copy()
        params = {"kind": "curl", "both_edges": both, "lift": amp / length}
    elif kind == "fold":
        folds = rng.choice((1, 2))
        creases = [length / 2 + rng.uniform(-0.04, 0.04) * length] if folds == 1 else [length / 3, 2 * length / 3]
        amp = rng.uniform(0.02, 0.06) * length
        knots = [0.0, *creases, float(length - 1)]
        heights = [0.0] + [amp if i % 2 == 0 else 0.0 for i in range(len(creases))] + [0.0]
        if rng.random() < 0.5:  # valley instead of ridge: the edges rise
            heights = [amp - h for h in heights]
        z = np.interp(s, knots, heights)
        k = max(3, int(length * 0.004)) | 1  # a crease is sharp but not a mathematical corner
        z = cv2.GaussianBlur(z.reshape(1, -1), (k, 1), 0).ravel()
        params = {"kind": "fold", "creases": [c / length for c in creases], "height": amp / length}
    else:
        wl = length / rng.uniform(1.3, 3.0)
        amp = rng.uniform(0.006, 0.015) * length
        z = amp * (1 + np.sin(2 * math.pi * s / wl + rng.uniform(0, 2 * math.pi)))
        params = {"kind": "cockle", "wavelength": wl / length, "height": amp / length}
    return Surface(axis=axis, z=z, creases=creases), params


def _rotation(tilt_x: float, tilt_y: float, roll: float) -> np.ndarray:
    a, b, c = (math.radians(v) for v in (tilt_x, tilt_y, roll))
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    ry = np.array([[math.cos(b), 0, math.sin(b)], [0, 1, 0], [-math.sin(b), 0, math.cos(b)]])
    rz = np.array([[math.cos(c), -math.sin(c), 0], [math.sin(c), math.cos(c), 0], [0, 0, 1]])
    return rz @ ry @ rx


class Camera:
    """Page (s, t) -> frontal image (u, v) -> photo, and back."""

    def __init__(self, surface: Surface, pw: int, ph: int, distance: float) -> None:
        self.surface, self.pw, self.ph, self.d = surface, pw, ph, distance
        base = surface.base()
        self.k = distance / (distance - surface.z)  # magnification of a lifted point
        across = pw if surface.axis == 0 else ph
        self.along_c = base[-1] / 2
        self.other_c = (ph if surface.axis == 0 else pw) / 2
        self.U = (base - self.along_c) * self.k  # frontal coordinate of each arc-length sample
        self.n = across

    def monotonic(self) -> bool:
        return bool(np.all(np.diff(self.U) > 0))

    def forward(self, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Page points (s along the bending axis, t across it) to frontal (x, y), centred on 0."""
        idx = np.clip(s, 0, self.n - 1)
        u = np.interp(idx, np.arange(self.n), self.U)
        k = np.interp(idx, np.arange(self.n), self.k)
        v = (t - self.other_c) * k
        return np.stack([u, v], -1) if self.surface.axis == 0 else np.stack([v, u], -1)

    def inverse(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Frontal (x, y) to page pixel coordinates (px, py), extended linearly past the page's
        edges (so the map stays smooth); off the page means outside 0..size-1."""
        u, v = (x, y) if self.surface.axis == 0 else (y, x)
        idx = np.arange(self.n, dtype=np.float64)
        s = np.interp(u, self.U, idx)
        s = np.where(u < self.U[0], (u - self.U[0]) / (self.U[1] - self.U[0]), s)
        s = np.where(u > self.U[-1], self.n - 1 + (u - self.U[-1]) / (self.U[-1] - self.U[-2]), s)
        k = np.interp(s, idx, self.k)
        t = v / k + self.other_c
        return (s, t) if self.surface.axis == 0 else (t, s)

    def page_outline(self) -> np.ndarray:
        pts = []
        for a in np.linspace(0, 1, 30):
            pts += [(a * self.pw, 0), (a * self.pw, self.ph), (0, a * self.ph), (self.pw, a * self.ph)]
        p = np.array(pts)
        s, t = (p[:, 0], p[:, 1]) if self.surface.axis == 0 else (p[:, 1], p[:, 0])
        return self.forward(s, t)


def _shading(surface: Surface, rng: random.Random) -> tuple[np.ndarray, list[float]]:
    """Light on the bent page from one side and above: a profile along the bending axis."""
    light = np.array([rng.uniform(-0.6, 0.6), 0.0, 1.0])
    light /= np.linalg.norm(light)
    slope = surface.slope()
    nrm = np.stack([-slope, np.zeros_like(slope), np.ones_like(slope)], -1)
    nrm /= np.linalg.norm(nrm, axis=1, keepdims=True)
    ambient = rng.uniform(0.5, 0.7)
    lit = ambient + (1 - ambient) * np.clip(nrm @ light, 0, 1) / max(1e-6, light[2])
    lit = lit / lit.max()
    s = np.arange(len(lit))
    for c in surface.creases:  # the crease itself: a thin dark line with a bright lip
        w = max(1.0, len(lit) * 0.0008)
        lit = lit * (1 - 0.18 * np.exp(-(((s - c) / w) ** 2))) * (1 + 0.05 * np.exp(-(((s - c - 2.5 * w) / w) ** 2)))
    return lit.astype(np.float32), light.tolist()


def _cast_shadow(h: int, w: int, rng: random.Random, g: np.random.Generator) -> tuple[np.ndarray, dict]:
    """The soft shadow of the phone and the hand holding it, falling across part of the page."""
    if rng.random() < 0.25:
        return np.ones((h, w), np.float32), {"shadow": None}
    ang = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)  # a coarse grid: the shadow is soft
    d = (xs - w / 2) * math.cos(ang) + (ys - h / 2) * math.sin(ang)
    d = d + smooth_noise(h, w, g, 2) * 0.08 * max(h, w)  # the edge of a hand is not straight
    edge = rng.uniform(0.15, 0.45) * max(h, w)
    soft = rng.uniform(0.02, 0.06) * max(h, w)
    mask = 1 / (1 + np.exp(-(d - edge) / soft))
    depth = rng.uniform(0.2, 0.42)
    return (1 - depth * mask).astype(np.float32), {
        "shadow": {"angle": ang, "depth": depth, "softness": soft / max(h, w)}
    }


class Phone(Family):
    name = "ho_phone"
    kind = "jpg"
    dpis = (200, 250, 300)
    summary = "phone photo of a curled or folded page: perspective, cast shadow, colour cast, vignetting, JPEG"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        ph, pw = page.shape[:2]
        img = paper(f32(page), g, (rng.uniform(225, 245), rng.uniform(232, 248), rng.uniform(236, 250)), 2.5)
        seals = press_seals(img, page, ctx, rng, table_chance=0.3)
        for _ in range(8):  # a bend steep enough to fold over on itself is drawn again
            axis = rng.choice((0, 1))
            surface, bend = _surface(pw if axis == 0 else ph, axis, rng)
            cam = Camera(surface, pw, ph, distance=ph * rng.uniform(1.1, 1.5))
            if cam.monotonic():
                break
        lit, light = _shading(surface, rng)
        img = img * (lit[None, :, None] if surface.axis == 0 else lit[:, None, None])
        hom, size, framing = _framing(cam, rng)
        out, placed = _photograph(img, cam, hom, size, rng, g)
        out, lens = _camera_pipeline(out, rng, g)
        params = {
            "bend": bend,
            "bend_axis": "x" if surface.axis == 0 else "y",
            "light": light,
            **framing,
            **placed,
            **lens,
            "seals": seals,
        }
        return u8(out), params


def _framing(cam: Camera, rng: random.Random) -> tuple[np.ndarray, tuple[int, int], dict]:
    """Frame size, tilt and roll of the phone; the page is kept whole in the frame with desk around it.

    Returns the homography from the frontal image (page units, centred) to photo pixels.
    """
    long_side = rng.choice(PHOTO_LONG_SIDES)
    H, W = long_side, round(long_side * 0.75)
    fill = rng.uniform(0.74, 0.9)
    f = H / (2 * math.tan(math.radians(rng.uniform(24, 30))))  # vertical half-angle of a main camera
    tilt = (rng.uniform(-14, 14), rng.uniform(-10, 10), rng.uniform(-5, 5))
    k = np.array([[f, 0, W / 2], [0, f, H / 2], [0, 0, 1]])
    outline = cam.page_outline()
    base_scale = fill * H / (outline[:, 1].max() - outline[:, 1].min())
    centre = np.array([[base_scale, 0, W / 2], [0, base_scale, H / 2], [0, 0, 1]])
    hom = k @ _rotation(*tilt) @ np.linalg.inv(k) @ centre
    corners = transform_points(hom, outline)
    span = corners.max(0) - corners.min(0)
    margin = rng.uniform(0.02, 0.06)
    shrink = min(1.0, (1 - 2 * margin) * W / span[0], (1 - 2 * margin) * H / span[1])
    mid = (corners.max(0) + corners.min(0)) / 2
    room = np.maximum(0, (np.array([W, H]) * (1 - 2 * margin) - span * shrink) / 2)
    offset = np.array([rng.uniform(-1, 1), rng.uniform(-1, 1)]) * room
    fit = np.array(
        [
            [shrink, 0, W / 2 + offset[0] - shrink * mid[0]],
            [0, shrink, H / 2 + offset[1] - shrink * mid[1]],
            [0, 0, 1],
        ]
    )
    return fit @ hom, (W, H), {"photo_px": [W, H], "fill": fill, "tilt_roll": list(tilt)}


def _photograph(
    img: np.ndarray, cam: Camera, hom: np.ndarray, size: tuple[int, int], rng: random.Random, g: np.random.Generator
) -> tuple[np.ndarray, dict]:
    """Every photo pixel looks up its page pixel (photo -> frontal -> page); the desk shows elsewhere.

    The map is smooth, so it is computed on a coarse grid and interpolated; the page is first
    reduced when the photo sees it coarser than it was rendered.
    """
    W, H = size
    ph, pw = img.shape[:2]
    step = 4
    gy, gx = np.mgrid[0 : H // step, 0 : W // step].astype(np.float64) * step + (step - 1) / 2
    inv = np.linalg.inv(hom)
    den = inv[2, 0] * gx + inv[2, 1] * gy + inv[2, 2]
    cx, cy = cam.inverse(
        (inv[0, 0] * gx + inv[0, 1] * gy + inv[0, 2]) / den, (inv[1, 0] * gx + inv[1, 1] * gy + inv[1, 2]) / den
    )
    row = cx.shape[0] // 2
    scale = float(np.median(np.hypot(np.diff(cx[row]), np.diff(cy[row])))) / step  # page px per photo px
    if scale > 1.1:
        img = cv2.resize(img, (round(pw / scale), round(ph / scale)), interpolation=cv2.INTER_AREA)
        cx, cy = cx / scale, cy / scale
    mx = cv2.resize(cx.astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
    my = cv2.resize(cy.astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
    seen = cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    ones = np.ones(img.shape[:2], np.float32)
    alpha = cv2.remap(ones, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    del mx, my
    kind = rng.choice(("wood", "cloth", "desk"))
    back = desk(H, W, g, kind)
    coarse = cv2.resize(alpha, (W // step, H // step), interpolation=cv2.INTER_AREA)
    coarse = cv2.GaussianBlur(coarse, (0, 0), max(1.0, W * 0.006 / step))  # the page's own shadow on the desk
    back *= (1 - 0.35 * cv2.resize(coarse, (W, H), interpolation=cv2.INTER_LINEAR))[..., None]
    out = seen * alpha[..., None] + back * (1 - alpha[..., None])
    return out, {"page_px_per_photo_px": scale, "surface": kind}


def _camera_pipeline(out: np.ndarray, rng: random.Random, g: np.random.Generator) -> tuple[np.ndarray, dict]:
    """Room light and lens, then what the phone does: denoise, sharpen, JPEG."""
    H, W = out.shape[:2]
    ch, cw = H // 4, W // 4  # smooth fields are computed coarse
    shadow, shadow_params = _cast_shadow(ch, cw, rng, g)
    ys, xs = np.mgrid[0:ch, 0:cw].astype(np.float32)
    r2 = ((xs - cw / 2) ** 2 + (ys - ch / 2) ** 2) / ((cw / 2) ** 2 + (ch / 2) ** 2)
    vignette = rng.uniform(0.1, 0.3)
    gain = shadow * (1 - vignette * r2) * rng.uniform(0.88, 1.02)
    gain = cv2.resize(gain, (W, H), interpolation=cv2.INTER_LINEAR)
    cast = rng.choice(((0.8, 0.93, 1.0), (0.88, 0.96, 1.0), (1.0, 0.98, 0.9), (0.95, 1.0, 0.93)))
    cast = tuple(c * rng.uniform(0.97, 1.03) for c in cast)
    out = out * gain[..., None] * np.array(cast, np.float32)
    focus = rng.uniform(0.5, 1.2) * max(H, W) / 3000
    soft = blur(out, focus * 1.8)
    falloff = np.clip(smooth_noise(H, W, g, 1.5) * 0.5 + 0.5, 0, 1)[..., None]  # depth of field: one part sharp
    out = blur(out, focus) * (1 - falloff) + soft * falloff
    del soft
    motion = None
    if rng.random() < 0.25:
        length = rng.randint(2, 4)
        a = rng.uniform(0, math.pi)
        dx, dy = round(length * math.cos(a)), round(length * math.sin(a))
        kern = np.zeros((length * 2 + 1, length * 2 + 1), np.float32)
        cv2.line(kern, (length - dx, length - dy), (length + dx, length + dy), 1.0, 1)
        out = cv2.filter2D(out, -1, kern / kern.sum())
        motion = {"length": length, "angle": a}
    noise = rng.uniform(2.0, 6.0)
    out = sensor_noise(out, g, noise, chroma=noise * 0.5)
    out = blur(out, 0.6)  # the phone's denoiser
    out = sharpen(out, 1.6, rng.uniform(0.3, 0.9))
    quality = rng.randint(60, 88)
    lens = {
        **shadow_params,
        "vignette": vignette,
        "colour_cast": list(cast),
        "focus_blur": focus,
        "motion_blur": motion,
        "noise": noise,
        "jpeg": quality,
    }
    return jpeg(out, quality), lens
