//! The serialisable facts the judgement produces and the report carries — a key's provenance
//! and scope, the boundary a token claims, clouds, compromised-key matches — defined at the
//! bottom of the module graph (they import nothing from the engine), so that `report` depends
//! on no code that produces them. Each is re-exported from the `judge` module that computes it
//! (`judge::provenance::KeyProvenance`, `judge::clouds::Cloud`, …), where its methods live.

use serde::{Deserialize, Serialize};

/// A Microsoft identity cloud. Keys and tokens of different clouds never vouch for each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cloud {
    /// The global (commercial) cloud, including GCC.
    Public,
    /// Azure Government (GCC High, DoD).
    UsGovernment,
    /// Azure China, operated by 21Vianet.
    China,
    /// The retired Microsoft Cloud Deutschland.
    Germany,
    /// Microsoft's pre-production environment (PPE, `windows-ppe.net`): a test environment with
    /// its own signing keys (`CN=accounts.accesscontrol.windows-ppe.net`, `cloud_instance_name`
    /// `windows-ppe.net`), never a production cloud, so its keys vouch for no production token
    /// and production keys for no PPE token.
    Preproduction,
}

/// Which of Microsoft's issuer shapes an issuer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuerForm {
    /// `https://{host}/{tenant}/` (v1.0 tokens, typically `sts.windows.net`).
    V1,
    /// `https://{host}/{tenant}/v2.0`.
    V2,
    /// `{service principal id}@{tenant id}`: the Azure Access Control (ACS) form of v1
    /// first-party service tokens such as SharePoint app-only tokens, with no URL at all.
    Acs,
}

/// Which Microsoft identity service an issuer belongs to. All of them are tenants of a Microsoft
/// cloud; the family decides only which token conventions apply (B2C's `ver`, policy names).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuerFamily {
    /// Microsoft Entra ID (workforce tenants, consumer accounts, ACS service tokens).
    #[default]
    Entra,
    /// Azure AD B2C (`{tenant}.b2clogin.com`, or `login.microsoftonline.com` with a `tfp` path
    /// or a B2C policy claim).
    B2c,
    /// Microsoft Entra External ID for customers (`{tenant}.ciamlogin.com`).
    ExternalId,
}

impl IssuerFamily {
    /// Entra is the default family, left out of the report (serde's `skip_serializing_if`).
    pub(crate) fn is_entra(&self) -> bool {
        *self == IssuerFamily::Entra
    }
}

/// A Microsoft issuer taken apart: host, cloud (via the alias groups), tenant, form and family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MicrosoftIssuer {
    /// The issuer host, lower case; empty for the ACS form, which has none.
    pub host: String,
    pub cloud: Cloud,
    /// The tenant as written: a GUID, `{tenantid}` in key templates, or (B2C `tfp` issuers
    /// only) a tenant name such as `contoso.onmicrosoft.com`.
    pub tenant: String,
    pub form: IssuerForm,
    #[serde(default, skip_serializing_if = "IssuerFamily::is_entra")]
    pub family: IssuerFamily,
    /// The B2C policy (user flow) named by a `tfp` issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The tenant label of a per-tenant host (`contoso` of `contoso.b2clogin.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_tenant: Option<String>,
    /// The service principal of an ACS issuer (`00000001-0000-0000-c000-000000000000` for
    /// SharePoint's ACS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
}

/// Where the claimed tenant was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantSource {
    Tid,
    Iss,
}

/// What a token claims about who issued it and for which tenant and cloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimedBoundary {
    /// The `iss` claim as written.
    pub iss: Option<String>,
    /// The `tid` claim as written.
    pub tid: Option<String>,
    /// `iss` taken apart, when it is a Microsoft v1/v2 issuer on a known cloud host.
    pub microsoft: Option<MicrosoftIssuer>,
    pub cloud: Option<Cloud>,
    /// The claimed tenant (lower case), Microsoft issuers only.
    pub tenant: Option<String>,
    pub tenant_from: Option<TenantSource>,
    /// True for the consumer tenant, false for an organisational one; None when not Microsoft.
    pub consumer: Option<bool>,
    /// The `ver` claim ("1.0" / "2.0").
    pub ver: Option<String>,
    /// The identity service: from the issuer, or B2C when a `tfp`/`acr` claim names a B2C
    /// policy (older B2C tokens use the plain `login.microsoftonline.com/{tid}/v2.0/` issuer).
    #[serde(default, skip_serializing_if = "IssuerFamily::is_entra")]
    pub family: IssuerFamily,
    /// The B2C policy (user flow `B2C_1_…` or custom policy `B2C_1A_…`) from the `tfp` issuer,
    /// else the `tfp` or `acr` claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The tenant's name where the token gives one (B2C: `contoso` of `contoso.b2clogin.com`,
    /// or a `tfp` path's `contoso.onmicrosoft.com`), lower case without `.onmicrosoft.com`:
    /// B2C key URLs often name the tenant this way rather than by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_name: Option<String>,
    /// One line for people: "organisational tenant … in the public cloud" or "issuer …".
    pub description: String,
}

