//! The TypeScript signatures of the shell's Tauri commands, generated from their Rust source.
//!
//! Reads every `#[tauri::command]` function in `src-tauri/src/commands/*.rs` with `syn` and writes
//! `commands.ts` into the bindings directory, next to the ts-rs bindings: the `Commands` interface
//! (name, arguments as the UI passes them, result) and the `commands` object the UI calls, one
//! typed function per command that invokes it by its Rust name with the argument names Tauri
//! expects (see client.rs). `scripts/check-bindings.sh` fails when the committed copy in
//! `ui/src/lib/bindings` is stale, and `npm run check` fails when a screen calls a command with
//! the wrong arguments, since nothing between the two is hand-written. It also checks that
//! the three hand-kept lists of commands (`generate_handler!` in lib.rs, the app manifest in
//! build.rs, the main window's capability) name every command and nothing else, which would
//! otherwise only show at run time, that no type with a binding renames its fields out of
//! snake_case (the one casing of the values the UI reads; only command arguments are camelCase),
//! and that every argument the UI passes is an `Arg<T>` (its TypeScript is `T`'s), which answers
//! a malformed value as `invalid_input` like the commands' own refusals.
//!
//! Why read the source instead of using tauri-specta: specta needs its own derive
//! (`specta::Type`) on every engine type that already reaches TypeScript through ts-rs, and two
//! derives for one binding would drift. The command signatures are plain enough to read with
//! syn; argument and result types then refer to the ts-rs bindings by name, and a type without
//! one, or any syntax this file does not know, fails the test rather than becoming `any`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, FnArg, Item, Lit, Meta, Pat, Token, Type};

const COMMANDS_DIR: &str = "src-tauri/src/commands";
const LIB_RS: &str = "src-tauri/src/lib.rs";
const BUILD_RS: &str = "src-tauri/build.rs";
const CAPABILITY: &str = "src-tauri/capabilities/main-window.json";
/// Where `#[ts(export)]` types are declared (the shell and the engine).
const TS_SOURCES: [&str; 2] = ["src-tauri/src", "src-tauri/engine/src"];
const OUTPUT: &str = "commands.ts";
/// Arguments Tauri fills in itself: the UI never passes them.
const INJECTED: [&str; 9] = [
    "State",
    "AppHandle",
    "Window",
    "Webview",
    "WebviewWindow",
    "Request",
    "CommandScope",
    "GlobalScope",
    "InvokeMessage",
];
const MAX_WIDTH: usize = 100;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The directory ts-rs writes to (set in .cargo/config.toml), so both land in the same place.
fn bindings_dir() -> PathBuf {
    std::env::var_os("TS_RS_EXPORT_DIR")
        .map(PathBuf::from)
        .map(|d| if d.is_absolute() { d } else { root().join(d) })
        .unwrap_or_else(|| root().join("target/bindings"))
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

fn parse(rel: &str) -> syn::File {
    syn::parse_file(&read(rel)).unwrap_or_else(|e| panic!("{rel} does not parse: {e}"))
}

fn tokens(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

struct Command {
    name: String,
    /// Where it lives, from `commands`: `["commands", "queue"]`.
    module: Vec<String>,
    file: String,
    /// TypeScript name and type of each argument the UI passes.
    args: Vec<(String, String)>,
    result: String,
    /// The function's `///` lines, for the generated function's doc comment.
    docs: Vec<String>,
}

mod client;
mod registrations;
mod types;

use client::{check_client, render_client};
use registrations::check_registrations;
use types::{camel_case, last_ident, ts_result, ts_type, Refs};

fn is_command_attr(attr: &Attribute) -> bool {
    let segs: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segs == ["tauri", "command"] || segs == ["command"]
}

/// `rename_all` of `#[tauri::command(...)]`: whether arguments keep their snake_case names.
fn keeps_snake_case(attr: &Attribute, whence: &str) -> Result<bool, String> {
    let Meta::List(_) = &attr.meta else {
        return Ok(false);
    };
    let metas = attr
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .map_err(|e| format!("{whence}: cannot read `{}`: {e}", tokens(attr)))?;
    let mut snake = false;
    for meta in metas {
        let key = meta.path().get_ident().map(|i| i.to_string());
        match (key.as_deref(), &meta) {
            (Some("rename_all"), Meta::NameValue(nv)) => match &nv.value {
                Expr::Lit(l) => match &l.lit {
                    Lit::Str(s) if s.value() == "snake_case" => snake = true,
                    Lit::Str(s) if s.value() == "camelCase" => snake = false,
                    _ => return Err(format!("{whence}: unknown `{}`", tokens(&meta))),
                },
                _ => return Err(format!("{whence}: unknown `{}`", tokens(&meta))),
            },
            (Some("async"), Meta::Path(_)) | (Some("root"), Meta::NameValue(_)) => {}
            _ => {
                return Err(format!(
                    "{whence}: `{}` is not an option this test knows",
                    tokens(&meta)
                ))
            }
        }
    }
    Ok(snake)
}

fn collect_commands(
    items: &[Item],
    module: &[String],
    file: &str,
    out: &mut Vec<Command>,
    refs: &mut Refs,
    errors: &mut Vec<String>,
) {
    for item in items {
        match item {
            Item::Fn(f) => {
                let Some(attr) = f.attrs.iter().find(|a| is_command_attr(a)) else {
                    continue;
                };
                let name = f.sig.ident.to_string();
                let whence = format!("command `{name}` in {file}");
                match read_command(attr, &f.sig, refs, &whence) {
                    Ok((args, result)) => out.push(Command {
                        name,
                        module: module.to_vec(),
                        file: file.into(),
                        args,
                        result,
                        docs: doc_lines(&f.attrs),
                    }),
                    Err(e) => errors.push(e),
                }
            }
            Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    let mut inner = module.to_vec();
                    inner.push(m.ident.to_string());
                    collect_commands(items, &inner, file, out, refs, errors);
                }
            }
            _ => {}
        }
    }
}

