//! `Timestamp` and `Date`: the values of OpenAPI `format: date-time` and `format: date`, read and
//! written as RFC 3339, with conversions to `SystemTime` and (behind cargo features) to the types
//! of `chrono`, `time` and `jiff`.
//!
//! A [`Timestamp`] is an instant: whole seconds since the unix epoch and nanoseconds. Parsing
//! applies the offset the text carries (`2026-03-01T09:30:00+01:00` is `08:30:00Z`) and keeps
//! only the instant, so `Display` always writes UTC with `Z`. Equality, ordering and hashing are
//! those of the instant: two texts naming the same moment in different offsets are equal.
//!
//! Both types cover what RFC 3339 can write: years 0000 to 9999 (in UTC, for a timestamp). A value
//! outside that range, a month 13 or a February 30 is a [`ParseError`] naming the text.
//!
//! Parsing follows RFC 3339 section 5.6 with its permitted liberties: `t` and `z` in lower case,
//! a space instead of `T`, any number of fraction digits (nanoseconds are kept, further digits
//! dropped), `-00:00` as UTC, and a leap second (`23:59:60.5`) read as second 59 with its
//! fraction (no type here counts leap seconds).

use ::std::fmt;
use ::std::str::FromStr;
use ::std::string::String;
use ::std::time::{Duration, SystemTime};

pub(crate) const NANOS_PER_SECOND: u32 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;
/// Unix seconds of 0000-01-01T00:00:00Z.
const MIN_SECONDS: i64 = -62_167_219_200;
/// Unix seconds of 9999-12-31T23:59:59Z.
const MAX_SECONDS: i64 = 253_402_300_799;
/// Longest part of a rejected text quoted in its error.
const EXCERPT_CHARS: usize = 64;

/// An instant, as RFC 3339 `date-time` (OpenAPI `format: date-time`) writes it.
///
/// ```text
/// let t: Timestamp = "2024-02-29T23:30:00.5+02:00".parse().unwrap();
/// assert_eq!(t.to_string(), "2024-02-29T21:30:00.500Z");
/// assert_eq!(t.unix_seconds(), 1_709_242_200);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    // Field order gives the derived ordering: seconds first, then the fraction.
    pub(crate) seconds: i64,
    pub(crate) nanos: u32,
}

/// A calendar date, as RFC 3339 `full-date` (OpenAPI `format: date`) writes it: `2024-02-29`.
///
/// ```text
/// let d: Date = "2024-02-29".parse().unwrap();
/// assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29));
/// assert!("2023-02-29".parse::<Date>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order gives the derived ordering: year, month, day.
    pub(crate) year: u16,
    pub(crate) month: u8,
    pub(crate) day: u8,
}

/// A text that is not an RFC 3339 timestamp or date; its `Display` quotes the text and says what
/// is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid RFC 3339 {what} {input:?}: {reason}")]
pub struct ParseError {
    what: &'static str,
    input: String,
    reason: String,
}

impl ParseError {
    fn new(what: &'static str, input: &str, reason: impl Into<String>) -> Self {
        let mut excerpt: String = input.chars().take(EXCERPT_CHARS).collect();
        if excerpt.len() < input.len() {
            excerpt.push('…');
        }
        ParseError {
            what,
            input: excerpt,
            reason: reason.into(),
        }
    }

    /// The rejected text (its first 64 characters).
    pub fn input(&self) -> &str {
        &self.input
    }
}

/// A value outside what these types hold: years 0000 to 9999 (UTC, for a timestamp).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} is outside the range RFC 3339 can write (years 0000 to 9999)")]
pub struct RangeError {
    what: &'static str,
}

impl RangeError {
    pub(crate) const TIMESTAMP: RangeError = RangeError { what: "timestamp" };
    pub(crate) const DATE: RangeError = RangeError { what: "date" };
}

