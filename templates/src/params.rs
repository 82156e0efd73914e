//! Parameter encoding: how path, query, header and cookie values become text, the way OpenAPI describes
//! (`style`, `explode`, percent-encoding of path segments, `application/x-www-form-urlencoded`).

use ::std::string::{String, ToString};
use ::std::vec::Vec;

use serde_json::Value;

/// How an array or object query parameter is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form`. Explode: `id=1&id=2`, objects `a=1&b=2`; otherwise `id=1,2`, objects `name=a,1,b,2`.
    Form {
        /// Repeat the key for every array item (the OpenAPI default).
        explode: bool,
    },
    /// `id=1%202` (items joined with spaces).
    SpaceDelimited,
    /// `id=1|2` (items joined with `|`).
    PipeDelimited,
    /// `name[a]=1&name[b]=2`; nested objects nest further (`name[a][b]=1`).
    DeepObject,
}

impl Default for QueryStyle {
    fn default() -> Self {
        QueryStyle::Form { explode: true }
    }
}

/// Replaces every `{name}` in `template` with its percent-encoded value, appending to `out`.
pub(crate) fn expand_path_into<K: AsRef<str>>(
    template: &str,
    params: &[(K, String)],
    out: &mut String,
) -> Result<(), String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed '{{' in path template {template:?}"))?;
        let name = &after[..close];
        let (_, value) = params
            .iter()
            .find(|(n, _)| n.as_ref() == name)
            .ok_or_else(|| format!("path parameter {name} is missing"))?;
        encode_path_segment(value, out);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    let unused = params
        .iter()
        .find(|(name, _)| placeholder(template, name.as_ref()).is_none());
    if let Some((unused, _)) = unused {
        return Err(format!(
            "path parameter {} is not in the path template",
            unused.as_ref()
        ));
    }
    Ok(())
}

/// The name inside `{name}` in `template`, borrowed from it; `None` when the template has no such part.
pub(crate) fn placeholder<'t>(template: &'t str, name: &str) -> Option<&'t str> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        if &after[..close] == name {
            return Some(&after[..close]);
        }
        rest = &after[close + 1..];
    }
    None
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so that `/`, `?`, `#` and `%` stay inside
/// the segment.
fn encode_path_segment(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut start = 0;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            continue;
        }
        // `start..i` is a run of ASCII bytes kept as they are, so both ends are char boundaries.
        if start < i {
            out.push_str(&text[start..i]);
        }
        out.push('%');
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
        start = i + 1;
    }
    if start < text.len() {
        out.push_str(&text[start..]);
    }
}

/// `application/x-www-form-urlencoded` encoding of one key or value.
pub(crate) fn form_urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        match b {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') => {
                out.push(b as char)
            }
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A scalar as text: strings as they are, numbers and booleans plainly; arrays and objects as JSON.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => value.to_string(),
    }
}

/// OpenAPI `simple` style (path and header parameters): arrays `a,b`, objects `k,v,k,v`; `None` for null.
pub(crate) fn simple_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Array(items) => Some(
            items
                .iter()
                .filter(|v| !v.is_null())
                .map(scalar_text)
                .collect::<Vec<_>>()
                .join(","),
        ),
        Value::Object(map) => Some(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => Some(scalar_text(other)),
    }
}

