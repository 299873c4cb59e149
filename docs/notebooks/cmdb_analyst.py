# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The CMDB analyst's journey
#
# An analyst gets a CMDB and the questions configuration management exists for
# (FitSM PR11, with availability from PR4): what breaks when the data centre
# fails, what a service depends on, where its single points of failure are,
# which CIs would hurt most, what availability each service can reach, and what
# last month looked like.
#
# The CMDB is the example provider that ships with fitsm: four services, eight
# service components, 50 CIs and seven redundancy groups. Run this file as a
# script (`python cmdb_analyst.py`) or open it as a notebook
# (`jupytext --to notebook cmdb_analyst.py`). `pip install fitsm` is all it
# needs; with the `plot` and `pandas` extras it also draws pictures and makes
# DataFrames.

# %%
import csv
import importlib.util
from collections import Counter
from datetime import UTC, datetime
from fractions import Fraction

from fitsm import (
    BusinessCalendar,
    Outage,
    composite_availability,
    data,
    derive_outages,
    load_cmdb,
    measure_availability,
)
from fitsm.cmdb import NodeKind

# The analyst's code is the application: it stamps the load. A fixed time makes
# every run of this notebook record the same history.
LOADED_AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
cmdb = load_cmdb(data.path(data.EXAMPLE_CMDB), at=LOADED_AT)
print(cmdb)
print(dict(Counter(str(node.kind) for node in cmdb.nodes())))
print(dict(Counter(ci.type for ci in cmdb.nodes(NodeKind.CI)).most_common(5)))

# %% [markdown]
# ## 1. The data centre fails
#
# Every CI whose `location` is `dc1` fails at once. Impact analysis follows the
# dependencies upwards, honouring redundancy groups (a group is down when fewer
# than `min_up` members work), and explains each impacted service with the path
# that takes it down.

# %%
site = sorted(ci.id for ci in cmdb.nodes(NodeKind.CI) if ci.attributes.get("location") == "dc1")
site_outage = cmdb.impact(site)
print(f"{len(site)} CIs in dc1 fail; {len(site_outage.down)} nodes go down with them")
for service in site_outage.impacted_services():
    print(" ", site_outage.explain(service.id))

# %% [markdown]
# A site is the worst case. Single failures tell more about the design: one UPS
# is covered by the other (the services run, degraded), both are not, the
# storage array has no partner, and one hypervisor carries two of the shop's
# three web servers.

# %%
for failing in (["ups-a"], ["ups-a", "ups-b"], ["san1"], ["hv2"]):
    report = cmdb.impact(failing)
    print(
        f"{' + '.join(failing):12} down: {sorted(report.services_down) or '-'}, "
        f"degraded: {sorted(report.services_degraded) or '-'}"
    )

# %% [markdown]
# ## 2. What the web shop depends on
#
# `dependencies` lists every node a service relies on, with its distance.

# %%
shop_dependencies = cmdb.dependencies("shop")
by_depth = Counter(d.depth for d in shop_dependencies)
print(f"shop relies on {len(shop_dependencies)} nodes; by depth: {dict(sorted(by_depth.items()))}")
print([d.id for d in shop_dependencies if d.depth == 1])

# %% [markdown]
# ## 3. Single points of failure
#
# A single point of failure of a service is a CI whose failure alone takes the
# service down. Each candidate's failure is simulated, so hidden common causes
# show up: two web servers of a pool that run on the same hypervisor make that
# hypervisor one.

# %%
for service in cmdb.nodes(NodeKind.SERVICE):
    spofs = cmdb.single_points_of_failure(service.id)
    print(f"{service.id:5} {len(spofs):2} {', '.join(spofs[:8])}{' ...' if len(spofs) > 8 else ''}")
print("hv2" in cmdb.single_points_of_failure("shop"))

# %% [markdown]
# ## 4. Blast radius
#
# Which CIs, failing alone, take the most services down or degrade them?

# %%
for row in cmdb.blast_radius(top=8):
    print(f"{row.ci:12} {row.services_down} down, {row.services_degraded} degraded")

# %% [markdown]
# ## 5. What availability can each service reach?
#
# Given each CI's own availability (here assumed per CI type; in practice from
# monitoring or the targets of OLAs and UAs), `composite_availability` computes
# the service's exactly, shared components and k-of-n groups included.

# %%
ASSUMED = {
    "hypervisor": Fraction("0.999"),
    "vm": Fraction("0.9995"),
    "storage": Fraction("0.9999"),
    "switch": Fraction("0.9995"),
    "power": Fraction("0.999"),
}
own = {ci.id: ASSUMED[ci.type] for ci in cmdb.nodes(NodeKind.CI) if ci.type in ASSUMED}
for service in cmdb.nodes(NodeKind.SERVICE):
    reach = composite_availability(cmdb, service.id, own)
    print(f"{service.id:5} {reach.method} {reach.percent:.4f} %")

# %% [markdown]
# ## 6. March as monitoring saw it
#
# Monitoring records outages of CIs, not of services. `derive_outages` turns
# them into service outages through the CMDB; `measure_availability` then
# measures each service 24x7 (planned maintenance left out, as the default
# policy says).

# %%
with data.path("ci-outages-2024-03.csv").open(newline="") as f:
    ci_outages = [
        Outage(
            row["ci"],
            datetime.fromisoformat(row["start"]),
            datetime.fromisoformat(row["end"]),
            row["state"],
            row["planned"] == "yes",
        )
        for row in csv.DictReader(f)
    ]
service_outages = derive_outages(cmdb, ci_outages)
march = datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)
always = BusinessCalendar.always()
print(f"{len(ci_outages)} CI outages became {len(service_outages)} service outage intervals")
for service in cmdb.nodes(NodeKind.SERVICE):
    measured = measure_availability(service_outages, service.id, always, *march)
    print(f"{service.id:5} {measured.rounded(3)} % ({measured.downtime} down)")

# %% [markdown]
# ## Pictures and tables
#
# These cells draw and tabulate when the optional parts are there: the pictures
# need `fitsm.plotting` and matplotlib (`pip install 'fitsm[plot]'`), the tables
# pandas (`pip install 'fitsm[pandas]'`). Without them they say so and move on.

# %%
# PICTURES: fitsm.plotting (the `plot` extra)
if importlib.util.find_spec("fitsm.plotting") and importlib.util.find_spec("matplotlib"):
    from fitsm.plotting import availability_timeline, dependency_graph

    site_figure, _ = dependency_graph(cmdb, cmdb.impact(["san1"]))
    shop_figure, _ = availability_timeline(
        service_outages, "shop", *march, target=Fraction("0.999")
    )
    print("pictures drawn:", type(site_figure).__name__, type(shop_figure).__name__)
else:
    print("pictures skipped: fitsm.plotting or matplotlib is not installed")

# %%
# TABLES: DataFrames (the `pandas` extra)
if hasattr(site_outage, "to_frame") and importlib.util.find_spec("pandas"):
    impacted = site_outage.to_frame()
    print(f"a DataFrame of {len(impacted)} impacted nodes")
else:
    print("tables skipped: to_frame or pandas is not available")