type Signature = (Vec<(String, String)>, String);

/// The text of `///` comments (`#[doc = "..."]`), one entry per line, the leading space dropped.
fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        if let Meta::NameValue(nv) = &attr.meta {
            if let Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) = &nv.value
            {
                for line in s.value().lines() {
                    let line = line.strip_prefix(' ').unwrap_or(line);
                    lines.push(line.trim_end().to_string());
                }
            }
        }
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

fn read_command(
    attr: &Attribute,
    sig: &syn::Signature,
    refs: &mut Refs,
    whence: &str,
) -> Result<Signature, String> {
    let snake = keeps_snake_case(attr, whence)?;
    let mut args = Vec::new();
    for input in &sig.inputs {
        let FnArg::Typed(arg) = input else {
            return Err(format!("{whence}: takes `self`"));
        };
        if last_ident(&arg.ty).is_some_and(|n| INJECTED.contains(&n.as_str())) {
            continue;
        }
        let Pat::Ident(pat) = arg.pat.as_ref() else {
            return Err(format!(
                "{whence}: argument `{}` is a pattern, not a name",
                tokens(&arg.pat)
            ));
        };
        let rust = pat.ident.to_string();
        let rust = rust.strip_prefix("r#").unwrap_or(&rust);
        let name = if snake {
            rust.to_string()
        } else {
            camel_case(rust)
        };
        let ty = ts_type(
            ui_arg(&arg.ty, whence, rust)?,
            refs,
            &format!("{whence}, argument `{rust}`"),
        )?;
        args.push((name, ty));
    }
    let result = ts_result(&sig.output, refs, &format!("{whence}, result"))?;
    if result.contains("Channel<") {
        return Err(format!("{whence}: returns a Channel"));
    }
    Ok((args, result))
}

/// `T` of an argument the UI passes, which must be `Arg<T>` (src-tauri/src/commands/arg.rs): a
/// bare `T` would answer a malformed value with Tauri's plain string instead of
/// `{code: "invalid_input", message}`.
fn ui_arg<'t>(ty: &'t Type, whence: &str, rust: &str) -> Result<&'t Type, String> {
    let not_arg = || {
        format!(
            "{whence}: argument `{rust}` is `{}`, not `Arg<...>` (a malformed value must be \
             refused as invalid_input, see src-tauri/src/commands/arg.rs)",
            tokens(ty)
        )
    };
    let Type::Path(p) = ty else {
        return Err(not_arg());
    };
    let last = p.path.segments.last().expect("a path has a segment");
    if last.ident != "Arg" {
        return Err(not_arg());
    }
    match types::type_args(&last.arguments).as_deref() {
        Some([inner]) => Ok(inner),
        _ => Err(not_arg()),
    }
}

