"""DynamoDB access to the billing table (its only writer is this service).

- `pk=CLIENT#<client_id>`, `sk=NUMBER#<number_id>`: a number billing has heard of — `added_at`, `deleted_at`
  (RFC 3339, present once known), `waba_id`, `phone_number` (E.164) and `version`;
- `pk=NUMBER#<number_id>`, `sk=NUMBER`: whose the number is (client_id, waba_id, phone_number), to find it by id,
  and the same under `pk=WABA#<waba_id>`, `sk=NUMBER#<number_id>`, to find a WABA's numbers;
- `pk=CLIENT#<client_id>`, `sk=BILLABLE_NUMBERS`: `count`, how many of the client's numbers are billable;
- `pk=CLIENT#<client_id>`, `sk=ACCOUNT`: the client's Stripe customer and licence subscription (ids, start, the
  quantity last set, the saved card's summary); `pk=CUSTOMER#<customer_id>`, `sk=CUSTOMER`: whose a customer is;
- `pk=CLIENT#<client_id>`, `sk=FUNDS#<number_id>`: a number's prepaid balance, thresholds and auto-renewal;
- `pk=LEDGER#<client_id>#<number_id>`, `sk=<at>#<entry_id>`: the number's ledger entries, oldest first;
- `pk=ONCE#<fact>`, `sk=ONCE`: a fact applied (a Stripe event, a payment credited, a usage day debited), written in
  the transaction of its change so it is never applied twice (kept ONCE_TTL);
- `pk=ANALYTICS#<waba_id>`, `sk=DAY#<yyyy-mm-dd>`: Meta's pricing analytics of a closed day (kept the cache's days);
- `pk=EVENT#<event_id>`, `sk=EVENT`: a bus event applied (kept EVENT_RECORD_TTL, through `expires_at`);
- `pk=OUTBOX#<event_id>`: the outbox (`hub_shared.outbox`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from hub_billing.settings import billing_settings
from hub_billing.usecases.accounts import BillingAccount
from hub_billing.usecases.billable import BillableNumber, NumberRecord
from hub_billing.usecases.billable import Written as NumberWritten
from hub_billing.usecases.funds import EntryKind, Funds, LedgerEntry, Written
from hub_billing.usecases.usage import TODAY_KEPT_SECONDS, DayUsage, KeptDay
from hub_shared import aws
from hub_shared.clock import to_rfc3339
from hub_shared.events import DomainEvent
from hub_shared.outbox import outbox_put

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import PutTypeDef

EVENT_RECORD_TTL = timedelta(days=30)
ONCE_TTL = timedelta(days=400)
COUNT_SK = "BILLABLE_NUMBERS"
NEW = "attribute_not_exists(pk)"


def client_key(client_id: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": f"CLIENT#{client_id}"}, "sk": {"S": sk}}


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _text(moment: datetime | None) -> str | None:
    return to_rfc3339(moment) if moment else None


class BillingStore(aws.TableStore):
    @classmethod
    def default_table(cls) -> str:
        return billing_settings().billing_table

    def _get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        return aws.from_item(item) if item else None

    def _once(self, fact: str, now: datetime) -> aws.Write:
        marker = {
            "pk": f"ONCE#{fact}",
            "sk": "ONCE",
            "at": to_rfc3339(now),
            "expires_at": int((now + ONCE_TTL).timestamp()),
        }
        return {"Put": {"TableName": self._table, "Item": aws.to_item(marker), "ConditionExpression": NEW}}

    def _outbox(self, events: Sequence[DomainEvent]) -> list[aws.Write]:
        return [outbox_put(self._table, event, self._bus) for event in events]

    # ------------------------------------------------------------ billable numbers

    def billable_number(self, client_id: str, number_id: str) -> BillableNumber | None:
        values = self._get(client_key(client_id, f"NUMBER#{number_id}"))
        return _billable(values) if values else None

    def number_record(self, number_id: str) -> NumberRecord | None:
        values = self._get({"pk": {"S": f"NUMBER#{number_id}"}, "sk": {"S": "NUMBER"}})
        return _number_record(values) if values else None

    def numbers_of_waba(self, waba_id: str) -> list[NumberRecord]:
        query = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :number)",
            "ExpressionAttributeValues": {":pk": {"S": f"WABA#{waba_id}"}, ":number": {"S": "NUMBER#"}},
        }
        return [_number_record(item) for item in self._query_all(query)]

    def billable_count(self, client_id: str) -> int:
        values = self._get(client_key(client_id, COUNT_SK))
        return int(values["count"]) if values else 0

    def record(
        self, event_id: str, before: BillableNumber | None, after: BillableNumber, now: datetime
    ) -> NumberWritten:
        """Write `after` (if the number is still `before`), the event's record (applied at `now`) and the count's
        change, at once."""
        marker = {
            "pk": f"EVENT#{event_id}",
            "sk": "EVENT",
            "client_id": after.client_id,
            "number_id": after.number_id,
            "applied_at": to_rfc3339(now),
            "expires_at": int((now + EVENT_RECORD_TTL).timestamp()),
        }
        number = {
            "pk": f"CLIENT#{after.client_id}",
            "sk": f"NUMBER#{after.number_id}",
            "client_id": after.client_id,
            "number_id": after.number_id,
            "waba_id": after.waba_id,
            "phone_number": after.phone_number,
            "added_at": _text(after.added_at),
            "deleted_at": _text(after.deleted_at),
            "version": after.version,
        }
        put: PutTypeDef = {"TableName": self._table, "Item": aws.to_item(number), "ConditionExpression": NEW}
        if before is not None:
            put["ConditionExpression"] = "version = :read"
            put["ExpressionAttributeValues"] = {":read": {"N": str(before.version)}}
        items: list[aws.Write] = [
            {"Put": {"TableName": self._table, "Item": aws.to_item(marker), "ConditionExpression": NEW}},
            {"Put": put},
        ]
        if after.waba_id and after.phone_number:
            record = {
                "pk": f"NUMBER#{after.number_id}",
                "sk": "NUMBER",
                "number_id": after.number_id,
                "client_id": after.client_id,
                "waba_id": after.waba_id,
                "phone_number": after.phone_number,
            }
            listed = {**record, "pk": f"WABA#{after.waba_id}", "sk": f"NUMBER#{after.number_id}"}
            items += [
                {"Put": {"TableName": self._table, "Item": aws.to_item(record)}},
                {"Put": {"TableName": self._table, "Item": aws.to_item(listed)}},
            ]
        change = int(after.billable) - int(before is not None and before.billable)
        if change:
            items.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": client_key(after.client_id, COUNT_SK),
                        "UpdateExpression": "ADD #count :change",
                        "ExpressionAttributeNames": {"#count": "count"},
                        "ExpressionAttributeValues": {":change": {"N": str(change)}},
                    }
                }
            )
        failed = self._write_all(items)
        if 0 in failed:
            return NumberWritten.DUPLICATE
        if 1 in failed:
            return NumberWritten.CONFLICT
        return NumberWritten.WRITTEN

    # ------------------------------------------------------------ the Stripe account

    def account(self, client_id: str) -> BillingAccount | None:
        values = self._get(client_key(client_id, "ACCOUNT"))
        return BillingAccount.model_validate(values) if values else None

    def client_of_customer(self, customer_id: str) -> str | None:
        values = self._get({"pk": {"S": f"CUSTOMER#{customer_id}"}, "sk": {"S": "CUSTOMER"}})
        return str(values["client_id"]) if values else None

    def save_account(self, account: BillingAccount) -> None:
        """The account as it is now (each field only moves forward; a replay writes the same values)."""
        item = {"pk": f"CLIENT#{account.client_id}", "sk": "ACCOUNT", **account.model_dump(mode="json")}
        customer = {"pk": f"CUSTOMER#{account.customer_id}", "sk": "CUSTOMER", "client_id": account.client_id}
        self._write_all(
            [
                {"Put": {"TableName": self._table, "Item": aws.to_item(item)}},
                {"Put": {"TableName": self._table, "Item": aws.to_item(customer)}},
            ]
        )

    def applied_once(self, fact: str, now: datetime, events: Sequence[DomainEvent] = ()) -> bool:
        """Record `fact` (with `events`) unless it was recorded before: False for a repeat."""
        return self._written([self._once(fact, now), *self._outbox(events)])

    # ------------------------------------------------------------ funds and ledger

    def funds(self, client_id: str, number_id: str) -> Funds | None:
        values = self._get(client_key(client_id, f"FUNDS#{number_id}"))
        return _funds(values) if values else None

    def numbers_and_funds(self, client_id: str) -> tuple[list[BillableNumber], list[Funds]]:
        """Every number of the client billing has heard of and every funds item it holds, each in id order: one
        Query a page over the client's partition from `FUNDS#` to the last `NUMBER#` (nothing else sorts between)."""
        query = {
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :funds AND :numbers_end",
            "ExpressionAttributeValues": {
                ":pk": {"S": f"CLIENT#{client_id}"},
                ":funds": {"S": "FUNDS#"},
                ":numbers_end": {"S": "NUMBER$"},  # `$` sorts right after `#`: past every NUMBER#<id>
            },
            "ConsistentRead": True,
        }
        numbers: list[BillableNumber] = []
        funds: list[Funds] = []
        for item in self._query_all(query):
            if item["sk"].startswith("NUMBER#"):
                numbers.append(_billable(item))
            elif item["sk"].startswith("FUNDS#"):
                funds.append(_funds(item))
        return numbers, funds

    def apply(
        self,
        before: Funds | None,
        after: Funds,
        entry: LedgerEntry | None,
        once: Sequence[str],
        events: Sequence[DomainEvent],
    ) -> Written:
        """The funds as `after` (if still as `before` was read), with `entry`, the facts of `once` and `events`, all
        in one transaction."""
        now = entry.at if entry else after_time(events)
        item = {
            "pk": f"CLIENT#{after.client_id}",
            "sk": f"FUNDS#{after.number_id}",
            "client_id": after.client_id,
            "number_id": after.number_id,
            "currency": after.currency,
            "balance": after.balance,
            "threshold": after.threshold,
            "auto_renewal": after.auto_renewal,
            "renewal_amount": after.renewal_amount,
            "renewal_requested_at": _text(after.renewal_requested_at),
            "version": after.version,
        }
        put: PutTypeDef = {"TableName": self._table, "Item": aws.to_item(item), "ConditionExpression": NEW}
        if before is not None:
            put["ConditionExpression"] = "version = :read"
            put["ExpressionAttributeValues"] = {":read": {"N": str(before.version)}}
        writes: list[aws.Write] = [{"Put": put}]
        if entry is not None:
            ledger = {
                "pk": f"LEDGER#{entry.client_id}#{entry.number_id}",
                "sk": f"{to_rfc3339(entry.at)}#{entry.entry_id}",
                "entry_id": entry.entry_id,
                "at": to_rfc3339(entry.at),
                "amount": entry.amount,
                "kind": entry.kind.value,
                "balance_after": entry.balance_after,
                "currency": entry.currency,
                "reference": entry.reference,
                "description": entry.description,
            }
            writes.append({"Put": {"TableName": self._table, "Item": aws.to_item(ledger), "ConditionExpression": NEW}})
        writes += [self._once(fact, now) for fact in once]
        writes += self._outbox(events)
        failed = self._write_all(writes)
        if not failed:
            return Written.WRITTEN
        return Written.CONFLICT if 0 in failed else Written.DUPLICATE

    def ledger_page(
        self, client_id: str, number_id: str, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[LedgerEntry], dict[str, Any] | None]:
        """The number's entries, newest first."""
        query = {
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": f"LEDGER#{client_id}#{number_id}"}},
            "ScanIndexForward": False,
        }
        items, last = self._query_page(query, limit=limit, start_key=start_key)
        entries = [
            LedgerEntry(
                entry_id=item["entry_id"],
                client_id=client_id,
                number_id=number_id,
                at=datetime.fromisoformat(item["at"]),
                amount=int(item["amount"]),
                kind=EntryKind(item["kind"]),
                balance_after=int(item["balance_after"]),
                currency=item["currency"],
                reference=item["reference"],
                description=item["description"],
            )
            for item in items
        ]
        return entries, last

    def ledger_sum(self, client_id: str, number_id: str) -> int:
        """Every entry's amount added up (the ledger's word on the balance)."""
        total, start = 0, None
        while True:
            entries, start = self.ledger_page(client_id, number_id, limit=1000, start_key=start)
            total += sum(entry.amount for entry in entries)
            if start is None:
                return total

    # ------------------------------------------------------------ pricing analytics: closed days and the current one

    def analytics_days(self, waba_id: str, first: date, last: date) -> dict[date, KeptDay]:
        """The kept days of the WABA from `first` to `last` (inclusive), closed or as they were while current."""
        query = {
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :first AND :last",
            "ExpressionAttributeValues": {
                ":pk": {"S": f"ANALYTICS#{waba_id}"},
                ":first": {"S": f"DAY#{first.isoformat()}"},
                ":last": {"S": f"DAY#{last.isoformat()}"},
            },
        }
        days = (
            KeptDay(
                usage=DayUsage.from_counts(date.fromisoformat(item["sk"][4:]), item.get("counts", {})),
                fetched_at=datetime.fromisoformat(item["fetched_at"]),
                closed=item.get("closed", True),
            )
            for item in self._query_all(query, page_size=400)
        )
        return {day.usage.day: day for day in days}

    def keep_analytics(self, waba_id: str, days: Sequence[DayUsage], now: datetime, *, closed: bool = True) -> None:
        """`days` as Meta answered them at `now`: closed days for `analytics_cache_days`; the current day
        (`closed=False`), which a closed day's answer replaces, until TODAY_KEPT_SECONDS have passed."""
        kept_for = (
            timedelta(days=billing_settings().analytics_cache_days) if closed else timedelta(seconds=TODAY_KEPT_SECONDS)
        )
        expires = int((now + kept_for).timestamp())
        puts = (
            aws.to_item(
                {
                    "pk": f"ANALYTICS#{waba_id}",
                    "sk": f"DAY#{day.day.isoformat()}",
                    "counts": day.counts(),
                    "fetched_at": to_rfc3339(now),
                    "closed": closed,
                    "expires_at": expires,
                }
            )
            for day in days
        )
        aws.batch_write(self._client, self._table, puts=puts)


