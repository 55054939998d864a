"""How much an upload may hold once opened, checked before anything is held in memory.

A workbook (XLSX) is a zip: a few megabytes can expand to gigabytes (a *zip bomb*). Before the spreadsheet
reader sees it, :func:`check_xlsx` inflates every member itself, a chunk at a time, counting the bytes (whatever
the sizes the zip declares: a member that inflates to more than it declares is refused too) and, in the sheets,
the rows and the cells of each row; it stops at the first limit passed. :func:`check_csv` counts lines and the
header's columns. A file over a limit is refused with :class:`UploadTooLarge`: status 413 for the expanded size,
422 for too many rows or columns, with the message in Chinese and English.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from transcarbon.services.validation import ValidationError, file_error
from transcarbon.settings import Settings

_CHUNK = 1 << 16
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s>/]")
_TAIL = 64  # bytes kept between chunks, so that a tag split across two chunks is still seen


@dataclass(frozen=True)
class UploadLimits:
    """The most an opened upload may hold: bytes once a workbook is inflated, data rows, columns."""

    max_expanded_bytes: int = 256 * 2**20
    max_rows: int = 200_000
    max_columns: int = 100

    @classmethod
    def from_settings(cls, settings: Settings) -> UploadLimits:
        """The limits of ``TRANSCARBON_MAX_XLSX_EXPANDED_MB``, ``…_MAX_UPLOAD_ROWS`` and ``…_MAX_UPLOAD_COLUMNS``."""
        return cls(
            max_expanded_bytes=int(settings.max_xlsx_expanded_mb * 2**20),
            max_rows=settings.max_upload_rows,
            max_columns=settings.max_upload_columns,
        )


class UploadTooLarge(ValidationError):
    """An upload over a limit of :class:`UploadLimits` (``status`` 413 or 422)."""

    def __init__(self, file: str, key: str, status: int, limit: str):
        self.status = status
        super().__init__([file_error(file, key, limit=limit)])


def _too_big(file: str, limits: UploadLimits) -> UploadTooLarge:
    return UploadTooLarge(file, "upload.expanded_too_large", 413, f"{limits.max_expanded_bytes / 2**20:g}")


def _members(data: bytes, file: str) -> Iterator[tuple[zipfile.ZipInfo, memoryview]]:
    """Each member's entry and raw (compressed) bytes, found through its local header."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return  # not a zip: the spreadsheet reader says why, in its own words
    view = memoryview(data)
    for info in archive.infolist():
        at = info.header_offset
        if bytes(view[at : at + 4]) != b"PK\x03\x04":
            raise ValidationError([file_error(file, "upload.xlsx_unreadable", detail="bad zip member header")])
        name_len, extra_len = struct.unpack("<HH", view[at + 26 : at + 30])
        start = at + 30 + name_len + extra_len
        yield info, view[start : start + info.compress_size]


def _inflate(info: zipfile.ZipInfo, raw: memoryview, file: str) -> Iterator[bytes]:
    """The member's bytes, a bounded chunk at a time, however much the compressed data expand to."""
    if info.compress_type == zipfile.ZIP_STORED:
        for at in range(0, len(raw), _CHUNK):
            yield bytes(raw[at : at + _CHUNK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ValidationError([file_error(file, "upload.xlsx_unreadable", detail="unsupported zip compression")])
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for at in range(0, len(raw), _CHUNK):
            out = inflater.decompress(bytes(raw[at : at + _CHUNK]), _CHUNK)
            yield out
            while inflater.unconsumed_tail:
                yield inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        yield inflater.flush()
    except zlib.error as exc:
        raise ValidationError([file_error(file, "upload.xlsx_unreadable", detail=str(exc)[:160])]) from exc


def check_xlsx(data: bytes, file: str, limits: UploadLimits) -> None:
    """Refuse a workbook that inflates past ``limits`` (bytes, or rows and cells per row in a sheet), before any
    of it is held: every member is inflated here, a chunk at a time, and counted."""
    expanded = 0
    for info, raw in _members(data, file):
        is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        rows = cells = widest = 0
        tail = b""
        member = 0
        for chunk in _inflate(info, raw, file):
            member += len(chunk)
            expanded += len(chunk)
            if expanded > limits.max_expanded_bytes:
                raise _too_big(file, limits)
            if not is_sheet:
                continue
            buf = tail + chunk
            safe = max(0, len(buf) - _TAIL)
            for m in _TAG.finditer(buf):
                if m.start() >= safe:
                    break
                if m.group(1) == b"row":
                    rows, cells = rows + 1, 0
                else:
                    cells += 1
                    widest = max(widest, cells)
            tail = buf[safe:]
            if rows > limits.max_rows + 1:  # the header is a row of its own
                raise UploadTooLarge(file, "upload.too_many_rows", 422, str(limits.max_rows))
            if widest > limits.max_columns:
                raise UploadTooLarge(file, "upload.too_many_columns", 422, str(limits.max_columns))
        if member != info.file_size:
            raise ValidationError([file_error(file, "upload.xlsx_unreadable", detail="zip sizes do not match")])


def check_csv(data: bytes, file: str, limits: UploadLimits) -> None:
    """Refuse a CSV with more data rows or header columns than ``limits`` allow (counted on the bytes)."""
    if data.count(b"\n") > limits.max_rows + 1:
        raise UploadTooLarge(file, "upload.too_many_rows", 422, str(limits.max_rows))
    header = data.split(b"\n", 1)[0]
    if header.count(b",") + 1 > limits.max_columns:
        raise UploadTooLarge(file, "upload.too_many_columns", 422, str(limits.max_columns))
