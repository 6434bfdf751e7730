//! From Rust types in command signatures to TypeScript, as serde_json shows them to the UI:
//! builtins map to TS builtins, named types to their ts-rs bindings, anything else fails.

use std::collections::BTreeMap;

use syn::{GenericArgument, PathArguments, ReturnType, Type};

use super::{tokens, INJECTED};

/// What a command's signature refers to outside the TS builtins.
#[derive(Default)]
pub(super) struct Refs {
    /// Rust type name -> the command and file that use it (for the error message).
    pub(super) named: BTreeMap<String, String>,
    pub(super) channel: bool,
}

/// A Rust type as the UI sees it through serde_json.
pub(super) fn ts_type(ty: &Type, refs: &mut Refs, whence: &str) -> Result<String, String> {
    let unsupported = |why: &str| Err(format!("{whence}: `{}` {why}", tokens(ty)));
    match ty {
        Type::Reference(r) => ts_type(&r.elem, refs, whence),
        Type::Paren(p) => ts_type(&p.elem, refs, whence),
        Type::Group(g) => ts_type(&g.elem, refs, whence),
        Type::Slice(s) => Ok(array_of(ts_type(&s.elem, refs, whence)?)),
        Type::Tuple(t) if t.elems.is_empty() => unsupported("is not a value the UI can pass"),
        Type::Tuple(t) => {
            let elems = t
                .elems
                .iter()
                .map(|e| ts_type(e, refs, whence))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(format!("[{}]", elems.join(", ")))
        }
        Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last().expect("a path has a segment");
            let name = last.ident.to_string();
            let generics = type_args(&last.arguments).ok_or_else(|| {
                format!(
                    "{whence}: `{}` has generic arguments this test cannot read",
                    tokens(ty)
                )
            })?;
            let one = |refs: &mut Refs| match generics.as_slice() {
                [t] => ts_type(t, refs, whence),
                _ => unsupported("should have one type argument"),
            };
            match name.as_str() {
                "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64"
                | "u128" | "usize" | "f32" | "f64"
                    if generics.is_empty() =>
                {
                    Ok("number".into())
                }
                "bool" if generics.is_empty() => Ok("boolean".into()),
                "String" | "str" | "PathBuf" | "Path" if generics.is_empty() => Ok("string".into()),
                "Vec" => Ok(array_of(one(refs)?)),
                "Option" => {
                    let inner = one(refs)?;
                    Ok(if inner.ends_with(" | null") {
                        inner
                    } else {
                        format!("{inner} | null")
                    })
                }
                "HashMap" | "BTreeMap" => match generics.as_slice() {
                    [k, v] if ts_type(k, refs, whence)? == "string" => {
                        Ok(format!("Record<string, {}>", ts_type(v, refs, whence)?))
                    }
                    _ => unsupported("is a map whose keys are not strings"),
                },
                // chrono's `DateTime<Utc>` travels as an RFC 3339 string, and its naive date,
                // time and date-time as ISO 8601 strings.
                "DateTime" => Ok("string".into()),
                "NaiveDate" | "NaiveTime" | "NaiveDateTime" if generics.is_empty() => {
                    Ok("string".into())
                }
                "Channel" => {
                    refs.channel = true;
                    Ok(format!("Channel<{}>", one(refs)?))
                }
                _ if !generics.is_empty() => unsupported(
                    "is generic: only Vec, Option, HashMap, DateTime and Channel are known",
                ),
                _ if INJECTED.contains(&name.as_str()) || name == "Result" => {
                    unsupported("cannot be passed to or returned from the UI")
                }
                _ => {
                    refs.named.entry(name.clone()).or_insert(whence.into());
                    Ok(name)
                }
            }
        }
        _ => unsupported("is a kind of type this test cannot map to TypeScript"),
    }
}

pub(super) fn array_of(elem: String) -> String {
    if elem.contains(' ') {
        format!("({elem})[]")
    } else {
        format!("{elem}[]")
    }
}

/// The type arguments of a path segment, lifetimes left out; `None` for anything else.
pub(super) fn type_args(args: &PathArguments) -> Option<Vec<&Type>> {
    match args {
        PathArguments::None => Some(Vec::new()),
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter(|g| !matches!(g, GenericArgument::Lifetime(_)))
            .map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        PathArguments::Parenthesized(_) => None,
    }
}

pub(super) fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Reference(r) => last_ident(&r.elem),
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `Result<T, E>` -> `T`, `()` -> `void`.
pub(super) fn ts_result(ret: &ReturnType, refs: &mut Refs, whence: &str) -> Result<String, String> {
    let ty = match ret {
        ReturnType::Default => return Ok("void".into()),
        ReturnType::Type(_, ty) => ty.as_ref(),
    };
    let ok = match ty {
        Type::Path(p) if last_ident(ty).as_deref() == Some("Result") => {
            let last = p.path.segments.last().expect("a path has a segment");
            match type_args(&last.arguments).as_deref() {
                Some([t, ..]) => *t,
                _ => return Err(format!("{whence}: cannot read `{}`", tokens(ty))),
            }
        }
        _ => ty,
    };
    match ok {
        Type::Tuple(t) if t.elems.is_empty() => Ok("void".into()),
        _ => ts_type(ok, refs, whence),
    }
}

/// Tauri's default: `account_id` is sent as `accountId`.
pub(super) fn camel_case(name: &str) -> String {
    let mut out = String::new();
    for (i, word) in name.split('_').filter(|w| !w.is_empty()).enumerate() {
        let mut chars = word.chars();
        if i == 0 {
            out.push_str(word);
        } else if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}
