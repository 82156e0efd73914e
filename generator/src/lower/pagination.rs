//! Pagination of list operations: configured in `sdk.toml`, or recognised (`limit`/`offset`
//! with an items array, Stripe's `starting_after` cursor with `data`/`has_more`).

use crate::config::{PaginationConfig, PaginationStyle};
use crate::ir::{
    DiagnosticKind, Field, PageAccess, Pagination, Param, ParamLocation, ResponseShape, TypeKind,
    TypeRef,
};
use crate::lower::operations::{OperationDraft, ResponseDraft};
use crate::lower::types::TypeSpace;

/// The pagination `sdk.toml` configures for an operation; a diagnostic at `at` when the
/// operation does not fit it.
pub(super) fn configured(
    space: &mut TypeSpace<'_>,
    op: &OperationDraft,
    config: &PaginationConfig,
    at: &str,
) -> Option<Pagination> {
    let page = match config.style {
        PaginationStyle::Offset => Style::Offset {
            total: config.total.as_deref(),
        },
        PaginationStyle::Cursor => Style::Cursor {
            param: config.cursor_param.as_deref(),
            next: config.next_cursor.as_deref(),
        },
    };
    let result = pagination_from(space, op, page, config.items.as_deref());
    if result.is_none() {
        space.diag(
            DiagnosticKind::Config,
            at,
            "pagination configured but the operation's parameters or response do not match it",
        );
    }
    result
}

/// What a pagination style needs beside the items.
#[derive(Clone, Copy)]
enum Style<'a> {
    /// `offset` (and `limit`) query parameters; the wire name of the total field.
    Offset { total: Option<&'a str> },
    /// A cursor query parameter and the page field holding the next cursor (wire names).
    Cursor {
        param: Option<&'a str>,
        next: Option<&'a str>,
    },
}

/// The query parameter with this wire name.
fn query_param<'o>(op: &'o OperationDraft, wire: &str) -> Option<&'o Param> {
    op.params
        .iter()
        .find(|p| p.wire == wire && p.location == ParamLocation::Query)
}

/// The field of a named struct with this wire name.
fn find_field<'s>(space: &'s TypeSpace<'_>, ty: &TypeRef, wire: &str) -> Option<&'s Field> {
    let TypeRef::Named(name) = ty else {
        return None;
    };
    let TypeKind::Struct(s) = &space.get(name)?.kind else {
        return None;
    };
    s.fields.iter().find(|f| f.wire == wire)
}

/// The type of a page: the JSON response.
fn page_type(op: &OperationDraft) -> Option<&TypeRef> {
    match &op.response {
        ResponseDraft::Shape(ResponseShape::Json(ty)) => Some(ty),
        _ => None,
    }
}

fn pagination_from(
    space: &TypeSpace<'_>,
    op: &OperationDraft,
    style: Style<'_>,
    items: Option<&str>,
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
                items_optional: field.presence.is_optional(),
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
        Style::Offset { total } => {
            // The runtime counts in u64: an offset or limit typed as a number or a string
            // does not take part.
            let offset = query_param(op, "offset").filter(|p| is_integer(&p.ty))?;
            let total_field = match total {
                Some(t) => Some(find_field(space, page, t)?)
                    .filter(|f| f.presence.is_required() && is_integer(&f.ty))
                    .map(|f| f.name.clone()),
                None => None,
            };
            Some(Pagination::Offset {
                offset_param: offset.name.clone(),
                limit_param: query_param(op, "limit")
                    .filter(|p| is_integer(&p.ty))
                    .map(|p| p.name.clone()),
                page: page_access,
                total_field,
            })
        }
        Style::Cursor { param, next } => {
            let cursor = query_param(op, param?)?;
            let next = find_field(space, page, next?)?;
            Some(Pagination::Cursor {
                cursor_param: cursor.name.clone(),
                page: page_access,
                next_field: next.name.clone(),
                from_last_item: None,
            })
        }
    }
}

fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::I64 | TypeRef::I32 | TypeRef::U64)
}

/// Recognises the common list shapes: `limit`/`offset` with an items array (and a total), and
/// Stripe's `starting_after` cursor with `data`/`has_more`.
pub(super) fn detect(space: &TypeSpace<'_>, op: &OperationDraft) -> Option<Pagination> {
    if op.http_method != "GET" {
        return None;
    }
    let page = page_type(op)?;
    let integer_param = |wire: &str| query_param(op, wire).is_some_and(|p| is_integer(&p.ty));
    if integer_param("offset") && integer_param("limit") {
        let TypeRef::Named(name) = page else {
            return None;
        };
        let TypeKind::Struct(s) = &space.get(name)?.kind else {
            return None;
        };
        let arrays: Vec<&Field> = s
            .fields
            .iter()
            .filter(|f| matches!(f.ty, TypeRef::Vec(_)))
            .collect();
        let [items] = arrays[..] else {
            return None;
        };
        let total = ["total", "total_count", "count"]
            .into_iter()
            .find(|t| s.fields.iter().any(|f| f.wire == *t));
        return pagination_from(space, op, Style::Offset { total }, Some(&items.wire));
    }
    if query_param(op, "starting_after").is_some() {
        return stripe_cursor(space, op, page);
    }
    None
}

/// Stripe's lists: `starting_after` the last item's `id` while `has_more`.
fn stripe_cursor(space: &TypeSpace<'_>, op: &OperationDraft, page: &TypeRef) -> Option<Pagination> {
    let data = find_field(space, page, "data")?;
    let has_more = find_field(space, page, "has_more")?;
    let TypeRef::Vec(item) = &data.ty else {
        return None;
    };
    let id = find_field(space, item, "id")
        .filter(|f| f.presence.is_required() && f.ty == TypeRef::String)?;
    if has_more.ty != TypeRef::Bool {
        return None;
    }
    let cursor = op.params.iter().find(|p| p.wire == "starting_after")?;
    Some(Pagination::Cursor {
        cursor_param: cursor.name.clone(),
        page: PageAccess {
            items_field: Some(data.name.clone()),
            item: (**item).clone(),
            items_optional: !data.presence.is_required(),
        },
        next_field: has_more.name.clone(),
        from_last_item: Some(id.name.clone()),
    })
}
