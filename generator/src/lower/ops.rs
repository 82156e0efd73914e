//! Lowers paths and operations into resources of operation builders.

use openapiv3::{
    Operation as SpecOperation, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode,
};
use serde_json::Value;

use crate::config::{PaginationStyle, SdkConfig};
use crate::error::{Error, Result, escape_pointer};
use crate::ident::{self, Namespace};
use crate::ir::{
    BodyEncoding, Diagnostic, MultipartPart, Operation, Outcome, PageAccess, Pagination, Param,
    ParamLocation, QueryStyle, RequestBody, Resource, ResponseShape, StatusMatch, Transport,
    TypeKind, TypeRef, WebhookEvent,
};
use crate::lower::naming::{BUILDER_METHODS, Draft, derive_names, derived_id, group};
use crate::lower::types::TypeSpace;

/// Lowers every operation. Returns the resources and the callback payloads found on the way.
pub fn lower_operations(
    doc: &openapiv3::OpenAPI,
    raw: &Value,
    config: &SdkConfig,
    space: &mut TypeSpace<'_>,
) -> Result<(Vec<Resource>, Vec<WebhookEvent>)> {
    let mut drafts = Vec::new();
    let mut callbacks = Vec::new();
    let mut seen_ids = Namespace::default();
    for (path, item) in doc.paths.paths.iter() {
        let path_at = format!("#/paths/{}", escape_pointer(path));
        let item: openapiv3::PathItem = resolve(item, raw, &path_at)?;
        for (method, op) in item.iter() {
            let at = format!("{path_at}/{method}");
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| derived_id(method, path));
            let id = seen_ids.claim(&id);
            let (resource, method_name) = match config.operations.get(&id) {
                Some(name) => {
                    let (r, m) = name
                        .split_once('.')
                        .expect("validated when the config was read");
                    (ident::module(r), ident::snake(m))
                }
                None => derive_names(&id, op, method, path),
            };
            let lowered = lower_operation(
                space,
                raw,
                &id,
                method,
                path,
                &item.parameters,
                op,
                &resource,
                &method_name,
                &at,
            )?;
            let mut lowered = lowered;
            if let Some(p) = config.pagination.get(&id) {
                lowered.pagination = configured_pagination(space, &lowered, p, &at);
            } else if lowered.pagination.is_none() {
                lowered.pagination = detect_pagination(space, &lowered);
            }
            for (name, callback) in &op.callbacks {
                for (expr, cb_item) in callback {
                    for (cb_method, cb_op) in cb_item.iter() {
                        let hint = format!("{}{}Callback", ident::camel(&id), ident::camel(name));
                        let cb_at = format!(
                            "{at}/callbacks/{}/{}/{cb_method}",
                            escape_pointer(name),
                            escape_pointer(expr)
                        );
                        let payload = request_payload_type(cb_op, space, &hint, &cb_at)?;
                        callbacks.push(WebhookEvent {
                            name: format!("{id}.{name}"),
                            payload,
                            docs: cb_op.summary.clone().or_else(|| cb_op.description.clone()),
                        });
                    }
                }
            }
            drafts.push(Draft {
                resource,
                method: method_name,
                op: lowered,
            });
        }
    }
    Ok((group(drafts, doc), callbacks))
}

