//! Conversions of `time::Timestamp` and `time::Date` to and from the time crate's `OffsetDateTime`
//! (converted to UTC) and `Date` (the runtime's `time` feature).

use crate::time::{Date, RangeError, Timestamp};

impl From<Timestamp> for ::time::OffsetDateTime {
    fn from(time: Timestamp) -> Self {
        ::time::OffsetDateTime::from_unix_timestamp_nanos(time.unix_nanos())
            .expect("the time crate covers years 0000 to 9999")
    }
}

impl TryFrom<::time::OffsetDateTime> for Timestamp {
    type Error = RangeError;

    fn try_from(time: ::time::OffsetDateTime) -> Result<Self, RangeError> {
        Timestamp::from_unix(time.unix_timestamp(), time.nanosecond())
    }
}

impl From<Date> for ::time::Date {
    fn from(date: Date) -> Self {
        let month = ::time::Month::try_from(date.month).expect("a month is 1 to 12");
        ::time::Date::from_calendar_date(i32::from(date.year), month, date.day)
            .expect("a valid date in years 0000 to 9999 is a time date")
    }
}

impl TryFrom<::time::Date> for Date {
    type Error = RangeError;

    fn try_from(date: ::time::Date) -> Result<Self, RangeError> {
        let year = u16::try_from(date.year()).map_err(|_| RangeError::DATE)?;
        Date::new(year, u8::from(date.month()), date.day())
    }
}
