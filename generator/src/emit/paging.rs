//! Emits `into_stream()` of paginated operations: every item of every page, fetched lazily.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::types::{TypePaths, ident};
use crate::ir::{Operation, PageAccess, Pagination, ResponseShape};

/// The `into_stream` method of a paginated operation's builder.
pub fn into_stream(op: &Operation, pagination: &Pagination, paths: &TypePaths) -> TokenStream {
    let page_ty = match &op.response {
        ResponseShape::Json(ty) => paths.ty(ty),
        _ => quote!(_),
    };
    let (page, body) = match pagination {
        Pagination::Offset {
            offset_param,
            limit_param,
            page,
            total_field,
        } => (
            page,
            offset_stream(
                offset_param,
                limit_param.as_deref(),
                page,
                total_field.as_deref(),
                &page_ty,
            ),
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
        /// Every item of every page, fetched lazily page by page, in order. The stream is
        /// `Unpin`: `stream.next().await` needs no `pin!`.
        pub fn into_stream(self) -> crate::ItemStream<'a, #item> {
            crate::ItemStream::new({ #body })
        }
    }
}

/// `limit`/`offset` pages: the offset advances by the items received, up to the total if known.
fn offset_stream(
    offset_param: &str,
    limit_param: Option<&str>,
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
    let limit = match limit_param {
        Some(l) => {
            let l = ident(l);
            quote!(self.#l.map_or(0, |l| u64::try_from(l).unwrap_or(0)))
        }
        None => quote!(0),
    };
    quote! {
        let start = self.#offset.map_or(0, |o| u64::try_from(o).unwrap_or(0));
        let page_size = #limit;
        crate::runtime::pagination::offset_stream(
            start,
            page_size,
            move |offset: u64| {
                let mut next = self.clone();
                next.#offset = Some(offset.try_into().unwrap_or_default());
                next.send()
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
        crate::runtime::pagination::cursor_stream(
            move |cursor: Option<String>| {
                let mut next = self.clone();
                if cursor.is_some() {
                    next.#cursor = cursor;
                }
                next.send()
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