/// The item behind a `ReferenceOr`: itself, or what its local `$ref` points at (following
/// references to references). `at` names the referring place in errors.
fn resolve<T: serde::de::DeserializeOwned + Clone>(
    item: &ReferenceOr<T>,
    raw: &Value,
    at: &str,
) -> Result<T> {
    let mut current = item.clone();
    let mut from = at.to_owned();
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference } => {
                let value = reference
                    .strip_prefix('#')
                    .and_then(|ptr| raw.pointer(ptr))
                    .ok_or_else(|| Error::Reference {
                        reference: reference.clone(),
                        pointer: from.clone(),
                    })?;
                current = serde_json::from_value(value.clone()).map_err(|e| Error::Structure {
                    pointer: reference.clone(),
                    message: e.to_string(),
                })?;
                from = reference;
            }
        }
    }
    Err(Error::Structure {
        pointer: at.to_owned(),
        message: "a chain of more than 32 references".to_owned(),
    })
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the arguments are the operation's context"
)]
fn lower_operation(
    space: &mut TypeSpace<'_>,
    raw: &Value,
    id: &str,
    method: &str,
    path: &str,
    path_params: &[ReferenceOr<Parameter>],
    op: &SpecOperation,
    resource: &str,
    method_name: &str,
    at: &str,
) -> Result<Operation> {
    let hint = format!(
        "{}{}",
        ident::camel(resource),
        ident::unraw(&ident::camel(method_name))
    );
    // Parameters: operation-level ones override path-item ones with the same name and location.
    let mut merged: Vec<(Parameter, String)> = Vec::new();
    for (list, list_at) in [
        (
            path_params,
            format!(
                "{}/parameters",
                at.rsplit_once('/').map(|x| x.0).unwrap_or(at)
            ),
        ),
        (&op.parameters[..], format!("{at}/parameters")),
    ] {
        for (i, p) in list.iter().enumerate() {
            let p_at = format!("{list_at}/{i}");
            let p: Parameter = resolve(p, raw, &p_at)?;
            let key = (p.parameter_data_ref().name.clone(), location_of(&p));
            merged.retain(|(q, _)| (q.parameter_data_ref().name.clone(), location_of(q)) != key);
            merged.push((p, p_at));
        }
    }
    let mut names = Namespace::with_reserved(BUILDER_METHODS.iter().copied());
    let mut path_out = Vec::new();
    let mut params = Vec::new();
    let mut idempotency_header = None;
    // Path parameters in template order.
    let template_order: Vec<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|x| x.0))
        .collect();
    merged.sort_by_key(|(p, _)| {
        let data = p.parameter_data_ref();
        match location_of(p) {
            ParamLocation::Path => template_order
                .iter()
                .position(|n| *n == data.name)
                .unwrap_or(usize::MAX),
            _ => usize::MAX,
        }
    });
    for (p, p_at) in &merged {
        let data = p.parameter_data_ref();
        let location = location_of(p);
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(s) => Some(s.clone()),
            ParameterSchemaOrContent::Content(content) => {
                content.values().next().and_then(|m| m.schema.clone())
            }
        };
        let param_hint = format!("{hint}{}", ident::unraw(&ident::camel(&data.name)));
        let ty = match &schema {
            Some(s) => {
                let lowered = space.lower(s, &param_hint, &format!("{p_at}/schema"))?;
                lowered.ty
            }
            None => TypeRef::String,
        };
        let style = query_style(p);
        if location == ParamLocation::Header
            && matches!(
                data.name.to_ascii_lowercase().as_str(),
                "idempotency-key" | "x-idempotency-key"
            )
        {
            idempotency_header = Some(data.name.clone());
        }
        let param = Param {
            name: names.claim(&ident::snake(&data.name)),
            wire: data.name.clone(),
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            style,
            docs: data.description.clone(),
        };
        if location == ParamLocation::Path {
            path_out.push(param);
        } else {
            params.push(param);
        }
    }
    // Template names without a declared parameter still need an argument.
    for name in &template_order {
        if !path_out.iter().any(|p| p.wire == *name) {
            space.diagnostics.push(Diagnostic {
                location: id.to_owned(),
                message: format!("path parameter `{name}` is not declared; taken as a string"),
            });
            path_out.push(Param {
                name: names.claim(&ident::snake(name)),
                wire: (*name).to_owned(),
                location: ParamLocation::Path,
                ty: TypeRef::String,
                required: true,
                style: QueryStyle::Form { explode: true },
                docs: None,
            });
        }
    }

    let body = match &op.request_body {
        Some(body) => lower_body(
            space,
            raw,
            body,
            &hint,
            &format!("{at}/requestBody"),
            &mut names,
        )?,
        None => None,
    };
    let transport = websocket_message(op, space, &hint, at)?
        .map(Transport::WebSocket)
        .unwrap_or(Transport::Http);
    let response = if transport == Transport::Http {
        lower_responses(space, raw, op, &hint, at)?
    } else {
        ResponseShape::Empty
    };
    let docs = match (&op.summary, &op.description) {
        (Some(s), Some(d)) if s.trim() != d.trim() => Some(format!("{s}\n\n{d}")),
        (Some(s), _) => Some(s.clone()),
        (None, Some(d)) => Some(d.clone()),
        (None, None) => None,
    };
    Ok(Operation {
        id: id.to_owned(),
        method_name: method_name.to_owned(),
        builder_name: String::new(),
        http_method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        docs,
        deprecated: op.deprecated,
        path_params: path_out,
        params,
        body,
        response,
        pagination: None,
        idempotency_header,
        transport,
        anonymous: op.security.as_ref().is_some_and(Vec::is_empty),
    })
}

