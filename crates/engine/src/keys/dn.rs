//! Distinguished names as RFC 4514 strings (`CN=…,O=…`), written as x509-cert's `Display` writes
//! them but without its lookup in const-oid's database of about 1,000 OID names, which would
//! put ≈35 KB of names in the web app's module. The table below holds the attribute types of
//! certificates an analyst meets; any other type is written as its dotted OID with the hex DER
//! value (RFC 4514 §2.4), as x509-cert does for a type its database lacks. A test compares
//! both writers on every entry.

use std::fmt::Write;

use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::der::asn1::{Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
use x509_cert::der::{Encode, Tag, Tagged};
use x509_cert::name::Name;

/// Attribute types (dotted OID) and their RFC 4514 short names, upper-cased.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.4", "SN"),
    ("2.5.4.5", "SERIALNUMBER"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.9", "STREET"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.12", "TITLE"),
    ("2.5.4.42", "GIVENNAME"),
    ("2.5.4.43", "INITIALS"),
    ("2.5.4.44", "GENERATIONQUALIFIER"),
    ("2.5.4.46", "DNQUALIFIER"),
    ("2.5.4.65", "PSEUDONYM"),
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("1.2.840.113549.1.9.1", "EMAIL"),
];

/// `name` in RFC 4514 order (last RDN first), RDNs joined by `,`, multi-valued RDNs by `+`.
pub fn to_rfc4514(name: &Name) -> String {
    let mut out = String::new();
    for (i, rdn) in name.0.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.0.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            write_atv(&mut out, atv);
        }
    }
    out
}

fn write_atv(out: &mut String, atv: &AttributeTypeAndValue) {
    let text = match atv.value.tag() {
        Tag::PrintableString => PrintableStringRef::try_from(&atv.value)
            .ok()
            .map(|s| s.as_str()),
        Tag::Utf8String => Utf8StringRef::try_from(&atv.value).ok().map(|s| s.as_str()),
        Tag::Ia5String => Ia5StringRef::try_from(&atv.value).ok().map(|s| s.as_str()),
        Tag::TeletexString => TeletexStringRef::try_from(&atv.value)
            .ok()
            .map(|s| s.as_str()),
        _ => None,
    };
    let oid = atv.oid.to_string();
    let short = SHORT_NAMES.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n);
    match (short, text) {
        (Some(short), Some(text)) => {
            out.push_str(short);
            out.push('=');
            let mut chars = text.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                match c {
                    '#' if i == 0 => out.push_str("\\#"),
                    ' ' if i == 0 || chars.peek().is_none() => out.push_str("\\ "),
                    '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                        out.push('\\');
                        out.push(c);
                    }
                    '\x00'..='\x1f' | '\x7f' => {
                        let _ = write!(out, "\\{:02x}", c as u8);
                    }
                    _ => out.push(c),
                }
            }
        }
        _ => {
            out.push_str(&oid);
            out.push_str("=#");
            for b in atv.value.to_der().unwrap_or_default() {
                let _ = write!(out, "{b:02x}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use x509_cert::der::asn1::{Any, SetOfVec};
    use x509_cert::der::oid::ObjectIdentifier;
    use x509_cert::name::{RdnSequence, RelativeDistinguishedName};

    fn atv(oid: &str, value: Any) -> AttributeTypeAndValue {
        AttributeTypeAndValue {
            oid: ObjectIdentifier::new_unwrap(oid),
            value,
        }
    }

    fn utf8(s: &str) -> Any {
        Any::from(Utf8StringRef::new(s).unwrap())
    }

    fn name(rdns: Vec<Vec<AttributeTypeAndValue>>) -> Name {
        RdnSequence(
            rdns.into_iter()
                .map(|atvs| RelativeDistinguishedName(SetOfVec::try_from(atvs).unwrap()))
                .collect(),
        )
    }

    #[test]
    fn every_short_name_is_written_as_x509_cert_writes_it() {
        for (oid, _) in SHORT_NAMES {
            let n = name(vec![vec![atv(oid, utf8(" #a,b+c\"d\\e;<f>\u{1} "))]]);
            assert_eq!(to_rfc4514(&n), n.to_string(), "{oid}");
        }
    }

    #[test]
    fn order_multi_valued_rdns_other_types_and_string_kinds_match_x509_cert() {
        let printable = Any::from(PrintableStringRef::new("US").unwrap());
        let ia5 = Any::from(Ia5StringRef::new("a@b.example").unwrap());
        let n = name(vec![
            vec![atv("2.5.4.6", printable)],
            vec![
                atv("2.5.4.10", utf8("Microsoft Corporation")),
                atv("2.5.4.11", utf8("Identity")),
            ],
            vec![atv("1.2.840.113549.1.9.1", ia5)],
            // An attribute type no database names (a private enterprise OID) and a non-string
            // value.
            vec![atv("1.3.6.1.4.1.311.99999.1", utf8("private"))],
            vec![atv("2.5.4.3", Any::from(x509_cert::der::asn1::Null))],
            vec![atv("2.5.4.3", utf8("accounts.accesscontrol.windows.net"))],
        ]);
        assert_eq!(to_rfc4514(&n), n.to_string());
    }
}
