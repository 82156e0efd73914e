//! A parameter value as text without a detour through `serde_json::Value`: a serializer that writes scalars
//! (strings, integers, booleans, unit enum variants, newtypes around them) straight into a `String`, and
//! reports anything else (arrays, objects, floats, bytes) as compound, which the caller then encodes through a
//! `Value` as before. The text of a scalar is the one `serde_json::Value` would give: strings as they are,
//! integers and booleans plainly, a unit variant by its serialized name.

use ::std::fmt::{self, Display, Write as _};
use ::std::string::String;

use serde::ser::{self, Impossible, Serialize};

/// What a parameter value is, as far as text goes.
pub(crate) enum Scalar {
    /// `None` or `()`: the parameter is left out.
    Absent,
    /// The text of a scalar.
    Text(String),
    /// Not a scalar (or a float): encode it through a `Value`.
    Compound,
}

/// The scalar text of `value`, if it is a scalar.
pub(crate) fn scalar<T: Serialize + ?Sized>(value: &T) -> Result<Scalar, serde_json::Error> {
    match value.serialize(ScalarText) {
        Ok(scalar) => Ok(scalar),
        Err(NotScalar::Compound) => Ok(Scalar::Compound),
        Err(NotScalar::Custom(message)) => Err(ser::Error::custom(message)),
    }
}

/// Why a value has no scalar text.
#[derive(Debug)]
enum NotScalar {
    Compound,
    /// The value's own `Serialize` failed.
    Custom(String),
}

impl Display for NotScalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotScalar::Compound => f.write_str("not a scalar"),
            NotScalar::Custom(message) => f.write_str(message),
        }
    }
}

impl ::std::error::Error for NotScalar {}

impl ser::Error for NotScalar {
    fn custom<M: Display>(message: M) -> Self {
        NotScalar::Custom(message.to_string())
    }
}

struct ScalarText;

fn text(value: impl Display) -> Result<Scalar, NotScalar> {
    let mut out = String::new();
    write!(out, "{value}").map_err(|_| NotScalar::Compound)?;
    Ok(Scalar::Text(out))
}

impl ser::Serializer for ScalarText {
    type Ok = Scalar;
    type Error = NotScalar;
    type SerializeSeq = Impossible<Scalar, NotScalar>;
    type SerializeTuple = Impossible<Scalar, NotScalar>;
    type SerializeTupleStruct = Impossible<Scalar, NotScalar>;
    type SerializeTupleVariant = Impossible<Scalar, NotScalar>;
    type SerializeMap = Impossible<Scalar, NotScalar>;
    type SerializeStruct = Impossible<Scalar, NotScalar>;
    type SerializeStructVariant = Impossible<Scalar, NotScalar>;

    fn serialize_bool(self, v: bool) -> Result<Scalar, NotScalar> {
        Ok(Scalar::Text(String::from(if v { "true" } else { "false" })))
    }

    fn serialize_i8(self, v: i8) -> Result<Scalar, NotScalar> {
        text(v)
    }

    fn serialize_i16(self, v: i16) -> Result<Scalar, NotScalar> {
        text(v)
    }

    fn serialize_i32(self, v: i32) -> Result<Scalar, NotScalar> {
        text(v)
    }

    fn serialize_i64(self, v: i64) -> Result<Scalar, NotScalar> {
        text(v)
    }

    fn serialize_u8(self, v: u8) -> Result<Scalar, NotScalar> {
        text(v)
    }

    fn serialize_u16(self, v: u16) -> Result<Scalar, NotScalar> {
        text(v)
    }

    fn serialize_u32(self, v: u32) -> Result<Scalar, NotScalar> {
        text(v)
    }

    fn serialize_u64(self, v: u64) -> Result<Scalar, NotScalar> {
        text(v)
    }

    /// Floats (and 128-bit integers) go through `Value`, which owns their formatting and limits.
    fn serialize_f32(self, _: f32) -> Result<Scalar, NotScalar> {
        Err(NotScalar::Compound)
    }

