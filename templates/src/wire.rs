//! Wire-format helpers shared by generated code: forward-compatible enums, parameter text.

use std::fmt;

/// Deserialises a string-valued enum through `From<&str>` without requiring an owned string, so
/// that an unknown value becomes the enum's catch-all variant instead of an error.
pub fn deserialize_str<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct Visitor<T>(std::marker::PhantomData<T>);

    impl<T> serde::de::Visitor<'_> for Visitor<T>
    where
        T: for<'a> From<&'a str>,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(Visitor(std::marker::PhantomData))
}

/// For `Option<Option<T>>` fields (optional and nullable, in request types): a present `null`
/// becomes `Some(None)`; an absent field stays `None` through `#[serde(default)]`.
pub fn absent_or_null<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// A parameter value as text, the way OpenAPI's `form`/`simple` styles write scalars: strings as
/// they are, numbers and booleans plain, arrays comma-joined. `None` (or null) gives `None`.
pub fn param_text<T: serde::Serialize + ?Sized>(value: &T) -> Option<String> {
    fn scalar(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    match serde_json::to_value(value).ok()? {
        serde_json::Value::Null => None,
        serde_json::Value::Array(items) => {
            Some(items.iter().map(scalar).collect::<Vec<_>>().join(","))
        }
        other => Some(scalar(&other)),
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq)]
    enum Colour {
        Red,
        Unknown(String),
    }

    impl From<&str> for Colour {
        fn from(value: &str) -> Self {
            match value {
                "red" => Self::Red,
                other => Self::Unknown(other.to_owned()),
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Colour {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            super::deserialize_str(d)
        }
    }

    #[test]
    fn absent_null_and_value_stay_apart() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Patch {
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "super::absent_or_null"
            )]
            name: Option<Option<String>>,
        }
        for (json, value) in [
            ("{}", None),
            (r#"{"name":null}"#, Some(None)),
            (r#"{"name":"a"}"#, Some(Some("a".to_owned()))),
        ] {
            let patch: Patch = serde_json::from_str(json).unwrap();
            assert_eq!(patch, Patch { name: value });
            assert_eq!(serde_json::to_string(&patch).unwrap(), json);
        }
    }

    #[test]
    fn param_text_styles() {
        assert_eq!(super::param_text("a b").as_deref(), Some("a b"));
        assert_eq!(super::param_text(&3).as_deref(), Some("3"));
        assert_eq!(super::param_text(&["x", "y"]).as_deref(), Some("x,y"));
        assert_eq!(super::param_text(&Option::<u8>::None), None);
    }

    /// Times, dates and bytes are written as their wire text (RFC 3339, base64), in UTC.
    #[test]
    fn param_text_of_times_dates_and_bytes() {
        let t: crate::time::Timestamp = "2024-02-29T23:30:00.5+02:00".parse().unwrap();
        assert_eq!(
            super::param_text(&t).as_deref(),
            Some("2024-02-29T21:30:00.500Z")
        );
        let d: crate::time::Date = "2024-02-29".parse().unwrap();
        assert_eq!(
            super::param_text(&[d, d]).as_deref(),
            Some("2024-02-29,2024-02-29")
        );
        let b = crate::bytes::Base64Bytes::from(b"hi?".to_vec());
        assert_eq!(super::param_text(&b).as_deref(), Some("aGk/"));
    }

    #[test]
    fn param_text_of_a_uuid_is_hyphenated() {
        let id = uuid::Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8);
        assert_eq!(
            super::param_text(&id).as_deref(),
            Some("67e55044-10b1-426f-9247-bb680e5fe0c8")
        );
    }

    #[test]
    fn known_unknown_and_escaped_values() {
        assert_eq!(
            serde_json::from_str::<Colour>(r#""red""#).unwrap(),
            Colour::Red
        );
        assert_eq!(
            serde_json::from_str::<Colour>(r#""teal""#).unwrap(),
            Colour::Unknown("teal".into())
        );
        assert_eq!(
            serde_json::from_str::<Colour>(r#""r\u0065d""#).unwrap(),
            Colour::Red
        );
        let value = serde_json::json!("red");
        assert_eq!(
            serde_json::from_value::<Colour>(value).unwrap(),
            Colour::Red
        );
        assert!(serde_json::from_str::<Colour>("1").is_err());
    }
}
