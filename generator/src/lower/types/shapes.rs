//! What a schema becomes: scalars, forward-compatible enums, arrays, maps, structs and `allOf`
//! compositions (unions are in `unions`). Every rule reads a [`SchemaView`].

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind};
use serde_json::Value;

use super::view::{Properties, SchemaView};
use super::{Lowered, Shape, TypeSpace, field_docs, is_name_spelled_out, wrap_nullable};
use crate::error::{Error, Result, escape_pointer};
use crate::ident::{self, Namespace};
use crate::ir::{DiagnosticKind, Enum, EnumVariant, Field, Presence, Struct, TypeKind, TypeRef};

/// A shape that refers to `ty`, neither nullable nor constant.
pub(super) fn plain(ty: TypeRef) -> Shape {
    Shape::Ref(Lowered {
        ty,
        nullable: false,
        constant: None,
    })
}

/// The type of a schema with no structure of its own, by `type` and `format`.
pub(super) fn scalar(typ: Option<&str>, format: Option<&str>) -> TypeRef {
    match (typ, format) {
        (Some("string"), format) => crate::lower::formats::string_type(format),
        (Some("integer"), Some("int32")) => TypeRef::I32,
        (Some("integer"), Some("uint64")) => TypeRef::U64,
        (Some("integer"), _) => TypeRef::I64,
        (Some("number"), Some("float")) => TypeRef::F32,
        (Some("number"), _) => TypeRef::F64,
        (Some("boolean"), _) => TypeRef::Bool,
        (Some("array"), _) => TypeRef::Vec(Box::new(TypeRef::Json)),
        _ => TypeRef::Json,
    }
}

impl<'a> TypeSpace<'a> {
    /// Decides what a schema becomes: a new type definition, or a reference to an existing type.
    /// Compositions first (`allOf`, then `oneOf`/`anyOf`), then objects, arrays, enums, scalars.
    pub(super) fn shape(&mut self, schema: &Schema, hint: &str, origin: &str) -> Result<Shape> {
        let view = SchemaView::of(schema);
        if !view.all_of.is_empty() {
            let extra = (!view.properties.is_empty()).then_some((view.properties, view.required));
            return self.all_of_shape(view.all_of, extra, hint, origin);
        }
        if let Some((branches, keyword)) = view.union {
            if view.properties.is_empty() {
                return self.union_shape(branches, keyword, schema, hint, origin);
            }
            // Shared properties beside a union: fold them into every branch by composition.
            let shared = object_schema(view.properties, view.required);
            let composed: Vec<ReferenceOr<Schema>> = branches
                .iter()
                .map(|branch| {
                    ReferenceOr::Item(Schema {
                        schema_data: Default::default(),
                        schema_kind: SchemaKind::AllOf {
                            all_of: vec![branch.clone(), ReferenceOr::Item(shared.clone())],
                        },
                    })
                })
                .collect();
            return self.union_shape(&composed, keyword, schema, hint, origin);
        }
        if view.is_object() {
            let properties: Vec<_> = view.properties.iter().map(|(k, v)| (&**k, v)).collect();
            let required: Vec<&str> = view.required.iter().map(String::as_str).collect();
            return self.object_shape(&properties, &required, view.additional, hint, origin);
        }
        if let Some(items) = view.items {
            let item =
                self.lower_boxed(items, &format!("{hint}Item"), &format!("{origin}/items"))?;
            return Ok(plain(TypeRef::Vec(Box::new(wrap_nullable(item)))));
        }
        if let Some(values) = view.string_values() {
            return Ok(Shape::Def(TypeKind::Enum(enum_of(&values, false))));
        }
        if let Some(values) = view.integer_values() {
            return Ok(Shape::Def(TypeKind::Enum(enum_of(&values, true))));
        }
        Ok(plain(scalar(view.typ, view.format)))
    }