    fn serialize_f64(self, _: f64) -> Result<Scalar, NotScalar> {
        Err(NotScalar::Compound)
    }

    fn serialize_i128(self, _: i128) -> Result<Scalar, NotScalar> {
        Err(NotScalar::Compound)
    }

    fn serialize_u128(self, _: u128) -> Result<Scalar, NotScalar> {
        Err(NotScalar::Compound)
    }

    fn serialize_char(self, v: char) -> Result<Scalar, NotScalar> {
        Ok(Scalar::Text(String::from(v)))
    }

    fn serialize_str(self, v: &str) -> Result<Scalar, NotScalar> {
        Ok(Scalar::Text(String::from(v)))
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<Scalar, NotScalar> {
        Err(NotScalar::Compound)
    }

    fn serialize_none(self) -> Result<Scalar, NotScalar> {
        Ok(Scalar::Absent)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Scalar, NotScalar> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Scalar, NotScalar> {
        Ok(Scalar::Absent)
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<Scalar, NotScalar> {
        Ok(Scalar::Absent)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Scalar, NotScalar> {
        Ok(Scalar::Text(String::from(variant)))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Scalar, NotScalar> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Scalar, NotScalar> {
        Err(NotScalar::Compound)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotScalar> {
        Err(NotScalar::Compound)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotScalar> {
        Err(NotScalar::Compound)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotScalar> {
        Err(NotScalar::Compound)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotScalar> {
        Err(NotScalar::Compound)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotScalar> {
        Err(NotScalar::Compound)
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotScalar> {
        Err(NotScalar::Compound)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotScalar> {
        Err(NotScalar::Compound)
    }

    /// A value that writes itself with `collect_str` (times, ids) is text like a string.
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<Scalar, NotScalar> {
        text(value)
    }
}

#[cfg(test)]
mod tests {
    use super::{Scalar, scalar};
    use serde_json::json;

    /// The text `serde_json::Value` gives, the way the parameter encoders read it.
    fn via_value<T: serde::Serialize>(value: &T) -> Option<String> {
        match serde_json::to_value(value).unwrap() {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some(s),
            other => Some(other.to_string()),
        }
    }

    fn same_as_value<T: serde::Serialize + ::std::fmt::Debug>(value: T) {
        match scalar(&value).unwrap() {
            Scalar::Absent => assert_eq!(via_value(&value), None, "{value:?}"),
            Scalar::Text(text) => assert_eq!(Some(text), via_value(&value), "{value:?}"),
            Scalar::Compound => panic!("{value:?} is a scalar"),
        }
    }

    #[derive(Debug, serde::Serialize)]
    enum Status {
        #[serde(rename = "in_progress")]
        InProgress,
    }

    #[derive(Debug, serde::Serialize)]
    struct TaskId(String);

    #[test]
    fn scalars_read_as_through_a_value() {
        same_as_value("task_1/ä b");
        same_as_value(String::new());
        same_as_value(-42i64);
        same_as_value(u64::MAX);
        same_as_value(7u8);
        same_as_value(true);
        same_as_value('x');
        same_as_value(Status::InProgress);
        same_as_value(TaskId("task_8c1f".to_owned()));
        same_as_value(Some(3u32));
        same_as_value(None::<u32>);
        same_as_value(());
    }

    #[test]
    fn others_are_compound() {
        for compound in [json!([1, 2]), json!({"a": 1})] {
            assert!(matches!(scalar(&compound).unwrap(), Scalar::Compound));
        }
        assert!(matches!(scalar(&1.5f64).unwrap(), Scalar::Compound));
        assert!(matches!(scalar(&vec![1u8]).unwrap(), Scalar::Compound));
        assert!(matches!(
            scalar(&Some(vec!["a"])).unwrap(),
            Scalar::Compound
        ));
    }

    struct Failing;

    impl serde::Serialize for Failing {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no text for this"))
        }
    }

    #[test]
    fn a_failing_value_is_an_error() {
        let error = scalar(&Failing).err().expect("fails");
        assert!(error.to_string().contains("no text for this"), "{error}");
    }
}
