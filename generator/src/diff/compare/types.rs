//! Changes of the named types in `crate::types`: structs (fields, constructor, `Default`),
//! enums, unions and aliases, each told with the one resource that uses it, or under Types.

use super::{Changes, Group, Side, pair, unraw};
use crate::diff::surface::{
    EnumSurface, FieldSurface, StructSurface, Surface, TypeShape, TypeSurface, UnionSurface,
};

pub(super) fn types(old: &Surface, new: &Surface, out: &mut Changes) {
    for (name, side) in pair(&old.types, &new.types) {
        let at = format!("types::{}", unraw(name));
        let first = out.0.len();
        match side {
            Side::Added(t) => out.push(
                &Group::Types,
                &at,
                "type_added",
                false,
                format!(
                    "new {} (`{}`); compatible: a new name in `types`",
                    shape_word(&t.kind),
                    t.origin
                ),
            ),
            Side::Removed(t) => out.push(
                &Group::Types,
                &at,
                "type_removed",
                true,
                format!(
                    "{} removed (was `{}`); breaking: code naming it no longer compiles",
                    shape_word(&t.kind),
                    t.origin
                ),
            ),
            Side::Both(a, b) => {
                named_type(&at, a, b, out);
                serde_traits(&at, a, b, out);
            }
        }
        let group = type_group(old.types.get(name), new.types.get(name));
        for change in &mut out.0[first..] {
            change.group = group.clone();
        }
    }
}

/// A type only one resource takes or returns is told with that resource.
fn type_group(old: Option<&TypeSurface>, new: Option<&TypeSurface>) -> Group {
    let users: std::collections::BTreeSet<&String> = [old, new]
        .into_iter()
        .flatten()
        .flat_map(|t| &t.used_by)
        .collect();
    match users.into_iter().collect::<Vec<_>>()[..] {
        [only] => Group::Resource(only.clone()),
        _ => Group::Types,
    }
}

/// A model that requests stop (or start) carrying loses (or gains) `Serialize` by default; one that
/// responses stop carrying, `Deserialize`. The trait stays with the `full-serde` feature.
fn serde_traits(at: &str, a: &TypeSurface, b: &TypeSurface, out: &mut Changes) {
    let (x, y) = (a.serde, b.serde);
    let traits = [
        (
            ["serialize_default_removed", "serialize_default_added"],
            ("Serialize", "requests"),
            (x.serialize, y.serialize),
        ),
        (
            ["deserialize_default_removed", "deserialize_default_added"],
            ("Deserialize", "responses"),
            (x.deserialize, y.deserialize),
        ),
    ];
    for ([removed, added], (name, carriers), sides) in traits {
        match sides {
            (true, false) => out.push(
                &Group::Types,
                at,
                removed,
                true,
                format!(
                    "{carriers} no longer carry it, so it implements `{name}` only with the \
                     `full-serde` feature (on with `mock`); breaking: code that needs `{name}` \
                     without that feature no longer compiles"
                ),
            ),
            (false, true) => out.push(
                &Group::Types,
                at,
                added,
                false,
                format!(
                    "{carriers} carry it now, so it implements `{name}` by default; compatible"
                ),
            ),
            _ => {}
        }
    }
}

fn shape_word(shape: &TypeShape) -> &'static str {
    match shape {
        TypeShape::Struct(_) => "struct",
        TypeShape::Enum(_) => "enum",
        TypeShape::Union(_) => "union",
        TypeShape::Alias(_) => "type alias",
    }
}

fn named_type(at: &str, a: &TypeSurface, b: &TypeSurface, out: &mut Changes) {
    let group = Group::Types;
    match (&a.kind, &b.kind) {
        (TypeShape::Struct(x), TypeShape::Struct(y)) => structure(at, x, y, out),
        (TypeShape::Enum(x), TypeShape::Enum(y)) => enumeration(at, x, y, out),
        (TypeShape::Union(x), TypeShape::Union(y)) => union(at, x, y, out),
        (TypeShape::Alias(x), TypeShape::Alias(y)) => {
            if x != y {
                out.push(
                    &group,
                    at,
                    "alias_changed",
                    true,
                    format!("`{x}` → `{y}`; breaking: the alias names a different type"),
                );
            }
        }
        (x, y) => out.push(
            &group,
            at,
            "type_kind_changed",
            true,
            format!(
                "{} → {}; breaking: code using it as a {} no longer compiles",
                shape_word(x),
                shape_word(y),
                shape_word(x)
            ),
        ),
    }
}

