"""Who works on a case, as this vault's facilitator sees it.

Every copy of a case records each facilitator who wrote in it as a facilitator (the vault's
owner is one in their own copy, and so is a co-worker whose file was merged). "Co-worker"
is what the other facilitators are to the one reading: so the owner is the facilitator,
every other facilitator of the case is a co-worker, and so is whoever the case names as
its co-worker (unless that is the owner). One answer for ``rjfacil show``, the app and
every export.
"""

from __future__ import annotations

from uuid import UUID

from rjfacil.casedoc.model import TeamMember, TeamRole
from rjfacil.commands.casefile import CaseFile

_CO_WORKING = (TeamRole.FACILITATOR, TeamRole.CO_WORKER)


def co_workers(case: CaseFile) -> list[UUID]:
    """The case's co-workers, by id: the case's named co-worker first, then every other
    facilitator on its team, in the order they joined it; never this vault's owner, and a
    name once (the co-worker named by name when the case was made and the same person's
    own copy merged later are two team members of one name)."""
    found: list[UUID] = []
    names: set[str] = set()  # a co-worker first named in the case, then merged, is one

    def add(person: UUID) -> None:
        name = " ".join(case.person_name(person).split()).casefold()
        if person not in found and name not in names:
            found.append(person)
            names.add(name)

    named = case.case.co_worker
    if named is not None and named != case.owner.id:
        add(named)
    for member in sorted(case.team, key=lambda m: m.created_at):
        if member.role in _CO_WORKING and member.id != case.owner.id:
            add(member.id)
    return found


def team_role_label(case: CaseFile, member: TeamMember) -> str:
    """What a team member is to this vault's facilitator: "Facilitator" (the owner),
    "Co-worker" (every other facilitator), else their role ("Case supervisor")."""
    if member.id == case.owner.id:
        return TeamRole.FACILITATOR.label
    if member.role in _CO_WORKING or member.id == case.case.co_worker:
        return TeamRole.CO_WORKER.label
    return member.role.label


def review_waiting_label(count: int) -> str:
    """How many changes from a co-worker's file a merge set aside for review, in words."""
    if count == 0:
        return "None"
    if count == 1:
        return "1 change from a co-worker's file waits for review"
    return f"{count} changes from a co-worker's file wait for review"
