//! Lowers schemas into named types and type references: the type space (components, `$ref`s,
//! inline types defined once per shape). What a schema becomes is decided in `shapes` (scalars,
//! enums, objects, `allOf`) and `unions` (`oneOf`/`anyOf`), over one [`SchemaView`] of it.

mod shapes;
mod unions;
pub mod view;

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use view::SchemaView;

use crate::document::Document;
use crate::error::{Result, escape_pointer};
use crate::ident::{self, Namespace};
use crate::ir::{Diagnostic, DiagnosticKind, TypeDef, TypeKind, TypeRef, Usage};

/// A schema lowered to a use site: its type plus what the site needs to know.
#[derive(Debug, Clone)]
pub struct Lowered {
    /// The type.
    pub ty: TypeRef,
    /// Null is allowed.
    pub nullable: bool,
    /// A fixed value (`const`, one-value enum).
    pub constant: Option<Value>,
}

/// All named types of an API, built up while lowering.
pub struct TypeSpace<'a> {
    doc: &'a Document,
    components: Option<&'a IndexMap<String, ReferenceOr<Schema>>>,
    names: Namespace,
    /// `#/components/schemas/X` → Rust name.
    by_ref: HashMap<String, String>,
    defs: BTreeMap<String, TypeDef>,
    /// Schemas reached through non-component pointers, lowered once.
    by_pointer: HashMap<String, Lowered>,
    /// Structural key of every inline type → its name, to define each shape once.
    inline_shapes: HashMap<String, String>,
    /// Diagnostics found on the way.
    pub diagnostics: Vec<Diagnostic>,
}

const COMPONENTS: &str = "#/components/schemas/";

impl<'a> TypeSpace<'a> {
    /// Names every component schema (sorted by wire name) and lowers them all.
    pub fn new(doc: &'a Document) -> Result<Self> {
        let components = doc.openapi.components.as_ref().map(|c| &c.schemas);
        let mut space = Self {
            doc,
            components,
            names: Namespace::default(),
            by_ref: HashMap::new(),
            defs: BTreeMap::new(),
            by_pointer: HashMap::new(),
            inline_shapes: HashMap::new(),
            diagnostics: Vec::new(),
        };
        let mut wire: Vec<&String> = components.map(|c| c.keys().collect()).unwrap_or_default();
        wire.sort();
        for name in &wire {
            let rust = space.names.claim(&ident::camel(name));
            space
                .by_ref
                .insert(format!("{COMPONENTS}{}", escape_pointer(name)), rust);
        }
        for name in wire {
            let origin = format!("{COMPONENTS}{}", escape_pointer(name));
            let rust = space.by_ref[&origin].clone();
            let schema = &components.expect("names came from components")[name];
            let schema = match schema {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { reference } => {
                    let target = space.ref_type(reference, &origin)?;
                    space.insert(TypeDef {
                        name: rust,
                        origin,
                        docs: None,
                        kind: TypeKind::Alias(target.ty),
                        usage: Usage::Unused,
                        example: None,
                    });
                    continue;
                }
            };
            space.define(&rust, schema, &origin)?;
        }
        Ok(space)
    }

    /// The finished types, sorted by name, with recursive fields boxed.
    pub fn finish(mut self) -> (Vec<TypeDef>, Vec<Diagnostic>) {
        crate::lower::recursion::box_cycles(&mut self.defs, &mut self.diagnostics);
        (self.defs.into_values().collect(), self.diagnostics)
    }

