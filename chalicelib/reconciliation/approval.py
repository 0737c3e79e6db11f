"""Two people for money one person could forge: when a match needs an admin's PIN, and whose.

One CS person can upload a statement file of their own making whose totals add up; if the same
person could then confirm its match (or match any row by hand), one person alone would turn a
made-up credit into a paid Book Order and a sale. So, above the store's threshold
(``two_person_above``, rupiah; 0 = always):

- confirming a proposed match of a file the confirming person uploaded needs an admin's PIN, and
  that admin must be someone else (an admin confirming their own upload needs a second admin);
- any hand-match needs an admin's PIN (someone else's, again, when the rows come from the hand-
  matcher's own upload).

A file whose opening balance does not continue the account's stored balance
(:mod:`.continuity`) is never confirmed by the importer, and its matches need an admin's PIN
whatever the amount.

Pure Python: the service reads the settings, the statements and the PIN (``staff.verify_pin``).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Iterable



class ApprovalReason(StrEnum):
    """Why an action needs an admin's PIN. Stored in the audit trail: never rename a value."""

    OWN_UPLOAD = "own_upload"  # confirming a match of a file one uploaded, above the threshold
    HAND_MATCH = "hand_match"  # matching by hand, above the threshold
    BALANCE_DISCONTINUITY = "balance_discontinuity"  # the file does not continue the stored balance


def above(amount: int, threshold: int) -> bool:
    """Strictly above: with a threshold of 0 every (positive) amount needs approval."""
    return amount > threshold


@dataclass(frozen=True)
class Gate:
    """What one action needs: the reasons for an admin's PIN (none: go ahead), the amount at stake,
    the threshold applied, and who the approver may not be."""

    reasons: tuple[ApprovalReason, ...]
    amount: int
    threshold: int
    excluded: frozenset[str] = frozenset()  # people who may not approve (the uploader confirming their own file)

    @property
    def required(self) -> bool:
        return bool(self.reasons)

    def may_approve(self, staff_id: str) -> bool:
        return staff_id not in self.excluded

    def details(self) -> dict:
        """For the client (the PIN dialog) and the audit trail."""
        return {"reasons": [r.value for r in self.reasons], "amount": self.amount, "threshold": self.threshold,
                "second_person": bool(self.excluded)}


def _gate(reasons: list[ApprovalReason], amount: int, threshold: int, confirmer: str,
          uploaders: Iterable[str | None]) -> Gate:
    own = confirmer in {u for u in uploaders if u}
    return Gate(tuple(reasons), amount, threshold, frozenset({confirmer}) if reasons and own else frozenset())


def confirm_gate(amount: int, threshold: int, *, confirmer: str, uploader: str | None,
                 discontinuous: bool) -> Gate:
    """Confirming a proposed match of ``amount`` from a file ``uploader`` uploaded (None: copied in
    without the app, by someone with access to the store's bucket)."""
    reasons = []
    if uploader is not None and uploader == confirmer and above(amount, threshold):
        reasons.append(ApprovalReason.OWN_UPLOAD)
    if discontinuous:
        reasons.append(ApprovalReason.BALANCE_DISCONTINUITY)
    return _gate(reasons, amount, threshold, confirmer, [uploader])


def hand_match_gate(amount: int, threshold: int, *, confirmer: str, uploaders: Iterable[str | None],
                    discontinuous: bool) -> Gate:
    """Matching rows by hand. ``amount`` is what is at stake: the larger of the credits matched and
    the biggest order they pay into, so an order above the threshold cannot be paid in small parts."""
    reasons = []
    if above(amount, threshold):
        reasons.append(ApprovalReason.HAND_MATCH)
    if discontinuous:
        reasons.append(ApprovalReason.BALANCE_DISCONTINUITY)
    return _gate(reasons, amount, threshold, confirmer, uploaders)


def may_auto_confirm(amount: int, threshold: int, *, uploaded_by_person: bool, discontinuous: bool) -> bool:
    """Whether the importer may confirm a match itself (the store's ``auto_confirm_matches``).

    Never for a file that does not continue the stored balance; and above the threshold not for a
    file a staff member uploaded, since confirming it then would be that one person's decision: it
    becomes a proposal that someone else confirms (or the uploader, with an admin's PIN).
    """
    if discontinuous:
        return False
    return not (uploaded_by_person and above(amount, threshold))


@dataclass(frozen=True)
class Approved:
    """An admin's PIN given for one action: who approved it and what they approved."""

    staff_id: str
    name: str | None
    gate: Gate

    def detail(self) -> dict:
        return {"approved_by": self.staff_id, "approved_by_name": self.name, **self.gate.details()}
