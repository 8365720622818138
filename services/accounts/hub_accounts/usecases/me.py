"""The caller's own account."""

from __future__ import annotations

from hub_accounts.models.me import ClientSummary, Me, PartnerGrant
from hub_shared.accounts import ClientAccounts
from hub_shared.auth import Principal, Role
from hub_shared.errors import NotFound


def who_am_i(principal: Principal, *, accounts: ClientAccounts) -> Me:
    me = Me(subject=principal.subject, email=principal.email, role=principal.role, partner_id=principal.partner_id)
    if principal.role is Role.CLIENT:
        account = accounts.clients([principal.own_client_id]).get(principal.own_client_id)
        if account is None:
            raise NotFound(f"Client {principal.own_client_id} has no account.")
        me.client = ClientSummary(
            client_id=account.client_id,
            name=account.name,
            billing_model=account.billing_model,
            partner_id=account.partner_id,
            prepaid=account.prepaid,
        )
    elif principal.role is Role.PARTNER:
        grants = accounts.grants_of_partner(principal.own_partner_id)
        me.grants = [PartnerGrant(client_id=c, scopes=sorted(s)) for c, s in sorted(grants.items())]
    return me
