//! `ClientBuilder::from_env`: the API key and base URL from environment variables (one test in its own
//! process, since it changes the environment).

use sdkgen_runtime::{AuthScheme, ClientBuilder, ClientDefaults, Error};

static DEFAULTS: ClientDefaults = ClientDefaults {
    base_url: "https://api.example.com/v1",
    user_agent: "env-test",
    api_key_env: Some("SDK_RUNTIME_ENV_TEST_KEY"),
    base_url_env: Some("SDK_RUNTIME_ENV_TEST_URL"),
    auth: &[AuthScheme::Bearer],
};

#[test]
fn from_env_reads_key_and_base_url() {
    // SAFETY: the only test in this binary; no other thread reads the environment meanwhile.
    unsafe {
        std::env::remove_var("SDK_RUNTIME_ENV_TEST_KEY");
        std::env::remove_var("SDK_RUNTIME_ENV_TEST_URL");
    }
    let err = ClientBuilder::new(&DEFAULTS).from_env().unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
    assert_eq!(
        err.to_string(),
        "configuration error: no API key: set the environment variable SDK_RUNTIME_ENV_TEST_KEY or pass the key \
         with ClientBuilder::api_key"
    );
    // An explicit key makes the variable unnecessary.
    assert!(
        ClientBuilder::new(&DEFAULTS)
            .api_key("k")
            .from_env()
            .is_ok()
    );

    unsafe {
        std::env::set_var("SDK_RUNTIME_ENV_TEST_KEY", "sk-env-123");
        std::env::set_var("SDK_RUNTIME_ENV_TEST_URL", "http://127.0.0.1:8080/base/");
    }
    let client = ClientBuilder::new(&DEFAULTS)
        .from_env()
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8080/base");
    assert!(!format!("{client:?}").contains("sk-env-123"));
    let client = ClientBuilder::new(&DEFAULTS)
        .base_url("http://other:1")
        .from_env()
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://other:1");

    unsafe { std::env::set_var("SDK_RUNTIME_ENV_TEST_KEY", "  ") };
    assert!(ClientBuilder::new(&DEFAULTS).from_env().is_err());
}
