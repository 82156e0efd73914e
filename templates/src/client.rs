//! `Client`: the configured connection to the API, shared by every request (its builder is in
//! `builder.rs`).

use ::std::string::String;
use ::std::sync::{Arc, Mutex};
use ::std::time::{Duration, Instant};
use ::std::vec::Vec;

use crate::retry::Backoff;
use crate::secret::Secret;
use crate::{Error, Hook, RateLimit, Request, Transport};

/// Wait before sending when the last response said no requests are left and did not say when the window resets.
const RATE_LIMIT_FALLBACK_WAIT: Duration = Duration::from_secs(1);

/// The API client. Cheap to clone: clones share connections, configuration and the in-flight limit.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    /// Without a trailing slash.
    pub(crate) base_url: String,
    /// `base_url` parsed: request URLs are copies of it with their own path, so that its scheme and host are
    /// parsed once per client rather than once per request.
    pub(crate) base: reqwest::Url,
    /// The path of `base_url` without a trailing slash (`/v1`; empty for the root), which operation paths
    /// follow.
    pub(crate) base_path: String,
    /// User agent, default headers and auth headers (marked sensitive).
    pub(crate) headers: http::HeaderMap,
    pub(crate) auth_query: Option<(&'static str, Secret)>,
    /// The header that carries the credentials, if one does (removed for anonymous operations).
    pub(crate) credential_header: Option<http::HeaderName>,
    pub(crate) has_credentials: bool,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) backoff: Backoff,
    pub(crate) max_retry_after: Duration,
    pub(crate) max_response_bytes: u64,
    pub(crate) wait_on_rate_limit: bool,
    pub(crate) deadline: Option<Duration>,
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
    pub(crate) transport: Option<Arc<dyn Transport>>,
    pub(crate) last_rate_limit: Mutex<Option<(RateLimit, Instant)>>,
    pub(crate) permits: Arc<tokio::sync::Semaphore>,
}