fn location_of(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

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

/// The media type's essence, lower case, without parameters.
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase()
}

fn is_json(media: &str) -> bool {
    let m = essence(media);
    m == "application/json" || m.ends_with("+json") || m == "text/json"
}

fn lower_body(
    space: &mut TypeSpace<'_>,
    raw: &Value,
    body: &ReferenceOr<openapiv3::RequestBody>,
    hint: &str,
    at: &str,
    names: &mut Namespace,
) -> Result<Option<RequestBody>> {
    let body: openapiv3::RequestBody = resolve(body, raw, at)?;
    let rank = |media: &str| -> usize {
        let m = essence(media);
        if is_json(media) {
            0
        } else if m == "application/x-www-form-urlencoded" {
            1
        } else if m == "multipart/form-data" {
            2
        } else if m == "application/octet-stream" {
            3
        } else if m.starts_with("text/") {
            4
        } else {
            5
        }
    };
    let Some((media, content)) = body.content.iter().min_by_key(|(m, _)| rank(m)) else {
        return Ok(None);
    };
    let content_at = format!("{at}/content/{}", escape_pointer(media));
    let body_hint = format!("{hint}Body");
    let m = essence(media);
    let encoding = if is_json(media) {
        let ty = match &content.schema {
            Some(s) => {
                space
                    .lower(s, &body_hint, &format!("{content_at}/schema"))?
                    .ty
            }
            None => TypeRef::Json,
        };
        BodyEncoding::Json(ty, media.clone())
    } else if m == "application/x-www-form-urlencoded" {
        let ty = match &content.schema {
            Some(s) => {
                space
                    .lower(s, &body_hint, &format!("{content_at}/schema"))?
                    .ty
            }
            None => TypeRef::Map(Box::new(TypeRef::String)),
        };
        BodyEncoding::Form(ty)
    } else if m == "multipart/form-data" {
        BodyEncoding::Multipart(multipart_parts(
            space,
            content.schema.as_ref(),
            &body_hint,
            &content_at,
            names,
        )?)
    } else if m.starts_with("text/") {
        BodyEncoding::Text(media.clone())
    } else {
        BodyEncoding::Bytes(if m == "*/*" {
            "application/octet-stream".to_owned()
        } else {
            media.clone()
        })
    };
    let _ = names;
    Ok(Some(RequestBody {
        required: body.required,
        encoding,
        docs: body.description.clone(),
    }))
}

fn multipart_parts(
    space: &mut TypeSpace<'_>,
    schema: Option<&ReferenceOr<openapiv3::Schema>>,
    hint: &str,
    at: &str,
    _names: &mut Namespace,
) -> Result<Vec<MultipartPart>> {
    let Some(schema) = schema else {
        return Ok(Vec::new());
    };
    let lowered = space.lower(schema, hint, &format!("{at}/schema"))?;
    let TypeRef::Named(name) = &lowered.ty else {
        return Ok(Vec::new());
    };
    let Some(def) = space.get(name) else {
        return Ok(Vec::new());
    };
    let TypeKind::Struct(s) = &def.kind else {
        return Ok(Vec::new());
    };
    Ok(s.fields
        .iter()
        .map(|f| MultipartPart {
            name: f.name.clone(),
            wire: f.wire.clone(),
            file: matches!(f.ty, TypeRef::Bytes)
                || matches!(&f.ty, TypeRef::Vec(inner) if **inner == TypeRef::Bytes),
            ty: f.ty.clone(),
            required: f.required,
        })
        .collect())
}

