"""moto's Cognito as a browser signs in to it: real SRP, refreshing tokens, revoking them.

Applied where the portal signs in: `local.cloud.start_moto` (the local hub's moto server). Written for moto 5.2.5
(`local.moto_fixes.MOTO_VERSION`, which a test keeps in step).

The portal signs in the way AWS recommends for a browser app: Amplify's `signIn`, the Secure Remote Password
protocol (`USER_SRP_AUTH`, then `RespondToAuthChallenge` with `PASSWORD_VERIFIER`), where the password never leaves
the browser. moto 5.2.5 accepts that flow but does not run it: its challenge carries random `SALT` and `SRP_B`
values, and it answers *any* `PASSWORD_CLAIM_SIGNATURE` with tokens, so a wrong password signs in. Amplify v6 also
calls two operations moto 5.2.5 lacks: `GetTokensFromRefreshToken` (to refresh tokens) and `RevokeToken` (on sign-out).

`cognito_for_browsers()` makes moto's server behave as Cognito does for these:

- `InitiateAuth` with `USER_SRP_AUTH` answers a real challenge: a random salt, the server's `B = k·v + gᵇ mod N` on
  the 3072-bit group Cognito uses (RFC 5054, g = 2), the verifier `v` derived from the user's password (moto keeps
  it), and an opaque base64 `SECRET_BLOCK`;
- `RespondToAuthChallenge` with `PASSWORD_VERIFIER` computes the session key `S = (A·vᵘ)ᵇ mod N` and the HMAC
  signature Cognito expects (HKDF "Caldera Derived Key" over S and u; pool name, `USER_ID_FOR_SRP`, secret block and
  timestamp); a wrong signature is refused with `NotAuthorizedException: Incorrect username or password.` as
  Cognito refuses it, and an unknown user the same way (the pool prevents user-existence errors);
- `GetTokensFromRefreshToken` answers new ID and access tokens for a valid refresh token (`NotAuthorizedException`
  once it is revoked);
- `RevokeToken` revokes a refresh token: it refreshes no more.

And it sends codes as Cognito does, by e-mail, into the local cloud's SES (what `make mail` lists), worded by the
pool's `VerificationMessageTemplate`; moto 5.2.5 sends none (a forgotten password's code is an HTTP header):

- `AdminUpdateUserAttributes` of `email` on a pool whose `UserAttributeUpdateSettings` hold e-mail changes until they
  are verified keeps the old address, and mails a code to the new one (moto changes the address at once);
- `VerifyUserAttribute` (which moto lacks) takes that code with the user's access token: the new address replaces
  the old one, verified;
- `AdminResetUserPassword` and `ForgotPassword` mail a code to the user's address; `ConfirmForgotPassword` takes
  only that code and a password the pool's policy allows, and signs the user in again (moto took any code and left
  the user in `RESET_REQUIRED`);
- a user in `RESET_REQUIRED` who signs in with SRP is told `PasswordResetRequiredException`, as Cognito tells them
  (Amplify's `RESET_PASSWORD` step);
- tokens name the user by their username (their `sub`), not by the address they signed in with, as Cognito's do: so
  `AdminUserGlobalSignOut` by `sub` ends every session, and a session outlives a change of address (moto kept the
  address, and found no user once it changed).

Only the server side of SRP is here, to check what a real client (Amplify in the browser) computes; the portal itself
has no protocol code. The other flows (`USER_PASSWORD_AUTH` for `make token`) are moto's own.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from moto.cognitoidp.exceptions import (
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedError,
    UserNotFoundError,
)
from moto.cognitoidp.models import (
    CognitoIdpBackend,
    CognitoIdpUser,
    CognitoIdpUserPool,
    UserStatus,
    cognitoidp_backends,
)
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.exceptions import JsonRESTError
from moto.ses.models import Message, ses_backends
from moto.ses.utils import get_random_message_id

N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
"""The 3072-bit group of RFC 5054, as Cognito (and every Cognito client) uses it."""
G = 2
REFUSED = "Incorrect username or password."


def pad_hex(value: int) -> str:
    """An integer as Cognito's clients hash it: even-length hex, with 00 in front when the top bit is set."""
    text = format(value, "x")
    text = "0" + text if len(text) % 2 else text
    return "00" + text if text[0] in "89abcdef" else text


def hash_hex(text: str) -> str:
    """SHA-256 of the bytes a hex string spells, as 64 hex digits."""
    return hashlib.sha256(bytes.fromhex(text)).hexdigest()


K = int(hash_hex(pad_hex(N) + pad_hex(G)), 16)


