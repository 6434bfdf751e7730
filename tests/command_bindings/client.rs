//! The runtime half of commands.ts: `export const commands = { ... }`, one function per command.
//!
//! Each function takes the command's arguments positionally, in the Rust order (so a call reads
//! like the Rust signature, and like the hand-written wrappers it replaces), and calls `invoke`
//! with the command's Rust name and an object keyed exactly as Tauri deserializes it (camelCase
//! unless the command says `rename_all = "snake_case"`). A command without arguments invokes
//! with none. Channels are passed through as they are: `invoke` serializes a `Channel` itself.
//! The text is laid out by fixed rules (no formatter runs on it), so the file is deterministic
//! and stays within the width the rest of the UI uses.

use super::types::camel_case;
use super::{Command, MAX_WIDTH};

/// Names a parameter cannot have in TypeScript, plus `invoke`, which the function body calls.
const RESERVED: [&str; 46] = [
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// The name the UI calls a command by: `account_boards` -> `accountBoards`.
pub(super) fn function_name(command: &str) -> String {
    camel_case(command)
}

/// Two commands whose function names would be the same (the Rust names differ only in `_`s).
pub(super) fn check_client(commands: &[Command]) -> Vec<String> {
    let mut names: Vec<(String, &str)> = commands
        .iter()
        .map(|c| (function_name(&c.name), c.name.as_str()))
        .collect();
    names.sort();
    names
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| {
            format!(
                "commands `{}` and `{}` would both be `commands.{}` in TypeScript",
                w[0].1, w[1].1, w[0].0
            )
        })
        .collect()
}

/// A parameter name for an argument key: the key itself unless TypeScript reserves it.
fn param(key: &str) -> String {
    if RESERVED.contains(&key) || key == "invoke" {
        format!("{key}_")
    } else {
        key.to_string()
    }
}