impl Timestamp {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp {
        seconds: 0,
        nanos: 0,
    };
    /// 0000-01-01T00:00:00Z, the earliest timestamp.
    pub const MIN: Timestamp = Timestamp {
        seconds: MIN_SECONDS,
        nanos: 0,
    };
    /// 9999-12-31T23:59:59.999999999Z, the latest timestamp.
    pub const MAX: Timestamp = Timestamp {
        seconds: MAX_SECONDS,
        nanos: NANOS_PER_SECOND - 1,
    };

    /// The instant `seconds` (and `nanos`, below one second) after the unix epoch; negative
    /// seconds are before it (`-1, 500_000_000` is 1969-12-31T23:59:59.5Z).
    pub fn from_unix(seconds: i64, nanos: u32) -> Result<Self, RangeError> {
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&seconds) || nanos >= NANOS_PER_SECOND {
            return Err(RangeError::TIMESTAMP);
        }
        Ok(Timestamp { seconds, nanos })
    }

    /// The instant `seconds` after the unix epoch.
    pub fn from_unix_seconds(seconds: i64) -> Result<Self, RangeError> {
        Self::from_unix(seconds, 0)
    }

    /// The instant `nanos` nanoseconds after the unix epoch (negative: before it).
    pub fn from_unix_nanos(nanos: i128) -> Result<Self, RangeError> {
        let per_second = i128::from(NANOS_PER_SECOND);
        let seconds =
            i64::try_from(nanos.div_euclid(per_second)).map_err(|_| RangeError::TIMESTAMP)?;
        // `rem_euclid` of a positive divisor is in 0..1e9, so it fits.
        let fraction = u32::try_from(nanos.rem_euclid(per_second)).unwrap_or(0);
        Self::from_unix(seconds, fraction)
    }

    /// Whole seconds since the unix epoch, rounded down (negative before it).
    pub fn unix_seconds(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds past [`Timestamp::unix_seconds`], in `0..1_000_000_000`.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Nanoseconds since the unix epoch (negative before it).
    pub fn unix_nanos(&self) -> i128 {
        i128::from(self.seconds) * i128::from(NANOS_PER_SECOND) + i128::from(self.nanos)
    }

    /// The current time of the system clock (an error only if the clock is set past 9999).
    pub fn now() -> Result<Self, RangeError> {
        Self::try_from(SystemTime::now())
    }

    /// The UTC calendar date of this instant.
    pub fn date(&self) -> Date {
        let (year, month, day) = civil_from_days(self.seconds.div_euclid(SECONDS_PER_DAY));
        // The range of `seconds` keeps the year within 0..=9999.
        Date {
            year: u16::try_from(year).unwrap_or(0),
            month,
            day,
        }
    }
}

impl Date {
    /// The date `year-month-day`; an error for a day the calendar does not have (2023-02-29) or a
    /// year past 9999.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, RangeError> {
        if year > 9999 || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month)
        {
            return Err(RangeError::DATE);
        }
        Ok(Date { year, month, day })
    }

    /// The year, 0 to 9999.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// Midnight at the start of this date, in UTC.
    pub fn start_of_day_utc(&self) -> Timestamp {
        let days = days_from_civil(i64::from(self.year), self.month, self.day);
        Timestamp {
            seconds: days * SECONDS_PER_DAY,
            nanos: 0,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (the proleptic Gregorian calendar; days counted from 1970-01-01).

fn is_leap_year(year: u16) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the date (H. Hinnant's `days_from_civil`, years counted from March).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are small by construction: day 1..=31, month 1..=12.
    (year, month as u8, day as u8)
}

// ---------------------------------------------------------------------------------------------
// RFC 3339 text.

/// Reads fixed-width fields off the front of a text, naming the first one that is wrong.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, width: usize, field: &str) -> Result<u32, String> {
        let end = self.at + width;
        match self.bytes.get(self.at..end) {
            Some(part) if part.iter().all(u8::is_ascii_digit) => {
                self.at = end;
                Ok(part
                    .iter()
                    .fold(0, |n, digit| n * 10 + u32::from(digit - b'0')))
            }
            _ => Err(format!(
                "expected {width} digits of the {field} at byte {}",
                self.at
            )),
        }
    }

    fn separator(&mut self, allowed: &[u8], what: &str) -> Result<u8, String> {
        match self.bytes.get(self.at) {
            Some(b) if allowed.contains(b) => {
                self.at += 1;
                Ok(*b)
            }
            _ => Err(format!("expected {what} at byte {}", self.at)),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn finish(&self) -> Result<(), String> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(format!("unexpected text after byte {}", self.at))
        }
    }
}