    /// A struct of `properties` (a map when there are none), extra properties kept in a
    /// flattened map.
    pub(super) fn object_shape(
        &mut self,
        properties: &[(&str, &ReferenceOr<Box<Schema>>)],
        required: &[&str],
        additional: Option<&AdditionalProperties>,
        hint: &str,
        origin: &str,
    ) -> Result<Shape> {
        let additional = match additional {
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            Some(AdditionalProperties::Schema(s)) => {
                let value_hint = format!("{hint}Value");
                let at = format!("{origin}/additionalProperties");
                Some(wrap_nullable(self.lower(s, &value_hint, &at)?))
            }
            _ => None,
        };
        if properties.is_empty() {
            let value = additional.unwrap_or(TypeRef::Json);
            return Ok(plain(TypeRef::Map(Box::new(value))));
        }
        let mut fields = Vec::new();
        let mut names = Namespace::default();
        for &(wire, prop) in properties {
            let name = names.claim(&ident::snake(wire));
            fields.push(self.field(name, wire, prop, required.contains(&wire), hint, origin)?);
        }
        let derive_default = fields.iter().all(|f| !f.presence.is_required());
        let has_required_values = fields
            .iter()
            .any(|f| f.presence.is_required() && f.constant.is_none());
        if additional.is_some() {
            names.claim("additional_properties");
        }
        Ok(Shape::Def(TypeKind::Struct(Struct {
            fields,
            additional,
            derive_default,
            has_required_values,
        })))
    }

    /// One property of an object schema.
    fn field(
        &mut self,
        name: String,
        wire: &str,
        prop: &ReferenceOr<Box<Schema>>,
        required: bool,
        hint: &str,
        origin: &str,
    ) -> Result<Field> {
        let prop_origin = format!("{origin}/properties/{}", escape_pointer(wire));
        let hint = format!("{hint}{}", ident::unraw(&ident::camel(wire)));
        let lowered = self.lower_boxed(prop, &hint, &prop_origin)?;
        let data = match prop {
            ReferenceOr::Item(s) => Some(&s.schema_data),
            ReferenceOr::Reference { reference } => {
                self.resolve_component(reference).map(|s| &s.schema_data)
            }
        };
        let docs = match prop {
            ReferenceOr::Item(s) => field_docs(s).filter(|d| !is_name_spelled_out(d, wire)),
            ReferenceOr::Reference { .. } => None,
        };
        Ok(Field {
            name,
            wire: wire.to_owned(),
            ty: lowered.ty,
            presence: presence(required, lowered.nullable),
            null_setter: None,
            boxed: false,
            docs,
            constant: lowered.constant,
            read_only: data.is_some_and(|d| d.read_only),
            write_only: data.is_some_and(|d| d.write_only),
            deprecated: data.is_some_and(|d| d.deprecated),
            // A `$ref` property's example is its type's (`TypeDef::example`).
            example: match prop {
                ReferenceOr::Item(s) => s.schema_data.example.clone(),
                ReferenceOr::Reference { .. } => None,
            },
        })
    }

    /// `allOf`: parts that only add `nullable` or docs change nothing; one structural part is that
    /// part; object parts (and `extra` properties beside the `allOf`) merge into one struct.
    pub(super) fn all_of_shape(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        extra: Option<(&Properties, &[String])>,
        hint: &str,
        origin: &str,
    ) -> Result<Shape> {
        let structural: Vec<(usize, &ReferenceOr<Schema>)> = parts
            .iter()
            .enumerate()
            .filter(|(_, p)| !is_modifier(p))
            .collect();
        let nullable_modifier = parts
            .iter()
            .any(|p| matches!(p, ReferenceOr::Item(s) if s.schema_data.nullable));
        if structural.len() == 1 && extra.is_none() {
            let (i, part) = structural[0];
            let mut lowered = self.lower(part, hint, &format!("{origin}/allOf/{i}"))?;
            lowered.nullable |= nullable_modifier;
            return Ok(Shape::Ref(lowered));
        }
        if parts.len() == 1 && extra.is_none() {
            let at = format!("{origin}/allOf/0");
            return Ok(Shape::Ref(self.lower(&parts[0], hint, &at)?));
        }
        if extra.is_none() {
            if let Some((i, part)) = self.scalar_composition(&structural) {
                let mut lowered = self.lower(part, hint, &format!("{origin}/allOf/{i}"))?;
                lowered.nullable |= nullable_modifier;
                return Ok(Shape::Ref(lowered));
            }
        }
        let mut merged = Merged::default();
        for (i, part) in structural {
            let at = format!("{origin}/allOf/{i}");
            if !self.collect_properties(part, &mut merged, &at)? {
                self.diag(
                    DiagnosticKind::Unsupported,
                    &at,
                    "allOf part is not an object schema; composed from its object parts only",
                );
            }
        }
        if let Some((props, req)) = extra {
            for (k, v) in props {
                merged.properties.insert(k, v);
            }
            merged.required.extend(req.iter().map(String::as_str));
        }
        if merged.properties.is_empty() && merged.additional.is_none() {
            // Nothing object-like: fall back to the first part.
            let at = format!("{origin}/allOf/0");
            return Ok(Shape::Ref(self.lower(&parts[0], hint, &at)?));
        }
        let properties: Vec<_> = merged.properties.into_iter().collect();
        self.object_shape(
            &properties,
            &merged.required,
            merged.additional,
            hint,
            origin,
        )
    }

