// Typed wrappers over the Tauri commands and events. Every command's argument and result types
// come from ./bindings (generated from Rust by ts-rs), so a change on one side breaks the type
// check.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { AccountView } from './bindings/AccountView';
import type { AppInfo } from './bindings/AppInfo';
import type { CachedBoard } from './bindings/CachedBoard';
import type { ConnectSummary } from './bindings/ConnectSummary';
import type { ConnectTarget } from './bindings/ConnectTarget';
import type { Disconnected } from './bindings/Disconnected';
import type { EngineError } from './bindings/EngineError';
import type { PinterestAppView } from './bindings/PinterestAppView';
import type { QueuedJobs } from './bindings/QueuedJobs';
import type { SecretsBackend } from './bindings/SecretsBackend';

export type {
  AccountView,
  AppInfo,
  CachedBoard,
  ConnectSummary,
  ConnectTarget,
  Disconnected,
  EngineError,
  PinterestAppView,
  QueuedJobs,
  SecretsBackend,
};

export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>('app_info');
}

export function listAccounts(): Promise<AccountView[]> {
  return invoke<AccountView[]>('list_accounts');
}

export function accountBoards(accountId: number): Promise<CachedBoard[]> {
  return invoke<CachedBoard[]>('account_boards', { accountId });
}

export function refreshBoards(accountId: number): Promise<number> {
  return invoke<number>('refresh_boards', { accountId });
}

export function connectAccount(target: ConnectTarget): Promise<ConnectSummary> {
  return invoke<ConnectSummary>('connect_account', { target });
}

export function reconnectAccount(accountId: number): Promise<ConnectSummary> {
  return invoke<ConnectSummary>('reconnect_account', { accountId });
}

export function cancelConnect(): Promise<void> {
  return invoke<void>('cancel_connect');
}

export function disconnectAccount(accountId: number, queued: QueuedJobs): Promise<Disconnected> {
  return invoke<Disconnected>('disconnect_account', { accountId, queued });
}

export function pinterestApp(): Promise<PinterestAppView> {
  return invoke<PinterestAppView>('pinterest_app');
}

export function savePinterestApp(
  clientId: string,
  clientSecret: string | null,
  redirectPort: number,
): Promise<PinterestAppView> {
  return invoke<PinterestAppView>('save_pinterest_app', { clientId, clientSecret, redirectPort });
}

export function chooseSecretsBackend(backend: SecretsBackend): Promise<PinterestAppView> {
  return invoke<PinterestAppView>('choose_secrets_backend', { backend });
}

/** The accounts list changed (connect, disconnect, board sync, needs-reconnect). */
export function onAccountsChanged(handler: () => void): Promise<UnlistenFn> {
  return listen('accounts-changed', () => handler());
}

/** The consent page's address, sent when a connect opens the browser. */
export function onConnectUrl(handler: (url: string) => void): Promise<UnlistenFn> {
  return listen<string>('connect-url', (e) => handler(e.payload));
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