/// The payload type of a webhook or callback request.
pub fn request_payload_type(
    op: &SpecOperation,
    space: &mut TypeSpace<'_>,
    hint: &str,
    at: &str,
) -> Result<Option<TypeRef>> {
    let Some(ReferenceOr::Item(body)) = &op.request_body else {
        if let Some(ReferenceOr::Reference { reference }) = &op.request_body {
            space.diagnostics.push(Diagnostic {
                location: at.to_owned(),
                message: format!(
                    "request body reference `{reference}` in a webhook is not followed"
                ),
            });
        }
        return Ok(None);
    };
    let Some((media, content)) = body
        .content
        .iter()
        .find(|(m, _)| is_json(m))
        .or_else(|| body.content.iter().next())
    else {
        return Ok(None);
    };
    match &content.schema {
        Some(s) => Ok(Some(
            space
                .lower(
                    s,
                    hint,
                    &format!("{at}/requestBody/content/{}/schema", escape_pointer(media)),
                )?
                .ty,
        )),
        None => Ok(None),
    }
}

/// The message type of a WebSocket operation (`x-websocket: {message: schema}`, or dropshot's
/// `x-dropshot-websocket`).
fn websocket_message(
    op: &SpecOperation,
    space: &mut TypeSpace<'_>,
    hint: &str,
    at: &str,
) -> Result<Option<TypeRef>> {
    if let Some(ext) = op.extensions.get("x-websocket") {
        let message = ext
            .get("message")
            .cloned()
            .unwrap_or(Value::Object(Default::default()));
        let mut message = message;
        crate::normalize::normalize_schema(&mut message);
        let schema: ReferenceOr<openapiv3::Schema> =
            serde_json::from_value(message).map_err(|e| Error::Structure {
                pointer: format!("{at}/x-websocket/message"),
                message: e.to_string(),
            })?;
        let ty = space
            .lower(
                &schema,
                &format!("{hint}Message"),
                &format!("{at}/x-websocket/message"),
            )?
            .ty;
        return Ok(Some(ty));
    }
    if op.extensions.contains_key("x-dropshot-websocket") {
        return Ok(Some(TypeRef::Json));
    }
    Ok(None)
}

fn status_variant(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(200) => "Ok".into(),
        StatusMatch::Code(201) => "Created".into(),
        StatusMatch::Code(202) => "Accepted".into(),
        StatusMatch::Code(203) => "NonAuthoritative".into(),
        StatusMatch::Code(204) => "NoContent".into(),
        StatusMatch::Code(206) => "PartialContent".into(),
        StatusMatch::Code(c) => format!("Status{c}"),
        StatusMatch::Range(r) => format!("Status{r}xx"),
    }
}