    /// When every part is a scalar of one `type` (a string id plus `{type: string, readOnly:
    /// true}`), the part that stands for the composition: the first with an `enum`, else the
    /// first. The other parts only narrow it (formats, lengths, docs).
    fn scalar_composition<'p>(
        &self,
        parts: &[(usize, &'p ReferenceOr<Schema>)],
    ) -> Option<(usize, &'p ReferenceOr<Schema>)> {
        let mut typ = None;
        let mut chosen = None;
        for &(i, part) in parts {
            let schema = match part {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { reference } => self.resolve_component(reference)?,
            };
            let view = SchemaView::of(schema);
            let scalar = matches!(view.typ, Some("string" | "integer" | "number" | "boolean"))
                && view.properties.is_empty()
                && view.union.is_none()
                && view.all_of.is_empty()
                && view.items.is_none();
            if !scalar || typ.is_some_and(|t| Some(t) != view.typ) {
                return None;
            }
            typ = view.typ;
            let enumerated = !view.enumeration.is_empty();
            match chosen {
                None => chosen = Some((i, part, enumerated)),
                Some((_, _, false)) if enumerated => chosen = Some((i, part, enumerated)),
                Some(_) => {}
            }
        }
        chosen.map(|(i, part, _)| (i, part))
    }

    /// Gathers the properties of an `allOf` part. Returns false when the part is not object-like.
    fn collect_properties<'p>(
        &self,
        part: &'p ReferenceOr<Schema>,
        merged: &mut Merged<'p>,
        at: &str,
    ) -> Result<bool>
    where
        'a: 'p,
    {
        let schema = match part {
            ReferenceOr::Reference { reference } => {
                if !merged.seen.insert(reference) {
                    return Ok(true);
                }
                self.resolve_component(reference)
                    .ok_or_else(|| Error::Reference {
                        reference: reference.clone(),
                        pointer: at.to_owned(),
                    })?
            }
            ReferenceOr::Item(s) => s,
        };
        let view = SchemaView::of(schema);
        if view.union.is_some() || !matches!(view.typ, None | Some("object")) || view.not {
            return Ok(false);
        }
        for (k, v) in view.properties {
            merged.properties.insert(k, v);
        }
        merged
            .required
            .extend(view.required.iter().map(String::as_str));
        // Extra properties are kept when an object part declares them with `type: object`.
        if let (Some(additional), Some("object")) = (view.additional, view.typ) {
            merged.additional = Some(additional);
        }
        let mut ok = true;
        for sub in view.all_of {
            ok &= self.collect_properties(sub, merged, at)?;
        }
        Ok(ok)
    }
}

/// The object an `allOf` composes.
#[derive(Default)]
struct Merged<'p> {
    properties: IndexMap<&'p str, &'p ReferenceOr<Box<Schema>>>,
    required: Vec<&'p str>,
    additional: Option<&'p AdditionalProperties>,
    /// Component references already merged.
    seen: BTreeSet<&'p str>,
}

/// A field's presence from `required` and `nullable`. An optional nullable field starts as
/// absent-or-null; once usage is known it stays so only in types that are only sent.
fn presence(required: bool, nullable: bool) -> Presence {
    match (required, nullable) {
        (true, false) => Presence::Required,
        (true, true) => Presence::Nullable,
        (false, false) => Presence::Optional,
        (false, true) => Presence::AbsentOrNull,
    }
}

