//! Rust identifiers from spec names: casing, keywords, leading digits, non-ASCII and collisions.
//!
//! Every name the generator emits goes through this module, so the rules live in one place.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of Rust 2024 (strict, reserved and weak-in-position ones that matter for identifiers).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Returns whether `word` is a Rust keyword.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Keeps ASCII letters, digits and `_`; turns everything else into word breaks, transliterating nothing.
/// Non-ASCII letters are spelled as `uXXXX` so that two different names never collapse into one.
fn ascii_words(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_alphanumeric() {
            out.push_str(&format!(" u{:04x} ", c as u32));
        } else {
            match c {
                '+' => out.push_str(" plus "),
                '-' if out.trim().is_empty() => out.push_str(" minus "),
                '*' if name.len() == 1 => out.push_str("star"),
                _ => out.push(' '),
            }
        }
    }
    out
}

/// Lowercase words an acronym can run straight into (`RSforInvoice`, `IDsByName`).
const JOINED_WORDS: &[&str] = &["and", "by", "for", "from", "of", "on", "or", "to", "with"];

/// Spells an acronym as one word where casing would split it before its last capital, as it
/// does before any capital followed by a lowercase letter:
/// - a plural acronym, a run of two or more capitals followed by a lone `s` that ends the word
///   (`APIs` → `Apis`, `listURLs` → `listUrls`, `IDsOnly` → `IdsOnly`; not `ap_is`);
/// - a run of two or more capitals straight into a preposition or conjunction that ends the
///   word (`RSforInvoice` → `RsForInvoice`; not `r_sfor_invoice`).
///
/// `words` is ASCII (see [`ascii_words`]); most names have no two capitals in a row and come back
/// as they are.
fn acronym_words(words: &str) -> std::borrow::Cow<'_, str> {
    let b = words.as_bytes();
    let upper = |i: usize| b.get(i).is_some_and(u8::is_ascii_uppercase);
    let lower = |i: usize| b.get(i).is_some_and(u8::is_ascii_lowercase);
    if !(1..b.len()).any(|i| upper(i - 1) && upper(i)) {
        return std::borrow::Cow::Borrowed(words);
    }
    let mut out = String::with_capacity(words.len() + 4);
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while upper(i) {
            i += 1;
        }
        let mut end = i;
        while lower(end) {
            end += 1;
        }
        let tail = &words[i..end];
        let run = &words[start..i];
        // `DNSForSite` splits right as it is: its last capital starts the joined word.
        let starts_word = |tail: &str| {
            let word = format!("{}{tail}", run[run.len() - 1..].to_ascii_lowercase());
            JOINED_WORDS.contains(&word.as_str())
        };
        let one_word =
            run.len() >= 2 && (tail == "s" || (JOINED_WORDS.contains(&tail) && !starts_word(tail)));
        if one_word {
            out.push_str(&run[..1]);
            out.push_str(&run[1..].to_ascii_lowercase());
            if tail == "s" {
                out.push('s');
            } else {
                out.push_str(&tail[..1].to_ascii_uppercase());
                out.push_str(&tail[1..]);
            }
            i = end;
        } else {
            out.push_str(run);
            if let Some(&c) = b.get(i) {
                out.push(char::from(c));
                i += 1;
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A `snake_case` identifier (fields, methods, modules, parameters), keyword-safe.
pub fn snake(name: &str) -> String {
    let ascii = ascii_words(name);
    let mut s = acronym_words(&ascii).to_snake_case();
    if s.is_empty() {
        s = "value".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    escape_keyword(s)
}

/// An `UpperCamelCase` identifier (types, variants), keyword-safe.
pub fn camel(name: &str) -> String {
    let ascii = ascii_words(name);
    let mut s = acronym_words(&ascii).to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    escape_keyword(s)
}

/// A module name (a resource's module, its accessor method and its file name), keyword-safe without
/// raw identifiers: a module is also a file (`src/resources/type_.rs`) and a path segment users
/// write (`client.type_()`), so keywords get a `_` suffix (`where` → `where_`).
pub fn module(name: &str) -> String {
    let s = snake(name);
    match s.strip_prefix("r#") {
        Some(keyword) => format!("{keyword}_"),
        None => s,
    }
}

/// Makes a keyword usable: raw where Rust allows it (`r#type`), suffixed where it does not (`self_`).
fn escape_keyword(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if is_keyword(&s) {
        format!("r#{s}")
    } else {
        s
    }
}

/// Whether `name` is a method of a std operator trait (`Add::add`, `Sub::sub`, …) whose
/// signature a chainable setter (`fn add(self, value) -> Self`) shares: clippy's
/// `should_implement_trait` then asks for the trait. Setters keep the field's or parameter's
/// name (a Kubernetes `capabilities.add` reads `.add(…)`) and allow that lint.
pub fn is_operator_method(name: &str) -> bool {
    matches!(
        unraw(name),
        "add" | "sub" | "mul" | "div" | "rem" | "bitand" | "bitor" | "bitxor" | "shl" | "shr"
    )
}

/// Strips the `r#` of a raw identifier, for building derived names.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Hands out unique names within one namespace (a module's types, a struct's fields, an enum's
/// variants). The first claimant of a name keeps it; later ones get `_2`, `_3`, … (or `2`, `3` for
/// camel-case names). Callers claim names in a deterministic order, so the result is deterministic.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace where `reserved` names are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            taken: reserved.into_iter().map(str::to_owned).collect(),
        }
    }

    /// Claims `wanted`, or the first free numbered variant of it.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        let base = unraw(wanted);
        let camel = base.chars().next().is_some_and(|c| c.is_ascii_uppercase());
        // The suffix keeps the case convention: `Self_` + 2 is `Self2` (not `Self_2`), `self_` + 2
        // is `self_2` (not `self__2`).
        let trimmed = base.trim_end_matches('_');
        let base = if trimmed.is_empty() { base } else { trimmed };
        let sep = if camel { "" } else { "_" };
        (2..)
            .map(|n| format!("{base}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }

    /// Returns whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// Allocates names for a set of wire names at once, in their given order, so that the same input
/// always gives the same names. Returns wire name → Rust name.
pub fn allocate<'a>(
    wire_names: impl IntoIterator<Item = &'a str>,
    case: fn(&str) -> String,
    namespace: &mut Namespace,
) -> BTreeMap<String, String> {
    wire_names
        .into_iter()
        .map(|wire| (wire.to_owned(), namespace.claim(&case(wire))))
        .collect()
}

/// Singular form of a simple English plural, for method names (`tasks` → `task`).
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("sses")
        || word.ends_with("xes")
        || word.ends_with("ches")
        || word.ends_with("shes")
    {
        word[..word.len() - 2].to_owned()
    } else if word.ends_with('s') && !word.ends_with("ss") && word.len() > 1 {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_becomes_a_valid_identifier() {
        for kw in KEYWORDS {
            let s = snake(kw);
            let parsed: Result<syn::Ident, _> = syn::parse_str(&s);
            assert!(parsed.is_ok() || s.starts_with("r#"), "{kw} -> {s}");
            if let Some(raw) = s.strip_prefix("r#") {
                assert!(
                    syn::parse_str::<syn::Ident>(&format!("r#{raw}")).is_ok(),
                    "{kw} -> {s}"
                );
            }
        }
        assert_eq!(snake("self"), "self_");
        assert_eq!(camel("self"), "r#Self".replace("r#Self", "Self_"));
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("gen"), "r#gen");
        assert_eq!(snake("_"), "value");
    }

    /// rustc's `non_snake_case` rule: lowercase, no `__` inside (leading and trailing `_` allowed).
    fn is_snake_case(ident: &str) -> bool {
        let inner = unraw(ident).trim_matches('_');
        !inner.contains("__") && !inner.chars().any(char::is_uppercase)
    }

    /// rustc's `non_camel_case_types` rule: no lowercase start, no `__`, no `_` beside a letter.
    fn is_camel_case(ident: &str) -> bool {
        let inner = unraw(ident).trim_matches('_');
        let chars: Vec<char> = inner.chars().collect();
        !chars.first().is_some_and(|c| c.is_lowercase())
            && !inner.contains("__")
            && !chars.windows(2).any(|w| {
                (w[0].is_alphabetic() && w[1] == '_') || (w[0] == '_' && w[1].is_alphabetic())
            })
    }

    /// Every keyword, as the name of every kind of identifier, parses where that kind is used, keeps
    /// its case convention, and so does the name a second claimant of it gets.
    #[test]
    fn every_keyword_for_every_identifier_kind() {
        // (kind, how it is made, whether it is camel case, code that uses it)
        type Kind = (&'static str, fn(&str) -> String, bool, fn(&str) -> String);
        let kinds: &[Kind] = &[
            ("field", snake, false, |id| {
                format!("struct S {{ {id}: u8 }}")
            }),
            ("method", snake, false, |id| {
                format!("impl S {{ fn {id}(&self) {{ self.{id}(); }} }}")
            }),
            ("parameter", snake, false, |id| {
                format!("fn f({id}: u8) {{ let _ = {id}; }}")
            }),
            ("type", camel, true, |id| {
                format!("struct {id}; type A = {id};")
            }),
            ("variant", camel, true, |id| {
                format!("enum E {{ {id} }} const _: E = E::{id};")
            }),
            ("module", module, false, |id| {
                format!("mod {id} {{}} use self::{id} as _; fn f() {{ crate::{id}::g(); }}")
            }),
        ];
        let mut words: Vec<&str> = KEYWORDS.to_vec();
        words.extend(NOT_RAW);
        for word in words {
            for (kind, make, is_camel, usage) in kinds {
                let mut ns = Namespace::default();
                let first = ns.claim(&make(word));
                let second = ns.claim(&make(word));
                for id in [&first, &second] {
                    let code = usage(id);
                    assert!(
                        syn::parse_file(&code).is_ok(),
                        "{kind} `{word}` -> `{id}` does not parse in `{code}`"
                    );
                    let cased = if *is_camel {
                        is_camel_case(id)
                    } else {
                        is_snake_case(id)
                    };
                    assert!(
                        cased,
                        "{kind} `{word}` -> `{id}` breaks its case convention"
                    );
                }
                if *kind == "module" {
                    assert!(
                        !first.starts_with("r#"),
                        "module `{word}` -> `{first}` is raw"
                    );
                }
            }
        }
        assert_eq!(module("where"), "where_");
        assert_eq!(module("box"), "box_");
        assert_eq!(module("self"), "self_");
        assert_eq!(module("Tasks"), "tasks");
    }

    #[test]
    fn collision_suffixes_keep_the_case_convention() {
        let mut ns = Namespace::default();
        let names = allocate(["self", "Self"], snake, &mut ns);
        assert_eq!(names["self"], "self_");
        assert_eq!(names["Self"], "self_2");
        let mut ns = Namespace::default();
        let names = allocate(["self", "Self"], camel, &mut ns);
        assert_eq!(names["self"], "Self_");
        assert_eq!(names["Self"], "Self2");
        let mut ns = Namespace::with_reserved(["foo_"]);
        assert_eq!(ns.claim("foo_"), "foo_2");
    }

    #[test]
    fn odd_names() {
        assert_eq!(snake("fooBar"), "foo_bar");
        assert_eq!(snake("foo-bar.baz"), "foo_bar_baz");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(camel("2fa"), "V2fa");
        assert_eq!(camel(""), "Empty");
        assert_eq!(camel("a b"), "AB");
        assert_eq!(camel("+1"), "Plus1");
        assert_eq!(camel("-1"), "Minus1");
        assert_eq!(camel("café"), "CafU00e9");
        assert_eq!(camel("task.created"), "TaskCreated");
        assert_eq!(snake("@timestamp"), "timestamp");
        assert_eq!(snake("$ref"), "r#ref");
    }

    #[test]
    fn plural_acronyms_are_one_word() {
        assert_eq!(snake("APIs"), "apis");
        assert_eq!(camel("APIs"), "Apis");
        assert_eq!(snake("listURLs"), "list_urls");
        assert_eq!(snake("userIDsOnly"), "user_ids_only");
        assert_eq!(camel("user_IDs"), "UserIds");
        assert_eq!(snake("CPUs2"), "cpus2");
        // Not a plural acronym: the capital before a word, a word after the `s`, one capital.
        assert_eq!(snake("HTTPSettings"), "http_settings");
        assert_eq!(snake("IPsecTunnel"), "i_psec_tunnel");
        assert_eq!(snake("getAs"), "get_as");
        assert_eq!(snake("OAuth"), "o_auth");
    }

    #[test]
    fn an_acronym_run_into_a_preposition_is_two_words() {
        assert_eq!(
            snake("POST_RSforInvoiceItemAdjustment"),
            "post_rs_for_invoice_item_adjustment"
        );
        assert_eq!(camel("pushTOwith"), "PushToWith");
        assert_eq!(snake("getPDFofReport"), "get_pdf_of_report");
        assert_eq!(snake("SKUto"), "sku_to");
        assert_eq!(snake("getReportBASorGST"), "get_report_bas_or_gst");
        // The run's last capital starts the word: casing splits it right.
        assert_eq!(snake("configureDNSForSite"), "configure_dns_for_site");
        assert_eq!(snake("verifyOTPForTxn"), "verify_otp_for_txn");
        // Not a word after the run, or more after it: casing splits as usual.
        assert_eq!(snake("HTTPSonly"), "http_sonly");
        assert_eq!(snake("ADMINformat"), "admi_nformat");
        assert_eq!(snake("Rfor"), "rfor");
    }

    #[test]
    fn collisions_are_numbered_in_claim_order() {
        let mut ns = Namespace::default();
        let names = allocate(["fooBar", "foo_bar", "FooBar"], snake, &mut ns);
        assert_eq!(names["fooBar"], "foo_bar");
        assert_eq!(names["foo_bar"], "foo_bar_2");
        assert_eq!(names["FooBar"], "foo_bar_3");
        let mut ns = Namespace::with_reserved(["Unknown"]);
        assert_eq!(ns.claim("Unknown"), "Unknown2");
        let mut ns = Namespace::with_reserved(["r#type"]);
        assert_eq!(ns.claim("r#type"), "type_2");
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("tasks"), "task");
        assert_eq!(singular("memories"), "memory");
        assert_eq!(singular("billing"), "billing");
        assert_eq!(singular("addresses"), "address");
    }
}
