//! Emits a model struct as text (see `text`): the struct with its serde attributes, its
//! `Deserialize` (a short impl of the runtime's `de::Model`), its `Debug` when it holds secrets, and
//! `new(…)` with a chainable setter per optional field.
//!
//! The `Deserialize` lists the model's name and wire field names and has a `from_map` that reads each
//! field into a local and builds the value. Matching keys, skipping or keeping unknown ones, and the
//! duplicate and missing field errors are the runtime's (`runtime::de`), so each model costs the
//! compiler one small function, not the several visitors and field enum a derived `Deserialize`
//! expands to.

use crate::emit::text::{Meta, Text, literal};
use crate::emit::types::{FULL_SERDE_FEATURE, TypePaths, gated_directions, into_arg_text};
use crate::ir::{Field, Presence, Struct, TypeRef, Usage};

/// The items of the struct `name`, each after the `gate` attribute (when there is one).
pub(crate) fn emit_struct(
    text: &mut Text,
    name: &str,
    docs: Option<&str>,
    s: &Struct,
    usage: Usage,
    paths: &TypePaths,
    gate: Option<&Meta>,
) {
    let item = |text: &mut Text| {
        if let Some(gate) = gate {
            text.attr(gate);
        }
    };
    let (serialize_gated, deserialize_gated) = gated_directions(usage, paths);
    let any_deprecated = s.fields.iter().any(|f| f.deprecated);
    // Write-only fields are secrets sent to the API (credentials, signing secrets): `Debug`
    // shows that they are set, never their value.
    let secret = s.fields.iter().any(|f| f.write_only);

    item(text);
    text.docs(docs);
    if any_deprecated {
        text.line("#[allow(deprecated)]");
    }
    let mut derives = Vec::new();
    if !secret {
        derives.push("Debug");
    }
    derives.extend(["Clone", "PartialEq"]);
    if s.derive_default {
        derives.push("Default");
    }
    if !serialize_gated {
        derives.push("::serde::Serialize");
    }
    text.attr(&Meta::List(
        "derive",
        derives
            .iter()
            .map(|d| Meta::Word((*d).to_owned()))
            .collect(),
    ));
    if serialize_gated {
        text.line("#[cfg_attr(feature = \"full-serde\", derive(::serde::Serialize))]");
    }
    text.line("#[non_exhaustive]");
    if s.fields.is_empty() && s.additional.is_none() {
        // prettyplease decides how an empty struct reads.
        text.unsure();
        text.line(&format!("pub struct {name} {{}}"));
    } else {
        // A struct's name has no place to break.
        text.unbreakable(&format!("pub struct {name} {{"));
        text.indent_in();
        for f in &s.fields {
            struct_field(text, f, paths, serialize_gated);
        }
        if let Some(ty) = &s.additional {
            text.doc("Properties not named in the schema.");
            serde_attr(
                text,
                vec![Meta::Word("flatten".to_owned())],
                serialize_gated,
            );
            let ty = format!(
                "::std::collections::BTreeMap<{}, {}>",
                paths.string_text(),
                paths.ty_text(ty)
            );
            text.typed("pub additional_properties: ", &ty, ",", false);
        }
        text.close("}");
    }
    model_deserialize(text, name, s, paths, deserialize_gated, &item);
    if secret {
        item(text);
        redacted_debug(text, name, s, any_deprecated);
    }
    constructor(text, name, s, paths, &item);
}

/// `#[serde(args)]` on a field, under the feature if the derive is.
fn serde_attr(text: &mut Text, args: Vec<Meta>, gated: bool) {
    if args.is_empty() {
        return;
    }
    let serde = Meta::List("serde", args);
    if gated {
        text.attr(&Meta::List(
            "cfg_attr",
            vec![Meta::feature(FULL_SERDE_FEATURE), serde],
        ));
    } else {
        text.attr(&serde);
    }
}

