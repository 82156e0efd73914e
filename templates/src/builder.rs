//! `ClientBuilder`: the configuration of a client (base URL, credentials, timeouts, retries, limits,
//! hooks) and how it becomes one.

use ::std::marker::PhantomData;
use ::std::string::String;
use ::std::sync::{Arc, Mutex};
use ::std::time::Duration;
use ::std::vec::Vec;

use crate::client::ClientInner;
use crate::retry::{
    Backoff, DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_CAP, DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
};
use crate::secret::Secret;
use crate::{Client, Error, Hook, Transport};

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one attempt: until the headers arrive, and for buffered responses until the whole
/// body is read.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default size limit of a buffered response body (32 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;
/// Default number of requests one client has in flight at once; more wait for a free slot.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 100;

/// What a generated crate tells the runtime about its API. Defined as a `static` in the generated crate.
#[derive(Debug, Clone, Copy)]
pub struct ClientDefaults {
    /// Base URL that operation paths are appended to, e.g. `https://api.example.com/v1`.
    pub base_url: &'static str,
    /// `User-Agent` header value.
    pub user_agent: &'static str,
    /// Environment variable holding the API key, read by `ClientBuilder::from_env`.
    pub api_key_env: Option<&'static str>,
    /// Environment variable that may override the base URL, read by `ClientBuilder::from_env`.
    pub base_url_env: Option<&'static str>,
    /// How the API takes credentials, the preferred way first.
    pub auth: &'static [AuthScheme],
}

