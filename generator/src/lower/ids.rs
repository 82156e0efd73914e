//! Resource ids: the string properties and parameters the SDK config's `[ids]` table names become
//! newtypes (`TaskId`), so that two ids of different resources cannot be swapped.

use std::collections::BTreeMap;

use crate::ident;
use crate::ir::{Diagnostic, DiagnosticKind, IdType, Resource, TypeDef, TypeKind, TypeRef};

const COMPONENTS: &str = "#/components/schemas/";

/// Retypes the places each id type of `config` names and returns the id types, sorted by name.
/// A name that is not a type name, collides with a model, or a place that matches nothing (or
/// holds no string) is a config diagnostic, and that part is left as it was.
pub fn apply(
    config: &BTreeMap<String, Vec<String>>,
    types: &mut [TypeDef],
    resources: &mut [Resource],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<IdType> {
    let mut ids = Vec::new();
    for (name, places) in config {
        let at = format!("sdk.toml [ids] {name}");
        if ident::camel(name) != *name || ident::unraw(name) != name {
            diagnostics.push(Diagnostic::new(
                DiagnosticKind::Config,
                at,
                "an id type name must be an UpperCamelCase identifier such as `TaskId`; ignored",
            ));
            continue;
        }
        if types.iter().any(|t| t.name == *name) {
            diagnostics.push(Diagnostic::new(
                DiagnosticKind::Config,
                at,
                format!("the spec already has a type named `{name}`; ignored"),
            ));
            continue;
        }
        for place in places {
            let found = retype_place(place, name, types, resources);
            if found == 0 {
                diagnostics.push(Diagnostic::new(
                    DiagnosticKind::Config,
                    &at,
                    format!("`{place}` names no string property or parameter"),
                ));
            }
        }
        ids.push(IdType {
            name: name.clone(),
            places: places.clone(),
        });
    }
    ids
}

/// Retypes every string property or parameter `place` names; returns how many it retyped.
fn retype_place(place: &str, id: &str, types: &mut [TypeDef], resources: &mut [Resource]) -> usize {
    let (schema, wire) = match place.split_once('.') {
        Some((schema, property)) => (Some(format!("{COMPONENTS}{schema}")), property),
        None => (None, place),
    };
    let mut count = 0;
    for def in types.iter_mut() {
        if schema.as_ref().is_some_and(|s| *s != def.origin) {
            continue;
        }
        if let TypeKind::Struct(s) = &mut def.kind {
            for field in s.fields.iter_mut().filter(|f| f.wire == wire) {
                count += usize::from(retype(&mut field.ty, id));
            }
        }
    }
    if schema.is_none() {
        let params = resources
            .iter_mut()
            .flat_map(|r| &mut r.operations)
            .flat_map(|op| op.path_params.iter_mut().chain(&mut op.params));
        for param in params.filter(|p| p.wire == wire) {
            count += usize::from(retype(&mut param.ty, id));
        }
    }
    count
}

/// `String` (also inside `Option` and `Vec`) becomes the id type.
fn retype(ty: &mut TypeRef, id: &str) -> bool {
    match ty {
        TypeRef::String => {
            *ty = TypeRef::Id(id.to_owned());
            true
        }
        TypeRef::Option(inner) | TypeRef::Vec(inner) => retype(inner, id),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, Presence, Struct, Usage};

    fn field(wire: &str, ty: TypeRef) -> Field {
        Field {
            name: wire.to_owned(),
            wire: wire.to_owned(),
            ty,
            presence: Presence::Required,
            boxed: false,
            docs: None,
            constant: None,
            read_only: false,
            write_only: false,
            deprecated: false,
            null_setter: None,
            example: None,
        }
    }

    fn model(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef {
            name: name.to_owned(),
            origin: format!("{COMPONENTS}{name}"),
            docs: None,
            kind: TypeKind::Struct(Struct {
                fields,
                additional: None,
                derive_default: false,
                has_required_values: true,
            }),
            usage: Usage::Both,
            example: None,
        }
    }

    fn field_ty<'a>(types: &'a [TypeDef], model: &str, wire: &str) -> &'a TypeRef {
        let def = types.iter().find(|t| t.name == model).unwrap();
        let TypeKind::Struct(s) = &def.kind else {
            unreachable!()
        };
        &s.fields.iter().find(|f| f.wire == wire).unwrap().ty
    }

    #[test]
    fn schema_properties_and_names_everywhere() {
        let mut types = vec![
            model("Task", vec![field("id", TypeRef::String)]),
            model(
                "Agent",
                vec![
                    field("id", TypeRef::String),
                    field("task_id", TypeRef::Option(Box::new(TypeRef::String))),
                ],
            ),
            model(
                "Batch",
                vec![field("task_ids", TypeRef::Vec(Box::new(TypeRef::String)))],
            ),
        ];
        let config = BTreeMap::from([(
            "TaskId".to_owned(),
            vec![
                "Task.id".to_owned(),
                "task_id".to_owned(),
                "task_ids".to_owned(),
            ],
        )]);
        let mut diagnostics = Vec::new();
        let ids = apply(&config, &mut types, &mut [], &mut diagnostics);
        assert_eq!(diagnostics, []);
        assert_eq!(ids[0].name, "TaskId");
        let task_id = TypeRef::Id("TaskId".to_owned());
        assert_eq!(*field_ty(&types, "Task", "id"), task_id);
        assert_eq!(
            *field_ty(&types, "Agent", "id"),
            TypeRef::String,
            "another schema's id"
        );
        assert_eq!(
            *field_ty(&types, "Agent", "task_id"),
            TypeRef::Option(Box::new(task_id.clone()))
        );
        assert_eq!(
            *field_ty(&types, "Batch", "task_ids"),
            TypeRef::Vec(Box::new(task_id))
        );
    }

    #[test]
    fn what_cannot_be_applied_is_a_config_diagnostic() {
        let mut types = vec![model(
            "Task",
            vec![field("id", TypeRef::String), field("count", TypeRef::I64)],
        )];
        let config = BTreeMap::from([
            ("task_id".to_owned(), vec!["Task.id".to_owned()]),
            ("Task".to_owned(), vec!["Task.id".to_owned()]),
            (
                "TaskId".to_owned(),
                vec!["Task.count".to_owned(), "Nope.id".to_owned()],
            ),
        ]);
        let mut diagnostics = Vec::new();
        let ids = apply(&config, &mut types, &mut [], &mut diagnostics);
        assert_eq!(ids.len(), 1);
        assert_eq!(*field_ty(&types, "Task", "id"), TypeRef::String);
        let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(
            messages
                .iter()
                .all(|m| m.starts_with("[config mismatch] sdk.toml [ids] "))
        );
        assert!(
            messages[0].contains("already has a type named `Task`"),
            "{messages:#?}"
        );
        assert!(
            messages[1].contains("`Task.count` names no string"),
            "{messages:#?}"
        );
        assert!(
            messages[2].contains("`Nope.id` names no string"),
            "{messages:#?}"
        );
        assert!(messages[3].contains("UpperCamelCase"), "{messages:#?}");
    }
}