/// `spacingMinutes` -> `spacing_minutes`: the Rust name a doc comment calls an argument by.
fn snake_case(key: &str) -> String {
    let mut out = String::new();
    for ch in key.chars() {
        if ch.is_uppercase() {
            out.push('_');
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// The Rust doc comment as the TypeScript one: arguments under the names the function takes,
/// `None` as `null`, and no `*/` to end the comment early.
fn doc_comment(c: &Command, indent: &str) -> String {
    let docs: Vec<String> = c
        .docs
        .iter()
        .map(|line| {
            let mut line = line.replace("*/", "*\\/").replace("`None`", "`null`");
            for (key, _) in &c.args {
                line = line.replace(&format!("`{}`", snake_case(key)), &format!("`{key}`"));
            }
            line
        })
        .collect();
    match docs.as_slice() {
        [] => String::new(),
        [one] if indent.len() + one.len() + 7 <= MAX_WIDTH => format!("{indent}/** {one} */\n"),
        lines => {
            let mut out = format!("{indent}/**\n");
            for line in lines {
                if line.is_empty() {
                    out.push_str(&format!("{indent} *\n"));
                } else {
                    out.push_str(&format!("{indent} * {line}\n"));
                }
            }
            out.push_str(&format!("{indent} */\n"));
            out
        }
    }
}

fn render_function(c: &Command) -> String {
    let name = function_name(&c.name);
    let params: Vec<String> = c
        .args
        .iter()
        .map(|(key, ty)| format!("{}: {ty}", param(key)))
        .collect();
    let fields: Vec<String> = c
        .args
        .iter()
        .map(|(key, _)| {
            let p = param(key);
            if p == *key {
                p
            } else {
                format!("{key}: {p}")
            }
        })
        .collect();
    let call = if fields.is_empty() {
        format!("invoke<{}>('{}')", c.result, c.name)
    } else {
        format!(
            "invoke<{}>('{}', {{ {} }})",
            c.result,
            c.name,
            fields.join(", ")
        )
    };
    let mut out = doc_comment(c, "  ");
    let head = format!("  {name}: ({}) =>", params.join(", "));
    let one_line = format!("{head} {call},");
    if one_line.len() <= MAX_WIDTH {
        out.push_str(&one_line);
        out.push('\n');
        return out;
    }
    if head.len() <= MAX_WIDTH {
        out.push_str(&head);
        out.push('\n');
    } else {
        out.push_str(&format!("  {name}: (\n"));
        for p in &params {
            out.push_str(&format!("    {p},\n"));
        }
        out.push_str("  ) =>\n");
    }
    let body = format!("    {call},");
    if body.len() <= MAX_WIDTH {
        out.push_str(&body);
        out.push('\n');
    } else {
        out.push_str(&format!("    invoke<{}>('{}', {{\n", c.result, c.name));
        for f in &fields {
            out.push_str(&format!("      {f},\n"));
        }
        out.push_str("    }),\n");
    }
    out
}

/// The `commands` object, in the commands' (sorted) order.
pub(super) fn render_client(commands: &[Command]) -> String {
    let mut ts = String::from(
        "\n/**\n \
         * One function per command, named in camelCase, taking the arguments in the Rust order.\n \
         * Each invokes the command by its Rust name with the argument names Tauri expects, so the\n \
         * UI never spells either. A rejection carries an `EngineError` (see ../errors.ts).\n \
         */\n\
         export const commands = {\n",
    );
    for c in commands {
        ts.push_str(&render_function(c));
    }
    ts.push_str("};\n");
    ts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(name: &str, args: &[(&str, &str)], result: &str, docs: &[&str]) -> Command {
        Command {
            name: name.into(),
            module: vec!["commands".into()],
            file: "x.rs".into(),
            args: args
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
            result: result.into(),
            docs: docs.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn a_command_becomes_one_typed_function() {
        let c = command(
            "account_boards",
            &[("accountId", "number")],
            "CachedBoard[]",
            &["The boards."],
        );
        assert_eq!(
            render_function(&c),
            "  /** The boards. */\n  accountBoards: (accountId: number) => \
             invoke<CachedBoard[]>('account_boards', { accountId }),\n"
        );
        let none = command("app_info", &[], "AppInfo", &[]);
        assert_eq!(
            render_function(&none),
            "  appInfo: () => invoke<AppInfo>('app_info'),\n"
        );
    }

    #[test]
    fn reserved_names_are_renamed_but_sent_under_their_key() {
        let c = command(
            "f",
            &[("delete", "boolean"), ("invoke", "string")],
            "void",
            &[],
        );
        assert_eq!(
            render_function(&c),
            "  f: (delete_: boolean, invoke_: string) => \
             invoke<void>('f', { delete: delete_, invoke: invoke_ }),\n"
        );
    }

    #[test]
    fn long_signatures_wrap_and_stay_within_the_width() {
        let c = command(
            "import_commit",
            &[
                ("path", "string"),
                ("format", "ImportFormat"),
                ("options", "ImportOptions"),
                ("mode", "ImportMode"),
                ("progress", "Channel<ImportProgress>"),
            ],
            "ImportReport",
            &["First line.", "", "Second paragraph."],
        );
        let ts = render_function(&c);
        assert!(ts.lines().all(|l| l.len() <= MAX_WIDTH), "{ts}");
        assert!(ts.starts_with("  /**\n   * First line.\n   *\n   * Second paragraph.\n   */\n"));
        assert!(ts.contains(
            "invoke<ImportReport>('import_commit', { path, format, options, mode, progress })"
        ));
    }

    #[test]
    fn docs_name_the_arguments_as_typescript_does() {
        let c = command(
            "move_jobs",
            &[("jobIds", "number[]"), ("spacingMinutes", "number")],
            "BulkResult",
            &["Moves to `at` and every `spacing_minutes` after; `None` if */ not."],
        );
        assert!(render_function(&c).starts_with(
            "  /** Moves to `at` and every `spacingMinutes` after; `null` if *\\/ not. */\n"
        ));
    }

    #[test]
    fn function_names_must_not_collide() {
        let a = command("a_b", &[], "void", &[]);
        let b = command("a__b", &[], "void", &[]);
        assert_eq!(check_client(&[a, b]).len(), 1);
    }
}