fn structure(at: &str, x: &StructSurface, y: &StructSurface, out: &mut Changes) {
    fields(at, x, y, out);
    constructor(at, x, y, out);
    default(at, x, y, out);
}

/// Whether `new()` of `s` takes the field `name`. Arguments of `new()` are compared where both
/// sides have the constructor (`both_new`); a constructor that appears or goes is one change of
/// its own.
fn in_new(both_new: bool, s: &StructSurface, name: &str) -> bool {
    both_new
        && s.new_args
            .as_ref()
            .is_some_and(|args| args.iter().any(|(n, _)| n == name))
}

fn fields(at: &str, x: &StructSurface, y: &StructSurface, out: &mut Changes) {
    let both_new = x.new_args.is_some() && y.new_args.is_some();
    for (name, side) in pair(&x.fields, &y.fields) {
        let at = format!("{at}.{}", unraw(name));
        match side {
            Side::Added(f) => field_added(&at, name, f, in_new(both_new, y, name), out),
            Side::Removed(f) => field_removed(&at, name, f, in_new(both_new, x, name), out),
            Side::Both(f, g) => {
                let new_arg = (in_new(both_new, x, name), in_new(both_new, y, name));
                let setters = (f.setter.as_deref(), g.setter.as_deref());
                field(&at, name, f, g, new_arg, setters, out);
            }
        }
    }
}

fn field_added(at: &str, name: &str, f: &FieldSurface, new_arg: bool, out: &mut Changes) {
    // The struct is `#[non_exhaustive]`: no caller builds it with a literal or destructures it
    // without `..`, so only an argument of `new()` breaks them.
    let breaking = new_arg;
    let why = if breaking {
        format!("breaking: `new()` gains the argument `{}`", unraw(name))
    } else {
        "compatible: the struct is `#[non_exhaustive]`, built with `new()` or `Default` and setters"
            .to_owned()
    };
    out.push(
        &Group::Types,
        at,
        "field_added",
        breaking,
        format!("new {} field `{}` (`{}`); {why}", presence(f), f.wire, f.ty),
    );
}

fn field_removed(at: &str, name: &str, f: &FieldSurface, new_arg: bool, out: &mut Changes) {
    let mut why = format!(
        "breaking: code reading `.{}` no longer compiles",
        unraw(name)
    );
    if new_arg {
        why.push_str(&format!("; `new()` loses the argument `{}`", unraw(name)));
    }
    out.push(
        &Group::Types,
        at,
        "field_removed",
        true,
        format!(
            "{} field `{}` (`{}`) removed; {why}",
            presence(f),
            f.wire,
            f.ty
        ),
    );
}

/// `new()` and the setters appearing or going, and the arguments of `new()` changing order.
fn constructor(at: &str, x: &StructSurface, y: &StructSurface, out: &mut Changes) {
    let group = Group::Types;
    let gained = x.new_args.is_none() && y.new_args.is_some();
    let lost = x.new_args.is_some() && y.new_args.is_none();
    let builds = "`new()` with its required fields";
    if gained {
        out.push(
            &group,
            at,
            "constructor_added",
            false,
            format!("gains {builds}; compatible"),
        );
    }
    if lost {
        out.push(
            &group,
            at,
            "constructor_removed",
            true,
            format!("loses {}; breaking: calls to it no longer compile", builds),
        );
    }
    if let (Some(a), Some(b)) = (&x.new_args, &y.new_args) {
        let order = |v: &[(String, String)]| -> Vec<String> {
            v.iter().map(|(n, _)| unraw(n).to_owned()).collect()
        };
        let (oa, ob) = (order(a), order(b));
        let mut sorted_a = oa.clone();
        let mut sorted_b = ob.clone();
        sorted_a.sort();
        sorted_b.sort();
        // Arguments added or removed are told with their fields; here only a new order.
        if oa != ob && sorted_a == sorted_b {
            out.push(
                &group,
                at,
                "constructor_changed",
                true,
                format!(
                    "`new({})` → `new({})`; breaking: the arguments change order",
                    oa.join(", "),
                    ob.join(", ")
                ),
            );
        }
    }
}

