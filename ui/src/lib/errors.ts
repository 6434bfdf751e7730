// One error shape for every screen: what a failed command (or anything else that threw) shows.
// A rejected `invoke` carries the engine's `EngineError` ({ code, message }, code one of the
// stable `ErrorCode`s); Tauri itself, or a bug on this side, rejects with a string or an Error
// instead. `toUiError` turns either into a `UiError` whose code is always an `ErrorCode`, so a
// screen can branch on it with the compiler's help. The list of codes below is checked against
// the generated `ErrorCode` type, so a code added in Rust fails the type check until listed.
import type { EngineError } from './bindings/EngineError';
import type { ErrorCode } from './bindings/ErrorCode';

export type UiError = { code: ErrorCode; message: string };

const CODES = {
  data_dir_unavailable: true,
  database_locked: true,
  database_corrupt: true,
  database_too_new: true,
  storage: true,
  not_found: true,
  invalid_transition: true,
  invalid_input: true,
  pinterest_unavailable: true,
  keychain_unavailable: true,
  port_in_use: true,
  consent_denied: true,
  state_mismatch: true,
  connect_timed_out: true,
  code_rejected: true,
  wrong_account: true,
  file_exists: true,
  response_too_large: true,
  listing_too_long: true,
  rate_limited: true,
  custom_server_app_missing: true,
} as const satisfies Record<ErrorCode, true>;

/**
 * The code of a failure that did not come from the engine: Tauri refusing the call (an argument
 * it could not read, a command the window may not call) or an exception on this side. There is
 * no `ErrorCode` for "unexpected"; `invalid_input` is the nearest true one for Tauri's refusals
 * (the command never ran, nothing was written), and the message says what really happened.
 */
export const FALLBACK_CODE: ErrorCode = 'invalid_input';

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(CODES, value);
}

/** True when a rejected command carried the engine's `{code, message}` error. */
export function isEngineError(value: unknown): value is EngineError {
  return (
    typeof value === 'object' &&
    value !== null &&
    isErrorCode((value as EngineError).code) &&
    typeof (value as EngineError).message === 'string'
  );
}

/** One sentence for any rejection, keeping the engine's stable code when there is one. */
export function toUiError(value: unknown): UiError {
  if (isEngineError(value)) return { code: value.code, message: value.message };
  if (value instanceof Error) return { code: FALLBACK_CODE, message: value.message || value.name };
  if (typeof value === 'string' && value !== '') return { code: FALLBACK_CODE, message: value };
  if (typeof value === 'object' && value !== null) {
    const message = (value as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return { code: FALLBACK_CODE, message };
  }
  return { code: FALLBACK_CODE, message: `Unexpected failure: ${String(value)}` };
}
