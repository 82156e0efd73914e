//! Rust literals for the values of spec examples, each written only after the value is checked
//! to be one the type can hold: strings fit for a line of code, floats, RFC 3339 times, calendar
//! dates, UUIDs and JSON as `serde_json::json!` tokens.

use serde_json::Value;

/// The longest example string written into a doc example.
pub(super) const MAX_EXAMPLE_CHARS: usize = 100;

/// A string example short enough for a line of example code, on one line, and unable to close
/// the doc comment's code fence.
pub(super) fn readable(s: &str) -> bool {
    s.chars().count() <= MAX_EXAMPLE_CHARS && !s.contains(['\n', '\r']) && !s.contains("```")
}

/// A Rust float literal for a finite number (`100.0`, `0.25`, `1e21`).
pub(super) fn float_literal(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let text = format!("{f:?}");
    Some(if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    })
}

/// Whether `s` is an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or
/// an offset `±HH:MM`; the date a real calendar day, the time in range (a leap second allowed).
pub(super) fn is_rfc3339(s: &str) -> bool {
    let Some((date, time)) = s.split_once(['T', 't']) else {
        return false;
    };
    let Some(at) = time.find(['Z', 'z', '+', '-']) else {
        return false;
    };
    let (clock, offset) = time.split_at(at);
    let clock = match clock.split_once('.') {
        Some((c, fraction))
            if !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit()) =>
        {
            c
        }
        Some(_) => return false,
        None => clock,
    };
    let offset_ok = match offset {
        "Z" | "z" => true,
        _ => two_digit_fields(&offset[1..])
            .is_some_and(|v| matches!(v[..], [h, m] if h <= 23 && m <= 59)),
    };
    calendar_date(date).is_some()
        && offset_ok
        && two_digit_fields(clock)
            .is_some_and(|v| matches!(v[..], [h, m, s] if h <= 23 && m <= 59 && s <= 60))
}

/// The numbers of `HH:MM` or `HH:MM:SS`: two digits each, `:` between.
fn two_digit_fields(text: &str) -> Option<Vec<u32>> {
    text.split(':')
        .map(|p| {
            (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect()
}

/// `YYYY-MM-DD` of a real calendar day, as numbers.
pub(super) fn calendar_date(s: &str) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts[..] else { return None };
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return None;
    }
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

/// The 128 bits of a UUID written `8-4-4-4-12` in hex.
pub(super) fn uuid_value(s: &str) -> Option<u128> {
    let groups: Vec<&str> = s.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    if lengths != [8, 4, 4, 4, 12]
        || !groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return None;
    }
    u128::from_str_radix(&groups.concat(), 16).ok()
}

/// A JSON value as the tokens of `serde_json::json!`: strings as Rust literals (JSON's `\u0003`
/// escapes are not Rust's), numbers as JSON writes them, arrays and objects item by item.
pub(super) fn json_tokens(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if !n.is_i64() && !n.is_u64() => {
                float_literal(f).unwrap_or_else(|| "null".to_owned())
            }
            _ => n.to_string(),
        },
        Value::String(s) => format!("{s:?}"),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(json_tokens).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{k:?}: {}", json_tokens(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_and_dates_are_checked_before_they_are_written() {
        assert!(is_rfc3339("2025-01-15T10:23:44Z"));
        assert!(is_rfc3339("2024-02-29T23:59:60.5+05:30"));
        assert!(is_rfc3339("2025-01-15t10:23:44.123-08:00"));
        for bad in [
            "2025-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2025-01-15T24:00:00Z",
            "2025-01-15T10:23:44",
            "2025-01-15T10:23:44.Z",
            "2025-01-15T10:23Z",
            "2025-01-15T10:23:44+5:30",
            "yesterday",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
        assert_eq!(calendar_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(calendar_date("1900-02-29"), None);
        assert_eq!(calendar_date("2025-1-15"), None);
    }

    #[test]
    fn uuids_floats_and_json_become_rust_literals() {
        assert_eq!(
            uuid_value("0b9c4f3e-8d1a-4c2b-9e7f-1a2b3c4d5e6f"),
            Some(0x0b9c_4f3e_8d1a_4c2b_9e7f_1a2b_3c4d_5e6f)
        );
        assert_eq!(uuid_value("0b9c4f3e8d1a4c2b9e7f1a2b3c4d5e6f"), None);
        assert_eq!(uuid_value("zb9c4f3e-8d1a-4c2b-9e7f-1a2b3c4d5e6f"), None);
        assert_eq!(float_literal(3.0).as_deref(), Some("3.0"));
        assert_eq!(float_literal(0.25).as_deref(), Some("0.25"));
        assert_eq!(float_literal(1e21).as_deref(), Some("1e21"));
        assert_eq!(float_literal(f64::INFINITY), None);
        assert_eq!(
            json_tokens(&json!({"a": "PK\u{3}", "b": [1, -2, 2.5, null, "\"q\""]})),
            r#"{"a": "PK\u{3}", "b": [1, -2, 2.5, null, "\"q\""]}"#
        );
        assert!(readable("Build a landing page"));
        assert!(!readable("two\nlines"));
        assert!(!readable("``` fence"));
        assert!(!readable(&"x".repeat(MAX_EXAMPLE_CHARS + 1)));
    }
}
