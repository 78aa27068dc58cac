//! Key material checks shared by every input format: RSA exponents, EC points on their curve,
//! coordinate lengths, key sizes, and reading a DER `SubjectPublicKeyInfo` (the public key inside
//! a certificate or a `PUBLIC KEY` PEM block). A key that fails here is reported, never used.

use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::der::Decode;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use super::curves;
use super::{KeyMaterial, KeySize};

const OID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
const OID_X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
const OID_X448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.111");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");

/// Largest RSA modulus accepted when reading a key (bits). Larger keys are not in use anywhere an
/// analyst meets them and would only cost time.
const MAX_RSA_BITS: usize = 16384;

/// Removes leading zero bytes (keeps one byte for the value zero), so that equal integers compare
/// equal whatever their encoding.
pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> Vec<u8> {
    let first = bytes
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    bytes.get(first..).unwrap_or_default().to_vec()
}

/// Builds RSA material, refusing exponents and moduli that make signatures meaningless.
pub(crate) fn rsa_material(n: &[u8], e: &[u8]) -> Result<KeyMaterial, String> {
    let n = strip_leading_zeros(n);
    let e = strip_leading_zeros(e);
    if n.iter().all(|b| *b == 0) {
        return Err("the RSA modulus \"n\" is empty or zero".into());
    }
    if e.iter().all(|b| *b == 0) {
        return Err("the RSA exponent \"e\" is empty or zero".into());
    }
    if e == [1] {
        return Err(
            "the RSA public exponent is 1: anyone can forge a signature for such a key".into(),
        );
    }
    check_rsa_public_key(&n, &e)?;
    Ok(KeyMaterial::Rsa { n, e })
}

/// The checks the `rsa` crate makes of a public key (`RsaPublicKey::new_with_max_size`), on
/// the big-endian bytes (no leading zeros) so no big-integer or crypto code is needed: a modulus
/// of at most [`MAX_RSA_BITS`], odd and larger than the exponent; an odd exponent from 3 to
/// 2³³ − 1.
fn check_rsa_public_key(n: &[u8], e: &[u8]) -> Result<(), String> {
    let unusable = |why: &str| format!("the RSA public key is not usable: {why}");
    if usize::try_from(rsa_bits(n)).unwrap_or(usize::MAX) > MAX_RSA_BITS {
        return Err(unusable(&format!(
            "the modulus is larger than {MAX_RSA_BITS} bits"
        )));
    }
    let exponent = match e.len() {
        0..=8 => e.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)),
        _ => return Err(unusable("the public exponent is too large")),
    };
    // Same length: big-endian byte order is numeric order.
    let e_ge_n = e.len() > n.len() || (e.len() == n.len() && e >= n);
    if e_ge_n || n.last().is_some_and(|b| b & 1 == 0) {
        return Err(unusable(
            "invalid modulus (even, or not larger than the exponent)",
        ));
    }
    if exponent & 1 == 0 {
        return Err(unusable("the public exponent is even"));
    }
    if exponent > (1 << 33) - 1 {
        return Err(unusable("the public exponent is too large"));
    }
    Ok(())
}

/// The byte length of one coordinate on a curve Keyhole knows, or None.
fn coordinate_len(crv: &str) -> Option<usize> {
    match crv {
        "P-256" | "secp256k1" => Some(32),
        "P-384" => Some(48),
        "P-521" => Some(66),
        _ => None,
    }
}

/// Builds EC material after checking the coordinate lengths (RFC 7518 §6.2.1.2) and that the
/// point lies on the curve (an off-curve point is the invalid-curve attack's entry point).
pub(crate) fn ec_material(crv: &str, x: &[u8], y: &[u8]) -> Result<KeyMaterial, String> {
    let len = coordinate_len(crv).ok_or_else(|| {
        format!("unknown curve \"{crv}\" (expected P-256, P-384, P-521 or secp256k1)")
    })?;
    if x.len() != len || y.len() != len {
        return Err(format!(
            "the coordinates of a {crv} point must be {len} bytes each, found x {} and y {}",
            x.len(),
            y.len()
        ));
    }
    // No secp256k1 arithmetic is linked: the key is kept, and ES256K is reported unsupported.
    let on_curve = curves::on_curve(crv, x, y).unwrap_or(true);
    if !on_curve {
        return Err(format!("the point (x, y) is not on the {crv} curve"));
    }
    Ok(KeyMaterial::Ec {
        crv: crv.to_owned(),
        x: x.to_vec(),
        y: y.to_vec(),
    })
}

