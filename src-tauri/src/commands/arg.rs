//! `Arg<T>`: a command argument that answers a malformed value as `{code: "invalid_input",
//! message}` like every other refusal, instead of Tauri's plain string.
//!
//! Why a wrapper on each argument: Tauri 2 turns a failed argument into
//! `tauri::Error::InvalidArgs` and rejects the call with its text before the command runs,
//! through an `InvokeResolver` the app cannot build or wrap (its fields and constructor are
//! private, and no hook sees a response on its way out), so wrapping the closure given to
//! `invoke_handler` cannot change the answer. `CommandArg` is the one place the app decides
//! how an argument is read: `Arg<T>` reads it exactly as Tauri would (`T::from_command`, so a
//! missing `Option` is still `None`) and only changes the error's shape. The message stays
//! Tauri's ("invalid args `path` for command `export_csv`: invalid type: ..."). Every argument
//! the UI passes is an `Arg`: tests/command_bindings checks the signatures, and
//! `command_args::every_command_refuses_a_malformed_argument` checks the answers.

use std::ops::Deref;

use pinpace_engine::{EngineError, ErrorCode};
use tauri::ipc::{CommandArg, CommandItem, InvokeError};
use tauri::Runtime;

/// An argument from the UI; `.0` is the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arg<T>(pub T);

impl<T> Deref for Arg<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<'de, R: Runtime, T: CommandArg<'de, R>> CommandArg<'de, R> for Arg<T> {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let (name, key) = (command.name, command.key);
        T::from_command(command).map(Arg).map_err(|e| {
            let message = match e.0 {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            tracing::warn!(
                command = name,
                arg = key,
                "refused a malformed argument: {message}"
            );
            InvokeError::from(EngineError::new(ErrorCode::InvalidInput, message))
        })
    }
}
