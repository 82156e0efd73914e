//! The normalized document lowering reads: the typed `openapiv3` document plus what it lacks (3.1
//! `webhooks`, WebSocket message schemas), with path items, parameters, request bodies and success
//! responses already resolved through their local `$ref`s. The one place that turns JSON into
//! `openapiv3` types after loading.

use std::borrow::Cow;

use indexmap::IndexMap;
use openapiv3::{
    Components, OpenAPI, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response,
    Schema, StatusCode,
};
use serde_json::Value;

use crate::error::{Error, Result, escape_pointer};

/// A loaded, normalized spec, ready to lower.
#[derive(Debug, Clone)]
pub struct Document {
    /// The typed document: info, servers, components, security, tags (its `paths` are empty: they
    /// are read into `operations`).
    pub openapi: OpenAPI,
    /// Every operation under `paths`, in path and method order.
    pub operations: Vec<PathOperation>,
    /// Every operation of the 3.1 `webhooks` map (or `x-webhooks` in 3.0), in document order.
    pub webhooks: Vec<WebhookOperation>,
    /// The normalized JSON, for schemas reached through pointers outside `components/schemas`.
    raw: Value,
}

/// One operation under `paths`, its references resolved.
#[derive(Debug, Clone)]
pub struct PathOperation {
    /// The path template (`/tasks/{task_id}`).
    pub path: String,
    /// The HTTP method, lower case.
    pub method: String,
    /// Its JSON pointer (`#/paths/~1tasks/get`).
    pub at: String,
    /// The operation as written (its parameters, body and responses are read resolved, below).
    pub operation: Operation,
    /// Path-item and operation parameters; an operation parameter replaces a path-item one with
    /// the same name and location. Each with its JSON pointer.
    pub parameters: Vec<(Parameter, String)>,
    /// The request body, resolved.
    pub request_body: Option<RequestBody>,
    /// The success responses (2xx codes and the `2XX` range, else `default`), resolved, in
    /// document order.
    pub successes: Vec<Success>,
    /// The schema `$ref`s of the error responses' bodies (4xx, 5xx, and `default` when a success
    /// is documented), in document order, without repeats. Responses whose `$ref` does not resolve
    /// are not read, as no code is generated from them.
    pub error_schemas: Vec<String>,
    /// The callbacks the operation declares.
    pub callbacks: Vec<CallbackOperation>,
    /// The message schema of a WebSocket operation (`x-websocket`, `x-dropshot-websocket`).
    pub websocket: Option<WebSocketMessage>,
}

/// Which statuses a success response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuccessStatus {
    /// One status code.
    Code(u16),
    /// The `2XX` range.
    Range2xx,
    /// `default`, taken as the success when no 2xx is documented.
    Default,
}

/// A success response.
#[derive(Debug, Clone)]
pub struct Success {
    /// The statuses it covers.
    pub status: SuccessStatus,
    /// The response, resolved.
    pub response: Response,
    /// Its JSON pointer (`…/responses/200`).
    pub at: String,
}

/// The message type of a WebSocket operation.
#[derive(Debug, Clone)]
pub enum WebSocketMessage {
    /// `x-websocket: {message: schema}` (a missing schema is `{}`), normalized like any schema.
    Schema(Box<ReferenceOr<Schema>>),
    /// dropshot's `x-dropshot-websocket`: messages of no declared type.
    Untyped,
}

/// One operation of a callback.
#[derive(Debug, Clone)]
pub struct CallbackOperation {
    /// The callback's name.
    pub name: String,
    /// The operation.
    pub operation: Operation,
    /// Its JSON pointer.
    pub at: String,
}

/// One operation of a webhook.
#[derive(Debug, Clone)]
pub struct WebhookOperation {
    /// The webhook's name (`task.created`).
    pub name: String,
    /// The operation.
    pub operation: Operation,
    /// Its JSON pointer.
    pub at: String,
}

