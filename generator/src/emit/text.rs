//! Rust source written straight as text, laid out line by line the way prettyplease lays out the
//! same items, so that an emitter can skip the round trip through tokens, syn's tree and the
//! printer (about two thirds of a generation's time when every item takes it).
//!
//! The layouts are the few shapes the text emitters write: doc comments, attributes (`#[a(b, c(d))]`,
//! flat when the line fits, else one argument per line, nested lists likewise), comma lists in
//! parentheses or brackets (signatures, arrays), and struct literals (flat up to prettyplease's
//! width for them). A line that ends up wider than the margin, or a shape the emitter does not lay
//! out itself, marks the text unsure: the caller then has prettyplease format that item, so the
//! output is prettyplease's either way. `emit::tests` checks, over real specs, that text not
//! marked unsure is what prettyplease prints for it.

/// The column prettyplease keeps lines within.
const MARGIN: usize = 89;
/// The widest struct literal prettyplease keeps on one line (`Self { a, b }`).
const STRUCT_LITERAL_WIDTH: usize = 35;

/// Lines of Rust at an indentation depth.
#[derive(Debug, Default)]
pub(crate) struct Text {
    out: String,
    depth: usize,
    unsure: bool,
}

/// An attribute's content: a word or `name = "value"`, or a name with a parenthesized list.
pub(crate) enum Meta {
    /// Printed as it is.
    Word(String),
    /// `name(items, …)`.
    List(&'static str, Vec<Meta>),
}

impl Meta {
    /// `feature = "name"`.
    pub fn feature(name: &str) -> Meta {
        Meta::Word(format!("feature = {}", literal(name)))
    }

    /// The `#[cfg]` of code that any of `features` turns on (none when `features` is empty).
    pub fn cfg_any(features: &[String]) -> Option<Meta> {
        match features {
            [] => None,
            [one] => Some(Meta::List("cfg", vec![Meta::feature(one)])),
            many => Some(Meta::List(
                "cfg",
                vec![Meta::List(
                    "any",
                    many.iter().map(|f| Meta::feature(f)).collect(),
                )],
            )),
        }
    }

    fn flat(&self, out: &mut String) {
        match self {
            Meta::Word(word) => out.push_str(word),
            Meta::List(name, items) => {
                out.push_str(name);
                out.push('(');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.flat(out);
                }
                out.push(')');
            }
        }
    }
}

/// A string literal as Rust source spells it (as `quote!` would).
pub(crate) fn literal(value: &str) -> String {
    proc_macro2::Literal::string(value).to_string()
}

impl Text {
    /// The text, and whether a line of it needs prettyplease's layout.
    pub fn finish(self) -> (String, bool) {
        (self.out, self.unsure)
    }

    /// Marks the text as needing prettyplease's layout.
    pub fn unsure(&mut self) {
        self.unsure = true;
    }

    fn indent(&self) -> usize {
        self.depth * 4
    }

    /// Whether `width` more columns fit on a line at the current depth.
    fn fits(&self, width: usize) -> bool {
        self.indent() + width <= MARGIN
    }

    /// One line at the current depth.
    pub fn line(&mut self, line: &str) {
        if !self.fits(line.len()) {
            self.unsure = true;
        }
        self.push_indent();
        self.out.push_str(line);
        self.out.push('\n');
    }

    /// A line prettyplease has no place to break (a path, a literal), however wide it is.
    pub fn unbreakable(&mut self, line: &str) {
        self.push_indent();
        self.out.push_str(line);
        self.out.push('\n');
    }

    /// `head for ty {`, an impl's first line: `for ty {` goes on a line of its own where the
    /// whole is wider than the margin. Opens the impl's block.
    pub fn impl_for(&mut self, head: &str, ty: &str) {
        let flat = format!("{head} for {ty} {{");
        if self.fits(flat.len()) {
            self.line(&flat);
        } else {
            self.unbreakable(head);
            self.line(&format!("for {ty} {{"));
        }
        self.depth += 1;
    }