fn parse_date(cursor: &mut Cursor<'_>) -> Result<Date, String> {
    let year = cursor.digits(4, "year")?;
    cursor.separator(b"-", "`-` after the year")?;
    let month = cursor.digits(2, "month")?;
    cursor.separator(b"-", "`-` after the month")?;
    let day = cursor.digits(2, "day")?;
    // Four digits: at most 9999.
    let year = year as u16;
    if !(1..=12).contains(&month) {
        return Err(format!("month {month:02} is out of range"));
    }
    let month = month as u8;
    let last = days_in_month(year, month);
    if day == 0 || day > u32::from(last) {
        return Err(format!(
            "day {day:02} is out of range for {year:04}-{month:02} (which has {last} days)"
        ));
    }
    Ok(Date {
        year,
        month,
        day: day as u8,
    })
}

fn parse_timestamp(text: &str) -> Result<Timestamp, String> {
    let mut cursor = Cursor {
        bytes: text.as_bytes(),
        at: 0,
    };
    let date = parse_date(&mut cursor)?;
    cursor.separator(b"Tt ", "`T` between date and time")?;
    let hour = cursor.digits(2, "hour")?;
    cursor.separator(b":", "`:` after the hour")?;
    let minute = cursor.digits(2, "minute")?;
    cursor.separator(b":", "`:` after the minute")?;
    let second = cursor.digits(2, "second")?;
    if hour > 23 {
        return Err(format!("hour {hour:02} is out of range"));
    }
    if minute > 59 {
        return Err(format!("minute {minute:02} is out of range"));
    }
    if second > 60 {
        return Err(format!("second {second:02} is out of range"));
    }
    let mut nanos = 0;
    if cursor.peek() == Some(b'.') {
        cursor.at += 1;
        let start = cursor.at;
        while cursor.peek().is_some_and(|b| b.is_ascii_digit()) {
            let digit = u32::from(cursor.bytes[cursor.at] - b'0');
            let place = cursor.at - start;
            if place < 9 {
                nanos += digit * 10u32.pow(8 - place as u32);
            }
            cursor.at += 1;
        }
        if cursor.at == start {
            return Err(format!("expected digits after `.` at byte {start}"));
        }
    }
    let offset_seconds = match cursor.separator(b"Zz+-", "`Z` or an offset such as `+02:00`")? {
        b'Z' | b'z' => 0,
        sign => {
            let hours = cursor.digits(2, "offset hours")?;
            cursor.separator(b":", "`:` in the offset")?;
            let minutes = cursor.digits(2, "offset minutes")?;
            if hours > 23 || minutes > 59 {
                return Err(format!("offset {hours:02}:{minutes:02} is out of range"));
            }
            let seconds = i64::from(hours * 3600 + minutes * 60);
            if sign == b'-' { -seconds } else { seconds }
        }
    };
    cursor.finish()?;
    // A leap second is read as the end of second 59: no type here counts leap seconds.
    let second = second.min(59);
    let local = days_from_civil(i64::from(date.year), date.month, date.day) * SECONDS_PER_DAY
        + i64::from(hour * 3600 + minute * 60 + second);
    Timestamp::from_unix(local - offset_seconds, nanos)
        .map_err(|_| "the instant in UTC is outside years 0000 to 9999".to_owned())
}

