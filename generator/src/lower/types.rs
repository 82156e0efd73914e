//! Lowers schemas into named types and type references.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use crate::document::Document;
use crate::error::{Error, Result, escape_pointer};
use crate::ident::{self, Namespace};
use crate::ir::{
    Diagnostic, DiagnosticKind, Enum, EnumVariant, Field, Presence, Struct, TypeDef, TypeKind,
    TypeRef, Union, UnionTag, UnionVariant, Usage,
};

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

type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

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
                ReferenceOr::Item(s) => s.clone(),
                ReferenceOr::Reference { reference } => {
                    let target = space.ref_type(reference, &origin)?;
                    space.insert(TypeDef {
                        name: rust,
                        origin,
                        docs: None,
                        kind: TypeKind::Alias(target.ty),
                        usage: Usage::Unused,
                    });
                    continue;
                }
            };
            space.define(&rust, &schema, &origin)?;
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
        let mut schema_docs = schema.clone();
        if schema_docs
            .schema_data
            .title
            .as_deref()
            .is_some_and(|t| is_name_spelled_out(t, name))
        {
            schema_docs.schema_data.title = None;
        }
        let docs = docs_of(&schema_docs);
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
        });
        Ok(())
    }

    fn lower_inline(&mut self, schema: &Schema, hint: &str, origin: &str) -> Result<Lowered> {
        let nullable = schema.schema_data.nullable;
        let constant = constant_of(schema);
        if constant.is_some() {
            let ty = match &schema.schema_kind {
                SchemaKind::Type(Type::Integer(_)) => TypeRef::I64,
                SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
                SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
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
            Shape::Def(kind) => {
                // Identical inline shapes (GitHub repeats the same nested object hundreds of
                // times) become one type: less code, faster builds, one name for one shape.
                let key = structural_key(&kind);
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
                });
                Ok(Lowered {
                    ty: TypeRef::Named(name),
                    nullable,
                    constant: None,
                })
            }
        }
    }

    /// Decides what a schema becomes: a new type definition, or a reference to an existing type.
    fn shape(&mut self, schema: &Schema, hint: &str, origin: &str) -> Result<Shape> {
        let plain = |ty| {
            Ok(Shape::Ref(Lowered {
                ty,
                nullable: false,
                constant: None,
            }))
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<Value> = s
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| Value::String(v.clone()))
                    .collect();
                if !values.is_empty() {
                    return Ok(Shape::Def(TypeKind::Enum(enum_of(&values, false))));
                }
                plain(super::formats::string_type(super::formats::format_text(
                    &s.format,
                )))
            }
            SchemaKind::Type(Type::Integer(i)) => {
                let values: Vec<Value> = i
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| Value::from(*v))
                    .collect();
                if !values.is_empty() {
                    return Ok(Shape::Def(TypeKind::Enum(enum_of(&values, true))));
                }
                let ty = match &i.format {
                    openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => {
                        TypeRef::I32
                    }
                    openapiv3::VariantOrUnknownOrEmpty::Unknown(f) if f == "uint64" => TypeRef::U64,
                    _ => TypeRef::I64,
                };
                plain(ty)
            }
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => {
                    plain(TypeRef::F32)
                }
                _ => plain(TypeRef::F64),
            },
            SchemaKind::Type(Type::Boolean(_)) => plain(TypeRef::Bool),
            SchemaKind::Type(Type::Array(a)) => {
                let item_hint = format!("{hint}Item");
                let item = match &a.items {
                    Some(items) => {
                        self.lower_boxed(items, &item_hint, &format!("{origin}/items"))?
                    }
                    None => Lowered {
                        ty: TypeRef::Json,
                        nullable: false,
                        constant: None,
                    },
                };
                plain(TypeRef::Vec(Box::new(wrap_nullable(item))))
            }
            SchemaKind::Type(Type::Object(o)) => self.object_shape(
                &o.properties,
                &o.required,
                o.additional_properties.as_ref(),
                hint,
                origin,
            ),
            SchemaKind::OneOf { one_of } => self.union_shape(one_of, schema, hint, origin),
            SchemaKind::AnyOf { any_of } => self.union_shape(any_of, schema, hint, origin),
            SchemaKind::AllOf { all_of } => self.all_of_shape(all_of, None, hint, origin),
            SchemaKind::Not { .. } => plain(TypeRef::Json),
            SchemaKind::Any(any) => self.any_shape(any, schema, hint, origin),
        }
    }

    fn any_shape(
        &mut self,
        any: &openapiv3::AnySchema,
        schema: &Schema,
        hint: &str,
        origin: &str,
    ) -> Result<Shape> {
        let plain = |ty| {
            Ok(Shape::Ref(Lowered {
                ty,
                nullable: false,
                constant: None,
            }))
        };
        if !any.all_of.is_empty() {
            let extra = (!any.properties.is_empty()).then_some((&any.properties, &any.required));
            return self.all_of_shape(&any.all_of, extra, hint, origin);
        }
        let branches = if !any.one_of.is_empty() {
            &any.one_of
        } else {
            &any.any_of
        };
        if !branches.is_empty() {
            if !any.properties.is_empty() {
                // Shared properties beside a union: fold them into every branch by composition.
                let mut composed = Vec::new();
                for branch in branches {
                    let part = ReferenceOr::Item(Schema {
                        schema_data: Default::default(),
                        schema_kind: SchemaKind::AllOf {
                            all_of: vec![
                                branch.clone(),
                                ReferenceOr::Item(object_schema(&any.properties, &any.required)),
                            ],
                        },
                    });
                    composed.push(part);
                }
                return self.union_shape(&composed, schema, hint, origin);
            }
            return self.union_shape(branches, schema, hint, origin);
        }
        if !any.properties.is_empty()
            || any.typ.as_deref() == Some("object")
            || any.additional_properties.is_some()
        {
            return self.object_shape(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                hint,
                origin,
            );
        }
        if let Some(items) = &any.items {
            let item =
                self.lower_boxed(items, &format!("{hint}Item"), &format!("{origin}/items"))?;
            return plain(TypeRef::Vec(Box::new(wrap_nullable(item))));
        }
        if !any.enumeration.is_empty() {
            let values: Vec<Value> = any
                .enumeration
                .iter()
                .filter(|v| !v.is_null())
                .cloned()
                .collect();
            if values.iter().all(Value::is_string) && !values.is_empty() {
                return Ok(Shape::Def(TypeKind::Enum(enum_of(&values, false))));
            }
            if values.iter().all(|v| v.is_i64() || v.is_u64()) && !values.is_empty() {
                return Ok(Shape::Def(TypeKind::Enum(enum_of(&values, true))));
            }
        }
        match any.typ.as_deref() {
            Some("string") => plain(super::formats::string_type(any.format.as_deref())),
            Some("integer") => plain(if any.format.as_deref() == Some("int32") {
                TypeRef::I32
            } else {
                TypeRef::I64
            }),
            Some("number") => plain(TypeRef::F64),
            Some("boolean") => plain(TypeRef::Bool),
            Some("array") => plain(TypeRef::Vec(Box::new(TypeRef::Json))),
            _ => plain(TypeRef::Json),
        }
    }

    fn object_shape(
        &mut self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        hint: &str,
        origin: &str,
    ) -> Result<Shape> {
        let additional_ty = match additional {
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            Some(AdditionalProperties::Schema(s)) => {
                let lowered = self.lower(
                    s,
                    &format!("{hint}Value"),
                    &format!("{origin}/additionalProperties"),
                )?;
                Some(wrap_nullable(lowered))
            }
            _ => None,
        };
        if properties.is_empty() {
            let value = additional_ty.unwrap_or(TypeRef::Json);
            return Ok(Shape::Ref(Lowered {
                ty: TypeRef::Map(Box::new(value)),
                nullable: false,
                constant: None,
            }));
        }
        let mut fields = Vec::new();
        let mut names = Namespace::default();
        for (wire, prop) in properties {
            let name = names.claim(&ident::snake(wire));
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
            let presence = match (required.contains(wire), lowered.nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::Nullable,
                (false, false) => Presence::Optional,
                // Settled once usage is known: kept apart only in types that are only sent.
                (false, true) => Presence::AbsentOrNull,
            };
            fields.push(Field {
                name,
                wire: wire.clone(),
                ty: lowered.ty,
                presence,
                boxed: false,
                docs,
                constant: lowered.constant,
                read_only: data.is_some_and(|d| d.read_only),
                write_only: data.is_some_and(|d| d.write_only),
                deprecated: data.is_some_and(|d| d.deprecated),
            });
        }
        let derive_default = fields.iter().all(|f| !f.presence.is_required());
        let has_required_values = fields
            .iter()
            .any(|f| f.presence.is_required() && f.constant.is_none());
        if additional_ty.is_some() {
            names.claim("additional_properties");
        }
        let additional = additional_ty;
        Ok(Shape::Def(TypeKind::Struct(Struct {
            fields,
            additional,
            derive_default,
            has_required_values,
        })))
    }

    fn all_of_shape(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        extra: Option<(&Properties, &Vec<String>)>,
        hint: &str,
        origin: &str,
    ) -> Result<Shape> {
        // Parts that only add `nullable`, a description or an example change no shape.
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
            return Ok(Shape::Ref(self.lower(
                &parts[0],
                hint,
                &format!("{origin}/allOf/0"),
            )?));
        }
        let mut properties = IndexMap::new();
        let mut required = Vec::new();
        let mut additional = None;
        let mut seen = BTreeSet::new();
        for (i, part) in parts.iter().enumerate() {
            let at = format!("{origin}/allOf/{i}");
            if is_modifier(part) {
                continue;
            }
            if !self.collect_properties(
                part,
                &mut properties,
                &mut required,
                &mut additional,
                &mut seen,
                &at,
            )? {
                // A part that is not an object (a union, a primitive): keep the first such part whole.
                self.diag(
                    DiagnosticKind::Unsupported,
                    &at,
                    "allOf part is not an object schema; composed from its object parts only",
                );
            }
        }
        if let Some((props, req)) = extra {
            for (k, v) in props {
                properties.insert(k.clone(), v.clone());
            }
            required.extend(req.iter().cloned());
        }
        if properties.is_empty() && additional.is_none() {
            // Nothing object-like: fall back to the first part.
            return Ok(Shape::Ref(self.lower(
                &parts[0],
                hint,
                &format!("{origin}/allOf/0"),
            )?));
        }
        self.object_shape(&properties, &required, additional.as_ref(), hint, origin)
    }

    /// Gathers the properties of an allOf part. Returns false when the part is not object-like.
    fn collect_properties(
        &self,
        part: &ReferenceOr<Schema>,
        properties: &mut IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &mut Vec<String>,
        additional: &mut Option<AdditionalProperties>,
        seen: &mut BTreeSet<String>,
        at: &str,
    ) -> Result<bool> {
        let schema = match part {
            ReferenceOr::Reference { reference } => {
                if !seen.insert(reference.clone()) {
                    return Ok(true);
                }
                match self.resolve_component(reference) {
                    Some(s) => s,
                    None => {
                        return Err(Error::Reference {
                            reference: reference.clone(),
                            pointer: at.to_owned(),
                        });
                    }
                }
            }
            ReferenceOr::Item(s) => s,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                for (k, v) in &o.properties {
                    properties.insert(k.clone(), v.clone());
                }
                required.extend(o.required.iter().cloned());
                if o.additional_properties.is_some() {
                    additional.clone_from(&o.additional_properties);
                }
                Ok(true)
            }
            SchemaKind::AllOf { all_of } => {
                let mut ok = true;
                for sub in all_of {
                    ok &=
                        self.collect_properties(sub, properties, required, additional, seen, at)?;
                }
                Ok(ok)
            }
            SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
                for (k, v) in &any.properties {
                    properties.insert(k.clone(), v.clone());
                }
                required.extend(any.required.iter().cloned());
                let mut ok = true;
                for sub in &any.all_of {
                    ok &=
                        self.collect_properties(sub, properties, required, additional, seen, at)?;
                }
                Ok(ok)
            }
            SchemaKind::Any(_) => Ok(false),
            _ => Ok(false),
        }
    }

    fn union_shape(
        &mut self,
        branches: &[ReferenceOr<Schema>],
        schema: &Schema,
        hint: &str,
        origin: &str,
    ) -> Result<Shape> {
        let keyword = match &schema.schema_kind {
            SchemaKind::AnyOf { .. } => "anyOf",
            _ => "oneOf",
        };
        if branches.is_empty() {
            return Ok(Shape::Ref(Lowered {
                ty: TypeRef::Json,
                nullable: false,
                constant: None,
            }));
        }
        if branches.len() == 1 {
            return Ok(Shape::Ref(self.lower(
                &branches[0],
                hint,
                &format!("{origin}/{keyword}/0"),
            )?));
        }
        // A union of string constants or string enums is one enum.
        if let Some(values) = self.string_values(branches) {
            return Ok(Shape::Def(TypeKind::Enum(enum_of(&values, false))));
        }
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut variants: Vec<(UnionVariant, usize)> = Vec::new();
        let mut lowered_branches = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let at = format!("{origin}/{keyword}/{i}");
            let lowered = self.lower(branch, &format!("{hint}Variant{}", i + 1), &at)?;
            let mut tags = Vec::new();
            if let (Some(d), ReferenceOr::Item(inline)) = (discriminator, branch) {
                tags = self.declared_tags(inline, &d.property_name, 0);
            }
            if let (Some(d), ReferenceOr::Reference { reference }) = (discriminator, branch) {
                for (tag, target) in &d.mapping {
                    let target = if target.starts_with('#') {
                        target.clone()
                    } else {
                        format!("{COMPONENTS}{target}")
                    };
                    if &target == reference {
                        tags.push(tag.clone());
                    }
                }
                if tags.is_empty() {
                    tags = self.tag_values(reference, &d.property_name);
                }
            }
            lowered_branches.push((lowered, tags, specificity(self, branch)));
        }
        // A variant is named after its tag when the tag is its own; after its type when it has
        // several tags or shares one (OpenAI's input and output messages are both `message`).
        let mut names = Namespace::default();
        for (i, (lowered, tags, rank)) in lowered_branches.iter().enumerate() {
            let shared = tags.len() == 1
                && lowered_branches
                    .iter()
                    .enumerate()
                    .any(|(j, (_, other, _))| j != i && other.contains(&tags[0]));
            let base = if tags.len() == 1 && !shared {
                ident::camel(&tags[0])
            } else {
                variant_name(&lowered.ty)
            };
            let name = names.claim(&base);
            let ty = wrap_nullable(lowered.clone());
            variants.push((
                UnionVariant {
                    name,
                    ty,
                    tags: tags.clone(),
                    boxed: false,
                },
                *rank,
            ));
        }
        let tagged = discriminator.is_some() && variants.iter().all(|(v, _)| !v.tags.is_empty());
        if discriminator.is_some() && !tagged {
            self.diag(
                DiagnosticKind::LossyType,
                origin,
                "discriminator without a tag for every branch; decoded as an untagged union",
            );
        }
        if !tagged {
            // Most specific first: serde tries untagged variants in order.
            variants.sort_by_key(|(_, rank)| std::cmp::Reverse(*rank));
        }
        let tag = match discriminator {
            Some(d) if tagged => Some(UnionTag {
                property: d.property_name.clone(),
                unknown: names.claim("Unknown"),
            }),
            _ => None,
        };
        Ok(Shape::Def(TypeKind::Union(Union {
            variants: variants.into_iter().map(|(v, _)| v).collect(),
            tag,
        })))
    }

    /// The values of a union whose every branch is a string const or string enum.
    fn string_values(&self, branches: &[ReferenceOr<Schema>]) -> Option<Vec<Value>> {
        let mut values = Vec::new();
        for branch in branches {
            let schema = match branch {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { .. } => return None,
            };
            match &schema.schema_kind {
                SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                    values.extend(
                        s.enumeration
                            .iter()
                            .flatten()
                            .map(|v| Value::String(v.clone())),
                    );
                }
                _ => return None,
            }
        }
        Some(values)
    }

    /// The tag values a branch declares for itself (a one-value enum or const on the property).
    fn tag_values(&self, reference: &str, property: &str) -> Vec<String> {
        let declared = self
            .resolve_component(reference)
            .map(|s| self.declared_tags(s, property, 0))
            .unwrap_or_default();
        if !declared.is_empty() {
            return declared;
        }
        // Implicit mapping: the schema's own name.
        reference
            .strip_prefix(COMPONENTS)
            .map(|n| vec![n.to_owned()])
            .unwrap_or_default()
    }

    /// The values a schema allows for its discriminating property (an enum or const on it), looking
    /// through `allOf` parts.
    fn declared_tags(&self, schema: &Schema, property: &str, depth: usize) -> Vec<String> {
        if depth > 8 {
            return Vec::new();
        }
        // A nested union answers to every tag of its own branches: the outer union hands the
        // value to it, and it dispatches again.
        let nested: &[ReferenceOr<Schema>] = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => one_of,
            SchemaKind::AnyOf { any_of } => any_of,
            SchemaKind::Any(a) if !a.one_of.is_empty() => &a.one_of,
            SchemaKind::Any(a) if !a.any_of.is_empty() => &a.any_of,
            _ => &[],
        };
        if !nested.is_empty() {
            let mut tags: Vec<String> = Vec::new();
            if let Some(d) = &schema.schema_data.discriminator {
                if d.property_name == property {
                    tags.extend(d.mapping.keys().cloned());
                }
            }
            for branch in nested {
                let branch_schema = match branch {
                    ReferenceOr::Item(s) => Some(s),
                    ReferenceOr::Reference { reference } => self.resolve_component(reference),
                };
                if let Some(b) = branch_schema {
                    for tag in self.declared_tags(b, property, depth + 1) {
                        if !tags.contains(&tag) {
                            tags.push(tag);
                        }
                    }
                }
            }
            return tags;
        }
        let (prop, parts): (Option<&ReferenceOr<Box<Schema>>>, &[ReferenceOr<Schema>]) =
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => (o.properties.get(property), &[]),
                SchemaKind::Any(a) => (a.properties.get(property), &a.all_of),
                SchemaKind::AllOf { all_of } => (None, all_of),
                _ => (None, &[]),
            };
        let prop_schema = match prop {
            Some(ReferenceOr::Item(p)) => Some(&**p),
            Some(ReferenceOr::Reference { reference }) => self.resolve_component(reference),
            None => None,
        };
        if let Some(p) = prop_schema {
            let values: Vec<String> = match &p.schema_kind {
                SchemaKind::Type(Type::String(s)) => {
                    s.enumeration.iter().flatten().cloned().collect()
                }
                SchemaKind::Any(a) => a
                    .enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            if !values.is_empty() {
                return values;
            }
        }
        for part in parts {
            let part = match part {
                ReferenceOr::Item(s) => Some(s),
                ReferenceOr::Reference { reference } => self.resolve_component(reference),
            };
            if let Some(part) = part {
                let found = self.declared_tags(part, property, depth + 1);
                if !found.is_empty() {
                    return found;
                }
            }
        }
        Vec::new()
    }
}

