"""The 82 requirements of FitSM-1, quoted, and the process or general requirement of each.

The texts are quoted from FitSM-1 (as the FitSM Advanced training material gives them:
SOC v3.4.2 for GR1-GR7 and PR9-PR14, SPD v3.2 for PR1-PR8): FitSM, by the FitSM
authors, fitsm.eu, licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).

>>> REQUIREMENTS["PR11.5"]
'The information stored in the CMDB shall be verified at planned intervals.'
>>> group_of("PR11.5"), group_of("GR1.3")
('CONFM', 'GR1')
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from fitsm.errors import NotFoundError

__all__ = [
    "ATTRIBUTION",
    "GENERAL_GROUPS",
    "PROCESS_GROUPS",
    "REQUIREMENTS",
    "group_of",
    "requirement_order",
]

ATTRIBUTION = (
    "Requirement texts quoted from FitSM-1: FitSM by the FitSM authors (fitsm.eu), "
    "licensed CC BY 4.0"
)
"""Who wrote the quoted texts and under which licence; every rendering shows it."""

GENERAL_GROUPS: Mapping[str, str] = MappingProxyType(
    {
        "GR1": "Top management commitment and responsibility",
        "GR2": "Documentation",
        "GR3": "Defining the scope of service management",
        "GR4": "Planning service management",
        "GR5": "Implementing service management",
        "GR6": "Monitoring and reviewing service management",
        "GR7": "Continually improving service management",
    }
)
"""The seven general requirements (GR1-GR7) of the SMS, by FitSM-1's headings."""

PROCESS_GROUPS: Mapping[str, str] = MappingProxyType(
    {
        "PR1": "SPM",
        "PR2": "SLM",
        "PR3": "SRM",
        "PR4": "SACM",
        "PR5": "CAPM",
        "PR6": "ISM",
        "PR7": "CRM",
        "PR8": "SUPPM",
        "PR9": "ISRM",
        "PR10": "PM",
        "PR11": "CONFM",
        "PR12": "CHM",
        "PR13": "RDM",
        "PR14": "CSI",
    }
)
"""Each process requirement group (PR1-PR14) and its process's abbreviation."""

