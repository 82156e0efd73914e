//! `Timestamp` and `Date`: RFC 3339 parsing and writing on edge cases, serde both ways, ordering,
//! hashing and `SystemTime`.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use sdkgen_runtime::time::{Date, ParseError, Timestamp};

fn ts(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|e: ParseError| panic!("{text:?}: {e}"))
}

fn err(text: &str) -> String {
    match text.parse::<Timestamp>() {
        Ok(t) => panic!("{text:?} parsed as {t}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn utc_texts_round_trip() {
    for text in [
        "1970-01-01T00:00:00Z",
        "2024-02-29T23:59:59Z",
        "2024-02-29T23:59:59.100Z",
        "2024-02-29T23:59:59.000100Z",
        "2024-02-29T23:59:59.000000001Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
        "1969-12-31T23:59:59.500Z",
        "1900-03-01T12:00:00Z",
    ] {
        assert_eq!(ts(text).to_string(), text);
    }
}

#[test]
fn unix_values() {
    assert_eq!(ts("1970-01-01T00:00:00Z"), Timestamp::UNIX_EPOCH);
    let t = ts("2024-02-29T21:30:00.25Z");
    assert_eq!(
        (t.unix_seconds(), t.subsec_nanos()),
        (1_709_242_200, 250_000_000)
    );
    assert_eq!(t.unix_nanos(), 1_709_242_200_250_000_000);
    // Before the epoch, the seconds round down and the fraction counts up from them.
    let t = ts("1969-12-31T23:59:59.75Z");
    assert_eq!((t.unix_seconds(), t.subsec_nanos()), (-1, 750_000_000));
    assert_eq!(t.unix_nanos(), -250_000_000);
    assert_eq!(Timestamp::from_unix_nanos(-250_000_000).unwrap(), t);
    assert_eq!(Timestamp::from_unix(-1, 750_000_000).unwrap(), t);
    assert_eq!(ts("0000-01-01T00:00:00Z"), Timestamp::MIN);
    assert_eq!(ts("9999-12-31T23:59:59.999999999Z"), Timestamp::MAX);
    assert_eq!(Timestamp::MIN.unix_seconds(), -62_167_219_200);
    assert_eq!(Timestamp::MAX.unix_seconds(), 253_402_300_799);
    assert!(Timestamp::from_unix(Timestamp::MAX.unix_seconds() + 1, 0).is_err());
    assert!(Timestamp::from_unix(Timestamp::MIN.unix_seconds() - 1, 999_999_999).is_err());
    assert!(Timestamp::from_unix(0, 1_000_000_000).is_err());
    assert!(Timestamp::from_unix_nanos(i128::MAX).is_err());
    assert!(Timestamp::from_unix_seconds(i64::MIN).is_err());
}

#[test]
fn offsets_are_applied_and_written_as_utc() {
    assert_eq!(
        ts("2024-03-01T00:30:00+01:00").to_string(),
        "2024-02-29T23:30:00Z"
    );
    assert_eq!(
        ts("2023-12-31T20:00:00-05:30").to_string(),
        "2024-01-01T01:30:00Z"
    );
    assert_eq!(
        ts("2024-01-01T00:00:00+23:59").to_string(),
        "2023-12-31T00:01:00Z"
    );
    assert_eq!(ts("2024-01-01T00:00:00-00:00"), ts("2024-01-01T00:00:00Z"));
    assert_eq!(ts("2024-01-01T00:00:00+00:00"), ts("2024-01-01T00:00:00Z"));
    // One instant in two offsets is one value: equal, same hash, same text.
    let a = ts("2024-06-01T12:00:00+02:00");
    let b = ts("2024-06-01T10:00:00Z");
    assert_eq!(a, b);
    assert_eq!(HashSet::from([a, b]).len(), 1);
}

#[test]
fn lowercase_t_and_z_and_a_space_are_accepted() {
    let expected = ts("2024-02-29T21:30:00Z");
    assert_eq!(ts("2024-02-29t21:30:00z"), expected);
    assert_eq!(ts("2024-02-29 21:30:00Z"), expected);
    assert_eq!(ts("2024-02-29t23:30:00+02:00"), expected);
}

#[test]
fn fractions_of_any_length() {
    assert_eq!(ts("2024-01-01T00:00:00.5Z").subsec_nanos(), 500_000_000);
    assert_eq!(
        ts("2024-01-01T00:00:00.12Z").to_string(),
        "2024-01-01T00:00:00.120Z"
    );
    assert_eq!(
        ts("2024-01-01T00:00:00.1234Z").to_string(),
        "2024-01-01T00:00:00.123400Z"
    );
    assert_eq!(
        ts("2024-01-01T00:00:00.1234567Z").to_string(),
        "2024-01-01T00:00:00.123456700Z"
    );
    // Digits past nanoseconds are dropped, not rounded.
    assert_eq!(
        ts("2024-01-01T00:00:00.1234567899999Z").subsec_nanos(),
        123_456_789
    );
    assert_eq!(
        ts("2024-01-01T00:00:00.000Z").to_string(),
        "2024-01-01T00:00:00Z"
    );
    assert!(err("2024-01-01T00:00:00.Z").contains("expected digits after `.` at byte 20"));
}

#[test]
fn leap_years() {
    assert!("2024-02-29".parse::<Date>().is_ok());
    assert!("2000-02-29".parse::<Date>().is_ok(), "divisible by 400");
    assert!(
        "0000-02-29".parse::<Date>().is_ok(),
        "year 0 is a leap year"
    );
    assert!("1900-02-29".parse::<Date>().is_err(), "divisible by 100");
    assert!("2023-02-29".parse::<Date>().is_err());
    assert_eq!(
        "2100-02-29".parse::<Date>().unwrap_err().to_string(),
        "invalid RFC 3339 date \"2100-02-29\": day 29 is out of range for 2100-02 (which has 28 days)"
    );
    assert_eq!(
        ts("2024-02-28T23:59:59Z").unix_seconds() + 1,
        ts("2024-02-29T00:00:00Z").unix_seconds()
    );
    assert_eq!(
        ts("2023-02-28T23:59:59Z").unix_seconds() + 1,
        ts("2023-03-01T00:00:00Z").unix_seconds()
    );
}

#[test]
fn leap_second_is_the_end_of_second_59() {
    let leap = ts("2016-12-31T23:59:60.5Z");
    assert_eq!(leap.to_string(), "2016-12-31T23:59:59.500Z");
    assert!(leap < ts("2017-01-01T00:00:00Z"));
    assert!(err("2016-12-31T23:59:61Z").contains("second 61 is out of range"));
}

#[test]
fn out_of_range_fields_are_named() {
    let cases = [
        ("2024-13-01T00:00:00Z", "month 13 is out of range"),
        ("2024-00-01T00:00:00Z", "month 00 is out of range"),
        (
            "2024-04-31T00:00:00Z",
            "day 31 is out of range for 2024-04 (which has 30 days)",
        ),
        (
            "2024-01-00T00:00:00Z",
            "day 00 is out of range for 2024-01 (which has 31 days)",
        ),
        ("2024-01-01T24:00:00Z", "hour 24 is out of range"),
        ("2024-01-01T00:60:00Z", "minute 60 is out of range"),
        ("2024-01-01T00:00:00+24:00", "offset 24:00 is out of range"),
        ("2024-01-01T00:00:00+01:60", "offset 01:60 is out of range"),
        // In range as written, outside years 0000 to 9999 once in UTC.
        (
            "0000-01-01T00:00:00+00:01",
            "the instant in UTC is outside years 0000 to 9999",
        ),
        (
            "9999-12-31T23:59:59-00:01",
            "the instant in UTC is outside years 0000 to 9999",
        ),
    ];
    for (text, reason) in cases {
        let message = err(text);
        assert_eq!(
            message,
            format!("invalid RFC 3339 timestamp {text:?}: {reason}")
        );
    }
    // The same instants inside the range are fine.
    assert_eq!(ts("0000-01-01T00:01:00+00:01"), Timestamp::MIN);
    assert_eq!(ts("9999-12-31T23:58:59.999999999-00:01"), Timestamp::MAX);
}

#[test]
fn malformed_texts_say_where() {
    let cases = [
        ("", "expected 4 digits of the year at byte 0"),
        (
            "24-01-01T00:00:00Z",
            "expected 4 digits of the year at byte 0",
        ),
        (
            "+2024-01-01T00:00:00Z",
            "expected 4 digits of the year at byte 0",
        ),
        ("20240101T000000Z", "expected `-` after the year at byte 4"),
        (
            "2024-1-01T00:00:00Z",
            "expected 2 digits of the month at byte 5",
        ),
        (
            "2024-01-01",
            "expected `T` between date and time at byte 10",
        ),
        (
            "2024-01-01_00:00:00Z",
            "expected `T` between date and time at byte 10",
        ),
        (
            "2024-01-01T00:00Z",
            "expected `:` after the minute at byte 16",
        ),
        (
            "2024-01-01T00:00:00",
            "expected `Z` or an offset such as `+02:00` at byte 19",
        ),
        (
            "2024-01-01T00:00:00 Z",
            "expected `Z` or an offset such as `+02:00` at byte 19",
        ),
        (
            "2024-01-01T00:00:00+0100",
            "expected `:` in the offset at byte 22",
        ),
        (
            "2024-01-01T00:00:00+01",
            "expected `:` in the offset at byte 22",
        ),
        ("2024-01-01T00:00:00ZZ", "unexpected text after byte 20"),
        ("2024-01-01T00:00:00Z ", "unexpected text after byte 20"),
        (
            "２０２４-01-01T00:00:00Z",
            "expected 4 digits of the year at byte 0",
        ),
    ];
    for (text, reason) in cases {
        assert_eq!(
            err(text),
            format!("invalid RFC 3339 timestamp {text:?}: {reason}")
        );
    }
}

#[test]
fn a_long_bad_text_is_quoted_only_in_part() {
    let text = format!("2024-01-01T00:00:00Z{}", "x".repeat(10_000));
    let e = text.parse::<Timestamp>().unwrap_err();
    assert_eq!(e.input().chars().count(), 65);
    assert!(e.input().ends_with('…'));
    assert!(e.to_string().len() < 200, "{e}");
}

#[test]
fn years_0000_and_9999() {
    for text in ["0000-01-01", "0000-12-31", "9999-01-01", "9999-12-31"] {
        let date: Date = text.parse().unwrap();
        assert_eq!(date.to_string(), text);
        assert_eq!(date.start_of_day_utc().date(), date);
    }
    assert_eq!(Timestamp::MIN.date().to_string(), "0000-01-01");
    assert_eq!(Timestamp::MAX.date().to_string(), "9999-12-31");
    assert!("10000-01-01".parse::<Date>().is_err());
    assert!("-0001-01-01".parse::<Date>().is_err());
    assert!(Date::new(10_000, 1, 1).is_err());
}

#[test]
fn dates() {
    let date = Date::new(2024, 2, 29).unwrap();
    assert_eq!((date.year(), date.month(), date.day()), (2024, 2, 29));
    assert_eq!(date.to_string(), "2024-02-29");
    assert_eq!(format!("{date:?}"), "2024-02-29");
    assert_eq!(date.start_of_day_utc(), ts("2024-02-29T00:00:00Z"));
    assert_eq!(ts("2024-02-29T23:59:59.999Z").date(), date);
    assert_eq!(
        ts("1969-12-31T23:59:59Z").date(),
        Date::new(1969, 12, 31).unwrap()
    );
    assert!(Date::new(2023, 2, 29).is_err());
    assert!(Date::new(2024, 13, 1).is_err());
    assert!(Date::new(2024, 1, 0).is_err());
    for bad in [
        "2024-02-29T00:00:00Z",
        "2024-2-29",
        "2024/02/29",
        "2024-02-29 ",
    ] {
        assert!(bad.parse::<Date>().is_err(), "{bad:?}");
    }
    assert!(Date::new(2023, 12, 31).unwrap() < date);
    assert!(Date::new(2024, 3, 1).unwrap() > date);
}

#[test]
fn ordering_and_hashing_follow_the_instant() {
    let mut times = [
        ts("2024-01-01T00:00:00.000000001Z"),
        ts("1969-12-31T23:59:59.999Z"),
        ts("2024-01-01T00:00:00Z"),
        ts("2024-01-01T01:00:00+02:00"),
        Timestamp::MAX,
        Timestamp::MIN,
    ];
    times.sort();
    let texts: Vec<String> = times.iter().map(ToString::to_string).collect();
    assert_eq!(
        texts,
        [
            "0000-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999Z",
            "2023-12-31T23:00:00Z",
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00.000000001Z",
            "9999-12-31T23:59:59.999999999Z",
        ]
    );
    let set: HashSet<Timestamp> = times.iter().copied().chain(times.iter().copied()).collect();
    assert_eq!(set.len(), 6);
}

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Task {
    created_at: Timestamp,
    due: Option<Date>,
}

#[test]
fn serde_both_ways() {
    let task: Task = serde_json::from_str(
        r#"{"created_at": "2024-02-29T23:30:00.5+02:00", "due": "2024-03-15"}"#,
    )
    .unwrap();
    assert_eq!(task.created_at, ts("2024-02-29T21:30:00.5Z"));
    assert_eq!(task.due, Some(Date::new(2024, 3, 15).unwrap()));
    assert_eq!(
        serde_json::to_string(&task).unwrap(),
        r#"{"created_at":"2024-02-29T21:30:00.500Z","due":"2024-03-15"}"#
    );
    let back: Task = serde_json::from_str(&serde_json::to_string(&task).unwrap()).unwrap();
    assert_eq!(back, task);
}

#[test]
fn serde_errors_name_the_value_and_the_field() {
    let text = r#"{"created_at": "2024-02-30T00:00:00Z", "due": null}"#;
    let e = serde_json::from_str::<Task>(text).unwrap_err().to_string();
    assert!(
        e.starts_with(
            "invalid RFC 3339 timestamp \"2024-02-30T00:00:00Z\": day 30 is out of range for 2024-02"
        ),
        "{e}"
    );
    // serde_path_to_error (or any path-tracking deserializer) adds the field.
    let de = &mut serde_json::Deserializer::from_str(text);
    let e = serde_path_to_error::deserialize::<_, Task>(de).unwrap_err();
    assert_eq!(e.path().to_string(), "created_at");

    let e = serde_json::from_str::<Task>(r#"{"created_at": 1709242200, "due": null}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("an RFC 3339 timestamp such as"), "{e}");
    let e = serde_json::from_str::<Task>(
        r#"{"created_at": "2024-02-29T00:00:00Z", "due": "29.02.2024"}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("invalid RFC 3339 date \"29.02.2024\""), "{e}");
}

#[test]
fn system_time_both_ways() {
    let t = ts("2024-02-29T21:30:00.123456789Z");
    let system = SystemTime::try_from(t).unwrap();
    assert_eq!(
        system.duration_since(SystemTime::UNIX_EPOCH).unwrap(),
        Duration::new(1_709_242_200, 123_456_789)
    );
    assert_eq!(Timestamp::try_from(system).unwrap(), t);

    let before = ts("1969-12-31T23:59:58.25Z");
    let system = SystemTime::try_from(before).unwrap();
    assert_eq!(
        SystemTime::UNIX_EPOCH.duration_since(system).unwrap(),
        Duration::from_millis(1750)
    );
    assert_eq!(Timestamp::try_from(system).unwrap(), before);

    let now = Timestamp::now().unwrap();
    assert!(now > ts("2024-01-01T00:00:00Z"));
    let far = SystemTime::UNIX_EPOCH + Duration::from_secs(300_000_000_000);
    assert!(Timestamp::try_from(far).is_err(), "past 9999");
    // Both ends of the range, where the platform's clock type reaches them (Unix does).
    if cfg!(unix) {
        for t in [Timestamp::MIN, Timestamp::MAX] {
            assert_eq!(
                Timestamp::try_from(SystemTime::try_from(t).unwrap()).unwrap(),
                t
            );
        }
    }
}