enum Shape {
    Def(TypeKind),
    Ref(Lowered),
}

/// A key that is equal for two type shapes exactly when they would generate the same code apart
/// from docs.
fn structural_key(kind: &TypeKind) -> String {
    let mut kind = kind.clone();
    if let TypeKind::Struct(s) = &mut kind {
        for field in &mut s.fields {
            field.docs = None;
        }
    }
    format!("{kind:?}")
}

/// A schema that constrains nothing structurally (only `nullable`, docs, examples, defaults,
/// `required` lists), or a union of such (DigitalOcean: "inbound or outbound rules required").
fn is_modifier(part: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(schema) = part else {
        return false;
    };
    match &schema.schema_kind {
        SchemaKind::AnyOf { any_of: branches } | SchemaKind::OneOf { one_of: branches } => {
            !branches.is_empty() && branches.iter().all(is_modifier)
        }
        SchemaKind::Any(a) => {
            a.typ.is_none()
                && a.properties.is_empty()
                && a.items.is_none()
                && a.one_of.is_empty()
                && a.any_of.is_empty()
                && a.all_of.is_empty()
                && a.not.is_none()
                && a.enumeration.is_empty()
                && a.additional_properties.is_none()
        }
        _ => false,
    }
}

/// `Option<T>` for nullable items inside containers.
fn wrap_nullable(lowered: Lowered) -> TypeRef {
    if lowered.nullable && !matches!(lowered.ty, TypeRef::Json | TypeRef::Option(_)) {
        TypeRef::Option(Box::new(lowered.ty))
    } else {
        lowered.ty
    }
}

