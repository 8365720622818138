"""Embedded Signup's consent screen, as the Meta sandbox shows it: a page the portal opens as a popup.

In AWS the portal runs Meta's Facebook JS SDK (`FB.login` with the Embedded Signup configuration): Meta's popup lets
the user pick a business, a WhatsApp Business Account (WABA) and a phone number, then posts `message` events to the
opener (`{"type": "WA_EMBEDDED_SIGNUP", "event": "FINISH", "data": {phone_number_id, waba_id, business_id}}`, or
`CANCEL` with `data.current_step`, or `ERROR` with `data.error_message`), and FB.login's callback hands over the
authorization code (`authResponse.code`).

Locally, `GET /embedded-signup?origin=<the portal's origin>` on the sandbox's port is that popup: a plain form (an
existing sandbox WABA or a new one, the phone number, its display name, what the code should do at the exchange:
valid, expired or invalid, and whether Meta connects the number once registered or a few seconds later). Its answer
is a page that posts Meta's message to `window.opener` as JSON text and, in place of FB.login's callback,
`{"type": "SANDBOX_FB_LOGIN", "status": "connected", "authResponse": {"code"}}` (`"status": "unknown",
"authResponse": null` when cancelled), then closes. Messages are posted to the `origin` the portal named only, as a
browser's `postMessage(message, targetOrigin)` does; the portal checks that they come from the sandbox's origin.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from local.sandboxes.meta.call import Json
from local.sandboxes.meta.errors import GraphApiError, invalid_parameter
from local.sandboxes.meta.onboarding import embedded_signup
from local.sandboxes.meta.state import MetaState, WabaRecord

PATH = "/embedded-signup"
NEW_WABA = "new"
CODE_OUTCOMES = {"valid": "", "expired": "expired-", "bad": "bad-"}
"""What the code does at the exchange → the prefix that makes the sandbox's exchange refuse it (onboarding.py)."""
CANCELLED_AT = "PHONE_NUMBER_SETUP"
CONNECTION_DELAY = timedelta(seconds=8)
"""How long after its registration Meta connects a number made to connect later."""
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(:\d{1,5})?")

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; background: #f0f2f5; color: #1c1e21; }
main { max-width: 28rem; margin: 1.5rem auto; background: #fff; padding: 1.25rem 1.5rem; border-radius: 8px; }
h1 { font-size: 1.3rem; margin-top: 0; }
form { display: flex; flex-direction: column; gap: 0.75rem; }
label { font-weight: 600; display: block; }
input, select { font: inherit; padding: 0.35rem 0.5rem; width: 100%; box-sizing: border-box; }
fieldset { border: 1px solid #ccd0d5; border-radius: 6px; display: flex; flex-direction: column; gap: 0.5rem; }
.hint { color: #4b4f56; font-size: 0.9rem; margin: 0.2rem 0 0; }
.error { color: #a4161a; border-left: 4px solid #a4161a; padding-left: 0.5rem; }
.buttons { display: flex; gap: 0.75rem; }
button { font: inherit; padding: 0.4rem 1rem; border-radius: 6px; border: 1px solid #0b5cad; cursor: pointer; }
button[value=finish] { background: #0b5cad; color: #fff; }
button[value=cancel] { background: #fff; color: #0b5cad; }
:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
"""


class SignupPageError(ValueError):
    """The page was opened without a usable `origin` to answer."""


def opener_origin(params: Mapping[str, str]) -> str:
    """The portal's origin the messages go to (postMessage's targetOrigin): `scheme://host[:port]`, nothing more."""
    origin = params.get("origin", "")
    if not _ORIGIN.fullmatch(origin):
        raise SignupPageError("Open Embedded Signup from the portal: the origin to answer is missing or not an origin.")
    return origin


def consent_form(
    state: MetaState, origin: str, values: Mapping[str, str] | None = None, error: str | None = None
) -> str:
    """The consent screen: the WABA (a sandbox WABA or a new one), the number, its display name, the code's fate."""
    values = values or {}
    chosen = values.get("waba_id", NEW_WABA)
    wabas = "".join(
        _option(waba.id, f"{waba.name} ({waba.business_name}, {waba.id})", chosen) for waba in state.wabas.values()
    )
    outcomes = "".join(
        _option(value, label, values.get("code_outcome", "valid"))
        for value, label in (
            ("valid", "Valid"),
            ("expired", "Expired (Meta refuses it)"),
            ("bad", "Invalid (Meta refuses it)"),
        )
    )
    connections = "".join(
        _option(value, label, values.get("connection", "now"))
        for value, label in (
            ("now", "Once registered"),
            ("later", f"{int(CONNECTION_DELAY.total_seconds())} seconds after its registration"),
        )
    )
    alert = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    body = f"""
<h1>Connect your WhatsApp Business Account</h1>
<p>Meta sandbox: this page stands in for Meta's Embedded Signup. The portal that opened it receives what you
choose here.</p>
{alert}
<form method="post" action="{PATH}">
  <input type="hidden" name="origin" value="{html.escape(origin)}">
  <fieldset>
    <legend>WhatsApp Business Account</legend>
    <div>
      <label for="waba_id">Business account</label>
      <select id="waba_id" name="waba_id">{_option(NEW_WABA, "Create a new WhatsApp Business Account", chosen)}{wabas}
      </select>
    </div>
    <div>
      <label for="business_name">Name of a new business account</label>
      <input id="business_name" name="business_name" value="{_value(values, "business_name", "Sandbox Business")}">
    </div>
  </fieldset>
  <div>
    <label for="phone_number">Phone number</label>
    <input id="phone_number" name="phone_number" required inputmode="tel" aria-describedby="phone_hint"
      value="{_value(values, "phone_number")}">
    <p class="hint" id="phone_hint">With its country code, e.g. +49 1511 2345678.</p>
  </div>
  <div>
    <label for="verified_name">WhatsApp display name</label>
    <input id="verified_name" name="verified_name" required value="{_value(values, "verified_name")}">
  </div>
  <div>
    <label for="code_outcome">Authorization code</label>
    <select id="code_outcome" name="code_outcome" aria-describedby="code_hint">{outcomes}</select>
    <p class="hint" id="code_hint">Sandbox only: what Meta says when the hub exchanges the code.</p>
  </div>
  <div>
    <label for="connection">Meta connects the number</label>
    <select id="connection" name="connection" aria-describedby="connection_hint">{connections}</select>
    <p class="hint" id="connection_hint">Sandbox only: when the number's status becomes CONNECTED.</p>
  </div>
  <div class="buttons">
    <button type="submit" name="action" value="finish">Confirm</button>
    <button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
  </div>
</form>"""
    return _page("Embedded Signup (Meta sandbox)", body)


def answer(
    state: MetaState, form: Mapping[str, str], *, now: datetime, reviews_due_at: datetime
) -> tuple[list[Json], None] | tuple[None, str]:
    """The messages for the opener (Meta's event, then the login response), or why the form cannot be confirmed."""
    if form.get("action") != "finish":
        return cancelled(), None
    prefix = CODE_OUTCOMES.get(form.get("code_outcome", "valid"))
    if prefix is None:
        return None, "Choose what the authorization code does."
    waba_id = form.get("waba_id", NEW_WABA)
    created = None
    try:
        if waba_id == NEW_WABA:
            created = new_waba(state, form.get("business_name", "").strip())
            waba_id = created.id
        result = embedded_signup(
            state,
            {
                "waba_id": waba_id,
                "phone_number": form.get("phone_number", ""),
                "verified_name": form.get("verified_name", "").strip(),
            },
            now=now,
            reviews_due_at=reviews_due_at,
        )
    except GraphApiError as error:
        if created is not None:  # nothing is left behind by a signup that did not finish
            del state.wabas[created.id]
        return None, error.details or error.message
    if form.get("connection") == "later":
        state.numbers[str(result["phone_number_id"])].connects_at = now + CONNECTION_DELAY
    return finished(result, prefix + str(result["code"])), None


def finished(result: Json, code: str) -> list[Json]:
    data = {key: result[key] for key in ("phone_number_id", "waba_id", "business_id")}
    return [
        {"type": "WA_EMBEDDED_SIGNUP", "event": "FINISH", "data": data},
        {"type": "SANDBOX_FB_LOGIN", "status": "connected", "authResponse": {"code": code}},
    ]


def cancelled() -> list[Json]:
    return [
        {"type": "WA_EMBEDDED_SIGNUP", "event": "CANCEL", "data": {"current_step": CANCELLED_AT}},
        {"type": "SANDBOX_FB_LOGIN", "status": "unknown", "authResponse": None},
    ]


def new_waba(state: MetaState, business_name: str) -> WabaRecord:
    """A new client-owned WABA in a new business, shared with no app yet (the hub subscribes to it)."""
    if not 2 <= len(business_name) <= 100:
        raise invalid_parameter("The name of a new business account must be 2 to 100 characters long.")
    waba = WabaRecord(
        id=state.new_id(),
        name=business_name,
        type="SHARED",
        business_id=state.new_id(),
        business_name=business_name,
        timezone_id="42",
        namespace=f"sandbox_{state.next_id}",
        account_review_status="APPROVED",
        currency="EUR",
        subscribed_apps=[],
    )
    state.wabas[waba.id] = waba
    return waba


def messages_page(messages: list[Json], origin: str) -> str:
    """The page that answers the opener: each message posted to `origin` only, then the popup closes."""
    data = _script_json({"origin": origin, "messages": messages})
    body = f"""
<h1>Done</h1>
<p>You can close this window and go back to the portal.</p>
<script type="application/json" id="signup-messages">{data}</script>
<script>
  const answer = JSON.parse(document.getElementById("signup-messages").textContent);
  if (window.opener) {{
    for (const message of answer.messages) window.opener.postMessage(JSON.stringify(message), answer.origin);
    window.close();
  }}
</script>"""
    return _page("Embedded Signup (Meta sandbox)", body)


def problem_page(message: str) -> str:
    body = f'<h1>Embedded Signup</h1><p role="alert">{html.escape(message)}</p>'
    return _page("Embedded Signup (Meta sandbox)", body)


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
        f"<body><main>{body}\n</main></body></html>\n"
    )


def _option(value: str, label: str, chosen: str) -> str:
    selected = " selected" if value == chosen else ""
    return f'<option value="{html.escape(value)}"{selected}>{html.escape(label)}</option>'


def _value(values: Mapping[str, str], name: str, default: str = "") -> str:
    return html.escape(values.get(name, default))


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (no `</script>` can end it early)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
