//! Lowers request bodies (JSON, form, multipart, bytes, text) and the payloads of webhook and
//! callback requests; also the media-type rules responses share.

use openapiv3::{Operation, ReferenceOr, RequestBody as SpecBody, Schema};

use crate::error::{Result, escape_pointer};
use crate::ident::Namespace;
use crate::ir::{BodyEncoding, DiagnosticKind, MultipartPart, RequestBody, TypeKind, TypeRef};
use crate::lower::types::TypeSpace;

/// The media type's essence, lower case, without parameters.
pub(super) fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase()
}

/// JSON, `+json` and `text/json`.
pub(super) fn is_json(media: &str) -> bool {
    let m = essence(media);
    m == "application/json" || m.ends_with("+json") || m == "text/json"
}

/// Which of several request media types is sent: JSON first, then forms, multipart, bytes, text.
fn request_rank(media: &str) -> usize {
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
}

/// Lowers a (resolved) request body at `at`; `None` when it declares no content. Multipart parts become
/// builder setters, so their names are claimed in the builder's `names`.
pub(super) fn lower_body(
    space: &mut TypeSpace<'_>,
    body: &SpecBody,
    hint: &str,
    at: &str,
    names: &mut Namespace,
) -> Result<Option<RequestBody>> {
    let Some((media, content)) = body.content.iter().min_by_key(|(m, _)| request_rank(m)) else {
        return Ok(None);
    };
    let content_at = format!("{at}/content/{}", escape_pointer(media));
    let schema_at = format!("{content_at}/schema");
    let body_hint = format!("{hint}Body");
    let m = essence(media);
    let encoding = if is_json(media) {
        let ty = match &content.schema {
            Some(s) => space.lower(s, &body_hint, &schema_at)?.ty,
            None => TypeRef::Json,
        };
        BodyEncoding::Json(ty, media.clone())
    } else if m == "application/x-www-form-urlencoded" {
        let ty = match &content.schema {
            Some(s) => space.lower(s, &body_hint, &schema_at)?.ty,
            None => TypeRef::Map(Box::new(TypeRef::String)),
        };
        BodyEncoding::Form(ty)
    } else if m == "multipart/form-data" {
        BodyEncoding::Multipart(multipart_parts(
            space,
            content.schema.as_ref(),
            &body_hint,
            &schema_at,
            names,
        )?)
    } else if m.starts_with("text/") {
        BodyEncoding::Text(media.clone())
    } else if m == "*/*" {
        BodyEncoding::Bytes("application/octet-stream".to_owned())
    } else {
        BodyEncoding::Bytes(media.clone())
    };
    // The media type's example, else the first of its named examples (a `$ref` to a shared one
    // is left to the schema's example).
    let example = content.example.clone().or_else(|| {
        content.examples.values().find_map(|e| match e {
            openapiv3::ReferenceOr::Item(e) => e.value.clone(),
            openapiv3::ReferenceOr::Reference { .. } => None,
        })
    });
    Ok(Some(RequestBody {
        required: body.required,
        encoding,
        docs: body.description.clone(),
        example,
    }))
}

/// The parts of a multipart body: the fields of its object schema, named apart from the builder's methods and
/// parameters.
fn multipart_parts(
    space: &mut TypeSpace<'_>,
    schema: Option<&ReferenceOr<Schema>>,
    hint: &str,
    at: &str,
    names: &mut Namespace,
) -> Result<Vec<MultipartPart>> {
    let Some(schema) = schema else {
        return Ok(Vec::new());
    };
    let lowered = space.lower(schema, hint, at)?;
    let TypeRef::Named(name) = &lowered.ty else {
        return Ok(Vec::new());
    };
    let Some(TypeKind::Struct(s)) = space.get(name).map(|def| &def.kind) else {
        return Ok(Vec::new());
    };
    Ok(s.fields
        .iter()
        .map(|f| MultipartPart {
            name: names.claim(&f.name),
            wire: f.wire.clone(),
            file: matches!(f.ty, TypeRef::Bytes)
                || matches!(&f.ty, TypeRef::Vec(inner) if **inner == TypeRef::Bytes),
            ty: f.ty.clone(),
            required: f.presence.is_required(),
        })
        .collect())
}

/// The payload type of a webhook or callback request (its JSON body, else its first body).
pub(super) fn request_payload_type(
    op: &Operation,
    space: &mut TypeSpace<'_>,
    hint: &str,
    at: &str,
) -> Result<Option<TypeRef>> {
    let body = match &op.request_body {
        Some(ReferenceOr::Item(body)) => body,
        Some(ReferenceOr::Reference { reference }) => {
            space.diag(
                DiagnosticKind::UnresolvedReference,
                at,
                format!("request body reference `{reference}` in a webhook is not followed"),
            );
            return Ok(None);
        }
        None => return Ok(None),
    };
    let Some((media, content)) = body
        .content
        .iter()
        .find(|(m, _)| is_json(m))
        .or_else(|| body.content.iter().next())
    else {
        return Ok(None);
    };
    let Some(schema) = &content.schema else {
        return Ok(None);
    };
    let schema_at = format!("{at}/requestBody/content/{}/schema", escape_pointer(media));
    Ok(Some(space.lower(schema, hint, &schema_at)?.ty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        assert_eq!(
            essence("Application/JSON; charset=utf-8"),
            "application/json"
        );
        assert!(is_json("application/problem+json"));
        assert!(is_json("text/json"));
        assert!(!is_json("text/plain"));
    }

    #[test]
    fn json_is_preferred_then_forms_then_multipart() {
        let mut media = [
            "text/plain",
            "multipart/form-data",
            "application/octet-stream",
            "application/x-www-form-urlencoded",
            "application/json",
        ];
        media.sort_by_key(|m| request_rank(m));
        assert_eq!(
            media,
            [
                "application/json",
                "application/x-www-form-urlencoded",
                "multipart/form-data",
                "application/octet-stream",
                "text/plain",
            ]
        );
    }
}
