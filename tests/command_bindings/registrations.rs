//! The three hand-kept lists of commands (generate_handler! in lib.rs, the app manifest in
//! build.rs, the main window's capability) must each name every command and nothing else.

use std::collections::BTreeSet;

use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Expr, Lit, Token};

use super::{parse, read, tokens, Command, BUILD_RS, CAPABILITY, COMMANDS_DIR, LIB_RS};

/// Finds `tauri::generate_handler![...]` and `AppManifest::new().commands(&[...])`.
#[derive(Default)]
struct Lists {
    handlers: Vec<Result<Vec<syn::Path>, String>>,
    manifest: Vec<Result<Vec<String>, String>>,
}

impl<'ast> Visit<'ast> for Lists {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac.path.segments.last().unwrap().ident == "generate_handler" {
            self.handlers.push(
                mac.parse_body_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
                    .map(|p| p.into_iter().collect())
                    .map_err(|e| format!("cannot read `{}`: {e}", tokens(mac))),
            );
        }
        syn::visit::visit_macro(self, mac);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "commands" {
            self.manifest.push(string_list(&call.args));
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

fn string_list(args: &Punctuated<Expr, Token![,]>) -> Result<Vec<String>, String> {
    let bad = || {
        Err(format!(
            "`.commands({})` is not a literal `&[\"name\", ...]`",
            tokens(args)
        ))
    };
    let [Expr::Reference(r)] = args.iter().collect::<Vec<_>>()[..] else {
        return bad();
    };
    let Expr::Array(array) = r.expr.as_ref() else {
        return bad();
    };
    let mut names = Vec::new();
    for e in &array.elems {
        match e {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => names.push(s.value()),
            _ => return bad(),
        }
    }
    Ok(names)
}

fn only_one<T>(mut found: Vec<Result<T, String>>, what: &str, file: &str) -> Result<T, String> {
    match found.len() {
        1 => found.pop().unwrap().map_err(|e| format!("{file}: {e}")),
        n => Err(format!("{file}: expected one {what}, found {n}")),
    }
}

/// Compares one list of names with the commands; one message per missing, unknown or repeated.
fn compare(listed: &[String], commands: &BTreeSet<&str>, place: &str, errors: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for name in listed {
        if !commands.contains(name.as_str()) {
            errors.push(format!(
                "{place} lists `{name}`, which is not a #[tauri::command] in {COMMANDS_DIR}/*.rs"
            ));
        } else if !seen.insert(name.as_str()) {
            errors.push(format!("{place} lists `{name}` twice"));
        }
    }
    for name in commands {
        if !seen.contains(name) {
            errors.push(format!("command `{name}` is missing from {place}"));
        }
    }
}

pub(super) fn check_registrations(commands: &[Command]) -> Vec<String> {
    let names: BTreeSet<&str> = commands.iter().map(|c| c.name.as_str()).collect();
    let mut errors = Vec::new();

    let mut lib = Lists::default();
    lib.visit_file(&parse(LIB_RS));
    match only_one(lib.handlers, "tauri::generate_handler![...]", LIB_RS) {
        Ok(paths) => {
            let place = format!("tauri::generate_handler![...] in {LIB_RS}");
            let mut listed = Vec::new();
            for path in paths {
                let mut segs: Vec<String> =
                    path.segments.iter().map(|s| s.ident.to_string()).collect();
                if segs.first().is_some_and(|s| s == "crate") {
                    segs.remove(0);
                }
                let name = segs.pop().unwrap_or_default();
                if let Some(c) = commands.iter().find(|c| c.name == name) {
                    if segs != c.module {
                        errors.push(format!(
                            "{place} names `{}::{name}`, but command `{name}` is {}::{name} (in {})",
                            segs.join("::"),
                            c.module.join("::"),
                            c.file
                        ));
                    }
                }
                listed.push(name);
            }
            compare(&listed, &names, &place, &mut errors);
        }
        Err(e) => errors.push(e),
    }

    let mut build = Lists::default();
    build.visit_file(&parse(BUILD_RS));
    match only_one(build.manifest, "AppManifest::commands(&[...])", BUILD_RS) {
        Ok(listed) => compare(
            &listed,
            &names,
            &format!("AppManifest::commands in {BUILD_RS}"),
            &mut errors,
        ),
        Err(e) => errors.push(e),
    }

    // tauri-build names a command's permission `allow-` + the name with `-` for `_`; entries
    // with a `:` belong to core or to plugins.
    let capability: serde_json::Value = serde_json::from_str(&read(CAPABILITY))
        .unwrap_or_else(|e| panic!("{CAPABILITY} is not JSON: {e}"));
    let permissions = capability["permissions"]
        .as_array()
        .unwrap_or_else(|| panic!("{CAPABILITY} has no \"permissions\" array"));
    let mut listed = Vec::new();
    for p in permissions {
        let id = p
            .as_str()
            .or_else(|| p["identifier"].as_str())
            .unwrap_or_else(|| panic!("{CAPABILITY}: cannot read the permission {p}"));
        if id.contains(':') {
            continue;
        }
        match id.strip_prefix("allow-") {
            Some(cmd) if !cmd.contains('_') => listed.push(cmd.replace('-', "_")),
            _ => errors.push(format!(
                "{CAPABILITY} has the permission \"{id}\"; the app's own permissions are \
                 \"allow-<command-name-with-dashes>\""
            )),
        }
    }
    compare(
        &listed,
        &names,
        &format!("the \"allow-...\" permissions of {CAPABILITY}"),
        &mut errors,
    );
    errors
}