/// Which tenants a key may sign for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeyScope {
    /// Any organisational (Entra) tenant of the key's cloud — the `{tenantid}` template.
    AnyOrganization,
    /// Microsoft consumer accounts (tenant 9188040d-6c67-4c5b-b112-36a304b66dad).
    Consumer,
    /// One organisational tenant only: its id, or (Azure AD B2C key URLs that name the tenant
    /// by name) its name label such as `contoso`.
    Tenant { tenant: String },
    /// One application of one tenant: keys an application signs its own tokens with (claims
    /// mapping with a custom signing key), published at `…/discovery/v2.0/keys?appid={app}`.
    /// `tenant` is None when the URL names no tenant (`/common/…?appid=`).
    Application {
        tenant: Option<String>,
        application: String,
    },
    /// Exactly one (non-Microsoft) issuer, compared as a string (OpenID Connect Discovery §4.3).
    Issuer { issuer: String },
    /// No evidence: the boundary cannot be judged.
    Unknown,
}

/// What kind of fact decided a part of the provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    CloudInstanceName,
    CertificateSubject,
    KeySetSource,
    KeyIssuer,
    DeclaredIssuer,
    /// Keyhole's catalogue of published keys: the key (or the issuer of its key set's source)
    /// is known from an endpoint's publication, not from anything the analyst supplied.
    Catalogue,
    /// Nothing decided this part.
    None,
}

/// One decided part of a provenance and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// The value that decided it, quoted (e.g. `microsoftonline.us`).
    pub value: Option<String>,
    /// True when the evidence alone is weak (key set membership).
    pub weak: bool,
    pub explanation: String,
}

/// The certificate validity window of a key, Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateWindow {
    pub subject: String,
    pub not_before: i64,
    pub not_after: i64,
    pub sha1_hex: String,
}

/// Where a key comes from and what it may sign for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyProvenance {
    /// The key's id within the case (`"{set}/{index}"`).
    pub key_id: String,
    pub kid: Option<String>,
    /// The key set's source URL, if declared.
    pub source: Option<String>,
    pub cloud: Option<Cloud>,
    pub cloud_evidence: Evidence,
    pub scope: KeyScope,
    pub scope_evidence: Evidence,
    pub certificate: Option<CertificateWindow>,
    pub compromised: Option<CompromisedMatch>,
    /// Remarks such as "the v2 /common/ set decides nothing per key".
    pub notes: Vec<String>,
    /// When the key was not supplied but taken from Keyhole's catalogue of published keys:
    /// the endpoint that published it and when (kind [`EvidenceKind::Catalogue`]), so that a
    /// verdict resting on the catalogue always says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<Evidence>,
    /// The key's name once worked out ([`KeyProvenance::name`]).
    #[serde(skip)]
    pub(crate) name: NameCache,
}

/// A key's name, worked out once: a token's judgement names its key several times and a case
/// names the same few keys for every token (building it each time was 5 % of the page's time on
/// 10,000 tokens). Derived from the provenance, so it is not part of the report and does not
/// take part in comparisons. The fields it derives from must not change once it is filled: the
/// analysis fills it when a provenance is final, before cloning it for each token.
#[derive(Debug, Clone, Default)]
pub struct NameCache(std::sync::OnceLock<String>);

impl PartialEq for NameCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for NameCache {}

/// Which identifier matched an entry of the list, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompromisedMatch {
    pub name: String,
    /// e.g. `header kid`, `key x5t`, `certificate SHA-1`.
    pub matched_on: String,
    pub value: String,
    pub abused_from: i64,
    pub sources: Vec<String>,
}

