//! `Secret`: a string (an API key, a password) that never shows itself in `Debug` or `Display`
//! and is wiped from memory when dropped.

/// A secret string. `Debug` and `Display` print `***`; only [`Secret::expose`] gives the value.
/// Its memory is overwritten with zeros when it is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(zeroize::Zeroizing<::std::string::String>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<::std::string::String>) -> Self {
        Secret(zeroize::Zeroizing::new(value.into()))
    }

    /// The secret value itself. Call it only where the value is sent, never to print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl ::std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str("***")
    }
}

impl ::std::fmt::Display for Secret {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str("***")
    }
}

impl From<::std::string::String> for Secret {
    fn from(value: ::std::string::String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("sk-live-123");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(s.expose(), "sk-live-123");
    }
}