/// Builds OKP material after checking the key length for its curve (RFC 8037 §2).
pub(crate) fn okp_material(crv: &str, x: &[u8]) -> Result<KeyMaterial, String> {
    let expected = match crv {
        "Ed25519" | "X25519" => 32,
        "Ed448" => 57,
        "X448" => 56,
        _ => {
            return Err(format!(
                "unknown OKP curve \"{crv}\" (expected Ed25519, Ed448, X25519 or X448)"
            ))
        }
    };
    if x.len() != expected {
        return Err(format!(
            "an {crv} public key is {expected} bytes, this \"x\" is {}",
            x.len()
        ));
    }
    Ok(KeyMaterial::Okp {
        crv: crv.to_owned(),
        x: x.to_vec(),
    })
}

/// RSA modulus length in bits.
pub(crate) fn rsa_bits(n: &[u8]) -> u32 {
    let n = strip_leading_zeros(n);
    let Some(first) = n.first() else { return 0 };
    let bytes = u32::try_from(n.len()).unwrap_or(u32::MAX);
    bytes
        .saturating_mul(8)
        .saturating_sub(first.leading_zeros())
}

/// The small primes of the ROCA fingerprint (Nemec et al., CCS 2017; crocs-muni/roca detect.py).
const ROCA_PRIMES: [u32; 38] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

/// For each of [`ROCA_PRIMES`], the subgroup generated by 65537 modulo that prime, as a bit set
/// of residues (every prime is below 192): computed at compile time, so the test looks a residue
/// up instead of walking the subgroup.
const ROCA_SUBGROUPS: [[u64; 3]; ROCA_PRIMES.len()] = roca_subgroups();

const fn roca_subgroups() -> [[u64; 3]; ROCA_PRIMES.len()] {
    let mut sets = [[0u64; 3]; ROCA_PRIMES.len()];
    let mut i = 0;
    while i < ROCA_PRIMES.len() {
        let p = ROCA_PRIMES[i];
        let generator = 65537 % p;
        let mut element = 1u32;
        // The cyclic subgroup <65537 mod p> closes within p - 1 steps.
        let mut steps = 0;
        while steps < p {
            sets[i][(element / 64) as usize] |= 1 << (element % 64);
            element = element * generator % p;
            if element == 1 {
                break;
            }
            steps += 1;
        }
        i += 1;
    }
    sets
}

/// True when an RSA modulus has the ROCA fingerprint (CVE-2017-15361): for every small prime p
/// of the test, `n mod p` lies in the subgroup generated by 65537. Moduli made by the flawed
/// Infineon library always do; others do with negligible probability. Such keys can be
/// factored, so anyone may hold the private key.
///
/// Runs once per key read (a 10,000-key document runs it 10,000 times), so it divides as little
/// as it can: consecutive test primes are grouped while their product m stays below 2³², n mod m
/// is computed four bytes at a time in 64 bits, and n mod p follows for each prime of the group.
/// A key without the fingerprint almost always fails within the first group.
pub(crate) fn has_roca_fingerprint(n: &[u8]) -> bool {
    let mut first = 0;
    while first < ROCA_PRIMES.len() {
        let (mut m, mut end) = (1u64, first);
        while let Some(p) = ROCA_PRIMES.get(end).map(|p| u64::from(*p)) {
            if m * p > u64::from(u32::MAX) {
                break;
            }
            m *= p;
            end += 1;
        }
        // Big-endian: the leading partial chunk first. acc < m < 2³², so acc << 32 fits.
        let residue = n.rchunks(4).rev().fold(0u64, |acc, chunk| {
            let word = chunk.iter().fold(0u64, |w, b| (w << 8) | u64::from(*b));
            ((acc << (8 * chunk.len())) | word) % m
        });
        let in_subgroups = ROCA_PRIMES
            .iter()
            .zip(ROCA_SUBGROUPS.iter())
            .take(end)
            .skip(first)
            .all(|(p, set)| {
                let r = residue % u64::from(*p);
                set.get(usize::try_from(r / 64).unwrap_or(usize::MAX))
                    .is_some_and(|word| word & (1 << (r % 64)) != 0)
            });
        if !in_subgroups {
            return false;
        }
        first = end;
    }
    true
}

