//! The NIST curves' equations, for checking EC public keys without a crypto backend: is a point
//! on its curve (the invalid-curve attack starts with a point that is not), and what is the `y`
//! of a compressed point. Verification is never done here, only validation of public values, so
//! variable-time steps are fine; the web app's main module uses this
//! instead of three curves' worth of field arithmetic (the tests compare it with the RustCrypto
//! `p256`/`p384`/`p521` crates).

use crypto_bigint::modular::runtime_mod::{DynResidue, DynResidueParams};
use crypto_bigint::{Encoding, U576};

/// One width for the three curves (P-521's prime fits in 576 bits): one copy of the Montgomery
/// arithmetic in the page instead of one per curve.
const LIMBS: usize = U576::LIMBS;
type Residue = DynResidue<LIMBS>;

/// A short-Weierstrass curve y² = x³ − 3x + b over the prime field of `p` (FIPS 186-4 D.1.2),
/// with its Montgomery parameters, all computed at compile time.
struct Curve {
    p: U576,
    b: U576,
    field: DynResidueParams<LIMBS>,
}

/// The curve of prime `p` and constant `b`, big-endian hex zero-padded to 576 bits.
const fn curve_of(p: &str, b: &str) -> Curve {
    let p = U576::from_be_hex(p);
    Curve {
        p,
        b: U576::from_be_hex(b),
        field: DynResidueParams::new(&p),
    }
}

const P256: Curve = curve_of(
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000005ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
);
const P384: Curve = curve_of(
    "000000000000000000000000000000000000000000000000fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
    "000000000000000000000000000000000000000000000000b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
);
const P521: Curve = curve_of(
    "00000000000001ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "0000000000000051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
);

fn curve(crv: &str) -> Option<&'static Curve> {
    match crv {
        "P-256" => Some(&P256),
        "P-384" => Some(&P384),
        "P-521" => Some(&P521),
        _ => None,
    }
}

/// A big-endian coordinate as a number; None when it is longer than 576 bits.
fn number(bytes: &[u8]) -> Option<U576> {
    let mut padded = [0u8; U576::BYTES];
    let at = U576::BYTES.checked_sub(bytes.len())?;
    padded.get_mut(at..)?.copy_from_slice(bytes);
    Some(U576::from_be_slice(&padded))
}

/// x³ − 3x + b in the field of `c`, for x < p.
fn rhs(c: &Curve, x: &U576) -> Residue {
    let x = Residue::new(x, c.field);
    x.square() * x - (x + x + x) + Residue::new(&c.b, c.field)
}

/// True when (x, y) is a point of the named curve, both coordinates reduced (< p). None when
/// the curve has no equation here (secp256k1: kept, and ES256K is reported unsupported).
pub(crate) fn on_curve(crv: &str, x: &[u8], y: &[u8]) -> Option<bool> {
    let c = curve(crv)?;
    let (Some(x), Some(y)) = (number(x), number(y)) else {
        return Some(false);
    };
    if x >= c.p || y >= c.p {
        return Some(false);
    }
    Some(Residue::new(&y, c.field).square().retrieve() == rhs(c, &x).retrieve())
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
    let reduced = number(x).filter(|x| *x < c.p);
    let Some(x) = reduced else {
        return Err(format!(
            "the x coordinate is not reduced modulo the {crv} prime"
        ));
    };
    let r = rhs(c, &x);
    let root = r.pow(&c.p.wrapping_add(&U576::ONE).shr_vartime(2));
    if root.square().retrieve() != r.retrieve() {
        return Err(format!("no point of {crv} has this x coordinate"));
    }
    let mut y = root.retrieve();
    if y.bit_vartime(0) != y_is_odd {
        y = c.p.wrapping_sub(&y);
    }
    let bytes = y.to_be_bytes();
    let mut out = vec![0u8; len.saturating_sub(bytes.len())];
    out.extend_from_slice(
        bytes
            .get(bytes.len().saturating_sub(len)..)
            .unwrap_or_default(),
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A number in big-endian hex as its shortest big-endian bytes.
    fn hex(h: &str) -> Vec<u8> {
        let bytes: Vec<u8> = (0..h.len() / 2)
            .filter_map(|i| u8::from_str_radix(h.get(2 * i..2 * i + 2)?, 16).ok())
            .collect();
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        bytes.get(first..).unwrap_or_default().to_vec()
    }

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
            let (x, y) = (hex(x), hex(y));
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
        let p = P256.p.to_be_bytes();
        let p = p.get(p.len() - 32..).unwrap_or_default();
        assert_eq!(on_curve("P-256", p, &[0u8; 32]), Some(false));
        assert!(decompress("P-256", p, false, 32).is_err());
        assert_eq!(on_curve("P-256", &[1u8; 73], &[0u8; 32]), Some(false));
        assert!(decompress("P-256", &[1u8; 73], false, 32).is_err());
    }

    #[test]
    fn unknown_curves_are_not_judged() {
        assert_eq!(on_curve("secp256k1", &[1; 32], &[2; 32]), None);
        assert!(decompress("secp256k1", &[1; 32], false, 32).is_err());
    }
}
