"""Meta's account webhooks (account_update, account_review_update, business_capability_update) → the kept details
of the WABA they are about: what the change states is applied at once, and the rest is read from Meta on the next
view (the details are marked outdated)."""

from __future__ import annotations

from typing import Protocol

from hub_shared.meta_events import MetaChange

FIELDS = frozenset({"account_update", "account_review_update", "business_capability_update"})


class KeptWabas(Protocol):
    def outdate(self, waba_id: str, changes: dict[str, str]) -> bool: ...


def apply_account_change(change: MetaChange, *, wabas: KeptWabas) -> bool:
    """True when kept details were updated; False for a WABA whose details were never read (nothing to update) or
    a field this service does not follow."""
    if change.field not in FIELDS:
        return False
    changes: dict[str, str] = {}
    decision = change.value.get("decision")
    if change.field == "account_review_update" and isinstance(decision, str) and decision:
        changes["account_review_status"] = decision
    return wabas.outdate(change.waba_id, changes)
