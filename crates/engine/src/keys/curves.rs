//! The NIST curves' equations, for checking EC public keys without a crypto backend: is a point
//! on its curve (the invalid-curve attack starts with a point that is not), and what is the `y`
//! of a compressed point. Verification is never done here, only validation of public values, so
//! plain (non-constant-time) big-integer arithmetic is fine; the web app's main module uses this
//! instead of three curves' worth of field arithmetic (the tests compare it with the RustCrypto
//! `p256`/`p384`/`p521` crates).

use num_bigint::BigUint;

/// A short-Weierstrass curve y² = x³ − 3x + b over the prime field of `p` (FIPS 186-4 D.1.2).
struct Curve {
    /// The field prime, big-endian hex.
    p: &'static str,
    /// The constant `b`, big-endian hex.
    b: &'static str,
}

const P256: Curve = Curve {
    p: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
    b: "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
};
const P384: Curve = Curve {
    p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
    b: "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
};
const P521: Curve = Curve {
    p: "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    b: "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
};

fn curve(crv: &str) -> Option<Curve> {
    match crv {
        "P-256" => Some(P256),
        "P-384" => Some(P384),
        "P-521" => Some(P521),
        _ => None,
    }
}

fn hex(h: &str) -> BigUint {
    // The constants above are valid hex; an empty number would only make every check fail.
    BigUint::parse_bytes(h.as_bytes(), 16).unwrap_or_default()
}

/// x³ − 3x + b mod p, for x < p.
fn rhs(x: &BigUint, p: &BigUint, b: &BigUint) -> BigUint {
    let x3 = x * x % p * x % p;
    let three_x = (x * 3u32) % p;
    (x3 + p - three_x + b) % p
}

/// True when (x, y) is a point of the named curve, both coordinates reduced (< p). None when
/// the curve has no equation here (secp256k1: kept, and ES256K is reported unsupported).
pub(crate) fn on_curve(crv: &str, x: &[u8], y: &[u8]) -> Option<bool> {
    let c = curve(crv)?;
    let (p, b) = (hex(c.p), hex(c.b));
    let (x, y) = (BigUint::from_bytes_be(x), BigUint::from_bytes_be(y));
    if x >= p || y >= p {
        return Some(false);
    }
    Some(&y * &y % &p == rhs(&x, &p, &b))
}

/// The `y` (big-endian, `len` bytes) of the compressed point with this `x` and `y` parity, or
/// an error when no such point exists. The three primes are 3 mod 4, so the square root is a
/// single exponentiation: y = rhs^((p + 1) / 4).
pub(crate) fn decompress(
    crv: &str,
    x: &[u8],
    y_is_odd: bool,
    len: usize,
) -> Result<Vec<u8>, String> {
    let c = curve(crv).ok_or_else(|| format!("compressed {crv} points are not supported"))?;
    let (p, b) = (hex(c.p), hex(c.b));
    let x = BigUint::from_bytes_be(x);
    if x >= p {
        return Err(format!(
            "the x coordinate is not reduced modulo the {crv} prime"
        ));
    }
    let r = rhs(&x, &p, &b);
    let mut y = r.modpow(&((&p + 1u32) >> 2), &p);
    if &y * &y % &p != r {
        return Err(format!("no point of {crv} has this x coordinate"));
    }
    if y.bit(0) != y_is_odd {
        y = &p - y;
    }
    let bytes = y.to_bytes_be();
    let mut out = vec![0u8; len.saturating_sub(bytes.len())];
    out.extend_from_slice(&bytes);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn generators_are_on_their_curves() {
        // FIPS 186-4 D.1.2.3 / D.1.2.4 base points.
        let g256 = (
            "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
            "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
        );
        let g384 = (
            "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
            "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
        );
        for (crv, (x, y)) in [("P-256", g256), ("P-384", g384)] {
            let (x, y) = (hex(x).to_bytes_be(), hex(y).to_bytes_be());
            assert_eq!(on_curve(crv, &x, &y), Some(true), "{crv}");
            let mut bad = y.clone();
            if let Some(last) = bad.last_mut() {
                *last ^= 1;
            }
            assert_eq!(on_curve(crv, &x, &bad), Some(false), "{crv}");
            let len = x.len();
            let odd = y.last().is_some_and(|b| b & 1 == 1);
            assert_eq!(decompress(crv, &x, odd, len), Ok(y), "{crv}");
        }
    }

    #[test]
    fn coordinates_at_or_above_the_prime_are_refused() {
        let p = hex(P256.p).to_bytes_be();
        assert_eq!(on_curve("P-256", &p, &[0u8; 32]), Some(false));
        assert!(decompress("P-256", &p, false, 32).is_err());
    }

    #[test]
    fn unknown_curves_are_not_judged() {
        assert_eq!(on_curve("secp256k1", &[1; 32], &[2; 32]), None);
        assert!(decompress("secp256k1", &[1; 32], false, 32).is_err());
    }
}
