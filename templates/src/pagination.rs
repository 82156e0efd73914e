//! Streams over paginated list operations: offset/limit pages and cursor pages, fetched lazily, as whole
//! pages (`PageStream`) or as their items (`ItemStream`, the pages flattened).

use ::std::future::Future;
use ::std::option::Option;
use ::std::pin::Pin;
use ::std::string::String;
use ::std::task::{Context, Poll};
use ::std::vec::Vec;

use futures_util::StreamExt;

use crate::{Error, RateLimit, Response};

/// The items of a list operation, page after page (what a list builder's `into_stream()` gives).
///
/// A type that can be named, stored in a struct and passed around; it is `Unpin`, so
/// `stream.next().await` (`futures_util::StreamExt`) needs no `pin!`, and `Send`, so it can move to
/// another task.
#[must_use = "a stream does nothing until polled"]
pub struct ItemStream<'a, T> {
    inner: Pin<::std::boxed::Box<dyn futures_core::Stream<Item = Result<T, Error>> + Send + 'a>>,
}

impl<'a, T> ItemStream<'a, T> {
    /// Wraps a stream of items.
    pub fn new(stream: impl futures_core::Stream<Item = Result<T, Error>> + Send + 'a) -> Self {
        ItemStream {
            inner: ::std::boxed::Box::pin(stream),
        }
    }
}

impl<T> futures_core::Stream for ItemStream<'_, T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<T> ::std::fmt::Debug for ItemStream<'_, T> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct("ItemStream").finish_non_exhaustive()
    }
}

/// Where a page starts in its list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Position {
    /// The offset of the page's first item.
    Offset(u64),
    /// The cursor the page was fetched with (`None` for the first page) and the one of the next page.
    Cursor {
        this: Option<String>,
        next: Option<String>,
    },
}

/// One page of a list operation: its items, the total when the API reports one, where the page starts, and
/// the rate-limit figures and request id of the response that brought it.
#[derive(Debug, Clone)]
pub struct Page<T> {
    items: Vec<T>,
    total: Option<u64>,
    position: Position,
    rate_limit: Option<RateLimit>,
    request_id: Option<String>,
}

impl<T> Page<T> {
    /// The page's items, in order.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The page's items, owned.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// Number of items on this page.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the page has no items (the last page of a list that ends on a page boundary).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The number of items over all pages, when the API reports it.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The offset of the page's first item (offset pagination; `None` for cursor pages).
    pub fn offset(&self) -> Option<u64> {
        match self.position {
            Position::Offset(offset) => Some(offset),
            Position::Cursor { .. } => None,
        }
    }

    /// The cursor this page was fetched with (cursor pagination; `None` for the first page and for offset
    /// pages).
    pub fn cursor(&self) -> Option<&str> {
        match &self.position {
            Position::Cursor { this, .. } => this.as_deref(),
            Position::Offset(_) => None,
        }
    }

    /// The cursor of the next page (cursor pagination), `None` on the last page: keep it to resume the list
    /// later.
    pub fn next_cursor(&self) -> Option<&str> {
        match &self.position {
            Position::Cursor { next, .. } => next.as_deref(),
            Position::Offset(_) => None,
        }
    }

    /// Rate-limit headers of the response that brought this page, if it had any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }

    /// `x-request-id` (or `request-id`) header of the response that brought this page.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = ::std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'p, T> IntoIterator for &'p Page<T> {
    type Item = &'p T;
    type IntoIter = ::std::slice::Iter<'p, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// The pages of a list operation, one after the other (what a list builder's `into_pages()` gives).
///
/// Like [`ItemStream`], it can be named, is `Unpin` (no `pin!` before `stream.next().await`) and `Send`. A
/// page is fetched only when the previous one has been taken; the stream ends after the last page, or after
/// the first error (which it yields).
#[must_use = "a stream does nothing until polled"]
pub struct PageStream<'a, T> {
    inner:
        Pin<::std::boxed::Box<dyn futures_core::Stream<Item = Result<Page<T>, Error>> + Send + 'a>>,
}

impl<'a, T: Send + 'a> PageStream<'a, T> {
    /// Wraps a stream of pages.
    pub fn new(
        stream: impl futures_core::Stream<Item = Result<Page<T>, Error>> + Send + 'a,
    ) -> Self {
        PageStream {
            inner: ::std::boxed::Box::pin(stream),
        }
    }

    /// The items of every page, in order: the pages flattened.
    pub fn into_items(self) -> ItemStream<'a, T> {
        ItemStream::new(flatten(self.inner))
    }
}

