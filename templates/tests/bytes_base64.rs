//! `Base64Bytes` (OpenAPI `format: byte`): standard padded base64 out; standard or URL-safe,
//! padded or not, in; typed errors naming the place for anything else.

use sdkgen_runtime::bytes::Base64Bytes;

fn decode(text: &str) -> Vec<u8> {
    Base64Bytes::decode(text)
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .into_vec()
}

fn error(text: &str) -> String {
    match Base64Bytes::decode(text) {
        Ok(b) => panic!("{text:?} decoded as {b:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn encodes_standard_and_padded() {
    let cases: [(&[u8], &str); 6] = [
        (b"", ""),
        (b"f", "Zg=="),
        (b"fo", "Zm8="),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg=="),
        (&[0xfb, 0xff, 0xfe], "+//+"),
    ];
    for (bytes, text) in cases {
        assert_eq!(Base64Bytes::new(bytes).encode(), text);
        assert_eq!(decode(text), bytes);
    }
}

#[test]
fn padding_is_optional_on_input() {
    assert_eq!(decode("Zg"), b"f");
    assert_eq!(decode("Zm8"), b"fo");
    assert_eq!(decode("Zm9vYg"), b"foob");
}

#[test]
fn url_safe_alphabet_is_accepted_on_input() {
    assert_eq!(decode("-__-"), [0xfb, 0xff, 0xfe]);
    assert_eq!(decode("-__-Zg"), [0xfb, 0xff, 0xfe, b'f']);
    assert_eq!(decode("-__-Zg=="), [0xfb, 0xff, 0xfe, b'f']);
    assert_eq!(
        error("-_/+"),
        "invalid base64 \"-_/+\": '/' at byte 2 mixes the standard alphabet into URL-safe base64"
    );
}

#[test]
fn errors_say_where() {
    assert_eq!(
        error("Zm9v!"),
        "invalid base64 \"Zm9v!\": '!' at byte 4 is not a base64 character"
    );
    assert_eq!(
        error("Zm9v\nYg=="),
        "invalid base64 \"Zm9v\\nYg==\": '\\n' at byte 4 is not a base64 character"
    );
    assert_eq!(
        error("Z"),
        "invalid base64 \"Z\": 1 base64 characters cannot encode whole bytes"
    );
    assert_eq!(
        error("Zm=v"),
        "invalid base64 \"Zm=v\": `=` padding at byte 2 is not at the end"
    );
    assert_eq!(
        error("Zh=="),
        "invalid base64 \"Zh==\": the last character 'h' (byte 1) has bits set beyond the data"
    );
    assert_eq!(
        error("Zm9vé"),
        "invalid base64 \"Zm9vé\": non-ASCII byte 0xc3 at byte 4 is not a base64 character"
    );
    let long = "!".repeat(1000);
    let e = Base64Bytes::decode(&long).unwrap_err();
    assert_eq!(e.input().chars().count(), 65);
}

#[test]
fn serde_both_ways() {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Upload {
        content: Base64Bytes,
        thumbnail: Option<Base64Bytes>,
    }
    let upload: Upload =
        serde_json::from_str(r#"{"content": "aGVsbG8", "thumbnail": null}"#).unwrap();
    assert_eq!(&*upload.content, b"hello");
    assert_eq!(
        serde_json::to_string(&upload).unwrap(),
        r#"{"content":"aGVsbG8=","thumbnail":null}"#
    );
    let e = serde_json::from_str::<Upload>(r#"{"content": "a b", "thumbnail": null}"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("invalid base64 \"a b\": ' ' at byte 1 is not a base64 character"),
        "{e}"
    );
    let de = &mut serde_json::Deserializer::from_str(r#"{"content": "", "thumbnail": "%"}"#);
    let e = serde_path_to_error::deserialize::<_, Upload>(de).unwrap_err();
    assert_eq!(e.path().to_string(), "thumbnail");
    let e = serde_json::from_str::<Upload>(r#"{"content": [1, 2], "thumbnail": null}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("expected a base64 string"), "{e}");
}

#[test]
fn debug_is_short_for_large_values() {
    assert_eq!(
        format!("{:?}", Base64Bytes::new(*b"hi")),
        "Base64Bytes(2 bytes: aGk=)"
    );
    let big = Base64Bytes::new(vec![0u8; 1 << 20]);
    let debug = format!("{big:?}");
    assert!(
        debug.starts_with("Base64Bytes(1048576 bytes: AAAA"),
        "{debug}"
    );
    assert!(debug.len() < 100, "{debug}");
    assert!(debug.ends_with("…)"), "{debug}");
}

#[test]
fn conversions() {
    let b = Base64Bytes::from(vec![1, 2, 3]);
    assert_eq!(b.as_bytes(), [1, 2, 3]);
    assert_eq!(b.as_ref(), [1, 2, 3]);
    assert_eq!(Base64Bytes::from(&[1u8, 2, 3][..]), b);
    assert_eq!(Base64Bytes::from(bytes::Bytes::from_static(&[1, 2, 3])), b);
    assert_eq!(Vec::from(b.clone()), vec![1, 2, 3]);
    assert_eq!(b.len(), 3, "dereferences to [u8]");
}
