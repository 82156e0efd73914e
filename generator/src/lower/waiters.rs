//! Waiters from the SDK config's `[waiters]`: the polled operation, its status field and the
//! terminal values, checked against the spec.

use std::collections::BTreeMap;

use crate::config::WaiterConfig;
use crate::ident;
use crate::ir::{
    Diagnostic, DiagnosticKind, Enum, Field, Operation, Resource, ResponseShape, TypeDef, TypeKind,
    TypeRef, Waiter,
};

/// The waiters `config` declares, sorted by resource; what does not fit the spec is a config
/// diagnostic and that waiter is left out.
pub fn lower(
    config: &BTreeMap<String, WaiterConfig>,
    types: &[TypeDef],
    resources: &[Resource],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Waiter> {
    let mut waiters = Vec::new();
    for (resource_name, waiter) in config {
        let at = format!("sdk.toml [waiters.{resource_name}]");
        match lower_one(resource_name, waiter, types, resources) {
            Ok(w) => waiters.push(w),
            Err(message) => {
                diagnostics.push(Diagnostic::new(DiagnosticKind::Config, at, message));
            }
        }
    }
    waiters
}

fn lower_one(
    resource_name: &str,
    config: &WaiterConfig,
    types: &[TypeDef],
    resources: &[Resource],
) -> Result<Waiter, String> {
    let (resource, op) = polled_operation(resource_name, config, resources)?;
    let ResponseShape::Json(response @ TypeRef::Named(model)) = &op.response else {
        return Err(format!(
            "`{}` does not answer a JSON model",
            config.operation
        ));
    };
    let (field, status, e) = status_field(config, types, model)?;
    let terminal = terminal_variants(config, status, e)?;
    let method_name = ident::snake(config.method.as_deref().unwrap_or("wait_until_done"));
    if resource
        .operations
        .iter()
        .any(|o| o.method_name == method_name)
    {
        return Err(format!(
            "`{resource_name}` already has a method `{method_name}`"
        ));
    }
    Ok(Waiter {
        resource: resource.name.clone(),
        builder_name: ident::camel(&method_name),
        method_name,
        operation: op.method_name.clone(),
        operation_builder: op.builder_name.clone(),
        http_method: op.http_method.clone(),
        path: op.path.clone(),
        path_params: op.path_params.clone(),
        response: response.clone(),
        field: field.name.clone(),
        field_optional: field.presence.is_optional(),
        status_enum: status.clone(),
        terminal,
        terminal_wire: config.terminal.clone(),
    })
}

/// The resource and the operation (`resource.method`) the waiter polls.
fn polled_operation<'r>(
    resource_name: &str,
    config: &WaiterConfig,
    resources: &'r [Resource],
) -> Result<(&'r Resource, &'r Operation), String> {
    let resource = resources
        .iter()
        .find(|r| ident::unraw(&r.name) == resource_name)
        .ok_or_else(|| format!("no resource `{resource_name}`; waiter left out"))?;
    let (op_resource, op_method) = config
        .operation
        .split_once('.')
        .ok_or_else(|| format!("operation `{}` is not `resource.method`", config.operation))?;
    if op_resource != resource_name {
        return Err(format!(
            "operation `{}` is not an operation of `{resource_name}`",
            config.operation
        ));
    }
    let op = resource
        .operations
        .iter()
        .find(|o| ident::unraw(&o.method_name) == op_method)
        .ok_or_else(|| format!("no operation `{}`; waiter left out", config.operation))?;
    Ok((resource, op))
}

/// The status field of the answered model `model`: the field, the name of its enum, and the enum.
fn status_field<'t>(
    config: &WaiterConfig,
    types: &'t [TypeDef],
    model: &str,
) -> Result<(&'t Field, &'t String, &'t Enum), String> {
    let find = |name: &str| types.iter().find(|t| t.name == name);
    let Some(TypeKind::Struct(s)) = find(model).map(|t| &t.kind) else {
        return Err(format!("`{}` does not answer an object", config.operation));
    };
    let field = s
        .fields
        .iter()
        .find(|f| f.wire == config.field)
        .ok_or_else(|| format!("`{model}` has no field `{}`", config.field))?;
    let TypeRef::Named(status) = &field.ty else {
        return Err(format!("`{model}.{}` is not an enum", config.field));
    };
    let Some(TypeKind::Enum(e)) = find(status).map(|t| &t.kind) else {
        return Err(format!("`{model}.{}` is not an enum", config.field));
    };
    Ok((field, status, e))
}

