//! `multipart/form-data` request bodies: value parts and file parts, built by generated code, and
//! [`Request::multipart`], which sends one (the `multipart` feature, with reqwest's of that name).

use bytes::Bytes;

use crate::Request;
use crate::request::PerAttemptBody;

/// A file to upload as one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    file_name: String,
    bytes: Bytes,
}

impl FilePart {
    /// A file part with its name (sent as the part's `filename`) and contents.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self {
            file_name: file_name.into(),
            bytes: bytes.into(),
        }
    }
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    File(FilePart),
}

/// The parts of a multipart body, in the order they were added. Cloneable, so that a retried
/// request sends the same body again.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    parts: Vec<(String, Part)>,
    error: Option<String>,
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value part: strings as they are, numbers and booleans as text, anything else as JSON.
    pub fn value<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::String(s)) => self.parts.push((name.to_owned(), Part::Text(s))),
            Ok(serde_json::Value::Null) => {}
            Ok(serde_json::Value::Array(items)) => {
                for item in items {
                    let text = match item {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    self.parts.push((name.to_owned(), Part::Text(text)));
                }
            }
            Ok(other) => self
                .parts
                .push((name.to_owned(), Part::Text(other.to_string()))),
            Err(e) => self.error = Some(format!("multipart part `{name}`: {e}")),
        }
    }

    /// Adds a file part.
    pub fn file(&mut self, name: &str, file: FilePart) {
        self.parts.push((name.to_owned(), Part::File(file)));
    }

    /// The reqwest form for one attempt, or why the body could not be built.
    pub fn to_form(&self) -> Result<reqwest::multipart::Form, String> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.parts {
            form = match part {
                Part::Text(text) => form.text(name.clone(), text.clone()),
                Part::File(file) => form.part(
                    name.clone(),
                    reqwest::multipart::Part::stream(file.bytes.clone())
                        .file_name(file.file_name.clone()),
                ),
            };
        }
        Ok(form)
    }
}

/// A form is a stream that one attempt uses up: every attempt builds its own from the parts.
impl PerAttemptBody for Multipart {
    fn add_to(&self, builder: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, String> {
        Ok(builder.multipart(self.to_form()?))
    }
}

impl Request<'_> {
    /// A `multipart/form-data` body (value and file parts), rebuilt for every attempt, so that a
    /// multipart request is retried like any other.
    pub fn multipart(&mut self, form: Multipart) -> &mut Self {
        self.per_attempt_body(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_files() {
        let mut m = Multipart::new();
        m.value("name", "a b");
        m.value("count", &3);
        m.value("tags", &["x", "y"]);
        m.value("none", &Option::<u8>::None);
        m.file("upload", FilePart::new("a.txt", &b"hello"[..]));
        assert_eq!(m.parts.len(), 5);
        assert!(m.to_form().is_ok());
        assert!(m.to_form().unwrap().boundary().len() > 10);
    }
}
