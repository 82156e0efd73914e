//! Streams over paginated list operations: offset/limit pages and cursor pages, fetched lazily.

use ::std::collections::VecDeque;
use ::std::future::Future;
use ::std::option::Option;
use ::std::string::String;
use ::std::vec::Vec;

use crate::runtime::Error;

/// Items of an offset-paginated list, fetching a page only when the previous one is used up.
///
/// `fetch(offset)` gets the page starting at `offset` (the caller asks for `page_size` items); `split` returns
/// its items and the total, when the API reports one. The offset advances by the number of items received, so a
/// server that caps the page size below `page_size` skips nothing. The stream ends at an empty page, once
/// `total` items have been reached, or after the first error (which it yields).
pub fn offset_stream<Page, Item, F, Fut, S>(
    start: u64,
    page_size: u64,
    fetch: F,
    split: S,
) -> impl futures_core::Stream<Item = Result<Item, Error>>
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<Page, Error>>,
    S: Fn(Page) -> (Vec<Item>, Option<u64>),
{
    struct State<Item, F, S> {
        offset: u64,
        buffer: VecDeque<Item>,
        done: bool,
        fetch: F,
        split: S,
    }
    let capacity = usize::try_from(page_size.min(1024)).unwrap_or(0);
    let state = State {
        offset: start,
        buffer: VecDeque::with_capacity(capacity),
        done: false,
        fetch,
        split,
    };
    futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.buffer.pop_front() {
                return Some((Ok(item), st));
            }
            if st.done {
                return None;
            }
            match (st.fetch)(st.offset).await {
                Err(e) => {
                    st.done = true;
                    return Some((Err(e), st));
                }
                Ok(page) => {
                    let (items, total) = (st.split)(page);
                    st.offset += items.len() as u64;
                    if items.is_empty() || total.is_some_and(|t| st.offset >= t) {
                        st.done = true;
                    }
                    st.buffer.extend(items);
                }
            }
        }
    })
}

/// Items of a cursor-paginated list, fetching a page only when the previous one is used up.
///
/// `fetch(cursor)` gets a page (`None` for the first); `split` returns its items and the cursor of the next
/// page. The stream ends when there is no next cursor (or an empty one, or the same cursor again, which would
/// loop forever), or after the first error (which it yields).
pub fn cursor_stream<Page, Item, F, Fut, S>(
    fetch: F,
    split: S,
) -> impl futures_core::Stream<Item = Result<Item, Error>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page, Error>>,
    S: Fn(Page) -> (Vec<Item>, Option<String>),
{
    struct State<Item, F, S> {
        cursor: Option<String>,
        buffer: VecDeque<Item>,
        done: bool,
        fetch: F,
        split: S,
    }
    let state = State {
        cursor: None,
        buffer: VecDeque::new(),
        done: false,
        fetch,
        split,
    };
    futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.buffer.pop_front() {
                return Some((Ok(item), st));
            }
            if st.done {
                return None;
            }
            match (st.fetch)(st.cursor.clone()).await {
                Err(e) => {
                    st.done = true;
                    return Some((Err(e), st));
                }
                Ok(page) => {
                    let (items, next) = (st.split)(page);
                    match next {
                        Some(next)
                            if !next.is_empty() && st.cursor.as_deref() != Some(next.as_str()) =>
                        {
                            st.cursor = Some(next);
                        }
                        _ => st.done = true,
                    }
                    st.buffer.extend(items);
                }
            }
        }
    })
}