/// The type a field has in the struct (with `Option`/`Box` as its presence and boxing say).
fn field_type(field: &Field, paths: &TypePaths) -> String {
    let mut ty = paths.ty_text(&field.ty);
    if field.boxed {
        ty = format!("{}<{ty}>", paths.boxed_text());
    }
    let o = paths.option_text();
    match field.presence {
        Presence::Required => ty,
        // A JSON value holds null itself.
        Presence::Nullable if field.ty == TypeRef::Json => ty,
        Presence::Optional | Presence::Nullable => format!("{o}<{ty}>"),
        Presence::AbsentOrNull => format!("{o}<{o}<{ty}>>"),
    }
}

/// One struct field with its docs and the attributes of its `Serialize`.
fn struct_field(text: &mut Text, f: &Field, paths: &TypePaths, serialize_gated: bool) {
    match (&f.docs, f.read_only) {
        (Some(docs), true) => text.docs(Some(&format!("{docs}\n\nRead-only: set by the server."))),
        (None, true) => text.docs(Some("Read-only: set by the server.")),
        (docs, false) => text.docs(docs.as_deref()),
    }
    if f.deprecated {
        text.line("#[deprecated]");
    }
    let mut args = Vec::new();
    if crate::ident::unraw(&f.name) != f.wire {
        args.push(Meta::Word(format!("rename = {}", literal(&f.wire))));
    }
    if matches!(f.presence, Presence::Optional | Presence::AbsentOrNull) {
        args.push(Meta::Word(
            "skip_serializing_if = \"::std::option::Option::is_none\"".to_owned(),
        ));
    }
    serde_attr(text, args, serialize_gated);
    text.typed(
        &format!("pub {}: ", f.name),
        &field_type(f, paths),
        ",",
        false,
    );
}

