//! One token's flat record: what a DataFrame row, a SQL UDF or a line of `keyhole check
//! --stream` wants, not the whole report. Shared with the Python package (compiled there from
//! this file, as `analysis.rs` is), so that `keyhole.check_many` and `check --stream` give the
//! same record for the same token.

use keyhole_engine::found::FoundAt;
use keyhole_engine::report::TokenReport;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub index: usize,
    pub verdict: Value,
    pub codes: Vec<String>,
    pub kid: Value,
    pub tenant: Option<String>,
    pub cloud: Value,
    pub iss: Value,
    pub aud: Value,
    pub iat: Value,
    pub fingerprint: String,
    pub location: String,
}

impl Record {
    pub fn of(r: TokenReport) -> Record {
        let boundary = r.boundary.as_ref();
        Record {
            index: r.index,
            verdict: serde_json::to_value(r.verdict).unwrap_or(Value::Null),
            codes: r.findings.iter().map(|f| f.code.clone()).collect(),
            kid: r.header.get("kid").cloned().unwrap_or(Value::Null),
            tenant: boundary.and_then(|b| b.tenant.clone()),
            cloud: boundary
                .and_then(|b| b.cloud)
                .and_then(|c| serde_json::to_value(c).ok())
                .unwrap_or(Value::Null),
            iss: r.claims.get("iss").cloned().unwrap_or(Value::Null),
            aud: r.claims.get("aud").cloned().unwrap_or(Value::Null),
            iat: r.claims.get("iat").cloned().unwrap_or(Value::Null),
            fingerprint: r.fingerprint,
            location: match &r.found_at {
                Some(FoundAt::Tokens { index, .. }) => format!("tokens[{index}]"),
                Some(at) => at.to_string(),
                None => String::new(),
            },
        }
    }
}
