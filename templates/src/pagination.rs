//! Streams over paginated list operations: offset/limit pages and cursor pages, fetched lazily.

use ::std::collections::VecDeque;
use ::std::future::Future;
use ::std::option::Option;
use ::std::pin::Pin;
use ::std::string::String;
use ::std::task::{Context, Poll};
use ::std::vec::Vec;

use crate::Error;

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

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[test]
    fn an_item_stream_is_unpin_and_send_and_needs_no_pin() {
        fn unpin_send<S: Unpin + Send>(_: &S) {}
        let pages = vec![Ok::<_, Error>(vec![1u32, 2]), Ok(vec![])];
        let mut pages = pages.into_iter();
        let mut stream = ItemStream::new(offset_stream(
            0,
            2,
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
                    10,
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
                3,
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
                2,
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
}