/// One value a finding compared, typed so that every reader (the page, the CLI's text, the
/// exports) can show it in words, while the JSON stays easy for scripts: plain values (text,
/// numbers, booleans, lists, null) serialise as themselves, and the values people cannot read
/// raw carry their words beside the machine form — a time `{"epoch", "utc"}`, a key
/// `{"key_id", "name"}`, a scope `{"scope", "words"}`, a cloud `{"cloud", "words"}` — or are
/// typed records of the engine's own facts: a catalogue publication window, a catalogue key, one
/// key set's account of a key. Only values copied from the token's header or claims (an object
/// `aud`, a `crit` list member, a time claim that is not a number) stay JSON.
/// The variants are told apart by shape (serde's untagged form), so the order below matters
/// for reading a report back: lists come before the object forms, which deny unknown fields
/// and come before `Json` (only objects from the token are kept as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EvidenceValue {
    /// Absent (JSON null), e.g. a header without `kid`.
    None,
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
    /// Before the object forms: serde would read a two-element list as a struct.
    List(Vec<EvidenceValue>),
    Time(TimeValue),
    Key(KeyRef),
    Scope(ScopeValue),
    Cloud(CloudValue),
    /// Where and when Keyhole's catalogue saw an endpoint publish a key.
    Publication(PublicationWindow),
    /// A key of Keyhole's catalogue of published keys.
    CatalogueKey(CatalogueKeyValue),
    /// What one key set says about the key that verified a token.
    KeySetAccount(KeySetAccount),
    /// An object as the token's header or claims wrote it: shown as `name: value` pairs.
    Json(serde_json::Value),
}

/// On which side of a publication window a time lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowSide {
    BeforeFirstSeen,
    AfterLastSeen,
}

/// One endpoint's publication of a key as an archive of its snapshots saw it, and on which side
/// of it a token's time lies. The window is bounded only by snapshots known not to hold the
/// key: `absent_before`/`absent_after` are None where the archive shows no such snapshot (the
/// key was published since, or until, some date it cannot show: the window is open there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicationWindow {
    /// The key set URL that published the key.
    pub endpoint: String,
    /// The archive of snapshots the window comes from (an id of the catalogue's sources).
    pub archive: String,
    pub side: WindowSide,
    /// The first and last snapshots that held the key.
    pub first_seen: Option<TimeValue>,
    pub last_seen: Option<TimeValue>,
    /// The last snapshot before `first_seen`, and the first after `last_seen`, that did not.
    pub absent_before: Option<TimeValue>,
    pub absent_after: Option<TimeValue>,
    /// The days between the sighting and the snapshot without the key on `side`: how far the
    /// key's real publication may reach beyond what was seen.
    pub snapshot_gap_days: Option<f64>,
}

/// A key of Keyhole's catalogue: its material's JWK thumbprint and type, where it was published
/// and when it was first and last seen there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueKeyValue {
    pub thumbprint: Option<String>,
    pub kty: Option<String>,
    pub endpoints: Vec<String>,
    pub first_seen: Option<TimeValue>,
    pub last_seen: Option<TimeValue>,
}

/// What one key set says about a key: the key by its name, the set's source, the cloud and scope
/// it gives the key with the evidence for each, and how many of those two rest on strong
/// evidence (0–2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySetAccount {
    pub key: KeyRef,
    pub source: Option<String>,
    pub cloud: Option<CloudValue>,
    pub cloud_evidence: String,
    pub scope: ScopeValue,
    pub scope_evidence: String,
    pub evidence_strength: u8,
}

/// A point in time: Unix seconds as the token wrote them, and the same instant in UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeValue {
    pub epoch: i64,
    /// RFC 3339, e.g. `2023-05-15T00:00:00Z`.
    pub utc: String,
}

/// A trusted key: its id within the case and the name people know it by ([`key_name`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRef {
    pub key_id: String,
    pub name: String,
}

/// Which tenants a key may sign for, with the words for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeValue {
    pub scope: KeyScope,
    pub words: String,
}

/// A cloud, with the words for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudValue {
    pub cloud: Cloud,
    pub words: String,
}

