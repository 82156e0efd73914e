//! Decoding of generated models (JSON objects with named fields) through shared code.
//!
//! A model's `Deserialize` is a [`Model`] impl: its name, its fields' wire names, and a `from_map` that reads
//! the object's entries into one local per field, then builds the value. Everything that does not depend on
//! the model (matching keys against the field list, skipping or keeping unknown keys, duplicate and missing
//! field errors) is here, compiled once for every model.
//!
//! A model is read from a map only: an API model is a JSON object, and reading one from an array by position
//! (what a derived `Deserialize` also accepts) would take a malformed answer for a valid one. Models skip
//! absent optional fields when they are written, so no format writes them as sequences either.

use ::std::collections::BTreeMap;
use ::std::fmt;
use ::std::marker::PhantomData;
use ::std::string::String;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, forward_to_deserialize_any};

/// A generated model, read from a map of its fields with [`deserialize`].
pub trait Model: Sized {
    /// The model's name, for errors ("invalid type: …, expected struct Name").
    const NAME: &'static str;

    /// The fields' names as they are on the wire, in the order of the model's fields.
    const FIELDS: &'static [&'static str];

    /// Reads the object's entries from `map` and builds the value.
    fn from_map<'de, A: MapAccess<'de>>(map: Fields<'de, A>) -> Result<Self, A::Error>;
}

/// Decodes a [`Model`] from `deserializer`.
pub fn deserialize<'de, T: Model, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, ModelVisitor(PhantomData))
}

struct ModelVisitor<T>(PhantomData<T>);

impl<'de, T: Model> Visitor<'de> for ModelVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(Fields {
            map,
            fields: T::FIELDS,
            current: 0,
            next: 0,
            lifetime: PhantomData,
        })
    }
}

/// The entries of a model's object, read field by field: [`Fields::next_field`] gives the index of the next
/// known field (in [`Model::FIELDS`]), [`Fields::value`] reads its value.
pub struct Fields<'de, A> {
    map: A,
    fields: &'static [&'static str],
    /// The index of the field whose value is next.
    current: usize,
    /// Where the search for the next key starts: objects usually list their fields in order.
    next: usize,
    lifetime: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> Fields<'de, A> {
    /// The index of the next known field, or `None` at the end of the object. Unknown keys are skipped with
    /// their values.
    pub fn next_field(&mut self) -> Result<Option<usize>, A::Error> {
        loop {
            match self.next_key(false)? {
                Some(Key::Field(index)) => return Ok(Some(index)),
                Some(Key::Unknown(_)) => {
                    self.map.next_value::<IgnoredAny>()?;
                }
                None => return Ok(None),
            }
        }
    }

    /// As [`Fields::next_field`], but the entries of unknown keys go into `additional` (a later entry of the
    /// same key replaces an earlier one).
    pub fn next_field_keeping<V: Deserialize<'de>>(
        &mut self,
        additional: &mut BTreeMap<String, V>,
    ) -> Result<Option<usize>, A::Error> {
        loop {
            match self.next_key(true)? {
                Some(Key::Field(index)) => return Ok(Some(index)),
                Some(Key::Unknown(Some(key))) => {
                    let value = self.map.next_value()?;
                    additional.insert(key, value);
                }
                Some(Key::Unknown(None)) => {
                    self.map.next_value::<IgnoredAny>()?;
                }
                None => return Ok(None),
            }
        }
    }

    fn next_key(&mut self, keep: bool) -> Result<Option<Key>, A::Error> {
        let seed = KeySeed {
            fields: self.fields,
            start: self.next,
            keep,
        };
        let key = self.map.next_key_seed(seed)?;
        if let Some(Key::Field(index)) = key {
            self.current = index;
            self.next = index + 1;
        }
        Ok(key)
    }

    /// Reads the value of the field [`Fields::next_field`] gave into `slot`; a field that is already set is
    /// a duplicate, an error.
    pub fn value<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>) -> Result<(), A::Error> {
        if slot.is_some() {
            return Err(de::Error::duplicate_field(self.fields[self.current]));
        }
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    /// The value of the required field `name`: an error if the object did not have it (unless its type has a
    /// value for "absent", as `Option` has).
    pub fn required<T: Deserialize<'de>>(
        &self,
        slot: Option<T>,
        name: &'static str,
    ) -> Result<T, A::Error> {
        match slot {
            Some(value) => Ok(value),
            None => T::deserialize(Missing(name, PhantomData)),
        }
    }
}

