"""Pictures for service reports and notebooks (PR3), drawn with matplotlib.

An availability timeline against the SLA target and error budget (PR4.4,
PR2.3), the dependency graph of a service or of an impact (PR11.3), an SLA
compliance heatmap of services by months (PR2.3), a case lifecycle diagram
(PR9-PR14), the charts a service report's sections ask for (PR3) and the
capability level of each process in a self-assessment (GR6.2). Each function
returns the matplotlib figure and axes, to restyle, show or save
(``fig.savefig("shop.png")``); none draws with ``pyplot``'s global state.

This package is an adapter at the edge, like :mod:`fitsm.interop`: it reads the
areas, and the areas know nothing of it. matplotlib is the optional extra
``plot`` (``pip install 'fitsm[plot]'``), imported when a picture is drawn;
without it, drawing raises :class:`~fitsm.errors.MissingExtraError`.
"""

from fitsm.plotting.compliance import compliance_heatmap
from fitsm.plotting.graphs import dependency_graph, lifecycle_diagram
from fitsm.plotting.maturity import maturity_chart
from fitsm.plotting.reports import draw_chart, report_charts
from fitsm.plotting.timeline import availability_timeline

__all__ = [
    "availability_timeline",
    "compliance_heatmap",
    "dependency_graph",
    "draw_chart",
    "lifecycle_diagram",
    "maturity_chart",
    "report_charts",
]