    /// `prefix ty suffix`, where `ty` is a type: where the line is too wide, the arguments of its
    /// outermost generic go on lines of their own (nested ones likewise); a type with none stays
    /// whole. `comma` adds the trailing comma of a list's last item, which prettyplease does not
    /// count against the margin.
    pub fn typed(&mut self, prefix: &str, ty: &str, suffix: &str, comma: bool) {
        let comma = if comma { "," } else { "" };
        let flat = format!("{prefix}{ty}{suffix}{comma}");
        let Some((head, args)) = generic_args(ty) else {
            return self.unbreakable(&flat);
        };
        if self.fits(prefix.len() + ty.len() + suffix.len()) {
            return self.unbreakable(&flat);
        }
        self.open(&format!("{prefix}{head}<"));
        for (i, arg) in args.iter().enumerate() {
            self.list_item(arg, i + 1 == args.len());
        }
        self.close(&format!(">{suffix}{comma}"));
    }

    /// One item of a broken list, with its comma (the last one's not counted against the
    /// margin): a literal stays whole, a type or `name: Type` breaks as [`Text::typed`] does.
    fn list_item(&mut self, item: &str, last: bool) {
        let suffix = if last { "" } else { "," };
        if item.starts_with('"') {
            self.unbreakable(&format!("{item},"));
        } else if let Some((name, ty)) = item.split_once(": ") {
            self.typed(&format!("{name}: "), ty, suffix, last);
        } else if item.contains('<') {
            self.typed("", item, suffix, last);
        } else {
            self.line(&format!("{item},"));
        }
    }

    /// One field of a broken struct literal, with its comma (the last one's not counted against
    /// the margin): `name: receiver.call(args)?` that is too wide breaks before `.call`, and then,
    /// if still too wide, between the call's arguments.
    fn field_line(&mut self, field: &str, last: bool) {
        let counted = if last { 0 } else { 1 };
        let line = format!("{field},");
        if self.fits(field.len() + counted) {
            return self.unbreakable(&line);
        }
        let Some((first, call)) = field.split_once(": ").and_then(|(name, value)| {
            let (receiver, call) = value.split_once('.')?;
            let simple = receiver
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '#');
            simple.then(|| (format!("{name}: {receiver}"), call))
        }) else {
            return self.line(&line);
        };
        // A name and a plain receiver have no place to break.
        self.unbreakable(&first);
        self.depth += 1;
        match call_args(call) {
            Some((method, args, after)) if !self.fits(call.len() + 1 + counted) => {
                self.list(&format!(".{method}("), &args, ")", &format!("{after},"));
            }
            _ => self.unbreakable(&format!(".{call},")),
        }
        self.depth -= 1;
    }

    /// One more level of depth, after a line written without [`Text::open`].
    pub fn indent_in(&mut self) {
        self.depth += 1;
    }

    fn push_indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
    }

    /// A line that opens a block: what follows is one level deeper.
    pub fn open(&mut self, line: &str) {
        self.line(line);
        self.depth += 1;
    }

    /// A line that closes a block, one level shallower.
    pub fn close(&mut self, line: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.line(line);
    }

    /// `///` lines for spec text, sanitised as `docs::doc_attrs` does.
    pub fn docs(&mut self, text: Option<&str>) {
        if let Some(text) = text {
            for line in super::docs::sanitize(text) {
                self.doc(&line);
            }
        }
    }

    /// A line that closes a block and opens the next (`} else {`, `) -> T {`).
    pub fn reopen(&mut self, line: &str) {
        self.close(line);
        self.depth += 1;
    }

    /// One `///` line of doc text (never wrapped, as prettyplease prints doc attributes).
    pub fn doc(&mut self, line: &str) {
        if line.contains(['\n', '\r']) {
            return self.doc_value(&format!(" {line}"));
        }
        // As `doc_value(" {line}")`, without building the value: it never starts with `/`.
        self.push_indent();
        self.out.push_str("///");
        let line = line.trim_end_matches(' ');
        if !line.is_empty() {
            self.out.push(' ');
            self.out.push_str(line);
        }
        self.out.push('\n');
    }

    /// The doc attribute `#[doc = value]`, as prettyplease prints it: `///` and the value (its
    /// trailing spaces trimmed) where that reads back as the same attribute.
    pub fn doc_value(&mut self, value: &str) {
        if value.contains(['\n', '\r']) || value.starts_with('/') {
            // prettyplease picks a block comment or keeps the attribute.
            self.unsure = true;
            self.line(&format!("#[doc = {}]", literal(value)));
            return;
        }
        self.push_indent();
        self.out.push_str("///");
        self.out.push_str(value.trim_end_matches(' '));
        self.out.push('\n');
    }

    /// `#[meta]`: on one line if it fits, else each list's items on lines of their own.
    pub fn attr(&mut self, meta: &Meta) {
        let mut flat = String::from("#[");
        meta.flat(&mut flat);
        flat.push(']');
        if self.fits(flat.len()) {
            return self.line(&flat);
        }
        self.broken_meta("#[", meta, "]");
    }

    fn broken_meta(&mut self, before: &str, meta: &Meta, after: &str) {
        let Meta::List(name, items) = meta else {
            let mut flat = before.to_owned();
            meta.flat(&mut flat);
            flat.push_str(after);
            return self.line(&flat);
        };
        self.open(&format!("{before}{name}("));
        for (i, item) in items.iter().enumerate() {
            let comma = if i + 1 < items.len() { "," } else { "" };
            let mut flat = String::new();
            item.flat(&mut flat);
            flat.push_str(comma);
            if self.fits(flat.len()) {
                self.line(&flat);
            } else {
                self.broken_meta("", item, comma);
            }
        }
        self.close(&format!("){after}"));
    }

    /// `head(items…)tail`, as prettyplease prints a signature or an array: on one line if it fits,
    /// else one item a line, each with a trailing comma. `tail` opens a block when it ends with
    /// `{`.
    pub fn list(&mut self, head: &str, items: &[String], close: &str, tail: &str) {
        let mut flat = String::from(head);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                flat.push_str(", ");
            }
            flat.push_str(item);
        }
        flat.push_str(close);
        flat.push_str(tail);
        let opens = tail.ends_with('{');
        if self.fits(flat.len()) || items.is_empty() {
            self.line(&flat);
        } else {
            self.open(head);
            for (i, item) in items.iter().enumerate() {
                self.list_item(item, i + 1 == items.len());
            }
            self.close(&format!("{close}{tail}"));
        }
        if opens {
            self.depth += 1;
        }
    }

    /// `before Path { fields }after`: flat when the literal is narrow and the line fits, else a
    /// field a line. Fields are `name` or `name: value`.
    pub fn struct_literal(&mut self, before: &str, path: &str, fields: &[String], after: &str) {
        let mut literal = format!("{path} {{");
        for (i, field) in fields.iter().enumerate() {
            literal.push_str(if i == 0 { " " } else { ", " });
            literal.push_str(field);
        }
        literal.push_str(if fields.is_empty() { "}" } else { " }" });
        if fields.is_empty() {
            // prettyplease's spacing of an empty literal is left to it.
            self.unsure = true;
        }
        let flat_line = literal.len() + before.len() + after.len();
        if fields.is_empty() || (literal.len() <= STRUCT_LITERAL_WIDTH && self.fits(flat_line)) {
            return self.line(&format!("{before}{literal}{after}"));
        }
        self.open(&format!("{before}{path} {{"));
        for (i, field) in fields.iter().enumerate() {
            self.field_line(field, i + 1 == fields.len());
        }
        self.close(&format!("}}{after}"));
    }
}