def after_time(events: Sequence[DomainEvent]) -> datetime:
    """The time of a change without a ledger entry: its events' (settings changes always carry one)."""
    if not events:
        raise ValueError("a change without a ledger entry announces itself with an event")
    return events[0].metadata.occurred_at


def _billable(values: dict[str, Any]) -> BillableNumber:
    return BillableNumber(
        client_id=values["client_id"],
        number_id=values["number_id"],
        waba_id=values.get("waba_id"),
        phone_number=values.get("phone_number"),
        added_at=_instant(values.get("added_at")),
        deleted_at=_instant(values.get("deleted_at")),
        version=int(values["version"]),
    )


def _number_record(values: dict[str, Any]) -> NumberRecord:
    return NumberRecord(values["number_id"], values["client_id"], values["waba_id"], values["phone_number"])


def _funds(values: dict[str, Any]) -> Funds:
    return Funds(
        client_id=values["client_id"],
        number_id=values["number_id"],
        currency=values["currency"],
        balance=int(values["balance"]),
        threshold=int(values["threshold"]),
        auto_renewal=bool(values["auto_renewal"]),
        renewal_amount=int(values["renewal_amount"]),
        renewal_requested_at=_instant(values.get("renewal_requested_at")),
        version=int(values["version"]),
    )