impl<T> futures_core::Stream for PageStream<'_, T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<T> ::std::fmt::Debug for PageStream<'_, T> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct("PageStream").finish_non_exhaustive()
    }
}

/// The items of a stream of pages, in order; an error is passed on as it comes.
fn flatten<T>(
    pages: impl futures_core::Stream<Item = Result<Page<T>, Error>>,
) -> impl futures_core::Stream<Item = Result<T, Error>> {
    pages
        .map(|page| match page {
            Ok(page) => futures_util::future::Either::Left(futures_util::stream::iter(
                page.items.into_iter().map(Ok),
            )),
            Err(e) => futures_util::future::Either::Right(futures_util::stream::once(
                ::std::future::ready(Err(e)),
            )),
        })
        .flatten()
}

/// Offset-paginated pages, each fetched only when the previous one has been taken.
///
/// `fetch(offset)` gets the response holding the page that starts at `offset` (the caller asks for
/// `page_size` items); `split` returns its items and the total, when the API reports one. The offset advances
/// by the number of items received, so a server that caps the page size below `page_size` skips nothing. The
/// stream ends after an empty page, once `total` items have been reached, or after the first error (which it
/// yields).
pub fn offset_pages<P, Item, F, Fut, S>(
    start: u64,
    fetch: F,
    split: S,
) -> impl futures_core::Stream<Item = Result<Page<Item>, Error>>
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<Response<P>, Error>>,
    S: Fn(P) -> (Vec<Item>, Option<u64>),
{
    struct State<F, S> {
        offset: u64,
        done: bool,
        fetch: F,
        split: S,
    }
    let state = State {
        offset: start,
        done: false,
        fetch,
        split,
    };
    futures_util::stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        let response = match (st.fetch)(st.offset).await {
            Ok(response) => response,
            Err(e) => {
                st.done = true;
                return Some((Err(e), st));
            }
        };
        let (rate_limit, request_id) = head(&response);
        let (items, total) = (st.split)(response.into_inner());
        let offset = st.offset;
        st.offset += items.len() as u64;
        if items.is_empty() || total.is_some_and(|t| st.offset >= t) {
            st.done = true;
        }
        let page = Page {
            items,
            total,
            position: Position::Offset(offset),
            rate_limit,
            request_id,
        };
        Some((Ok(page), st))
    })
}

/// Cursor-paginated pages, each fetched only when the previous one has been taken.
///
/// `fetch(cursor)` gets the response holding a page (`None` for the first); `split` returns its items and the
/// cursor of the next page. The stream ends after a page with no next cursor (or an empty one, or the same
/// cursor again, which would loop forever), or after the first error (which it yields).
pub fn cursor_pages<P, Item, F, Fut, S>(
    fetch: F,
    split: S,
) -> impl futures_core::Stream<Item = Result<Page<Item>, Error>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Response<P>, Error>>,
    S: Fn(P) -> (Vec<Item>, Option<String>),
{
    struct State<F, S> {
        cursor: Option<String>,
        done: bool,
        fetch: F,
        split: S,
    }
    let state = State {
        cursor: None,
        done: false,
        fetch,
        split,
    };
    futures_util::stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        let response = match (st.fetch)(st.cursor.clone()).await {
            Ok(response) => response,
            Err(e) => {
                st.done = true;
                return Some((Err(e), st));
            }
        };
        let (rate_limit, request_id) = head(&response);
        let (items, next) = (st.split)(response.into_inner());
        let next = next.filter(|n| !n.is_empty() && st.cursor.as_deref() != Some(n.as_str()));
        let this = match &next {
            Some(next) => st.cursor.replace(next.clone()),
            None => {
                st.done = true;
                st.cursor.take()
            }
        };
        let page = Page {
            items,
            total: None,
            position: Position::Cursor { this, next },
            rate_limit,
            request_id,
        };
        Some((Ok(page), st))
    })
}

/// What a page keeps of its response's headers.
fn head<P>(response: &Response<P>) -> (Option<RateLimit>, Option<String>) {
    (
        response.rate_limit(),
        response.request_id().map(String::from),
    )
}

/// A bare value as a response with no headers, for the item streams whose `fetch` gives values.
fn bare<P>(value: P) -> Response<P> {
    Response::new(http::StatusCode::OK, http::HeaderMap::new(), value)
}

