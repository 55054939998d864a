"""Hostile files for the tests, small but of the same shape as the real attacks (the full sizes are in
``benchmarks/``): a workbook-shaped zip bomb, and one that lies about its sizes."""

from __future__ import annotations

import io
import struct
import zipfile


def bomb(expanded: int, *, sheet_only: bool = False) -> bytes:
    """A workbook-shaped zip whose sheet inflates to ``expanded`` bytes of XML (compressed about a thousandfold)."""
    row = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    body = b"<worksheet><sheetData>" + row * (expanded // len(row)) + b"</sheetData></worksheet>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        if not sheet_only:
            z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", body)
    return buf.getvalue()


def understate_sizes(data: bytes) -> bytes:
    """The same zip with every member's declared uncompressed size set to 100 bytes (a lying bomb)."""
    out = bytearray(data)
    at = 0
    while (at := out.find(b"PK\x01\x02", at)) != -1:  # central directory entries: size at +24
        out[at + 24 : at + 28] = struct.pack("<I", 100)
        at += 4
    at = 0
    while (at := out.find(b"PK\x03\x04", at)) != -1:  # local headers: size at +22
        out[at + 22 : at + 26] = struct.pack("<I", 100)
        at += 4
    return bytes(out)
