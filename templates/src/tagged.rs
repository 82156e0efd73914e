//! Decoding of tagged unions (a `oneOf` told apart by a string property such as `type`) in one pass, without
//! building a `serde_json::Value` of the whole object.
//!
//! The object's entries are read in order. Those before the tag (usually none, or an `id`) are kept as small
//! values; once the tag is read, the variant it names is decoded from a map that replays the kept entries and
//! the tag, then reads the rest straight from the input. So errors keep the position and the field path of
//! the real input, and an object whose tag comes first costs what decoding its variant alone costs. An object
//! without a string tag, or anything that is not an object, is kept whole as the union's unknown case, as is
//! an object whose tag no variant has.

use ::std::borrow::Cow;
use ::std::fmt;
use ::std::marker::PhantomData;
use ::std::string::String;

use serde::Deserialize as _;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A union whose variants are told apart by the string in one property, its tag. Generated unions implement
/// it and decode with [`deserialize`].
pub trait Tagged: Sized {
    /// The property that holds the tag (`"type"`).
    const TAG: &'static str;

    /// Decodes the variant that `tag` names from `deserializer`, which yields the whole object, the tag
    /// included. A tag no variant has gives the unknown case, the object kept as sent.
    fn from_tagged<'de, D: Deserializer<'de>>(tag: &str, deserializer: D)
    -> Result<Self, D::Error>;

    /// A value without a string tag (or one that is not an object), kept as sent.
    fn untagged(value: Value) -> Self;
}

/// Decodes a [`Tagged`] union in one pass over the input (see the module docs).
pub fn deserialize<'de, T: Tagged, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(UnionVisitor(PhantomData))
}