impl Document {
    /// Resolves what lowering reads of a loaded document. `raw` is the normalized JSON it was read
    /// from. The path items move out of `openapi.paths` into [`Document::operations`].
    pub fn new(mut openapi: OpenAPI, raw: Value) -> Result<Self> {
        let mut operations = Vec::new();
        let paths = std::mem::take(&mut openapi.paths.paths);
        let refs = Refs {
            raw: &raw,
            components: openapi.components.as_ref(),
        };
        for (path, item) in paths {
            let path_at = format!("#/paths/{}", escape_pointer(&path));
            let mut item: PathItem = match item {
                ReferenceOr::Item(item) => item,
                reference => refs.resolve(&reference, &path_at)?.into_owned(),
            };
            let item_parameters = std::mem::take(&mut item.parameters);
            for (method, op) in item {
                let at = format!("{path_at}/{method}");
                operations.push(path_operation(
                    refs,
                    &path,
                    method,
                    &item_parameters,
                    op,
                    at,
                )?);
            }
        }
        let webhooks = webhooks(&raw)?;
        Ok(Document {
            openapi,
            operations,
            webhooks,
            raw,
        })
    }

    /// The schema a local `$ref` points at; `origin` names the referring place in errors.
    pub fn schema_at(&self, reference: &str, origin: &str) -> Result<ReferenceOr<Schema>> {
        let value = reference
            .strip_prefix('#')
            .and_then(|pointer| self.raw.pointer(pointer))
            .ok_or_else(|| Error::Reference {
                reference: reference.to_owned(),
                pointer: origin.to_owned(),
            })?;
        serde_json::from_value(value.clone()).map_err(|e| Error::Structure {
            pointer: reference.to_owned(),
            message: e.to_string(),
        })
    }
}

fn path_operation(
    refs: Refs<'_>,
    path: &str,
    method: &str,
    item_parameters: &[ReferenceOr<Parameter>],
    op: Operation,
    at: String,
) -> Result<PathOperation> {
    let path_params_at = format!("{}/parameters", at.rsplit_once('/').map_or(&*at, |x| x.0));
    let mut parameters: Vec<(Parameter, String)> = Vec::new();
    for (list, list_at) in [
        (item_parameters, path_params_at),
        (&op.parameters, format!("{at}/parameters")),
    ] {
        for (i, p) in list.iter().enumerate() {
            let p_at = format!("{list_at}/{i}");
            let p: Parameter = refs.resolve(p, &p_at)?.into_owned();
            let key = parameter_key(&p);
            parameters.retain(|(q, _)| parameter_key(q) != key);
            parameters.push((p, p_at));
        }
    }
    let request_body = match &op.request_body {
        Some(body) => Some(
            refs.resolve(body, &format!("{at}/requestBody"))?
                .into_owned(),
        ),
        None => None,
    };
    let websocket = websocket_message(&op, &at)?;
    // A WebSocket operation's responses describe the upgrade, not values: they are not read.
    let successes = match websocket {
        Some(_) => Vec::new(),
        None => successes(refs, &op, &at)?,
    };
    let error_schemas = match websocket {
        Some(_) => Vec::new(),
        None => error_schemas(refs, &op, &at, !successes.is_empty()),
    };
    let mut callbacks = Vec::new();
    for (name, callback) in &op.callbacks {
        for (expr, cb_item) in callback {
            for (cb_method, cb_op) in cb_item.iter() {
                callbacks.push(CallbackOperation {
                    name: name.clone(),
                    operation: cb_op.clone(),
                    at: format!(
                        "{at}/callbacks/{}/{}/{cb_method}",
                        escape_pointer(name),
                        escape_pointer(expr)
                    ),
                });
            }
        }
    }
    Ok(PathOperation {
        path: path.to_owned(),
        method: method.to_owned(),
        at,
        operation: op,
        parameters,
        request_body,
        successes,
        error_schemas,
        callbacks,
        websocket,
    })
}

/// A parameter's identity: its name and location.
fn parameter_key(p: &Parameter) -> (String, &'static str) {
    let location = match p {
        Parameter::Path { .. } => "path",
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Cookie { .. } => "cookie",
    };
    (p.parameter_data_ref().name.clone(), location)
}

fn successes(refs: Refs<'_>, op: &Operation, at: &str) -> Result<Vec<Success>> {
    let mut found: Vec<(SuccessStatus, &ReferenceOr<Response>, String)> = Vec::new();
    for (code, response) in &op.responses.responses {
        match code {
            StatusCode::Code(c) if (200..300).contains(c) => {
                found.push((SuccessStatus::Code(*c), response, c.to_string()))
            }
            StatusCode::Range(2) => found.push((SuccessStatus::Range2xx, response, "2XX".into())),
            _ => {}
        }
    }
    if found.is_empty() {
        if let Some(default) = &op.responses.default {
            found.push((SuccessStatus::Default, default, "default".to_owned()));
        }
    }
    found
        .into_iter()
        .map(|(status, response, key)| {
            let at = format!("{at}/responses/{key}");
            Ok(Success {
                status,
                response: refs.resolve(response, &at)?.into_owned(),
                at,
            })
        })
        .collect()
}