/// The variant names of the terminal values, each of which the status enum `status` must have.
fn terminal_variants(config: &WaiterConfig, status: &str, e: &Enum) -> Result<Vec<String>, String> {
    let mut terminal = Vec::new();
    for value in &config.terminal {
        let variant = e
            .variants
            .iter()
            .find(|v| v.wire == *value)
            .ok_or_else(|| format!("`{status}` has no value `{value}`"))?;
        terminal.push(variant.name.clone());
    }
    if terminal.is_empty() {
        return Err("`terminal` lists no value".to_owned());
    }
    Ok(terminal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{EnumVariant, Presence, Struct, Transport, Usage};

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.to_owned(),
            origin: format!("#/components/schemas/{name}"),
            docs: None,
            kind,
            usage: Usage::ResponseOnly,
            example: None,
        }
    }

    fn spec() -> (Vec<TypeDef>, Vec<Resource>) {
        let status = Enum {
            variants: ["running", "done"]
                .map(|w| EnumVariant {
                    name: ident::camel(w),
                    wire: w.to_owned(),
                })
                .to_vec(),
            integer: false,
            unknown: "Unknown".to_owned(),
        };
        let job = Struct {
            fields: vec![Field {
                name: "status".to_owned(),
                wire: "status".to_owned(),
                ty: TypeRef::Named("JobStatus".to_owned()),
                presence: Presence::Required,
                boxed: false,
                docs: None,
                constant: None,
                read_only: false,
                write_only: false,
                deprecated: false,
                null_setter: None,
                example: None,
            }],
            additional: None,
            derive_default: false,
            has_required_values: true,
        };
        let get = Operation {
            id: "getJob".to_owned(),
            method_name: "get".to_owned(),
            builder_name: "Get".to_owned(),
            http_method: "GET".to_owned(),
            path: "/jobs/{id}".to_owned(),
            docs: None,
            deprecated: false,
            path_params: Vec::new(),
            params: Vec::new(),
            body: None,
            response: ResponseShape::Json(TypeRef::Named("Job".to_owned())),
            error_types: Vec::new(),
            pagination: None,
            idempotency_header: None,
            transport: Transport::Http,
            anonymous: false,
            tag_filter: None,
        };
        let types = vec![
            def("Job", TypeKind::Struct(job)),
            def("JobStatus", TypeKind::Enum(status)),
        ];
        let resources = vec![Resource {
            name: "jobs".to_owned(),
            type_name: "Jobs".to_owned(),
            docs: None,
            operations: vec![get],
        }];
        (types, resources)
    }

    fn config(terminal: &[&str]) -> BTreeMap<String, WaiterConfig> {
        BTreeMap::from([(
            "jobs".to_owned(),
            WaiterConfig {
                operation: "jobs.get".to_owned(),
                field: "status".to_owned(),
                terminal: terminal.iter().map(|t| (*t).to_owned()).collect(),
                method: None,
            },
        )])
    }

    #[test]
    fn a_waiter_names_the_terminal_variants() {
        let (types, resources) = spec();
        let mut diagnostics = Vec::new();
        let waiters = lower(&config(&["done"]), &types, &resources, &mut diagnostics);
        assert_eq!(diagnostics, []);
        let [w] = waiters.as_slice() else {
            panic!("{waiters:?}")
        };
        assert_eq!(
            (
                w.method_name.as_str(),
                w.builder_name.as_str(),
                w.operation.as_str()
            ),
            ("wait_until_done", "WaitUntilDone", "get")
        );
        assert_eq!(
            (w.status_enum.as_str(), w.terminal.clone()),
            ("JobStatus", vec!["Done".to_owned()])
        );
    }

    #[test]
    fn a_value_the_enum_lacks_leaves_the_waiter_out() {
        let (types, resources) = spec();
        let mut diagnostics = Vec::new();
        let waiters = lower(&config(&["finished"]), &types, &resources, &mut diagnostics);
        assert!(waiters.is_empty());
        assert_eq!(
            diagnostics
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["[config mismatch] sdk.toml [waiters.jobs]: `JobStatus` has no value `finished`"]
        );
    }
}