impl EvidenceValue {
    /// The value for people: times in UTC, keys by name, scopes and clouds in words, lists
    /// joined by commas; JSON copied from the input as compact JSON.
    pub fn words(&self) -> String {
        match self {
            EvidenceValue::None => "none".to_owned(),
            EvidenceValue::Bool(true) => "yes".to_owned(),
            EvidenceValue::Bool(false) => "no".to_owned(),
            EvidenceValue::Number(n) => n.to_string(),
            EvidenceValue::Text(s) => s.clone(),
            EvidenceValue::Time(t) => utc_words(&t.utc),
            EvidenceValue::Key(k) => k.name.clone(),
            EvidenceValue::Scope(s) => s.words.clone(),
            EvidenceValue::Cloud(c) => c.words.clone(),
            EvidenceValue::List(items) if items.is_empty() => "none".to_owned(),
            EvidenceValue::List(items) => items
                .iter()
                .map(EvidenceValue::words)
                .collect::<Vec<_>>()
                .join(", "),
            EvidenceValue::Publication(p) => p.words(),
            EvidenceValue::CatalogueKey(k) => k.words(),
            EvidenceValue::KeySetAccount(a) => a.words(),
            EvidenceValue::Json(v) => json_words(v),
        }
    }

    /// The JSON form (what the report serialises), for callers that compare with JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

fn time_words(t: Option<&TimeValue>) -> String {
    t.map_or_else(|| "an unknown time".to_owned(), |t| utc_words(&t.utc))
}

impl PublicationWindow {
    /// `https://…/keys (archive a): seen from … to …; a snapshot of … did not hold it yet;
    /// the time lies before it was first seen, 20 days from the snapshot without it`.
    pub fn words(&self) -> String {
        let mut parts = vec![format!(
            "{} ({}): seen from {} to {}",
            self.endpoint,
            self.archive,
            time_words(self.first_seen.as_ref()),
            time_words(self.last_seen.as_ref())
        )];
        match &self.absent_before {
            Some(t) => parts.push(format!(
                "a snapshot of {} did not hold it yet",
                utc_words(&t.utc)
            )),
            None => parts.push("no earlier snapshot without it (open before)".to_owned()),
        }
        match &self.absent_after {
            Some(t) => parts.push(format!(
                "a snapshot of {} no longer held it",
                utc_words(&t.utc)
            )),
            None => parts.push("no later snapshot without it (open after)".to_owned()),
        }
        let side = match self.side {
            WindowSide::BeforeFirstSeen => "the time lies before it was first seen",
            WindowSide::AfterLastSeen => "the time lies after it was last seen",
        };
        parts.push(match self.snapshot_gap_days {
            Some(d) => format!("{side}, {d} days from the snapshot without it"),
            None => side.to_owned(),
        });
        parts.join("; ")
    }
}

impl CatalogueKeyValue {
    /// `JWK thumbprint … (RSA), published at …, seen from … to …`.
    pub fn words(&self) -> String {
        format!(
            "JWK thumbprint {} ({}), published at {}, seen from {} to {}",
            self.thumbprint.as_deref().unwrap_or("unknown"),
            self.kty.as_deref().unwrap_or("key type unknown"),
            if self.endpoints.is_empty() {
                "no known endpoint".to_owned()
            } else {
                self.endpoints.join(", ")
            },
            time_words(self.first_seen.as_ref()),
            time_words(self.last_seen.as_ref())
        )
    }
}

impl KeySetAccount {
    /// `key set 2 (…/keys), kid …: public cloud (…); any organisational tenant (…); strong
    /// evidence for 1 of 2`.
    pub fn words(&self) -> String {
        format!(
            "{}: {} ({}); {} ({}); strong evidence for {} of 2",
            self.key.name,
            self.cloud
                .as_ref()
                .map_or("cloud unknown", |c| c.words.as_str()),
            self.cloud_evidence,
            self.scope.words,
            self.scope_evidence,
            self.evidence_strength
        )
    }
}

/// JSON from the input for people: strings bare, lists joined, objects as `name: value` pairs.
fn json_words(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "none".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let sep = if items.iter().any(Value::is_object) {
                " | "
            } else {
                ", "
            };
            items.iter().map(json_words).collect::<Vec<_>>().join(sep)
        }
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", json_words(v)))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// `2023-05-15T00:00:00Z` as `2023-05-15 00:00:00 UTC`.
pub(crate) fn utc_words(rfc3339: &str) -> String {
    match rfc3339.strip_suffix('Z') {
        Some(t) => format!("{} UTC", t.replacen('T', " ", 1)),
        None => rfc3339.to_owned(),
    }
}

impl From<&str> for EvidenceValue {
    fn from(s: &str) -> Self {
        EvidenceValue::Text(s.to_owned())
    }
}
impl From<String> for EvidenceValue {
    fn from(s: String) -> Self {
        EvidenceValue::Text(s)
    }
}
impl From<&String> for EvidenceValue {
    fn from(s: &String) -> Self {
        EvidenceValue::Text(s.clone())
    }
}
impl From<bool> for EvidenceValue {
    fn from(b: bool) -> Self {
        EvidenceValue::Bool(b)
    }
}
impl From<i64> for EvidenceValue {
    fn from(n: i64) -> Self {
        EvidenceValue::Number(n.into())
    }
}
impl From<usize> for EvidenceValue {
    fn from(n: usize) -> Self {
        EvidenceValue::Number(n.into())
    }
}
impl<T: Into<EvidenceValue>> From<Option<T>> for EvidenceValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(EvidenceValue::None, Into::into)
    }
}
impl<T: Into<EvidenceValue>> From<Vec<T>> for EvidenceValue {
    fn from(v: Vec<T>) -> Self {
        EvidenceValue::List(v.into_iter().map(Into::into).collect())
    }
}
impl From<&[&str]> for EvidenceValue {
    fn from(v: &[&str]) -> Self {
        EvidenceValue::List(v.iter().map(|s| EvidenceValue::from(*s)).collect())
    }
}

