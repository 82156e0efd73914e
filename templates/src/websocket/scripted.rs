//! Streams whose connections a transport scripts in place of a server (the mock's WebSocket answers).

use super::{
    Attempt, CloseOutcome, EventStream, Payload, ScriptedEnd, State, StreamError, StreamEvent,
    close_outcome,
};
use tokio_tungstenite::tungstenite;

/// The transport that answers this stream's connections instead of a server.
pub(super) struct Scripted {
    pub(super) transport: ::std::sync::Arc<dyn crate::Transport>,
    pub(super) path: String,
}

impl<T> EventStream<T>
where
    T: serde::de::DeserializeOwned + StreamEvent,
{
    /// The next message of a scripted connection, or its end. `None` goes round the state machine
    /// again (an event already seen, or a reconnect).
    #[allow(
        clippy::type_complexity,
        reason = "the ready value of `Stream::poll_next`, or none"
    )]
    pub(super) fn poll_scripted(
        &mut self,
    ) -> Option<Option<::std::result::Result<T, StreamError>>> {
        let State::Scripted(connection) = &mut self.state else {
            return None;
        };
        if let Some(payload) = connection.messages.pop_front() {
            self.attempts = 0;
            return self.accept(Payload::Binary(&payload)).map(Some);
        }
        let end = ::std::mem::replace(&mut connection.end, ScriptedEnd::Drop);
        self.state = State::Done;
        let (code, reason) = match end {
            ScriptedEnd::Drop => {
                let error = tungstenite::Error::ConnectionClosed.into();
                return self.retry_or_give_up(error).map(|e| Some(Err(e)));
            }
            ScriptedEnd::Close(code, reason) => (code, reason),
        };
        match close_outcome(code, reason) {
            CloseOutcome::End(then) => Some(then.map(Err)),
            CloseOutcome::Reconnect(error) => self.retry_or_give_up(error).map(|e| Some(Err(e))),
        }
    }
}

impl<T> EventStream<T> {
    /// The stream with its connections answered by `transport`, when the client has one.
    pub(super) fn answered_by(
        mut self,
        transport: Option<&::std::sync::Arc<dyn crate::Transport>>,
        path: &str,
    ) -> Self {
        if let Some(transport) = transport {
            self.scripted = Some(Scripted {
                transport: transport.clone(),
                path: path.to_owned(),
            });
            self.state = self.connecting();
        }
        self
    }

    /// The next connection the transport scripts, or the end of the stream when it has none.
    pub(super) fn scripted_connection(&self, scripted: &Scripted) -> State {
        let mut query = self.query.clone();
        if let Some(id) = &self.last_event_id {
            query.push(("last_event_id".to_owned(), id.clone()));
        }
        match scripted.transport.websocket(&scripted.path, &query) {
            Some(connection) => State::Scripted(connection),
            None => {
                let attempts = self.attempts;
                State::Connecting(::std::boxed::Box::pin(async move {
                    Attempt::Fatal(StreamError::Disconnected {
                        attempts,
                        source: "the transport has no connection for this stream".into(),
                    })
                }))
            }
        }
    }
}
