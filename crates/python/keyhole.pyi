"""Keyhole: inspect JWTs and judge whether their signing keys were allowed to sign for the
tenant and cloud they claim. Everything runs locally; nothing is fetched."""

from typing import TYPE_CHECKING, Any, Iterable, Iterator, List, Mapping, Optional, TypedDict, Union

if TYPE_CHECKING:
    import pandas
    import pyarrow

__version__: str

class KeySet(TypedDict, total=False):
    """A trusted key document and where it came from (a case file's `key_sets` entry)."""

    source: Optional[str]
    """The URL the document was fetched from (decides the keys' provenance)."""
    issuer: Optional[str]
    """The issuer these keys sign for."""
    document: Any
    """A JWKS, a JWK, an OpenID configuration (JSON), or a PEM string."""

class TokenRecord(TypedDict):
    """One token's verdict, flat (a DataFrame row)."""

    index: int
    """The token's position in the input."""
    verdict: str
    """malformed, violation, invalid, unverified or permitted."""
    codes: List[str]
    """The codes of every finding (`keyhole rules` lists them)."""
    kid: Optional[str]
    tenant: Optional[str]
    """The claimed Microsoft tenant (lower case); None for other issuers."""
    cloud: Optional[str]
    """The claimed Microsoft cloud: public, us_government, china, …"""
    iss: Optional[str]
    aud: Union[str, List[str], None]
    iat: Union[int, float, None]
    fingerprint: str
    """SHA-256 of the token (hex): identifies it without holding it."""
    location: str
    """Where it came from: `tokens[i]` for check_many's input."""

def check(case: Mapping[str, Any], /) -> dict[str, Any]:
    """Analyses a case file (`key_sets`, `tokens`, `text`, `now`, …) and returns the report:
    the JSON `keyhole check` prints for the same case file. Text of any size is searched (in
    pieces at line ends); a single line over 32 MB is not, and the report's `notes` then hold a
    `text-not-searched` note (the CLI exits 2 on it).

    Raises ValueError with the engine's message when the case is not a valid case file."""

def check_many(
    tokens: Iterable[str],
    key_sets: Iterable[Union[KeySet, Mapping[str, Any]]],
    now: Union[int, str, None] = None,
    *,
    hmac_secrets: Optional[Iterable[Mapping[str, Any]]] = None,
) -> Iterator[TokenRecord]:
    """Judges each token against the trusted key sets (and the case file's `hmac_secrets`, if
    given) at `now` (Unix seconds or a UTC time like "2023-06-20T12:00:00Z"; default: the
    current time). Records come in input order, judged
    4096 at a time on every core with the interpreter released.

    Raises ValueError when a key set or secret is not a valid case-file key set, a token is not a
    string, or `now` cannot be read."""

def check_arrow(
    tokens: Iterable[str],
    key_sets: Iterable[Union[KeySet, Mapping[str, Any]]],
    now: Union[int, str, None] = None,
    *,
    hmac_secrets: Optional[Iterable[Mapping[str, Any]]] = None,
) -> "pyarrow.Table":
    """check_many's records as a pyarrow Table, one row per token in input order. Columns:
    index (int64); verdict, kid, tenant, cloud, iss, aud (string: an `aud` array, or any other
    non-string claim, as its JSON text); codes (list<string>); iat (int64, whole seconds);
    fingerprint, location (string).

    Raises ImportError when pyarrow is not installed, ValueError as check_many."""

def check_frame(
    tokens: Iterable[str],
    key_sets: Iterable[Union[KeySet, Mapping[str, Any]]],
    now: Union[int, str, None] = None,
    *,
    hmac_secrets: Optional[Iterable[Mapping[str, Any]]] = None,
) -> "pandas.DataFrame":
    """check_many's records as a pandas DataFrame with check_arrow's columns (iat as the
    nullable Int64 dtype, codes as lists of strings).

    Raises ImportError when pandas is not installed, ValueError as check_many."""
