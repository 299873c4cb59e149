"""Reading and writing other formats: CMDB files in JSON and CSV.

Errors name the file, the line and the field; nothing is half-loaded.
"""

from fitsm.interop.files import dump_cmdb_json, load_cmdb, load_cmdb_csv, load_cmdb_json

__all__ = ["dump_cmdb_json", "load_cmdb", "load_cmdb_csv", "load_cmdb_json"]