/// A schema that constrains nothing structurally (only `nullable`, docs, examples, defaults,
/// `required` lists), or a union of such (DigitalOcean: "inbound or outbound rules required").
pub(super) fn is_modifier(part: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(schema) = part else {
        return false;
    };
    let mut view = SchemaView::of(schema);
    match view.union.take() {
        Some((branches, _)) => view.is_unconstrained() && branches.iter().all(is_modifier),
        None => view.is_unconstrained(),
    }
}

/// An object schema of these properties.
fn object_schema(properties: &Properties, required: &[String]) -> Schema {
    Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Type(openapiv3::Type::Object(openapiv3::ObjectType {
            properties: properties.clone(),
            required: required.to_vec(),
            ..Default::default()
        })),
    }
}

/// Builds a forward-compatible enum from its values (deduplicated, names unique).
pub(super) fn enum_of(values: &[Value], integer: bool) -> Enum {
    let mut names = Namespace::default();
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for value in values {
        let wire = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if !seen.insert(wire.clone()) {
            continue;
        }
        let base = if wire.is_empty() {
            "Empty".to_owned()
        } else {
            ident::camel(&wire)
        };
        variants.push(EnumVariant {
            name: names.claim(ident::unraw(&base)),
            wire,
        });
    }
    let unknown = names.claim("Unknown");
    Enum {
        variants,
        integer,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(value: Value) -> ReferenceOr<Schema> {
        serde_json::from_value(value).expect("a schema")
    }

    #[test]
    fn scalars_by_type_and_format() {
        assert_eq!(scalar(Some("string"), Some("binary")), TypeRef::Bytes);
        assert_eq!(
            scalar(Some("string"), Some("date-time")),
            TypeRef::Timestamp
        );
        assert_eq!(scalar(Some("string"), Some("email")), TypeRef::String);
        assert_eq!(scalar(Some("integer"), Some("int32")), TypeRef::I32);
        assert_eq!(scalar(Some("integer"), Some("uint64")), TypeRef::U64);
        assert_eq!(scalar(Some("integer"), None), TypeRef::I64);
        assert_eq!(scalar(Some("number"), Some("float")), TypeRef::F32);
        assert_eq!(scalar(Some("number"), Some("double")), TypeRef::F64);
        assert_eq!(scalar(Some("boolean"), None), TypeRef::Bool);
        assert_eq!(
            scalar(Some("array"), None),
            TypeRef::Vec(Box::new(TypeRef::Json))
        );
        assert_eq!(scalar(None, None), TypeRef::Json);
    }

    #[test]
    fn presence_from_required_and_nullable() {
        assert_eq!(presence(true, false), Presence::Required);
        assert_eq!(presence(true, true), Presence::Nullable);
        assert_eq!(presence(false, false), Presence::Optional);
        assert_eq!(presence(false, true), Presence::AbsentOrNull);
    }

    #[test]
    fn modifiers_constrain_nothing() {
        assert!(is_modifier(&schema(
            json!({"description": "x", "nullable": true})
        )));
        assert!(is_modifier(&schema(json!({"required": ["a"]}))));
        assert!(is_modifier(&schema(
            json!({"anyOf": [{"required": ["a"]}, {"required": ["b"]}]})
        )));
        assert!(!is_modifier(&schema(json!({"type": "string"}))));
        assert!(!is_modifier(&schema(json!({"properties": {"a": {}}}))));
        assert!(!is_modifier(&schema(
            json!({"$ref": "#/components/schemas/A"})
        )));
    }

    #[test]
    fn enums_dedupe_values_and_keep_names_unique() {
        let e = enum_of(
            &[json!("a-b"), json!("a_b"), json!("a-b"), json!("")],
            false,
        );
        let names: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
        let wires: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
        assert_eq!(wires, ["a-b", "a_b", ""]);
        assert_eq!(names.len(), 3);
        assert!(names[0] != names[1]);
        assert_eq!(names[2], "Empty");
        assert_eq!(e.unknown, "Unknown");
    }
}
