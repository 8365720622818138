"""WABA node handlers: the account (with its analytics fields) and the list of its phone numbers.

An OBO WABA is owned by the BSP (`ownership_type` SELF_OWNED, `owner_business_info` the BSP) and carries
`on_behalf_of_business_info` (the client's business); a SHARED one is CLIENT_OWNED by the client's business.
The answer always holds `id` and `name`, which Meta's OpenAPI marks required.
"""

from __future__ import annotations

from local.sandboxes.meta import analytics, health
from local.sandboxes.meta.call import GraphCall, Json, page, select_fields, split_fields
from local.sandboxes.meta.numbers import number_fields
from local.sandboxes.meta.state import BSP_BUSINESS, PHONE_NUMBER, WABA, MetaState, WabaRecord

DEFAULT_FIELDS = ("id", "name")
DEFAULT_NUMBER_FIELDS = (
    "verified_name",
    "code_verification_status",
    "display_phone_number",
    "quality_rating",
    "platform_type",
    "throughput",
    "last_onboarded_time",
    "status",
    "id",
)


def waba_fields(state: MetaState, waba: WabaRecord) -> Json:
    client_business = {"id": waba.business_id, "name": waba.business_name}
    on_behalf = {**client_business, "status": waba.message_on_behalf_status}
    obo = waba.type == "OBO"
    return {
        "id": waba.id,
        "name": waba.name,
        "timezone_id": waba.timezone_id,
        "message_template_namespace": waba.namespace,
        "account_review_status": waba.account_review_status,
        "business_verification_status": waba.business_verification_status,
        "ownership_type": "SELF_OWNED" if obo else "CLIENT_OWNED",
        "on_behalf_of_business_info": on_behalf if obo else None,
        "owner_business_info": dict(BSP_BUSINESS) if obo else client_business,
        "currency": waba.currency,
        "health_status": health.waba_health(state, waba),
    }


def get_waba(state: MetaState, call: GraphCall) -> Json:
    waba = state.wabas[call.node_id]
    requested = split_fields(call.text("fields"))
    plain = [name for name in requested if not analytics.is_analytics(name)]
    computed = {
        analytics.field_name(spec): analytics.compute(state, waba.id, spec)
        for spec in requested
        if analytics.is_analytics(spec)
    }
    selected = select_fields(plain, waba_fields(state, waba), DEFAULT_FIELDS, WABA)
    return {**selected, **computed, "name": waba.name, "id": waba.id}


def list_numbers(state: MetaState, call: GraphCall) -> Json:
    requested = split_fields(call.text("fields"))
    return page(
        call,
        (
            (number.id, select_fields(requested, number_fields(number), DEFAULT_NUMBER_FIELDS, PHONE_NUMBER))
            for number in state.numbers.values()
            if number.waba_id == call.node_id
        ),
    )
