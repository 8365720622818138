"""Meta's `health_status` field, on a WABA and on a phone number: can it send messages now, and if not, why and
what to do (`can_send_message` AVAILABLE | LIMITED | BLOCKED per entity, the least of them overall).

The sandbox derives it from its state the way Meta's documentation explains the causes: a banned or unverified
number cannot send, a flagged or restricted one is limited, a WABA whose review was rejected cannot send at all.
"""

from __future__ import annotations

from local.sandboxes.meta.call import Json
from local.sandboxes.meta.state import MetaState, NumberRecord, WabaRecord

ORDER = ("AVAILABLE", "LIMITED", "BLOCKED")

NUMBER_TROUBLE: dict[str, tuple[str, int, str, str]] = {
    "BANNED": (
        "BLOCKED",
        141000,
        "The phone number was banned for violating WhatsApp's Business or Commerce Policy.",
        "Request a review of the decision in Business Support Home.",
    ),
    "FLAGGED": (
        "LIMITED",
        141006,
        "The phone number's quality rating is low.",
        "Improve the quality of the messages you send: follow WhatsApp's messaging best practices.",
    ),
    "RESTRICTED": (
        "LIMITED",
        141007,
        "The phone number reached its messaging limit for business-initiated conversations.",
        "Wait for the 24-hour window to pass; replies to customers are still possible.",
    ),
    "DISCONNECTED": (
        "BLOCKED",
        141008,
        "The phone number is not connected to the WhatsApp Business Platform.",
        "Register the phone number again.",
    ),
}


def _least(values: list[str]) -> str:
    return max(values, key=ORDER.index, default="AVAILABLE")


def number_entity(number: NumberRecord) -> Json:
    trouble = NUMBER_TROUBLE.get(number.status)
    if trouble is None:
        return {"entity_type": "PHONE_NUMBER", "id": number.id, "can_send_message": "AVAILABLE"}
    can_send, code, description, solution = trouble
    return {
        "entity_type": "PHONE_NUMBER",
        "id": number.id,
        "can_send_message": can_send,
        "errors": [{"error_code": code, "error_description": description, "possible_solution": solution}],
    }


def waba_entity(waba: WabaRecord) -> Json:
    if waba.account_review_status == "REJECTED":
        return {
            "entity_type": "WABA",
            "id": waba.id,
            "can_send_message": "BLOCKED",
            "errors": [
                {
                    "error_code": 141010,
                    "error_description": "The WhatsApp Business Account's review was rejected.",
                    "possible_solution": "Request a review of the decision in Business Support Home.",
                }
            ],
        }
    entity: Json = {"entity_type": "WABA", "id": waba.id, "can_send_message": "AVAILABLE"}
    if waba.business_verification_status != "VERIFIED":
        entity["can_send_message"] = "LIMITED"
        entity["additional_info"] = [
            "Your business is not verified: your messaging limit stays at 250 business-initiated conversations a day."
        ]
    return entity


def waba_health(state: MetaState, waba: WabaRecord) -> Json:
    entities = [waba_entity(waba)]
    entities += [number_entity(n) for n in state.numbers.values() if n.waba_id == waba.id]
    return {"can_send_message": _least([e["can_send_message"] for e in entities]), "entities": entities}


def number_health(state: MetaState, number: NumberRecord) -> Json:
    entities = [waba_entity(state.wabas[number.waba_id]), number_entity(number)]
    return {"can_send_message": _least([e["can_send_message"] for e in entities]), "entities": entities}
