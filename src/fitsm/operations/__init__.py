"""Use cases: open a unit of work, load, check who acts, call the domain, commit."""

from fitsm.operations.cases import CaseDesk

__all__ = ["CaseDesk"]
