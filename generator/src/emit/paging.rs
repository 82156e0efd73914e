//! Emits `into_pages()` and `into_stream()` of paginated operations: every page (with its total, position
//! and response head), or every item of every page (the pages flattened), fetched lazily.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::types::{TypePaths, ident};
use crate::ir::{Operation, PageAccess, Pagination, ResponseShape};

/// The `into_pages` and `into_stream` methods of a paginated operation's builder.
pub fn into_stream(op: &Operation, pagination: &Pagination, paths: &TypePaths) -> TokenStream {
    let page_ty = match &op.response {
        ResponseShape::Json(ty) => paths.ty(ty),
        _ => quote!(_),
    };
    let (page, body) = match pagination {
        Pagination::Offset {
            offset_param,
            page,
            total_field,
            ..
        } => (
            page,
            offset_stream(offset_param, page, total_field.as_deref(), &page_ty),
        ),
        Pagination::Cursor {
            cursor_param,
            page,
            next_field,
            from_last_item,
        } => (
            page,
            cursor_stream(
                cursor_param,
                page,
                next_field,
                from_last_item.as_deref(),
                &page_ty,
            ),
        ),
    };
    let item = paths.ty(&page.item);
    quote! {
        /// Every page, fetched lazily one after the other, each with its items, the total when the
        /// API reports one, where it starts, and its response's rate limit and request id. The
        /// stream is `Unpin`: `stream.next().await` needs no `pin!`.
        pub fn into_pages(self) -> crate::PageStream<'a, #item> {
            crate::PageStream::new({ #body })
        }
        /// Every item of every page, fetched lazily page by page, in order (the pages of
        /// `into_pages()`, flattened). The stream is `Unpin`: `stream.next().await` needs no `pin!`.
        pub fn into_stream(self) -> crate::ItemStream<'a, #item> {
            self.into_pages().into_items()
        }
    }
}

/// `limit`/`offset` pages: the offset advances by the items received, up to the total if known.
fn offset_stream(
    offset_param: &str,
    page: &PageAccess,
    total_field: Option<&str>,
    page_ty: &TokenStream,
) -> TokenStream {
    let offset = ident(offset_param);
    let total = match total_field {
        Some(t) => {
            let t = ident(t);
            quote!(u64::try_from(page.#t).ok())
        }
        None => quote!(None),
    };
    let items = items_expr(page);
    quote! {
        let start = self.#offset.map_or(0, |o| u64::try_from(o).unwrap_or(0));
        crate::runtime::pagination::offset_pages(
            start,
            move |offset: u64| {
                let mut next = self.clone();
                next.#offset = Some(offset.try_into().unwrap_or_default());
                next.send_with_response()
            },
            |page: #page_ty| (#items, #total),
        )
    }
}

/// Cursor pages: the next cursor is a page field, or the last item's id while the page says
/// there are more.
fn cursor_stream(
    cursor_param: &str,
    page: &PageAccess,
    next_field: &str,
    from_last_item: Option<&str>,
    page_ty: &TokenStream,
) -> TokenStream {
    let cursor = ident(cursor_param);
    let next = ident(next_field);
    let items = items_expr(page);
    let split = match from_last_item {
        Some(id) => {
            let id = ident(id);
            quote! {{
                let items = #items;
                let next = if page.#next { items.last().map(|item| ::std::string::ToString::to_string(&item.#id)) } else { None };
                (items, next)
            }}
        }
        None => quote! {{
            let next = page.#next.clone();
            (#items, next)
        }},
    };
    quote! {
        crate::runtime::pagination::cursor_pages(
            move |cursor: Option<String>| {
                let mut next = self.clone();
                if cursor.is_some() {
                    next.#cursor = cursor;
                }
                next.send_with_response()
            },
            |page: #page_ty| #split,
        )
    }
}

/// The items of `page`.
fn items_expr(page: &PageAccess) -> TokenStream {
    match &page.items_field {
        Some(f) => {
            let f = ident(f);
            if page.items_optional {
                quote!(page.#f.unwrap_or_default())
            } else {
                quote!(page.#f)
            }
        }
        None => quote!(page),
    }
}
