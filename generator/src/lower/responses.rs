//! Lowers an operation's success responses into what `send()` returns: one shape, or an enum of
//! outcomes when statuses carry different bodies.

use openapiv3::Response;

use crate::document::{Success, SuccessStatus};
use crate::error::{Result, escape_pointer};
use crate::ident::Namespace;
use crate::ir::{Outcome, ResponseShape, StatusMatch, TypeRef};
use crate::lower::bodies::{essence, is_json};
use crate::lower::operations::ResponseDraft;
use crate::lower::types::TypeSpace;

/// The variant name of a status (`Ok`, `Created`, `Status409`, `Status2xx`).
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

/// Lowers the success responses of an operation whose inline types are named after `hint`.
pub(super) fn lower_responses(
    space: &mut TypeSpace<'_>,
    successes: &[Success],
    hint: &str,
) -> Result<ResponseDraft> {
    let mut shapes: Vec<(StatusMatch, ResponseShape)> = Vec::new();
    for success in successes {
        let status = match success.status {
            SuccessStatus::Code(c) => StatusMatch::Code(c),
            SuccessStatus::Range2xx | SuccessStatus::Default => StatusMatch::Range(2),
        };
        let variant_hint = match status {
            StatusMatch::Code(200 | 201) | StatusMatch::Range(2) => format!("{hint}Response"),
            _ => format!("{hint}{}Response", status_variant(&status)),
        };
        let shape = response_shape(space, &success.response, &variant_hint, &success.at)?;
        shapes.push((status, shape));
    }
    let mut distinct: Vec<&ResponseShape> = Vec::new();
    for (_, s) in &shapes {
        if !distinct.contains(&s) {
            distinct.push(s);
        }
    }
    match distinct.len() {
        0 => Ok(ResponseDraft::Shape(ResponseShape::Empty)),
        1 => Ok(ResponseDraft::Shape(distinct[0].clone())),
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
            Ok(ResponseDraft::Outcomes(outcomes))
        }
    }
}

/// Which of several response media types is read: JSON, then event streams, text, bytes.
fn response_rank(media: &str) -> usize {
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
}

fn response_shape(
    space: &mut TypeSpace<'_>,
    response: &Response,
    hint: &str,
    at: &str,
) -> Result<ResponseShape> {
    let Some((media, content)) = response
        .content
        .iter()
        .min_by_key(|(m, _)| response_rank(m))
    else {
        return Ok(ResponseShape::Empty);
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_variants() {
        assert_eq!(status_variant(&StatusMatch::Code(200)), "Ok");
        assert_eq!(status_variant(&StatusMatch::Code(409)), "Status409");
        assert_eq!(status_variant(&StatusMatch::Range(2)), "Status2xx");
    }

    #[test]
    fn json_is_read_before_event_streams_and_text() {
        assert!(response_rank("application/json") < response_rank("text/event-stream"));
        assert!(response_rank("text/event-stream") < response_rank("text/plain"));
        assert!(response_rank("text/plain") < response_rank("application/pdf"));
    }
}
