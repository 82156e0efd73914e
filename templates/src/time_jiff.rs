//! Conversions of `time::Timestamp` and `time::Date` to and from `jiff::Timestamp` (its last day
//! excepted) and `jiff::civil::Date` (the runtime's `jiff` feature).

use crate::time::{Date, RangeError, Timestamp};

/// Fallible: jiff's timestamps end at 9999-12-30T22:00:00Z (so that every offset of one stays
/// within its calendar), a day before ours.
impl TryFrom<Timestamp> for ::jiff::Timestamp {
    type Error = RangeError;

    fn try_from(time: Timestamp) -> Result<Self, RangeError> {
        ::jiff::Timestamp::from_nanosecond(time.unix_nanos()).map_err(|_| RangeError::TIMESTAMP)
    }
}

impl TryFrom<::jiff::Timestamp> for Timestamp {
    type Error = RangeError;

    fn try_from(time: ::jiff::Timestamp) -> Result<Self, RangeError> {
        // Through nanoseconds: jiff gives the fraction of a negative timestamp a negative sign.
        Timestamp::from_unix_nanos(time.as_nanosecond())
    }
}

impl From<Date> for ::jiff::civil::Date {
    fn from(date: Date) -> Self {
        // Year 0..=9999, month 1..=12 and a valid day all fit jiff's ranges.
        ::jiff::civil::Date::new(date.year as i16, date.month as i8, date.day as i8)
            .expect("a valid date in years 0000 to 9999 is a jiff date")
    }
}

impl TryFrom<::jiff::civil::Date> for Date {
    type Error = RangeError;

    fn try_from(date: ::jiff::civil::Date) -> Result<Self, RangeError> {
        let year = u16::try_from(date.year()).map_err(|_| RangeError::DATE)?;
        // jiff's month and day are 1..=12 and 1..=31.
        Date::new(year, date.month() as u8, date.day() as u8)
    }
}
