//! Lowers an operation's parameters: path parameters in template order (method arguments),
//! query, header and cookie parameters (builder setters), and the idempotency header.

use openapiv3::{Parameter, ParameterSchemaOrContent};

use crate::document::PathOperation;
use crate::error::Result;
use crate::ident::{self, Namespace};
use crate::ir::{DiagnosticKind, Param, ParamLocation, QueryStyle, TypeRef};
use crate::lower::types::TypeSpace;

/// An operation's parameters, lowered.
pub(super) struct Params {
    /// Path parameters in template order.
    pub(super) path: Vec<Param>,
    /// Query, header and cookie parameters.
    pub(super) other: Vec<Param>,
    /// A header that makes retries safe (`Idempotency-Key`).
    pub(super) idempotency_header: Option<String>,
}

/// Lowers the parameters of `spec`; names are claimed in `names` (the builder's namespace).
pub(super) fn lower_params(
    space: &mut TypeSpace<'_>,
    spec: &PathOperation,
    id: &str,
    hint: &str,
    names: &mut Namespace,
) -> Result<Params> {
    let template_order = template_names(&spec.path);
    let mut ordered: Vec<&(Parameter, String)> = spec.parameters.iter().collect();
    ordered.sort_by_key(|(p, _)| match location_of(p) {
        ParamLocation::Path => template_order
            .iter()
            .position(|n| *n == p.parameter_data_ref().name)
            .unwrap_or(usize::MAX),
        _ => usize::MAX,
    });
    let mut out = Params {
        path: Vec::new(),
        other: Vec::new(),
        idempotency_header: None,
    };
    for (p, p_at) in ordered {
        let data = p.parameter_data_ref();
        let location = location_of(p);
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(s) => Some(s),
            ParameterSchemaOrContent::Content(content) => {
                content.values().next().and_then(|m| m.schema.as_ref())
            }
        };
        let param_hint = format!("{hint}{}", ident::unraw(&ident::camel(&data.name)));
        let ty = match schema {
            Some(s) => space.lower(s, &param_hint, &format!("{p_at}/schema"))?.ty,
            None => TypeRef::String,
        };
        if location == ParamLocation::Header && is_idempotency_header(&data.name) {
            out.idempotency_header = Some(data.name.clone());
        }
        let param = Param {
            name: names.claim(&ident::snake(&data.name)),
            wire: data.name.clone(),
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            style: query_style(p),
            docs: data.description.clone(),
            example: param_example(data, schema),
        };
        match location {
            ParamLocation::Path => out.path.push(param),
            _ => out.other.push(param),
        }
    }
    // Template names without a declared parameter still need an argument.
    for name in &template_order {
        if !out.path.iter().any(|p| p.wire == *name) {
            space.diag(
                DiagnosticKind::Undeclared,
                id,
                format!("path parameter `{name}` is not declared; taken as a string"),
            );
            out.path.push(Param {
                name: names.claim(&ident::snake(name)),
                wire: (*name).to_owned(),
                location: ParamLocation::Path,
                ty: TypeRef::String,
                required: true,
                style: QueryStyle::Form { explode: true },
                docs: None,
                example: None,
            });
        }
    }
    Ok(out)
}

/// A parameter's example: its `example`, else the first of its `examples` (3.0 and 3.1 alike:
/// a map of Example objects, each with a `value`; `$ref`s to shared examples are left to the
/// schema's), else its schema's `example` (3.1 `examples` arrays are folded into it when the
/// document is normalised).
fn param_example(
    data: &openapiv3::ParameterData,
    schema: Option<&openapiv3::ReferenceOr<openapiv3::Schema>>,
) -> Option<serde_json::Value> {
    data.example
        .clone()
        .or_else(|| {
            data.examples.values().find_map(|e| match e {
                openapiv3::ReferenceOr::Item(e) => e.value.clone(),
                openapiv3::ReferenceOr::Reference { .. } => None,
            })
        })
        .or_else(|| match schema {
            Some(openapiv3::ReferenceOr::Item(s)) => s.schema_data.example.clone(),
            _ => None,
        })
}

/// The `{names}` of a path template, in order.
fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|x| x.0))
        .collect()
}

fn is_idempotency_header(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "idempotency-key" | "x-idempotency-key"
    )
}

fn location_of(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// How a parameter is serialised: query parameters by their `style` (form, exploded unless
/// `explode: false`), the others as simple values (not exploded unless `explode: true`).
fn query_style(p: &Parameter) -> QueryStyle {
    let explode = p.parameter_data_ref().explode;
    match p {
        Parameter::Query { style, .. } => match style {
            openapiv3::QueryStyle::Form => QueryStyle::Form {
                explode: explode.unwrap_or(true),
            },
            openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
            openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
            openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
        },
        _ => QueryStyle::Form {
            explode: explode.unwrap_or(false),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names_in_order() {
        assert_eq!(template_names("/a/{x}/b/{y_id}"), ["x", "y_id"]);
        assert!(template_names("/plain").is_empty());
    }

    #[test]
    fn idempotency_headers_by_either_spelling() {
        assert!(is_idempotency_header("Idempotency-Key"));
        assert!(is_idempotency_header("X-Idempotency-Key"));
        assert!(!is_idempotency_header("X-Request-Id"));
    }
}