fn object_schema(
    properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &[String],
) -> Schema {
    Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Type(Type::Object(openapiv3::ObjectType {
            properties: properties.clone(),
            required: required.to_vec(),
            ..Default::default()
        })),
    }
}

fn constant_of(schema: &Schema) -> Option<Value> {
    if schema.schema_data.extensions.get("x-sdkgen-const") != Some(&Value::Bool(true)) {
        return None;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            s.enumeration.first().cloned().flatten().map(Value::String)
        }
        SchemaKind::Type(Type::Integer(i)) => {
            i.enumeration.first().cloned().flatten().map(Value::from)
        }
        SchemaKind::Type(Type::Number(n)) => {
            n.enumeration.first().cloned().flatten().map(Value::from)
        }
        SchemaKind::Type(Type::Boolean(b)) => {
            b.enumeration.first().cloned().flatten().map(Value::Bool)
        }
        SchemaKind::Any(a) => a.enumeration.first().cloned(),
        _ => None,
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
    match (&data.title, &data.description) {
        (Some(t), Some(d)) if !d.trim().is_empty() => Some(format!("{t}\n\n{d}")),
        (_, Some(d)) if !d.trim().is_empty() => Some(d.clone()),
        (Some(t), _) if !t.trim().is_empty() => Some(t.clone()),
        _ => None,
    }
}

