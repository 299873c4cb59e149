"""The FitSM-3 role model: persons, teams, role assignments and their conformance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm.cases import Change, Incident, Problem, unowned
from fitsm.errors import DuplicateError, NotFoundError, ValidationError
from fitsm.roles import (
    CAB_CONTEXTS,
    CASE_ROLES,
    Person,
    Process,
    Role,
    RoleAssignment,
    RoleFinding,
    RoleModel,
    Team,
)


@pytest.fixture
def model() -> RoleModel:
    m = RoleModel("provider")
    m.add_person(Person("alice", "Alice", "alice@example.org"))
    m.add_person(Person("bob", "Bob", manager="alice"))
    m.add_person(Person("carol", "Carol", manager="bob"))
    m.add_person(Person("dave", "Dave", manager="bob"))
    m.add_team(Team("desk", "Service desk", ["carol", "dave"]))
    return m


T = datetime(2026, 1, 5, 9, tzinfo=UTC)


def conformant(services: tuple[str, ...] = ("mail",)) -> RoleModel:
    m = RoleModel()
    m.add_person(Person("alice", "Alice"))
    m.add_person(Person("bob", "Bob", manager="alice"))
    m.assign("alice", Role.SMS_OWNER)
    m.assign("bob", Role.SMS_MANAGER)
    for process in Process:
        m.assign("alice", Role.PROCESS_OWNER, process)
        m.assign("bob", Role.PROCESS_MANAGER, process)
    m.assign("bob", Role.INFORMATION_SECURITY_RISK_MANAGER)
    for service in services:
        m.assign("bob", Role.SERVICE_OWNER, service)
    return m


class TestProcess:
    def test_there_are_fourteen_processes_named_by_abbreviation(self) -> None:
        assert [p.value for p in Process] == [
            "SPM",
            "SLM",
            "SRM",
            "SACM",
            "CAPM",
            "ISM",
            "CRM",
            "SUPPM",
            "ISRM",
            "PM",
            "CONFM",
            "CHM",
            "RDM",
            "CSI",
        ]

    def test_each_process_knows_its_requirement_group(self) -> None:
        assert [p.requirement for p in Process] == [f"PR{i}" for i in range(1, 15)]

    def test_each_process_has_a_full_name(self) -> None:
        assert Process.SUPPM.full_name == "supplier relationship management"


class TestRecords:
    def test_a_person_may_name_a_manager(self) -> None:
        assert Person("bob", "Bob", manager="alice").manager == "alice"

    def test_a_person_cannot_be_their_own_manager(self) -> None:
        with pytest.raises(ValidationError, match="'bob' cannot be their own manager"):
            Person("bob", "Bob", manager="bob")

    @pytest.mark.parametrize("bad", ["", " bob", 7])
    def test_a_person_id_must_be_a_clean_string(self, bad) -> None:
        with pytest.raises(ValidationError, match=repr(bad)):
            Person(bad, "Bob")

    def test_a_manager_id_must_be_a_clean_string(self) -> None:
        with pytest.raises(ValidationError, match="Person.manager .* got ''"):
            Person("bob", "Bob", manager="")

    def test_a_team_takes_a_single_member_as_a_string(self) -> None:
        assert Team("t", "T", "carol").members == ("carol",)

    def test_a_team_member_must_be_an_id(self) -> None:
        with pytest.raises(ValidationError, match="team 't' has member ''"):
            Team("t", "T", ["carol", ""])

    def test_a_team_lists_each_member_once(self) -> None:
        with pytest.raises(ValidationError, match="member 'carol' more than once"):
            Team("t", "T", ["carol", "carol"])

    def test_an_unknown_role_is_refused_naming_it(self) -> None:
        with pytest.raises(ValidationError, match="'sms_boss' is not a valid Role"):
            RoleAssignment("alice", "sms_boss")

    def test_a_role_is_accepted_by_its_value(self) -> None:
        assert RoleAssignment("alice", "sms_owner").role is Role.SMS_OWNER

    def test_a_holder_must_be_a_clean_string(self) -> None:
        with pytest.raises(ValidationError, match="RoleAssignment.holder .* got ''"):
            RoleAssignment("", Role.SMS_OWNER)


class TestContexts:
    @pytest.mark.parametrize("role", [Role.SMS_OWNER, Role.SMS_MANAGER])
    def test_general_roles_take_no_context(self, role) -> None:
        assert RoleAssignment("alice", role).context is None
        with pytest.raises(
            ValidationError,
            match=f"role '{role.value}' needs no context \\(None\\) as context, got 'SPM'",
        ):
            RoleAssignment("alice", role, "SPM")

    @pytest.mark.parametrize("role", [Role.PROCESS_OWNER, Role.PROCESS_MANAGER, Role.PROCESS_STAFF])
    def test_process_roles_take_a_process_stored_as_its_value(self, role) -> None:
        by_enum = RoleAssignment("alice", role, Process.CHM)
        by_value = RoleAssignment("alice", role, "CHM")
        assert by_enum == by_value
        assert type(by_enum.context) is str
        assert by_enum.context == "CHM"

    @pytest.mark.parametrize("bad", [None, "XYZ", "chm", ""])
    def test_process_roles_refuse_anything_but_a_process(self, bad) -> None:
        with pytest.raises(
            ValidationError,
            match=f"role 'process_owner' needs a process, one of 'SPM', .*'CSI' "
            f"as context, got {bad!r}",
        ):
            RoleAssignment("alice", Role.PROCESS_OWNER, bad)

    @pytest.mark.parametrize("board", CAB_CONTEXTS)
    def test_cab_members_sit_on_the_cab_or_the_emergency_cab(self, board) -> None:
        assert RoleAssignment("alice", Role.CAB_MEMBER, board).context == board

    @pytest.mark.parametrize("bad", [None, "cab", "board"])
    def test_cab_members_refuse_any_other_board(self, bad) -> None:
        with pytest.raises(
            ValidationError,
            match=f"role 'cab_member' needs one of 'CAB', 'ECAB' as context, got {bad!r}",
        ):
            RoleAssignment("alice", Role.CAB_MEMBER, bad)

    @pytest.mark.parametrize(
        "role",
        sorted(
            set(Role)
            - {
                Role.SMS_OWNER,
                Role.SMS_MANAGER,
                Role.PROCESS_OWNER,
                Role.PROCESS_MANAGER,
                Role.PROCESS_STAFF,
                Role.CAB_MEMBER,
                Role.INFORMATION_SECURITY_RISK_MANAGER,
            }
        ),
    )
    def test_case_roles_take_the_id_of_their_case(self, role) -> None:
        assert RoleAssignment("alice", role, "X-1").context == "X-1"
        for bad in (None, "", " X-1"):
            with pytest.raises(
                ValidationError, match=f"role '{role.value}' needs the id .* got {bad!r}"
            ):
                RoleAssignment("alice", role, bad)

    def test_a_major_incident_coordinator_needs_the_incident_id(self) -> None:
        with pytest.raises(ValidationError, match="needs the id of the incident"):
            RoleAssignment("alice", Role.MAJOR_INCIDENT_COORDINATOR)

    def test_the_context_error_names_the_field(self) -> None:
        with pytest.raises(ValidationError) as caught:
            RoleAssignment("alice", Role.SERVICE_OWNER)
        assert caught.value.field == "context"


class TestPeopleAndTeams:
    def test_people_and_teams_are_listed_in_the_order_added(self, model) -> None:
        assert [p.id for p in model.people] == ["alice", "bob", "carol", "dave"]
        assert [t.id for t in model.teams] == ["desk"]
        assert model.person("bob").name == "Bob"
        assert model.team("desk").members == ("carol", "dave")

    def test_an_unknown_person_or_team_is_not_found(self, model) -> None:
        with pytest.raises(NotFoundError, match="no person 'zoe' in role model 'provider'"):
            model.person("zoe")
        with pytest.raises(NotFoundError, match="no team 'ops' in role model 'provider'"):
            model.team("ops")

    def test_persons_and_teams_share_one_id_space(self, model) -> None:
        with pytest.raises(DuplicateError, match="'bob' is already used by a person"):
            model.add_person(Person("bob", "Another Bob"))
        with pytest.raises(DuplicateError, match="'bob' is already used by a person"):
            model.add_team(Team("bob", "Team Bob"))
        with pytest.raises(DuplicateError, match="'desk' is already used by a team"):
            model.add_person(Person("desk", "Desk"))

    def test_team_members_must_be_known_persons(self, model) -> None:
        with pytest.raises(NotFoundError, match="team 'ops' names member 'zoe'"):
            model.add_team(Team("ops", "Operations", ["carol", "zoe"]))
        with pytest.raises(NotFoundError, match="names member 'desk', who is not a person"):
            model.add_team(Team("ops", "Operations", ["desk"]))
        assert [t.id for t in model.teams] == ["desk"]

    def test_a_manager_must_be_known_before_their_report(self, model) -> None:
        with pytest.raises(NotFoundError, match="'erin' names manager 'zoe'"):
            model.add_person(Person("erin", "Erin", manager="zoe"))

    def test_the_manager_is_the_next_step_of_hierarchical_escalation(self, model) -> None:
        chain = ["carol"]
        while (up := model.manager_of(chain[-1])) is not None:
            chain.append(up)
        assert chain == ["carol", "bob", "alice"]

    def test_the_manager_of_an_unknown_person_is_not_found(self, model) -> None:
        with pytest.raises(NotFoundError, match="'zoe'"):
            model.manager_of("zoe")

    def test_a_model_needs_an_id(self) -> None:
        with pytest.raises(ValidationError, match="got ''"):
            RoleModel("")


class TestAssignment:
    def test_assign_returns_the_assignment(self, model) -> None:
        got = model.assign("bob", Role.PROCESS_OWNER, Process.ISRM)
        assert got == RoleAssignment("bob", Role.PROCESS_OWNER, "ISRM")
        assert model.assignments == (got,)

    def test_holders_are_listed_in_assignment_order(self, model) -> None:
        model.assign("dave", Role.CAB_MEMBER, "CAB")
        model.assign("bob", Role.CAB_MEMBER, "CAB")
        model.assign("carol", Role.CAB_MEMBER, "ECAB")
        assert model.holders(Role.CAB_MEMBER, "CAB") == ("dave", "bob")
        assert model.holders("cab_member", "ECAB") == ("carol",)

    def test_holders_distinguish_contexts(self, model) -> None:
        model.assign("bob", Role.PROCESS_MANAGER, "CHM")
        assert model.holders(Role.PROCESS_MANAGER, Process.CHM) == ("bob",)
        assert model.holders(Role.PROCESS_MANAGER, Process.RDM) == ()

    def test_holders_check_the_context_too(self, model) -> None:
        with pytest.raises(ValidationError, match="got 'nope'"):
            model.holders(Role.PROCESS_OWNER, "nope")

    def test_a_team_can_hold_a_role(self, model) -> None:
        model.assign("desk", Role.PROCESS_STAFF, Process.ISRM)
        assert model.holders(Role.PROCESS_STAFF, Process.ISRM) == ("desk",)

    def test_an_unknown_holder_is_refused(self, model) -> None:
        with pytest.raises(NotFoundError, match="cannot assign 'sms_owner' to 'zoe'"):
            model.assign("zoe", Role.SMS_OWNER)

    def test_a_duplicate_assignment_is_refused(self, model) -> None:
        model.assign("bob", Role.SERVICE_OWNER, "mail")
        with pytest.raises(
            DuplicateError, match="'bob' already holds role 'service_owner' for 'mail'"
        ):
            model.assign("bob", "service_owner", "mail")

    def test_a_wrong_context_is_refused_and_nothing_is_assigned(self, model) -> None:
        with pytest.raises(ValidationError, match="role 'sms_owner' needs no context"):
            model.assign("alice", Role.SMS_OWNER, "SPM")
        assert model.assignments == ()

    def test_revoke_removes_the_assignment(self, model) -> None:
        model.assign("bob", Role.PROCESS_OWNER, Process.PM)
        model.assign("carol", Role.PROCESS_OWNER, Process.PM)
        model.revoke("bob", Role.PROCESS_OWNER, "PM")
        assert model.holders(Role.PROCESS_OWNER, Process.PM) == ("carol",)

    def test_revoking_an_absent_assignment_is_not_found(self, model) -> None:
        model.assign("bob", Role.PROCESS_OWNER, Process.PM)
        with pytest.raises(
            NotFoundError, match="'bob' does not hold role 'process_owner' for 'CHM'"
        ):
            model.revoke("bob", Role.PROCESS_OWNER, Process.CHM)

    def test_revoke_checks_the_context(self, model) -> None:
        with pytest.raises(ValidationError, match="got 'PR1'"):
            model.revoke("bob", Role.PROCESS_OWNER, "PR1")


class TestTeamsGiveRoles:
    def test_members_hold_the_roles_of_their_team(self, model) -> None:
        model.assign("desk", Role.PROCESS_STAFF, Process.ISRM)
        assert model.has_role("carol", Role.PROCESS_STAFF, Process.ISRM)
        assert model.has_role("dave", "process_staff", "ISRM")
        assert not model.has_role("bob", Role.PROCESS_STAFF, Process.ISRM)

    def test_direct_roles_count_too(self, model) -> None:
        model.assign("bob", Role.SMS_MANAGER)
        assert model.has_role("bob", Role.SMS_MANAGER)
        assert not model.has_role("bob", Role.SMS_OWNER)

    def test_has_role_matches_the_context(self, model) -> None:
        model.assign("desk", Role.PROCESS_STAFF, Process.ISRM)
        assert not model.has_role("carol", Role.PROCESS_STAFF, Process.PM)

    def test_roles_of_lists_direct_and_team_roles_in_assignment_order(self, model) -> None:
        staff = model.assign("desk", Role.PROCESS_STAFF, Process.ISRM)
        model.assign("dave", Role.SERVICE_OWNER, "mail")
        owner = model.assign("carol", Role.SERVICE_OWNER, "web")
        assert model.roles_of("carol") == (staff, owner)

    def test_revoking_from_the_team_takes_the_role_from_its_members(self, model) -> None:
        model.assign("desk", Role.PROCESS_STAFF, Process.ISRM)
        model.revoke("desk", Role.PROCESS_STAFF, Process.ISRM)
        assert not model.has_role("carol", Role.PROCESS_STAFF, Process.ISRM)

    def test_role_queries_need_a_known_person(self, model) -> None:
        with pytest.raises(NotFoundError, match="no person 'zoe'"):
            model.roles_of("zoe")
        with pytest.raises(NotFoundError, match="no person 'desk'"):
            model.has_role("desk", Role.SMS_OWNER)


class TestCheck:
    def test_a_conformant_model_has_no_findings(self) -> None:
        m = conformant(("mail", "web"))
        assert m.check(services=["mail", "web"]) == []

    def test_an_empty_model_misses_every_owner_and_manager(self) -> None:
        findings = RoleModel().check()
        assert findings[0] == RoleFinding("no_sms_owner", None, "no SMS owner is assigned (GR1.1)")
        problems = [(f.problem, f.context) for f in findings[1:]]
        assert problems == [
            (problem, p.value)
            for p in Process
            for problem in ("no_process_owner", "no_process_manager")
            + (("no_information_security_risk_manager",) if p is Process.ISM else ())
        ]

    def test_plans_controls_and_assets_need_exactly_one_owner_each(self) -> None:
        m = conformant()
        m.assign("alice", Role.CONTINUITY_PLAN_OWNER, "cp-mail")
        m.assign("alice", Role.SECURITY_CONTROL_OWNER, "backup")
        m.assign("bob", Role.SECURITY_CONTROL_OWNER, "backup")
        found = m.check(
            owned={
                Role.CONTINUITY_PLAN_OWNER: ["cp-mail", "cp-web"],
                "security_control_owner": ["backup"],
                Role.ASSET_OWNER: ["payroll"],
            }
        )
        assert [(f.problem, f.context) for f in found] == [
            ("no_continuity_plan_owner", "cp-web"),
            ("several_security_control_owners", "backup"),
            ("no_asset_owner", "payroll"),
        ]
        assert found[1].message == (
            "security control 'backup' has 2 security control owners, 'alice', 'bob'; "
            "FitSM-3 expects 1 per security control"
        )

    def test_each_customer_needs_exactly_one_relationship_manager(self) -> None:
        # FitSM-3, CRM roles: a customer relationship manager "1 per identified customer"
        m = conformant()
        m.assign("alice", Role.CUSTOMER_RELATIONSHIP_MANAGER, "acme")
        m.assign("alice", Role.CUSTOMER_RELATIONSHIP_MANAGER, "globex")
        m.assign("bob", Role.CUSTOMER_RELATIONSHIP_MANAGER, "globex")
        found = m.check(owned={Role.CUSTOMER_RELATIONSHIP_MANAGER: ["acme", "globex", "initech"]})
        assert [(f.problem, f.context) for f in found] == [
            ("several_customer_relationship_managers", "globex"),
            ("no_customer_relationship_manager", "initech"),
        ]
        assert found[1].message == "customer 'initech' has no customer relationship manager"

    def test_a_relationship_manager_is_held_for_a_customer_id(self) -> None:
        m = conformant()
        with pytest.raises(ValidationError, match="customer_relationship_manager.*needs the id"):
            m.assign("alice", Role.CUSTOMER_RELATIONSHIP_MANAGER)

    def test_owned_takes_only_roles_held_once_per_object(self) -> None:
        with pytest.raises(ValidationError, match="'sms_owner' is not held once per object"):
            RoleModel().check(owned={Role.SMS_OWNER: ["x"]})
        with pytest.raises(ValidationError, match="collection of ids, got the string 'cp-1'"):
            RoleModel().check(owned={Role.CAPACITY_PLAN_OWNER: "cp-1"})

    def test_several_sms_owners_are_named(self) -> None:
        m = conformant()
        m.revoke("bob", Role.SMS_MANAGER)
        m.assign("bob", Role.SMS_OWNER)
        [finding] = m.check(services=["mail"])
        assert finding.problem == "several_sms_owners"
        assert finding.context is None
        assert "2 SMS owners, 'alice', 'bob'" in finding.message

    def test_a_process_without_an_owner_is_owned_by_the_sms_owner(self) -> None:
        """FitSM-3: the SMS owner may also take over the process owner role."""
        m = conformant()
        m.revoke("alice", Role.PROCESS_OWNER, Process.CAPM)
        assert m.check() == []
        m.revoke("alice", Role.SMS_OWNER)
        findings = m.check()
        assert [f.problem for f in findings] == ["no_sms_owner", "no_process_owner"]
        assert findings[1].context == "CAPM"
        assert "process CAPM (PR5) has no process owner" in findings[1].message

    def test_a_process_without_a_manager(self) -> None:
        m = conformant()
        m.revoke("bob", Role.PROCESS_MANAGER, Process.RDM)
        [finding] = m.check()
        assert (finding.problem, finding.context) == ("no_process_manager", "RDM")
        assert "process RDM (PR13) has no process manager" in finding.message

    def test_a_process_with_several_owners(self) -> None:
        m = conformant()
        m.assign("bob", Role.PROCESS_OWNER, Process.ISM)
        [finding] = m.check()
        assert (finding.problem, finding.context) == ("several_process_owners", "ISM")
        assert "process ISM (PR6) has 2 process owners, 'alice', 'bob'" in finding.message

    def test_several_process_managers_are_fine(self) -> None:
        m = conformant()
        m.assign("alice", Role.PROCESS_MANAGER, Process.ISM)
        assert m.check() == []

    def test_only_processes_in_scope_are_checked(self) -> None:
        m = RoleModel()
        m.add_person(Person("alice", "Alice"))
        m.assign("alice", Role.SMS_OWNER)
        m.assign("alice", Role.PROCESS_OWNER, Process.ISRM)
        m.assign("alice", Role.PROCESS_MANAGER, Process.ISRM)
        assert m.check(processes=["ISRM", Process.ISRM]) == []
        # PM has no manager; its owner is the SMS owner
        assert [(f.problem, f.context) for f in m.check(processes=[Process.PM])] == [
            ("no_process_manager", "PM")
        ]

    def test_information_security_needs_a_risk_manager(self) -> None:
        """FitSM-3 names one information security risk manager for ISM (PR6.2)."""
        m = conformant()
        m.revoke("bob", Role.INFORMATION_SECURITY_RISK_MANAGER)
        [finding] = m.check()
        assert finding == RoleFinding(
            "no_information_security_risk_manager",
            "ISM",
            "process ISM (PR6) has no information security risk manager",
        )

    def test_the_risk_manager_is_needed_only_where_ism_is_in_scope(self) -> None:
        m = conformant()
        m.revoke("bob", Role.INFORMATION_SECURITY_RISK_MANAGER)
        in_scope = [p for p in Process if p is not Process.ISM]
        assert m.check(processes=in_scope) == []
        assert [f.problem for f in m.check(processes=["ISM"])] == [
            "no_information_security_risk_manager"
        ]

    def test_the_risk_manager_is_held_without_a_context(self) -> None:
        m = conformant()
        with pytest.raises(ValidationError, match="needs no context"):
            m.assign("alice", Role.INFORMATION_SECURITY_RISK_MANAGER, Process.ISM)
        m.assign("alice", Role.INFORMATION_SECURITY_RISK_MANAGER)
        assert m.has_role("alice", "information_security_risk_manager")
        assert m.check() == []  # FitSM-3 says 1 in total, and two are not a finding

    def test_an_unknown_process_in_scope_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="'PR9' is not a valid Process"):
            RoleModel().check(processes=["PR9"])

    def test_a_service_without_an_owner(self) -> None:
        [finding] = conformant().check(services=["mail", "web"])
        assert finding == RoleFinding(
            "no_service_owner", "web", "service 'web' has no service owner"
        )

    def test_a_service_with_several_owners(self) -> None:
        m = conformant()
        m.assign("alice", Role.SERVICE_OWNER, "mail")
        [finding] = m.check(services=["mail"])
        assert (finding.problem, finding.context) == ("several_service_owners", "mail")
        assert "service 'mail' has 2 service owners, 'bob', 'alice'" in finding.message

    def test_a_case_without_an_owner(self) -> None:
        change = Change("CHG-1", "Patch", T, "ann", owner="bob")
        incident = Incident("INC-7", "Down", T, "ann")
        assert unowned([change, incident]) == [
            RoleFinding("no_case_owner", "INC-7", "case 'INC-7' has no incident owner")
        ]

    def test_a_problem_names_its_own_owner_role(self) -> None:
        [finding] = unowned([Problem("X-1", "Keeps failing", T, "ann")])
        assert "no problem owner" in finding.message

    @pytest.mark.parametrize("role", sorted(CASE_ROLES))
    def test_a_role_held_for_one_case_is_a_field_of_the_case(self, role) -> None:
        m = conformant()
        with pytest.raises(ValidationError, match="set the case's"):
            m.assign("bob", role, "INC-1")
        assert m.check() == []  # the role model does not grow with the cases


class TestAggregate:
    def test_a_copy_is_equal_and_independent(self, model) -> None:
        model.assign("bob", Role.SMS_OWNER)
        model.version = 3
        other = model.copy()
        assert other == model
        assert other.version == 3
        other.add_person(Person("erin", "Erin"))
        other.add_team(Team("ops", "Operations", ["erin"]))
        other.assign("erin", Role.SMS_MANAGER)
        other.revoke("bob", Role.SMS_OWNER)
        assert other != model
        assert [p.id for p in model.people] == ["alice", "bob", "carol", "dave"]
        assert [t.id for t in model.teams] == ["desk"]
        assert model.holders(Role.SMS_OWNER) == ("bob",)
        assert model.holders(Role.SMS_MANAGER) == ()

    def test_equality_ignores_the_version(self, model) -> None:
        other = model.copy()
        other.version = 9
        assert other == model

    def test_models_with_different_ids_differ(self) -> None:
        assert RoleModel("a") != RoleModel("b")
        assert RoleModel("a") == RoleModel("a")

    def test_the_assignment_order_is_part_of_the_state(self, model) -> None:
        other = model.copy()
        model.assign("alice", Role.CAB_MEMBER, "CAB")
        model.assign("bob", Role.CAB_MEMBER, "CAB")
        other.assign("bob", Role.CAB_MEMBER, "CAB")
        other.assign("alice", Role.CAB_MEMBER, "CAB")
        assert other != model

    def test_a_model_is_not_equal_to_other_things(self) -> None:
        assert RoleModel() != "default"

    def test_a_model_is_unhashable(self) -> None:
        with pytest.raises(TypeError):
            hash(RoleModel())

    def test_repr_counts_the_contents(self, model) -> None:
        model.assign("desk", Role.PROCESS_STAFF, Process.ISRM)
        assert repr(model) == "<RoleModel 'provider': 4 people, 1 teams, 1 assignments>"


class TestRoleHistory:
    """Roles given and revoked with a date are judged at the time of what was done."""

    JAN, MAR, MAY = (datetime(2026, m, 1, tzinfo=UTC) for m in (1, 3, 5))

    def model(self) -> RoleModel:
        m = RoleModel()
        m.add_person(Person("cora", "Cora"))
        m.add_person(Person("dan", "Dan"))
        m.add_team(Team("cab", "CAB", ["dan"]))
        return m

    def test_a_role_counts_from_the_day_it_was_given_until_the_day_it_was_revoked(self) -> None:
        m = self.model()
        m.assign("cora", Role.CAB_MEMBER, "CAB", at=self.MAR)
        assert not m.has_role("cora", Role.CAB_MEMBER, "CAB", at=self.JAN)
        assert m.has_role("cora", Role.CAB_MEMBER, "CAB", at=self.MAR)
        m.revoke("cora", Role.CAB_MEMBER, "CAB", at=self.MAY)
        assert m.has_role("cora", Role.CAB_MEMBER, "CAB", at=self.MAY - timedelta(seconds=1))
        assert not m.has_role("cora", Role.CAB_MEMBER, "CAB", at=self.MAY)
        assert not m.has_role("cora", Role.CAB_MEMBER, "CAB")
        assert m.holders(Role.CAB_MEMBER, "CAB", at=self.MAR) == ("cora",)
        assert m.holders(Role.CAB_MEMBER, "CAB") == ()

    def test_a_role_given_without_a_date_counts_at_any_earlier_time(self) -> None:
        m = self.model()
        m.assign("cab", Role.CAB_MEMBER, "CAB")
        assert m.has_role("dan", Role.CAB_MEMBER, "CAB", at=self.JAN)  # through the team
        m.revoke("cab", Role.CAB_MEMBER, "CAB")  # without a date: forgotten
        assert not m.has_role("dan", Role.CAB_MEMBER, "CAB", at=self.JAN)

    def test_a_revocation_before_the_role_was_given_or_without_a_zone_is_refused(self) -> None:
        m = self.model()
        m.assign("cora", Role.CAB_MEMBER, "CAB", at=self.MAR)
        with pytest.raises(ValidationError, match="expected a revocation at or after it"):
            m.revoke("cora", Role.CAB_MEMBER, "CAB", at=self.JAN)
        with pytest.raises(ValidationError, match="at"):
            m.revoke("cora", Role.CAB_MEMBER, "CAB", at=datetime(2026, 6, 1))
        assert m.has_role("cora", Role.CAB_MEMBER, "CAB")  # refused: nothing changed

    def test_the_history_survives_a_copy_and_equality_sees_it(self) -> None:
        m = self.model()
        m.assign("cora", Role.CAB_MEMBER, "CAB", at=self.JAN)
        other = m.copy()
        m.revoke("cora", Role.CAB_MEMBER, "CAB", at=self.MAR)
        assert other != m
        assert other.has_role("cora", Role.CAB_MEMBER, "CAB", at=self.MAY)
        assert m.copy() == m and m.copy().has_role("cora", Role.CAB_MEMBER, "CAB", at=self.JAN)

    def test_the_history_round_trips_through_a_store_and_old_models_read_as_before(
        self, tmp_path
    ) -> None:
        from fitsm import open_store
        from fitsm.storage import codec

        plain = self.model()
        plain.assign("cora", Role.CAB_MEMBER, "CAB")
        # a model without dates encodes as models did before role history was kept
        assert "_ended" not in codec.dumps(plain)
        m = self.model()
        m.assign("cora", Role.CAB_MEMBER, "CAB", at=self.JAN)
        m.revoke("cora", Role.CAB_MEMBER, "CAB", at=self.MAR)
        store = open_store(f"sqlite:///{tmp_path / 'r.db'}")
        with store.unit_of_work("ann") as uow:
            uow.roles.add(m)
            uow.commit()
        with store.unit_of_work() as uow:
            back = uow.roles.get()
        assert back == m
        assert back.has_role("cora", Role.CAB_MEMBER, "CAB", at=self.JAN)
        assert not back.has_role("cora", Role.CAB_MEMBER, "CAB", at=self.MAR)

    @given(
        st.lists(st.tuples(st.booleans(), st.integers(1, 10)), min_size=1, max_size=12),
        st.integers(0, 130),
    )
    def test_has_role_at_is_whether_the_instant_lies_in_a_tenure(
        self, steps: list[tuple[bool, int]], probe: int
    ) -> None:
        # alternately give and revoke, each step some days after the last: the tenures
        # are the [given, revoked) intervals, and has_role(at) is membership in one
        m = self.model()
        day = 0
        tenures: list[tuple[int, int | None]] = []
        for dated, gap in steps:
            day += gap
            when = self.JAN + timedelta(days=day)
            if not tenures or tenures[-1][1] is not None:
                m.assign("cora", Role.CAB_MEMBER, "CAB", at=when)
                tenures.append((day, None))
            elif dated:
                m.revoke("cora", Role.CAB_MEMBER, "CAB", at=when)
                tenures[-1] = (tenures[-1][0], day)
        at = self.JAN + timedelta(days=probe)
        expected = any(s <= probe and (e is None or probe < e) for s, e in tenures)
        assert m.has_role("cora", Role.CAB_MEMBER, "CAB", at=at) is expected
