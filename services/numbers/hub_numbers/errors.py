"""The numbers service's errors: what its routes can answer besides the hub's common problems (`hub_shared.errors`).

Each is a domain error with its own problem `type` slug; `hub_shared.problems` answers them as problem+json.
"""

from __future__ import annotations

from hub_shared.errors import Forbidden, NotFound, QuotaExceeded, StateConflict, UpstreamRejected, ValidationFailed

# ---------------------------------------------------------------- who may


class PartnersCannotAddNumbers(Forbidden):
    slug = "partners-cannot-add-numbers"
    title = "Partners cannot add numbers for a client"


class PartnersCannotCancel(Forbidden):
    slug = "partners-cannot-cancel-numbers"
    title = "Partners cannot cancel numbers"


class ClientUsersOnly(Forbidden):
    slug = "client-users-only"
    title = "Only the client's own users can do this"


class InboxForDirectClientsOnly(Forbidden):
    slug = "inbox-direct-clients-only"
    title = "Activate Inbox is for clients who pay the hub directly"


class DisplayNameWriteNotGranted(Forbidden):
    slug = "display-name-write-not-granted"
    title = "You may not change this number's display name"


# ---------------------------------------------------------------- not found


class NumberNotFound(NotFound):
    def __init__(self, number_id: str):
        super().__init__(f"Number {number_id} was not found.")


class ImportNotFound(NotFound):
    def __init__(self, import_id: str):
        super().__init__(f"Import {import_id} was not found.")


# ---------------------------------------------------------------- invalid input, and Meta's refusals of it


class SignupCodeRejected(ValidationFailed):
    slug = "signup-code-rejected"
    title = "Meta did not accept the signup code"


class NumberNotInWaba(ValidationFailed):
    slug = "number-not-in-waba"
    title = "The phone number is not in the WhatsApp Business Account"


class VerificationCodeRejected(ValidationFailed):
    slug = "verification-code-rejected"
    title = "The verification code is wrong or has expired"


class DisplayNameRefused(ValidationFailed):
    slug = "display-name-invalid"
    title = "The display name breaks a rule"


class MetaRefusedDisplayName(UpstreamRejected):
    slug = "display-name-refused-by-meta"
    title = "Meta refused the display name"


# ---------------------------------------------------------------- state conflicts


class ChangedConcurrently(StateConflict):
    """A conditional write lost to another writer."""

    slug = "changed-concurrently"
    title = "Changed by another request"


class NumberAlreadyOnWaba(StateConflict):
    slug = "number-already-on-waba"
    title = "The number is already on this WhatsApp Business Account"


class TooManyAttempts(StateConflict):
    slug = "too-many-attempts"
    title = "Too many attempts"


class NotCancellable(StateConflict):
    slug = "number-not-cancellable"
    title = "The number cannot be cancelled"


class NotWithdrawable(StateConflict):
    slug = "cancellation-not-withdrawable"
    title = "The cancellation cannot be withdrawn"


class DisplayNameEditNotAvailable(StateConflict):
    slug = "display-name-edit-not-available"
    title = "Edit not available"


class NumberNameNotChangeable(StateConflict):
    slug = "display-name-not-changeable"
    title = "The number's display name cannot be changed now"


# ---------------------------------------------------------------- limits


class ResendTooSoon(QuotaExceeded):
    slug = "code-resend-cool-down"
    title = "A new code cannot be requested yet"


class DisplayNameChangesUsed(QuotaExceeded):
    slug = "display-name-changes-used"
    title = "No display-name changes left"