/// The schema `$ref`s of the error responses' bodies: see [`PathOperation::error_schemas`].
fn error_schemas(refs: Refs<'_>, op: &Operation, at: &str, with_success: bool) -> Vec<String> {
    let errors = op
        .responses
        .responses
        .iter()
        .filter_map(|(code, response)| {
            let error = match code {
                StatusCode::Code(c) => (400..600).contains(c),
                StatusCode::Range(r) => (4..=5).contains(r),
            };
            error.then(|| (response, code.to_string()))
        });
    let default = op
        .responses
        .default
        .as_ref()
        .filter(|_| with_success)
        .map(|d| (d, "default".to_owned()));
    let mut schemas = Vec::new();
    for (response, key) in errors.chain(default) {
        let Ok(response) = refs.resolve(response, &format!("{at}/responses/{key}")) else {
            continue;
        };
        for content in response.content.values() {
            if let Some(ReferenceOr::Reference { reference }) = &content.schema {
                if !schemas.contains(reference) {
                    schemas.push(reference.clone());
                }
            }
        }
    }
    schemas
}

fn websocket_message(op: &Operation, at: &str) -> Result<Option<WebSocketMessage>> {
    if let Some(ext) = op.extensions.get("x-websocket") {
        let mut message = ext
            .get("message")
            .cloned()
            .unwrap_or(Value::Object(Default::default()));
        crate::normalize::normalize_schema(&mut message);
        let schema = serde_json::from_value(message).map_err(|e| Error::Structure {
            pointer: format!("{at}/x-websocket/message"),
            message: e.to_string(),
        })?;
        return Ok(Some(WebSocketMessage::Schema(Box::new(schema))));
    }
    if op.extensions.contains_key("x-dropshot-websocket") {
        return Ok(Some(WebSocketMessage::Untyped));
    }
    Ok(None)
}

/// The operations of `webhooks` (3.1), else `x-webhooks`.
fn webhooks(raw: &Value) -> Result<Vec<WebhookOperation>> {
    let key = if raw.get("webhooks").is_some() {
        "webhooks"
    } else {
        "x-webhooks"
    };
    let Some(Value::Object(map)) = raw.get(key) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, item) in map {
        let at = format!("#/{key}/{}", escape_pointer(name));
        let item: PathItem =
            serde_json::from_value(item.clone()).map_err(|e| Error::Structure {
                pointer: at.clone(),
                message: e.to_string(),
            })?;
        for (method, op) in item.iter() {
            out.push(WebhookOperation {
                name: name.clone(),
                operation: op.clone(),
                at: format!("{at}/{method}"),
            });
        }
    }
    Ok(out)
}

/// Where local `$ref`s lead: the typed components, else the normalized JSON.
#[derive(Clone, Copy)]
struct Refs<'d> {
    raw: &'d Value,
    components: Option<&'d Components>,
}

impl<'d> Refs<'d> {
    /// The item behind a `ReferenceOr`: itself, or what its local `$ref` points at (following
    /// references to references). A reference to a component is read from the typed
    /// components, any other from the JSON. `at` names the referring place in errors.
    fn resolve<T: Component>(&self, item: &'d ReferenceOr<T>, at: &str) -> Result<Cow<'d, T>> {
        let mut current = Cow::Borrowed(item);
        let mut from = at.to_owned();
        for _ in 0..32 {
            let reference = match current {
                Cow::Borrowed(ReferenceOr::Item(item)) => return Ok(Cow::Borrowed(item)),
                Cow::Owned(ReferenceOr::Item(item)) => return Ok(Cow::Owned(item)),
                Cow::Borrowed(ReferenceOr::Reference { reference }) => reference.clone(),
                Cow::Owned(ReferenceOr::Reference { reference }) => reference,
            };
            current = match self.component(&reference) {
                Some(component) => Cow::Borrowed(component),
                None => Cow::Owned(self.read(&reference, &from)?),
            };
            from = reference;
        }
        Err(Error::Structure {
            pointer: at.to_owned(),
            message: "a chain of more than 32 references".to_owned(),
        })
    }

    /// The typed component `reference` names (`#/components/parameters/per-page`), if it is one.
    fn component<T: Component>(&self, reference: &str) -> Option<&'d ReferenceOr<T>> {
        let name = reference.strip_prefix(T::PREFIX)?;
        if name.contains('/') {
            return None;
        }
        let name = crate::pointer::unescape(name);
        T::of(self.components?)?.get(&*name)
    }

