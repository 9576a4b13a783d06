"""A fake Microsoft Teams for the Teams tests: the Bot Connector, Microsoft's sign-in, and real activities.

The Teams tests drive the real bot over real HTTP, as the Slack tests do (``tests/slack_fake.py``),
so the other side has to be Microsoft as botbuilder meets it:

* :class:`FakeConnector` plays the Bot Connector REST API v3 that a bot answers through (the
  activities' ``serviceUrl``): create a conversation (a new channel post), send, reply, update,
  delete, and the Teams member look-ups. It records every request, answers with the shapes and
  status codes the real service uses, and can be told to refuse (403, 404, 429 with
  ``Retry-After``, 5xx), to be slow, or to demand a bearer token that :class:`FakeIdentity` issued.
* :class:`FakeIdentity` plays Microsoft's side of Bot Framework authentication: the OpenID metadata
  and signing keys a bot checks incoming requests against (``login.botframework.com``), the token
  endpoint the bot's own ``MicrosoftAppCredentials`` ask for a connector token (MSAL, against
  ``login.microsoftonline.com``), and :meth:`FakeIdentity.channel_token`, which signs an
  ``Authorization`` header exactly as the Teams channel does.
* :func:`fixture` loads the real activities kept in ``tests/fixtures/teams`` with their
  ``"{serviceUrl}"`` placeholder filled in. They come from recordings of real Teams requests
  (botbuilder-js's integration-bot recordings), microsoft/teams.net's tests and Microsoft's Teams
  documentation; each file's ``_source`` names repository, commit and path and says what was
  changed. Their ids, names and tenant are normalised to one small world, the constants below
  (``APP_ID``/``BOT_ID`` "Outreach Coach", ``TENANT_ID``, ``TEAM_ID``, ``CHANNEL_ID``,
  ``GROUP_CHAT_ID``, ``PERSONAL_CONVERSATION_ID``, Mette ``METTE_ID`` and Jonas ``JONAS_ID``), so
  a test can combine fixtures and name the same people and places.

Two facts about botbuilder 4.17.1 shape this module (both are checked in ``tests/test_teams_fake.py``):

1. **Its HTTP to Microsoft is synchronous.** The OpenID/JWKS download (``JwtTokenExtractor``,
   ``requests.get``) and MSAL's token fetch (called from msrest's ``signed_session``) block the
   event loop they run in. A fake served from that same loop could never answer, so both fakes
   serve from their own thread and event loop, and work the same whether the bot runs in the
   test's process or in a subprocess. Waiting on them (:meth:`FakeConnector.wait_for`) polls.
2. **MSAL insists on HTTPS and on knowing the authority.** An ``http://`` authority is refused
   outright, so :class:`FakeIdentity` serves TLS with a certificate from a throw-away CA; the bot's
   process must trust it (:meth:`FakeIdentity.trust_env`). And for an authority host that is not
   one of Microsoft's, MSAL first asks ``https://login.microsoftonline.com/common/discovery/instance``
   (instance discovery) unless it is told ``validate_authority=False`` - which botbuilder never
   passes: ``VALIDATE_AUTHORITY`` stops at ``_PrivateCloudAppCredentials`` and is ignored by
   ``MicrosoftAppCredentials``. MSAL skips instance discovery for ADFS authorities (tenant ``adfs``),
   so :attr:`FakeIdentity.login_url` ends in ``/adfs``; :meth:`FakeIdentity.tenant_login_url` gives
   the real shape (``.../botframework.com``) for code that switches discovery off itself.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import copy
import ipaddress
import json
import os
import re
import shutil
import ssl
import tempfile
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import certifi
import jwt
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

FIXTURES = Path(__file__).parent / "fixtures" / "teams"
SERVICE_URL_PLACEHOLDER = "{serviceUrl}"

# --- the small world the fixtures are normalised to (fake values of the real shapes) ---------------

APP_ID = "5b2e7c14-8a3d-4f6e-9b0a-1c2d3e4f5a6b"
BOT_ID = f"28:{APP_ID}"
BOT_NAME = "Outreach Coach"
TENANT_ID = "7d1f3a5c-2b4e-4c6d-8e0f-9a1b2c3d4e5f"
TEAM_ID = "19:Qm9rYnVzc2VuLWtvbW1lci1mb3JiaS10ZWFtLTAx@thread.tacv2"  # also the General channel's id
TEAM_AAD_GROUP_ID = "3c5e7a9b-1d2f-4a6b-8c0d-2e4f6a8b0c1d"
CHANNEL_ID = "19:8a4c2e6f0b1d4f3a9c5e7b2d4f6a8c0e@thread.tacv2"
GROUP_CHAT_ID = "19:2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c0e@thread.v2"
PERSONAL_CONVERSATION_ID = (
    "a:1Fk2Lm9Qx7Rt4Vw6Yz8Ab0Cd2Ef4Gh6Ij8Kl0Mn2Op4Qr6St8Uv0Wx2Yz4Ab6Cd8Ef0Gh2Ij4Kl6Mn8Op0Qr2St4Uv6Wx8Yz0Ab2Cd4Ef6Gh8Ij0"
)
METTE_ID = "29:1aMeTtEhAnSeN0x9Y8w7V6u5T4s3R2q1P0o9N8m7L6k5J4i3H2g1F0e9D8c7B6a5Z4y3X2w1V0u9T8s7R6q5P4o3N2"
METTE_AAD = "0e6b2d8f-4a1c-4e3b-9d5f-7a9c1e3b5d7f"
JONAS_ID = "29:1jOnAsBeRg9z8Y7x6W5v4U3t2S1r0Q9p8O7n6M5l4K3j2I1h0G9f8E7d6C5b4A3z2Y1x0W9v8U7t6S5r4Q3p2O1n0"
JONAS_AAD = "4c8a0e2b-6d1f-4b3a-8e5c-9f1b3d5a7c9e"

CHANNEL_TOKEN_ISSUER = "https://api.botframework.com"  # iss of what the channel sends the bot
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com"  # aud of the token the bot sends the connector
BOT_FRAMEWORK_TENANT_ID = "d6d49420-f39b-4df7-a1dc-d59a935871db"  # the botframework.com tenant
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

# --- fixtures -------------------------------------------------------------------------------------


@cache
def _stored(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def _fill(value: Any, replacements: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, replacement in replacements.items():
            value = value.replace("{" + key + "}", replacement)
        return value
    if isinstance(value, list):
        return [_fill(item, replacements) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, replacements) for key, item in value.items()}
    return value


def fixture(name: str, **replacements: str) -> dict[str, Any]:
    """The activity in ``tests/fixtures/teams/<name>.json`` without its ``_source``, as a fresh copy.

    Every ``"{key}"`` placeholder named in ``replacements`` is filled in, so
    ``fixture("channel_mention", serviceUrl=connector.service_url)`` points the activity at a
    :class:`FakeConnector`. Placeholders not named are left as they are.
    """
    activity = {key: value for key, value in copy.deepcopy(_stored(name)).items() if key != "_source"}
    return _fill(activity, replacements)


def fixture_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


# --- serving from a thread ------------------------------------------------------------------------


class _ThreadServer(ABC):
    """An aiohttp application served on a free loopback port from its own thread and event loop.

    botbuilder talks to Microsoft with blocking calls (``requests``, MSAL) from inside the event
    loop of the bot, so a fake living in that loop would deadlock it; a thread of its own keeps the
    fake answering whatever the caller's loop is doing.
    """

    _thread_name = "fake-server"

    def __init__(self) -> None:
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._lock = threading.RLock()

    @abstractmethod
    def _application(self) -> web.Application:
        """The fake's routes."""

    def _ssl_context(self) -> ssl.SSLContext | None:
        return None

    def start(self) -> _ThreadServer:
        if self._thread is not None:
            return self
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=self._thread_name, daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    async def _serve(self) -> None:
        self._runner = web.AppRunner(self._application(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self._ssl_context())
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def close(self) -> None:
        if self._loop is None or self._thread is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self._loop = self._thread = self._runner = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()

    async def __aenter__(self) -> Any:
        return self.start()

    async def __aexit__(self, *_: object) -> None:
        self.close()


async def _poll(done: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.01)
    return True


# --- keys and certificates ------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str, key: rsa.RSAPrivateKey, issuer: x509.Certificate | None, issuer_key: rsa.RSAPrivateKey
) -> x509.Certificate:
    """A certificate for ``key``: a CA when ``issuer`` is None, else a server certificate for
    127.0.0.1 and localhost signed by ``issuer``."""
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    if issuer is None:
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
        builder = builder.add_extension(usage, critical=True)
    else:
        names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
        builder = (
            builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    encoding, form = serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8
    return key.private_bytes(encoding, form, serialization.NoEncryption())


@dataclass(frozen=True)
class _Tls:
    ca_file: Path
    ca_bundle: Path
    cert_file: Path
    key_file: Path


@cache
def _tls() -> _Tls:
    """One throw-away CA and loopback server certificate per test process, written to a temporary
    directory. ``ca_bundle`` is the trusted CAs the process already had plus this one, so pointing
    ``REQUESTS_CA_BUNDLE`` at it breaks nothing else."""
    folder = Path(tempfile.mkdtemp(prefix="teams-fake-tls-"))
    atexit.register(shutil.rmtree, folder, True)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = _certificate("Outreach Coach test CA (tests/teams_fake.py)", ca_key, None, ca_key)
    server_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    server = _certificate("127.0.0.1", server_key, ca, ca_key)
    ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    files = _Tls(folder / "ca.pem", folder / "ca-bundle.pem", folder / "server.pem", folder / "server.key")
    files.ca_file.write_bytes(ca_pem)
    system = Path(os.environ.get("REQUESTS_CA_BUNDLE") or certifi.where())
    files.ca_bundle.write_bytes(system.read_bytes().rstrip(b"\n") + b"\n" + ca_pem)
    files.cert_file.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    files.key_file.write_bytes(_pem(server_key))
    return files


@dataclass(frozen=True)
class _SigningKey:
    key: rsa.RSAPrivateKey
    kid: str
    certificate: x509.Certificate

    @classmethod
    def generate(cls, subject: str) -> _SigningKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        certificate = _certificate(subject, key, None, key)
        # Microsoft's kid is the certificate's SHA-1 thumbprint, base64url (the same as x5t).
        return cls(key, _b64url(certificate.fingerprint(hashes.SHA1())), certificate)

    def jwk(self, endorsements: list[str]) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "x5t": self.kid,
            "n": _b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
            "e": _b64url(numbers.e.to_bytes(3, "big")),
            "x5c": [base64.b64encode(der).decode()],
            "endorsements": endorsements,
        }

    def sign(self, claims: dict[str, Any], kid: str | None = None) -> str:
        kid = kid or self.kid
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": kid, "x5t": kid, "typ": "JWT"})