/// Builds a forward-compatible enum from its values (deduplicated, names unique).
fn enum_of(values: &[Value], integer: bool) -> Enum {
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

fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) | TypeRef::Id(n) => n.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Bool => "Boolean".into(),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 => "Number".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::Timestamp => "Timestamp".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Base64 => "Base64".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Vec(inner) => format!("{}List", variant_name(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_name(inner)),
        TypeRef::Option(inner) => variant_name(inner),
    }
}

/// How specific a union branch is: higher is tried first.
fn specificity(space: &TypeSpace<'_>, branch: &ReferenceOr<Schema>) -> usize {
    let schema = match branch {
        ReferenceOr::Reference { reference } => match space.resolve_component(reference) {
            Some(s) => s,
            None => return 0,
        },
        ReferenceOr::Item(s) => s,
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            1000 + o.required.len() * 10 + o.properties.len().min(9)
        }
        SchemaKind::AllOf { .. } => 1000,
        SchemaKind::Any(a) if !a.properties.is_empty() => 1000 + a.required.len() * 10,
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => 900,
        SchemaKind::Type(Type::Array(_)) => 800,
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => 700,
        SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => 650,
        SchemaKind::Type(Type::Boolean(_)) => 600,
        SchemaKind::Type(Type::Integer(_)) => 500,
        SchemaKind::Type(Type::Number(_)) => 400,
        SchemaKind::Type(Type::String(_)) => 300,
        _ => 0,
    }
}