fn default(at: &str, x: &StructSurface, y: &StructSurface, out: &mut Changes) {
    if x.default == y.default {
        return;
    }
    let (kind, breaking, detail) = if y.default {
        (
            "default_added",
            false,
            "now implements `Default`; compatible",
        )
    } else {
        (
            "default_removed",
            true,
            "no longer implements `Default`; breaking: `Default::default()` and \
             `..Default::default()` no longer compile",
        )
    };
    out.push(&Group::Types, at, kind, breaking, detail.to_owned());
}

fn presence(f: &FieldSurface) -> &'static str {
    match (f.required, f.nullable) {
        (true, false) => "required",
        (true, true) => "required, nullable",
        (false, false) => "optional",
        (false, true) => "optional, nullable",
    }
}
fn field(
    at: &str,
    name: &str,
    f: &FieldSurface,
    g: &FieldSurface,
    new_arg: (bool, bool),
    setters: (Option<&str>, Option<&str>),
    out: &mut Changes,
) {
    let group = Group::Types;
    if f.wire != g.wire {
        out.push(
            &group,
            at,
            "field_wire_name_changed",
            false,
            format!(
                "sent and read as `{}` → `{}`; compatible: the Rust field keeps its name",
                f.wire, g.wire
            ),
        );
    }
    let n = unraw(name);
    let arg = constructor_argument(new_arg, n);
    let setter = setter_change(setters, unraw(&g.setter_name));
    let presence_changed = f.required != g.required || f.nullable != g.nullable;
    if presence_changed || f.ty != g.ty {
        // One change for the field, with every way it breaks callers.
        let mut why = Vec::new();
        if f.ty != g.ty {
            why.push(format!(
                "the field's type changes from `{}` to `{}`",
                f.ty, g.ty
            ));
        }
        why.extend(arg.map(|(_, w)| w));
        why.extend(setter.filter(|(_, b, _)| *b).map(|(_, _, w)| w));
        let breaking = !why.is_empty();
        let why = if breaking {
            format!("breaking: {}", why.join("; "))
        } else {
            format!("compatible: the Rust type stays `{}`", g.ty)
        };
        let (kind, what) = if presence_changed {
            (
                "field_presence_changed",
                format!("{} → {}", presence(f), presence(g)),
            )
        } else {
            ("field_type_changed", format!("`{}` → `{}`", f.ty, g.ty))
        };
        out.push(&group, at, kind, breaking, format!("{what}; {why}"));
        return;
    }
    if let Some((kind, why)) = arg {
        out.push(&group, at, kind, true, format!("breaking: {why}"));
    }
    if let Some((kind, breaking, why)) = setter {
        let verdict = if breaking { "breaking" } else { "compatible" };
        out.push(&group, at, kind, breaking, format!("{why}; {verdict}"));
    }
}

/// The field `n` becoming or ceasing to be an argument of `new()`: the kind and why it breaks.
fn constructor_argument(
    (was_arg, is_arg): (bool, bool),
    n: &str,
) -> Option<(&'static str, String)> {
    match (was_arg, is_arg) {
        (false, true) => Some((
            "constructor_argument_added",
            format!("`new()` gains the argument `{n}`"),
        )),
        (true, false) => Some((
            "constructor_argument_removed",
            format!("`new()` loses the argument `{n}`"),
        )),
        _ => None,
    }
}