/// Items of an offset-paginated list: [`offset_pages`] flattened, for a `fetch` that gives the page value
/// rather than its response; the offset advances by the items received.
pub fn offset_stream<P, Item, F, Fut, S>(
    start: u64,
    mut fetch: F,
    split: S,
) -> impl futures_core::Stream<Item = Result<Item, Error>>
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
    S: Fn(P) -> (Vec<Item>, Option<u64>),
{
    flatten(offset_pages(
        start,
        move |offset| {
            let fut = fetch(offset);
            async move { fut.await.map(bare) }
        },
        split,
    ))
}

/// Items of a cursor-paginated list: [`cursor_pages`] flattened, for a `fetch` that gives the page value
/// rather than its response.
pub fn cursor_stream<P, Item, F, Fut, S>(
    mut fetch: F,
    split: S,
) -> impl futures_core::Stream<Item = Result<Item, Error>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
    S: Fn(P) -> (Vec<Item>, Option<String>),
{
    flatten(cursor_pages(
        move |cursor| {
            let fut = fetch(cursor);
            async move { fut.await.map(bare) }
        },
        split,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_stream_is_unpin_and_send_and_needs_no_pin() {
        fn unpin_send<S: Unpin + Send>(_: &S) {}
        let pages = vec![Ok::<_, Error>(vec![1u32, 2]), Ok(vec![])];
        let mut pages = pages.into_iter();
        let mut stream = ItemStream::new(offset_stream(
            0,
            move |_| {
                let page = pages.next().unwrap_or(Ok(Vec::new()));
                async move { page }
            },
            |items: Vec<u32>| (items, None),
        ));
        unpin_send(&stream);
        let items: Vec<u32> = block_on(async {
            let mut items = Vec::new();
            while let Some(item) = stream.next().await {
                items.push(item.unwrap());
            }
            items
        });
        assert_eq!(items, [1, 2]);
        assert_eq!(format!("{stream:?}"), "ItemStream { .. }");
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn offset_stops_at_total_and_advances_by_items_received() {
        let calls = ::std::cell::RefCell::new(Vec::new());
        let items: Vec<u64> =
            block_on(
                offset_stream(
                    0,
                    |offset| {
                        calls.borrow_mut().push(offset);
                        // The server caps pages at 4 items.
                        async move {
                            Ok::<_, Error>((offset..(offset + 4).min(10)).collect::<Vec<u64>>())
                        }
                    },
                    |page| (page, Some(10)),
                )
                .map(Result::unwrap)
                .collect::<Vec<_>>(),
            );
        assert_eq!(items, (0..10).collect::<Vec<_>>());
        assert_eq!(*calls.borrow(), vec![0, 4, 8]);
    }

    #[test]
    fn offset_without_total_stops_at_an_empty_page() {
        let items: Vec<u64> = block_on(
            offset_stream(
                5,
                |offset| async move {
                    Ok::<_, Error>((offset..(offset + 3).min(11)).collect::<Vec<u64>>())
                },
                |page| (page, None),
            )
            .map(Result::unwrap)
            .collect::<Vec<_>>(),
        );
        assert_eq!(items, (5..11).collect::<Vec<_>>());
    }

    #[test]
    fn errors_end_the_stream() {
        let results: Vec<Result<u64, Error>> = block_on(
            offset_stream(
                0,
                |offset| async move {
                    if offset == 0 {
                        Ok(vec![0, 1])
                    } else {
                        Err(Error::config("boom"))
                    }
                },
                |page: Vec<u64>| (page, None),
            )
            .collect::<Vec<_>>(),
        );
        assert_eq!(results.len(), 3);
        assert!(results[2].is_err());
    }

    #[test]
    fn cursor_follows_until_no_next_and_guards_against_loops() {
        let items: Vec<u32> = block_on(
            cursor_stream(
                |cursor| async move {
                    let n: u32 = cursor.as_deref().map_or(0, |c| c.parse().unwrap());
                    Ok::<_, Error>((vec![n * 2, n * 2 + 1], (n < 3).then(|| (n + 1).to_string())))
                },
                |page| page,
            )
            .map(Result::unwrap)
            .collect::<Vec<_>>(),
        );
        assert_eq!(items, (0..8).collect::<Vec<_>>());
        let looping: Vec<u32> = block_on(
            cursor_stream(
                |_| async { Ok::<_, Error>((vec![1], Some("same".to_owned()))) },
                |page| page,
            )
            .map(Result::unwrap)
            .collect::<Vec<_>>(),
        );
        assert_eq!(looping, vec![1, 1]);
    }

    fn response_with<P>(value: P, request_id: &str) -> Response<P> {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "x-request-id",
            http::HeaderValue::from_str(request_id).unwrap(),
        );
        headers.insert("x-ratelimit-limit", http::HeaderValue::from_static("100"));
        headers.insert(
            "x-ratelimit-remaining",
            http::HeaderValue::from_static("99"),
        );
        Response::new(http::StatusCode::OK, headers, value)
    }

    #[test]
    fn offset_pages_carry_offset_total_and_response_head() {
        let pages: Vec<Page<u64>> = block_on(
            offset_pages(
                0,
                |offset| async move {
                    let items: Vec<u64> = (offset..(offset + 4).min(10)).collect();
                    Ok::<_, Error>(response_with(items, &format!("req_{offset}")))
                },
                |items| (items, Some(10)),
            )
            .map(Result::unwrap)
            .collect::<Vec<_>>(),
        );
        let shape: Vec<_> = pages
            .iter()
            .map(|p| {
                (
                    p.offset(),
                    p.len(),
                    p.total(),
                    p.request_id().map(String::from),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                (Some(0), 4, Some(10), Some("req_0".to_owned())),
                (Some(4), 4, Some(10), Some("req_4".to_owned())),
                (Some(8), 2, Some(10), Some("req_8".to_owned())),
            ]
        );
        assert_eq!(pages[2].items(), [8, 9]);
        assert_eq!(pages[0].rate_limit().and_then(|r| r.remaining), Some(99));
        assert_eq!(pages[0].cursor(), None);
        assert_eq!(pages[0].next_cursor(), None);
    }

    #[test]
    fn cursor_pages_say_which_cursor_brought_them_and_which_comes_next() {
        let pages: Vec<Page<u32>> = block_on(
            cursor_pages(
                |cursor| async move {
                    let n: u32 = cursor.as_deref().map_or(0, |c| c.parse().unwrap());
                    let next = (n < 2).then(|| (n + 1).to_string());
                    Ok::<_, Error>(bare((vec![n * 2, n * 2 + 1], next)))
                },
                |page| page,
            )
            .map(Result::unwrap)
            .collect::<Vec<_>>(),
        );
        let shape: Vec<_> = pages
            .iter()
            .map(|p| (p.cursor(), p.next_cursor(), p.offset(), p.total()))
            .collect();
        assert_eq!(
            shape,
            [
                (None, Some("1"), None, None),
                (Some("1"), Some("2"), None, None),
                (Some("2"), None, None, None),
            ]
        );
        let items: Vec<u32> = pages.into_iter().flatten().collect();
        assert_eq!(items, (0..6).collect::<Vec<_>>());
    }

    #[test]
    fn a_page_stream_is_unpin_and_send_and_its_items_are_the_pages_flattened() {
        fn unpin_send<S: Unpin + Send>(_: &S) {}
        let fetches = ::std::sync::Arc::new(::std::sync::atomic::AtomicUsize::new(0));
        let counter = fetches.clone();
        let pages = PageStream::new(offset_pages(
            0,
            move |offset| {
                counter.fetch_add(1, ::std::sync::atomic::Ordering::SeqCst);
                async move { Ok::<_, Error>(bare((offset..(offset + 3).min(7)).collect::<Vec<u64>>())) }
            },
            |items| (items, None),
        ));
        unpin_send(&pages);
        assert_eq!(format!("{pages:?}"), "PageStream { .. }");
        let mut items = pages.into_items();
        let first = block_on(async { items.next().await });
        assert_eq!(first.map(Result::unwrap), Some(0));
        // Lazily: the first item needs only the first page.
        assert_eq!(fetches.load(::std::sync::atomic::Ordering::SeqCst), 1);
        let rest: Vec<u64> = block_on(items.map(Result::unwrap).collect::<Vec<_>>());
        assert_eq!(rest, (1..7).collect::<Vec<_>>());
        // Pages of 3, 3, 1, then the empty page that ends the list.
        assert_eq!(fetches.load(::std::sync::atomic::Ordering::SeqCst), 4);
    }

    #[test]
    fn a_page_stream_ends_after_its_first_error() {
        let results: Vec<Result<Page<u64>, Error>> = block_on(
            offset_pages(
                0,
                |offset| async move {
                    if offset == 0 {
                        Ok(bare(vec![0, 1]))
                    } else {
                        Err(Error::config("boom"))
                    }
                },
                |page: Vec<u64>| (page, None),
            )
            .collect::<Vec<_>>(),
        );
        assert_eq!(results.len(), 2);
        assert!(results[1].is_err());
    }
}