struct UnionVisitor<T>(PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for UnionVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` property", T::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut before = Kept::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if key != T::TAG {
                before.push((key, map.next_value::<Value>()?));
                continue;
            }
            return match map.next_value_seed(TagSeed)? {
                TagValue::Text(tag) => {
                    let rest = Replay {
                        before,
                        value: None,
                        tag_key: T::TAG,
                        tag: Some(&tag),
                        map,
                    };
                    T::from_tagged(&tag, MapAccessDeserializer::new(rest))
                }
                TagValue::Other(value) => {
                    before.push((key, value));
                    let object = collect(before, map)?;
                    Ok(T::untagged(Value::Object(object)))
                }
            };
        }
        Ok(T::untagged(Value::Object(collect(before, map)?)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(T::untagged)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        Ok(T::untagged(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Ok(T::untagged(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Ok(T::untagged(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Ok(T::untagged(Value::from(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::untagged(Value::from(v)))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Ok(T::untagged(Value::String(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::untagged(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok(T::untagged(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserialize(deserializer)
    }
}

/// The entries read before the tag, in order. The first (usually the only one: an `id`) is held inline, so
/// that the common envelope costs no allocation beyond what decoding its variant costs.
#[derive(Default)]
struct Kept<'de> {
    first: Option<(Cow<'de, str>, Value)>,
    rest: ::std::collections::VecDeque<(Cow<'de, str>, Value)>,
}

impl<'de> Kept<'de> {
    #[inline]
    fn push(&mut self, entry: (Cow<'de, str>, Value)) {
        if self.first.is_none() && self.rest.is_empty() {
            self.first = Some(entry);
        } else {
            self.rest.push_back(entry);
        }
    }

    #[inline]
    fn next(&mut self) -> Option<(Cow<'de, str>, Value)> {
        match self.first.take() {
            Some(entry) => Some(entry),
            None if self.rest.is_empty() => None,
            None => self.rest.pop_front(),
        }
    }

    #[inline]
    fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    fn into_entries(self) -> impl Iterator<Item = (Cow<'de, str>, Value)> {
        self.first.into_iter().chain(self.rest)
    }
}

/// The kept entries and the rest of `map`, as one JSON object.
fn collect<'de, A: MapAccess<'de>>(
    before: Kept<'de>,
    mut map: A,
) -> Result<serde_json::Map<String, Value>, A::Error> {
    let mut object: serde_json::Map<String, Value> = before
        .into_entries()
        .map(|(key, value)| (key.into_owned(), value))
        .collect();
    while let Some((key, value)) = map.next_entry::<String, Value>()? {
        object.insert(key, value);
    }
    Ok(object)
}

/// A key, borrowed from the input when it can be.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(CowVisitor)
    }
}

struct CowVisitor;

impl<'de> Visitor<'de> for CowVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// The tag's value: text (borrowed when it can be), or something else, kept.
enum TagValue<'de> {
    Text(Cow<'de, str>),
    Other(Value),
}

struct TagSeed;

impl<'de> DeserializeSeed<'de> for TagSeed {
    type Value = TagValue<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(TagVisitor)
    }
}

struct TagVisitor;

impl<'de> Visitor<'de> for TagVisitor {
    type Value = TagValue<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(TagValue::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(TagValue::Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(TagValue::Text(Cow::Owned(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(TagValue::Other(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(TagValue::Other(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(TagValue::Other(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(TagValue::Other(Value::from(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(TagValue::Other(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(TagValue::Other(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(TagVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(TagValue::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(TagValue::Other)
    }
}

/// The object as the variant sees it: the entries read before the tag, the tag, then the rest of the input.
struct Replay<'t, 'de, A> {
    before: Kept<'de>,
    /// The entry whose key was just handed out, when it is a kept one.
    value: Option<(Cow<'de, str>, Value)>,
    tag_key: &'static str,
    /// The tag, until its entry has been handed out.
    tag: Option<&'t str>,
    map: A,
}

/// Decodes a kept entry's value; an error names the field inside it (`data.count: invalid type: …`),
/// since the path the caller may be tracking does not see inside a kept value.
fn kept_value<'de, V: DeserializeSeed<'de>, E: de::Error>(
    seed: V,
    key: &str,
    value: Value,
) -> Result<V::Value, E> {
    if !matches!(value, Value::Array(_) | Value::Object(_)) {
        // Nothing inside a scalar to name (an `id` before the tag, say): decoded as it is, without tracking.
        return seed
            .deserialize(value)
            .map_err(|error| E::custom(format_args!("{key}: {error}")));
    }
    let mut track = serde_path_to_error::Track::new();
    seed.deserialize(serde_path_to_error::Deserializer::new(value, &mut track))
        .map_err(|error| {
            let inner = track.path().to_string();
            let sep = if inner.starts_with('[') { "" } else { "." };
            if inner == "." {
                E::custom(format_args!("{key}: {error}"))
            } else {
                E::custom(format_args!("{key}{sep}{inner}: {error}"))
            }
        })
}

/// Where the next value of a [`Replay`] comes from.
enum Next<'t, 'de> {
    Kept(Cow<'de, str>, Value),
    Tag(&'t str),
    Input,
}

impl<'t, 'de, A: MapAccess<'de>> Replay<'t, 'de, A> {
    fn next_value_source(&mut self) -> Next<'t, 'de> {
        if let Some((key, value)) = self.value.take() {
            return Next::Kept(key, value);
        }
        if self.before.len() == 0 {
            if let Some(tag) = self.tag.take() {
                return Next::Tag(tag);
            }
        }
        Next::Input
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        // The tag is handed out after every kept entry: once it is, the rest comes from the input alone.
        if self.tag.is_none() {
            return self.map.next_key_seed(seed);
        }
        if let Some((key, value)) = self.before.next() {
            self.value = Some((key.clone(), value));
            return seed
                .deserialize(de::value::CowStrDeserializer::<A::Error>::new(key))
                .map(Some);
        }
        seed.deserialize(de::value::StrDeserializer::<A::Error>::new(self.tag_key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if self.tag.is_none() && self.value.is_none() {
            return self.map.next_value_seed(seed);
        }
        match self.next_value_source() {
            Next::Kept(key, value) => kept_value(seed, &key, value),
            Next::Tag(tag) => seed.deserialize(de::value::StrDeserializer::<A::Error>::new(tag)),
            Next::Input => self.map.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        let replayed = self.before.len() + usize::from(self.tag.is_some());
        self.map.size_hint().map(|rest| rest + replayed)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Ping {
        id: String,
        r#type: String,
        data: PingData,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct PingData {
        count: u32,
    }

    #[derive(Debug, PartialEq)]
    enum Message {
        Ping(Ping),
        Unknown(Value),
    }

    impl super::Tagged for Message {
        const TAG: &'static str = "type";

        fn from_tagged<'de, D: serde::Deserializer<'de>>(
            tag: &str,
            deserializer: D,
        ) -> Result<Self, D::Error> {
            match tag {
                "ping" => {
                    <Ping as serde::Deserialize>::deserialize(deserializer).map(Message::Ping)
                }
                _ => <Value as serde::Deserialize>::deserialize(deserializer).map(Message::Unknown),
            }
        }

        fn untagged(value: Value) -> Self {
            Message::Unknown(value)
        }
    }

    impl<'de> serde::Deserialize<'de> for Message {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(deserializer)
        }
    }

    fn ping(count: u32) -> Message {
        Message::Ping(Ping {
            id: "evt_1".to_owned(),
            r#type: "ping".to_owned(),
            data: PingData { count },
        })
    }

    #[test]
    fn the_tag_may_come_anywhere() {
        for text in [
            r#"{"type":"ping","id":"evt_1","data":{"count":3}}"#,
            r#"{"id":"evt_1","type":"ping","data":{"count":3}}"#,
            r#"{"id":"evt_1","data":{"count":3},"type":"ping"}"#,
            r#"{"id":"evt_1","data":{"count":3},"ty\u0070e":"p\u0069ng"}"#,
        ] {
            assert_eq!(
                serde_json::from_str::<Message>(text).unwrap(),
                ping(3),
                "{text}"
            );
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                serde_json::from_value::<Message>(value).unwrap(),
                ping(3),
                "{text}"
            );
            let reader = serde_json::from_reader::<_, Message>(text.as_bytes()).unwrap();
            assert_eq!(reader, ping(3), "{text}");
        }
    }

    #[test]
    fn unknown_tags_and_untagged_values_are_kept_as_sent() {
        let text = r#"{"id":"evt_2","type":"pong","data":{"count":"many"},"extra":[1,null]}"#;
        let Message::Unknown(kept) = serde_json::from_str::<Message>(text).unwrap() else {
            panic!("an unknown tag is kept");
        };
        assert_eq!(kept, serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(kept.to_string(), text, "the entries keep their order");
        let text = r#"{"a":1,"b":[2],"c":{"d":3},"type":"pong","e":4}"#;
        let Message::Unknown(kept) = serde_json::from_str::<Message>(text).unwrap() else {
            panic!("an unknown tag is kept");
        };
        assert_eq!(
            kept.to_string(),
            text,
            "several entries before the tag keep their order"
        );
        for text in [
            r#"{"id":"evt_3"}"#,
            r#"{"id":"evt_3","type":7,"data":{}}"#,
            r#"{"type":null}"#,
            r#"{}"#,
            r#"[1,"two"]"#,
            r#""ping""#,
            "12",
            "null",
        ] {
            assert_eq!(
                serde_json::from_str::<Message>(text).unwrap(),
                Message::Unknown(serde_json::from_str(text).unwrap()),
                "{text}"
            );
        }
    }

    #[test]
    fn errors_name_the_field() {
        for text in [
            r#"{"type":"ping","id":"evt_1","data":{"count":"three"}}"#,
            r#"{"data":{"count":"three"},"id":"evt_1","type":"ping"}"#,
        ] {
            let mut de = serde_json::Deserializer::from_str(text);
            let err = serde_path_to_error::deserialize::<_, Vec<Message>>(&mut de);
            assert!(err.is_err(), "not a list");
            let wrapped = format!("[{text}]");
            let mut de = serde_json::Deserializer::from_str(&wrapped);
            let err = serde_path_to_error::deserialize::<_, Vec<Message>>(&mut de).unwrap_err();
            // The path is tracked into the entries read after the tag; an entry read before it names the
            // field in its message.
            let named = format!("{}: {}", err.path(), err.inner());
            assert!(named.contains("data.count"), "{named}");
            assert!(named.contains("invalid type"), "{named}");
        }
        // A scalar read before the tag names its key too.
        let scalar =
            serde_json::from_str::<Message>(r#"{"id":7,"type":"ping","data":{"count":1}}"#);
        let message = scalar.unwrap_err().to_string();
        assert!(
            message.starts_with("id: invalid type: integer `7`"),
            "{message}"
        );
        let missing = serde_json::from_str::<Message>(r#"{"type":"ping","id":"evt_1"}"#);
        assert!(
            missing
                .unwrap_err()
                .to_string()
                .contains("missing field `data`")
        );
    }
}
