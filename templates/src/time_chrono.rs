//! Conversions of `time::Timestamp` and `time::Date` to and from chrono's `DateTime` (any time
//! zone) and `NaiveDate` (the runtime's `chrono` feature).

use crate::time::{Date, NANOS_PER_SECOND, RangeError, Timestamp};

impl From<Timestamp> for ::chrono::DateTime<::chrono::Utc> {
    fn from(time: Timestamp) -> Self {
        // chrono reaches beyond years 0000 to 9999, so every timestamp converts.
        ::chrono::DateTime::from_timestamp(time.seconds, time.nanos)
            .expect("chrono covers years 0000 to 9999")
    }
}

impl<Tz: ::chrono::TimeZone> TryFrom<::chrono::DateTime<Tz>> for Timestamp {
    type Error = RangeError;

    fn try_from(time: ::chrono::DateTime<Tz>) -> Result<Self, RangeError> {
        // chrono writes a leap second as nanoseconds past 999_999_999: read it as second 59's end,
        // as parsing does.
        Timestamp::from_unix(
            time.timestamp(),
            time.timestamp_subsec_nanos().min(NANOS_PER_SECOND - 1),
        )
    }
}

impl From<Date> for ::chrono::NaiveDate {
    fn from(date: Date) -> Self {
        ::chrono::NaiveDate::from_ymd_opt(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        )
        .expect("a valid date in years 0000 to 9999 is a chrono date")
    }
}

impl TryFrom<::chrono::NaiveDate> for Date {
    type Error = RangeError;

    fn try_from(date: ::chrono::NaiveDate) -> Result<Self, RangeError> {
        use ::chrono::Datelike as _;
        let year = u16::try_from(date.year()).map_err(|_| RangeError::DATE)?;
        // chrono's month and day are 1..=12 and 1..=31.
        Date::new(year, date.month() as u8, date.day() as u8)
    }
}