def password_verifier(pool_name: str, user_id: str, password: str, salt: int) -> int:
    """v = gˣ mod N, x = H(salt ‖ H(pool name ‖ user id ‖ ":" ‖ password))."""
    inner = hashlib.sha256(f"{pool_name}{user_id}:{password}".encode()).hexdigest()
    x = int(hash_hex(pad_hex(salt) + inner), 16)
    return pow(G, x, N)


def session_key(a_public: int, b_private: int, b_public: int, verifier: int) -> bytes:
    """The 16-byte key both sides derive: HKDF-SHA256 of S = (A·vᵘ)ᵇ mod N with u = H(A ‖ B) as salt."""
    u = int(hash_hex(pad_hex(a_public) + pad_hex(b_public)), 16)
    s = pow(a_public * pow(verifier, u, N), b_private, N)
    prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(s)), hashlib.sha256).digest()
    return hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]


def claim_signature(key: bytes, pool_name: str, user_id: str, secret_block: str, timestamp: str) -> str:
    """The PASSWORD_CLAIM_SIGNATURE a client holding the right password sends."""
    message = pool_name.encode() + user_id.encode() + base64.b64decode(secret_block) + timestamp.encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class _Challenge:
    pool_name: str
    user_id: str
    a_public: int
    b_private: int
    b_public: int
    verifier: int
    moto_session: str


_challenges: dict[str, _Challenge] = {}  # secret block → the challenge it belongs to
_lock = threading.Lock()


def _pool_of(backend: CognitoIdpBackend, client_id: str) -> CognitoIdpUserPool:
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            return pool
    raise NotAuthorizedError(f"Unknown app client {client_id}")


def _backend_of(client_id: str) -> CognitoIdpBackend:
    for regions in cognitoidp_backends.values():
        for region, backend in regions.items():
            if region != "global" and any(client_id in pool.clients for pool in backend.user_pools.values()):
                return backend
    raise NotAuthorizedError(f"Unknown app client {client_id}")


def _srp_challenge(backend: CognitoIdpBackend, client_id: str, parameters: dict[str, str], moto: dict[str, Any]) -> Any:
    """moto's PASSWORD_VERIFIER challenge (its checks already passed) with real SRP values."""
    pool = _pool_of(backend, client_id)
    user_id = moto["ChallengeParameters"]["USER_ID_FOR_SRP"]
    user = backend.admin_get_user(pool.id, user_id)
    a_public = int(parameters["SRP_A"], 16)
    if a_public % N == 0:
        raise NotAuthorizedError("SRP_A is not valid")
    salt = int.from_bytes(secrets.token_bytes(16), "big")
    pool_name = pool.id.split("_", 1)[1]
    verifier = password_verifier(pool_name, user_id, user.password or "", salt)
    b_private = int.from_bytes(secrets.token_bytes(32), "big")
    b_public = (K * verifier + pow(G, b_private, N)) % N
    secret_block = base64.b64encode(secrets.token_bytes(64)).decode()
    with _lock:
        _challenges[secret_block] = _Challenge(
            pool_name, user_id, a_public, b_private, b_public, verifier, moto_session=moto["Session"]
        )
    moto["ChallengeParameters"] |= {"SALT": pad_hex(salt), "SRP_B": format(b_public, "x"), "SECRET_BLOCK": secret_block}
    return moto


def _check_claim(responses: dict[str, str]) -> str:
    """The moto session of a PASSWORD_VERIFIER answer whose signature proves the password; NotAuthorizedError else."""
    with _lock:
        challenge = _challenges.pop(responses.get("PASSWORD_CLAIM_SECRET_BLOCK", ""), None)
    if challenge is None:
        raise NotAuthorizedError("Invalid session for the user, session is expired.")
    key = session_key(challenge.a_public, challenge.b_private, challenge.b_public, challenge.verifier)
    expected = claim_signature(
        key,
        challenge.pool_name,
        challenge.user_id,
        responses["PASSWORD_CLAIM_SECRET_BLOCK"],
        responses.get("TIMESTAMP", ""),
    )
    if not hmac.compare_digest(expected, responses.get("PASSWORD_CLAIM_SIGNATURE", "")):
        raise NotAuthorizedError(REFUSED)
    return challenge.moto_session


