//! `oneOf`/`anyOf`: enums of string constants, tagged unions (a discriminator, or a tag every
//! branch declares) and untagged unions tried most specific first.

use openapiv3::{Discriminator, ReferenceOr, Schema};
use serde_json::Value;

use super::shapes::enum_of;
use super::view::SchemaView;
use super::{COMPONENTS, Lowered, Shape, TypeSpace, wrap_nullable};
use crate::error::Result;
use crate::ident::{self, Namespace};
use crate::ir::{DiagnosticKind, TypeKind, TypeRef, Union, UnionTag, UnionVariant};

/// A lowered branch: its type, the tags that select it, and how specific it is.
struct Branch {
    lowered: Lowered,
    tags: Vec<String>,
    rank: usize,
}

impl TypeSpace<'_> {
    /// A union of `branches` (written under `keyword` in `schema`).
    pub(super) fn union_shape(
        &mut self,
        branches: &[ReferenceOr<Schema>],
        keyword: &str,
        schema: &Schema,
        hint: &str,
        origin: &str,
    ) -> Result<Shape> {
        if let [only] = branches {
            let at = format!("{origin}/{keyword}/0");
            return Ok(Shape::Ref(self.lower(only, hint, &at)?));
        }
        // A union of string constants or string enums is one enum.
        if let Some(values) = string_values(branches) {
            return Ok(Shape::Def(TypeKind::Enum(enum_of(&values, false))));
        }
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut lowered = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let at = format!("{origin}/{keyword}/{i}");
            let ty = self.lower(branch, &format!("{hint}Variant{}", i + 1), &at)?;
            let tags = match discriminator {
                Some(d) => self.branch_tags(branch, d),
                None => Vec::new(),
            };
            let rank = self.specificity(branch);
            lowered.push(Branch {
                lowered: ty,
                tags,
                rank,
            });
        }
        let (mut variants, mut names) = name_variants(&lowered);
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
            accessors: None,
        })))
    }

    /// The tag values that select a branch: the discriminator's mapping, else what the branch
    /// declares for the property, else (for a component) its name.
    fn branch_tags(&self, branch: &ReferenceOr<Schema>, d: &Discriminator) -> Vec<String> {
        let reference = match branch {
            ReferenceOr::Item(inline) => return self.declared_tags(inline, &d.property_name, 0),
            ReferenceOr::Reference { reference } => reference,
        };
        let mapped: Vec<String> = d
            .mapping
            .iter()
            .filter(|(_, target)| {
                if target.starts_with('#') {
                    *target == reference
                } else {
                    format!("{COMPONENTS}{target}") == *reference
                }
            })
            .map(|(tag, _)| tag.clone())
            .collect();
        if !mapped.is_empty() {
            return mapped;
        }
        let declared = self
            .resolve_component(reference)
            .map(|s| self.declared_tags(s, &d.property_name, 0))
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
    /// through `allOf` parts. A nested union answers to every tag of its own branches: the outer
    /// union hands the value to it, and it dispatches again.
    fn declared_tags(&self, schema: &Schema, property: &str, depth: usize) -> Vec<String> {
        if depth > 8 {
            return Vec::new();
        }
        let view = SchemaView::of(schema);
        if let Some((nested, _)) = view.union {
            let mut tags: Vec<String> = Vec::new();
            if let Some(d) = &schema.schema_data.discriminator {
                if d.property_name == property {
                    tags.extend(d.mapping.keys().cloned());
                }
            }
            for branch in nested {
                let Some(b) = self.schema_of(branch) else {
                    continue;
                };
                for tag in self.declared_tags(b, property, depth + 1) {
                    if !tags.contains(&tag) {
                        tags.push(tag);
                    }
                }
            }
            return tags;
        }
        let prop_schema = match view.properties.get(property) {
            Some(ReferenceOr::Item(p)) => Some(&**p),
            Some(ReferenceOr::Reference { reference }) => self.resolve_component(reference),
            None => None,
        };
        if let Some(p) = prop_schema {
            let values: Vec<String> = SchemaView::of(p)
                .values()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            if !values.is_empty() {
                return values;
            }
        }
        for part in view.all_of {
            if let Some(part) = self.schema_of(part) {
                let found = self.declared_tags(part, property, depth + 1);
                if !found.is_empty() {
                    return found;
                }
            }
        }
        Vec::new()
    }

    /// The schema an item or component reference stands for.
    fn schema_of<'s>(&'s self, schema: &'s ReferenceOr<Schema>) -> Option<&'s Schema> {
        match schema {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => self.resolve_component(reference),
        }
    }

    /// How specific a union branch is: higher is tried first.
    fn specificity(&self, branch: &ReferenceOr<Schema>) -> usize {
        self.schema_of(branch)
            .map_or(0, |s| specificity(&SchemaView::of(s)))
    }
}

/// How specific a schema is as a union branch: objects (more so with more required and named
/// properties), compositions, arrays, enums, then scalars.
fn specificity(view: &SchemaView<'_>) -> usize {
    let enumerated = !view.enumeration.is_empty();
    if view.typ == Some("object") {
        return 1000 + view.required.len() * 10 + view.properties.len().min(9);
    }
    if !view.properties.is_empty() {
        return 1000 + view.required.len() * 10;
    }
    if !view.all_of.is_empty() && view.typ.is_none() {
        return 1000;
    }
    if view.union.is_some() {
        return 900;
    }
    match view.typ {
        Some("array") => 800,
        Some("string") if enumerated => 700,
        Some("integer") if enumerated => 650,
        Some("boolean") => 600,
        Some("integer") => 500,
        Some("number") => 400,
        Some("string") => 300,
        _ => 0,
    }
}

/// Names the variants: after the tag when the tag is a branch's own; after the type when a
/// branch has several tags or shares one (OpenAI's input and output messages are both
/// `message`). Returns the variants with their ranks, and the names taken.
fn name_variants(branches: &[Branch]) -> (Vec<(UnionVariant, usize)>, Namespace) {
    let mut names = Namespace::default();
    let mut variants = Vec::new();
    for (i, branch) in branches.iter().enumerate() {
        let tags = &branch.tags;
        let shared = tags.len() == 1
            && branches
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.tags.contains(&tags[0]));
        let base = if tags.len() == 1 && !shared {
            ident::camel(&tags[0])
        } else {
            variant_name(&branch.lowered.ty)
        };
        let variant = UnionVariant {
            name: names.claim(&base),
            ty: wrap_nullable(branch.lowered.clone()),
            tags: tags.clone(),
            boxed: false,
        };
        variants.push((variant, branch.rank));
    }
    (variants, names)
}

/// The values of a union whose every branch is an inline string enum (or const).
fn string_values(branches: &[ReferenceOr<Schema>]) -> Option<Vec<Value>> {
    let mut values = Vec::new();
    for branch in branches {
        let ReferenceOr::Item(schema) = branch else {
            return None;
        };
        let view = SchemaView::of(schema);
        if view.typ != Some("string") || view.enumeration.is_empty() || view.union.is_some() {
            return None;
        }
        values.extend(view.values().cloned());
    }
    Some(values)
}

/// A variant name from a type (`Task`, `String`, `TaskList`).
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
