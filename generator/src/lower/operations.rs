//! Lowers every path operation into a draft (parameters, body, responses, pagination), then
//! names and groups the drafts into resources.

use crate::config::SdkConfig;
use crate::document::{Document, PathOperation};
use crate::error::Result;
use crate::ident::{self, Namespace};
use crate::ir::{
    Operation, Outcome, Pagination, Param, RequestBody, Resource, ResponseShape, Transport,
    TypeRef, WebhookEvent,
};
use crate::lower::naming::{BUILDER_METHODS, Draft, Locked, derive_names, derived_id, group};
use crate::lower::types::TypeSpace;
use crate::lower::{bodies, events, pagination, params, responses};
use crate::names::NameLock;

/// Lowers every operation. Returns the resources and the callback payloads found on the way. An
/// operation the config does not name keeps the names `lock` gives it, where they are free.
pub fn lower_operations(
    doc: &Document,
    config: &SdkConfig,
    lock: &NameLock,
    space: &mut TypeSpace<'_>,
) -> Result<(Vec<Resource>, Vec<WebhookEvent>)> {
    let mut drafts = Vec::new();
    let mut callbacks = Vec::new();
    let mut seen_ids = Namespace::default();
    for spec in &doc.operations {
        let id = spec
            .operation
            .operation_id
            .clone()
            .unwrap_or_else(|| derived_id(&spec.method, &spec.path));
        let id = seen_ids.claim(&id);
        let configured = config.operations.get(&id);
        let (resource, method) = match configured {
            Some(name) => {
                let (r, m) = name
                    .split_once('.')
                    .expect("validated when the config was read");
                (ident::module(r), ident::snake(m))
            }
            None => derive_names(&id, &spec.operation, &spec.method, &spec.path),
        };
        let locked = match configured {
            Some(_) => None,
            None => lock
                .get(&spec.method, &spec.path)
                .map(|(r, m)| Locked::new(r, m)),
        };
        let hint = format!(
            "{}{}",
            ident::camel(&resource),
            ident::unraw(&ident::camel(&method))
        );
        let mut op = OperationContext {
            space,
            spec,
            id: &id,
            hint,
        }
        .lower()?;
        op.pagination = match config.pagination.get(&id) {
            Some(p) => pagination::configured(space, &op, p, &spec.at),
            None => pagination::detect(space, &op),
        };
        callbacks.extend(events::callbacks(space, spec, &id)?);
        drafts.push(Draft {
            id: id.clone(),
            resource,
            method,
            locked,
            op,
        });
    }
    Ok((group(drafts, &doc.openapi), callbacks))
}

/// What lowering one operation needs: the types so far, the operation, its id and the prefix of
/// the names of its inline types (`TasksCreate`).
pub(super) struct OperationContext<'c, 'a> {
    /// The types so far.
    pub(super) space: &'c mut TypeSpace<'a>,
    /// The operation in the document.
    pub(super) spec: &'c PathOperation,
    /// The operation id, unique.
    pub(super) id: &'c str,
    /// Prefix of inline type names.
    pub(super) hint: String,
}

impl OperationContext<'_, '_> {
    /// Lowers parameters, body, transport and responses, in that order (the order inline types
    /// are named in).
    fn lower(self) -> Result<OperationDraft> {
        let spec = self.spec;
        let op = &spec.operation;
        let mut names = Namespace::with_reserved(BUILDER_METHODS.iter().copied());
        let params = params::lower_params(self.space, spec, self.id, &self.hint, &mut names)?;
        let body = match &spec.request_body {
            Some(body) => bodies::lower_body(
                self.space,
                body,
                &self.hint,
                &format!("{}/requestBody", spec.at),
                &mut names,
            )?,
            None => None,
        };
        let transport = match events::websocket_message(self.space, spec, &self.hint)? {
            Some(message) => Transport::WebSocket(message),
            None => Transport::Http,
        };
        let response = match transport {
            Transport::Http => responses::lower_responses(self.space, &spec.successes, &self.hint)?,
            Transport::WebSocket(_) => ResponseDraft::Shape(ResponseShape::Empty),
        };
        let error_types = spec
            .error_schemas
            .iter()
            .filter_map(|r| self.space.component_type(r))
            .collect();
        let docs = match (&op.summary, &op.description) {
            (Some(s), Some(d)) if s.trim() != d.trim() => Some(format!("{s}\n\n{d}")),
            (Some(s), _) => Some(s.clone()),
            (None, Some(d)) => Some(d.clone()),
            (None, None) => None,
        };
        Ok(OperationDraft {
            id: self.id.to_owned(),
            http_method: spec.method.to_ascii_uppercase(),
            path: spec.path.clone(),
            docs,
            deprecated: op.deprecated,
            path_params: params.path,
            params: params.other,
            body,
            response,
            error_types,
            pagination: None,
            idempotency_header: params.idempotency_header,
            transport,
            anonymous: op.security.as_ref().is_some_and(Vec::is_empty),
        })
    }
}

/// An operation before naming: everything but its method, builder and outcome names.
pub(super) struct OperationDraft {
    id: String,
    pub(super) http_method: String,
    pub(super) path: String,
    docs: Option<String>,
    deprecated: bool,
    path_params: Vec<Param>,
    pub(super) params: Vec<Param>,
    body: Option<RequestBody>,
    pub(super) response: ResponseDraft,
    error_types: Vec<TypeRef>,
    pagination: Option<Pagination>,
    idempotency_header: Option<String>,
    transport: Transport,
    anonymous: bool,
}

/// What `send()` returns, before an enum of outcomes is named.
pub(super) enum ResponseDraft {
    /// One shape.
    Shape(ResponseShape),
    /// Several documented successes with different bodies.
    Outcomes(Vec<Outcome>),
}

impl OperationDraft {
    /// The operation with its names; `outcome_name` names the enum of outcomes, when there are
    /// several, from the builder's name.
    pub(super) fn finish(
        self,
        method_name: String,
        builder_name: String,
        outcome_name: impl FnOnce(&str) -> String,
    ) -> Operation {
        let response = match self.response {
            ResponseDraft::Shape(shape) => shape,
            ResponseDraft::Outcomes(outcomes) => {
                ResponseShape::Outcomes(outcome_name(&builder_name), outcomes)
            }
        };
        Operation {
            id: self.id,
            method_name,
            builder_name,
            http_method: self.http_method,
            path: self.path,
            docs: self.docs,
            deprecated: self.deprecated,
            path_params: self.path_params,
            params: self.params,
            body: self.body,
            response,
            error_types: self.error_types,
            pagination: self.pagination,
            idempotency_header: self.idempotency_header,
            transport: self.transport,
            anonymous: self.anonymous,
            tag_filter: None,
        }
    }
}