# --- Microsoft's sign-in ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenRequest:
    """One request to the token endpoint, as MSAL sent it (the client secret left out), with the
    status the fake answered."""

    tenant: str
    form: dict[str, str]
    status: int
    access_token: str | None


class FakeIdentity(_ThreadServer):
    """Microsoft's side of Bot Framework authentication, over HTTPS on a free loopback port.

    Use it as ``with FakeIdentity() as identity:`` (or ``async with``, or :meth:`start` /
    :meth:`close`). Register the bot with :meth:`add_app`, point botbuilder at it with
    :meth:`configuration`, make the bot's process trust it with :meth:`trust_env`, and sign
    incoming requests with :meth:`channel_token`.

    Served (``{tenant}`` is any tenant name or id):

    * ``GET /v1/.well-known/openidconfiguration`` - the channel's OpenID metadata
      (``login.botframework.com``), naming the JWKS;
    * ``GET /v1/.well-known/keys`` - the JWKS; each key carries ``endorsements`` as Microsoft's do;
    * ``GET /{tenant}/v2.0/.well-known/openid-configuration`` and, for ADFS-shaped authorities,
      ``GET /{tenant}/.well-known/openid-configuration`` - MSAL's tenant discovery;
    * ``POST /{tenant}/oauth2/v2.0/token`` - the client-credentials grant MSAL sends;
    * ``GET /common/discovery/instance`` - MSAL's instance discovery, for a caller that routes
      ``login.microsoftonline.com`` here (stock MSAL asks the real host; see the module docstring).
    """

    _thread_name = "fake-identity"

    def __init__(self, endorsements: tuple[str, ...] = ("msteams", "webchat", "directline", "skype")) -> None:
        super().__init__()
        self.endorsements = list(endorsements)
        self.apps: dict[str, str] = {}
        self.token_requests: list[TokenRequest] = []
        self.metadata_requests: list[str] = []  # paths of every GET, in order
        self._key = _SigningKey.generate("Bot Framework signing key (fake)")
        self._stranger = _SigningKey.generate("Someone else's key")
        self._issued: set[str] = set()
        # botbuilder caches downloaded keys per metadata URL for the life of the process
        # (JwtTokenExtractor.metadataCache); a per-instance query keeps a reused port from
        # serving one identity's keys to the next.
        self._instance = uuid.uuid4().hex[:12]
        self._token_delay = 0.0

    # --- addresses

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def openid_metadata_url(self) -> str:
        """What ``TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL`` is set to; in production
        ``https://login.botframework.com/v1/.well-known/openidconfiguration``."""
        return f"{self.base_url}/v1/.well-known/openidconfiguration?instance={self._instance}"

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/v1/.well-known/keys?instance={self._instance}"

    @property
    def login_url(self) -> str:
        """The MSAL authority stock botbuilder can use against this fake
        (``TO_CHANNEL_FROM_BOT_LOGIN_URL``): tenant ``adfs``, because MSAL skips instance discovery
        for ADFS and botbuilder gives it no other way to (see the module docstring)."""
        return self.tenant_login_url("adfs")

    def tenant_login_url(self, tenant: str = "botframework.com") -> str:
        """The authority in its real shape (production: ``https://login.microsoftonline.com/botframework.com``,
        or ``/<tenant id>`` for a single-tenant bot). MSAL accepts it only with
        ``validate_authority=False`` or ``instance_discovery=False``."""
        return f"{self.base_url}/{tenant}"

    def token_endpoint(self, tenant: str = "adfs") -> str:
        return f"{self.base_url}/{tenant}/oauth2/v2.0/token"

    @property
    def ca_file(self) -> Path:
        """The PEM of the CA that signed this server's certificate."""
        return _tls().ca_file

    @property
    def ca_bundle(self) -> Path:
        """The process's trusted CAs plus :attr:`ca_file`."""
        return _tls().ca_bundle

    def trust_env(self) -> dict[str, str]:
        """The environment under which ``requests`` (and so botbuilder and MSAL) trusts this
        fake: add it to the bot's subprocess, or ``monkeypatch.setenv`` it in-process."""
        return {"REQUESTS_CA_BUNDLE": str(self.ca_bundle)}

    def configuration(self, app_id: str | None = None, password: str | None = None, **extra: Any) -> SimpleNamespace:
        """A configuration object for botbuilder's ``ConfigurationBotFrameworkAuthentication`` that
        sends all of its authentication here: incoming tokens are checked against this fake's keys
        and issuer, and the bot's own token comes from :attr:`login_url`. ``extra`` adds or
        overrides attributes (``APP_TYPE="SingleTenant"``, ``APP_TENANTID=...``; botbuilder uses
        the login URL as given either way).

        Not for a bot without credentials: any ``TO_*`` attribute selects botbuilder's
        parameterized authentication, which answers a request without ``Authorization`` with an
        ``AttributeError`` (a 500 in CloudAdapter). Without an app id, give botbuilder only
        ``APP_ID=""`` and ``APP_PASSWORD=""``."""
        settings: dict[str, Any] = {
            "APP_ID": app_id or "",
            "APP_PASSWORD": password or "",
            "APP_TYPE": "MultiTenant",
            "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": self.openid_metadata_url,
            "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": CHANNEL_TOKEN_ISSUER,
            "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL": self.openid_metadata_url,
            "TO_CHANNEL_FROM_BOT_LOGIN_URL": self.login_url,
            "TO_CHANNEL_FROM_BOT_OAUTH_SCOPE": BOT_FRAMEWORK_SCOPE,
            "VALIDATE_AUTHORITY": False,
        }
        settings.update(extra)
        return SimpleNamespace(**settings)

    # --- the world

    def add_app(self, app_id: str, password: str) -> None:
        """A bot registration: MSAL may get tokens for ``app_id`` with ``password``."""
        with self._lock:
            self.apps[app_id] = password

    def slow_tokens(self, seconds: float) -> None:
        """Take ``seconds`` to answer the token endpoint (a slow day at Microsoft Entra)."""
        self._token_delay = seconds

    def issued_tokens(self) -> list[str]:
        with self._lock:
            return [request.access_token for request in self.token_requests if request.access_token]

    def verify_bot_token(self, token: str) -> dict[str, Any]:
        """The claims of an access token this fake issued to a bot, checked as the connector checks
        them (signature, expiry, audience); raises ``jwt.InvalidTokenError`` otherwise."""
        with self._lock:
            if token not in self._issued:
                raise jwt.InvalidTokenError("not a token this identity issued")
        return jwt.decode(token, self._key.key.public_key(), algorithms=["RS256"], audience=BOT_FRAMEWORK_SCOPE)

    # --- what the channel sends

    def channel_token(
        self,
        app_id: str,
        service_url: str,
        *,
        expired: bool = False,
        audience: str | None = None,
        issuer: str | None = None,
        signed_by_stranger: bool = False,
        key_id: str | None = None,
        lifetime: int = 3600,
        claims: dict[str, Any] | None = None,
        omit: tuple[str, ...] = (),
    ) -> str:
        """The ``Authorization`` header value (``"Bearer <jwt>"``) the Teams channel sends with an
        activity for bot ``app_id``, signed with this identity's key.

        The claims are exactly the channel's: ``serviceurl``, ``nbf``, ``exp`` (an hour later),
        ``iss`` (``https://api.botframework.com``) and ``aud`` (the bot's app id); the header carries
        ``alg`` RS256, ``kid``, ``x5t`` and ``typ`` (as in botbuilder-js's recordings of real Teams
        requests, libraries/botbuilder/tests/teams/integrationBot/recordings). The keywords spoil it:
        ``expired`` (ended ten minutes ago, past botbuilder's five-minute leeway), another
        ``audience`` or ``issuer``, ``signed_by_stranger`` (another key, same ``kid``), ``key_id``
        (a ``kid`` the JWKS does not list), extra ``claims``, or claims to ``omit``.
        """
        now = int(time.time())
        not_before = now - lifetime - 600 if expired else now - 5
        body: dict[str, Any] = {
            "serviceurl": service_url,
            "nbf": not_before,
            "exp": not_before + lifetime,
            "iss": issuer or CHANNEL_TOKEN_ISSUER,
            "aud": audience or app_id,
        }
        body.update(claims or {})
        for name in omit:
            body.pop(name, None)
        signer = self._stranger if signed_by_stranger else self._key
        return "Bearer " + signer.sign(body, kid=key_id or self._key.kid)

    # --- serving

    def _ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(_tls().cert_file, _tls().key_file)
        return context

    def _application(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._openid_metadata)
        app.router.add_get("/v1/.well-known/keys", self._keys)
        app.router.add_get("/common/discovery/instance", self._instance_discovery)
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._tenant_discovery)
        app.router.add_get("/{tenant}/.well-known/openid-configuration", self._tenant_discovery)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        return app

    def _seen(self, request: web.Request) -> None:
        with self._lock:
            self.metadata_requests.append(request.path)

    async def _openid_metadata(self, request: web.Request) -> web.Response:
        # The document login.botframework.com serves, pointing at this fake.
        self._seen(request)
        return web.json_response(
            {
                "issuer": CHANNEL_TOKEN_ISSUER,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": self.jwks_url,
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        self._seen(request)
        return web.json_response({"keys": [self._key.jwk(self.endorsements)]})

    def _authority_document(self, tenant: str) -> dict[str, Any]:
        tenant_id = tenant if re.fullmatch(r"[0-9a-f-]{36}", tenant) else BOT_FRAMEWORK_TENANT_ID
        return {
            "token_endpoint": self.token_endpoint(tenant),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": f"{self.base_url}/{tenant}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"https://login.microsoftonline.com/{tenant_id}/v2.0",
            "request_uri_parameter_supported": False,
            "authorization_endpoint": f"{self.base_url}/{tenant}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{self.base_url}/{tenant}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{self.base_url}/{tenant}/oauth2/v2.0/logout",
            "tenant_region_scope": "EU",
        }

    async def _tenant_discovery(self, request: web.Request) -> web.Response:
        self._seen(request)
        return web.json_response(self._authority_document(request.match_info["tenant"]))

    async def _instance_discovery(self, request: web.Request) -> web.Response:
        self._seen(request)
        host = f"127.0.0.1:{self.port}"
        return web.json_response(
            {
                "tenant_discovery_endpoint": f"{self.base_url}/common/v2.0/.well-known/openid-configuration",
                "api-version": "1.1",
                "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
            }
        )

    async def _token(self, request: web.Request) -> web.Response:
        tenant = request.match_info["tenant"]
        if self._token_delay:
            await asyncio.sleep(self._token_delay)
        form = {key: value for key, value in (await request.post()).items() if isinstance(value, str)}
        secret = form.pop("client_secret", None)
        client_id = form.get("client_id", "")
        status, answer = 200, None
        with self._lock:
            known = self.apps.get(client_id)
        if form.get("grant_type") != "client_credentials":
            status, answer = (
                400,
                _aad_error("unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type."),
            )
        elif known is None:
            status, answer = (
                400,
                _aad_error(
                    "unauthorized_client",
                    f"AADSTS700016: Application with identifier '{client_id}' was not found in the directory.",
                ),
            )
        elif secret != known:
            status, answer = (
                401,
                _aad_error("invalid_client", f"AADSTS7000215: Invalid client secret provided for app '{client_id}'."),
            )
        access_token = None
        if status == 200:
            access_token = self._bot_token(client_id, tenant, form.get("scope", ""))
            answer = {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": access_token}
        with self._lock:
            self.token_requests.append(TokenRequest(tenant, form, status, access_token))
        return web.json_response(answer, status=status)

    def _bot_token(self, app_id: str, tenant: str, scope: str) -> str:
        """An app-only access token shaped like the ones Microsoft Entra gives a bot for the
        connector (claims as in botbuilder-js's recordings of real replies)."""
        tenant_id = tenant if re.fullmatch(r"[0-9a-f-]{36}", tenant) else BOT_FRAMEWORK_TENANT_ID
        issuer = f"https://sts.windows.net/{tenant_id}/"
        now = int(time.time())
        token = self._key.sign(
            {
                "aud": scope.removesuffix("/.default") or BOT_FRAMEWORK_SCOPE,
                "iss": issuer,
                "iat": now,
                "nbf": now,
                "exp": now + 3600,
                "appid": app_id,
                "appidacr": "1",
                "idp": issuer,
                "tid": tenant_id,
                "uti": uuid.uuid4().hex[:22],
                "ver": "1.0",
            }
        )
        with self._lock:
            self._issued.add(token)
        return token


def _aad_error(code: str, description: str) -> dict[str, Any]:
    return {
        "error": code,
        "error_description": description,
        "error_codes": [int(re.search(r"AADSTS(\d+)", description).group(1))],  # type: ignore[union-attr]
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ"),
        "trace_id": str(uuid.uuid4()),
        "correlation_id": str(uuid.uuid4()),
    }


# --- the Bot Connector ------------------------------------------------------------------------------

# The error codes the Teams documentation lists for the conversation APIs ("Status codes from bot
# conversational APIs", MicrosoftDocs/msteams-docs), in Bot Framework's ErrorResponse shape.
_ERRORS = {
    400: ("BadArgument", "The request was malformed."),
    401: ("BotNotRegistered", "No registration found for this bot."),
    403: ("BotNotInConversationRoster", "The bot is not part of the conversation roster."),
    404: ("ConversationNotFound", "Conversation not found."),
    412: ("PreconditionFailed", "Precondition failed, please try again."),
    413: ("MessageSizeTooBig", "Message size too large."),
    429: ("Throttled", "Too many requests."),
    500: ("ServiceError", "An error has occurred."),
}
_BAD_GATEWAY = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
_DENIED = {"message": "Authorization has been denied for this request."}  # the connector's 401 body


@dataclass(frozen=True)
class ConnectorCall:
    """One request to the connector, in arrival order: the operation it was (``create_conversation``,
    ``send``, ``reply``, ``update``, ``delete``, ``get_member``, ``get_members``,
    ``get_paged_members`` or ``unknown``), the decoded path and ids, the parsed JSON body, the
    ``Authorization`` header, and the status and body the fake answered."""

    method: str
    path: str
    operation: str
    conversation_id: str | None
    activity_id: str | None
    body: Any
    authorization: str | None
    status: int
    response: Any


@dataclass
class _Failure:
    conversation: str | None
    status: int
    code: str
    message: str
    retry_after: int | None
    times: int
    operations: frozenset[str] | None


@dataclass
class Member:
    """A person as the Teams member APIs describe them."""

    id: str
    name: str
    aad_object_id: str
    email: str
    user_principal_name: str
    tenant_id: str = TENANT_ID
    given_name: str | None = None
    surname: str | None = None
    user_role: str = "user"

    def json(self) -> dict[str, Any]:
        given, _, surname = self.name.partition(" ")
        return {
            "id": self.id,
            "name": self.name,
            "aadObjectId": self.aad_object_id,
            "givenName": self.given_name or given,
            "surname": self.surname or surname,
            "email": self.email,
            "userPrincipalName": self.user_principal_name,
            "tenantId": self.tenant_id,
            "userRole": self.user_role,
        }


def base_conversation(conversation_id: str) -> str:
    """A channel thread's conversation id without its ``;messageid=...``: the channel itself."""
    return conversation_id.split(";", 1)[0]


@dataclass
class FakeConnector(_ThreadServer):
    """The Bot Connector REST API v3 on a free loopback port; see the module docstring.

    Use it as ``with FakeConnector() as connector:`` (or ``async with``, or :meth:`start` /
    :meth:`close`) and put :attr:`service_url` in the activities sent to the bot. With an
    ``identity`` it accepts only bearer tokens that :class:`FakeIdentity` issued, and answers
    anything else 401 as the real connector does.

    Conversation ids arrive URL-encoded (``19%3A...%40thread.tacv2%3Bmessageid%3D...``) and are
    recorded decoded. A filter by conversation (``sent("19:...@thread.tacv2")``) also matches that
    channel's threads (``...;messageid=...``).
    """

    identity: FakeIdentity | None = None
    region: str = "emea"
    _calls: list[ConnectorCall] = field(default_factory=list)
    _members: dict[str, list[Member]] = field(default_factory=dict)
    _messages: dict[tuple[str, str], dict[str, Any] | None] = field(default_factory=dict)
    _personal: dict[str, str] = field(default_factory=dict)
    _failures: list[_Failure] = field(default_factory=list)
    _delays: dict[str | None, float] = field(default_factory=dict)
    _counter: int = 0

    def __post_init__(self) -> None:
        _ThreadServer.__init__(self)

    _thread_name = "fake-connector"

    @property
    def service_url(self) -> str:
        """Shaped like Teams' ``https://smba.trafficmanager.net/emea/``."""
        return f"http://127.0.0.1:{self.port}/{self.region}/"

    # --- setting the world up

    def add_member(self, conversation: str, member: Member) -> Member:
        """``member`` belongs to ``conversation`` (a channel, group chat or personal chat id)."""
        with self._lock:
            self._members.setdefault(base_conversation(conversation), []).append(member)
        return member

    def fail(
        self,
        conversation: str | None = None,
        status: int = 403,
        *,
        code: str | None = None,
        message: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        operations: tuple[str, ...] | None = None,
    ) -> None:
        """Answer the next ``times`` requests about ``conversation`` (``None``: any; a channel also
        matches its threads and a new post created in it) with ``status`` and Bot Framework's
        ``{"error": {"code", "message"}}``, defaulting to the code Teams documents for that status:
        403 ``BotNotInConversationRoster``, 404 ``ConversationNotFound``, 429 ``Throttled`` (with
        ``Retry-After``, one second unless told), 500 ``ServiceError``; a 502 answers with a
        gateway's HTML page. ``operations`` narrows it (``("send", "reply")``)."""
        default_code, default_message = _ERRORS.get(status, ("ServiceError", "An error has occurred."))
        if status == 429 and retry_after is None:
            retry_after = 1
        failure = _Failure(
            conversation,
            status,
            code or default_code,
            message or default_message,
            retry_after,
            times,
            frozenset(operations) if operations else None,
        )
        with self._lock:
            self._failures.append(failure)

    def slow(self, seconds: float, conversation: str | None = None) -> None:
        """Take ``seconds`` before answering requests about ``conversation`` (``None``: any)."""
        with self._lock:
            self._delays[conversation] = seconds

    # --- what happened

    def calls(self, operation: str | None = None, conversation: str | None = None) -> list[ConnectorCall]:
        with self._lock:
            return [
                call
                for call in self._calls
                if (operation is None or call.operation == operation) and _about(call.conversation_id, conversation)
            ]

    def sent(self, conversation: str | None = None) -> list[dict[str, Any]]:
        """The activities the connector accepted from the bot (new conversations' first activity,
        sends and replies), in order."""
        found = []
        for call in self.calls(conversation=conversation):
            if call.status >= 300 or call.operation not in ("create_conversation", "send", "reply"):
                continue
            activity = call.body.get("activity") if call.operation == "create_conversation" else call.body
            if activity:
                found.append(activity)
        return found

    def texts(self, conversation: str | None = None) -> list[str]:
        return [activity["text"] for activity in self.sent(conversation) if activity.get("text")]

    def cards(self, conversation: str | None = None) -> list[dict[str, Any]]:
        """The Adaptive Cards in what the bot sent, in order (their ``content``)."""
        return [
            attachment["content"]
            for activity in self.sent(conversation)
            for attachment in activity.get("attachments") or []
            if attachment.get("contentType") == CARD_CONTENT_TYPE
        ]

    def updates(self, conversation: str | None = None) -> list[dict[str, Any]]:
        """The activities the bot sent to replace earlier ones (each with the ``id`` it replaced)."""
        return [
            {**call.body, "id": call.activity_id} for call in self.calls("update", conversation) if call.status < 300
        ]

    def deletes(self, conversation: str | None = None) -> list[str]:
        return [call.activity_id or "" for call in self.calls("delete", conversation) if call.status < 300]

    def unauthorized(self) -> list[ConnectorCall]:
        return [call for call in self.calls() if call.status == 401]

    def message(self, conversation: str, activity_id: str) -> dict[str, Any] | None:
        """A message the bot posted as it stands now (after updates); ``None`` once deleted."""
        with self._lock:
            return self._messages[(conversation, activity_id)]

    async def wait_for(
        self, count: int = 1, timeout: float = 5.0, conversation: str | None = None
    ) -> list[dict[str, Any]]:
        """The first ``count`` activities sent (:meth:`sent`), once they have arrived."""
        if not await _poll(lambda: len(self.sent(conversation)) >= count, timeout):
            seen = [(call.operation, call.status, call.conversation_id) for call in self.calls()]
            raise AssertionError(f"expected {count} sent activit(ies) within {timeout} s; requests: {seen}")
        return self.sent(conversation)[:count]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    # --- serving

    def _application(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        # Split the raw path before decoding, so an encoded "/" in an id cannot move a boundary.
        segments = [unquote(part) for part in request.raw_path.split("?", 1)[0].split("/") if part]
        start = segments.index("v3") if "v3" in segments else len(segments)
        route = segments[start + 1 :] if start < len(segments) else []
        operation, conversation, activity_id, member_id = _operation(request.method, route)
        body = await _json_body(request)
        authorization = request.headers.get("Authorization")
        if operation == "create_conversation" and isinstance(body, dict):
            conversation = (body.get("channelData") or {}).get("channel", {}).get("id") or conversation
        with self._lock:
            delay = max((s for c, s in self._delays.items() if _about(conversation, c)), default=0.0)
        if delay:
            await asyncio.sleep(delay)

        status: int
        answer: Any
        headers: dict[str, str] = {}
        if self.identity is not None and not self._authorized(authorization):
            status, answer = 401, _DENIED
        elif (failure := self._take_failure(operation, conversation)) is not None:
            status = failure.status
            answer = _BAD_GATEWAY if status == 502 else {"error": {"code": failure.code, "message": failure.message}}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
        else:
            status, answer, conversation = self._answer(operation, conversation, activity_id, member_id, body)

        call = ConnectorCall(
            request.method,
            "/" + "/".join(segments),
            operation,
            conversation,
            activity_id,
            body,
            authorization,
            status,
            answer,
        )
        with self._lock:
            self._calls.append(call)
        if isinstance(answer, str):
            return web.Response(status=status, text=answer, content_type="text/html", headers=headers)
        if answer is None:
            return web.Response(status=status, headers=headers)
        return web.json_response(answer, status=status, headers=headers)

    def _authorized(self, authorization: str | None) -> bool:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme != "Bearer" or self.identity is None:
            return False
        try:
            self.identity.verify_bot_token(token)
        except jwt.InvalidTokenError:
            return False
        return True

    def _take_failure(self, operation: str, conversation: str | None) -> _Failure | None:
        with self._lock:
            for failure in self._failures:
                if failure.operations is not None and operation not in failure.operations:
                    continue
                if failure.conversation is not None and not _about(conversation, failure.conversation):
                    continue
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _next_id(self) -> str:
        # Teams' message ids are the post's time in milliseconds; these count up from a fixed one.
        with self._lock:
            self._counter += 1
            return str(1_700_000_000_000 + self._counter)

    def _answer(
        self, operation: str, conversation: str | None, activity_id: str | None, member_id: str | None, body: Any
    ) -> tuple[int, Any, str | None]:
        """What the real connector answers a request that is allowed: the status, the body, and the
        conversation it ended up about (a new one for ``create_conversation``)."""
        if operation in ("send", "reply", "update", "create_conversation") and not isinstance(body, dict):
            error = {"code": "BadSyntax", "message": "Request body is not a valid activity."}
            return 400, {"error": error}, conversation
        if operation == "create_conversation":
            return self._create_conversation(body)
        if operation in ("send", "reply"):
            assert conversation is not None
            new_id = self._next_id()
            with self._lock:
                self._messages[(conversation, new_id)] = {**body, "id": new_id}
            return 201, {"id": new_id}, conversation
        if operation == "update":
            assert conversation is not None and activity_id is not None
            with self._lock:
                if self._messages.get((conversation, activity_id), {}) is None:
                    return 404, {"error": {"code": "NotFound", "message": "Activity not found."}}, conversation
                self._messages[(conversation, activity_id)] = {**body, "id": activity_id}
            return 200, {"id": activity_id}, conversation
        if operation == "delete":
            assert conversation is not None and activity_id is not None
            with self._lock:
                self._messages[(conversation, activity_id)] = None
            return 200, None, conversation
        if operation in ("get_members", "get_paged_members", "get_member"):
            assert conversation is not None
            with self._lock:
                members = list(self._members.get(base_conversation(conversation), []))
            if operation == "get_members":
                return 200, [member.json() for member in members], conversation
            if operation == "get_paged_members":
                return 200, {"members": [member.json() for member in members]}, conversation
            found = next((m for m in members if member_id in (m.id, m.aad_object_id, m.user_principal_name)), None)
            if found is None:
                error = {
                    "code": "MemberNotFoundInConversation",
                    "message": "The member was not found in the conversation.",
                }
                return 404, {"error": error}, conversation
            return 200, found.json(), conversation
        return 404, {"error": {"code": "BadArgument", "message": "Unknown operation."}}, conversation

    def _create_conversation(self, parameters: dict[str, Any]) -> tuple[int, Any, str | None]:
        """A new post in a channel (``channelData.channel.id``) or a 1:1 chat with one member;
        answered ``{"id", "activityId"}`` as Teams does, the post's id also in ``;messageid=``."""
        channel = (parameters.get("channelData") or {}).get("channel", {}).get("id")
        activity = parameters.get("activity")
        activity_id = self._next_id() if activity else None
        if channel:
            if not activity:
                error = {"code": "BadArgument", "message": "Activity is required to create a channel conversation."}
                return 400, {"error": error}, channel
            conversation = f"{channel};messageid={activity_id}"
        else:
            members = parameters.get("members") or []
            if len(members) != 1 or parameters.get("isGroup"):
                error = {"code": "BadArgument", "message": "Only one member is allowed in a 1:1 conversation."}
                return 400, {"error": error}, None
            with self._lock:
                member_id = members[0].get("id", "")
                conversation = self._personal.setdefault(member_id, "a:1" + uuid.uuid4().hex * 3)
        answer: dict[str, Any] = {"id": conversation}
        if activity_id:
            answer["activityId"] = activity_id
            with self._lock:
                self._messages[(conversation, activity_id)] = {**activity, "id": activity_id}
        return 201, answer, conversation


def _about(conversation: str | None, wanted: str | None) -> bool:
    if wanted is None:
        return True
    if conversation is None:
        return False
    return conversation == wanted or base_conversation(conversation) == wanted


def _operation(method: str, route: list[str]) -> tuple[str, str | None, str | None, str | None]:
    """The connector operation a v3 route names: (operation, conversation, activity, member)."""
    if route[:1] != ["conversations"]:
        return "unknown", None, None, None
    rest = route[1:]
    if not rest:
        return ("create_conversation" if method == "POST" else "unknown"), None, None, None
    conversation, tail = rest[0], rest[1:]
    shapes: dict[tuple[str, int], str] = {
        ("POST", 1): "send",
        ("POST", 2): "reply",
        ("PUT", 2): "update",
        ("DELETE", 2): "delete",
    }
    if tail[:1] == ["activities"]:
        operation = shapes.get((method, len(tail)), "unknown")
        return operation, conversation, (tail[1] if len(tail) > 1 else None), None
    if method == "GET" and tail == ["members"]:
        return "get_members", conversation, None, None
    if method == "GET" and tail[:1] == ["members"] and len(tail) == 2:
        return "get_member", conversation, None, tail[1]
    if method == "GET" and tail == ["pagedmembers"]:
        return "get_paged_members", conversation, None, None
    return "unknown", conversation, None, None


async def _json_body(request: web.Request) -> Any:
    raw = await request.read()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")