/// `base`, or `base` with underscores after it until no field has that name.
fn fresh(base: &str, taken: &[&str]) -> String {
    let mut name = base.to_owned();
    while taken.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `Deserialize` and `runtime::de::Model` for the struct, each under the `full-serde` gate when
/// responses do not carry it.
fn model_deserialize(
    text: &mut Text,
    name: &str,
    s: &Struct,
    paths: &TypePaths,
    gated: bool,
    item: &dyn Fn(&mut Text),
) {
    // `None` and `Ok` by their full paths where a spec type shadows them.
    let shadowed = |short: &str| paths.in_types_module && paths.defined.contains(short);
    let none = if shadowed("None") {
        "::std::option::Option::None"
    } else {
        "None"
    };
    let ok = if shadowed("Ok") {
        "::std::result::Result::Ok"
    } else {
        "Ok"
    };
    let taken: Vec<&str> = s
        .fields
        .iter()
        .map(|f| crate::ident::unraw(&f.name))
        .collect();
    let map = fresh("map", &taken);
    let field = fresh("field", &taken);
    let gate = |text: &mut Text| {
        item(text);
        if gated {
            text.line("#[cfg(feature = \"full-serde\")]");
        }
    };

    gate(text);
    text.impl_for("impl<'de> ::serde::Deserialize<'de>", name);
    text.open("fn deserialize<D: ::serde::Deserializer<'de>>(");
    text.line("deserializer: D,");
    text.reopen(") -> ::std::result::Result<Self, D::Error> {");
    text.line("crate::runtime::de::deserialize(deserializer)");
    text.close("}");
    text.close("}");

    gate(text);
    text.line("#[doc(hidden)]");
    if s.fields.iter().any(|f| f.deprecated) {
        text.line("#[allow(deprecated)]");
    }
    text.impl_for("impl crate::runtime::de::Model", name);
    text.unbreakable(&format!(
        "const NAME: &'static str = {};",
        literal(crate::ident::unraw(name))
    ));
    let wires: Vec<String> = s.fields.iter().map(|f| literal(&f.wire)).collect();
    text.list(
        "const FIELDS: &'static [&'static str] = &[",
        &wires,
        "]",
        ";",
    );
    text.open("fn from_map<'de, A: ::serde::de::MapAccess<'de>>(");
    text.line(&format!("mut {map}: crate::runtime::de::Fields<'de, A>,"));
    text.reopen(") -> ::std::result::Result<Self, A::Error> {");
    for f in &s.fields {
        text.line(&format!("let mut {} = {none};", f.name));
    }
    let next = if s.additional.is_some() {
        text.line("let mut additional_properties = ::std::collections::BTreeMap::new();");
        format!("{map}.next_field_keeping(&mut additional_properties)?")
    } else {
        format!("{map}.next_field()?")
    };
    match s.fields.as_slice() {
        [] => {
            text.unsure();
            text.line(&format!("while {next}.is_some() {{}}"));
        }
        [only] => {
            text.open(&format!("while {next}.is_some() {{"));
            text.line(&format!("{map}.value(&mut {})?;", only.name));
            text.close("}");
        }
        fields => {
            text.open(&format!("while let Some({field}) = {next} {{"));
            text.open(&format!("match {field} {{"));
            for (i, f) in fields.iter().enumerate() {
                text.line(&format!("{i} => {map}.value(&mut {})?,", f.name));
            }
            text.line("_ => {}");
            text.close("}");
            text.close("}");
        }
    }
    let mut inits: Vec<String> = s
        .fields
        .iter()
        .map(|f| {
            let local = &f.name;
            match f.presence {
                Presence::Required => {
                    format!("{local}: {map}.required({local}, {})?", literal(&f.wire))
                }
                // Absent and null (the value `None`) are both "unset".
                Presence::Optional | Presence::Nullable => {
                    format!("{local}: {local}.unwrap_or_default()")
                }
                // Absent is `None`, null is `Some(None)`.
                Presence::AbsentOrNull => local.clone(),
            }
        })
        .collect();
    if s.additional.is_some() {
        inits.push("additional_properties".to_owned());
    }
    text.struct_literal(&format!("{ok}("), "Self", &inits, ")");
    text.close("}");
    text.close("}");
}

/// A `Debug` impl that shows write-only fields as `<redacted>`.
fn redacted_debug(text: &mut Text, name: &str, s: &Struct, any_deprecated: bool) {
    // prettyplease lays out the method chain.
    text.unsure();
    if any_deprecated {
        text.line("#[allow(deprecated)]");
    }
    text.impl_for("impl ::std::fmt::Debug", name);
    text.open("fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {");
    let mut chain = format!("f.debug_struct({})", literal(crate::ident::unraw(name)));
    for f in &s.fields {
        let key = literal(crate::ident::unraw(&f.name));
        let fname = &f.name;
        if f.write_only && f.presence.is_optional() {
            chain.push_str(&format!(
                ".field({key}, &self.{fname}.as_ref().map(|_| \"<redacted>\"))"
            ));
        } else if f.write_only {
            chain.push_str(&format!(".field({key}, &\"<redacted>\")"));
        } else {
            chain.push_str(&format!(".field({key}, &self.{fname})"));
        }
    }
    if s.additional.is_some() {
        chain.push_str(".field(\"additional_properties\", &self.additional_properties)");
    }
    chain.push_str(".finish()");
    text.line(&chain);
    text.close("}");
    text.close("}");
}

/// `new(required…)` plus a chainable setter per optional field. Every model has them, request or
/// response: the struct is `#[non_exhaustive]` (a field the spec adds later must not break a
/// caller's code), so they are how a caller builds one, a request body or a canned answer in a test.
fn constructor(
    text: &mut Text,
    name: &str,
    s: &Struct,
    paths: &TypePaths,
    item: &dyn Fn(&mut Text),
) {
    let optional: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| !f.presence.is_required())
        .collect();
    item(text);
    if !s.has_new() && optional.is_empty() {
        // prettyplease decides how an empty impl reads.
        text.unsure();
        text.line(&format!("impl {name} {{}}"));
    } else {
        text.unbreakable(&format!("impl {name} {{"));
        text.indent_in();
        if s.has_new() {
            new_fn(text, s, paths);
        }
        for f in optional {
            optional_setter(text, f, paths);
        }
        text.close("}");
    }
    // An argument-less `new()` (every required field has a fixed value) is also `Default`.
    if !s.derive_default && s.has_default() {
        item(text);
        text.impl_for("impl ::std::default::Default", name);
        text.open("fn default() -> Self {");
        text.line("Self::new()");
        text.close("}");
        text.close("}");
    }
}

