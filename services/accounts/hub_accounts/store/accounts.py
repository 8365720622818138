"""DynamoDB access to the accounts table (its only writer is this service). Besides what `hub_shared.accounts` reads
(client profiles, partner links with their grants):

- `PARTNER#<partner_id>` / `PROFILE`: a partner's name and settings (auto-approval), with its `version`;
- `CLIENT#<client_id>` / `CHANGE#<request_id>`: a partner change request (ids grow with time: the client's list is
  its partition, newest first); index keys `gsi1pk=PARTNER#<target>` (`ByPartner`: the target partner's inbox) and
  `gsi3pk=CHANGES` (`ByKind`: every request, for support agents), both sorted by `CHANGE#<request_id>`;
- `CLIENT#<client_id>` / `CHANGE_OPEN`: the client's one open request (pending or accepted), so two requests of one
  client cannot both be open;
- `ACTIVITY#<client_id>` / `<occurred_at>#<event_id>`: the client's activity feed, written once per event (its key is
  the event's), newest first; `gsi3pk=ACTIVITY#<client_id>#<area>` (`ByKind`) filters it by area; kept
  `ACTIVITY_RETENTION_DAYS` (`expires_at`, the table's TTL);
- `USER#<user_id>` / `PROFILE`: what a user chose for their account (the username) and an e-mail change waiting for
  its code, with its `version`;
- `OUTBOX#<event_id>`: the outbox (`hub_shared.outbox`).

Each change is written with its events in one transaction, conditional on the version read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from hub_accounts.models.activity import ActivityEntry
from hub_accounts.models.changes import OPEN_STATUSES, ChangeRequest
from hub_accounts.models.me import UserProfile
from hub_accounts.models.partners import Partner, PartnerLink
from hub_accounts.settings import accounts_settings
from hub_shared import aws
from hub_shared.accounts import (
    ClientAccount,
    client_account,
    client_key,
    client_profile_item,
    partner_link_item,
    partner_link_key,
)
from hub_shared.clock import to_rfc3339
from hub_shared.events import DomainEvent
from hub_shared.outbox import outbox_put

PARTNER_INDEX = "ByPartner"
KIND_INDEX = "ByKind"
ALL_CHANGES = "CHANGES"
OPEN_CHANGE = "CHANGE_OPEN"


def partner_key(partner_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"PARTNER#{partner_id}"}, "sk": {"S": "PROFILE"}}


def change_key(client_id: str, request_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"CLIENT#{client_id}"}, "sk": {"S": f"CHANGE#{request_id}"}}


def open_change_key(client_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"CLIENT#{client_id}"}, "sk": {"S": OPEN_CHANGE}}


def user_item(user: UserProfile) -> dict[str, Any]:
    """A user's profile item (plain values, for `aws.to_item`)."""
    return {"pk": f"USER#{user.user_id}", "sk": "PROFILE", **user.model_dump(mode="json", exclude_none=True)}


def partner_item(partner: Partner) -> dict[str, Any]:
    """A partner's profile item (plain values, for `aws.to_item`)."""
    return {"pk": f"PARTNER#{partner.partner_id}", "sk": "PROFILE", **partner.model_dump(mode="json")}


def change_item(request: ChangeRequest) -> dict[str, Any]:
    """A partner change request's item (plain values, for `aws.to_item`), with its indexes' keys."""
    return {
        **request.model_dump(mode="json", exclude_none=True),
        "pk": f"CLIENT#{request.client_id}",
        "sk": f"CHANGE#{request.request_id}",
        "gsi1pk": f"PARTNER#{request.target_partner_id}",
        "gsi1sk": f"CHANGE#{request.request_id}",
        "gsi3pk": ALL_CHANGES,
        "gsi3sk": f"CHANGE#{request.request_id}",
    }