/// The commands, what their signatures refer to, and what could not be read.
fn commands() -> (Vec<Command>, Refs, Vec<String>) {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join(COMMANDS_DIR))
        .unwrap_or_else(|e| panic!("cannot list {COMMANDS_DIR}: {e}"))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let (mut out, mut refs, mut errors) = (Vec::new(), Refs::default(), Vec::new());
    for path in files {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let rel = format!("{COMMANDS_DIR}/{stem}.rs");
        let module = if stem == "mod" {
            vec!["commands".to_string()]
        } else {
            vec!["commands".to_string(), stem]
        };
        collect_commands(
            &parse(&rel).items,
            &module,
            &rel,
            &mut out,
            &mut refs,
            &mut errors,
        );
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    for pair in out.windows(2) {
        if pair[0].name == pair[1].name {
            errors.push(format!(
                "two commands are named `{}` ({} and {}): the UI calls them by name alone",
                pair[0].name, pair[0].file, pair[1].file
            ));
        }
    }
    assert!(
        !out.is_empty() || !errors.is_empty(),
        "no #[tauri::command] found in {COMMANDS_DIR}"
    );
    (out, refs, errors)
}

/// A type ts-rs writes to the bindings directory: its TypeScript name, or why it has none there.
type Binding = Result<String, String>;

/// Every type declared with `#[derive(TS)]` and `#[ts(export)]`, by Rust name.
fn exported_types() -> BTreeMap<String, Binding> {
    let mut out = BTreeMap::new();
    for dir in TS_SOURCES {
        let mut files = Vec::new();
        rust_files(&root().join(dir), &mut files);
        files.sort();
        for path in files {
            let rel = path.strip_prefix(root()).unwrap().to_string_lossy();
            collect_exported(&parse(&rel).items, &rel, &mut out);
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
    {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

fn derives_ts(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| {
            a.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
                .is_ok_and(|paths| {
                    paths
                        .iter()
                        .any(|p| p.segments.last().unwrap().ident == "TS")
                })
        })
}

/// The structs, enums and type aliases of a file that derive `TS`, inline modules included.
fn ts_items(items: &[Item]) -> Vec<&Item> {
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    out.extend(ts_items(inner));
                }
            }
            Item::Struct(syn::ItemStruct { attrs, .. })
            | Item::Enum(syn::ItemEnum { attrs, .. })
            | Item::Type(syn::ItemType { attrs, .. })
                if derives_ts(attrs) =>
            {
                out.push(item)
            }
            _ => {}
        }
    }
    out
}

fn collect_exported(items: &[Item], file: &str, out: &mut BTreeMap<String, Binding>) {
    for item in ts_items(items) {
        let (ident, attrs) = match item {
            Item::Struct(s) => (&s.ident, &s.attrs),
            Item::Enum(e) => (&e.ident, &e.attrs),
            Item::Type(t) => (&t.ident, &t.attrs),
            _ => continue,
        };
        let (mut export, mut rename, mut export_to) = (false, None, false);
        for attr in attrs.iter().filter(|a| a.path().is_ident("ts")) {
            let Ok(metas) = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            else {
                // `type = "..."` is not a `Meta` (`type` is a keyword): such a type is exported
                // under its own name when `export` is among the attribute's words.
                let words = attr.meta.to_token_stream().to_string();
                export |= words
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|w| w == "export");
                continue;
            };
            for meta in metas {
                if meta.path().is_ident("export") {
                    export = true;
                } else if meta.path().is_ident("export_to") {
                    export_to = true;
                } else if let (true, Meta::NameValue(nv)) = (meta.path().is_ident("rename"), &meta)
                {
                    if let Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(s), ..
                    }) = &nv.value
                    {
                        rename = Some(s.value());
                    }
                }
            }
        }
        if !export {
            continue;
        }
        let binding = if export_to {
            Err(format!(
                "it is exported with `export_to` ({file}); this test only knows bindings written \
                 to the bindings directory under their own name"
            ))
        } else {
            Ok(rename.unwrap_or_else(|| ident.to_string()))
        };
        let twice = format!("two types of that name have a ts-rs binding (one in {file})");
        out.entry(ident.to_string())
            .and_modify(|b| *b = Err(twice))
            .or_insert(binding);
    }
}

