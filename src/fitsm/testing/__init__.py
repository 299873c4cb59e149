"""Test support for code built on fitsm: the contract suite every store must pass.

>>> from fitsm.testing import StoreContract
>>> StoreContract.__name__
'StoreContract'
"""

from fitsm.testing.contract import StoreContract

__all__ = ["StoreContract"]
