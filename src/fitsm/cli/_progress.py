"""A progress bar for work that takes more than a second, when ``tqdm`` is installed.

The bar appears only after a second (``delay``), only on a terminal, and on
standard error, so piped output and quick commands stay clean.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["bar"]

Update = Callable[[int, int], None]


def _nothing(done: int, total: int) -> None:
    return None


@contextmanager
def bar(description: str, unit: str) -> Iterator[Update]:
    """A ``progress(done, total)`` callback drawing a bar (the ``cli`` extra), else a no-op."""
    try:
        from tqdm import tqdm
    except ImportError:  # the bar is a nicety: without the extra, work runs silently
        yield _nothing
        return
    with tqdm(desc=description, unit=unit, delay=1.0, leave=False, file=sys.stderr,
              disable=None) as shown:  # fmt: skip

        def update(done: int, total: int) -> None:
            shown.total = total
            shown.update(done - shown.n)

        yield update