fn lower_responses(
    space: &mut TypeSpace<'_>,
    raw: &Value,
    op: &SpecOperation,
    hint: &str,
    at: &str,
) -> Result<ResponseShape> {
    let mut successes: Vec<(StatusMatch, &ReferenceOr<openapiv3::Response>, String)> = Vec::new();
    for (code, response) in &op.responses.responses {
        let (status, key) = match code {
            StatusCode::Code(c) if (200..300).contains(c) => (StatusMatch::Code(*c), c.to_string()),
            StatusCode::Range(2) => (StatusMatch::Range(2), "2XX".to_owned()),
            _ => continue,
        };
        successes.push((status, response, key));
    }
    if successes.is_empty() {
        if let Some(default) = &op.responses.default {
            successes.push((StatusMatch::Range(2), default, "default".to_owned()));
        }
    }
    let mut shapes: Vec<(StatusMatch, ResponseShape)> = Vec::new();
    for (status, response, key) in successes {
        let r_at = format!("{at}/responses/{key}");
        let response: openapiv3::Response = resolve(response, raw, &r_at)?;
        let variant_hint = if matches!(
            status,
            StatusMatch::Code(200) | StatusMatch::Code(201) | StatusMatch::Range(2)
        ) {
            format!("{hint}Response")
        } else {
            format!("{hint}{}Response", status_variant(&status))
        };
        let shape = response_shape(space, &response, &variant_hint, &r_at)?;
        shapes.push((status, shape));
    }
    let mut distinct: Vec<&ResponseShape> = Vec::new();
    for (_, s) in &shapes {
        if !distinct.contains(&s) {
            distinct.push(s);
        }
    }
    // Statuses that only differ in having no body do not need an enum: keep the body type.
    let non_empty: Vec<&&ResponseShape> = distinct
        .iter()
        .filter(|s| ***s != ResponseShape::Empty)
        .collect();
    match (distinct.len(), non_empty.len()) {
        (0, _) => Ok(ResponseShape::Empty),
        (1, _) => Ok(distinct[0].clone()),
        _ => {
            let mut names = Namespace::default();
            let outcomes = shapes
                .into_iter()
                .map(|(status, shape)| Outcome {
                    name: names.claim(&status_variant(&status)),
                    status,
                    body: Box::new(shape),
                })
                .collect();
            Ok(ResponseShape::Outcomes(String::new(), outcomes))
        }
    }
}

fn response_shape(
    space: &mut TypeSpace<'_>,
    response: &openapiv3::Response,
    hint: &str,
    at: &str,
) -> Result<ResponseShape> {
    if response.content.is_empty() {
        return Ok(ResponseShape::Empty);
    }
    let rank = |media: &str| -> usize {
        let m = essence(media);
        if is_json(media) {
            0
        } else if m == "text/event-stream" {
            1
        } else if m.starts_with("text/") {
            2
        } else {
            3
        }
    };
    let (media, content) = response
        .content
        .iter()
        .min_by_key(|(m, _)| rank(m))
        .expect("not empty");
    let m = essence(media);
    let schema_at = format!("{at}/content/{}/schema", escape_pointer(media));
    if is_json(media) {
        let ty = match &content.schema {
            Some(s) => {
                let lowered = space.lower(s, hint, &schema_at)?;
                if lowered.nullable && !matches!(lowered.ty, TypeRef::Json) {
                    TypeRef::Option(Box::new(lowered.ty))
                } else {
                    lowered.ty
                }
            }
            None => TypeRef::Json,
        };
        Ok(ResponseShape::Json(ty))
    } else if m == "text/event-stream" {
        let ty = match &content.schema {
            Some(s) => space.lower(s, &format!("{hint}Event"), &schema_at)?.ty,
            None => TypeRef::Json,
        };
        Ok(ResponseShape::EventStream(ty))
    } else if m.starts_with("text/") {
        Ok(ResponseShape::Text)
    } else {
        Ok(ResponseShape::Stream)
    }
}

fn find_field<'s>(
    space: &'s TypeSpace<'_>,
    ty: &TypeRef,
    wire: &str,
) -> Option<&'s crate::ir::Field> {
    let TypeRef::Named(name) = ty else {
        return None;
    };
    let TypeKind::Struct(s) = &space.get(name)?.kind else {
        return None;
    };
    s.fields.iter().find(|f| f.wire == wire)
}

fn page_type(op: &Operation) -> Option<&TypeRef> {
    match &op.response {
        ResponseShape::Json(ty) => Some(ty),
        _ => None,
    }
}

fn configured_pagination(
    space: &mut TypeSpace<'_>,
    op: &Operation,
    config: &crate::config::PaginationConfig,
    at: &str,
) -> Option<Pagination> {
    let result = pagination_from(
        space,
        op,
        config.style,
        config.items.as_deref(),
        config.total.as_deref(),
        config.cursor_param.as_deref(),
        config.next_cursor.as_deref(),
    );
    if result.is_none() {
        space.diagnostics.push(Diagnostic {
            location: at.to_owned(),
            message:
                "pagination configured but the operation's parameters or response do not match it"
                    .into(),
        });
    }
    result
}

