//! Finds recursive types and boxes the fields that close a cycle, so every type has a finite size.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Diagnostic, DiagnosticKind, TypeDef, TypeKind, TypeRef};

/// The named type a field holds inline (directly or through `Option`), if any.
fn inline_target(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) => Some(n),
        TypeRef::Option(inner) => inline_target(inner),
        _ => None,
    }
}

/// Every named type mentioned anywhere in `ty` (also behind `Vec`/`Map`).
fn mentioned<'a>(ty: &'a TypeRef, out: &mut Vec<&'a str>) {
    match ty {
        TypeRef::Named(n) => out.push(n),
        TypeRef::Option(inner) | TypeRef::Vec(inner) | TypeRef::Map(inner) => mentioned(inner, out),
        _ => {}
    }
}

/// Boxes fields and union variants that hold a type of their own strongly connected component
/// inline, and turns aliases that refer to themselves into JSON values (reported).
pub fn box_cycles(defs: &mut BTreeMap<String, TypeDef>, diagnostics: &mut Vec<Diagnostic>) {
    for name in alias_cycles(defs) {
        let Some(def) = defs.get_mut(&name) else {
            continue;
        };
        diagnostics.push(Diagnostic::new(
            DiagnosticKind::LossyType,
            def.origin.clone(),
            "type refers to itself with no object in between; represented as a JSON value",
        ));
        def.kind = TypeKind::Alias(TypeRef::Json);
    }
    // Decide first (reading), then apply (writing).
    let boxed = members_to_box(defs);
    for (name, def) in defs.iter_mut() {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for (i, field) in s.fields.iter_mut().enumerate() {
                    field.boxed = boxed.contains(&(name.clone(), i));
                }
            }
            TypeKind::Union(u) => {
                for (i, variant) in u.variants.iter_mut().enumerate() {
                    variant.boxed = boxed.contains(&(name.clone(), i));
                }
            }
            _ => {}
        }
    }
}

/// Aliases that loop through themselves: they cannot be expressed as `type` items.
fn alias_cycles(defs: &BTreeMap<String, TypeDef>) -> BTreeSet<String> {
    let mut cycles = BTreeSet::new();
    for (name, def) in defs.iter() {
        if !matches!(def.kind, TypeKind::Alias(_)) {
            continue;
        }
        let mut seen = BTreeSet::new();
        let mut stack = vec![name.as_str()];
        while let Some(current) = stack.pop() {
            let Some(TypeKind::Alias(ty)) = defs.get(current).map(|d| &d.kind) else {
                continue;
            };
            let mut names = Vec::new();
            mentioned(ty, &mut names);
            for n in names {
                if n == name {
                    cycles.insert(name.clone());
                } else if seen.insert(n) {
                    stack.push(n);
                }
            }
        }
    }
    cycles
}

/// The (type, member index) pairs whose member holds, inline, a type of the same strongly
/// connected component (aliases seen through).
fn members_to_box(defs: &BTreeMap<String, TypeDef>) -> BTreeSet<(String, usize)> {
    let resolve = |name: &str| -> Option<String> {
        let mut current = name.to_owned();
        for _ in 0..16 {
            match defs.get(&current).map(|d| &d.kind) {
                Some(TypeKind::Alias(ty)) => current = inline_target(ty)?.to_owned(),
                Some(_) => return Some(current),
                None => return None,
            }
        }
        None
    };
    let members = |def: &TypeDef| -> Vec<TypeRef> {
        match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| f.ty.clone()).collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| v.ty.clone()).collect(),
            _ => Vec::new(),
        }
    };
    let mut edges: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, def) in defs.iter() {
        let targets = members(def)
            .iter()
            .filter_map(inline_target)
            .filter_map(&resolve)
            .collect();
        edges.insert(name, targets);
    }
    let component: BTreeMap<String, usize> = tarjan(&edges)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let mut boxed = BTreeSet::new();
    for (name, def) in defs.iter() {
        let Some(own) = component.get(name) else {
            continue;
        };
        for (i, ty) in members(def).iter().enumerate() {
            let target = inline_target(ty).and_then(&resolve);
            if target.is_some_and(|t| component.get(&t) == Some(own)) {
                boxed.insert((name.clone(), i));
            }
        }
    }
    boxed
}

/// Tarjan's strongly connected components; returns node → component id for nodes on a cycle
/// (a component of two or more nodes, or one node with an edge to itself).
fn tarjan<'a>(edges: &BTreeMap<&'a str, Vec<String>>) -> BTreeMap<&'a str, usize> {
    struct State<'a> {
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        on_stack: BTreeSet<&'a str>,
        stack: Vec<&'a str>,
        next: usize,
        result: BTreeMap<&'a str, usize>,
        components: usize,
    }
    let mut st = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on_stack: BTreeSet::new(),
        stack: Vec::new(),
        next: 0,
        result: BTreeMap::new(),
        components: 0,
    };
    // Iterative DFS to stay safe on deep graphs.
    for &root in edges.keys() {
        if st.index.contains_key(root) {
            continue;
        }
        let mut work: Vec<(&'a str, usize)> = vec![(root, 0)];
        while let Some((node, child_i)) = work.pop() {
            if child_i == 0 {
                st.index.insert(node, st.next);
                st.low.insert(node, st.next);
                st.next += 1;
                st.stack.push(node);
                st.on_stack.insert(node);
            }
            let children = edges.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if child_i < children.len() {
                work.push((node, child_i + 1));
                let child = children[child_i].as_str();
                let Some((&child, _)) = edges.get_key_value(child) else {
                    continue;
                };
                if !st.index.contains_key(child) {
                    work.push((child, 0));
                } else if st.on_stack.contains(child) {
                    let low = st.low[node].min(st.index[child]);
                    st.low.insert(node, low);
                }
                continue;
            }
            // All children done: propagate low-link to the parent, pop a component if root.
            if let Some(&(parent, _)) = work.last() {
                let low = st.low[parent].min(st.low[node]);
                st.low.insert(parent, low);
            }
            if st.low[node] == st.index[node] {
                let mut members = Vec::new();
                while let Some(top) = st.stack.pop() {
                    st.on_stack.remove(top);
                    members.push(top);
                    if top == node {
                        break;
                    }
                }
                let self_loop = edges.get(node).is_some_and(|c| c.iter().any(|t| t == node));
                if members.len() > 1 || self_loop {
                    for m in members {
                        st.result.insert(m, st.components);
                    }
                }
                st.components += 1;
            }
        }
    }
    st.result
}
