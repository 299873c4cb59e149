"""OpenSLO v1: service level objectives read from and written to YAML (PR2.3).

`OpenSLO <https://github.com/OpenSLO/OpenSLO>`_ is a vendor-neutral YAML format
for SLOs. :func:`read_openslo` turns its ``kind: SLO`` documents into
:class:`~fitsm.service_levels.ServiceLevelObjective` values and
:func:`write_openslo` writes them back. A document is checked the way the
reference Go SDK (``OpenSLO/go-sdk``, ``pkg/openslo/v1``) validates one:

- ``apiVersion`` is ``openslo/v1`` and ``kind`` is ``SLO``;
- ``metadata.name`` is a DNS label (RFC 1123: at most 63 characters, lower-case
  letters, digits and ``-``, starting and ending with a letter or digit),
  ``displayName`` at most 63 characters, label and annotation keys as the SDK
  allows them;
- ``spec.description`` at most 1050 characters, ``spec.service`` given, exactly
  one of ``indicator`` (an inline SLI) and ``indicatorRef`` (a DNS label);
- ``budgetingMethod`` one of ``Occurrences``, ``Timeslices``, ``RatioTimeslices``;
- ``timeWindow`` holds exactly one window: ``isRolling: true`` with a
  ``duration`` (``28d``, ``1w``, ``1M``: a whole number and one of ``m h d w M Q
  Y``) and no ``calendar``, or a ``calendar`` with ``startTime``
  (``2026-01-01 00:00:00``, no offset) and ``timeZone`` (an IANA name);
- each objective has exactly one of ``target`` in [0, 1) and ``targetPercent``
  in [0, 100); ``op`` is one of ``lt lte gt gte``; ``timeSliceTarget`` in (0, 1]
  is required with ``Timeslices`` and ``timeSliceWindow`` with both time slice
  methods;
- an inline SLI has exactly one of ``thresholdMetric`` and ``ratioMetric``; a
  ratio has ``total`` with exactly one of ``good`` and ``bad``, or ``raw`` with
  ``rawType`` (``success`` or ``failure``); every metric source has a non-empty
  ``spec``, whose content belongs to the monitoring system and is kept as given.

fitsm is stricter where its arithmetic needs it, and says so in the message: a
key the format does not define is an error naming the key and its path, a target
of 0 is refused (it allows every event to be bad), and ``timeWindow`` and
``objectives`` are required. Composite SLOs (an indicator per objective) and
``alertPolicies`` are not read. Errors are :class:`~fitsm.errors.LoadError` s
naming the file, the line and the path (``spec.objectives[0].target``).

Needs the extra ``openslo`` (PyYAML).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

from fitsm.clock import as_utc
from fitsm.errors import LoadError, ValidationError
from fitsm.interop._extras import missing_extra
from fitsm.service_levels.objectives import (
    BudgetingMethod,
    ServiceLevelObjective,
    SloObjective,
    SloWindow,
)
from fitsm.time.periods import localize, time_zone
from fitsm.units import to_fraction

__all__ = ["API_VERSION", "read_openslo", "write_openslo"]

API_VERSION = "openslo/v1"
"""The OpenSLO version read and written."""

_KINDS = (
    "DataSource",
    "SLI",
    "AlertPolicy",
    "AlertCondition",
    "AlertNotificationTarget",
    "Service",
)
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_LABEL_KEY = re.compile(r"^[a-zA-Z0-9]([-._a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$")
_ANNOTATION_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*/)?"
    r"[a-zA-Z0-9]([-._a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$"
)
_ANNOTATION_LENGTH = re.compile(r"^(.{0,253}/)?.{0,63}$")
_START_TIME = "%Y-%m-%d %H:%M:%S"
_START_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_OPERATORS = ("lt", "lte", "gt", "gte")
_SLICE_UNITS = (
    ("w", timedelta(weeks=1)),
    ("d", timedelta(days=1)),
    ("h", timedelta(hours=1)),
    ("m", timedelta(minutes=1)),
)
_METHODS = tuple(m.value for m in BudgetingMethod)
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
# fitsm's field names and the OpenSLO keys they are read from, for error messages
_KEYS = {
    "name": "metadata.name",
    "service": "spec.service",
    "indicator": "spec.indicatorRef",
    "description": "spec.description",
    "display_name": "displayName",
    "target": "target",
    "time_slice_target": "timeSliceTarget",
    "time_slice_window": "timeSliceWindow",
    "op": "op",
    "value": "value",
}


def read_openslo(
    source: str | Path | IO[str], *, skip_other_kinds: bool = False
) -> list[ServiceLevelObjective]:
    """The SLOs of an OpenSLO v1 YAML text, file path or open file, in document order.

    A ``str`` holding a line break is the YAML text itself; any other ``str`` or a
    ``Path`` names a file. A file may hold several documents (``---``) or a list
    of objects. Documents of OpenSLO's other kinds (``Service``, ``SLI``,
    ``DataSource``, ...) are an error unless ``skip_other_kinds`` passes over them.
    """
    try:
        import yaml
    except ImportError:
        raise missing_extra("read_openslo", "openslo") from None
    name, text = _source(source)
    reader = _Reader(name, yaml)
    return reader.read(text, skip_other_kinds=skip_other_kinds)


def write_openslo(slos: ServiceLevelObjective | Iterable[ServiceLevelObjective]) -> str:
    """OpenSLO v1 YAML for one SLO or several (one document each, ``---`` between).

    The output is checked as :func:`read_openslo` checks a file, so what is
    written reads back to equal objects. A target must have an exact decimal
    form, a time slice window must be whole minutes, and a calendar start whole
    seconds that name one instant, as the format cannot say more.
    """
    try:
        import yaml
    except ImportError:
        raise missing_extra("write_openslo", "openslo") from None
    given = [slos] if isinstance(slos, ServiceLevelObjective) else list(slos)
    docs = []
    for slo in given:
        if not isinstance(slo, ServiceLevelObjective):
            raise ValidationError(f"expected ServiceLevelObjective values, got {slo!r}")
        docs.append(_document(slo))
    checker = _Reader("<written>", yaml)
    for doc in docs:
        checker.slo(doc, "")
    try:
        dumped: str = yaml.dump_all(docs, Dumper=_dumper(yaml), sort_keys=False, allow_unicode=True)
    except yaml.YAMLError as e:  # a value in an inline indicator YAML cannot hold
        raise ValidationError(f"cannot write the SLOs as YAML: {e}") from None
    return dumped


def _dumper(yaml: Any) -> Any:
    """PyYAML's safe dumper, with text holding a Unicode line break double-quoted.

    PyYAML writes such text (U+0085, U+2028, U+2029) in plain or single-quoted
    style, where a reader folds the line break to a space; double quotes escape it.
    """

    class Dumper(yaml.SafeDumper):  # type: ignore[misc]
        pass

    def text(dumper: Any, data: str) -> Any:
        style = '"' if any(c in data for c in "\x85\u2028\u2029") else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Dumper.add_representer(str, text)
    return Dumper


# -- reading -----------------------------------------------------------------------


class _Reader:
    """Turns YAML nodes into plain values with the line of each path, then checks them."""

    def __init__(self, name: str, yaml: Any) -> None:
        self.name = name
        self.yaml = yaml
        self.lines: dict[str, int] = {}

    def read(self, text: str, *, skip_other_kinds: bool) -> list[ServiceLevelObjective]:
        objects: list[tuple[str, Any]] = []
        try:
            nodes = list(self.yaml.compose_all(text, Loader=self.yaml.SafeLoader))
            # an empty document, as a trailing "---" makes, holds nothing
            nodes = [n for n in nodes if not n.tag.endswith(":null")]
            constructor = self.yaml.constructor.SafeConstructor()
            for number, node in enumerate(nodes):
                prefix = f"[{number}]" if len(nodes) > 1 else ""
                value = self._plain(node, prefix, constructor)
                if isinstance(value, list):
                    objects += [(f"{prefix}[{i}]", v) for i, v in enumerate(value)]
                else:
                    objects.append((prefix, value))
        except self.yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            reason = getattr(e, "problem", None) or str(e)
            raise LoadError(self.name, line, None, f"not valid YAML: {reason}") from None
        found = []
        for path, doc in objects:
            kind = doc.get("kind") if isinstance(doc, dict) else None
            if skip_other_kinds and kind in _KINDS:
                continue
            found.append(self.slo(doc, path))
        return found

    def _plain(self, node: Any, path: str, constructor: Any) -> Any:
        """The node as plain Python values, noting the line where each path starts."""
        self.lines[path] = node.start_mark.line + 1
        if not isinstance(node, self.yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
            raise self.fail(path, f"the YAML tag {node.tag!r} is not allowed here")
        if isinstance(node, self.yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = constructor.construct_object(key_node, deep=True)
                where = _join(path, str(key))
                self.lines[where] = key_node.start_mark.line + 1
                if not isinstance(key, str):
                    raise self.fail(where, f"keys must be text, got {_shown(key)}")
                if key in result:
                    raise self.fail(where, f"key {key!r} is given twice")
                result[key] = self._plain(value_node, where, constructor)
                self.lines[where] = key_node.start_mark.line + 1
            return result
        if isinstance(node, self.yaml.SequenceNode):
            return [
                self._plain(item, f"{path}[{i}]", constructor) for i, item in enumerate(node.value)
            ]
        return constructor.construct_object(node, deep=True)

    def fail(self, path: str, reason: str) -> LoadError:
        probe = path  # the line of the path, else of the nearest enclosing one
        while probe and probe not in self.lines:
            shorter = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", probe)
            probe = shorter if shorter != probe else ""
        return LoadError(self.name, self.lines.get(probe), path or None, reason)

    # -- the checks ----------------------------------------------------------------

    def mapping(
        self, value: Any, path: str, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {_shown(value)}")
        keys = tuple(allowed)
        for key in value:
            if key not in keys:
                raise self.fail(
                    _join(path, key),
                    f"unknown key {key!r} in {path or 'the document'}; expected {_or(keys)}",
                )
        for key in required:
            if key not in value:
                raise self.fail(path, f"{_join(path, key)} is required")
        return value

    def free_mapping(self, value: Any, path: str) -> Iterable[tuple[str, Any]]:
        """A mapping whose keys the format leaves open (labels, annotations); empty is {}."""
        if value is None:
            return ()
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {_shown(value)}")
        return value.items()

    def string(self, value: Any, path: str, *, limit: int | None = None) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected text, got {_shown(value)}")
        if limit is not None and len(value) > limit:
            raise self.fail(path, f"at most {limit} characters, got {len(value)}")
        return value

    def dns_label(self, value: Any, path: str) -> str:
        text = self.string(value, path)
        if not _DNS_LABEL.match(text):
            raise self.fail(
                path,
                f"{text!r} is not a DNS label (RFC 1123): at most 63 lower-case letters, "
                "digits and '-', starting and ending with a letter or digit",
            )
        return text

    def number(self, value: Any, path: str) -> Fraction:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"expected a number, got {_shown(value)}")
        try:
            return to_fraction(value)
        except ValidationError:
            raise self.fail(path, f"expected a finite number, got {value!r}") from None

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"expected true or false, got {_shown(value)}")
        return value

    def slo(self, doc: Any, path: str) -> ServiceLevelObjective:
        doc = self.mapping(doc, path, ("apiVersion", "kind", "metadata", "spec"))
        for key in ("apiVersion", "kind", "metadata", "spec"):
            if key not in doc:
                raise self.fail(path, f"{_join(path, key)} is required")
        version = self.string(doc["apiVersion"], _join(path, "apiVersion"))
        if version != API_VERSION:
            raise self.fail(_join(path, "apiVersion"), f"expected {API_VERSION!r}, got {version!r}")
        kind = self.string(doc["kind"], _join(path, "kind"))
        if kind != "SLO":
            other = " (pass skip_other_kinds=True to pass over it)" if kind in _KINDS else ""
            raise self.fail(_join(path, "kind"), f"expected 'SLO', got {kind!r}{other}")
        meta = self.metadata(doc["metadata"], _join(path, "metadata"))
        spec_path = _join(path, "spec")
        spec = self.mapping(
            doc["spec"],
            spec_path,
            (
                "description",
                "service",
                "indicator",
                "indicatorRef",
                "budgetingMethod",
                "timeWindow",
                "objectives",
                "alertPolicies",
            ),
            ("service", "budgetingMethod", "timeWindow", "objectives"),
        )
        if "alertPolicies" in spec:
            raise self.fail(
                _join(spec_path, "alertPolicies"),
                "alert policies are not read by fitsm; leave them out of the file it reads",
            )
        description = self.string(
            spec.get("description", ""), _join(spec_path, "description"), limit=1050
        )
        service = self.string(spec["service"], _join(spec_path, "service"))
        if not service:
            raise self.fail(_join(spec_path, "service"), "the service is required")
        method = self.string(spec["budgetingMethod"], _join(spec_path, "budgetingMethod"))
        if method not in _METHODS:
            raise self.fail(
                _join(spec_path, "budgetingMethod"), f"expected {_or(_METHODS)}, got {method!r}"
            )
        indicator, indicator_spec = self.indicator_choice(spec, spec_path)
        window = self.time_window(spec["timeWindow"], _join(spec_path, "timeWindow"))
        objectives_path = _join(spec_path, "objectives")
        raw_objectives = spec["objectives"]
        if not isinstance(raw_objectives, list) or not raw_objectives:
            raise self.fail(objectives_path, "expected a list of at least one objective")
        objectives = [
            self.objective(o, f"{objectives_path}[{i}]", method)
            for i, o in enumerate(raw_objectives)
        ]
        try:
            return ServiceLevelObjective(
                meta["name"],
                service,
                objectives,
                window,
                indicator=indicator,
                budgeting_method=method,
                description=description,
                display_name=meta["displayName"],
                labels=meta["labels"],
                annotations=meta["annotations"],
                indicator_spec=indicator_spec,
            )
        except ValidationError as e:
            raise self.fail(_join(path, _KEYS.get(e.field or "", "spec")), str(e)) from None

    def metadata(self, value: Any, path: str) -> dict[str, Any]:
        keys = ("name", "displayName", "labels", "annotations")
        meta = self.mapping(value, path, keys, ("name",))
        labels: dict[str, Any] = {}
        for key, values in self.free_mapping(meta.get("labels", {}), _join(path, "labels")):
            where = _join(_join(path, "labels"), key)
            if not _LABEL_KEY.match(key):
                raise self.fail(
                    where,
                    f"label key {key!r} must be at most 63 letters, digits, '-', '_' or '.', "
                    "starting and ending with a letter or digit",
                )
            if isinstance(values, list):
                labels[key] = [self.string(v, f"{where}[{i}]") for i, v in enumerate(values)]
            else:
                labels[key] = self.string(values, where)
        annotations = {}
        for key, text in self.free_mapping(meta.get("annotations", {}), _join(path, "annotations")):
            where = _join(_join(path, "annotations"), key)
            if not (_ANNOTATION_LENGTH.match(key) and _ANNOTATION_KEY.match(key)):
                raise self.fail(
                    where,
                    f"annotation key {key!r} must be an optional DNS subdomain and '/', then "
                    "a name of at most 63 letters, digits, '-', '_' or '.' "
                    "(e.g. 'openslo.com/annotation')",
                )
            annotations[key] = self.string(text, where)
        return {
            "name": self.dns_label(meta["name"], _join(path, "name")),
            "displayName": self.string(
                meta.get("displayName", ""), _join(path, "displayName"), limit=63
            ),
            "labels": labels,
            "annotations": annotations,
        }

    def indicator_choice(self, spec: dict[str, Any], path: str) -> tuple[str, Any]:
        has_inline, has_ref = "indicator" in spec, "indicatorRef" in spec
        if has_inline == has_ref:
            raise self.fail(
                path,
                "exactly one of indicator (an inline SLI) and indicatorRef (an SLI's name) "
                f"is required, {'both were' if has_inline else 'neither was'} given",
            )
        if has_ref:
            return self.dns_label(spec["indicatorRef"], _join(path, "indicatorRef")), None
        where = _join(path, "indicator")
        inline = self.mapping(spec["indicator"], where, ("metadata", "spec"), ("metadata", "spec"))
        meta = self.metadata(inline["metadata"], _join(where, "metadata"))
        self.sli_spec(inline["spec"], _join(where, "spec"))
        return meta["name"], inline

    def sli_spec(self, value: Any, path: str) -> None:
        spec = self.mapping(value, path, ("description", "thresholdMetric", "ratioMetric"))
        self.string(spec.get("description", ""), _join(path, "description"), limit=1050)
        if ("thresholdMetric" in spec) == ("ratioMetric" in spec):
            raise self.fail(path, "exactly one of thresholdMetric and ratioMetric is required")
        if "thresholdMetric" in spec:
            self.metric(spec["thresholdMetric"], _join(path, "thresholdMetric"))
            return
        where = _join(path, "ratioMetric")
        ratio = self.mapping(
            spec["ratioMetric"], where, ("counter", "good", "bad", "total", "rawType", "raw")
        )
        if "counter" in ratio:
            self.boolean(ratio["counter"], _join(where, "counter"))
        if ("total" in ratio) == ("raw" in ratio):
            raise self.fail(where, "exactly one of total and raw is required")
        if "total" in ratio:
            if ("good" in ratio) == ("bad" in ratio):
                raise self.fail(where, "with total, exactly one of good and bad is required")
            if "rawType" in ratio:
                raise self.fail(_join(where, "rawType"), "rawType goes with raw, not total")
            for part in ("good", "bad", "total"):
                if part in ratio:
                    self.metric(ratio[part], _join(where, part))
            return
        for part in ("good", "bad"):
            if part in ratio:
                raise self.fail(_join(where, part), f"raw cannot be used together with {part}")
        if "rawType" not in ratio:
            raise self.fail(where, f"{_join(where, 'rawType')} is required with raw")
        raw_type = self.string(ratio["rawType"], _join(where, "rawType"))
        if raw_type not in ("success", "failure"):
            raise self.fail(
                _join(where, "rawType"), f"expected 'success' or 'failure', got {raw_type!r}"
            )
        self.metric(ratio["raw"], _join(where, "raw"))

    def metric(self, value: Any, path: str) -> None:
        metric = self.mapping(value, path, ("metricSource",), ("metricSource",))
        where = _join(path, "metricSource")
        source = self.mapping(
            metric["metricSource"], where, ("metricSourceRef", "type", "spec"), ("spec",)
        )
        if "metricSourceRef" in source:
            self.dns_label(source["metricSourceRef"], _join(where, "metricSourceRef"))
        if "type" in source:
            self.string(source["type"], _join(where, "type"))
        inner = source["spec"]
        if not isinstance(inner, dict) or not inner:
            raise self.fail(
                _join(where, "spec"), f"expected a mapping with at least one key, got {inner!r}"
            )

    def time_window(self, value: Any, path: str) -> SloWindow:
        if not isinstance(value, list) or len(value) != 1:
            count = len(value) if isinstance(value, list) else _shown(value)
            raise self.fail(path, f"expected a list of exactly one time window, got {count}")
        where = f"{path}[0]"
        window = self.mapping(value[0], where, ("duration", "isRolling", "calendar"), ("duration",))
        duration = self.string(window["duration"], _join(where, "duration"))
        rolling = self.boolean(window.get("isRolling", False), _join(where, "isRolling"))
        if rolling and "calendar" in window:
            raise self.fail(where, "'calendar' cannot be set when 'isRolling' is true")
        if not rolling and "calendar" not in window:
            raise self.fail(where, "'calendar' must be set when 'isRolling' is false")
        try:
            if rolling:
                return SloWindow.parse(duration)
        except ValidationError as e:
            raise self.fail(_join(where, "duration"), str(e)) from None
        cal_path = _join(where, "calendar")
        calendar = self.mapping(
            window["calendar"], cal_path, ("startTime", "timeZone"), ("startTime", "timeZone")
        )
        start = self.start_time(calendar["startTime"], _join(cal_path, "startTime"))
        zone = self.string(calendar["timeZone"], _join(cal_path, "timeZone"))
        try:
            time_zone(zone)
        except ValidationError as e:
            raise self.fail(_join(cal_path, "timeZone"), str(e)) from None
        try:
            return SloWindow.parse(duration, start=start, zone=zone)
        except ValidationError as e:
            raise self.fail(_join(where, "duration"), str(e)) from None

    def start_time(self, value: Any, path: str) -> datetime:
        # YAML reads an unquoted 2026-01-01 00:00:00 as a timestamp, a quoted one as text
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                raise self.fail(path, "startTime has no offset: the calendar's timeZone gives it")
            return value
        if isinstance(value, date):
            raise self.fail(path, f"expected a date and time 'YYYY-MM-DD HH:MM:SS', got {value}")
        text = self.string(value, path)
        if not _START_PATTERN.match(text):
            raise self.fail(path, f"expected a date and time 'YYYY-MM-DD HH:MM:SS', got {text!r}")
        try:
            return datetime.strptime(text, _START_TIME)
        except ValueError as e:
            raise self.fail(path, f"{text!r} is not a valid date and time: {e}") from None

    def objective(self, value: Any, path: str, method: str) -> SloObjective:
        allowed = (
            "displayName",
            "op",
            "value",
            "target",
            "targetPercent",
            "timeSliceTarget",
            "timeSliceWindow",
            "indicator",
            "indicatorRef",
            "compositeWeight",
        )
        objective = self.mapping(value, path, allowed)
        for key in ("indicator", "indicatorRef", "compositeWeight"):
            if key in objective:
                raise self.fail(
                    _join(path, key),
                    "composite SLOs (an indicator per objective) are not read by fitsm",
                )
        if ("target" in objective) == ("targetPercent" in objective):
            raise self.fail(path, "exactly one of target and targetPercent is required")
        if "target" in objective:
            target = self.number(objective["target"], _join(path, "target"))
            if not 0 <= target < 1:
                raise self.fail(_join(path, "target"), f"must be in [0, 1), got {_decimal(target)}")
        else:
            percent = self.number(objective["targetPercent"], _join(path, "targetPercent"))
            if not 0 <= percent < 100:
                raise self.fail(
                    _join(path, "targetPercent"), f"must be in [0, 100), got {_decimal(percent)}"
                )
            target = percent / 100
        if target == 0:
            key = "target" if "target" in objective else "targetPercent"
            raise self.fail(
                _join(path, key),
                "a target of 0 lets every event be bad, which leaves nothing to measure; "
                "fitsm needs a target above 0",
            )
        op = None
        if "op" in objective:
            op = self.string(objective["op"], _join(path, "op"))
            if op not in _OPERATORS:
                raise self.fail(_join(path, "op"), f"expected {_or(_OPERATORS)}, got {op!r}")
        number = (
            self.number(objective["value"], _join(path, "value")) if "value" in objective else None
        )
        slice_target = None
        if "timeSliceTarget" in objective:
            slice_target = self.number(objective["timeSliceTarget"], _join(path, "timeSliceTarget"))
            if not 0 < slice_target <= 1:
                raise self.fail(
                    _join(path, "timeSliceTarget"),
                    f"must be in (0, 1], got {_decimal(slice_target)}",
                )
        elif method == BudgetingMethod.TIMESLICES:
            raise self.fail(path, f"{_join(path, 'timeSliceTarget')} is required with {method}")
        slice_window = None
        if "timeSliceWindow" in objective:
            slice_window = self.slice_window(
                objective["timeSliceWindow"], _join(path, "timeSliceWindow")
            )
        elif method != BudgetingMethod.OCCURRENCES:
            raise self.fail(path, f"{_join(path, 'timeSliceWindow')} is required with {method}")
        display = self.string(objective.get("displayName", ""), _join(path, "displayName"))
        try:
            return SloObjective(target, display, op, number, slice_target, slice_window)
        except ValidationError as e:
            raise self.fail(_join(path, _KEYS.get(e.field or "", "target")), str(e)) from None

    def slice_window(self, value: Any, path: str) -> timedelta:
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 1:
                raise self.fail(path, f"expected a positive number of minutes, got {value}")
            return timedelta(minutes=value)  # a bare number counts minutes, as the spec says
        text = self.string(value, path)
        try:
            return SloWindow.parse(text).length
        except ValidationError as e:
            raise self.fail(path, str(e)) from None


# -- writing -----------------------------------------------------------------------


def _document(slo: ServiceLevelObjective) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": slo.name}
    if slo.display_name:
        metadata["displayName"] = slo.display_name
    if slo.labels:
        metadata["labels"] = {k: v[0] if len(v) == 1 else list(v) for k, v in slo.labels.items()}
    if slo.annotations:
        metadata["annotations"] = dict(slo.annotations)
    spec: dict[str, Any] = {}
    if slo.description:
        spec["description"] = slo.description
    spec["service"] = slo.service
    if slo.indicator_spec is not None:
        spec["indicator"] = _thawed(slo.indicator_spec)
    else:
        spec["indicatorRef"] = slo.indicator
    spec["budgetingMethod"] = slo.budgeting_method.value
    spec["timeWindow"] = [_window(slo)]
    spec["objectives"] = [_objective(slo, o) for o in slo.objectives]
    return {"apiVersion": API_VERSION, "kind": "SLO", "metadata": metadata, "spec": spec}


def _window(slo: ServiceLevelObjective) -> dict[str, Any]:
    window = slo.window
    if window.start is None:
        return {"duration": window.shorthand, "isRolling": True}
    wall = window.start.replace(tzinfo=None)
    if wall.microsecond or as_utc(localize(wall, window.zone)) != as_utc(window.start):
        raise ValidationError(
            f"SLO {slo.name!r}: the calendar start {window.start.isoformat()} cannot be "
            "written as OpenSLO's startTime (whole seconds, wall-clock time without offset)",
            field="window",
        )
    return {
        "duration": window.shorthand,
        "calendar": {"startTime": wall.strftime(_START_TIME), "timeZone": window.zone},
        "isRolling": False,
    }


def _objective(slo: ServiceLevelObjective, objective: SloObjective) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if objective.display_name:
        out["displayName"] = objective.display_name
    if objective.op is not None:
        out["op"] = objective.op
    if objective.value is not None:
        out["value"] = _yaml_number(objective.value, slo, "value")
    out["target"] = _yaml_number(objective.target, slo, "target")
    if objective.time_slice_target is not None:
        out["timeSliceTarget"] = _yaml_number(objective.time_slice_target, slo, "timeSliceTarget")
    if objective.time_slice_window is not None:
        out["timeSliceWindow"] = _shorthand(objective.time_slice_window, slo)
    return out


def _yaml_number(value: Fraction, slo: ServiceLevelObjective, what: str) -> int | float:
    if value.denominator == 1:
        return int(value)
    approx = float(value)
    if Fraction(repr(approx)) != value:
        raise ValidationError(
            f"SLO {slo.name!r}: {what} {value} has no exact decimal form for OpenSLO",
            field=what,
        )
    return approx


def _shorthand(value: timedelta, slo: ServiceLevelObjective) -> str:
    for unit, size in _SLICE_UNITS:
        if value % size == timedelta(0):
            return f"{value // size}{unit}"
    raise ValidationError(
        f"SLO {slo.name!r}: a time slice window of {value} is not whole minutes",
        field="time_slice_window",
    )


def _thawed(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thawed(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    return value


# -- small helpers -------------------------------------------------------------------


def _source(source: str | Path | IO[str]) -> tuple[str, str]:
    if isinstance(source, str) and "\n" in source:
        return "<text>", source
    if isinstance(source, str | Path):
        try:
            return str(source), Path(source).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise LoadError(str(source), None, None, "no such file") from None
        except UnicodeDecodeError as e:
            raise LoadError(str(source), None, None, f"not UTF-8 text: {e.reason}") from None
        except OSError as e:
            raise LoadError(str(source), None, None, f"cannot read: {e.strerror}") from None
    name = getattr(source, "name", None)
    return (name if isinstance(name, str) else "<stream>"), source.read()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _or(values: Iterable[str]) -> str:
    items = [repr(v) for v in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _shown(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def _decimal(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else repr(float(value))
