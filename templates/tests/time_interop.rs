//! `Timestamp` and `Date` to and from the types of `chrono`, `time` and `jiff`, each under its
//! cargo feature (`cargo test -p sdk-runtime --features chrono,time,jiff`).

#![cfg(any(feature = "chrono", feature = "time", feature = "jiff"))]

use sdkgen_runtime::time::{Date, Timestamp};

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// Instants that stress the conversions: both ends of the range, before the epoch with a
/// fraction, a leap day.
fn instants() -> Vec<Timestamp> {
    [
        "0000-01-01T00:00:00Z",
        "0000-03-01T12:34:56.000000001Z",
        "1969-12-31T23:59:59.999999999Z",
        "1970-01-01T00:00:00Z",
        "2024-02-29T21:30:00.123456789Z",
        "9999-12-31T23:59:59.999999999Z",
    ]
    .into_iter()
    .map(ts)
    .collect()
}

fn dates() -> Vec<Date> {
    [
        "0000-01-01",
        "0000-02-29",
        "1969-12-31",
        "2024-02-29",
        "9999-12-31",
    ]
    .into_iter()
    .map(|d| d.parse().unwrap())
    .collect()
}

#[cfg(feature = "chrono")]
#[test]
fn chrono() {
    use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone as _, Utc};
    for t in instants() {
        let theirs: DateTime<Utc> = t.into();
        assert_eq!(
            theirs.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            t.to_string()
        );
        assert_eq!(Timestamp::try_from(theirs).unwrap(), t);
    }
    // Any time zone converts; the instant is kept.
    let east = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
    let local = east.with_ymd_and_hms(2024, 3, 1, 3, 0, 0).unwrap();
    assert_eq!(
        Timestamp::try_from(local).unwrap(),
        ts("2024-02-29T21:30:00Z")
    );
    // chrono's leap second becomes the end of second 59.
    let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
        .unwrap()
        .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
        .unwrap()
        .and_utc();
    assert_eq!(
        Timestamp::try_from(leap).unwrap(),
        ts("2016-12-31T23:59:60.999999999Z")
    );
    // Outside years 0000 to 9999: an error, not a wrapped value.
    let far = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
    assert!(Timestamp::try_from(far).is_err());
    assert!(Timestamp::try_from(Utc.with_ymd_and_hms(-1, 12, 31, 23, 59, 59).unwrap()).is_err());

    for d in dates() {
        let theirs = NaiveDate::from(d);
        assert_eq!(theirs.to_string(), d.to_string());
        assert_eq!(Date::try_from(theirs).unwrap(), d);
    }
    assert!(Date::try_from(NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap()).is_err());
    assert!(Date::try_from(NaiveDate::from_ymd_opt(-1, 1, 1).unwrap()).is_err());
}

#[cfg(feature = "time")]
#[test]
fn time() {
    use time::{Month, OffsetDateTime, UtcOffset};
    for t in instants() {
        let theirs = OffsetDateTime::from(t);
        assert_eq!(theirs.offset(), UtcOffset::UTC);
        assert_eq!(theirs.unix_timestamp_nanos(), t.unix_nanos());
        assert_eq!(Timestamp::try_from(theirs).unwrap(), t);
    }
    let local = time::Date::from_calendar_date(2024, Month::March, 1)
        .unwrap()
        .with_hms(3, 0, 0)
        .unwrap()
        .assume_offset(UtcOffset::from_hms(5, 30, 0).unwrap());
    assert_eq!(
        Timestamp::try_from(local).unwrap(),
        ts("2024-02-29T21:30:00Z")
    );
    let early = time::Date::from_calendar_date(-1, Month::December, 31)
        .unwrap()
        .midnight()
        .assume_utc();
    assert!(Timestamp::try_from(early).is_err());

    for d in dates() {
        let theirs = time::Date::from(d);
        assert_eq!(
            (theirs.year(), u8::from(theirs.month()), theirs.day()),
            (i32::from(d.year()), d.month(), d.day())
        );
        assert_eq!(Date::try_from(theirs).unwrap(), d);
    }
    assert!(
        Date::try_from(time::Date::from_calendar_date(-1, Month::January, 1).unwrap()).is_err()
    );
}

#[cfg(feature = "jiff")]
#[test]
fn jiff() {
    for t in instants() {
        if t >= ts("9999-12-30T22:00:00.000000001Z") {
            // jiff ends there, so that every offset of its timestamps stays in its calendar.
            assert!(jiff::Timestamp::try_from(t).is_err(), "{t}");
            continue;
        }
        let theirs = jiff::Timestamp::try_from(t).unwrap();
        assert_eq!(theirs.as_nanosecond(), t.unix_nanos());
        assert_eq!(Timestamp::try_from(theirs).unwrap(), t);
        assert_eq!(t.to_string().parse::<jiff::Timestamp>().unwrap(), theirs);
    }
    // jiff signs the fraction of a negative timestamp; the conversion does not mind.
    let before = jiff::Timestamp::new(-1, -250_000_000).unwrap();
    assert_eq!(
        Timestamp::try_from(before).unwrap(),
        ts("1969-12-31T23:59:58.750Z")
    );
    assert_eq!(
        Timestamp::try_from(jiff::Timestamp::MAX).unwrap(),
        ts("9999-12-30T22:00:00.999999999Z")
    );
    assert!(Timestamp::try_from(jiff::Timestamp::MIN).is_err());

    for d in dates() {
        let theirs = jiff::civil::Date::from(d);
        assert_eq!(theirs.to_string(), d.to_string());
        assert_eq!(Date::try_from(theirs).unwrap(), d);
    }
    assert!(Date::try_from(jiff::civil::date(-1, 1, 1)).is_err());
}