fn render(commands: &[Command], imports: &BTreeMap<String, String>, channel: bool) -> String {
    let mut ts = String::from(
        "// Generated by tests/command_bindings/ from src-tauri/src/commands/*.rs. Do not edit.\n\
         // `cargo test -p pinpace --test command_bindings` (or make rust-test) regenerates it.\n",
    );
    if channel {
        ts.push_str("import { invoke, type Channel } from '@tauri-apps/api/core';\n");
    } else {
        ts.push_str("import { invoke } from '@tauri-apps/api/core';\n");
    }
    let mut by_file: Vec<&String> = imports.values().collect();
    by_file.sort();
    by_file.dedup();
    for name in by_file {
        ts.push_str(&format!("import type {{ {name} }} from './{name}';\n"));
    }
    ts.push_str(
        "\n/** Each command of the shell: the arguments the UI passes (named as Tauri expects them)\n \
         * and what the returned promise resolves to. A rejection carries an `EngineError`. */\n\
         export interface Commands {\n",
    );
    for c in commands {
        let args = if c.args.is_empty() {
            "Record<string, never>".to_string()
        } else {
            let fields: Vec<String> = c.args.iter().map(|(n, t)| format!("{n}: {t}")).collect();
            format!("{{ {} }}", fields.join("; "))
        };
        let line = format!("  {}: {{ args: {args}; result: {} }};", c.name, c.result);
        if line.len() <= MAX_WIDTH {
            ts.push_str(&line);
            ts.push('\n');
            continue;
        }
        ts.push_str(&format!("  {}: {{\n", c.name));
        let args_line = format!("    args: {args};");
        if args_line.len() <= MAX_WIDTH {
            ts.push_str(&args_line);
            ts.push('\n');
        } else {
            ts.push_str("    args: {\n");
            for (n, t) in &c.args {
                ts.push_str(&format!("      {n}: {t};\n"));
            }
            ts.push_str("    };\n");
        }
        ts.push_str(&format!("    result: {};\n  }};\n", c.result));
    }
    ts.push_str(
        "}\n\n\
         export type CommandName = keyof Commands;\n\
         export type CommandArgs<K extends CommandName> = Commands[K]['args'];\n\
         export type CommandResult<K extends CommandName> = Commands[K]['result'];\n\n\
         export const COMMAND_NAMES: readonly CommandName[] = [\n",
    );
    for c in commands {
        ts.push_str(&format!("  '{}',\n", c.name));
    }
    ts.push_str("];\n");
    ts.push_str(&render_client(commands));
    ts
}