/// The setter of the field `n` (its argument type on each side): the kind, whether it breaks
/// callers, and what happens.
fn setter_change(
    setters: (Option<&str>, Option<&str>),
    n: &str,
) -> Option<(&'static str, bool, String)> {
    match setters {
        (Some(_), None) => Some((
            "field_setter_removed",
            true,
            format!("the setter `.{n}(…)` is gone"),
        )),
        (None, Some(_)) => Some((
            "field_setter_added",
            false,
            format!("gains the setter `.{n}(…)`"),
        )),
        (Some(a), Some(b)) if a != b => Some((
            "field_setter_changed",
            true,
            format!("the setter takes `{b}` instead of `{a}`"),
        )),
        _ => None,
    }
}

fn enumeration(at: &str, x: &EnumSurface, y: &EnumSurface, out: &mut Changes) {
    let group = Group::Types;
    if x.integer != y.integer {
        let word = |i: bool| if i { "integer" } else { "string" };
        out.push(
            &group,
            at,
            "enum_repr_changed",
            true,
            format!(
                "{} values → {} values; breaking: the catch-all variant and conversions change type",
                word(x.integer),
                word(y.integer)
            ),
        );
    }
    for (variant, side) in pair(&x.values, &y.values) {
        let at = format!("{at}::{}", unraw(variant));
        match side {
            Side::Added(wire) => {
                let why = if y.exhaustive {
                    format!(
                        "breaking: a `match` that names every variant no longer compiles (the \
                         enum is not `#[non_exhaustive]`); older releases read `{wire}` as the \
                         catch-all variant"
                    )
                } else {
                    "compatible: the enum is `#[non_exhaustive]`".to_owned()
                };
                out.push(
                    &group,
                    &at,
                    "enum_value_added",
                    y.exhaustive,
                    format!("new value `{wire}`; {why}"),
                );
            }
            Side::Removed(wire) => out.push(
                &group,
                &at,
                "enum_value_removed",
                true,
                format!(
                    "value `{wire}` removed; breaking: code naming `{}` no longer compiles",
                    unraw(variant)
                ),
            ),
            Side::Both(a, b) if a != b => out.push(
                &group,
                &at,
                "enum_value_wire_changed",
                false,
                format!("sent and read as `{a}` → `{b}`; compatible: the variant keeps its name"),
            ),
            Side::Both(..) => {}
        }
    }
}

fn union(at: &str, x: &UnionSurface, y: &UnionSurface, out: &mut Changes) {
    let group = Group::Types;
    if x.discriminator != y.discriminator {
        let word = |d: &Option<String>| match d {
            Some(p) => format!("tagged by `{p}`"),
            None => "untagged".to_owned(),
        };
        out.push(
            &group,
            at,
            "union_discriminator_changed",
            false,
            format!(
                "{} → {}; compatible where the variants stay: values are told apart another way",
                word(&x.discriminator),
                word(&y.discriminator)
            ),
        );
    }
    for (name, side) in pair(&x.variants, &y.variants) {
        let vat = format!("{at}::{}", unraw(name));
        match side {
            Side::Added((ty, _)) => {
                let why = if y.exhaustive {
                    "breaking: a `match` that names every variant no longer compiles (the enum \
                     is not `#[non_exhaustive]`)"
                } else {
                    "compatible: the enum is `#[non_exhaustive]`"
                };
                out.push(
                    &group,
                    &vat,
                    "union_variant_added",
                    y.exhaustive,
                    format!("new variant of `{ty}`; {why}"),
                );
            }
            Side::Removed((ty, _)) => out.push(
                &group,
                &vat,
                "union_variant_removed",
                true,
                format!("variant of `{ty}` removed; breaking: code naming it no longer compiles"),
            ),
            Side::Both((ta, tags_a), (tb, tags_b)) => {
                if ta != tb {
                    out.push(
                        &group,
                        &vat,
                        "union_variant_type_changed",
                        true,
                        format!("`{ta}` → `{tb}`; breaking: the variant holds a different type"),
                    );
                }
                if tags_a != tags_b {
                    out.push(
                        &group,
                        &vat,
                        "union_tags_changed",
                        false,
                        format!(
                            "chosen by `{}` → `{}`; compatible: the SDK reads the new tags",
                            tags_a.join("`, `"),
                            tags_b.join("`, `")
                        ),
                    );
                }
            }
        }
    }
}
