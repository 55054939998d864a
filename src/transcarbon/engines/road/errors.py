"""Errors users can cause with trajectory and vehicle files (see :class:`transcarbon.engines.errors.InputError`)."""

from __future__ import annotations

from transcarbon.engines.errors import InputError


class RoadInputError(InputError):
    """A trajectory points file or vehicles file is unreadable or has a bad value; nothing is computed."""