/// Appends the query pairs of one parameter. Null values (and empty arrays) add nothing.
pub(crate) fn query_pairs(
    name: &str,
    value: &Value,
    style: QueryStyle,
    out: &mut Vec<(String, String)>,
) {
    match (value, style) {
        (Value::Null, _) => {}
        (Value::Array(items), _) if items.iter().all(Value::is_null) => {}
        (Value::Array(items), QueryStyle::Form { explode: true } | QueryStyle::DeepObject) => {
            out.extend(
                items
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|v| (name.to_owned(), scalar_text(v))),
            );
        }
        (
            Value::Array(items),
            QueryStyle::Form { explode: false }
            | QueryStyle::SpaceDelimited
            | QueryStyle::PipeDelimited,
        ) => {
            let sep = match style {
                QueryStyle::SpaceDelimited => " ",
                QueryStyle::PipeDelimited => "|",
                _ => ",",
            };
            let joined = items
                .iter()
                .filter(|v| !v.is_null())
                .map(scalar_text)
                .collect::<Vec<_>>()
                .join(sep);
            out.push((name.to_owned(), joined));
        }
        (Value::Object(map), QueryStyle::DeepObject) => {
            for (key, v) in map {
                let nested = format!("{name}[{key}]");
                query_pairs(&nested, v, QueryStyle::DeepObject, out);
            }
        }
        (Value::Object(map), QueryStyle::Form { explode: true }) => {
            for (key, v) in map {
                query_pairs(key, v, QueryStyle::Form { explode: true }, out);
            }
        }
        (Value::Object(map), _) => {
            let sep = match style {
                QueryStyle::SpaceDelimited => " ",
                QueryStyle::PipeDelimited => "|",
                _ => ",",
            };
            let joined = map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
                .collect::<Vec<_>>()
                .join(sep);
            if !joined.is_empty() {
                out.push((name.to_owned(), joined));
            }
        }
        (scalar, _) => out.push((name.to_owned(), scalar_text(scalar))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_path(template: &str, params: &[(String, String)]) -> Result<String, String> {
        let mut out = String::new();
        expand_path_into(template, params, &mut out)?;
        Ok(out)
    }
    use serde_json::json;

    fn pairs(value: Value, style: QueryStyle) -> Vec<(String, String)> {
        let mut out = Vec::new();
        query_pairs("p", &value, style, &mut out);
        out
    }

    fn p(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const EXPLODE: QueryStyle = QueryStyle::Form { explode: true };
    const NO_EXPLODE: QueryStyle = QueryStyle::Form { explode: false };

    #[test]
    fn scalars_in_every_style() {
        for style in [
            EXPLODE,
            NO_EXPLODE,
            QueryStyle::SpaceDelimited,
            QueryStyle::PipeDelimited,
            QueryStyle::DeepObject,
        ] {
            assert_eq!(pairs(json!("a b&c"), style), p(&[("p", "a b&c")]));
            assert_eq!(pairs(json!(42), style), p(&[("p", "42")]));
            assert_eq!(pairs(json!(-1.5), style), p(&[("p", "-1.5")]));
            assert_eq!(pairs(json!(true), style), p(&[("p", "true")]));
            assert_eq!(pairs(json!(null), style), p(&[]));
            assert_eq!(pairs(json!([]), style), p(&[]));
        }
    }

    #[test]
    fn arrays() {
        let v = json!([1, "two", false]);
        assert_eq!(
            pairs(v.clone(), EXPLODE),
            p(&[("p", "1"), ("p", "two"), ("p", "false")])
        );
        assert_eq!(pairs(v.clone(), NO_EXPLODE), p(&[("p", "1,two,false")]));
        assert_eq!(
            pairs(v.clone(), QueryStyle::SpaceDelimited),
            p(&[("p", "1 two false")])
        );
        assert_eq!(
            pairs(v, QueryStyle::PipeDelimited),
            p(&[("p", "1|two|false")])
        );
    }

    #[test]
    fn objects() {
        // Keys in alphabetical order: serde_json may or may not preserve insertion order.
        let v = json!({"a": 1, "b": "x y", "c": null});
        assert_eq!(pairs(v.clone(), EXPLODE), p(&[("a", "1"), ("b", "x y")]));
        assert_eq!(pairs(v.clone(), NO_EXPLODE), p(&[("p", "a,1,b,x y")]));
        assert_eq!(
            pairs(v.clone(), QueryStyle::DeepObject),
            p(&[("p[a]", "1"), ("p[b]", "x y")])
        );
        let nested = json!({"f": {"g": 1}, "h": [1, 2]});
        assert_eq!(
            pairs(nested, QueryStyle::DeepObject),
            p(&[("p[f][g]", "1"), ("p[h]", "1"), ("p[h]", "2")])
        );
    }

    #[test]
    fn path_expansion_encodes_one_segment() {
        let params = p(&[("task_id", "a/b c?d#e%f"), ("n", "7")]);
        assert_eq!(
            expand_path("/tasks/{task_id}/runs/{n}", &params).unwrap(),
            "/tasks/a%2Fb%20c%3Fd%23e%25f/runs/7"
        );
        assert_eq!(
            expand_path("/x/{id}", &p(&[("id", "ünï-._~")])).unwrap(),
            "/x/%C3%BCn%C3%AF-._~"
        );
        assert!(expand_path("/x/{id}", &[]).unwrap_err().contains("missing"));
        assert!(
            expand_path("/x", &p(&[("id", "1")]))
                .unwrap_err()
                .contains("not in the path")
        );
        assert!(
            expand_path("/x/{id", &p(&[("id", "1")]))
                .unwrap_err()
                .contains("unclosed")
        );
    }

    #[test]
    fn simple_style_for_path_and_headers() {
        assert_eq!(simple_text(&json!(["a", 1])).as_deref(), Some("a,1"));
        assert_eq!(
            simple_text(&json!({"a": 1, "b": 2})).as_deref(),
            Some("a,1,b,2")
        );
        assert_eq!(simple_text(&json!(null)), None);
        assert_eq!(simple_text(&json!(3)).as_deref(), Some("3"));
    }

    #[test]
    fn form_encoding() {
        assert_eq!(form_urlencode("a b&c=d/é*"), "a+b%26c%3Dd%2F%C3%A9*");
    }

    fn percent_decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn random_values_survive_the_url_parser_unchanged() {
        const SPECIAL: &[char] = &[
            ' ', '/', '?', '#', '%', '[', ']', '{', '}', '.', ':', '@', '!', '$', '&', '\'', '(',
            ')', '*', '+', ',', ';', '=', '\\', '"', '<', '>', '^', '`', '|', '~', '-', '_', '\t',
            'é', 'ß', '中', '😀',
        ];
        let mut rng = fastrand::Rng::with_seed(20261129);
        for _ in 0..3000 {
            let len = rng.usize(1..10);
            let text: String = (0..len)
                .map(|_| {
                    if rng.bool() {
                        rng.alphanumeric()
                    } else {
                        SPECIAL[rng.usize(..SPECIAL.len())]
                    }
                })
                .collect();
            if text == "." || text == ".." {
                continue;
            }
            let path = expand_path("/a/{x}/b", &[("x".to_owned(), text.clone())]).unwrap();
            let mut url = reqwest::Url::parse(&format!("http://h/v1{path}")).unwrap();
            assert_eq!(
                url.path(),
                format!("/v1{path}"),
                "the URL parser changed the path of {text:?}"
            );
            let segments: Vec<&str> = url.path_segments().unwrap().collect();
            assert_eq!(segments.len(), 4, "{text:?} split the path: {path}");
            assert_eq!(percent_decode(segments[2]), text);

            let mut pairs = Vec::new();
            query_pairs("q", &json!(text), QueryStyle::default(), &mut pairs);
            url.query_pairs_mut()
                .extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let back: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            assert_eq!(back, vec![("q".to_owned(), text.clone())]);
        }
    }
}