    /// Looks up a defined type.
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.defs.get(name)
    }

    fn insert(&mut self, def: TypeDef) {
        self.defs.insert(def.name.clone(), def);
    }

    /// Records a diagnostic.
    pub fn diag(&mut self, kind: DiagnosticKind, location: &str, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(kind, location, message));
    }

    /// Lowers a schema at a use site. `hint` names an inline type if one is needed.
    pub fn lower(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        origin: &str,
    ) -> Result<Lowered> {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_type(reference, origin),
            ReferenceOr::Item(schema) => self.lower_inline(schema, hint, origin),
        }
    }

    /// Same as [`Self::lower`] for boxed schemas (properties, items).
    pub fn lower_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        hint: &str,
        origin: &str,
    ) -> Result<Lowered> {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_type(reference, origin),
            ReferenceOr::Item(schema) => self.lower_inline(schema, hint, origin),
        }
    }

    /// The type of a `$ref` to a component schema, if it names one.
    pub fn component_type(&self, reference: &str) -> Option<TypeRef> {
        self.by_ref.get(reference).cloned().map(TypeRef::Named)
    }

    /// Resolves a `$ref` to a schema.
    pub fn ref_type(&mut self, reference: &str, origin: &str) -> Result<Lowered> {
        if let Some(name) = self.by_ref.get(reference) {
            let nullable = self.component_nullable(reference);
            return Ok(Lowered {
                ty: TypeRef::Named(name.clone()),
                nullable,
                constant: None,
            });
        }
        if let Some(done) = self.by_pointer.get(reference) {
            return Ok(done.clone());
        }
        let schema = self.doc.schema_at(reference, origin)?;
        let hint = reference
            .rsplit('/')
            .next()
            .map(ident::camel)
            .unwrap_or_else(|| "Schema".into());
        // Guard against a pointer that refers to itself.
        self.by_pointer.insert(
            reference.to_owned(),
            Lowered {
                ty: TypeRef::Json,
                nullable: false,
                constant: None,
            },
        );
        let lowered = self.lower(&schema, &hint, reference)?;
        self.by_pointer
            .insert(reference.to_owned(), lowered.clone());
        Ok(lowered)
    }

    fn component_nullable(&self, reference: &str) -> bool {
        let name = reference
            .strip_prefix(COMPONENTS)
            .unwrap_or(reference)
            .replace("~1", "/")
            .replace("~0", "~");
        matches!(self.components.and_then(|c| c.get(&name)), Some(ReferenceOr::Item(s)) if s.schema_data.nullable)
    }

    fn resolve_component(&self, reference: &str) -> Option<&'a Schema> {
        let name = reference
            .strip_prefix(COMPONENTS)?
            .replace("~1", "/")
            .replace("~0", "~");
        match self.components?.get(&name)? {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => self.resolve_component(reference),
        }
    }

    /// Defines a named type for `schema`, or an alias when the schema is not a struct, enum or union.
    fn define(&mut self, name: &str, schema: &Schema, origin: &str) -> Result<()> {
        let data = &schema.schema_data;
        let title = (data.title.as_deref()).filter(|t| !is_name_spelled_out(t, name));
        let docs = docs_from(title, data.description.as_deref());
        let kind = match self.shape(schema, name, origin)? {
            Shape::Def(kind) => kind,
            Shape::Ref(lowered) => {
                let ty = if lowered.nullable && !schema.schema_data.nullable {
                    TypeRef::Option(Box::new(lowered.ty))
                } else {
                    lowered.ty
                };
                TypeKind::Alias(ty)
            }
        };
        self.insert(TypeDef {
            name: name.to_owned(),
            origin: origin.to_owned(),
            docs,
            kind,
            usage: Usage::Unused,
            example: schema.schema_data.example.clone(),
        });
        Ok(())
    }

    fn lower_inline(&mut self, schema: &Schema, hint: &str, origin: &str) -> Result<Lowered> {
        let nullable = schema.schema_data.nullable;
        let constant = constant_of(schema);
        if constant.is_some() {
            let ty = match SchemaView::of(schema).typ {
                Some("integer") => TypeRef::I64,
                Some("number") => TypeRef::F64,
                Some("boolean") => TypeRef::Bool,
                _ => TypeRef::String,
            };
            return Ok(Lowered {
                ty,
                nullable,
                constant,
            });
        }
        match self.shape(schema, hint, origin)? {
            Shape::Ref(mut lowered) => {
                lowered.nullable |= nullable;
                Ok(lowered)
            }
            Shape::Def(mut kind) => {
                // Identical inline shapes (GitHub repeats the same nested object hundreds of
                // times) become one type: less code, faster builds, one name for one shape.
                let key = structural_key(&mut kind);
                if let Some(existing) = self.inline_shapes.get(&key) {
                    return Ok(Lowered {
                        ty: TypeRef::Named(existing.clone()),
                        nullable,
                        constant: None,
                    });
                }
                let name = self.names.claim(&ident::camel(hint));
                self.inline_shapes.insert(key, name.clone());
                self.insert(TypeDef {
                    name: name.clone(),
                    origin: origin.to_owned(),
                    docs: docs_of(schema),
                    kind,
                    usage: Usage::Unused,
                    example: schema.schema_data.example.clone(),
                });
                Ok(Lowered {
                    ty: TypeRef::Named(name),
                    nullable,
                    constant: None,
                })
            }
        }
    }
}

