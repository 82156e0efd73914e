//! [`StreamError`]: why an item of an event stream failed.

use ::std::string::String;

use crate::Error;

pub(crate) type BoxError = ::std::boxed::Box<dyn ::std::error::Error + Send + Sync + 'static>;

/// Why an [`EventStream`](super::EventStream) item failed. Only [`StreamError::Decode`] lets the stream go on; after
/// any other error the stream ends.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The server refused the credentials: close code 4001, or HTTP 401 on the handshake.
    #[error("event stream unauthorized: the API key is missing or invalid{}", fmt_reason(.reason))]
    Unauthorized {
        /// The close reason or the start of the 401 body.
        reason: String,
    },
    /// The plan's limit of concurrent event streams is reached (close code 4008).
    #[error("event stream refused: connection limit of the plan reached{}", fmt_reason(.reason))]
    ConnectionLimit {
        /// The close reason the server gave.
        reason: String,
    },
    /// The server closed the stream with a code that is neither normal nor worth a reconnect.
    #[error("event stream closed by the server with code {code}{}", fmt_reason(.reason))]
    Closed {
        /// The WebSocket close code.
        code: u16,
        /// The close reason the server gave.
        reason: String,
    },
    /// The handshake got an HTTP answer other than 101 that a retry would not change.
    #[error("event stream handshake rejected with HTTP {status}{}", fmt_reason(.body_excerpt))]
    Rejected {
        /// HTTP status of the answer.
        status: u16,
        /// The start of its body.
        body_excerpt: String,
    },
    /// The handshake failed in a way a retry would not change (e.g. an invalid TLS certificate).
    #[error("event stream handshake failed: {source}")]
    Handshake {
        /// What failed.
        #[source]
        source: BoxError,
    },
    /// The connection dropped (or could not be made) and every reconnection attempt failed.
    #[error("event stream disconnected; gave up after {attempts} reconnection attempts: {source}")]
    Disconnected {
        /// Attempts made since the last message arrived.
        attempts: u32,
        /// The last failure.
        #[source]
        source: BoxError,
    },
    /// A message is not of the expected shape; the stream goes on with the next one.
    #[error("event stream message does not decode: {source}; message starts {excerpt:?}")]
    Decode {
        /// The start of the message.
        excerpt: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}

/// Lets `?` turn a stream item's error into the crate's one error type.
impl From<StreamError> for Error {
    fn from(error: StreamError) -> Self {
        Error::Stream(::std::boxed::Box::new(error))
    }
}

pub(crate) fn fmt_reason(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(": {reason}")
    }
}

/// What a close frame from the server means for the stream.
pub(super) enum CloseOutcome {
    /// The stream ends, with this error if the code is not a normal closure.
    End(Option<StreamError>),
    /// The server may well take us back: reconnect (this error if the attempts are used up).
    Reconnect(BoxError),
}

pub(super) fn close_outcome(code: u16, reason: String) -> CloseOutcome {
    match code {
        1000 => CloseOutcome::End(None),
        super::CLOSE_UNAUTHORIZED => CloseOutcome::End(Some(StreamError::Unauthorized { reason })),
        super::CLOSE_CONNECTION_LIMIT => {
            CloseOutcome::End(Some(StreamError::ConnectionLimit { reason }))
        }
        // Going away, no status, abnormal, server error, restart, try again later, bad gateway.
        1001 | 1005 | 1006 | 1011 | 1012 | 1013 | 1014 => CloseOutcome::Reconnect(
            format!(
                "server closed the connection with code {code}{}",
                fmt_reason(&reason)
            )
            .into(),
        ),
        _ => CloseOutcome::End(Some(StreamError::Closed { code, reason })),
    }
}