fn new_fn(text: &mut Text, s: &Struct, paths: &TypePaths) {
    let args: Vec<String> = s
        .fields
        .iter()
        .filter(|f| f.presence.is_required() && f.constant.is_none())
        .map(|f| format!("{}: {}", f.name, into_arg_text(&f.ty, paths).0))
        .collect();
    text.doc("Creates a value with the required fields; optional ones start unset.");
    if s.fields.iter().any(|f| f.deprecated) {
        text.line("#[allow(deprecated)]");
    }
    text.list("pub fn new(", &args, ")", " -> Self {");
    let mut inits: Vec<String> = s
        .fields
        .iter()
        .map(|f| field_init(text, f, paths))
        .collect();
    if s.additional.is_some() {
        inits.push("additional_properties: ::std::collections::BTreeMap::new()".to_owned());
    }
    text.struct_literal("", "Self", &inits, "");
    text.close("}");
}

/// How `new(…)` initialises a field: its fixed value, its argument, or unset.
fn field_init(text: &mut Text, f: &Field, paths: &TypePaths) -> String {
    let fname = &f.name;
    if let (Some(constant), true) = (&f.constant, f.presence.is_required()) {
        let value = match constant {
            serde_json::Value::String(s) => format!("{}.to_owned()", literal(s)),
            serde_json::Value::Bool(_) | serde_json::Value::Number(_) => constant.to_string(),
            other => {
                // prettyplease spaces what the JSON text spells.
                text.unsure();
                other.to_string()
            }
        };
        return if f.presence == Presence::Nullable {
            format!("{fname}: Some({value})")
        } else {
            format!("{fname}: {value}")
        };
    }
    if !f.presence.is_required() {
        return format!("{fname}: None");
    }
    let (_, converts) = into_arg_text(&f.ty, paths);
    let mut value = if converts {
        format!("{fname}.into()")
    } else {
        fname.clone()
    };
    if f.boxed {
        value = format!("::std::boxed::Box::new({value})");
    }
    // A JSON value holds null itself (see `field_type`).
    if f.presence == Presence::Nullable && f.ty != TypeRef::Json {
        format!("{fname}: Some({value})")
    } else if !converts && !f.boxed {
        fname.clone()
    } else {
        format!("{fname}: {value}")
    }
}