/// 65537^k in big-endian bytes: a modulus with the ROCA fingerprint by construction, since
/// every power of 65537 lies in the subgroup it generates.
#[cfg(test)]
pub(crate) fn power_of_65537(k: usize) -> Vec<u8> {
    let mut big = vec![1u8];
    for _ in 0..k {
        let mut carry = 0u64;
        for b in big.iter_mut().rev() {
            let v = u64::from(*b) * 65537 + carry;
            *b = (v & 0xff) as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            big.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    big
}

/// The size of a key, for display and weak-key rules.
pub(crate) fn key_size(material: &KeyMaterial) -> KeySize {
    match material {
        KeyMaterial::Rsa { n, .. } => KeySize::RsaBits { bits: rsa_bits(n) },
        KeyMaterial::Ec { crv, .. } | KeyMaterial::Okp { crv, .. } => {
            KeySize::Curve { name: crv.clone() }
        }
        KeyMaterial::Oct { secret } => KeySize::SecretBits {
            bits: u32::try_from(secret.len())
                .unwrap_or(u32::MAX)
                .saturating_mul(8),
        },
    }
}

/// The JWK `kty` for a material.
pub(crate) fn kty_of(material: &KeyMaterial) -> &'static str {
    match material {
        KeyMaterial::Rsa { .. } => "RSA",
        KeyMaterial::Ec { .. } => "EC",
        KeyMaterial::Okp { .. } => "OKP",
        KeyMaterial::Oct { .. } => "oct",
    }
}

/// Reads the public key of a DER `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7).
pub(crate) fn material_from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<KeyMaterial, String> {
    let oid = spki.algorithm.oid;
    let bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or("the public key bit string has unused bits")?;
    if oid == OID_RSA_ENCRYPTION || oid == OID_RSASSA_PSS {
        return material_from_pkcs1_der(bits)
            .map_err(|e| format!("the RSA public key does not decode: {e}"));
    }
    if oid == OID_EC_PUBLIC_KEY {
        let curve: ObjectIdentifier = spki
            .algorithm
            .parameters
            .as_ref()
            .ok_or("the EC key names no curve")?
            .decode_as()
            .map_err(|e| format!("the EC key's curve parameter is not a named curve: {e}"))?;
        let crv = if curve == OID_P256 {
            "P-256"
        } else if curve == OID_P384 {
            "P-384"
        } else if curve == OID_P521 {
            "P-521"
        } else if curve == OID_SECP256K1 {
            "secp256k1"
        } else {
            return Err(format!("unsupported EC curve {curve}"));
        };
        let (x, y) = uncompressed_point(crv, bits)?;
        return ec_material(crv, &x, &y);
    }
    let okp = if oid == OID_ED25519 {
        "Ed25519"
    } else if oid == OID_ED448 {
        "Ed448"
    } else if oid == OID_X25519 {
        "X25519"
    } else if oid == OID_X448 {
        "X448"
    } else {
        return Err(format!("unsupported public key algorithm {oid}"));
    };
    okp_material(okp, bits)
}

/// Splits a SEC1 point (SEC 1 v2 §2.3.3: uncompressed `04 x y` or compressed `02/03 x`) into
/// (x, y), decompressing it first when needed. Whether (x, y) is on the curve is checked later,
/// by [`ec_material`].
fn uncompressed_point(crv: &str, sec1: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let len = coordinate_len(crv).unwrap_or(32);
    match sec1.split_first() {
        Some((0x04, rest)) if rest.len() == 2 * len => {
            let (x, y) = rest.split_at(len);
            Ok((x.to_vec(), y.to_vec()))
        }
        Some((tag @ (0x02 | 0x03), x)) if x.len() == len => {
            let y = curves::decompress(crv, x, *tag == 0x03, len)
                .map_err(|e| format!("the {crv} point does not decode: {e}"))?;
            Ok((x.to_vec(), y))
        }
        _ => Err(format!(
            "the {crv} point is not a SEC1 point of {} bytes (uncompressed) or {} bytes (compressed)",
            1 + 2 * len,
            1 + len
        )),
    }
}

/// Reads a DER `SubjectPublicKeyInfo`.
pub(crate) fn material_from_spki_der(der: &[u8]) -> Result<KeyMaterial, String> {
    let spki = SubjectPublicKeyInfoOwned::from_der(der)
        .map_err(|e| format!("not a DER SubjectPublicKeyInfo: {e}"))?;
    material_from_spki(&spki)
}

/// Reads a DER PKCS#1 `RSAPublicKey` (RFC 8017 §A.1.1).
pub(crate) fn material_from_pkcs1_der(der: &[u8]) -> Result<KeyMaterial, String> {
    let key = pkcs1::RsaPublicKey::from_der(der)
        .map_err(|e| format!("not a DER PKCS#1 RSA public key: {e}"))?;
    rsa_material(key.modulus.as_bytes(), key.public_exponent.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn strips_leading_zeros_but_keeps_zero() {
        assert_eq!(strip_leading_zeros(&[0, 0, 1, 0]), vec![1, 0]);
        assert_eq!(strip_leading_zeros(&[0, 0]), vec![0]);
        assert_eq!(strip_leading_zeros(&[]), Vec::<u8>::new());
    }

    #[test]
    fn rsa_bits_counts_the_top_byte() {
        assert_eq!(rsa_bits(&[0, 0x80, 0]), 16);
        assert_eq!(rsa_bits(&[0x01, 0]), 9);
        assert_eq!(rsa_bits(&[]), 0);
    }

    #[test]
    fn roca_fingerprint_fires_on_subgroup_members_only() {
        // 65537 and its powers are in <65537> modulo every prime: the fingerprint fires.
        assert!(has_roca_fingerprint(&[1, 0, 1]));
        assert!(has_roca_fingerprint(&65537u64.pow(3).to_be_bytes()));
        // 2 is not in <65537 mod 11> = {1, 10}: it does not.
        assert!(!has_roca_fingerprint(&[2]));
        // A residue of zero (n divisible by a test prime) is never in the subgroup.
        assert!(!has_roca_fingerprint(&[0x01, 0x00, 0x02, 0x01]));
    }

    /// The fingerprint test as first written: one pass over n per prime, walking the subgroup.
    fn roca_by_walking(n: &[u8]) -> bool {
        ROCA_PRIMES.iter().all(|&p| {
            let residue = n
                .iter()
                .fold(0u32, |acc, b| (acc * 256 + u32::from(*b)) % p);
            let generator = 65537 % p;
            let mut element = 1u32;
            for _ in 0..p {
                if element == residue {
                    return true;
                }
                element = element * generator % p;
                if element == 1 {
                    break;
                }
            }
            false
        })
    }

    #[test]
    fn roca_fingerprint_agrees_with_walking_the_subgroups() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut inputs: Vec<Vec<u8>> = (0..600)
            .map(|i| (0..i % 300).map(|_| next() as u8).collect())
            .collect();
        // Powers of 65537 (fingerprint) and their neighbours (almost never), of every length.
        for k in 1..=140 {
            let power = power_of_65537(k);
            let mut neighbour = power.clone();
            if let Some(last) = neighbour.last_mut() {
                *last ^= 2;
            }
            inputs.extend([power, neighbour]);
        }
        inputs.extend([vec![], vec![0], vec![0, 0, 1, 0, 1], vec![0xff; 512]]);
        let mut fingerprinted = 0;
        for n in &inputs {
            assert_eq!(has_roca_fingerprint(n), roca_by_walking(n), "{n:?}");
            fingerprinted += usize::from(roca_by_walking(n));
        }
        assert!(fingerprinted >= 140, "{fingerprinted}");
    }

    #[test]
    fn exponent_one_is_refused() {
        let n = [0xC5u8; 256];
        assert!(rsa_material(&n, &[1]).is_err_and(|m| m.contains("exponent is 1")));
        assert!(rsa_material(&n, &[1, 0, 1]).is_ok());
    }

    #[test]
    fn off_curve_point_is_refused() {
        let x = [1u8; 32];
        let y = [2u8; 32];
        assert!(ec_material("P-256", &x, &y).is_err_and(|m| m.contains("not on the P-256")));
    }

    #[test]
    fn wrong_coordinate_length_is_refused() {
        assert!(ec_material("P-384", &[1u8; 32], &[2u8; 32]).is_err_and(|m| m.contains("48")));
    }

    #[test]
    fn okp_lengths_are_checked() {
        assert!(okp_material("Ed25519", &[0u8; 31]).is_err());
        assert!(okp_material("Ed25519", &[0u8; 32]).is_ok());
        assert!(okp_material("Ed999", &[0u8; 32]).is_err());
    }

    /// The lean curve arithmetic (keys/curves.rs) against the RustCrypto curve crates: the same
    /// points accepted, the same points refused, compressed points decompressed alike.
    #[cfg(feature = "rust-crypto")]
    #[test]
    fn ec_checks_agree_with_the_rustcrypto_curves() {
        fn agree(
            crv: &str,
            uncompressed: &[u8],
            compressed: &[u8],
            crate_accepts: &dyn Fn(&[u8]) -> bool,
        ) {
            let len = coordinate_len(crv).unwrap_or(0);
            let (x, y) = uncompressed.get(1..).unwrap_or_default().split_at(len);
            assert!(ec_material(crv, x, y).is_ok(), "{crv}: a valid point");
            assert_eq!(
                uncompressed_point(crv, compressed),
                Ok((x.to_vec(), y.to_vec())),
                "{crv}"
            );
            for flip in [0usize, 7, len - 1] {
                let mut bad = y.to_vec();
                if let Some(b) = bad.get_mut(flip) {
                    *b ^= 0x10;
                }
                let mut sec1 = vec![4u8];
                sec1.extend_from_slice(x);
                sec1.extend_from_slice(&bad);
                assert_eq!(
                    ec_material(crv, x, &bad).is_ok(),
                    crate_accepts(&sec1),
                    "{crv} flip {flip}"
                );
            }
        }
        for seed in 1u8..=12 {
            let k = p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap();
            let v = k.verifying_key();
            agree(
                "P-256",
                v.to_encoded_point(false).as_bytes(),
                v.to_encoded_point(true).as_bytes(),
                &|b| p256::ecdsa::VerifyingKey::from_sec1_bytes(b).is_ok(),
            );
            let k = p384::ecdsa::SigningKey::from_slice(&[seed; 48]).unwrap();
            let v = k.verifying_key();
            agree(
                "P-384",
                v.to_encoded_point(false).as_bytes(),
                v.to_encoded_point(true).as_bytes(),
                &|b| p384::ecdsa::VerifyingKey::from_sec1_bytes(b).is_ok(),
            );
            let mut scalar = [seed; 66];
            scalar[0] = 0;
            let k = p521::ecdsa::SigningKey::from_slice(&scalar).unwrap();
            let v = p521::ecdsa::VerifyingKey::from(&k);
            agree(
                "P-521",
                v.to_encoded_point(false).as_bytes(),
                v.to_encoded_point(true).as_bytes(),
                &|b| p521::ecdsa::VerifyingKey::from_sec1_bytes(b).is_ok(),
            );
        }
    }

    /// The RSA checks made without the `rsa` crate refuse exactly what it refuses.
    #[cfg(feature = "rust-crypto")]
    #[test]
    fn rsa_checks_agree_with_the_rsa_crate() {
        let n_odd = [0xC5u8; 256];
        let mut n_even = n_odd;
        n_even[255] = 0xC4;
        let cases: [(&[u8], &[u8]); 9] = [
            (&n_odd, &[1, 0, 1]),
            (&n_odd, &[3]),
            (&n_odd, &[2]),
            (&n_even, &[1, 0, 1]),
            (&n_odd, &[1, 0, 0, 0, 0, 1]),
            (&n_odd, &[1, 0xff, 0xff, 0xff, 0xff]),
            (&n_odd, &[2, 0, 0, 0, 1]),
            (&[0x0f], &[0x11]),
            (&[0xff; 2049], &[1, 0, 1]),
        ];
        for (n, e) in cases {
            let ours = check_rsa_public_key(n, e).is_ok();
            let theirs = rsa::RsaPublicKey::new_with_max_size(
                rsa::BigUint::from_bytes_be(n),
                rsa::BigUint::from_bytes_be(e),
                MAX_RSA_BITS,
            )
            .is_ok();
            assert_eq!(ours, theirs, "n {} bytes, e {e:?}", n.len());
        }
    }
}
