//! `Base64Bytes`: binary data sent as base64 text in JSON (OpenAPI `format: byte`).
//!
//! Written as standard base64 (RFC 4648 section 4) with `=` padding. Read with or without padding,
//! in the standard alphabet or, since some servers send it for `format: byte`, the URL-safe one
//! (`-` and `_`; one text may not mix the two). Anything else (whitespace, line breaks, stray
//! characters, non-zero trailing bits) is a [`Base64Error`] naming the place.

use ::std::fmt;
use ::std::string::String;
use ::std::vec::Vec;

use base64::Engine as _;

/// Longest part of a rejected text quoted in its error, and of the value in `Debug`.
const EXCERPT_CHARS: usize = 64;

const PAD_INDIFFERENT: base64::engine::GeneralPurposeConfig =
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent);
const STANDARD: base64::engine::GeneralPurpose =
    base64::engine::GeneralPurpose::new(&base64::alphabet::STANDARD, PAD_INDIFFERENT);
const URL_SAFE: base64::engine::GeneralPurpose =
    base64::engine::GeneralPurpose::new(&base64::alphabet::URL_SAFE, PAD_INDIFFERENT);

/// Bytes that travel as a base64 string.
///
/// It dereferences to `[u8]`; [`Base64Bytes::into_vec`] takes the bytes out.
///
/// ```text
/// let b: Base64Bytes = serde_json::from_str("\"aGk\"")?;     // padding optional on input
/// assert_eq!(&*b, b"hi");
/// assert_eq!(serde_json::to_string(&b)?, "\"aGk=\"");       // always padded on output
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Base64Bytes(Vec<u8>);

/// A text that is not base64; its `Display` quotes the start of the text and says where it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid base64 {input:?}: {reason}")]
pub struct Base64Error {
    input: String,
    reason: String,
}

impl Base64Error {
    /// The rejected text (its first 64 characters).
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl Base64Bytes {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Base64Bytes(bytes.into())
    }

    /// Decodes base64 text (standard or URL-safe alphabet, padded or not).
    pub fn decode(text: &str) -> Result<Self, Base64Error> {
        let url_safe = text.bytes().any(|b| b == b'-' || b == b'_');
        let engine = if url_safe { &URL_SAFE } else { &STANDARD };
        engine.decode(text).map(Base64Bytes).map_err(|error| {
            let reason = match error {
                base64::DecodeError::InvalidByte(at, byte) if url_safe && b"+/".contains(&byte) => {
                    format!(
                        "{:?} at byte {at} mixes the standard alphabet into URL-safe base64",
                        byte as char
                    )
                }
                base64::DecodeError::InvalidByte(at, b'=') => {
                    format!("`=` padding at byte {at} is not at the end")
                }
                base64::DecodeError::InvalidByte(at, byte) => {
                    format!("{} at byte {at} is not a base64 character", describe(byte))
                }
                base64::DecodeError::InvalidLength(len) => {
                    format!("{len} base64 characters cannot encode whole bytes")
                }
                base64::DecodeError::InvalidLastSymbol(at, byte) => format!(
                    "the last character {:?} (byte {at}) has bits set beyond the data",
                    byte as char
                ),
                base64::DecodeError::InvalidPadding => "the `=` padding is wrong".to_owned(),
            };
            let mut input: String = text.chars().take(EXCERPT_CHARS).collect();
            if input.len() < text.len() {
                input.push('…');
            }
            Base64Error { input, reason }
        })
    }

    /// The standard, padded base64 text of the bytes.
    pub fn encode(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.0)
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, taken out.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

fn describe(byte: u8) -> String {
    if byte.is_ascii() {
        format!("{:?}", byte as char)
    } else {
        // A byte of a multi-byte character: the text quoted beside it shows the character.
        format!("non-ASCII byte 0x{byte:02x}")
    }
}

impl ::std::ops::Deref for Base64Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Base64Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Base64Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Base64Bytes(bytes)
    }
}

impl From<&[u8]> for Base64Bytes {
    fn from(bytes: &[u8]) -> Self {
        Base64Bytes(bytes.to_vec())
    }
}

impl From<::bytes::Bytes> for Base64Bytes {
    fn from(bytes: ::bytes::Bytes) -> Self {
        Base64Bytes(bytes.into())
    }
}

impl From<Base64Bytes> for Vec<u8> {
    fn from(bytes: Base64Bytes) -> Self {
        bytes.0
    }
}

/// The number of bytes and the start of their base64 text: a large blob does not flood a log.
impl fmt::Debug for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Three bytes are four characters: encode only what the excerpt shows.
        let shown = &self.0[..self.0.len().min(EXCERPT_CHARS / 4 * 3)];
        let mut text = base64::engine::general_purpose::STANDARD.encode(shown);
        if shown.len() < self.0.len() {
            text.push('…');
        }
        write!(f, "Base64Bytes({} bytes: {text})", self.0.len())
    }
}

impl serde::Serialize for Base64Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> serde::Deserialize<'de> for Base64Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = Base64Bytes;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Base64Bytes, E> {
                Base64Bytes::decode(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}