/// The path before a type's first `<` and its generic arguments, split at the top-level commas
/// (`BTreeMap<String, Vec<X>>` is `BTreeMap` and `String`, `Vec<X>`); `None` for a type without
/// arguments, or one with more after its closing `>`.
fn generic_args(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty[open + 1..].strip_suffix('>')?;
    let mut args = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => {
                args.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    (depth == 0).then_some(())?;
    args.push(inner[start..].trim());
    Some((&ty[..open], args))
}

/// `method(args)after` split into the method, its arguments (split at the top-level commas, outside
/// string literals) and what follows the call; `None` where the call is not of that shape.
fn call_args(call: &str) -> Option<(&str, Vec<String>, &str)> {
    let open = call.find('(')?;
    let (method, rest) = (&call[..open], &call[open + 1..]);
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let (mut args, mut start) = (Vec::new(), 0);
    for (i, c) in rest.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '<' => depth += 1,
            ')' if depth == 0 => {
                args.push(rest[start..i].trim().to_owned());
                let after = &rest[i + 1..];
                return (!after.contains(['(', ')', '.'])).then_some((method, args, after));
            }
            ')' | ']' | '>' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => {
                args.push(rest[start..i].trim().to_owned());
                start = i + 1;
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{Meta, Text};

    /// Whether prettyplease prints `text` as it is; `text` not marked unsure must be.
    fn agrees(text: Text) -> bool {
        let (text, unsure) = text.finish();
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
        let printed = prettyplease::unparse(&file);
        assert!(
            unsure || printed == text,
            "prettyplease prints\n{printed}\nnot\n{text}"
        );
        !unsure && printed == text
    }

    /// Runs `write` with a name of every width in `widths`, checking each text, and asserts that
    /// the texts not marked unsure took at least two layouts (a flat one and a broken one).
    fn sweep(widths: std::ops::Range<usize>, write: impl Fn(&mut Text, &str)) {
        let mut layouts = std::collections::BTreeSet::new();
        for width in widths {
            let name = "n".repeat(width);
            let mut text = Text::default();
            write(&mut text, &name);
            let lines = text.out.lines().count();
            if agrees(text) {
                layouts.insert(lines);
            }
        }
        assert!(
            layouts.len() >= 2,
            "the sure texts took only {layouts:?} lines"
        );
    }

    #[test]
    fn attributes_break_where_prettyplease_breaks_them() {
        sweep(1..70, |text, name| {
            text.open("pub struct S {");
            text.attr(&Meta::List(
                "cfg_attr",
                vec![
                    Meta::feature("full-serde"),
                    Meta::List(
                        "serde",
                        vec![
                            Meta::Word(format!("rename = \"{name}\"")),
                            Meta::Word("default".to_owned()),
                        ],
                    ),
                ],
            ));
            text.line("pub f: u8,");
            text.close("}");
        });
        sweep(1..40, |text, name| {
            let features = (0..3)
                .map(|i| Meta::feature(&format!("{name}{i}")))
                .collect();
            text.attr(&Meta::List("cfg", vec![Meta::List("any", features)]));
            text.line("pub struct S;");
        });
    }

    #[test]
    fn lists_break_where_prettyplease_breaks_them() {
        sweep(1..60, |text, name| {
            text.open("impl S {");
            let args = [format!("{name}: u8"), "b: impl Into<String>".to_owned()];
            text.list("pub fn new(", &args, ")", " -> Self {");
            text.line("todo!()");
            text.close("}");
            text.close("}");
        });
        sweep(1..60, |text, name| {
            text.open("impl S {");
            let items = [format!("\"{name}\""), "\"b\"".to_owned()];
            text.list(
                "const FIELDS: &'static [&'static str] = &[",
                &items,
                "]",
                ";",
            );
            text.close("}");
        });
    }

    #[test]
    fn types_break_where_prettyplease_breaks_them() {
        sweep(1..70, |text, name| {
            text.open("pub struct S {");
            let ty = format!("Option<::std::collections::BTreeMap<String, Vec<{name}>>>");
            text.typed("pub field: ", &ty, ",", false);
            text.close("}");
        });
        sweep(1..70, |text, name| {
            text.open("impl S {");
            let args = ["mut self".to_owned(), format!("value: Option<Vec<{name}>>")];
            text.list("pub fn f(", &args, ")", " -> Self {");
            text.line("self");
            text.close("}");
            text.close("}");
        });
    }

    #[test]
    fn struct_literals_break_where_prettyplease_breaks_them() {
        sweep(1..30, |text, name| {
            text.open("fn f() -> Result<S, E> {");
            let fields = [name.to_owned(), "b: c.d()?".to_owned()];
            text.struct_literal("Ok(", "Self", &fields, ")");
            text.close("}");
        });
        sweep(20..80, |text, name| {
            text.open("fn f() -> Result<S, E> {");
            let fields = [
                format!("{name}: map.required({name}, \"{name}\")?"),
                "b".to_owned(),
            ];
            text.struct_literal("Ok(", "Self", &fields, ")");
            text.close("}");
        });
        sweep(1..30, |text, name| {
            text.open("fn f() -> S {");
            text.struct_literal("", "Self", &[name.to_owned(), "b".to_owned()], "");
            text.close("}");
        });
    }

    #[test]
    fn doc_values_prettyplease_would_not_print_as_lines_are_unsure() {
        for value in [
            " a line",
            "",
            "  indented  ",
            "/ slash",
            " two\nlines",
            " a \r",
        ] {
            let mut text = Text::default();
            text.doc_value(value);
            text.line("pub struct S;");
            let sure = !text.unsure;
            assert_eq!(agrees(text), sure, "{value:?}");
        }
    }
}
