//! Doc comments from spec text. Whatever a spec says, the result must not break the build or
//! `cargo doc`: code fences become `text` blocks (nothing from a spec runs as a doctest), indented
//! blocks are flattened, bare URLs are wrapped in `<…>`, brackets and stray HTML are escaped.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` attributes, one per line, for `text` (sanitised).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return TokenStream::new();
    };
    let lines = sanitize(text);
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#attrs)* }
}

/// `#[doc]` attributes for lines the generator wrote (not spec text, so kept as they are), after
/// a blank line that parts them from the docs before.
pub fn doc_lines(lines: &[String]) -> TokenStream {
    if lines.is_empty() {
        return TokenStream::new();
    }
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #[doc = ""] #(#attrs)* }
}

/// `#[doc]` attributes for several paragraphs (skipping empty ones).
pub fn doc_paragraphs(parts: &[Option<String>]) -> TokenStream {
    let joined: Vec<&str> = parts
        .iter()
        .filter_map(|p| p.as_deref())
        .filter(|p| !p.trim().is_empty())
        .collect();
    if joined.is_empty() {
        return TokenStream::new();
    }
    doc_attrs(Some(&joined.join("\n\n")))
}

/// Sanitises spec text into doc lines.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    let mut list_indent: Option<usize> = None;
    for raw_line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let trimmed = raw_line.trim_start();
        let fence_marker = if trimmed.starts_with("```") {
            Some("```")
        } else if trimmed.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        if let Some(marker) = fence_marker {
            match &fence {
                None => {
                    fence = Some(marker.to_owned());
                    out.push(format!("{marker}text"));
                }
                Some(open) if open == marker => {
                    fence = None;
                    out.push(marker.to_owned());
                }
                Some(_) => out.push(trimmed.to_owned()),
            }
            continue;
        }
        if fence.is_some() {
            out.push(raw_line.trim_end().to_owned());
            continue;
        }
        // Indentation is dropped (an indented block would be a doctest), except that the lines
        // that continue a list item are indented under it, as Markdown (and clippy) expect.
        let line = trimmed.trim_end();
        if line.is_empty() {
            list_indent = None;
            out.push(String::new());
        } else if let Some(width) = list_marker_width(line) {
            list_indent = Some(width);
            out.push(escape_line(line));
        } else if let Some(width) = list_indent {
            out.push(format!("{}{}", " ".repeat(width), escape_line(line)));
        } else {
            out.push(escape_line(line));
        }
    }
    if let Some(open) = fence {
        out.push(open);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.trim().is_empty()) {
        out.remove(0);
    }
    out
}

/// Where a list item's content starts (`- `, `*   `, `12. `, `3) `), if `line` starts one.
fn list_marker_width(line: &str) -> Option<usize> {
    let marker = if line.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        let rest = &line[digits..];
        if digits == 0 || digits >= 10 || !rest.starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    // The content starts after the spaces that follow the marker (one to four of them).
    let spaces = line[marker..].chars().take_while(|c| *c == ' ').count();
    (1..=4).contains(&spaces).then_some(marker + spaces)
}

/// Escapes one prose line: brackets that are not links, `<`/`>` that are not autolinks, bare URLs.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        // Bare URL → autolink.
        if (c == 'h') && (starts_with(&chars, i, "http://") || starts_with(&chars, i, "https://")) {
            let prev = if i > 0 { chars[i - 1] } else { ' ' };
            let end = url_end(&chars, i);
            let url: String = chars[i..end].iter().collect();
            if prev == '(' || prev == '<' || prev == '"' || prev == '\'' || prev == '=' {
                out.push_str(&url);
            } else {
                out.push('<');
                out.push_str(&url);
                out.push('>');
            }
            i = end;
            continue;
        }
        match c {
            '[' => {
                // Keep Markdown links `[text](url)`; escape everything else.
                if let Some(close) = chars[i..].iter().position(|&x| x == ']').map(|p| p + i) {
                    if chars.get(close + 1) == Some(&'(') {
                        out.push('[');
                        i += 1;
                        continue;
                    }
                }
                out.push_str("\\[");
            }
            ']' => {
                if chars.get(i + 1) == Some(&'(') {
                    out.push(']');
                } else {
                    out.push_str("\\]");
                }
            }
            '<' => {
                if starts_with(&chars, i + 1, "http://") || starts_with(&chars, i + 1, "https://") {
                    let end = chars[i..].iter().position(|&x| x == '>').map(|p| p + i);
                    if let Some(end) = end {
                        let s: String = chars[i..=end].iter().collect();
                        out.push_str(&s);
                        i = end + 1;
                        continue;
                    }
                }
                out.push_str("&lt;");
            }
            '>' => out.push_str("&gt;"),
            '\t' => out.push(' '),
            _ => out.push(c),
        }
        i += 1;
    }
    if in_code {
        out.push('`');
    }
    out
}

fn starts_with(chars: &[char], at: usize, prefix: &str) -> bool {
    prefix
        .chars()
        .enumerate()
        .all(|(k, p)| chars.get(at + k) == Some(&p))
}

fn url_end(chars: &[char], start: usize) -> usize {
    let mut end = start;
    while end < chars.len()
        && !chars[end].is_whitespace()
        && !matches!(chars[end], '<' | '>' | '"' | '`' | ')' | ']')
    {
        end += 1;
    }
    while end > start && matches!(chars[end - 1], '.' | ',' | ';' | ':' | '!' | '?' | '\'') {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn fences_never_become_doctests() {
        let lines = sanitize("Example:\n```\nlet x = 1;\n```\n```python\nprint(1)\n```");
        assert_eq!(
            lines,
            [
                "Example:",
                "```text",
                "let x = 1;",
                "```",
                "```text",
                "print(1)",
                "```"
            ]
        );
        assert_eq!(sanitize("```\nopen"), ["```text", "open", "```"]);
    }

    #[test]
    fn list_items_keep_their_continuation_lines() {
        assert_eq!(
            sanitize("- first item\nwraps here\n\nafter\n12. twelve\n    more"),
            [
                "- first item",
                "  wraps here",
                "",
                "after",
                "12. twelve",
                "    more"
            ]
        );
    }

    #[test]
    fn indented_blocks_are_flattened() {
        assert_eq!(sanitize("a\n\n    code()"), ["a", "", "code()"]);
    }

    #[test]
    fn urls_brackets_and_html() {
        assert_eq!(sanitize("See https://x.io/a."), ["See <https://x.io/a>."]);
        assert_eq!(sanitize("[docs](https://x.io)"), ["[docs](https://x.io)"]);
        assert_eq!(sanitize("a [b] c"), ["a \\[b\\] c"]);
        assert_eq!(sanitize("<b>x</b> */ \\d"), ["&lt;b&gt;x&lt;/b&gt; */ \\d"]);
        assert_eq!(sanitize("`Vec<T>` and [x]"), ["`Vec<T>` and \\[x\\]"]);
        assert_eq!(sanitize("<https://a.b>"), ["<https://a.b>"]);
    }
}