/// What a schema becomes.
enum Shape {
    /// A new type definition (named after the use site, or the component).
    Def(TypeKind),
    /// A reference to a type that exists already.
    Ref(Lowered),
}

/// A key that is equal for two type shapes exactly when they would generate the same code apart
/// from docs. The fields' docs are set aside while the key is written, then put back.
fn structural_key(kind: &mut TypeKind) -> String {
    let TypeKind::Struct(s) = kind else {
        return format!("{kind:?}");
    };
    let docs: Vec<_> = s.fields.iter_mut().map(|f| f.docs.take()).collect();
    // A struct's key (`Struct { … }`) cannot equal another kind's (`Enum(…)`, `Alias(…)`, …).
    let key = format!("{s:?}");
    for (field, docs) in s.fields.iter_mut().zip(docs) {
        field.docs = docs;
    }
    key
}

/// `Option<T>` for nullable items inside containers.
fn wrap_nullable(lowered: Lowered) -> TypeRef {
    if lowered.nullable && !matches!(lowered.ty, TypeRef::Json | TypeRef::Option(_)) {
        TypeRef::Option(Box::new(lowered.ty))
    } else {
        lowered.ty
    }
}

/// Whether a title only spells out the name (`Task Id` for `task_id`, `TaskResponse` for itself).
fn is_name_spelled_out(title: &str, name: &str) -> bool {
    let squash = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    squash(title) == squash(name)
}

/// Doc text of a property: its description, else its title. (Titles of properties are mostly
/// the name spelled out, as FastAPI writes them: `task_id` → "Task Id".)
fn field_docs(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    data.description
        .clone()
        .filter(|d| !d.trim().is_empty())
        .or_else(|| data.title.clone())
}

/// Doc text of a schema: title and description.
pub fn docs_of(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    docs_from(data.title.as_deref(), data.description.as_deref())
}

/// Doc text of a title and a description.
fn docs_from(title: Option<&str>, description: Option<&str>) -> Option<String> {
    match (title, description) {
        (Some(t), Some(d)) if !d.trim().is_empty() => Some(format!("{t}\n\n{d}")),
        (_, Some(d)) if !d.trim().is_empty() => Some(d.to_owned()),
        (Some(t), _) if !t.trim().is_empty() => Some(t.to_owned()),
        _ => None,
    }
}