impl Client {
    /// Starts a request to `path_template` (e.g. `/tasks/{task_id}`), whose `{name}` parts are filled with
    /// `Request::path_param`.
    pub fn request(&self, method: http::Method, path_template: &'static str) -> Request<'_> {
        Request::new(self, method, path_template)
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Rate-limit headers of the latest response that had them.
    pub fn last_rate_limit(&self) -> Option<RateLimit> {
        self.inner
            .last_rate_limit
            .lock()
            .ok()
            .and_then(|g| g.map(|(rl, _)| rl))
    }

    /// The start of the full path of operation path `path` (the base URL's path, and a `/` if `path` does
    /// not begin with one), with room for `more` bytes.
    pub(crate) fn path_start(&self, path: &str, more: usize) -> String {
        let prefix = &self.inner.base_path;
        let mut full = String::with_capacity(prefix.len() + 1 + more);
        full.push_str(prefix);
        if !(path.starts_with('/') || path.is_empty()) {
            full.push('/');
        }
        full
    }

    /// The base URL with `full_path` (from [`Client::path_start`], expanded) as its path. The scheme and
    /// host are the base URL's, already parsed; only the path is. A path with a query or fragment part
    /// (`/bucket?acl`) is parsed with the base URL as one URL, so its `?` and `#` keep their meaning.
    pub(crate) fn url_with_path(&self, full_path: &str) -> Result<reqwest::Url, Error> {
        let base = &self.inner.base;
        if full_path.contains(['?', '#']) {
            let serialized = base.as_str();
            let origin = &serialized[..serialized.len() - base.path().len()];
            return reqwest::Url::parse(&format!("{origin}{full_path}")).map_err(|e| {
                Error::config(format!("invalid request URL for path {full_path:?}: {e}"))
            });
        }
        let mut url = base.clone();
        url.set_path(full_path);
        Ok(url)
    }

    /// Adds the API key to `url` when the API takes it as a query parameter.
    pub(crate) fn apply_auth_query(&self, url: &mut reqwest::Url) {
        if let Some((name, key)) = &self.inner.auth_query {
            url.query_pairs_mut().append_pair(name, key.expose());
        }
    }

    pub(crate) fn record_rate_limit(&self, rate_limit: Option<RateLimit>) {
        if let (Some(rl), Ok(mut last)) = (rate_limit, self.inner.last_rate_limit.lock()) {
            *last = Some((rl, Instant::now()));
        }
    }

    /// How long to hold a request back because the last response said the window is used up.
    pub(crate) fn rate_limit_wait(&self) -> Option<Duration> {
        if !self.inner.wait_on_rate_limit {
            return None;
        }
        let (rl, seen) = (*self.inner.last_rate_limit.lock().ok()?)?;
        if !rl.is_exhausted() {
            return None;
        }
        let reset = rl.reset.unwrap_or(RATE_LIMIT_FALLBACK_WAIT);
        if reset > self.inner.max_retry_after {
            return None;
        }
        let wait = (seen + reset).checked_duration_since(Instant::now())?;
        (!wait.is_zero()).then_some(wait)
    }
}

impl ::std::fmt::Debug for Client {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field(
                "credentials",
                &if self.inner.has_credentials {
                    "***"
                } else {
                    "none"
                },
            )
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AuthScheme, ClientBuilder, ClientDefaults};

    /// The URL of an already expanded operation path, as requests and event streams build it.
    fn endpoint_url(client: &Client, path: &str) -> Result<reqwest::Url, Error> {
        let mut full = client.path_start(path, path.len());
        full.push_str(path);
        client.url_with_path(&full)
    }

    static DEFAULTS: ClientDefaults = ClientDefaults {
        base_url: "https://api.example.com/v1",
        user_agent: "unit",
        api_key_env: None,
        base_url_env: None,
        auth: &[AuthScheme::Bearer],
    };

    fn exhausted(reset: Option<Duration>) -> Option<RateLimit> {
        Some(RateLimit {
            limit: Some(10),
            remaining: Some(0),
            reset,
        })
    }

    #[test]
    fn rate_limit_wait_rules() {
        let off = ClientBuilder::new(&DEFAULTS).build().unwrap();
        off.record_rate_limit(exhausted(Some(Duration::from_secs(5))));
        assert_eq!(off.rate_limit_wait(), None, "off by default");

        let on = ClientBuilder::new(&DEFAULTS)
            .wait_on_rate_limit(true)
            .build()
            .unwrap();
        assert_eq!(on.rate_limit_wait(), None, "nothing seen yet");
        on.record_rate_limit(exhausted(Some(Duration::from_secs(5))));
        let wait = on.rate_limit_wait().unwrap();
        assert!(
            wait > Duration::from_millis(4900) && wait <= Duration::from_secs(5),
            "{wait:?}"
        );
        on.record_rate_limit(exhausted(None));
        let wait = on.rate_limit_wait().unwrap();
        assert!(
            wait > Duration::from_millis(900) && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        on.record_rate_limit(exhausted(Some(Duration::from_secs(3600))));
        assert_eq!(
            on.rate_limit_wait(),
            None,
            "a reset beyond max_retry_after is not waited for"
        );
        on.record_rate_limit(Some(RateLimit {
            limit: None,
            remaining: Some(3),
            reset: None,
        }));
        assert_eq!(on.rate_limit_wait(), None);
        on.record_rate_limit(None);
        assert_eq!(
            on.last_rate_limit().unwrap().remaining,
            Some(3),
            "responses without headers change nothing"
        );
    }

    #[test]
    fn endpoint_url_joins_base_and_path() {
        let client = ClientBuilder::new(&DEFAULTS)
            .base_url("http://h:1/api/")
            .build()
            .unwrap();
        assert_eq!(
            endpoint_url(&client, "/tasks/1").unwrap().as_str(),
            "http://h:1/api/tasks/1"
        );
        assert_eq!(
            endpoint_url(&client, "tasks").unwrap().as_str(),
            "http://h:1/api/tasks"
        );
        let headers = ClientBuilder::new(&DEFAULTS)
            .api_key("k1")
            .build()
            .unwrap()
            .inner
            .headers
            .clone();
        assert_eq!(headers["authorization"], "Bearer k1");
        assert!(headers["authorization"].is_sensitive());
        assert_eq!(headers["user-agent"], "unit");
    }

    #[test]
    fn endpoint_urls_match_parsing_the_joined_text() {
        let paths = [
            "/tasks/1",
            "tasks",
            "",
            "/",
            "/a/../b/./c",
            "/x%2Fy/%E2%82%AC",
            "/ünï code/and space",
            "/a\\b",
            "/bucket?acl",
            "/q?a=1&b=2#frag",
            "/trailing/",
            "//double",
        ];
        for base in [
            "http://h:1/api/",
            "http://h:1",
            "https://user:pw@Example.COM:443/v1//",
            "http://127.0.0.1:8080/a b/",
        ] {
            let client = ClientBuilder::new(&DEFAULTS)
                .base_url(base)
                .build()
                .unwrap();
            for path in paths {
                let sep = if path.starts_with('/') || path.is_empty() {
                    ""
                } else {
                    "/"
                };
                let joined = format!("{}{sep}{path}", client.inner.base_url);
                let expected = reqwest::Url::parse(&joined).unwrap();
                assert_eq!(
                    endpoint_url(&client, path).unwrap(),
                    expected,
                    "{base} + {path}"
                );
            }
        }
    }
}
