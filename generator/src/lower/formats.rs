//! String formats with a type of their own: `date-time`, `date`, `byte`, `uuid` and `binary`.

use crate::ir::TypeRef;

/// The type of a `type: string` schema with this `format` (`None`: no format).
///
/// Formats without a type of their own (`email`, `uri`, `password`, vendor formats) stay
/// `String`: the generator does not check them, and the server is the judge of them.
pub fn string_type(format: Option<&str>) -> TypeRef {
    match format {
        Some("date-time") => TypeRef::Timestamp,
        Some("date") => TypeRef::Date,
        Some("byte") => TypeRef::Base64,
        Some("uuid") => TypeRef::Uuid,
        Some("binary") => TypeRef::Bytes,
        _ => TypeRef::String,
    }
}

#[cfg(test)]
mod tests {
    use super::string_type;
    use crate::ir::TypeRef;

    #[test]
    fn formats_with_a_type_of_their_own() {
        assert_eq!(string_type(Some("date-time")), TypeRef::Timestamp);
        assert_eq!(string_type(Some("date")), TypeRef::Date);
        assert_eq!(string_type(Some("byte")), TypeRef::Base64);
        assert_eq!(string_type(Some("uuid")), TypeRef::Uuid);
        assert_eq!(string_type(Some("binary")), TypeRef::Bytes);
    }

    #[test]
    fn other_formats_stay_strings() {
        for format in [
            None,
            Some("email"),
            Some("uri"),
            Some("password"),
            Some("time"),
        ] {
            assert_eq!(string_type(format), TypeRef::String, "{format:?}");
        }
    }
}