/// One way of sending credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`, set with `ClientBuilder::basic_auth`.
    Basic,
    /// The key in a header of this name.
    ApiKeyHeader(&'static str),
    /// The key in a query parameter of this name.
    ApiKeyQuery(&'static str),
    /// The key in a cookie of this name.
    ApiKeyCookie(&'static str),
}

enum Credentials {
    Key(Secret),
    Basic { user: String, password: Secret },
}

/// Configures and builds a [`Client`], or the client type `C` of a generated crate that wraps one.
///
/// The API key goes where the first key scheme of `ClientDefaults::auth` says (header, query or cookie;
/// `Authorization: Bearer` when the API declares none). `basic_auth` always sends `Authorization: Basic`.
pub struct ClientBuilder<C = Client> {
    built: PhantomData<fn() -> C>,
    defaults: &'static ClientDefaults,
    credentials: Option<Credentials>,
    base_url: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
    backoff: Backoff,
    max_retry_after: Duration,
    default_headers: Vec<(String, String)>,
    max_response_bytes: u64,
    max_concurrent_requests: usize,
    wait_on_rate_limit: bool,
    http_client: Option<reqwest::Client>,
    deadline: Option<Duration>,
    hooks: Vec<Arc<dyn Hook>>,
    transport: Option<Arc<dyn Transport>>,
}

impl ClientBuilder {
    /// A builder of a [`Client`] with the API's defaults and no credentials.
    pub fn new(defaults: &'static ClientDefaults) -> Self {
        Self::with_defaults(defaults)
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder of `C` (a generated crate's client) with the API's defaults and no credentials.
    pub fn with_defaults(defaults: &'static ClientDefaults) -> Self {
        ClientBuilder {
            built: PhantomData,
            defaults,
            credentials: None,
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            backoff: Backoff {
                base: DEFAULT_BACKOFF_BASE,
                cap: DEFAULT_BACKOFF_CAP,
            },
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            default_headers: Vec::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_concurrent_requests: DEFAULT_MAX_CONCURRENT_REQUESTS,
            wait_on_rate_limit: false,
            http_client: None,
            deadline: None,
            hooks: Vec::new(),
            transport: None,
        }
    }

    /// The API key, sent as the API's auth scheme prescribes.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Key(Secret::new(key)));
        self
    }

    /// Same as [`ClientBuilder::api_key`].
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.api_key(token)
    }

    /// HTTP Basic credentials, replacing any API key.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Basic {
            user: user.into(),
            password: Secret::new(password),
        });
        self
    }

    /// Overrides the base URL (e.g. a staging server or a local mock).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Time allowed for one attempt (default 60 s): until the response headers arrive, and for buffered
    /// responses until the body is read. Streamed bodies (`send_stream`) are not cut by it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to open a connection (default 10 s). Ignored with [`ClientBuilder::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retries after the first attempt (default 2). See the retry policy in [`crate::retry`].
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Backoff between retries: `base` doubling up to `cap` (default 0.5 s to 8 s). Tests use small values.
    pub fn retry_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.backoff = Backoff {
            base,
            cap: cap.max(base),
        };
        self
    }

    /// Longest `Retry-After` the client waits out by itself (default 60 s); a longer one returns the error.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// A header sent with every request. Invalid names or values make `build` fail.
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        self.default_headers
            .push((name.to_owned(), value.to_owned()));
        self
    }

    /// Size limit of buffered response bodies (default 32 MiB). A larger body is not read further and the call
    /// fails with `Error::BodyTooLarge`. Streamed bodies are limited only when collected.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Requests this client has in flight at once (default 100); more wait in line. Keeps the number of open
    /// connections (and sockets) bounded when a program fires thousands of requests at once. A streamed body
    /// (`send_stream`) holds its slot until it is dropped; waiting in line does not count against the timeout.
    pub fn max_concurrent_requests(mut self, limit: usize) -> Self {
        self.max_concurrent_requests = limit.max(1);
        self
    }

    /// Off by default. When on and the last response said no requests are left (`X-RateLimit-Remaining: 0`),
    /// a request first waits until the window resets (`X-RateLimit-Reset`), or 1 s when the server did not say.
    /// A reset further away than `max_retry_after` is not waited for: the request is sent and the server decides.
    pub fn wait_on_rate_limit(mut self, wait: bool) -> Self {
        self.wait_on_rate_limit = wait;
        self
    }

    /// Uses this reqwest client (proxies, TLS roots, ...) instead of building one. Its own timeouts and
    /// redirect policy apply; `connect_timeout` is then ignored.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Reads the API key and base URL from the environment variables named in the defaults, unless they were
    /// already set on this builder. A missing or empty API key variable is an error.
    #[allow(
        clippy::wrong_self_convention,
        reason = "`builder.from_env()` reads like what it does; the name is public API"
    )]
    pub fn from_env(mut self) -> Result<Self, Error> {
        if let Some(var) = self.defaults.base_url_env {
            if self.base_url.is_none() {
                match ::std::env::var(var) {
                    Ok(url) if !url.trim().is_empty() => {
                        self.base_url = Some(url.trim().to_owned())
                    }
                    Ok(_) | Err(::std::env::VarError::NotPresent) => {}
                    Err(::std::env::VarError::NotUnicode(_)) => {
                        return Err(Error::config(format!(
                            "environment variable {var} is not valid UTF-8"
                        )));
                    }
                }
            }
        }
        if let Some(var) = self.defaults.api_key_env {
            if self.credentials.is_none() {
                match ::std::env::var(var) {
                    Ok(key) if !key.trim().is_empty() => {
                        self.credentials = Some(Credentials::Key(Secret::new(key.trim())));
                    }
                    Ok(_) | Err(::std::env::VarError::NotPresent) => {
                        return Err(Error::config(format!(
                            "no API key: set the environment variable {var} or pass the key with \
                             ClientBuilder::api_key"
                        )));
                    }
                    Err(::std::env::VarError::NotUnicode(_)) => {
                        return Err(Error::config(format!(
                            "environment variable {var} is not valid UTF-8"
                        )));
                    }
                }
            }
        }
        Ok(self)
    }

    /// Time allowed for a whole call: every attempt, every wait between attempts and for the rate limit. A call
    /// that passes it ends with [`Error::DeadlineExceeded`]. None by default (each attempt still has its
    /// `timeout`); one call can set its own.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Adds a [`Hook`] that sees every attempt's request and response. Hooks run in the order they were added.
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Sends every attempt through `transport` instead of the network, e.g. the `mock` feature's
    /// `MockTransport` in tests.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<C, Error> {
        self.build_client().map(C::from)
    }

    fn build_client(self) -> Result<Client, Error> {
        let (base_url, origin) = self.checked_base_url()?;
        let base = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::config(format!("invalid base URL {base_url:?}: {e}")))?;
        let base_path = base.path().trim_end_matches('/').to_owned();
        let mut headers = self.default_header_map()?;
        let (credential_header, auth_query) = self.credentials_into(&mut headers)?;
        let http = match self.http_client {
            Some(client) => client,
            None => http_client(self.connect_timeout, origin)?,
        };
        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url,
                base,
                base_path,
                headers,
                credential_header,
                auth_query,
                has_credentials: self.credentials.is_some(),
                timeout: self.timeout,
                max_retries: self.max_retries,
                backoff: self.backoff,
                max_retry_after: self.max_retry_after,
                max_response_bytes: self.max_response_bytes,
                wait_on_rate_limit: self.wait_on_rate_limit,
                deadline: self.deadline,
                hooks: self.hooks,
                transport: self.transport,
                last_rate_limit: Mutex::new(None),
                permits: Arc::new(tokio::sync::Semaphore::new(self.max_concurrent_requests)),
            }),
        })
    }

    /// The base URL without a trailing slash, and the parsed URL (for the redirect policy).
    fn checked_base_url(&self) -> Result<(String, reqwest::Url), Error> {
        let raw_base = self
            .base_url
            .as_deref()
            .unwrap_or(self.defaults.base_url)
            .trim();
        let parsed = reqwest::Url::parse(raw_base)
            .map_err(|e| Error::config(format!("invalid base URL {raw_base:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(Error::config(format!(
                "invalid base URL {raw_base:?}: must be an http or https URL"
            )));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::config(format!(
                "invalid base URL {raw_base:?}: must not have a query or fragment"
            )));
        }
        Ok((raw_base.trim_end_matches('/').to_owned(), parsed))
    }

    /// `User-Agent` and the default headers.
    fn default_header_map(&self) -> Result<http::HeaderMap, Error> {
        let mut headers = http::HeaderMap::new();
        let user_agent = http::HeaderValue::from_str(self.defaults.user_agent)
            .map_err(|_| Error::config("the user agent is not a valid header value"))?;
        headers.insert(http::header::USER_AGENT, user_agent);
        for (name, value) in &self.default_headers {
            let name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::config(format!("default header name {name:?} is not valid")))?;
            let mut value = http::HeaderValue::from_str(value).map_err(|_| {
                Error::config(format!("value of default header {name} is not valid"))
            })?;
            value.set_sensitive(true);
            headers.append(name, value);
        }
        Ok(headers)
    }

    /// Puts the credentials where the API takes them: returns the header that carries them (removed for
    /// anonymous operations) or the query parameter that does.
    #[allow(
        clippy::type_complexity,
        reason = "the two places a credential can go, named at the one call site"
    )]
    fn credentials_into(
        &self,
        headers: &mut http::HeaderMap,
    ) -> Result<(Option<http::HeaderName>, Option<(&'static str, Secret)>), Error> {
        let key = match &self.credentials {
            None => return Ok((None, None)),
            Some(Credentials::Basic { user, password }) => {
                let token = base64(format!("{user}:{}", password.expose()).as_bytes());
                let value = sensitive(&format!("Basic {token}"))?;
                headers.insert(http::header::AUTHORIZATION, value);
                return Ok((Some(http::header::AUTHORIZATION), None));
            }
            Some(Credentials::Key(key)) => key,
        };
        let scheme = self
            .defaults
            .auth
            .iter()
            .copied()
            .find(|s| *s != AuthScheme::Basic)
            .unwrap_or(AuthScheme::Bearer);
        let (name, value) = match scheme {
            AuthScheme::Bearer | AuthScheme::Basic => (
                http::header::AUTHORIZATION,
                sensitive(&format!("Bearer {}", key.expose()))?,
            ),
            AuthScheme::ApiKeyHeader(name) => {
                let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    Error::config(format!("API key header name {name:?} is not valid"))
                })?;
                (name, sensitive(key.expose())?)
            }
            AuthScheme::ApiKeyCookie(name) => (
                http::header::COOKIE,
                sensitive(&format!("{name}={}", key.expose()))?,
            ),
            AuthScheme::ApiKeyQuery(name) => return Ok((None, Some((name, key.clone())))),
        };
        headers.insert(name.clone(), value);
        Ok((Some(name), None))
    }
}

