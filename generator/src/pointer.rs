//! JSON pointers as `$ref` fragments carry them: RFC 6901 segments (`~0`, `~1`) inside an RFC 3986
//! fragment, which may be percent-encoded (`#/paths/~1a~1%7Bid%7D/get`).

use serde_json::Value;

use crate::error::escape_pointer;

/// Percent-decodes `text` (RFC 3986). A `%` not followed by two hex digits stays as it is; `None`
/// when the decoded bytes are not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The unescaped segments of a pointer (`/a~1b/c` → `["a/b", "c"]`); `None` when it does not
/// start with `/` (the empty pointer has no segments).
pub fn segments(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(|s| unescape(s).into_owned()).collect())
}

/// One segment of a pointer unescaped (`a~1b` → `a/b`, `~0` → `~`).
pub fn unescape(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains('~') {
        segment.replace("~1", "/").replace("~0", "~").into()
    } else {
        segment.into()
    }
}

/// The pointer of `segments`, each escaped.
pub fn join<S: AsRef<str>>(segments: &[S]) -> String {
    segments
        .iter()
        .map(|s| format!("/{}", escape_pointer(s.as_ref())))
        .collect()
}

/// The pointer a fragment (the text after `#`) means in `doc`: percent-decoded (RFC 6901 §6),
/// unless only the text as written names a value (a name with a literal `%`). `None` when the
/// fragment is not a pointer at all.
pub fn canonical(doc: &Value, fragment: &str) -> Option<String> {
    let decoded = percent_decode(fragment);
    match decoded {
        Some(d) if d == fragment => Some(d),
        Some(d) if doc.pointer(&d).is_some() || doc.pointer(fragment).is_none() => Some(d),
        _ => Some(fragment.to_owned()),
    }
}

/// The value a fragment points at in `doc`, decoding it as [`canonical`] does.
pub fn lookup<'a>(doc: &'a Value, fragment: &str) -> Option<&'a Value> {
    doc.pointer(&canonical(doc, fragment)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fragments_are_percent_decoded_then_unescaped() {
        let doc = json!({"paths": {"/a/{id}": {"get": 1}}, "c": {"100%": 2, "a b": 3}});
        assert_eq!(lookup(&doc, "/paths/~1a~1%7Bid%7D/get"), Some(&json!(1)));
        assert_eq!(lookup(&doc, "/paths/~1a~1{id}/get"), Some(&json!(1)));
        assert_eq!(lookup(&doc, "/c/a%20b"), Some(&json!(3)));
        assert_eq!(lookup(&doc, "/c/100%"), Some(&json!(2)));
        assert_eq!(
            canonical(&doc, "/paths/~1a~1%7Bid%7D/get").as_deref(),
            Some("/paths/~1a~1{id}/get")
        );
        assert_eq!(percent_decode("%e2%82%ac").as_deref(), Some("€"));
        assert_eq!(percent_decode("%ff"), None);
        assert_eq!(percent_decode("%4"), Some("%4".to_owned()));
    }

    #[test]
    fn segments_round_trip() {
        let s = segments("/paths/~1a~1{id}/x~0y").unwrap();
        assert_eq!(s, ["paths", "/a/{id}", "x~y"]);
        assert_eq!(join(&s), "/paths/~1a~1{id}/x~0y");
        assert_eq!(segments(""), Some(vec![]));
        assert_eq!(segments("components"), None);
    }
}
