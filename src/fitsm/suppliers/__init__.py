"""Suppliers (PR8): the internal and external parties a service provider relies on."""

from fitsm.suppliers.supplier import Supplier, SupplierKind

__all__ = ["Supplier", "SupplierKind"]