/// The chainable setter of an optional field; an absent-or-null field also gets `foo_null()`,
/// which sends an explicit null.
fn optional_setter(text: &mut Text, f: &Field, paths: &TypePaths) {
    let fname = &f.name;
    let setter = f.setter_name();
    let (ty, converts) = into_arg_text(&f.ty, paths);
    let mut value = if converts {
        "value.into()".to_owned()
    } else {
        "value".to_owned()
    };
    if f.boxed {
        value = format!("::std::boxed::Box::new({value})");
    }
    if f.read_only {
        text.doc_value(&format!(
            " Sets `{}`, which the server sets: for a value built by hand, such as a canned answer in a test.",
            f.wire
        ));
    } else {
        text.doc_value(&format!(" Sets `{}`.", f.wire));
    }
    let deprecated = |text: &mut Text| {
        if f.deprecated {
            text.line("#[deprecated]");
            text.line("#[allow(deprecated)]");
        }
    };
    deprecated(text);
    if crate::ident::is_operator_method(&setter) {
        text.line("#[allow(clippy::should_implement_trait)]");
    }
    text.list(
        &format!("pub fn {setter}("),
        &["mut self".to_owned(), format!("value: {ty}")],
        ")",
        " -> Self {",
    );
    if f.presence == Presence::AbsentOrNull {
        text.line(&format!("self.{fname} = Some(Some({value}));"));
    } else {
        text.line(&format!("self.{fname} = Some({value});"));
    }
    text.line("self");
    text.close("}");
    if f.presence != Presence::AbsentOrNull {
        return;
    }
    if let Some(null_name) = &f.null_setter {
        text.doc_value(&format!(
            " Sends `{}` as an explicit `null` (unset, it is left out).",
            f.wire
        ));
        deprecated(text);
        text.open(&format!("pub fn {null_name}(mut self) -> Self {{"));
        text.line(&format!("self.{fname} = Some(None);"));
        text.line("self");
        text.close("}");
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::fresh;
    use crate::emit::text::Text;
    use crate::emit::types::TypePaths;
    use crate::ir::TypeKind;

    #[test]
    fn locals_keep_away_from_field_names() {
        assert_eq!(fresh("map", &["id", "name"]), "map");
        assert_eq!(fresh("map", &["map", "map_"]), "map__");
    }

    /// The specs of `../shared/specs` (one file each; the multi-file one by its root) and of the
    /// snapshot fixtures.
    fn specs() -> Vec<PathBuf> {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut specs = Vec::new();
        let shared = repo.join("../shared/specs");
        match std::fs::read_dir(&shared) {
            Ok(dirs) => {
                for dir in dirs.flatten().map(|d| d.path()) {
                    let root = dir.join("specification/DigitalOcean-public.v2.yaml");
                    if root.exists() {
                        specs.push(root);
                        continue;
                    }
                    specs.extend(
                        std::fs::read_dir(&dir)
                            .into_iter()
                            .flatten()
                            .flatten()
                            .map(|f| f.path())
                            .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "yaml")),
                    );
                }
            }
            Err(e) => {
                eprintln!("{}: {e}; only the fixtures are checked", shared.display());
                assert_ne!(
                    std::env::var("CI").as_deref(),
                    Ok("true"),
                    "CI needs ../shared/specs"
                );
            }
        }
        for case in std::fs::read_dir(repo.join("fixtures/snapshots"))
            .into_iter()
            .flatten()
            .flatten()
        {
            specs.extend(
                ["openapi.json", "openapi.yaml"]
                    .map(|f| case.path().join(f))
                    .into_iter()
                    .filter(|p| p.exists()),
            );
        }
        specs.sort();
        specs
    }

    /// Every struct of the specs, written as text: where the text does not say it is unsure of its
    /// layout, it is what prettyplease prints for it, byte for byte.
    #[test]
    fn struct_text_is_what_prettyplease_prints() {
        let (mut sure, mut unsure) = (0, 0);
        for path in specs() {
            // Fixtures of malformed or refused specs have no structs to write.
            let Ok(spec) = crate::load::load_path(&path) else {
                continue;
            };
            let options = crate::lower::LowerOptions {
                crate_name: None,
                source: path.display().to_string(),
                names: Default::default(),
            };
            let Ok(api) = crate::lower::lower(&spec, &Default::default(), &options) else {
                continue;
            };
            let paths = TypePaths {
                defined: api.types.iter().map(|t| t.name.clone()).collect(),
                in_types_module: true,
                mock: true,
            };
            for def in &api.types {
                let TypeKind::Struct(s) = &def.kind else {
                    continue;
                };
                let features = api
                    .features
                    .types
                    .get(&def.name)
                    .map_or(&[][..], Vec::as_slice);
                let gate = crate::emit::text::Meta::cfg_any(features);
                let mut text = Text::default();
                super::emit_struct(
                    &mut text,
                    &def.name,
                    def.docs.as_deref(),
                    s,
                    def.usage,
                    &paths,
                    gate.as_ref(),
                );
                let (text, is_unsure) = text.finish();
                let file = syn::parse_file(&text).unwrap_or_else(|e| {
                    panic!(
                        "{}: `{}` does not parse: {e}\n{text}",
                        path.display(),
                        def.name
                    )
                });
                if is_unsure {
                    unsure += 1;
                    continue;
                }
                sure += 1;
                let printed = prettyplease::unparse(&file);
                let differs = text
                    .lines()
                    .zip(printed.lines())
                    .enumerate()
                    .find(|(_, (a, b))| a != b);
                if let Some((line, (ours, theirs))) = differs {
                    panic!(
                        "{}: `{}`, line {}: the text has\n{ours}\nwhere prettyplease prints\n{theirs}",
                        path.display(),
                        def.name,
                        line + 1
                    );
                }
                assert_eq!(printed, text, "{}: `{}`", path.display(), def.name);
            }
        }
        eprintln!("{sure} structs written as prettyplease prints them, {unsure} left to it");
        assert!(sure > 10 * unsure, "{sure} sure, {unsure} unsure");
    }
}
