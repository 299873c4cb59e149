"""Reading and writing other formats, at the edge of the library: CMDB files in JSON
and CSV, graphs for graph tools, outages and utilisation from CSV, OpenSLO, iCalendar,
reports as PDF.

CMDB files in JSON and CSV (read and written), outage records and utilisation samples
from CSV files and pandas DataFrames, service level objectives in OpenSLO v1 YAML, the change
schedule as an iCalendar file, and a service report as PDF. Errors name the
file, the line and the field; nothing is half-loaded. The optional formats need
their extras (``pandas``, ``openslo``, ``ical``, ``pdf``) and say which when one
is missing.
"""

from fitsm.interop.cmdb_writer import dump_cmdb_csv
from fitsm.interop.files import cmdb_json, dump_cmdb_json, load_cmdb, load_cmdb_csv, load_cmdb_json
from fitsm.interop.graphs import GraphFormat, dump_cmdb_graph
from fitsm.interop.ical import changes_to_ical
from fitsm.interop.openslo import read_openslo, write_openslo
from fitsm.interop.outages import outages_from_frame, read_outages
from fitsm.interop.report_pdf import report_to_pdf
from fitsm.interop.utilisation import read_utilisation, utilisation_from_frame

__all__ = [
    "GraphFormat",
    "changes_to_ical",
    "cmdb_json",
    "dump_cmdb_csv",
    "dump_cmdb_graph",
    "dump_cmdb_json",
    "load_cmdb",
    "load_cmdb_csv",
    "load_cmdb_json",
    "outages_from_frame",
    "read_openslo",
    "read_outages",
    "read_utilisation",
    "report_to_pdf",
    "utilisation_from_frame",
    "write_openslo",
]
