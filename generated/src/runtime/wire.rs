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