/// Longest kid shown whole in a key's name; longer ones (hostile or odd documents) are cut.
const KID_SHOWN: usize = 48;
/// Longest source shown in a key's name.
const SOURCE_SHOWN: usize = 80;

/// The one name of a trusted key, used by the page, findings' messages, evidence, key-set
/// problems, exports and the CLI's text: the key set as the form numbers it (from 1), the set's
/// source without its scheme and host, and the kid — `key set 2
/// (…/consumers/discovery/v2.0/keys), kid 1LTMzakihiRla_8z2BEJVXeWMqo`. A key without a kid is
/// named by its position in the set (`key 3`, from 1). A key from Keyhole's catalogue of
/// published keys is in no set of the form, so it is named `catalogue key`.
///
/// `key_id` is the report's `"{set}/{index}"` (both from 0).
pub fn key_name(key_id: &str, source: Option<&str>, kid: Option<&str>, catalogue: bool) -> String {
    let (set, index) = key_id.split_once('/').unwrap_or((key_id, ""));
    let from_one = |n: &str| {
        n.parse::<usize>()
            .map_or_else(|_| n.to_owned(), |n| (n + 1).to_string())
    };
    let mut name = if catalogue {
        "catalogue key".to_owned()
    } else {
        format!("key set {}", from_one(set))
    };
    if let Some(s) = source.map(short_source).filter(|s| !s.is_empty()) {
        name.push_str(&format!(" ({s})"));
    }
    match kid {
        Some(kid) => {
            name.push_str(", kid ");
            name.push_str(&clip(kid, KID_SHOWN));
        }
        None if !index.is_empty() => {
            name.push_str(&format!(", key {}", from_one(index)));
        }
        None => {}
    }
    name
}

/// The name of a key set as the form numbers it: `key set 2 (…/common/discovery/v2.0/keys)`.
pub fn key_set_name(index: usize, source: Option<&str>) -> String {
    match source.map(short_source).filter(|s| !s.is_empty()) {
        Some(s) => format!("key set {} ({s})", index + 1),
        None => format!("key set {}", index + 1),
    }
}

/// A source URL without scheme and host (`…/common/discovery/v2.0/keys`); the host alone
/// when there is no path; anything else as written, cut to a readable length.
fn short_source(source: &str) -> String {
    let s = source.trim();
    let shown = match s.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(slash) if rest.len() > slash + 1 => format!("…{}", &rest[slash..]),
            Some(slash) => rest[..slash].to_owned(),
            None => rest.to_owned(),
        },
        None => s.to_owned(),
    };
    clip(&shown, SOURCE_SHOWN)
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

impl KeyProvenance {
    /// This key's name ([`key_name`]).
    pub fn name(&self) -> String {
        self.name_ref().to_owned()
    }

    /// This key's name, worked out on first use and kept.
    pub fn name_ref(&self) -> &str {
        self.name.0.get_or_init(|| {
            key_name(
                &self.key_id,
                self.source.as_deref(),
                self.kid.as_deref(),
                self.catalogue.is_some(),
            )
        })
    }
}
