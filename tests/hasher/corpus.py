"""The conformance corpus: images generated here, photographic-like and synthetic, in every format
and pixel layout the browser hasher must match `pdqhash` on."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageDraw


def photo(w: int, h: int, seed: int) -> np.ndarray:
    """Smooth gradients, soft blobs, hard-edged shapes and sensor-like noise (RGB, uint8)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    fx, fy = rng.uniform(8, 60, 2)
    base = np.stack(
        [
            120 + 90 * np.sin(x / (fx * w / 640 + 1)) * np.cos(y / (fy * h / 480 + 1)),
            255 * x / max(w - 1, 1),
            255 * (1 - y / max(h - 1, 1)),
        ],
        axis=-1,
    )
    for _ in range(6):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.05, 0.4) * max(w, h)
        blob = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))[..., None]
        base += blob * rng.uniform(-80, 80, 3)
    img = Image.fromarray(np.clip(base + rng.normal(0, 6, (h, w, 3)), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(8):
        x0, y0 = rng.uniform(-0.1, 1.0, 2) * (w, h)
        x1, y1 = x0 + rng.uniform(0.05, 0.5) * w, y0 + rng.uniform(0.05, 0.5) * h
        fill = tuple(int(v) for v in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=fill)
    return np.asarray(img)


def alpha_ramp(w: int, h: int) -> np.ndarray:
    """Alpha from 0 (left) to 255 (right), with a fully transparent band of arbitrary colour."""
    a = np.tile(np.linspace(0, 255, w).astype(np.uint8), (h, 1))
    a[h // 3 : h // 2, :] = 0
    return a


def checkerboard(w: int, h: int, cell: int) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w]
    return np.where(((x // cell) + (y // cell)) % 2 == 0, 230, 25).astype(np.uint8)


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def display_p3_like_icc() -> bytes:
    """A small ICC v2 matrix/TRC RGB profile with Display P3 primaries (D50-adapted), gamma 2.2.

    Phone photos often carry Display P3; a browser that colour-managed them would shift pixels.
    """

    def xyz(v: tuple[float, float, float]) -> bytes:
        return b"XYZ " + b"\0" * 4 + b"".join(_s15(c) for c in v)

    desc_text = b"Display P3-like test profile\0"
    desc = b"desc" + b"\0" * 4 + struct.pack(">I", len(desc_text)) + desc_text
    desc += b"\0" * 8 + b"\0" * 3 + b"\0" * 67  # empty Unicode and ScriptCode parts
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz((0.9642, 1.0, 0.8249))),
        (b"rXYZ", xyz((0.515102, 0.241196, -0.001053))),
        (b"gXYZ", xyz((0.291965, 0.692245, 0.041882))),
        (b"bXYZ", xyz((0.157153, 0.066561, 0.784378))),
        (b"rTRC", b"curv" + b"\0" * 4 + struct.pack(">IH", 1, 0x0233) + b"\0\0"),
        (b"gTRC", b"curv" + b"\0" * 4 + struct.pack(">IH", 1, 0x0233) + b"\0\0"),
        (b"bTRC", b"curv" + b"\0" * 4 + struct.pack(">IH", 1, 0x0233) + b"\0\0"),
        (b"cprt", b"text" + b"\0" * 4 + b"public domain\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for sig, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = struct.pack(">I", size) + b"lcms" + struct.pack(">I", 0x02100000)
    header += b"mntrRGB XYZ " + struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp"
    header += b"\0" * 24 + struct.pack(">I", 0)
    header += _s15(0.9642) + _s15(1.0) + _s15(0.8249) + b"\0" * 48
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def exif_bytes(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def _animated_gif(path: Path) -> None:
    frames = [Image.fromarray(photo(120, 90, s)).quantize(64) for s in (40, 41)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)


def _transparent_gif(path: Path) -> None:
    img = Image.fromarray(photo(300, 200, 42)).quantize(128)
    px = np.asarray(img).copy()
    px[50:120, 30:200] = 7  # a region painted with the transparent index
    out = Image.fromarray(px, "P")
    out.putpalette(img.getpalette())
    out.save(path, transparency=7)


def _rgba(w: int, h: int, seed: int) -> Image.Image:
    return Image.fromarray(np.dstack([photo(w, h, seed), alpha_ramp(w, h)]), "RGBA")


def _palette_trns(path: Path) -> None:
    img = Image.fromarray(photo(256, 200, 43)).quantize(200)
    img.save(path, transparency=3)


_ADAM7 = (
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
)


def _paeth(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def _filtered_rows(rows: np.ndarray, bpp: int, every_filter: bool) -> bytes:
    """PNG scanlines, each with its filter byte: filter 0 throughout, or filters 0..4 in turn."""
    out = b""
    prev = np.zeros(rows.shape[1], np.int32)
    for i, row in enumerate(rows.astype(np.int32)):
        kind = i % 5 if every_filter else 0
        a = np.concatenate([np.zeros(bpp, np.int32), row[:-bpp]])
        c = np.concatenate([np.zeros(bpp, np.int32), prev[:-bpp]])
        predictor = [0, a, prev, (a + prev) // 2, _paeth(a, prev, c)][kind]
        out += bytes([kind]) + ((row - predictor) % 256).astype(np.uint8).tobytes()
        prev = row
    return out


def _png16(
    path: Path, samples: np.ndarray, *, interlaced: bool = False, every_filter: bool = False
) -> None:
    """A 16-bit PNG written by hand (Pillow cannot write 16-bit RGB, nor interlaced or filtered
    rows): grey if 2-D, else RGB; optionally Adam7-interlaced, with every row filter in turn."""
    h, w = samples.shape[:2]
    colour = 0 if samples.ndim == 2 else 2
    bpp = 2 if samples.ndim == 2 else 6
    big = samples.astype(">u2")
    raw = b""
    for x0, y0, dx, dy in _ADAM7 if interlaced else ((0, 0, 1, 1),):
        part = big[y0::dy, x0::dx]
        if part.size:
            rows = np.frombuffer(part.tobytes(), np.uint8).reshape(part.shape[0], -1)
            raw += _filtered_rows(rows, bpp, every_filter)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", w, h, 16, colour, 0, 0, int(interlaced))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _deep(w: int, h: int, seed: int) -> np.ndarray:
    """16-bit samples whose low bytes are noise, so only the high byte's use matches."""
    rng = np.random.default_rng(seed)
    deep = photo(w, h, seed).astype(np.int32) * 257 + rng.integers(-128, 129, (h, w, 3))
    return deep.clip(0, 65535).astype(np.uint16)


def _grey16_two_ranges(w: int, h: int, seed: int) -> np.ndarray:
    """Left half in 0..255 (lost by the high byte), right half over the full 16-bit range (lost by
    clipping at 255): both decodings see a picture, and two different ones."""
    grey = photo(w, h, seed)[..., 1].astype(np.uint16)
    return np.where(np.arange(w)[None, :] < w // 2, grey, grey * 257).astype(np.uint16)


def _save(img: Image.Image | np.ndarray, **kw: object) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        (img if isinstance(img, Image.Image) else Image.fromarray(img)).save(path, **kw)

    return write


def builders() -> dict[str, Callable[[Path], None]]:
    """name (with extension) -> function writing the file. Built lazily: the 12 MP one is slow."""
    b: dict[str, Callable[[Path], None]] = {}
    p3, srgb = display_p3_like_icc(), srgb_icc()
    # JPEG
    b["photo-640x480-q90.jpg"] = lambda p: _save(photo(640, 480, 1), quality=90)(p)
    b["photo-1024x768-444.jpg"] = lambda p: _save(photo(1024, 768, 2), quality=75, subsampling=0)(p)
    b["photo-800x600-422.jpg"] = lambda p: _save(photo(800, 600, 3), quality=85, subsampling=1)(p)
    b["photo-1200x900-progressive.jpg"] = lambda p: _save(photo(1200, 900, 4), progressive=True)(p)
    b["photo-500x500-grey.jpg"] = lambda p: _save(Image.fromarray(photo(500, 500, 5)).convert("L"))(
        p
    )
    b["photo-300x200-optimized.jpg"] = lambda p: _save(
        photo(300, 200, 6), optimize=True, quality=60
    )(p)
    b["photo-4000x3000-12mp.jpg"] = lambda p: _save(photo(4000, 3000, 7), quality=85)(p)
    b["photo-300x200-cmyk.jpg"] = lambda p: _save(
        Image.fromarray(photo(300, 200, 12)).convert("CMYK")
    )(p)
    b["tiny-5x5.jpg"] = lambda p: _save(photo(5, 5, 8), quality=95)(p)
    b["thin-8x600.jpg"] = lambda p: _save(photo(8, 600, 9))(p)
    b["icc-srgb-640x427.jpg"] = lambda p: _save(photo(640, 427, 10), icc_profile=srgb)(p)
    b["icc-p3-900x600.jpg"] = lambda p: _save(photo(900, 600, 11), icc_profile=p3)(p)
    for o in range(2, 9):
        b[f"exif-orientation-{o}.jpg"] = lambda p, o=o: _save(
            photo(480, 320, 20 + o), quality=90, exif=exif_bytes(o)
        )(p)
    # PNG
    b["photo-512x384-rgb.png"] = lambda p: _save(photo(512, 384, 30))(p)
    b["photo-400x300-rgba.png"] = lambda p: _save(_rgba(400, 300, 31))(p)
    b["photo-333x222-grey.png"] = lambda p: _save(
        Image.fromarray(photo(333, 222, 32)).convert("L")
    )(p)
    b["photo-320x240-grey-alpha.png"] = lambda p: _save(
        Image.fromarray(np.dstack([photo(320, 240, 33)[..., 1], alpha_ramp(320, 240)]), "LA")
    )(p)
    b["photo-300x300-palette.png"] = lambda p: _save(
        Image.fromarray(photo(300, 300, 34)).quantize(256)
    )(p)
    b["palette-trns-256x200.png"] = _palette_trns
    b["bilevel-200x150.png"] = lambda p: _save(Image.fromarray(photo(200, 150, 35)).convert("1"))(p)
    b["icc-p3-600x400.png"] = lambda p: _save(photo(600, 400, 36), icc_profile=p3)(p)
    b["exif-orientation-6.png"] = lambda p: _save(photo(360, 240, 37), exif=exif_bytes(6))(p)
    b["exif-orientation-3.png"] = lambda p: _save(photo(360, 240, 38), exif=exif_bytes(3))(p)
    b["exact-64x64.png"] = lambda p: _save(photo(64, 64, 39))(p)
    b["too-small-4x4.png"] = lambda p: _save(photo(4, 4, 44))(p)
    b["flat-grey-200x200.png"] = lambda p: _save(np.full((200, 200, 3), 128, np.uint8))(p)
    b["checkerboard-257x129.png"] = lambda p: _save(checkerboard(257, 129, 16))(p)
    b["wide-3000x5.png"] = lambda p: _save(photo(3000, 5, 45))(p)
    b["transparent-everywhere-100x80.png"] = lambda p: _save(
        Image.fromarray(np.dstack([photo(100, 80, 46), np.zeros((80, 100), np.uint8)]), "RGBA")
    )(p)
    b["deep-300x200-grey16.png"] = lambda p: _png16(p, _deep(300, 200, 47)[..., 0])
    # Only the low bytes carry the picture: the high byte is black, clipping keeps it all.
    b["deep-300x200-grey16-low-byte.png"] = lambda p: _png16(p, photo(300, 200, 49)[..., 1])
    b["deep-300x200-grey16-two-ranges.png"] = lambda p: _png16(p, _grey16_two_ranges(300, 200, 49))
    b["deep-301x203-grey16-interlaced-filtered.png"] = lambda p: _png16(
        p, _grey16_two_ranges(301, 203, 50), interlaced=True, every_filter=True
    )
    b["deep-280x210-rgb16.png"] = lambda p: _png16(p, _deep(280, 210, 48))
    # WebP
    b["photo-640x480-lossy.webp"] = lambda p: _save(photo(640, 480, 50), quality=80)(p)
    b["photo-500x375-lossless.webp"] = lambda p: _save(photo(500, 375, 51), lossless=True)(p)
    b["photo-400x300-lossless-alpha.webp"] = lambda p: _save(
        _rgba(400, 300, 52), lossless=True, exact=True
    )(p)
    b["photo-400x300-lossy-alpha.webp"] = lambda p: _save(_rgba(400, 300, 53), quality=70)(p)
    b["exif-orientation-8.webp"] = lambda p: _save(photo(300, 200, 54), exif=exif_bytes(8))(p)
    b["icc-p3-480x360.webp"] = lambda p: _save(photo(480, 360, 55), icc_profile=p3, quality=90)(p)
    # GIF, BMP
    b["photo-400x300.gif"] = lambda p: _save(Image.fromarray(photo(400, 300, 60)).quantize(256))(p)
    b["transparent-300x200.gif"] = _transparent_gif
    b["animated-120x90.gif"] = _animated_gif
    b["small-7x9.gif"] = lambda p: _save(Image.fromarray(photo(7, 9, 61)).quantize(16))(p)
    b["photo-250x180.bmp"] = lambda p: _save(photo(250, 180, 62))(p)
    return b


def write_corpus(directory: Path) -> list[Path]:
    paths = []
    for name, build in builders().items():
        path = directory / name
        build(path)
        paths.append(path)
    return paths


def icc_changes_pixels(icc: bytes) -> bool:
    """True when colour-managing from this profile to sRGB would move pixel values."""
    img = Image.fromarray(photo(64, 64, 99))
    src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    dst = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    converted = ImageCms.profileToProfile(img, src, dst)
    return not np.array_equal(np.asarray(img), np.asarray(converted))