/// The default HTTP client: redirects only within the API's origin.
fn http_client(connect_timeout: Duration, origin: reqwest::Url) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        // Credentials may sit in headers reqwest does not know to strip (an API key header), so
        // redirects are followed only within the API's own origin.
        .redirect(reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 10 {
                attempt.stop()
            } else if attempt.url().origin() == origin.origin() {
                attempt.follow()
            } else {
                attempt.stop()
            }
        }))
        .build()
        .map_err(|e| Error::config(format!("could not build the HTTP client: {e}")))
}

impl<C> ::std::fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "base_url",
                &self.base_url.as_deref().unwrap_or(self.defaults.base_url),
            )
            .field("credentials", &self.credentials.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>(),
            )
            .field("max_response_bytes", &self.max_response_bytes)
            .field("wait_on_rate_limit", &self.wait_on_rate_limit)
            .field("deadline", &self.deadline)
            .field("hooks", &self.hooks.len())
            .field("transport", &self.transport.is_some())
            .finish_non_exhaustive()
    }
}

fn sensitive(value: &str) -> Result<http::HeaderValue, Error> {
    let mut value = http::HeaderValue::from_str(value)
        .map_err(|_| Error::config("the credentials contain characters not allowed in a header"))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Standard base64 with padding (for `Authorization: Basic`).
fn base64(input: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        ] {
            assert_eq!(base64(input.as_bytes()), expected, "{input}");
        }
    }
}