/// A key of a model's object: a known field's index, or an unknown key (its text if it is kept).
#[derive(Debug, PartialEq)]
enum Key {
    Field(usize),
    Unknown(Option<String>),
}

/// Reads one key and matches it against a model's field names, starting at `start` and wrapping around.
/// A known key costs no allocation, borrowed or not; an unknown one is copied only if it is kept.
struct KeySeed {
    fields: &'static [&'static str],
    start: usize,
    keep: bool,
}

impl KeySeed {
    /// The expected field first (objects usually list their fields in order), then all of them.
    #[inline]
    fn find(&self, key: &str) -> Option<usize> {
        match self.fields.get(self.start) {
            Some(&expected) if expected == key => Some(self.start),
            _ => self.fields.iter().position(|&field| field == key),
        }
    }

    #[inline]
    fn key(&self, key: &str, owned: impl FnOnce() -> String) -> Key {
        match self.find(key) {
            Some(index) => Key::Field(index),
            None => Key::Unknown(self.keep.then(owned)),
        }
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(self.key(key, || key.to_owned()))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key, E> {
        match self.find(&key) {
            Some(index) => Ok(Key::Field(index)),
            None => Ok(Key::Unknown(self.keep.then_some(key))),
        }
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Key, E> {
        match ::std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) if !self.keep => Ok(Key::Unknown(None)),
            Err(_) => Err(de::Error::invalid_value(de::Unexpected::Bytes(key), &self)),
        }
    }

    /// Formats that name fields by number give the index in the field list.
    fn visit_u64<E: de::Error>(self, index: u64) -> Result<Key, E> {
        match usize::try_from(index) {
            Ok(index) if index < self.fields.len() => Ok(Key::Field(index)),
            _ => Ok(Key::Unknown(None)),
        }
    }
}

