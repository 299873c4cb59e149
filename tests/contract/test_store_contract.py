"""The project's own stores run the shipped contract suite, unchanged."""

from fitsm.testing import StoreContract


class TestEveryBackend(StoreContract):
    """``store`` is the fixture of ``conftest.py``: every backend in turn."""
