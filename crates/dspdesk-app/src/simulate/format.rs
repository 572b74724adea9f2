//! Bytes of the CSV fields: numbers, money, times and package ids, appended to a
//! buffer without going through `format!`.

const MASK60: u64 = (1 << 60) - 1;

/// A bijection of 60-bit integers keyed by `key`: distinct inputs give distinct
/// package ids that look random.
pub(super) fn scramble60(x: u64, key: u64) -> u64 {
    let mut x = (x ^ key) & MASK60;
    x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15) & MASK60;
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9) & MASK60;
    x ^= x >> 32;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB) & MASK60;
    x ^= x >> 29;
    x
}

/// Twelve base-36 digits (0-9, A-Z), zero-padded; 36^12 > 2^60.
pub(super) fn push_base36_12(b: &mut Vec<u8>, mut x: u64) {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut tmp = [b'0'; 12];
    for c in tmp.iter_mut().rev() {
        *c = DIGITS[(x % 36) as usize];
        x /= 36;
    }
    b.extend_from_slice(&tmp);
}

/// `n` in decimal.
pub(super) fn push_u64(b: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    b.extend_from_slice(&tmp[i..]);
}

/// `n` with leading zeros to at least `width` digits.
pub(super) fn push_padded(b: &mut Vec<u8>, n: u64, width: usize) {
    let mut digits = 1;
    let mut m = n / 10;
    while m > 0 {
        digits += 1;
        m /= 10;
    }
    for _ in digits..width {
        b.push(b'0');
    }
    push_u64(b, n);
}

/// Paise as rupees with two decimals: 12345 → `123.45`.
pub(super) fn push_paise(b: &mut Vec<u8>, paise: u64) {
    push_u64(b, paise / 100);
    let c = (paise % 100) as u8;
    b.push(b'.');
    b.push(b'0' + c / 10);
    b.push(b'0' + c % 10);
}

/// `n` (below 100) as two digits.
fn push_2(b: &mut Vec<u8>, n: u32) {
    b.push(b'0' + (n / 10) as u8);
    b.push(b'0' + (n % 10) as u8);
}

/// Seconds after midnight as `HH:MM:SS`.
pub(super) fn push_hms(b: &mut Vec<u8>, secs: u32) {
    push_2(b, secs / 3600);
    b.push(b':');
    push_2(b, secs / 60 % 60);
    b.push(b':');
    push_2(b, secs % 60);
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn formatting_helpers() {
        let mut b = Vec::new();
        push_paise(&mut b, 12345);
        b.push(b' ');
        push_paise(&mut b, 5);
        b.push(b' ');
        push_padded(&mut b, 7, 3);
        b.push(b' ');
        push_padded(&mut b, 1234, 3);
        b.push(b' ');
        push_hms(&mut b, 75600 + 61);
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "123.45 0.05 007 1234 21:01:01"
        );
        let ids: HashSet<u64> = (0..10_000u64).map(|x| scramble60(x, 99)).collect();
        assert_eq!(ids.len(), 10_000);
    }
}
