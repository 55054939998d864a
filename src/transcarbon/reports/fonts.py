"""The CJK font of the PDF reports, from an installed package, embedded in every PDF.

The font is Noto Sans SC (SIL Open Font License) as shipped by the PyPI package
``justmytype-intl-cjk`` (a variable TrueType font, ``NotoSansSC[wght].ttf``). Nothing is downloaded at
run time. For each report the font is cut down to the characters the report uses (fontTools
subsetter) and pinned to the regular (400) and bold (700) weights (fontTools instancer), then
registered with ReportLab, which embeds the glyphs it draws as a TrueType subset.
"""

from __future__ import annotations

import hashlib
import io
import string
from functools import cache
from importlib import resources
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont as FtFont
from fontTools.varLib import instancer
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

PACKAGE = "justmytype_intl_cjk"
FONT_FILE = ("fonts", "ofl", "notosanssc", "NotoSansSC[wght].ttf")
BASE_CHARS = string.printable + "（）【】《》、，。：；！？“”‘’—…·×÷±≤≥≈→←↑↓℃％‰²³·—–°✓✗"


class FontMissing(RuntimeError):
    """The CJK font package is not installed."""


def font_path() -> Path:
    """Path of the packaged Noto Sans SC variable font; :class:`FontMissing` with the fix otherwise."""
    try:
        root = resources.files(PACKAGE)
    except ModuleNotFoundError as exc:
        raise FontMissing(
            "the CJK font package is missing: pip install justmytype-intl-cjk / "
            "缺少中文字体包：pip install justmytype-intl-cjk"
        ) from exc
    path = Path(str(root.joinpath(*FONT_FILE)))
    if not path.is_file():
        raise FontMissing(f"font file not found in {PACKAGE}: {path} / 字体文件不存在")
    return path


@cache
def _source_bytes() -> bytes:
    return font_path().read_bytes()


def _cut(chars: str, weight: int) -> bytes:
    font = FtFont(io.BytesIO(_source_bytes()))
    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.glyph_names = False
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    static = instancer.instantiateVariableFont(font, {"wght": weight})
    style = "Bold" if weight >= 700 else "Regular"
    names = static["name"]
    for rec in list(names.names):
        if rec.nameID in (1, 2, 3, 4, 6, 16, 17):
            names.removeNames(nameID=rec.nameID)
    for name_id, value in (
        (1, "Noto Sans SC"),
        (2, style),
        (3, f"NotoSansSC-{style};transcarbon-subset"),
        (4, f"Noto Sans SC {style}"),
        (6, f"NotoSansSC-{style}"),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    out = io.BytesIO()
    static.save(out)
    return out.getvalue()


def register(text: str) -> tuple[str, str]:
    """Register regular and bold faces covering ``text`` (plus ASCII and punctuation); return their names."""
    chars = "".join(sorted(set(text) | set(BASE_CHARS)))
    tag = hashlib.sha256(chars.encode("utf-8")).hexdigest()[:10]
    names = (f"NotoSansSC-{tag}", f"NotoSansSC-Bold-{tag}")
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, weight in zip(names, (400, 700), strict=True):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, io.BytesIO(_cut(chars, weight))))
    return names
