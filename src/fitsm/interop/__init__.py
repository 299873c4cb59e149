"""Reading and writing other formats: CMDB files in JSON and CSV, graphs for graph tools.

Errors name the file, the line and the field; nothing is half-loaded.
"""

from fitsm.interop.files import cmdb_json, dump_cmdb_json, load_cmdb, load_cmdb_csv, load_cmdb_json
from fitsm.interop.graphs import GraphFormat, dump_cmdb_graph

__all__ = [
    "GraphFormat",
    "cmdb_json",
    "dump_cmdb_graph",
    "dump_cmdb_json",
    "load_cmdb",
    "load_cmdb_csv",
    "load_cmdb_json",
]
