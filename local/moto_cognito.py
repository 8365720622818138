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

from moto.cognitoidp.exceptions import NotAuthorizedError, UserNotFoundError
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPool, cognitoidp_backends
from moto.cognitoidp.responses import CognitoIdpResponse

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
            # moto finds the session by the secret block it handed out: hand it the one it knows
            responses = {**responses, "PASSWORD_CLAIM_SECRET_BLOCK": moto_session}
        return respond(self, session, client_id, challenge_name, responses)

    initiate_auth.browser_ready = True  # type: ignore[attr-defined]
    CognitoIdpBackend.initiate_auth = initiate_auth  # type: ignore[method-assign]
    CognitoIdpBackend.respond_to_auth_challenge = respond_to_auth_challenge  # type: ignore[method-assign,assignment]
    CognitoIdpResponse.get_tokens_from_refresh_token = _get_tokens_from_refresh_token  # type: ignore[attr-defined]
    CognitoIdpResponse.revoke_token = _revoke_token  # type: ignore[attr-defined]


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
