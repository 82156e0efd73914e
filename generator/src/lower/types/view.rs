//! One view over a schema, whichever shape `openapiv3` read it into: a typed schema
//! (`SchemaKind::Type`), a bare composition (`oneOf`, `anyOf`, `allOf`, `not`) or a schema of mixed
//! keywords (`SchemaKind::Any`) all become the same fields, so every lowering rule is written once.

use std::sync::LazyLock;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

/// Named properties of an object schema.
pub type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

static NO_PROPERTIES: LazyLock<Properties> = LazyLock::new(IndexMap::new);

/// The keywords of a schema that lowering reads.
#[derive(Debug, Clone)]
pub struct SchemaView<'s> {
    /// `type` (`string`, `integer`, `number`, `boolean`, `array`, `object`), if stated.
    pub typ: Option<&'s str>,
    /// `format`, if stated.
    pub format: Option<&'s str>,
    /// `enum` values, nulls included, in order.
    pub enumeration: Vec<Value>,
    /// `properties`.
    pub properties: &'s Properties,
    /// `required`.
    pub required: &'s [String],
    /// `additionalProperties`.
    pub additional: Option<&'s AdditionalProperties>,
    /// `items`.
    pub items: Option<&'s ReferenceOr<Box<Schema>>>,
    /// `allOf` parts.
    pub all_of: &'s [ReferenceOr<Schema>],
    /// `oneOf` (else `anyOf`) branches with the keyword's name, when there are any.
    pub union: Option<(&'s [ReferenceOr<Schema>], &'static str)>,
    /// A `not` is present.
    pub not: bool,
}

impl<'s> SchemaView<'s> {
    /// The view of a schema.
    pub fn of(schema: &'s Schema) -> Self {
        let mut view = SchemaView {
            typ: None,
            format: None,
            enumeration: Vec::new(),
            properties: &NO_PROPERTIES,
            required: &[],
            additional: None,
            items: None,
            all_of: &[],
            union: None,
            not: false,
        };
        match &schema.schema_kind {
            SchemaKind::Type(ty) => view.typed(ty),
            SchemaKind::OneOf { one_of } => view.union = union(one_of, "oneOf"),
            SchemaKind::AnyOf { any_of } => view.union = union(any_of, "anyOf"),
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::Not { .. } => view.not = true,
            SchemaKind::Any(any) => {
                view.typ = any.typ.as_deref();
                view.format = any.format.as_deref();
                view.enumeration.clone_from(&any.enumeration);
                view.properties = &any.properties;
                view.required = &any.required;
                view.additional = any.additional_properties.as_ref();
                view.items = any.items.as_ref();
                view.all_of = &any.all_of;
                view.union = union(&any.one_of, "oneOf").or_else(|| union(&any.any_of, "anyOf"));
                view.not = any.not.is_some();
            }
        }
        view
    }

    fn typed(&mut self, ty: &'s Type) {
        match ty {
            Type::String(s) => {
                self.typ = Some("string");
                self.format = format_name(&s.format, |f| match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                });
                self.enumeration = s
                    .enumeration
                    .iter()
                    .map(|v| v.clone().map_or(Value::Null, Value::String))
                    .collect();
            }
            Type::Integer(i) => {
                self.typ = Some("integer");
                self.format = format_name(&i.format, |f| match f {
                    IntegerFormat::Int32 => "int32",
                    IntegerFormat::Int64 => "int64",
                });
                self.enumeration = i
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::from))
                    .collect();
            }
            Type::Number(n) => {
                self.typ = Some("number");
                self.format = format_name(&n.format, |f| match f {
                    NumberFormat::Float => "float",
                    NumberFormat::Double => "double",
                });
                self.enumeration = n
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::from))
                    .collect();
            }
            Type::Boolean(b) => {
                self.typ = Some("boolean");
                self.enumeration = b
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::Bool))
                    .collect();
            }
            Type::Object(o) => {
                self.typ = Some("object");
                self.properties = &o.properties;
                self.required = &o.required;
                self.additional = o.additional_properties.as_ref();
            }
            Type::Array(a) => {
                self.typ = Some("array");
                self.items = a.items.as_ref();
            }
        }
    }

    /// The `enum` values other than null.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.enumeration.iter().filter(|v| !v.is_null())
    }

    /// The non-null `enum` values when they are all strings (and there is one at least).
    pub fn string_values(&self) -> Option<Vec<Value>> {
        let values: Vec<Value> = self.values().cloned().collect();
        (!values.is_empty() && values.iter().all(Value::is_string)).then_some(values)
    }

    /// The non-null `enum` values when they are all integers (and there is one at least).
    pub fn integer_values(&self) -> Option<Vec<Value>> {
        let values: Vec<Value> = self.values().cloned().collect();
        (!values.is_empty() && values.iter().all(|v| v.is_i64() || v.is_u64())).then_some(values)
    }

    /// An object: properties, `type: object`, or `additionalProperties`.
    pub fn is_object(&self) -> bool {
        !self.properties.is_empty() || self.typ == Some("object") || self.additional.is_some()
    }

    /// Constrains no shape: no type, properties, items, composition, `not`, `enum` or
    /// `additionalProperties` (only `nullable`, docs, examples, defaults, `required` lists).
    pub fn is_unconstrained(&self) -> bool {
        self.typ.is_none()
            && self.properties.is_empty()
            && self.items.is_none()
            && self.union.is_none()
            && self.all_of.is_empty()
            && !self.not
            && self.enumeration.is_empty()
            && self.additional.is_none()
    }
}