    /// Reads what `reference` points at from the JSON; `from` names the referring place.
    fn read<T: Component>(&self, reference: &str, from: &str) -> Result<ReferenceOr<T>> {
        let value = reference
            .strip_prefix('#')
            .and_then(|ptr| self.raw.pointer(ptr))
            .ok_or_else(|| Error::Reference {
                reference: reference.to_owned(),
                pointer: from.to_owned(),
            })?;
        serde::Deserialize::deserialize(value).map_err(|e| Error::Structure {
            pointer: reference.to_owned(),
            message: e.to_string(),
        })
    }
}

/// What a `$ref` outside schemas can point at, and where `components` holds it.
trait Component: serde::de::DeserializeOwned + Clone {
    /// The pointer prefix of the components of this kind.
    const PREFIX: &'static str;
    /// The components of this kind.
    fn of(components: &Components) -> Option<&IndexMap<String, ReferenceOr<Self>>>;
}

/// `impl Component` for the kinds `components` holds: the type, its key in pointers, its field.
macro_rules! components {
    ($($ty:ty: $key:literal => $field:ident),* $(,)?) => {$(
        impl Component for $ty {
            const PREFIX: &'static str = concat!("#/components/", $key, "/");
            fn of(components: &Components) -> Option<&IndexMap<String, ReferenceOr<Self>>> {
                Some(&components.$field)
            }
        }
    )*};
}

components! {
    Parameter: "parameters" => parameters,
    RequestBody: "requestBodies" => request_bodies,
    Response: "responses" => responses,
}

impl Component for PathItem {
    // 3.0's components hold no path items; a path item's `$ref` is read from the JSON.
    const PREFIX: &'static str = "#/components/pathItems/";
    fn of(_: &Components) -> Option<&IndexMap<String, ReferenceOr<Self>>> {
        None
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::error::Error;
    use crate::load::from_value;

    fn names(op: &super::PathOperation) -> Vec<&str> {
        let names = op.parameters.iter();
        names.map(|(p, _)| &*p.parameter_data_ref().name).collect()
    }

    #[test]
    fn references_resolve_through_components_and_the_json_alike() {
        let doc = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": {
                    "parameters": [
                        {"$ref": "#/components/parameters/a~1b"},
                        {"name": "inline", "in": "query", "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {"$ref": "#/components/responses/Ok"},
                        "404": {"$ref": "#/components/responses/Missing"}
                    }
                }},
                "/b": {"get": {
                    "parameters": [{"$ref": "#/paths/~1a/get/parameters/1"}],
                    "responses": {"204": {"description": "none"}}
                }}
            },
            "components": {
                "parameters": {
                    "a/b": {"$ref": "#/components/parameters/Page"},
                    "Page": {"name": "page", "in": "query", "schema": {"type": "integer"}}
                },
                "responses": {
                    "Ok": {"description": "ok"},
                    "Missing": {"description": "no", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}}}
                },
                "schemas": {"Error": {"type": "object"}}
            }
        });
        let spec = from_value(doc, "test").expect("loads");
        let [a, b] = &spec.document.operations[..] else {
            panic!("two operations")
        };
        assert_eq!(names(a), ["page", "inline"]);
        assert_eq!(a.successes[0].response.description, "ok");
        assert_eq!(a.error_schemas, ["#/components/schemas/Error"]);
        assert_eq!(names(b), ["inline"]);
    }

    #[test]
    fn a_reference_to_no_component_names_where_it_is() {
        let doc = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "#/components/parameters/Gone"}],
                "responses": {"204": {"description": "none"}}
            }}},
            "components": {"parameters": {}}
        });
        let error = from_value(doc, "test").expect_err("a dangling reference");
        let Error::Reference { reference, pointer } = &error else {
            panic!("{error}")
        };
        assert_eq!(reference, "#/components/parameters/Gone");
        assert_eq!(pointer, "#/paths/~1a/get/parameters/0");
    }
}
