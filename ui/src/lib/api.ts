// Typed wrappers over the Tauri commands. Every command's argument and result types come from
// ./bindings (generated from Rust by ts-rs), so a change on one side breaks the type check.
import { invoke } from '@tauri-apps/api/core';
import type { AppInfo } from './bindings/AppInfo';
import type { EngineError } from './bindings/EngineError';

export type { AppInfo, EngineError };

export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>('app_info');
}

/** True when a rejected command carried the engine's `{code, message}` error. */
export function isEngineError(value: unknown): value is EngineError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as EngineError).code === 'string' &&
    typeof (value as EngineError).message === 'string'
  );
}

/** One sentence for any rejection, keeping the engine's stable code when there is one. */
export function describeError(value: unknown): { code: string; message: string } {
  if (isEngineError(value)) return { code: value.code, message: value.message };
  return { code: 'unexpected', message: String(value) };
}