class AccountsStore(aws.TableStore):
    @classmethod
    def default_table(cls) -> str:
        return accounts_settings().accounts_table

    # ------------------------------------------------------------ reads

    def _get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        return aws.from_item(item) if item else None

    def profile(self, client_id: str) -> tuple[ClientAccount, int] | None:
        """The client's profile and its version, read consistently."""
        values = self._get(client_key(client_id))
        return (client_account(values), int(values.get("version", 0))) if values else None

    def user(self, user_id: str) -> UserProfile:
        """What the hub keeps of the user (version 0: nothing yet), read consistently."""
        values = self._get({"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "PROFILE"}})
        return UserProfile.model_validate(values) if values else UserProfile(user_id=user_id)

    def partner(self, partner_id: str) -> Partner | None:
        values = self._get(partner_key(partner_id))
        return Partner.model_validate(values) if values else None

    def link(self, partner_id: str, client_id: str) -> PartnerLink | None:
        values = self._get(partner_link_key(partner_id, client_id))
        return PartnerLink.model_validate(values) if values else None

    def partner_and_link(self, partner_id: str, client_id: str) -> tuple[Partner | None, PartnerLink | None]:
        """The partner's profile and what `client_id` granted it (one partition): one BatchGetItem, consistent."""
        keys = [partner_key(partner_id), partner_link_key(partner_id, client_id)]
        found = {
            item["sk"]["S"]: aws.from_item(item)
            for item in aws.batch_get(self._client, self._table, keys, consistent=True)
        }
        partner, link = found.get("PROFILE"), found.get(f"CLIENT#{client_id}")
        return (
            Partner.model_validate(partner) if partner else None,
            PartnerLink.model_validate(link) if link else None,
        )

    def links_of_partner(self, partner_id: str) -> list[PartnerLink]:
        """Every client of the partner (with what it granted), in client id order, read consistently."""
        query = {
            "KeyConditionExpression": "pk = :p AND begins_with(sk, :c)",
            "ExpressionAttributeValues": {":p": {"S": f"PARTNER#{partner_id}"}, ":c": {"S": "CLIENT#"}},
            "ConsistentRead": True,
        }
        return [PartnerLink.model_validate(values) for values in self._query_all(query)]

    def change(self, client_id: str, request_id: str) -> ChangeRequest | None:
        values = self._get(change_key(client_id, request_id))
        return ChangeRequest.model_validate(values) if values else None

    def change_by_id(self, request_id: str) -> ChangeRequest | None:
        """The request `request_id`, found through the index of every request and read again from the table itself
        (the index is eventually consistent; a change's write is conditional on this read)."""
        query = {
            "IndexName": KIND_INDEX,
            "KeyConditionExpression": "gsi3pk = :k AND gsi3sk = :c",
            "ExpressionAttributeValues": {":k": {"S": ALL_CHANGES}, ":c": {"S": f"CHANGE#{request_id}"}},
        }
        items, _ = self._query_page(query, limit=1, start_key=None)
        return self.change(str(items[0]["client_id"]), request_id) if items else None

    def changes_of_client(
        self, client_id: str, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[ChangeRequest], dict[str, Any] | None]:
        query = {
            "KeyConditionExpression": "pk = :c AND begins_with(sk, :r)",
            "ExpressionAttributeValues": {":c": {"S": f"CLIENT#{client_id}"}, ":r": {"S": "CHANGE#"}},
            "ScanIndexForward": False,
            "ConsistentRead": True,
        }
        items, last = self._query_page(query, limit=limit, start_key=start_key)
        return [ChangeRequest.model_validate(item) for item in items], last

    def changes_for_partner(
        self, partner_id: str | None, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[ChangeRequest], dict[str, Any] | None]:
        """The requests addressed to `partner_id` (None: every request), newest first."""
        if partner_id is None:
            condition, values = "gsi3pk = :k", {":k": {"S": ALL_CHANGES}}
            index = KIND_INDEX
        else:
            condition, values = "gsi1pk = :k", {":k": {"S": f"PARTNER#{partner_id}"}}
            index = PARTNER_INDEX
        query = {
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
        }
        items, last = self._query_page(query, limit=limit, start_key=start_key)
        return [ChangeRequest.model_validate(item) for item in items], last

    def activity(
        self, client_id: str, area: str | None, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[ActivityEntry], dict[str, Any] | None]:
        """The client's activity, newest first (one area's only, with `area`)."""
        if area is None:
            query: dict[str, Any] = {
                "KeyConditionExpression": "pk = :k",
                "ExpressionAttributeValues": {":k": {"S": f"ACTIVITY#{client_id}"}},
            }
        else:
            query = {
                "IndexName": KIND_INDEX,
                "KeyConditionExpression": "gsi3pk = :k",
                "ExpressionAttributeValues": {":k": {"S": f"ACTIVITY#{client_id}#{area}"}},
            }
        items, last = self._query_page({**query, "ScanIndexForward": False}, limit=limit, start_key=start_key)
        return [ActivityEntry.model_validate(item) for item in items], last

    # ------------------------------------------------------------ writes

    def _outbox(self, events: Sequence[DomainEvent]) -> list[aws.Write]:
        return [outbox_put(self._table, event, self._bus) for event in events]

    def _put(self, item: dict[str, Any], condition: str, values: dict[str, Any] | None = None) -> aws.Write:
        put: dict[str, Any] = {"TableName": self._table, "Item": aws.to_item(item), "ConditionExpression": condition}
        if values:
            put["ExpressionAttributeValues"] = values
        return {"Put": put}

    def _versioned(self, item: dict[str, Any], before: int | None) -> aws.Write:
        """Put `item`: new (None) or over the version `before`."""
        if before is None:
            return self._put(item, "attribute_not_exists(pk)")
        return self._put(item, "version = :v", {":v": {"N": str(before)}})

    def save_grant(
        self,
        link: PartnerLink,
        scopes: Iterable[str],
        *,
        updated_at: str,
        updated_by: str,
        events: Sequence[DomainEvent],
    ) -> bool:
        """The client's grant to its partner from now on, if its link is still at `link`'s version (the partner did
        not change, nobody changed the grant meanwhile). False: nothing was written."""
        item = partner_link_item(link.client_id, link.partner_id, scopes, updated_at=updated_at, updated_by=updated_by)
        item["version"] = link.version + 1
        return self._written([self._versioned(item, link.version), *self._outbox(events)])

    def save_user(self, user: UserProfile, events: Sequence[DomainEvent]) -> bool:
        """The user's profile over its item at `user.version` (0: none yet), one version up. False: it changed
        meanwhile."""
        item = user_item(user.model_copy(update={"version": user.version + 1}))
        return self._written([self._versioned(item, user.version or None), *self._outbox(events)])

    def save_partner(self, before: Partner | None, after: Partner, events: Sequence[DomainEvent]) -> bool:
        item = partner_item(after.model_copy(update={"version": (before.version if before else 0) + 1}))
        return self._written([self._versioned(item, before.version if before else None), *self._outbox(events)])

    def open_change(self, request: ChangeRequest, events: Sequence[DomainEvent]) -> bool:
        """A new request and the client's open-request marker; False when the client has an open request (or the id
        is taken): nothing was written."""
        marker = {"pk": f"CLIENT#{request.client_id}", "sk": OPEN_CHANGE, "request_id": request.request_id}
        writes = [
            self._put(marker, "attribute_not_exists(pk)"),
            self._versioned(change_item(request), None),
            *self._outbox(events),
        ]
        return self._written(writes)

    def save_change(self, before: ChangeRequest, after: ChangeRequest, events: Sequence[DomainEvent]) -> bool:
        """`after` over `before`'s version; a request that leaves the open statuses frees the client's marker."""
        writes = [self._versioned(change_item(after), before.version), *self._outbox(events)]
        if before.status in OPEN_STATUSES and after.status not in OPEN_STATUSES:
            writes.append(self._free_marker(after))
        return self._written(writes)

    def _free_marker(self, request: ChangeRequest) -> aws.Write:
        return {
            "Delete": {
                "TableName": self._table,
                "Key": open_change_key(request.client_id),
                "ConditionExpression": "request_id = :r",
                "ExpressionAttributeValues": {":r": {"S": request.request_id}},
            }
        }

    def complete_change(
        self,
        before: ChangeRequest,
        after: ChangeRequest,
        *,
        profile: ClientAccount,
        profile_version: int,
        old_link: PartnerLink | None,
        updated_at: str,
        events: Sequence[DomainEvent],
    ) -> bool:
        """Move the client to the request's target partner at once: the request completed, the profile's partner,
        the old partner's link (and its grants) gone, a link to the new partner with nothing granted yet, the
        client's marker freed. False: something changed meanwhile; nothing was written."""
        moved = ClientAccount(
            client_id=profile.client_id,
            name=profile.name,
            billing_model=profile.billing_model,
            partner_id=after.target_partner_id,
            prepaid=profile.prepaid,
        )
        link = partner_link_item(profile.client_id, after.target_partner_id, (), updated_at=updated_at)
        link["version"] = 1
        writes: list[aws.Write] = [
            self._versioned(change_item(after), before.version),
            self._versioned(client_profile_item(moved, version=profile_version + 1), profile_version),
            self._put(link, "attribute_not_exists(pk)"),
            self._free_marker(after),
            *self._outbox(events),
        ]
        if old_link is not None:
            writes.append(
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": partner_link_key(old_link.partner_id, old_link.client_id),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                }
            )
        return self._written(writes)

    def record_activity(self, entry: ActivityEntry, *, expires_at: int) -> bool:
        """The entry, once (its key is its event's): False when it was recorded before."""
        sort = f"{to_rfc3339(entry.occurred_at)}#{entry.event_id}"
        item = {
            **entry.model_dump(mode="json", exclude_none=True),
            "pk": f"ACTIVITY#{entry.client_id}",
            "sk": sort,
            "gsi3pk": f"ACTIVITY#{entry.client_id}#{entry.area}",
            "gsi3sk": sort,
            "expires_at": expires_at,
        }
        return self._written([self._put(item, "attribute_not_exists(pk)")])