#[test]
fn command_bindings_are_generated_and_every_command_is_registered() {
    let (commands, refs, mut errors) = commands();
    errors.extend(check_client(&commands));
    let exported = exported_types();
    let mut imports = BTreeMap::new();
    for (rust, whence) in &refs.named {
        match exported.get(rust) {
            Some(Ok(ts)) => {
                imports.insert(rust.clone(), ts.clone());
            }
            Some(Err(why)) => errors.push(format!("{whence} uses `{rust}`, but {why}")),
            None => errors.push(format!(
                "{whence} uses `{rust}`, which has no TypeScript binding: give it \
                 #[derive(ts_rs::TS)] and #[ts(export)] (in {} or {})",
                TS_SOURCES[0], TS_SOURCES[1]
            )),
        }
    }
    assert!(
        errors.is_empty(),
        "\nThe command signatures cannot be written in TypeScript:\n{}\n",
        errors.join("\n")
    );
    // The TypeScript names, where ts-rs renamed a type.
    let commands: Vec<Command> = commands
        .into_iter()
        .map(|mut c| {
            for (rust, ts) in imports.iter().filter(|(r, t)| r != t) {
                for ty in c.args.iter_mut().map(|(_, t)| t).chain([&mut c.result]) {
                    *ty = rename_word(ty, rust, ts);
                }
            }
            c
        })
        .collect();

    let ts = render(&commands, &imports, refs.channel);
    let dir = bindings_dir();
    let path = dir.join(OUTPUT);
    // Written only when it changed, so a watching dev server does not reload for nothing.
    if fs::read_to_string(&path).ok().as_deref() != Some(ts.as_str()) {
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        fs::write(&path, &ts).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    let errors = check_registrations(&commands);
    assert!(
        errors.is_empty(),
        "\nThe commands in {COMMANDS_DIR}/*.rs and the places that must list them disagree:\n{}\n",
        errors.join("\n")
    );
}

/// The `rename_all` (for a struct) or `rename_all_fields` (for an enum) of each type with a
/// TypeScript binding whose `#[serde(...)]` is not snake_case: its fields would cross the IPC in another casing
/// than every other type's.
fn other_field_casings(items: &[Item], file: &str, out: &mut Vec<String>) {
    for item in ts_items(items) {
        let (ident, attrs, key) = match item {
            Item::Struct(s) => (&s.ident, &s.attrs, "rename_all"),
            Item::Enum(e) => (&e.ident, &e.attrs, "rename_all_fields"),
            _ => continue,
        };
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            let Ok(metas) = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            else {
                continue;
            };
            for meta in metas {
                if let (true, Meta::NameValue(nv)) = (meta.path().is_ident(key), &meta) {
                    if let Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(s), ..
                    }) = &nv.value
                    {
                        if s.value() != "snake_case" {
                            out.push(format!("{file}: `{ident}` has {key} = {:?}", s.value()));
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn every_type_that_crosses_the_ipc_names_its_fields_in_snake_case() {
    let mut found = Vec::new();
    for dir in TS_SOURCES {
        let mut files = Vec::new();
        rust_files(&root().join(dir), &mut files);
        files.sort();
        for path in files {
            let rel = path.strip_prefix(root()).unwrap().to_string_lossy();
            other_field_casings(&parse(&rel).items, &rel, &mut found);
        }
    }
    assert!(
        found.is_empty(),
        "\nThe UI reads every type's fields in snake_case (command arguments are Tauri's \
         camelCase, but not the values inside them):\n{}\n",
        found.join("\n")
    );
}

/// Replaces the identifier `from` by `to` in a TypeScript type.
fn rename_word(ty: &str, from: &str, to: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    for ch in ty.chars().chain(std::iter::once(' ')) {
        if ch.is_alphanumeric() || ch == '_' {
            word.push(ch);
            continue;
        }
        out.push_str(if word == from { to } else { &word });
        word.clear();
        out.push(ch);
    }
    out.pop();
    out
}

#[test]
fn argument_names_are_camel_cased_as_tauri_does() {
    assert_eq!(camel_case("account_id"), "accountId");
    assert_eq!(camel_case("path"), "path");
    assert_eq!(camel_case("_app"), "app");
    assert_eq!(camel_case("max_backoff_minutes"), "maxBackoffMinutes");
}

#[test]
fn rust_types_map_to_typescript_or_fail() {
    let map = |src: &str| {
        let ty: Type = syn::parse_str(src).unwrap();
        ts_type(&ty, &mut Refs::default(), "t")
    };
    assert_eq!(map("Vec<Option<u32>>").unwrap(), "(number | null)[]");
    assert_eq!(map("&[i64]").unwrap(), "number[]");
    assert_eq!(map("(String, bool)").unwrap(), "[string, boolean]");
    assert_eq!(
        map("HashMap<String, Vec<Job>>").unwrap(),
        "Record<string, Job[]>"
    );
    assert_eq!(
        map("Channel<ImportProgress>").unwrap(),
        "Channel<ImportProgress>"
    );
    assert!(map("HashMap<u32, String>").is_err());
    assert!(map("Box<dyn Fn()>").is_err());
    assert!(map("[u8; 4]").is_err());
    assert!(map("fn()").is_err());
    assert!(map("Foo<Bar>").is_err());
    assert_eq!(map("DateTime<Utc>").unwrap(), "string");
    assert_eq!(map("Option<NaiveDate>").unwrap(), "string | null");
    assert_eq!(map("chrono::NaiveDateTime").unwrap(), "string");
    assert_eq!(map("NaiveTime").unwrap(), "string");
    assert_eq!(
        rename_word("Job[] | null", "Job", "JobRow"),
        "JobRow[] | null"
    );
    assert_eq!(rename_word("Jobs", "Job", "X"), "Jobs");
}