def cognito_for_browsers() -> None:
    """Patch moto's Cognito backend and responses in this process (its server included); calling again changes
    nothing."""
    initiate = CognitoIdpBackend.initiate_auth
    if getattr(initiate, "browser_ready", False):
        return
    respond = CognitoIdpBackend.respond_to_auth_challenge

    @functools.wraps(initiate)
    def initiate_auth(self: CognitoIdpBackend, client_id: str, auth_flow: str, auth_parameters: dict[str, str]) -> Any:
        try:
            answer = initiate(self, client_id, auth_flow, auth_parameters)
        except UserNotFoundError:
            raise NotAuthorizedError(REFUSED) from None  # PreventUserExistenceErrors: ENABLED
        if auth_flow == "USER_SRP_AUTH":
            return _srp_challenge(self, client_id, auth_parameters, answer)
        return answer

    @functools.wraps(respond)
    def respond_to_auth_challenge(
        self: CognitoIdpBackend, session: str, client_id: str, challenge_name: str, responses: dict[str, str]
    ) -> dict[str, Any]:
        if challenge_name == "PASSWORD_VERIFIER":
            moto_session = _check_claim(responses)
            username, pool = self.sessions[moto_session]
            if pool._get_user(username).status is UserStatus.RESET_REQUIRED:
                raise PasswordResetRequired()
            # moto finds the session by the secret block it handed out: hand it the one it knows
            responses = {**responses, "PASSWORD_CLAIM_SECRET_BLOCK": moto_session}
        return respond(self, session, client_id, challenge_name, responses)

    initiate_auth.browser_ready = True  # type: ignore[attr-defined]
    CognitoIdpBackend.initiate_auth = initiate_auth  # type: ignore[method-assign]
    CognitoIdpBackend.respond_to_auth_challenge = respond_to_auth_challenge  # type: ignore[method-assign,assignment]
    CognitoIdpResponse.get_tokens_from_refresh_token = _get_tokens_from_refresh_token  # type: ignore[attr-defined]
    CognitoIdpResponse.revoke_token = _revoke_token  # type: ignore[attr-defined]
    _codes_by_mail()


def _get_tokens_from_refresh_token(self: CognitoIdpResponse) -> str:
    client_id, refresh_token = self._get_param("ClientId"), self._get_param("RefreshToken")
    pool = _pool_of(_backend_of(client_id), client_id)
    held = pool.refresh_tokens.get(refresh_token)
    if held is None or held[0] != client_id:
        raise NotAuthorizedError("Invalid Refresh Token")
    access_token, id_token, expires_in = pool.create_tokens_from_refresh_token(refresh_token)
    result = {"AccessToken": access_token, "IdToken": id_token, "ExpiresIn": expires_in, "TokenType": "Bearer"}
    return json.dumps({"AuthenticationResult": result})


def _revoke_token(self: CognitoIdpResponse) -> str:
    client_id, token = self._get_param("ClientId"), self._get_param("Token")
    pool = _pool_of(_backend_of(client_id), client_id)
    held = pool.refresh_tokens.get(token)
    if held is not None and held[0] == client_id:
        pool.refresh_tokens[token] = None
    return "{}"


class PasswordResetRequired(JsonRESTError):
    def __init__(self) -> None:
        super().__init__("PasswordResetRequiredException", "Password reset required for the user")


@dataclass(frozen=True)
class _PendingEmail:
    email: str
    code: str


_pending: dict[tuple[str, str], _PendingEmail] = {}  # (pool id, username) → the new address waiting for its code
CODE_MISMATCH = "Invalid verification code provided, please try again."


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _mail_code(backend: CognitoIdpBackend, pool: CognitoIdpUserPool, to: str, code: str) -> None:
    """The code as Cognito mails it (the pool's verification message), kept by the local SES."""
    template = pool.extended_config.get("VerificationMessageTemplate") or {}
    subject = template.get("EmailSubject") or "Your verification code"
    body = (template.get("EmailMessage") or "Your verification code is {####}.").replace("{####}", code)
    ses = ses_backends[backend.account_id][backend.region_name]
    sender = "no-reply@verificationemail.com"  # Cognito's own sender (the pool sets no SES identity)
    ses.sent_messages.append(Message(get_random_message_id(), sender, subject, body, {"ToAddresses": [to]}))


def _email_update_held(pool: CognitoIdpUserPool) -> bool:
    settings = pool.extended_config.get("UserAttributeUpdateSettings") or {}
    return "email" in settings.get("AttributesRequireVerificationBeforeUpdate", [])