fn pagination_from(
    space: &TypeSpace<'_>,
    op: &Operation,
    style: PaginationStyle,
    items: Option<&str>,
    total: Option<&str>,
    cursor_param: Option<&str>,
    next_cursor: Option<&str>,
) -> Option<Pagination> {
    let page = page_type(op)?;
    let page_access = match items {
        Some(items) => {
            let field = find_field(space, page, items)?;
            let TypeRef::Vec(item) = &field.ty else {
                return None;
            };
            PageAccess {
                items_field: Some(field.name.clone()),
                item: (**item).clone(),
                items_optional: !field.required || field.nullable,
            }
        }
        None => {
            let TypeRef::Vec(item) = page else {
                return None;
            };
            PageAccess {
                items_field: None,
                item: (**item).clone(),
                items_optional: false,
            }
        }
    };
    match style {
        PaginationStyle::Offset => {
            let offset = op
                .params
                .iter()
                .find(|p| p.wire == "offset" && p.location == ParamLocation::Query)?;
            let total_field = match total {
                Some(t) => Some(find_field(space, page, t)?)
                    .filter(|f| {
                        f.required && matches!(f.ty, TypeRef::I64 | TypeRef::I32 | TypeRef::U64)
                    })
                    .map(|f| f.name.clone()),
                None => None,
            };
            Some(Pagination::Offset {
                offset_param: offset.name.clone(),
                page: page_access,
                total_field,
            })
        }
        PaginationStyle::Cursor => {
            let cursor = op.params.iter().find(|p| {
                Some(p.wire.as_str()) == cursor_param && p.location == ParamLocation::Query
            })?;
            let next = find_field(space, page, next_cursor?)?;
            Some(Pagination::Cursor {
                cursor_param: cursor.name.clone(),
                page: page_access,
                next_field: next.name.clone(),
                from_last_item: None,
            })
        }
    }
}

/// Recognises the common list shapes: `limit`/`offset` with an items array (and a total), and
/// Stripe's `starting_after` cursor with `data`/`has_more`.
fn detect_pagination(space: &TypeSpace<'_>, op: &Operation) -> Option<Pagination> {
    if op.http_method != "GET" {
        return None;
    }
    let page = page_type(op)?;
    let has = |wire: &str| {
        op.params
            .iter()
            .any(|p| p.wire == wire && p.location == ParamLocation::Query)
    };
    if has("offset") && has("limit") {
        let TypeRef::Named(name) = page else {
            return None;
        };
        let TypeKind::Struct(s) = &space.get(name)?.kind else {
            return None;
        };
        let arrays: Vec<&crate::ir::Field> = s
            .fields
            .iter()
            .filter(|f| matches!(f.ty, TypeRef::Vec(_)))
            .collect();
        if arrays.len() != 1 {
            return None;
        }
        let total = ["total", "total_count", "count"]
            .into_iter()
            .find(|t| s.fields.iter().any(|f| f.wire == *t));
        return pagination_from(
            space,
            op,
            PaginationStyle::Offset,
            Some(&arrays[0].wire),
            total,
            None,
            None,
        );
    }
    if has("starting_after") {
        let data = find_field(space, page, "data")?;
        let has_more = find_field(space, page, "has_more")?;
        let TypeRef::Vec(item) = &data.ty else {
            return None;
        };
        let item_has_id =
            find_field(space, item, "id").is_some_and(|f| f.required && f.ty == TypeRef::String);
        if !item_has_id || has_more.ty != TypeRef::Bool {
            return None;
        }
        let cursor = op.params.iter().find(|p| p.wire == "starting_after")?;
        return Some(Pagination::Cursor {
            cursor_param: cursor.name.clone(),
            page: PageAccess {
                items_field: Some(data.name.clone()),
                item: (**item).clone(),
                items_optional: !data.required,
            },
            next_field: has_more.name.clone(),
            from_last_item: Some(find_field(space, item, "id")?.name.clone()),
        });
    }
    None
}
