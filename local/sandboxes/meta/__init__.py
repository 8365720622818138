"""A local, stateful stand-in for Meta's Graph API (WhatsApp Business Management), seeded from `local.story`.

Serves `/{version}/...` for any `v<major>.<minor>`; every call but the code exchange needs
`Authorization: Bearer <any token>` (else code 190, HTTP 401). Answers and errors take Meta's shapes
(`reference/meta-whatsapp-facts.md`, Meta's OpenAPI v23.0): `{"error": {message, type, code,
error_subcode?, error_data?, fbtrace_id}}`, an unknown id is code 100 subcode 33 (HTTP 400), a bad
parameter code 100; responses carry `x-fb-trace-id`, `x-app-usage` and `x-business-use-case-usage`.

Endpoints (see `app.ROUTES`): the phone number (`fields`; POST `new_display_name` / `pin`), `register`,
`deregister`, `request_code`, `verify_code`, `whatsapp_business_profile`, `whatsapp_commerce_settings`;
the WABA (`fields`, with the analytics fields of `analytics.py`), its `phone_numbers` (list, add or
migrate), `subscribed_apps`, `message_templates`; a template (read, edit); `GET /oauth/access_token`.

Deterministic behaviour:
- Verification: `verify_code` accepts only `123456`, after a `request_code`; a wrong code is code 100.
  `register` needs a verified number (else 133006); the first PIN becomes the number's PIN and a different
  one later is 133005; more than 10 register/deregister calls per number in 72 hours is 133016;
  deregistering a number that is not registered is code 100 subcode 2207051.
- Reviews (rules in `reviews.py`): a display-name request, a new number's name, and a new or edited
  template are decided `review_delay_seconds` after the request (seeded pending ones after start-up),
  when `tick()` / `process_due(now)` / `POST /_sandbox/tick` runs. A decision updates the state and sends
  `phone_number_name_update` or `message_template_status_update` to the webhook URL in Meta's envelope,
  signed `X-Hub-Signature-256: sha256=<HMAC of the raw body with the app secret>`.
- The code exchange: see `onboarding.py` (codes starting `bad` or `expired` are refused).

Admin API (local only): `POST/DELETE /_sandbox/faults` (e.g. `{"status": 503, "count": 2}`,
`{"status": 429, "code": 80007, "count": 1, "retry_after": 2}`, `{"latency_ms": 50}`; no count: until
cleared), `POST /_sandbox/webhooks/lose {"count": n}`, `POST /_sandbox/tick`, `GET /_sandbox/state`, and
`POST /_sandbox/embedded_signup {"waba_id", "cc", "phone_number", "verified_name"}`, which makes what Meta's
Embedded Signup hands the front end (a verified, unregistered number and a code to exchange).

Embedded Signup's popup (`signup_page.py`): `GET /embedded-signup?origin=<the portal's origin>` is the consent
screen the local portal opens; confirming it answers the opener with Meta's `WA_EMBEDDED_SIGNUP` message and the code.
"""

from local.sandboxes.meta.app import ROUTES, MetaSandbox, build_meta_sandbox
from local.sandboxes.meta.numbers import SANDBOX_OTP
from local.sandboxes.meta.state import MetaState

__all__ = ["ROUTES", "SANDBOX_OTP", "MetaSandbox", "MetaState", "build_meta_sandbox"]