/// The value of a field the object does not have: `None` for an `Option`, an error naming the field for
/// anything else.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{Fields, Model};
    use serde::de::MapAccess;

    /// A model as the generator writes one: required, optional, absent-or-null and boxed fields.
    #[derive(Debug, PartialEq, Default)]
    struct Pet {
        name: String,
        tag: Option<String>,
        owner: Option<Option<String>>,
        parent: Option<Box<Pet>>,
        nickname: Option<String>,
    }

    impl<'de> serde::Deserialize<'de> for Pet {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(deserializer)
        }
    }

    impl Model for Pet {
        const NAME: &'static str = "Pet";
        const FIELDS: &'static [&'static str] = &["name", "tag", "owner", "parent", "nick-name"];

        fn from_map<'de, A: MapAccess<'de>>(mut map: Fields<'de, A>) -> Result<Self, A::Error> {
            let mut name = None;
            let mut tag = None;
            let mut owner = None;
            let mut parent = None;
            let mut nickname = None;
            while let Some(field) = map.next_field()? {
                match field {
                    0 => map.value(&mut name)?,
                    1 => map.value(&mut tag)?,
                    2 => map.value(&mut owner)?,
                    3 => map.value(&mut parent)?,
                    4 => map.value(&mut nickname)?,
                    _ => {}
                }
            }
            Ok(Self {
                name: map.required(name, "name")?,
                tag: tag.unwrap_or_default(),
                owner,
                parent: parent.unwrap_or_default(),
                nickname: nickname.unwrap_or_default(),
            })
        }
    }

    /// A model that keeps the properties its schema does not name.
    #[derive(Debug, PartialEq)]
    struct Labels {
        id: i64,
        note: Option<serde_json::Value>,
        additional_properties: BTreeMap<String, String>,
    }

    impl<'de> serde::Deserialize<'de> for Labels {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(deserializer)
        }
    }

    impl Model for Labels {
        const NAME: &'static str = "Labels";
        const FIELDS: &'static [&'static str] = &["id", "note"];

        fn from_map<'de, A: MapAccess<'de>>(mut map: Fields<'de, A>) -> Result<Self, A::Error> {
            let mut id = None;
            let mut note = None;
            let mut additional_properties = BTreeMap::new();
            while let Some(field) = map.next_field_keeping(&mut additional_properties)? {
                match field {
                    0 => map.value(&mut id)?,
                    1 => map.value(&mut note)?,
                    _ => {}
                }
            }
            Ok(Self {
                id: map.required(id, "id")?,
                note: note.unwrap_or_default(),
                additional_properties,
            })
        }
    }

    /// Decodes `json` through every serde_json entry point (borrowed text, bytes, a reader, a `Value`) and
    /// checks that they agree.
    fn decode<T>(json: &str) -> Result<T, String>
    where
        T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        // A reader's error positions may be a column further on; the messages agree.
        let message = |e: serde_json::Error| {
            let text = e.to_string();
            text.split(" at line ")
                .next()
                .unwrap_or_default()
                .to_owned()
        };
        let from_str = serde_json::from_str::<T>(json).map_err(message);
        let from_slice = serde_json::from_slice::<T>(json.as_bytes()).map_err(message);
        let from_reader = serde_json::from_reader::<_, T>(json.as_bytes()).map_err(message);
        assert_eq!(from_str, from_slice, "{json}");
        assert_eq!(from_str, from_reader, "{json}");
        // A `Value` keeps the last of duplicate keys, so only what the text decodes to is compared.
        if let (Ok(decoded), Ok(value)) = (&from_str, serde_json::from_str(json)) {
            let from_value = serde_json::from_value::<T>(value).map_err(message);
            assert_eq!(
                from_value.as_ref(),
                Ok(decoded),
                "{json}: from_value differs"
            );
        }
        from_str
    }

    fn pet(name: &str) -> Pet {
        Pet {
            name: name.to_owned(),
            ..Pet::default()
        }
    }

    #[test]
    fn fields_in_any_order_and_escaped_keys() {
        let json = r#"{"nick-name":"Rex","owner":"ann","n\u0061me":"rex","tag":"dog"}"#;
        assert_eq!(
            decode::<Pet>(json).unwrap(),
            Pet {
                tag: Some("dog".into()),
                owner: Some(Some("ann".into())),
                nickname: Some("Rex".into()),
                ..pet("rex")
            }
        );
    }

    #[test]
    fn absent_null_and_value_stay_apart() {
        assert_eq!(decode::<Pet>(r#"{"name":"a"}"#).unwrap().owner, None);
        assert_eq!(
            decode::<Pet>(r#"{"name":"a","owner":null}"#).unwrap().owner,
            Some(None)
        );
        assert_eq!(
            decode::<Pet>(r#"{"name":"a","tag":null}"#).unwrap().tag,
            None
        );
    }

    #[test]
    fn boxed_fields_nest() {
        let json = r#"{"name":"b","parent":{"name":"a","parent":null}}"#;
        assert_eq!(
            decode::<Pet>(json).unwrap(),
            Pet {
                parent: Some(Box::new(pet("a"))),
                ..pet("b")
            }
        );
    }

    #[test]
    fn unknown_keys_are_skipped_with_their_values() {
        let json = r#"{"extra":{"deep":[1,{"name":"x"}]},"name":"a","\u00e9":null}"#;
        assert_eq!(decode::<Pet>(json).unwrap(), pet("a"));
    }

    #[test]
    fn duplicate_and_missing_fields_are_errors_as_serde_gives_them() {
        let duplicate = decode::<Pet>(r#"{"name":"a","tag":"x","tag":"y"}"#).unwrap_err();
        assert!(
            duplicate.starts_with("duplicate field `tag`"),
            "{duplicate}"
        );
        let escaped = decode::<Pet>(r#"{"name":"a","n\u0061me":"b"}"#).unwrap_err();
        assert!(escaped.starts_with("duplicate field `name`"), "{escaped}");
        let missing = decode::<Pet>(r#"{"tag":"x"}"#).unwrap_err();
        assert!(missing.starts_with("missing field `name`"), "{missing}");
        let wrong = decode::<Pet>(r#"{"name":1}"#).unwrap_err();
        assert!(
            wrong.starts_with("invalid type: integer `1`, expected a string"),
            "{wrong}"
        );
    }

    #[test]
    fn only_objects_are_models() {
        let array = decode::<Pet>(r#"["a"]"#).unwrap_err();
        assert!(
            array.starts_with("invalid type: sequence, expected struct Pet"),
            "{array}"
        );
        let null = decode::<Pet>("null").unwrap_err();
        assert!(
            null.starts_with("invalid type: null, expected struct Pet"),
            "{null}"
        );
    }

    /// A required field whose type has a value for "absent" takes it, as with a derived `Deserialize`.
    #[test]
    fn a_missing_option_is_none() {
        struct Maybe(Option<u8>);
        impl Model for Maybe {
            const NAME: &'static str = "Maybe";
            const FIELDS: &'static [&'static str] = &["n"];
            fn from_map<'de, A: MapAccess<'de>>(mut map: Fields<'de, A>) -> Result<Self, A::Error> {
                let mut n = None;
                while let Some(field) = map.next_field()? {
                    if field == 0 {
                        map.value(&mut n)?;
                    }
                }
                Ok(Self(map.required(n, "n")?))
            }
        }
        let mut de = serde_json::Deserializer::from_str("{}");
        let maybe: Maybe = super::deserialize(&mut de).unwrap();
        assert_eq!(maybe.0, None);
    }

    #[test]
    fn additional_properties_are_kept_and_known_fields_are_not() {
        let json = r#"{"b":"2","id":7,"a\n":"1","note":null,"b":"3"}"#;
        let labels = decode::<Labels>(json).unwrap();
        assert_eq!(labels.id, 7);
        assert_eq!(labels.note, None);
        let kept: Vec<(&str, &str)> = labels
            .additional_properties
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(kept, [("a\n", "1"), ("b", "3")]);
        let wrong = decode::<Labels>(r#"{"id":1,"x":2}"#).unwrap_err();
        assert!(
            wrong.starts_with("invalid type: integer `2`, expected a string"),
            "{wrong}"
        );
        let missing = decode::<Labels>(r#"{"x":"y"}"#).unwrap_err();
        assert!(missing.starts_with("missing field `id`"), "{missing}");
    }

    /// Borrowed keys (from text without escapes) and owned ones (escaped, or from a reader or a `Value`)
    /// match alike; an unknown key is copied only when it is kept.
    #[test]
    fn key_seed_reads_borrowed_owned_and_unknown_keys() {
        use serde::de::{DeserializeSeed, IntoDeserializer, value::Error};
        let seed = |keep| super::KeySeed {
            fields: &["a", "b"],
            start: 1,
            keep,
        };
        let borrowed = |key: &'static str, keep| {
            seed(keep).deserialize(serde::de::value::BorrowedStrDeserializer::<Error>::new(key))
        };
        let owned = |key: &str, keep| {
            seed(keep).deserialize(IntoDeserializer::<Error>::into_deserializer(key.to_owned()))
        };
        for read in [&borrowed as &dyn Fn(&'static str, bool) -> _, &owned] {
            assert_eq!(read("a", false).unwrap(), super::Key::Field(0));
            assert_eq!(read("b", true).unwrap(), super::Key::Field(1));
            assert_eq!(read("c", false).unwrap(), super::Key::Unknown(None));
            assert_eq!(
                read("c", true).unwrap(),
                super::Key::Unknown(Some("c".into()))
            );
        }
        let by_index = seed(false).deserialize(IntoDeserializer::<Error>::into_deserializer(1u64));
        assert_eq!(by_index.unwrap(), super::Key::Field(1));
    }
}
