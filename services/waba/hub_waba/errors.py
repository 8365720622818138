"""The waba service's errors: what its routes can answer besides the hub's common problems (`hub_shared.errors`)."""

from __future__ import annotations

from hub_shared.errors import NotFound, StateConflict


class NumberNotFound(NotFound):
    def __init__(self, number_id: str):
        super().__init__(f"Number {number_id} was not found.")


class CommerceManagedBySupport(StateConflict):
    slug = "commerce-managed-by-support"
    title = "Support changes the commerce settings of this number"

    def __init__(self, number_id: str, waba_id: str):
        super().__init__(
            f"Number {number_id} belongs to WhatsApp Business Account {waba_id}, which the hub owns on your behalf "
            f"(OBO): its commerce settings are enabled by support. Ask them with POST "
            f"/v1/numbers/{number_id}/commerce-settings/support-request."
        )


class CommerceSelfService(StateConflict):
    slug = "commerce-self-service"
    title = "Change these commerce settings yourself"

    def __init__(self, number_id: str):
        super().__init__(
            f"Number {number_id} belongs to your own (shared) WhatsApp Business Account: change its commerce "
            f"settings with PUT /v1/numbers/{number_id}/commerce-settings."
        )
