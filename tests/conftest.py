"""Fixtures shared by several test modules."""

import logging

import pytest


@pytest.fixture
def no_progress_handler():
    """The ``stancelib`` logger without the handler that ``show_progress`` attaches (a
    console script run earlier in the process leaves it), restored afterwards."""
    from stancelib.progress import _ProgressHandler

    logger = logging.getLogger("stancelib")
    saved = logger.handlers[:], logger.level
    logger.handlers = [h for h in logger.handlers if not isinstance(h, _ProgressHandler)]
    yield logger
    logger.handlers, logger.level = saved
