//! Money: parsed from text into integer minor units (paise, cents), shown as decimals.
//! Never a float. Two decimal places is the contract's currency scale.

use rust_decimal::Decimal;

pub const MONEY_SCALE: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("is not a number")]
    NotANumber,
    #[error("is negative; it must be 0 or more")]
    Negative,
    #[error("has more than 2 decimal places")]
    TooPrecise,
    #[error("is larger than 9999999999999999.99, the largest amount dspdesk stores")]
    TooLarge,
}

/// Parses `123`, `123.4`, `123.45`, `-1.5` or `1e3`-free plain decimals into minor units.
/// Trailing zeros past the second decimal place are accepted (`1.500`).
/// `allow_negative` is false for every amount in the input contract.
pub fn parse_amount(raw: &[u8], allow_negative: bool) -> Result<i64, AmountError> {
    let mut s = raw;
    let mut negative = false;
    if let Some((&c, rest)) = s.split_first()
        && (c == b'-' || c == b'+')
    {
        negative = c == b'-';
        s = rest;
    }
    if s.is_empty() {
        return Err(AmountError::NotANumber);
    }
    let (int_part, frac_part) = match s.iter().position(|&c| c == b'.') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, &b""[..]),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(AmountError::NotANumber);
    }
    let mut value: i64 = 0;
    for &c in int_part {
        if !c.is_ascii_digit() {
            return Err(AmountError::NotANumber);
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(c - b'0')))
            .ok_or(AmountError::TooLarge)?;
    }
    let mut frac: i64 = 0;
    for (i, &c) in frac_part.iter().enumerate() {
        if !c.is_ascii_digit() {
            return Err(AmountError::NotANumber);
        }
        if i < MONEY_SCALE as usize {
            frac = frac * 10 + i64::from(c - b'0');
        } else if c != b'0' {
            return Err(AmountError::TooPrecise);
        }
    }
    for _ in frac_part.len()..MONEY_SCALE as usize {
        frac *= 10;
    }
    let minor = value
        .checked_mul(100)
        .and_then(|v| v.checked_add(frac))
        .ok_or(AmountError::TooLarge)?;
    if minor > MAX_MINOR {
        return Err(AmountError::TooLarge);
    }
    if negative && minor != 0 {
        if !allow_negative {
            return Err(AmountError::Negative);
        }
        return Ok(-minor);
    }
    Ok(minor)
}

/// The largest amount in minor units: what the lake's `Decimal128(18, 2)` holds.
pub const MAX_MINOR: i64 = 999_999_999_999_999_999;

/// Adds an amount to a running sum, or says the sum went beyond what dspdesk counts.
pub fn add_minor(sum: &mut i64, v: i64) -> Result<(), String> {
    *sum = sum
        .checked_add(v)
        .ok_or("the sum of amounts is beyond what dspdesk counts (92233720368547758.07)")?;
    Ok(())
}

/// Minor units as an exact decimal with two places.
pub fn minor_to_decimal(minor: i64) -> Decimal {
    Decimal::new(minor, MONEY_SCALE)
}

/// Minor units as text with exactly two decimals: `12345` → `123.45`.
pub fn format_minor(minor: i64) -> String {
    minor_to_decimal(minor).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_decimals_to_minor_units() {
        assert_eq!(parse_amount(b"0", false), Ok(0));
        assert_eq!(parse_amount(b"123", false), Ok(12300));
        assert_eq!(parse_amount(b"123.4", false), Ok(12340));
        assert_eq!(parse_amount(b"123.45", false), Ok(12345));
        assert_eq!(parse_amount(b".5", false), Ok(50));
        assert_eq!(parse_amount(b"7.", false), Ok(700));
        assert_eq!(parse_amount(b"1.500", false), Ok(150));
        assert_eq!(parse_amount(b"-0", false), Ok(0));
        assert_eq!(parse_amount(b"-2.5", true), Ok(-250));
    }

    #[test]
    fn rejects_what_is_not_money() {
        assert_eq!(parse_amount(b"", false), Err(AmountError::NotANumber));
        assert_eq!(parse_amount(b".", false), Err(AmountError::NotANumber));
        assert_eq!(parse_amount(b"1,000", false), Err(AmountError::NotANumber));
        assert_eq!(parse_amount(b"1e3", false), Err(AmountError::NotANumber));
        assert_eq!(parse_amount(b"-1", false), Err(AmountError::Negative));
        assert_eq!(parse_amount(b"1.234", false), Err(AmountError::TooPrecise));
        assert_eq!(
            parse_amount(b"99999999999999999999", false),
            Err(AmountError::TooLarge)
        );
        // What overflowed the sums once: more than the lake's decimal type holds.
        assert_eq!(
            parse_amount(b"50000000000000000", false),
            Err(AmountError::TooLarge)
        );
        assert_eq!(parse_amount(b"9999999999999999.99", false), Ok(MAX_MINOR));
        let mut sum = MAX_MINOR * 8;
        assert!(add_minor(&mut sum, MAX_MINOR).is_ok());
        assert!(
            add_minor(&mut sum, MAX_MINOR)
                .unwrap_err()
                .contains("beyond")
        );
    }

    #[test]
    fn formats_exactly() {
        assert_eq!(format_minor(12345), "123.45");
        assert_eq!(format_minor(5), "0.05");
        assert_eq!(format_minor(-250), "-2.50");
        assert_eq!(format_minor(0), "0.00");
    }
}