/// The fixed value of a constant schema (`const`, which normalizing marks `x-sdkgen-const`).
fn constant_of(schema: &Schema) -> Option<Value> {
    if schema.schema_data.extensions.get("x-sdkgen-const") != Some(&Value::Bool(true)) {
        return None;
    }
    SchemaView::of(schema).values().next().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Presence, TypeKind};

    /// Lowers the component schemas of a document made of `schemas`.
    fn lowered(schemas: serde_json::Value) -> Vec<TypeDef> {
        let text = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        })
        .to_string();
        let spec = crate::load::load_str(&text, "test").expect("loads");
        let space = TypeSpace::new(&spec.document).expect("lowers");
        space.finish().0
    }

    fn kind<'a>(defs: &'a [TypeDef], name: &str) -> &'a TypeKind {
        &defs.iter().find(|d| d.name == name).expect("defined").kind
    }

    #[test]
    fn object_fields_carry_presence() {
        let defs = lowered(serde_json::json!({
            "Task": {
                "type": "object",
                "required": ["id", "note"],
                "properties": {
                    "id": {"type": "string"},
                    "note": {"type": "string", "nullable": true},
                    "size": {"type": "integer", "format": "int32"},
                    "tag": {"type": "string", "nullable": true},
                },
            },
        }));
        let TypeKind::Struct(s) = kind(&defs, "Task") else {
            panic!("a struct");
        };
        let presence: Vec<Presence> = s.fields.iter().map(|f| f.presence).collect();
        assert_eq!(
            presence,
            [
                Presence::Required,
                Presence::Nullable,
                Presence::Optional,
                Presence::AbsentOrNull,
            ]
        );
        assert_eq!(s.fields[2].ty, TypeRef::I32);
        assert!(s.has_required_values && !s.derive_default);
    }

    #[test]
    fn typed_and_mixed_schemas_lower_alike() {
        // The second schema has `not` beside `type`, so openapiv3 reads it as a mixed schema.
        let mixed =
            serde_json::json!({"type": "integer", "format": "uint64", "not": {"type": "string"}});
        let parsed: Schema = serde_json::from_value(mixed.clone()).expect("a schema");
        assert!(matches!(parsed.schema_kind, openapiv3::SchemaKind::Any(_)));
        let defs = lowered(serde_json::json!({
            "Plain": {"type": "integer", "format": "uint64"},
            "Mixed": mixed,
        }));
        assert!(matches!(
            kind(&defs, "Plain"),
            TypeKind::Alias(TypeRef::U64)
        ));
        assert!(matches!(
            kind(&defs, "Mixed"),
            TypeKind::Alias(TypeRef::U64)
        ));
    }

    #[test]
    fn all_of_merges_object_parts_and_ignores_modifiers() {
        let defs = lowered(serde_json::json!({
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Named": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {"name": {"type": "string"}}},
                {"description": "only words"},
            ]},
            "Same": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"nullable": true}]},
        }));
        let TypeKind::Struct(s) = kind(&defs, "Named") else {
            panic!("a struct");
        };
        let wires: Vec<&str> = s.fields.iter().map(|f| f.wire.as_str()).collect();
        assert_eq!(wires, ["id", "name"]);
        assert!(matches!(
            kind(&defs, "Same"),
            TypeKind::Alias(TypeRef::Option(inner)) if **inner == TypeRef::Named("Base".into())
        ));
    }

    #[test]
    fn all_of_scalar_parts_compose_into_the_scalar() {
        let defs = lowered(serde_json::json!({
            "identifier": {"type": "string", "maxLength": 32},
            "Status": {"type": "string", "enum": ["on", "off"]},
            "Id": {"allOf": [
                {"$ref": "#/components/schemas/identifier"},
                {"type": "string", "readOnly": true, "description": "The id."},
            ]},
            "State": {"allOf": [{"type": "string", "minLength": 1}, {"$ref": "#/components/schemas/Status"}]},
        }));
        assert!(matches!(
            kind(&defs, "Id"),
            TypeKind::Alias(TypeRef::Named(n)) if n == "Identifier"
        ));
        assert!(matches!(
            kind(&defs, "State"),
            TypeKind::Alias(TypeRef::Named(n)) if n == "Status"
        ));
        // Scalars of different types still fall back (and say so).
        let text = serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Mixed": {"allOf": [{"type": "string"}, {"type": "integer"}]}}},
        })
        .to_string();
        let spec = crate::load::load_str(&text, "test").expect("loads");
        let (_, diagnostics) = TypeSpace::new(&spec.document).expect("lowers").finish();
        assert_eq!(diagnostics.len(), 2);
        assert!(
            diagnostics
                .iter()
                .all(|d| d.kind == DiagnosticKind::Unsupported)
        );
    }

    #[test]
    fn tagged_unions_name_variants_after_their_tags() {
        let defs = lowered(serde_json::json!({
            "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["cat"]}}},
            "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["dog"]}}},
            "Pet": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind"},
            },
            "Loose": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/Cat"}]},
        }));
        let TypeKind::Union(pet) = kind(&defs, "Pet") else {
            panic!("a union");
        };
        let names: Vec<&str> = pet.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Cat", "Dog"]);
        assert_eq!(pet.tag.as_ref().map(|t| t.property.as_str()), Some("kind"));
        let TypeKind::Union(loose) = kind(&defs, "Loose") else {
            panic!("a union");
        };
        // Untagged: the object is tried before the string.
        assert!(loose.tag.is_none());
        assert_eq!(loose.variants[0].ty, TypeRef::Named("Cat".into()));
    }
}