impl FromStr for Timestamp {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        parse_timestamp(text).map_err(|reason| ParseError::new("timestamp", text, reason))
    }
}

impl FromStr for Date {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        let mut cursor = Cursor {
            bytes: text.as_bytes(),
            at: 0,
        };
        parse_date(&mut cursor)
            .and_then(|date| cursor.finish().map(|()| date))
            .map_err(|reason| ParseError::new("date", text, reason))
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, in UTC; the fraction has 3, 6 or 9 digits, the fewest that
/// hold the value, and is left out when zero.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let of_day = self.seconds.rem_euclid(SECONDS_PER_DAY);
        let (hour, minute, second) = (of_day / 3600, of_day / 60 % 60, of_day % 60);
        write!(f, "{}T{hour:02}:{minute:02}:{second:02}", self.date())?;
        match self.nanos {
            0 => {}
            n if n % 1_000_000 == 0 => write!(f, ".{:03}", n / 1_000_000)?,
            n if n % 1_000 == 0 => write!(f, ".{:06}", n / 1_000)?,
            n => write!(f, ".{n:09}")?,
        }
        f.write_str("Z")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `YYYY-MM-DD`.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

// ---------------------------------------------------------------------------------------------
// serde: both as RFC 3339 strings.

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Deserializes a string through `FromStr`; `expecting` names the format in type errors.
struct TextVisitor<T>(&'static str, ::std::marker::PhantomData<T>);

impl<T: FromStr<Err = ParseError>> serde::de::Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        text.parse().map_err(E::custom)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor(
            "an RFC 3339 timestamp such as \"2024-02-29T21:30:00Z\"",
            ::std::marker::PhantomData,
        ))
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor(
            "an RFC 3339 date such as \"2024-02-29\"",
            ::std::marker::PhantomData,
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// std::time::SystemTime. Both ways are fallible: a `SystemTime` may lie past 9999, and on some
// platforms (Windows: from 1601) a `SystemTime` cannot reach year 0000.

impl TryFrom<SystemTime> for Timestamp {
    type Error = RangeError;

    fn try_from(time: SystemTime) -> Result<Self, RangeError> {
        match time.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => Timestamp::from_unix(
                i64::try_from(after.as_secs()).map_err(|_| RangeError::TIMESTAMP)?,
                after.subsec_nanos(),
            ),
            Err(before) => {
                let before = before.duration();
                let nanos = i128::try_from(before.as_nanos()).map_err(|_| RangeError::TIMESTAMP)?;
                Timestamp::from_unix_nanos(-nanos)
            }
        }
    }
}

impl TryFrom<Timestamp> for SystemTime {
    type Error = RangeError;

    fn try_from(time: Timestamp) -> Result<Self, RangeError> {
        let since_epoch = Duration::new(time.seconds.unsigned_abs(), 0);
        let whole = if time.seconds >= 0 {
            SystemTime::UNIX_EPOCH.checked_add(since_epoch)
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(since_epoch)
        };
        whole
            .and_then(|t| t.checked_add(Duration::from_nanos(u64::from(time.nanos))))
            .ok_or(RangeError::TIMESTAMP)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_arithmetic_round_trips_every_day_of_the_range() {
        let first = days_from_civil(0, 1, 1);
        let last = days_from_civil(9999, 12, 31);
        assert_eq!(first * SECONDS_PER_DAY, MIN_SECONDS);
        assert_eq!(last * SECONDS_PER_DAY + SECONDS_PER_DAY - 1, MAX_SECONDS);
        let mut expected = (0i64, 1u8, 1u8);
        for days in first..=last {
            let civil = civil_from_days(days);
            assert_eq!(civil, expected, "day {days}");
            assert_eq!(days_from_civil(civil.0, civil.1, civil.2), days);
            // The next calendar day, counted the slow way.
            let (y, m, d) = expected;
            expected = if d < days_in_month(y as u16, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
    }
}