def _codes_by_mail() -> None:
    update = CognitoIdpBackend.admin_update_user_attributes
    reset = CognitoIdpBackend.admin_reset_user_password
    forgot = CognitoIdpBackend.forgot_password

    @functools.wraps(update)
    def admin_update_user_attributes(
        self: CognitoIdpBackend, user_pool_id: str, username: str, attributes: list[dict[str, str]]
    ) -> None:
        pool = self.describe_user_pool(user_pool_id)
        values = {a["Name"]: a.get("Value", "") for a in attributes}
        user = self.admin_get_user(user_pool_id, username)
        email = values.get("email")
        if email is None or values.get("email_verified") == "true" or not _email_update_held(pool):
            return update(self, user_pool_id, username, attributes)
        if email == user.attribute_lookup.get("email"):
            return update(self, user_pool_id, username, [a for a in attributes if a["Name"] != "email"])
        self._verify_email_is_not_used(user_pool_id, email)
        update(self, user_pool_id, username, [a for a in attributes if a["Name"] != "email"])
        code = _new_code()
        with _lock:
            _pending[(pool.id, user.username)] = _PendingEmail(email, code)
        _mail_code(self, pool, email, code)
        return None

    @functools.wraps(reset)
    def admin_reset_user_password(self: CognitoIdpBackend, user_pool_id: str, username: str) -> None:
        reset(self, user_pool_id, username)
        pool = self.describe_user_pool(user_pool_id)
        _send_reset_code(self, pool, self.admin_get_user(user_pool_id, username))

    @functools.wraps(forgot)
    def forgot_password(self: CognitoIdpBackend, client_id: str, username: str) -> tuple[str | None, dict[str, Any]]:
        _, details = forgot(self, client_id, username)
        pool = _pool_of(self, client_id)
        user = pool._get_user(username)
        if user is not None:
            _send_reset_code(self, pool, user)
        return "", details  # moto would hand the code out in a header; Cognito mails it only

    def confirm_forgot_password(
        self: CognitoIdpBackend, client_id: str, username: str, password: str, confirmation_code: str
    ) -> None:
        pool = _pool_of(self, client_id)
        user = pool._get_user(username)
        held = user.confirmation_code if user is not None else None
        if user is None or not held or not hmac.compare_digest(held, confirmation_code):
            raise CodeMismatchException(CODE_MISMATCH)
        self._validate_password(pool.id, password)
        user.password = password
        user.confirmation_code = None
        if user.status is UserStatus.RESET_REQUIRED:
            user.status = UserStatus.CONFIRMED

    made = CognitoIdpUserPool.create_refresh_token
    sign_out = CognitoIdpUserPool.sign_out

    @functools.wraps(made)
    def create_refresh_token(self: CognitoIdpUserPool, client_id: str, username: str) -> tuple[str, str]:
        return made(self, client_id, _username(self, username))

    @functools.wraps(sign_out)
    def sign_out_everywhere(self: CognitoIdpUserPool, username: str) -> None:
        sign_out(self, _username(self, username))

    CognitoIdpUserPool.create_refresh_token = create_refresh_token  # type: ignore[method-assign]
    CognitoIdpUserPool.sign_out = sign_out_everywhere  # type: ignore[method-assign]
    CognitoIdpBackend.admin_update_user_attributes = admin_update_user_attributes  # type: ignore[method-assign]
    CognitoIdpBackend.admin_reset_user_password = admin_reset_user_password  # type: ignore[method-assign]
    CognitoIdpBackend.forgot_password = forgot_password  # type: ignore[method-assign]
    CognitoIdpBackend.confirm_forgot_password = confirm_forgot_password  # type: ignore[method-assign]
    CognitoIdpResponse.verify_user_attribute = _verify_user_attribute  # type: ignore[attr-defined]


def _username(pool: CognitoIdpUserPool, name: str) -> str:
    """The username of the user `name` names (by username, or by an alias such as the e-mail)."""
    user = pool._get_user(name)
    return user.username if user is not None else name


def _send_reset_code(backend: CognitoIdpBackend, pool: CognitoIdpUserPool, user: CognitoIdpUser) -> None:
    email = user.attribute_lookup.get("email")
    if email and user.attribute_lookup.get("email_verified") == "true":
        user.confirmation_code = _new_code()
        _mail_code(backend, pool, email, user.confirmation_code)


def _verify_user_attribute(self: CognitoIdpResponse) -> str:
    token, name, code = self._get_param("AccessToken"), self._get_param("AttributeName"), self._get_param("Code")
    for regions in cognitoidp_backends.values():
        for region, backend in regions.items():
            for pool in backend.user_pools.values() if region != "global" else ():
                if token in pool.access_tokens:
                    _, username = pool.access_tokens[token]
                    _verify(backend, pool, pool._get_user(username), name, code or "")
                    return "{}"
    raise NotAuthorizedError("Invalid Access Token")


def _verify(backend: CognitoIdpBackend, pool: CognitoIdpUserPool, user: CognitoIdpUser, name: str, code: str) -> None:
    if name != "email":
        raise InvalidParameterException(f"Only email is verified by code here, not {name}.")
    with _lock:
        pending = _pending.get((pool.id, user.username))
        if pending is None or not hmac.compare_digest(pending.code, code):
            raise CodeMismatchException(CODE_MISMATCH)
        backend._verify_email_is_not_used(pool.id, pending.email)
        del _pending[(pool.id, user.username)]
    user.update_attributes([{"Name": "email", "Value": pending.email}, {"Name": "email_verified", "Value": "true"}])
