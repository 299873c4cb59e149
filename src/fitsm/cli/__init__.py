"""The ``fitsm`` command line.

``fitsm impact``, ``spof``, ``blast-radius``, ``dependencies``, ``audit`` and ``demo``,
each printing a table, JSON or CSV (``--format``; ``audit`` prints Markdown instead
of CSV). The parser is built from the standard
library alone and each command imports what it needs when it runs, so
``fitsm --version`` and ``fitsm --help`` start as fast as Python does.

Exit codes: 0 done, 1 nothing found (an unknown id, a selection that matches
nothing), 2 a usage error, 3 bad data (a file or store that cannot be read,
a value the model refuses).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import IntEnum

from fitsm.cli._parser import parser

__all__ = ["ExitCode", "main"]


class ExitCode(IntEnum):
    """What the exit code of ``fitsm`` says."""

    OK = 0
    NOT_FOUND = 1
    USAGE = 2
    BAD_DATA = 3


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``fitsm`` command with ``argv`` (default: the process's); return its exit code."""
    args = parser().parse_args(argv)  # exits 2 on a usage error, as argparse does
    # imported here: the errors module is small, but the commands pull in the domain
    from fitsm.cli import commands
    from fitsm.cli._io import UsageError
    from fitsm.errors import FitsmError, NotFoundError

    try:
        return commands.run(args, sys.stdout)
    except UsageError as e:
        print(f"fitsm {args.command}: error: {e}", file=sys.stderr)
        return ExitCode.USAGE
    except NotFoundError as e:
        print(f"fitsm: {e}", file=sys.stderr)
        return ExitCode.NOT_FOUND
    except FitsmError as e:
        print(f"fitsm: error: {e}", file=sys.stderr)
        return ExitCode.BAD_DATA
    except BrokenPipeError:  # `fitsm ... | head`: the reader has gone, which is fine
        sys.stderr.close()
        return ExitCode.OK