fn union<'s>(
    branches: &'s [ReferenceOr<Schema>],
    keyword: &'static str,
) -> Option<(&'s [ReferenceOr<Schema>], &'static str)> {
    (!branches.is_empty()).then_some((branches, keyword))
}

fn format_name<F>(
    format: &VariantOrUnknownOrEmpty<F>,
    name: impl Fn(&F) -> &'static str,
) -> Option<&str> {
    match format {
        VariantOrUnknownOrEmpty::Item(f) => Some(name(f)),
        VariantOrUnknownOrEmpty::Unknown(f) => Some(f),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(json: Value) -> Schema {
        serde_json::from_value(json).expect("a schema")
    }

    #[test]
    fn typed_and_mixed_schemas_read_the_same() {
        let typed =
            schema(serde_json::json!({"type": "string", "format": "binary", "enum": ["a"]}));
        let mixed = schema(serde_json::json!({
            "type": "string", "format": "binary", "enum": ["a"], "oneOf": [{"type": "string"}]
        }));
        assert!(matches!(mixed.schema_kind, SchemaKind::Any(_)));
        for s in [&typed, &mixed] {
            let view = SchemaView::of(s);
            assert_eq!(view.typ, Some("string"));
            assert_eq!(view.format, Some("binary"));
            assert_eq!(view.string_values(), Some(vec![Value::from("a")]));
        }
        assert!(SchemaView::of(&typed).union.is_none());
        assert_eq!(SchemaView::of(&mixed).union.map(|u| u.1), Some("oneOf"));
    }

    #[test]
    fn unknown_formats_are_kept() {
        let s = schema(serde_json::json!({"type": "integer", "format": "uint64"}));
        assert_eq!(SchemaView::of(&s).format, Some("uint64"));
    }

    #[test]
    fn enums_of_integers_and_nulls() {
        let s = schema(serde_json::json!({"type": "integer", "enum": [1, null, 2]}));
        let view = SchemaView::of(&s);
        assert_eq!(view.enumeration.len(), 3);
        assert_eq!(
            view.integer_values(),
            Some(vec![Value::from(1), Value::from(2)])
        );
        assert_eq!(view.string_values(), None);
    }

    #[test]
    fn objects_and_unconstrained_schemas() {
        let object = schema(serde_json::json!({"properties": {"a": {"type": "string"}}}));
        assert!(SchemaView::of(&object).is_object());
        let map = schema(serde_json::json!({"type": "object"}));
        assert!(SchemaView::of(&map).is_object());
        let note = schema(serde_json::json!({"description": "only words", "nullable": true}));
        assert!(SchemaView::of(&note).is_unconstrained());
        assert!(!SchemaView::of(&map).is_unconstrained());
        let any_of =
            schema(serde_json::json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}));
        assert_eq!(SchemaView::of(&any_of).union.map(|u| u.1), Some("anyOf"));
    }
}
