#!/usr/bin/env python3
"""Generates Keyhole's golden sample cases from synthetic keys (never real ones).

Each case is a Keyhole case file (see crates/engine/src/case.rs) written to
crates/engine/golden/cases/NAME.json. Private keys are kept in tools/golden/keys/ so that
re-running the generator reproduces the same keys, certificates and kids; tokens are
deterministic too (fixed timestamps; RSA PKCS#1 v1.5 signatures are deterministic).

Every key, certificate and token here is SYNTHETIC and labelled so: the certificate subjects
copy the *shape* of Microsoft's (so provenance rules can read them) with O=Keyhole synthetic.

Usage: python3 tools/golden/generate.py   (needs the `cryptography` package: pip install cryptography)
"""

import base64
import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
KEYS = Path(__file__).resolve().parent / "keys"
OUT = ROOT / "crates" / "engine" / "golden" / "cases"

CONSUMER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
VICTIM_A = "a1b2c3d4-0000-4000-8000-00000000000a"  # synthetic organisational tenants
VICTIM_B = "a1b2c3d4-0000-4000-8000-00000000000b"
CONTOSO = "c0c0c0c0-1111-4222-8333-444444444444"
GOV_TENANT = "9a9a9a9a-5555-4666-8777-888888888888"

# Analysis times (Unix seconds, UTC).
NOW_2023 = int(dt.datetime(2023, 6, 20, 12, 0, tzinfo=dt.timezone.utc).timestamp())
NOW_2026 = int(dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.timezone.utc).timestamp())


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_b64u(n: int) -> str:
    return b64u(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def private_key(name: str, bits: int = 2048):
    """Loads tools/golden/keys/NAME.pem, creating it on first use."""
    KEYS.mkdir(parents=True, exist_ok=True)
    path = KEYS / f"{name}.pem"
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return key


def certificate(key, common_name: str, not_before: dt.datetime, not_after: dt.datetime, serial: int):
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Keyhole synthetic"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


def utc(y, m, d, hh=0, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=dt.timezone.utc)


class SigningKey:
    """A synthetic RSA signing key with a Microsoft-shaped JWK (kid = x5t = SHA-1 of the cert)."""

    def __init__(self, name, cn, not_before, not_after, serial, issuer=None, cloud=None):
        self.key = private_key(name)
        self.der = certificate(self.key, cn, not_before, not_after, serial)
        self.kid = b64u(hashlib.sha1(self.der).digest())
        pub = self.key.public_key().public_numbers()
        self.jwk = {"kty": "RSA", "use": "sig", "kid": self.kid, "x5t": self.kid,
                    "n": int_b64u(pub.n), "e": int_b64u(pub.e),
                    "x5c": [base64.b64encode(self.der).decode()]}
        if issuer:
            self.jwk["issuer"] = issuer
        if cloud:
            self.jwk["cloud_instance_name"] = cloud

    def sign(self, claims, extra_header=None, kid=True):
        header = {"typ": "JWT", "alg": "RS256"}
        if kid:
            header["kid"] = self.kid
        header.update(extra_header or {})
        return sign_rs256(self.key, header, claims)


def sign_rs256(key, header, claims):
    signing_input = b64u(json.dumps(header, separators=(",", ":")).encode()) + "." + b64u(
        json.dumps(claims, separators=(",", ":")).encode()
    )
    sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64u(sig)


def claims_v2(host, tenant, iat, **extra):
    c = {
        "aud": "00000002-0000-0ff1-ce00-000000000000",
        "iss": f"https://{host}/{tenant}/v2.0",
        "iat": iat, "nbf": iat, "exp": iat + 3600,
        "tid": tenant, "ver": "2.0",
        "oid": "0f0f0f0f-aaaa-4bbb-8ccc-dddddddddddd",
        "sub": "synthetic-subject", "name": "Synthetic User",
        "preferred_username": "user@example.invalid",
        "scp": "Mail.Read",
    }
    c.update(extra)
    return c


def keys():
    entra = SigningKey("entra-global", "accounts.accesscontrol.windows.net",
                       utc(2024, 1, 1), utc(2029, 1, 1), 0x1001,
                       issuer="https://login.microsoftonline.com/{tenantid}/v2.0",
                       cloud="microsoftonline.com")
    msa = SigningKey("msa-consumer-2016", "Live ID STS Signing Public Key",
                     utc(2016, 4, 5, 14, 43, 35), utc(2021, 4, 4, 14, 43, 35), 0x2016,
                     issuer=f"https://login.microsoftonline.com/{CONSUMER_TENANT}/v2.0",
                     cloud="microsoftonline.com")
    usgov = SigningKey("entra-usgov", "login.microsoftonline.us",
                       utc(2024, 1, 1), utc(2029, 1, 1), 0x3001,
                       issuer="https://login.microsoftonline.us/{tenantid}/v2.0",
                       cloud="microsoftonline.us")
    return entra, msa, usgov


def key_set(source, *signing_keys, issuer=None):
    return {"source": source, "issuer": issuer, "document": {"keys": [k.jwk for k in signing_keys]}}


def write(name, case):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(case, indent=2) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


def main():
    # ECDSA and PSS signatures are randomised: keep an existing algorithms case stable.
    if not (OUT / "algorithms.json").exists():
        write("algorithms", algorithms_case())
    entra, msa, usgov = keys()
    common_v2 = "https://login.microsoftonline.com/common/discovery/v2.0/keys"
    us_common_v2 = "https://login.microsoftonline.us/common/discovery/v2.0/keys"
    iat_2023 = NOW_2023 - 600
    iat_2026 = NOW_2026 - 600

    # 1. A clean token: Entra key, organisational tenant, same cloud, within its lifetime.
    write("clean", {
        "description": "SYNTHETIC. A v2 access token for an organisational tenant, signed by an Entra key of the same cloud: permitted.",
        "now": NOW_2026,
        "key_sets": [key_set(common_v2, entra, msa)],
        "tokens": [entra.sign(claims_v2("login.microsoftonline.com", CONTOSO, iat_2026))],
    })

    # 2. The Storm-0558 pattern: the 2016 consumer (MSA) key, expired in 2021, signing 2023
    #    tokens that claim two different organisational tenants, from the mixed /common/ set.
    write("storm-0558", {
        "description": "SYNTHETIC. The Storm-0558 pattern: a consumer (MSA) signing key whose certificate expired in 2021 signs 2023 tokens for two organisational tenants; the key set is the mixed /common/ v2 set.",
        "now": NOW_2023,
        "key_sets": [key_set(common_v2, entra, msa)],
        "tokens": [
            msa.sign(claims_v2("login.microsoftonline.com", VICTIM_A, iat_2023)),
            msa.sign(claims_v2("login.microsoftonline.com", VICTIM_B, iat_2023 + 60)),
        ],
    })

    # 3. Crossing the Commercial / US Government boundary both ways.
    write("cross-cloud", {
        "description": "SYNTHETIC. A US Government key signing a commercial-cloud token, and a commercial key signing a US Government token: both cross the cloud boundary.",
        "now": NOW_2026,
        "key_sets": [key_set(common_v2, entra), key_set(us_common_v2, usgov)],
        "tokens": [
            usgov.sign(claims_v2("login.microsoftonline.com", CONTOSO, iat_2026)),
            entra.sign(claims_v2("login.microsoftonline.us", GOV_TENANT, iat_2026)),
        ],
    })

    # 4. Header-key attacks: the attacker embeds their own key (jwk) or points at it (jku).
    attacker = private_key("attacker")
    pub = attacker.public_key().public_numbers()
    attacker_jwk = {"kty": "RSA", "kid": "attacker-key", "n": int_b64u(pub.n), "e": int_b64u(pub.e)}
    write("header-key-attack", {
        "description": "SYNTHETIC. Tokens that carry their own verification key in the header (jwk) or point at one (jku): the signature is valid only under the attacker's key, which is not trusted.",
        "now": NOW_2026,
        "key_sets": [key_set(common_v2, entra)],
        "tokens": [
            sign_rs256(attacker, {"alg": "RS256", "typ": "JWT", "kid": "attacker-key", "jwk": attacker_jwk},
                       claims_v2("login.microsoftonline.com", CONTOSO, iat_2026)),
            sign_rs256(attacker, {"alg": "RS256", "typ": "JWT", "kid": "attacker-key",
                                  "jku": "https://attacker.example/keys.json"},
                       claims_v2("login.microsoftonline.com", CONTOSO, iat_2026)),
        ],
    })

    # 5. The verdict contract (issue 12).
    write("verdict-contract", verdict_contract_case(entra))

    # 6. Microsoft identity families (issue 13).
    write("microsoft-families", microsoft_families_case())


def sign_hs256(secret: bytes, header, claims):
    import hmac as hm
    signing_input = b64u(json.dumps(header, separators=(",", ":")).encode()) + "." + b64u(
        json.dumps(claims, separators=(",", ":")).encode())
    return signing_input + "." + b64u(hm.new(secret, signing_input.encode(), hashlib.sha256).digest())


def rsa_jwk(key, kid):
    pub = key.public_key().public_numbers()
    return {"kty": "RSA", "use": "sig", "kid": kid, "n": int_b64u(pub.n), "e": int_b64u(pub.e)}


def verdict_contract_case(entra):
    """Issue 12: tokens whose verdicts tell forged (invalid) from wrongly acceptable (violation)."""
    iat = NOW_2026 - 600
    org = "https://login.microsoftonline.com/organizations/discovery/v2.0/keys"
    us_org = "https://login.microsoftonline.us/organizations/discovery/v2.0/keys"
    claims = claims_v2("login.microsoftonline.com", CONTOSO, iat)
    weak = private_key("weak-rsa-1024", bits=1024)
    bare = private_key("dual-published")
    attacker = private_key("attacker")
    published_secret = b"keyhole-synthetic-secret-published-in-a-jwks!!"
    short_secret = b"short-secret-16b"

    tokens = []
    # 0. Tampered: a genuine token whose payload was changed afterwards.
    genuine = entra.sign(claims)
    h, _, sig = genuine.split(".")
    tampered = dict(claims, scp="Mail.ReadWrite Directory.ReadWrite.All")
    tokens.append(h + "." + b64u(json.dumps(tampered, separators=(",", ":")).encode()) + "." + sig)
    # 1. Names the Storm-0558 key, which is not supplied: an indicator, not a violation.
    tokens.append(sign_rs256(attacker, {"alg": "RS256", "typ": "JWT", "kid": "1LTMzakihiRla_8z2BEJVXeWMqo",
                                        "x5t": "1LTMzakihiRla_8z2BEJVXeWMqo"}, claims))
    # 2. Genuine under a 1024-bit RSA key: signed with a key too weak to trust.
    tokens.append(sign_rs256(weak, {"alg": "RS256", "typ": "JWT", "kid": "weak-1024"}, claims))
    # 3. Genuine under an analyst-supplied HMAC secret of 16 bytes (no kid: trial).
    tokens.append(sign_hs256(short_secret, {"alg": "HS256", "typ": "JWT"},
                             {"iss": "https://idp.example.com", "sub": "synthetic", "iat": iat}))
    # 4-7. crit: an unknown extension, an empty list, a standard parameter, b64 without b64.
    for crit_header in ({"crit": ["exp"], "exp": iat + 60},
                        {"crit": []},
                        {"crit": ["alg"]},
                        {"crit": ["b64"]}):
        tokens.append(entra.sign(claims, extra_header=crit_header))
    # 8. A non-numeric exp.
    tokens.append(entra.sign(dict(claims, exp="never")))
    # 9. Detached payload: the payload segment removed from a genuine token.
    tokens.append(h + ".." + sig)
    # 10. Signed over the hashed nonce, transmitted with the raw nonce (Graph access tokens).
    nonce = "synthetic-nonce-Qm9vdHN0cmFw"
    hashed = b64u(hashlib.sha256(nonce.encode()).digest())
    signed = entra.sign(claims, extra_header={"nonce": hashed})
    sh, sp, ss = signed.split(".")
    header = json.loads(base64.urlsafe_b64decode(sh + "=" * (-len(sh) % 4)))
    header["nonce"] = nonce
    raw_h = b64u(json.dumps(header, separators=(",", ":")).encode())
    tokens.append(raw_h + "." + sp + "." + ss)
    # 11. The same, tampered.
    tokens.append(raw_h + "." + b64u(json.dumps(tampered, separators=(",", ":")).encode()) + "." + ss)
    # 12. Signed with a symmetric key found in a published JWKS.
    tokens.append(sign_hs256(published_secret, {"alg": "HS256", "typ": "JWT", "kid": "published-oct"},
                             {"iss": "https://idp.example.com", "sub": "synthetic", "iat": iat}))
    # 13. Two different trusted keys share the kid the token names.
    tokens.append(sign_rs256(bare, {"alg": "RS256", "typ": "JWT", "kid": "shared-kid"},
                             {"iss": "https://idp.example.com", "sub": "synthetic", "iat": iat}))
    # 14. A US Government token signed by a key published, with no certificate, issuer or
    #     cloud_instance_name, by both the global and the US Government organizations sets.
    tokens.append(sign_rs256(bare, {"alg": "RS256", "typ": "JWT", "kid": "dual"},
                             claims_v2("login.microsoftonline.us", GOV_TENANT, iat)))
    # 15. A genuine token with no problem at all (the control).
    tokens.append(genuine)
    return {
        "description": "SYNTHETIC. The verdict contract (issue 12): tampered and detached tokens are invalid or unverified, not violations; genuine tokens under weak or published keys, with crit Keyhole does not understand or a non-numeric exp are violations; a token naming the Storm-0558 key that did not sign it is invalid (no supplied set holds that kid, so it is checked against the published key in Keyhole's catalogue, issue 14); the hashed-nonce form verifies; one key published by two clouds' sets is judged the same in any order.",
        "now": NOW_2026,
        "key_sets": [
            key_set(org, entra),
            {"source": "https://idp.example.com/jwks", "issuer": "https://idp.example.com", "document": {"keys": [
                rsa_jwk(weak, "weak-1024"),
                {"kty": "oct", "kid": "published-oct", "k": b64u(published_secret)},
                rsa_jwk(bare, "shared-kid"),
                rsa_jwk(attacker, "shared-kid"),
            ]}},
            {"source": org, "issuer": None, "document": {"keys": [rsa_jwk(bare, "dual")]}},
            {"source": us_org, "issuer": None, "document": {"keys": [rsa_jwk(bare, "dual")]}},
        ],
        "hmac_secrets": [{"value": short_secret.decode(), "encoding": "utf8", "issuer": "https://idp.example.com"}],
        "tokens": tokens,
    }



# Issue 13's families: the synthetic tenants and applications of crates/engine/tests/
# families_support (GUID-shaped, not real), plus B2C tenants of their own so that no B2C
# tenant is also one of the workforce tenants in the same case.
FAM_TENANT_A = "aaaaaaaa-0000-4000-8000-00000000000a"
FAM_TENANT_B = "bbbbbbbb-0000-4000-8000-00000000000b"
FAM_CIAM_TENANT = "cccccccc-0000-4000-8000-00000000000c"
B2C_FABRIKAM = "b2cfab00-0000-4000-8000-0000000000f1"
B2C_CONTOSO = "b2cc0000-0000-4000-8000-0000000000c2"
B2C_OLDER = "b2c01d00-0000-4000-8000-0000000000d3"
FAM_APP = "11111111-2222-4333-8444-555555555555"
FAM_OTHER_APP = "66666666-7777-4888-8999-000000000000"
GRAPH_EXPLORER_APP = "de8bc8b5-d9f9-48b1-a8ad-b748da725064"
SHAREPOINT_APP = "00000003-0000-0ff1-ce00-000000000000"
ACS_PRINCIPAL = "00000001-0000-0000-c000-000000000000"
ENTRA_TEMPLATE = "https://login.microsoftonline.com/{tenantid}/v2.0"


class FamilyKey:
    """A synthetic RSA key published as Microsoft publishes the key it imitates: a JWK with no
    certificate, whose scope and cloud come only from its members (`issuer`,
    `cloud_instance_name`, ...) and the URL of the key set it is found in — the evidence the
    native tests of crates/engine/tests/microsoft_families.rs give the same key material."""

    def __init__(self, pem_name, kid, **members):
        self.key = private_key(pem_name)
        self.kid = kid
        self.jwk = dict(rsa_jwk(self.key, kid), **members)

    def sign(self, claims, header=None):
        h = {"typ": "JWT", "alg": "RS256", "kid": self.kid}
        h.update(header or {})
        return sign_rs256(self.key, h, claims)


def microsoft_families_case():
    """Issue 13: one token per Microsoft identity family, each with the variant that must pass
    and (where the issue defines one) the variant that must not, mirroring the native tests of
    crates/engine/tests/microsoft_families.rs (same key material, kids, key set URLs and key
    members), so the page can be held to the CLI on them (e2e/verifiers.mjs)."""
    iat = NOW_2026 - 600

    def claims(**extra):
        c = {"iat": iat, "nbf": iat, "exp": iat + 3600}
        c.update(extra)
        return c

    # The key material of tests/families_support (the PEM names are only where the bytes live).
    glob = FamilyKey("entra-global", "synthetic-global-entra-key",
                     issuer=ENTRA_TEMPLATE, cloud_instance_name="microsoftonline.com")
    shared = FamilyKey("generic-rsa", "synthetic-b2c-user-flow-key", nbf=1_493_763_266)
    custom = FamilyKey("attacker", "synthetic-b2c-custom-policy-key")
    app = FamilyKey("msa-consumer-2016", "synthetic-application-key",
                    issuer=f"https://login.microsoftonline.com/{FAM_TENANT_A}/v2.0",
                    cloud_instance_name="microsoftonline.com")
    ppe = FamilyKey("entra-usgov", "synthetic-ppe-key", cloud_instance_name="windows-ppe.net")
    # Two more keys of this case's own: one whose issuer names tenant B, one consumer key.
    tenant_b = FamilyKey("families-tenant-b", "synthetic-tenant-b-key",
                         issuer=f"https://login.microsoftonline.com/{FAM_TENANT_B}/v2.0",
                         cloud_instance_name="microsoftonline.com")
    consumer = FamilyKey("families-consumer", "synthetic-consumer-key",
                         issuer=f"https://login.microsoftonline.com/{CONSUMER_TENANT}/v2.0",
                         cloud_instance_name="microsoftonline.com")

    common_v2 = "https://login.microsoftonline.com/common/discovery/v2.0/keys"
    user_flow = ("https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com/"
                 "B2C_1_SignUpSignIn/discovery/v2.0/keys")
    custom_policy = ("https://fabrikamb2c.b2clogin.com/fabrikamb2c.onmicrosoft.com/"
                     "B2C_1A_signup_signin/discovery/v2.0/keys")
    app_keys = f"https://login.microsoftonline.com/{FAM_TENANT_A}/discovery/v2.0/keys?appid={FAM_APP}"
    ppe_keys = "https://login.windows-ppe.net/common/discovery/keys"

    tokens = []
    # 0. Microsoft Graph v1 access token (as Graph Explorer gets it): the header carries the
    #    raw nonce, the signature covers the header with base64url(SHA-256(nonce)) instead.
    graph = claims(aud="https://graph.microsoft.com", iss=f"https://sts.windows.net/{FAM_TENANT_A}/",
                   idp=f"https://sts.windows.net/{FAM_TENANT_A}/", tid=FAM_TENANT_A, ver="1.0",
                   appid=GRAPH_EXPLORER_APP, appidacr="0", scp="openid profile User.Read",
                   oid="0f0f0f0f-aaaa-4bbb-8ccc-dddddddddddd", name="Synthetic User",
                   upn="user@example.invalid")
    nonce = b64u(hashlib.sha256(b"keyhole synthetic Graph nonce").digest())
    hashed = b64u(hashlib.sha256(nonce.encode()).digest())
    signed = glob.sign(graph, {"nonce": hashed, "x5t": glob.kid})
    sh, sp, ss = signed.split(".")
    header = json.loads(base64.urlsafe_b64decode(sh + "=" * (-len(sh) % 4)))
    header["nonce"] = nonce
    raw_h = b64u(json.dumps(header, separators=(",", ":")).encode())
    tokens.append(raw_h + "." + sp + "." + ss)
    # 1. The same token with its scopes raised afterwards: neither header form verifies.
    raised = dict(graph, scp="openid profile User.Read Directory.ReadWrite.All")
    tokens.append(raw_h + "." + b64u(json.dumps(raised, separators=(",", ":")).encode()) + "." + ss)
    # 2. SharePoint app-only token: ACS issuer form {service principal}@{tenant id}.
    def sharepoint(tenant):
        return claims(aud=f"{SHAREPOINT_APP}/contoso.sharepoint.com@{tenant}",
                      iss=f"{ACS_PRINCIPAL}@{tenant}", nameid=f"{FAM_APP}@{tenant}",
                      identityprovider=f"{ACS_PRINCIPAL}@{tenant}")
    tokens.append(glob.sign(sharepoint(FAM_TENANT_A), {"x5t": glob.kid}))
    # 3. The same form for tenant A, signed by a key whose own issuer names tenant B.
    tokens.append(tenant_b.sign(sharepoint(FAM_TENANT_A)))

    # Azure AD B2C: ver 1.0 under a /v2.0/ issuer, as B2C issues them.
    def b2c(host, tenant, policy_claim, policy):
        return claims(iss=f"https://{host}.b2clogin.com/{tenant}/v2.0/", aud=FAM_APP,
                      sub="synthetic-user", ver="1.0", auth_time=iat, **{policy_claim: policy})
    # 4. Built-in user flow of fabrikamb2c under its user-flow key set.
    tokens.append(shared.sign(b2c("fabrikamb2c", B2C_FABRIKAM, "tfp", "B2C_1_SignUpSignIn")))
    # 5. Another B2C tenant's user flow under the same Microsoft-managed shared key.
    tokens.append(shared.sign(b2c("contosob2c", B2C_CONTOSO, "acr", "b2c_1_susi")))
    # 6. The older B2C issuer on login.microsoftonline.com, B2C by its policy claim only.
    older = b2c("unused", B2C_OLDER, "acr", "b2c_1_sign_in")
    older["iss"] = f"https://login.microsoftonline.com/{B2C_OLDER}/v2.0/"
    tokens.append(shared.sign(older))
    # 7. Custom policy of fabrikamb2c under its own custom-policy key.
    tokens.append(custom.sign(b2c("fabrikamb2c", B2C_FABRIKAM, "tfp", "B2C_1A_signup_signin")))
    # 8. Another B2C tenant's custom-policy token under fabrikamb2c's custom-policy key.
    tokens.append(custom.sign(b2c("contosob2c", B2C_CONTOSO, "tfp", "B2C_1A_signup_signin")))
    # 9. The workforce contrast: ver 1.0 under a /v2.0 issuer without a B2C policy claim.
    workforce_v1 = dict(graph, iss=f"https://login.microsoftonline.com/{FAM_TENANT_A}/v2.0")
    tokens.append(glob.sign(workforce_v1))

    # Entra External ID (ciamlogin.com).
    ciam = claims(iss=f"https://{FAM_CIAM_TENANT}.ciamlogin.com/{FAM_CIAM_TENANT}/v2.0",
                  tid=FAM_CIAM_TENANT, aud=FAM_APP, ver="2.0", sub="synthetic-user")
    # 10. Under the global Entra keys, which really sign them.
    tokens.append(glob.sign(ciam))
    # 11. Under a consumer (MSA) key: an organisational tenant signed by a consumer key.
    tokens.append(consumer.sign(ciam))

    # Application-specific signing keys (…/keys?appid=APP); azp is the calling client.
    def for_app(aud):
        return claims(iss=f"https://login.microsoftonline.com/{FAM_TENANT_A}/v2.0", tid=FAM_TENANT_A,
                      aud=aud, azp=FAM_OTHER_APP, ver="2.0", sub="synthetic-user")
    # 12. A token for the key's own application.
    tokens.append(app.sign(for_app(FAM_APP)))
    # 13. A token for another application signed by the application's key.
    tokens.append(app.sign(for_app(FAM_OTHER_APP)))

    # Pre-production (windows-ppe.net).
    def v2(host, tenant):
        return claims(iss=f"https://{host}/{tenant}/v2.0", tid=tenant, aud=FAM_APP, ver="2.0",
                      sub="synthetic-user")
    # 14. A PPE key signing a production token.
    tokens.append(ppe.sign(v2("login.microsoftonline.com", FAM_TENANT_A)))
    # 15. A PPE key signing a PPE token.
    tokens.append(ppe.sign(v2("login.windows-ppe.net", FAM_TENANT_A)))

    return {
        "description": (
            "SYNTHETIC. Microsoft identity families (issue 13), each with a token that must pass "
            "and one that must not. "
            "0: a Microsoft Graph v1 access token with a nonce header, signed over the hashed "
            "nonce as Microsoft signs them: permitted, with hashed-nonce-signature. "
            "1: the same token with raised scopes: invalid. "
            "2: a SharePoint app-only token whose issuer has the ACS form "
            "00000001-0000-0000-c000-000000000000@{tenant id}: permitted under the global key's "
            "{tenantid} issuer (no key-issuer-mismatch). "
            "3: the same form signed by a key whose issuer names another tenant: violation "
            "(key-tenant-mismatch). "
            "4-6: Azure AD B2C built-in user flows (B2C_1_...) of three B2C tenants, one with the "
            "older login.microsoftonline.com issuer, under one per-policy user-flow key set: "
            "Microsoft-managed keys are shared by B2C tenants, so all permitted, and ver 1.0 "
            "under a /v2.0/ issuer is how B2C issues them (no token-version-issuer-mismatch). "
            "7: a B2C custom policy (B2C_1A_...) token under its tenant's own custom-policy key: "
            "permitted. 8: another B2C tenant's token under that key: violation "
            "(key-tenant-mismatch). "
            "9: a workforce token saying ver 1.0 under a /v2.0 issuer: "
            "token-version-issuer-mismatch (the contrast to B2C). "
            "10: an Entra External ID (ciamlogin.com) token under the global Entra keys that sign "
            "them: permitted. 11: the same token under a consumer (MSA) key: violation. "
            "12: a token for the application whose key set (.../discovery/v2.0/keys?appid=APP) "
            "holds the signing key: permitted. 13: a token for another application signed by "
            "that key: violation (key-application-mismatch). That key set also serves the global "
            "Entra key, as real ones do; it stays a key of any organisational tenant. "
            "14: a pre-production (windows-ppe.net) key signing a production token: violation "
            "(cross-cloud-key). 15: the same key signing a pre-production token: permitted. "
            "In the key matrix the B2C user-flow key signs for three tenants without a finding, "
            "the custom-policy key is flagged key-used-across-tenants and the pre-production key "
            "key-used-across-clouds."
        ),
        "now": NOW_2026,
        "key_sets": [
            key_set_of(common_v2, glob, tenant_b, consumer),
            key_set_of(user_flow, shared),
            key_set_of(custom_policy, custom),
            key_set_of(app_keys, app, glob),
            key_set_of(ppe_keys, ppe),
        ],
        "tokens": tokens,
    }


def key_set_of(source, *family_keys):
    return {"source": source, "issuer": None, "document": {"keys": [k.jwk for k in family_keys]}}

def load_or_create(name, create):
    KEYS.mkdir(parents=True, exist_ok=True)
    path = KEYS / f"{name}.pem"
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    key = create()
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return key


def algorithms_case():
    """One token per algorithm Keyhole verifies, for a generic OpenID Connect issuer."""
    issuer = "https://idp.example.com"
    hashes_by_bits = {256: hashes.SHA256(), 384: hashes.SHA384(), 512: hashes.SHA512()}
    rsa_key = private_key("generic-rsa")
    pub = rsa_key.public_key().public_numbers()
    jwks = [{"kty": "RSA", "kid": "rsa", "use": "sig", "n": int_b64u(pub.n), "e": int_b64u(pub.e)}]
    curves = {256: ("P-256", ec.SECP256R1()), 384: ("P-384", ec.SECP384R1()), 512: ("P-521", ec.SECP521R1())}
    ec_keys = {}
    for bits, (crv, curve) in curves.items():
        k = load_or_create(f"generic-ec-{crv.lower()}", lambda curve=curve: ec.generate_private_key(curve))
        ec_keys[bits] = k
        nums = k.public_key().public_numbers()
        size = (k.curve.key_size + 7) // 8
        jwks.append({"kty": "EC", "kid": f"ec-{crv.lower()}", "use": "sig", "crv": crv,
                     "x": b64u(nums.x.to_bytes(size, "big")), "y": b64u(nums.y.to_bytes(size, "big"))})
    ed = load_or_create("generic-ed25519", ed25519.Ed25519PrivateKey.generate)
    ed_pub = ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    jwks.append({"kty": "OKP", "kid": "ed25519", "use": "sig", "crv": "Ed25519", "x": b64u(ed_pub)})
    secret = "keyhole-synthetic-hmac-secret-0123456789-abcdefghij-klmnopqrstuv"

    def token(alg, kid, sign):
        header = {"alg": alg, "typ": "JWT", "kid": kid}
        claims = {"iss": issuer, "sub": f"synthetic-{alg.lower()}", "aud": "keyhole-samples",
                  "iat": NOW_2026 - 600, "nbf": NOW_2026 - 600, "exp": NOW_2026 + 3000}
        si = b64u(json.dumps(header, separators=(",", ":")).encode()) + "." + b64u(
            json.dumps(claims, separators=(",", ":")).encode())
        return si + "." + b64u(sign(si.encode()))

    tokens = []
    for bits, h in hashes_by_bits.items():
        tokens.append(token(f"RS{bits}", "rsa", lambda m, h=h: rsa_key.sign(m, padding.PKCS1v15(), h)))
        tokens.append(token(f"PS{bits}", "rsa", lambda m, h=h: rsa_key.sign(
            m, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)))
        k = ec_keys[bits]
        size = (k.curve.key_size + 7) // 8

        def ecdsa(m, k=k, h=h, size=size):
            r, s_ = decode_dss_signature(k.sign(m, ec.ECDSA(h)))
            return r.to_bytes(size, "big") + s_.to_bytes(size, "big")
        alg = {256: "ES256", 384: "ES384", 512: "ES512"}[bits]
        tokens.append(token(alg, f"ec-{curves[bits][0].lower()}", ecdsa))
        import hmac as hm
        tokens.append(token(f"HS{bits}", "hmac", lambda m, bits=bits: hm.new(
            secret.encode(), m, {256: hashlib.sha256, 384: hashlib.sha384, 512: hashlib.sha512}[bits]).digest()))
    tokens.append(token("EdDSA", "ed25519", ed.sign))
    return {
        "description": "SYNTHETIC. One token per signature algorithm (RS, PS, ES, HS at 256/384/512, EdDSA) from a generic OpenID Connect issuer: all permitted. ECDSA signatures are randomised, so this file changes when regenerated.",
        "now": NOW_2026,
        "key_sets": [{"source": "https://idp.example.com/jwks", "issuer": issuer, "document": {"keys": jwks}}],
        "hmac_secrets": [{"value": secret, "encoding": "utf8", "issuer": issuer}],
        "tokens": tokens,
    }


if __name__ == "__main__":
    main()
