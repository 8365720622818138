"""A partner's clients and their numbers as CSV (`GET /v1/partner/clients/export`): one row per number of each client
that granted the partner `numbers:read`, and one row without a number for a client that did not (or has none)."""

from __future__ import annotations

import csv
import io

from hub_numbers.usecases.listing import NumbersRepository
from hub_shared.accounts import ClientAccounts
from hub_shared.auth import Principal, Scope

COLUMNS = (
    "client_id",
    "legal_name",
    "billing_model",
    "granted_scopes",
    "phone_number",
    "display_name",
    "account_status",
    "quality_rating",
    "messaging_limit",
    "waba_id",
)
PAGE = 100


def partner_clients_csv(principal: Principal, *, numbers: NumbersRepository, accounts: ClientAccounts) -> str:
    """The CSV text (RFC 4180, a header row first), clients in name order, each client's numbers in the list's order."""
    grants = accounts.grants_of_partner(principal.own_partner_id)
    profiles = accounts.clients(grants)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for account in sorted(profiles.values(), key=lambda a: (a.name.casefold(), a.client_id)):
        scopes = grants[account.client_id]
        client = [account.client_id, account.name, account.billing_model.value, " ".join(sorted(scopes))]
        rows = 0
        if Scope.NUMBERS_READ.value in scopes:
            start = None
            while True:
                page, start = numbers.page(client_id=account.client_id, status=None, limit=PAGE, start_key=start)
                for number in page:
                    writer.writerow(
                        [
                            *client,
                            number.phone_e164,
                            number.display_name,
                            number.account_status.value,
                            number.quality_rating,
                            number.messaging_limit,
                            number.waba_id,
                        ]
                    )
                    rows += 1
                if start is None:
                    break
        if rows == 0:
            writer.writerow([*client, "", "", "", "", "", ""])
    return out.getvalue()
