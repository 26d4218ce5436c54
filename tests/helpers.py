"""Helpers the test modules import: one exact-message checker for every error test."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

from projsim.errors import InputError


@contextmanager
def raises_exactly(message: str, kind: type[BaseException] = InputError):
    """Expect an exception of ``kind`` whose text is exactly ``message``.

    As larray's ``must_raise``: a test of an error always checks its words,
    never only its type.
    """
    with pytest.raises(kind, match=f"^{re.escape(message)}$") as caught:
        yield caught