REQUIREMENTS: Mapping[str, str] = MappingProxyType(
    {
        "GR1.1": (
            "A member of top management of the service provider(s) involved in the delivery of "
            "services shall be assigned as the SMS owner to be accountable for the overall SMS."
        ),
        "GR1.2": (
            "A general service management policy shall be defined that includes overall service "
            "management goals as well as a commitment to continual improvement and a "
            "service-oriented and process-oriented approach. The service management policy shall be"
            " approved and communicated to relevant parties by the SMS owner."
        ),
        "GR1.3": ("The SMS owner shall conduct management reviews at planned intervals."),
        "GR2.1": (
            "The key elements of the SMS shall be documented to support effective planning. This "
            "documentation shall include the SMS scope statement (see GR3), the general service "
            "management policy (see GR1) as well as the service management plan and related plans "
            "(see GR4)."
        ),
        "GR2.2": (
            "Documented definitions of all service management processes (see PR1-PR14) shall be "
            "created and maintained. Each of these definitions shall include: Description of the "
            "goals of the process; Description of the inputs, activities and outputs of the "
            "process; Description of process-specific roles and responsibilities; Description of "
            "interfaces to other processes; Related process-specific policies as needed; Related "
            "process- and activity-specific procedures as needed."
        ),
        "GR2.3": (
            "The key outputs of all service management processes (see PR1-PR14) shall be documented"
            " and the execution of key activities of these processes recorded."
        ),
        "GR2.4": (
            "Documented information shall be controlled, addressing the following activities as "
            "applicable: Creation and approval; Communication and distribution; Review; Versioning "
            "and change tracking."
        ),
        "GR3.1": (
            "The stakeholders of the IT services and the SMS shall be identified and their needs "
            "and expectations analysed. Relevant legal, regulatory and contractual requirements "
            "shall be considered."
        ),
        "GR3.2": (
            "The scope of the SMS shall be defined taking into consideration results from the "
            "stakeholder analysis."
        ),
        "GR4.1": (
            "A service management plan shall be created and maintained. It shall include: Goals and"
            " timing of implementing or improving the SMS and the related processes; Roles and "
            "responsibilities; Training and awareness activities; Technology (tools) to support the"
            " SMS."
        ),
        "GR4.2": (
            "Any process-specific plan shall be aligned to the overall service management plan"
        ),
        "GR5.1": ("The service management plan shall be implemented."),
        "GR5.2": (
            "Within the scope of the SMS, the defined service management processes shall be "
            "followed in practice, and their application, together with the adherence to related "
            "policies and procedures, shall be enforced."
        ),
        "GR6.1": (
            "The effectiveness of the SMS and its service management processes shall be measured "
            "and evaluated based on suitable key performance indicators in support of defined or "
            "agreed goals."
        ),
        "GR6.2": (
            "Assessments or audits of the SMS shall be conducted at planned intervals to evaluate "
            "the level of maturity and conformity."
        ),
        "GR7.1": (
            "Nonconformities and deviations from goals shall be identified and actions shall be "
            "taken to prevent them from recurring."
        ),
        "GR7.2": (
            "The service management policy, service management plan and all service management "
            "processes shall be subject to continual improvement. Respective improvements shall be "
            "identified, evaluated and implemented according to the Continual Service Improvement "
            "Management process (see PR14)."
        ),
        "PR1.1": (
            "A service portfolio shall be maintained. All services shall be specified as part of "
            "the service portfolio."
        ),
        "PR1.2": (
            "Proposals for new or changed services shall be evaluated based on predicted demand, "
            "required resources and expected benefits."
        ),
        "PR1.3": (
            "The evolution of services through their lifecycle shall be managed. This shall include"
            " the planning of new services and major alterations to existing services. Plans shall "
            "consider timescales, responsibilities, new or changed technology, communication and "
            "service acceptance criteria."
        ),
        "PR1.4": (
            "For each service, the internal and external suppliers involved in delivering the "
            "service shall be identified, including, as relevant, federation members. Their contact"
            " points, roles and responsibilities shall be determined."
        ),
        "PR2.1": ("A service catalogue shall be maintained."),
        "PR2.2": (
            "For all services delivered to customers, service level agreements (SLAs) shall be in "
            "place and reviewed at planned intervals."
        ),
        "PR2.3": (
            "Service performance shall be evaluated against service targets defined in SLAs."
        ),
        "PR2.4": (
            "For supporting services or service components, underpinning agreements (UAs) and "
            "operational level agreements (OLAs) shall be agreed as needed and reviewed at planned "
            "intervals."
        ),
        "PR2.5": (
            "Performance of supporting services and service components shall be evaluated against "
            "targets defined in UAs and OLAs."
        ),
        "PR3.1": (
            "Required reports shall be identified. Reporting shall cover performance of services "
            "and processes against defined targets, significant events and detected "
            "nonconformities."
        ),
        "PR3.2": (
            "Reports shall be agreed with their recipients and specified. The specification of each"
            " report shall include its identity, purpose, audience, frequency, content, format and "
            "method of delivery."
        ),
        "PR3.3": (
            "Reports shall be produced and delivered to their recipients according to "
            "specifications."
        ),
        "PR4.1": (
            "Service availability and continuity requirements shall be identified and reviewed at "
            "planned intervals, taking into consideration SLAs."
        ),
        "PR4.2": (
            "Service availability and continuity risks shall be assessed at planned intervals."
        ),
        "PR4.3": (
            "Appropriate measures shall be taken to reduce the probability and impact of identified"
            " availability and continuity risks and meet identified requirements."
        ),
        "PR4.4": ("Availability of services and service components shall be monitored."),
        "PR5.1": (
            "Service capacity and performance requirements shall be identified and reviewed at "
            "planned intervals, taking into consideration SLAs and predicted demand."
        ),
        "PR5.2": ("Current capacity and utilisation shall be identified."),
        "PR5.3": (
            "Future capacity shall be planned to meet identified requirements, considering human, "
            "technical and financial resources."
        ),
        "PR5.4": (
            "Performance of services and service components shall be analysed based on monitoring "
            "the degree of capacity utilisation and identifying operational warnings and "
            "exceptions."
        ),
        "PR6.1": (
            "Information security requirements shall be identified and information security "
            "policies defined and reviewed at planned intervals."
        ),
        "PR6.2": ("Information security risks shall be assessed at planned intervals."),
        "PR6.3": (
            "Physical, technical and organizational information security controls shall be "
            "implemented to reduce the probability and impact of identified information security "
            "risks and meet identified requirements."
        ),
        "PR6.4": (
            "Information security events and incidents shall be handled in a consistent manner."
        ),
        "PR6.5": (
            "Access control, including provisioning of access rights, shall be carried out in a "
            "consistent manner."
        ),
        "PR7.1": ("Service customers shall be identified."),
        "PR7.2": (
            "For each customer, there shall be a designated contact responsible for managing the "
            "relationship with them."
        ),
        "PR7.3": (
            "Channels used to communicate with each customer, including mechanisms for service "
            "ordering, escalation and complaint shall be established."
        ),
        "PR7.4": ("Service reviews with customers shall be conducted at planned intervals."),
        "PR7.5": ("Service complaints from customers shall be handled in a consistent manner."),
        "PR7.6": ("Customer satisfaction shall be managed."),
        "PR8.1": ("Internal and external suppliers shall be identified."),
        "PR8.2": (
            "For each supplier, there shall be a designated contact responsible for managing the "
            "relationship with them."
        ),
        "PR8.3": (
            "Channels used to communicate with each supplier, including escalation mechanisms, "
            "shall be established."
        ),
        "PR8.4": ("Suppliers shall be evaluated at planned intervals."),
        "PR9.1": (
            "All incidents and service requests shall be registered, classified and prioritised in "
            "a consistent manner, taking into account service targets from SLAs."
        ),
        "PR9.2": (
            "Incidents shall be resolved and service requests fulfilled, taking into consideration "
            "information from SLAs and on known errors, as relevant."
        ),
        "PR9.3": (
            "Functional and hierarchical escalation of incidents and service requests shall be "
            "carried out in a consistent manner."
        ),
        "PR9.4": (
            "Customers and users shall be kept informed of the progress of incidents and service "
            "requests, as appropriate."
        ),
        "PR9.5": (
            "Closure of incidents and service requests shall be carried out in a consistent manner."
        ),
        "PR9.6": (
            "Major incidents shall be identified based on defined criteria, and handled in a "
            "consistent manner."
        ),
        "PR10.1": (
            "Problems shall be identified and registered in a consistent manner, based on analysing"
            " patterns and trends in the occurrence of incidents."
        ),
        "PR10.2": (
            "Problems shall be investigated to identify actions to resolve them or reduce their "
            "impact on services."
        ),
        "PR10.3": (
            "If a problem is not permanently resolved, a known error shall be registered together "
            "with actions such as effective workarounds and temporary fixes."
        ),
        "PR10.4": (
            "Up-to-date information on known errors and effective workarounds shall be maintained."
        ),
        "PR11.1": (
            "The scope of configuration management shall be defined together with the types of "
            "configuration items (CIs) and relationships to be considered."
        ),
        "PR11.2": (
            "The level of detail of configuration information shall be sufficient to support "
            "effective control over CIs."
        ),
        "PR11.3": (
            "Information on CIs and their relationships with other CIs shall be maintained in a "
            "configuration management database (CMDB)."
        ),
        "PR11.4": ("CIs shall be controlled and changes to CIs tracked in the CMDB."),
        "PR11.5": ("The information stored in the CMDB shall be verified at planned intervals."),
        "PR12.1": (
            "All changes shall be registered and classified in a consistent manner. Classification "
            "shall be based on defined criteria and consider different types of changes, including "
            "emergency changes and major changes."
        ),
        "PR12.2": (
            "For each type of change, steps shall be defined for handling them in a consistent "
            "manner."
        ),
        "PR12.3": (
            "Changes shall be assessed in a consistent manner, taking into consideration benefits, "
            "risks, potential impact, effort and technical feasibility."
        ),
        "PR12.4": (
            "Changes shall be approved in a consistent manner. The required level of approval shall"
            " be determined based on defined criteria."
        ),
        "PR12.5": (
            "Changes shall be subject to a post implementation review as needed, and closed in a "
            "consistent manner."
        ),
        "PR12.6": (
            "A schedule of changes shall be maintained. It shall contain details of approved "
            "changes and intended deployment dates, which shall be communicated to interested "
            "parties."
        ),
        "PR13.1": (
            "Release and deployment strategies shall be defined, together with the service "
            "components and CIs to which they are applied. Strategies shall be aligned with the "
            "frequency and impact of releases as well as the technology supporting deployment."
        ),
        "PR13.2": (
            "Criteria for including approved changes in a release shall be defined, taking into "
            "consideration the applicable release and deployment strategy."
        ),
        "PR13.3": (
            "Deployment of releases shall be planned, including acceptance criteria, as needed."
        ),
        "PR13.4": (
            "Releases shall be built, tested and evaluated against acceptance criteria prior to "
            "being deployed. The extent of release testing shall be appropriate to the type of "
            "release and its potential impact on services."
        ),
        "PR13.5": (
            "Deployment preparation shall consider steps to be taken in case of unsuccessful "
            "deployment."
        ),
        "PR13.6": ("Deployment activities shall be evaluated for success or failure."),
        "PR14.1": (
            "Opportunities for improvement of services and processes shall be identified and "
            "registered, based on reports as well as results from measurements, assessments and "
            "audits of the SMS."
        ),
        "PR14.2": (
            "Opportunities for improvement shall be evaluated in a consistent manner and actions to"
            " address them identified."
        ),
        "PR14.3": (
            "The implementation of actions for improvement shall be controlled in a consistent "
            "manner."
        ),
    }
)
"""Requirement id -> its text in FitSM-1, in the standard's order (GR1.1 ... PR14.3)."""


def group_of(requirement: str) -> str:
    """The process (``"CONFM"``) a PR requirement belongs to, or the general requirement
    (``"GR1"``) a GR requirement is part of; NotFoundError for an id FitSM-1 lacks."""
    if requirement not in REQUIREMENTS:
        raise NotFoundError(
            f"{requirement!r} is not a FitSM-1 requirement; expected one of GR1.1 ... PR14.3"
        )
    head = requirement.split(".")[0]
    return head if head.startswith("GR") else PROCESS_GROUPS[head]


def requirement_order(requirement: str) -> tuple[bool, int, int]:
    """A sort key in the standard's order: GR1.1 ... GR7.2, PR1.1 ... PR14.3 (PR10 after
    PR9); a user's own ids sort after those with their number, or last."""
    head, _, number = requirement.partition(".")
    digits = head[2:]
    if head[:2] not in ("GR", "PR") or not digits.isdigit() or not number.isdigit():
        return (True, 10**6, 0)
    return (head.startswith("PR"), int(digits), int(number))
