// What the UI calls the shell with. The commands themselves are generated: `commands` (from
// ./bindings/commands.ts, written by tests/command_bindings/ from the #[tauri::command]
// signatures) has one typed function per command, so no wrapper here spells a command's name,
// arguments or result. What stays hand-written is what the signatures cannot say: the events
// the shell emits (their names are checked against the generated `AppEvent`), the import's
// progress channel, and re-exports of the binding types the screens use. Errors: ./errors.ts;
// the engine's events as one store the screens share: ./engineEvents.ts.
import { Channel } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { AccountLimits } from './bindings/AccountLimits';
import type { AccountView } from './bindings/AccountView';
import type { BulkResult } from './bindings/BulkResult';
import type { ComposeRequest } from './bindings/ComposeRequest';
import type { ExportKind } from './bindings/ExportKind';
import type { Counters } from './bindings/Counters';
import type { Forecast } from './bindings/Forecast';
import type { ImportFormat } from './bindings/ImportFormat';
import type { ImportMode } from './bindings/ImportMode';
import type { ImportOptions } from './bindings/ImportOptions';
import type { ImportProgress } from './bindings/ImportProgress';
import type { ImportReport } from './bindings/ImportReport';
import type { EngineEvent } from './bindings/EngineEvent';
import type { Job } from './bindings/Job';
import type { JobErrorCode } from './bindings/JobErrorCode';
import type { JobEvent } from './bindings/JobEvent';
import type { LaneSnapshot } from './bindings/LaneSnapshot';
import type { QueueFilter } from './bindings/QueueFilter';
import type { QueueItem } from './bindings/QueueItem';
import type { AppInfo } from './bindings/AppInfo';
import type { CachedBoard } from './bindings/CachedBoard';
import type { ConnectSummary } from './bindings/ConnectSummary';
import type { ConnectTarget } from './bindings/ConnectTarget';
import type { CustomServerAppView } from './bindings/CustomServerAppView';
import type { Disconnected } from './bindings/Disconnected';
import type { EngineError } from './bindings/EngineError';
import type { ErrorCode } from './bindings/ErrorCode';
import type { PinEdit } from './bindings/PinEdit';
import type { PinterestAppView } from './bindings/PinterestAppView';
import type { QueuedJobs } from './bindings/QueuedJobs';
import type { SchedulingSettings } from './bindings/SchedulingSettings';
import type { SlotPlan } from './bindings/SlotPlan';
import type { SecretsBackend } from './bindings/SecretsBackend';
import type { DesktopPrefs } from './bindings/DesktopPrefs';
import type { LimitSpec } from './bindings/LimitSpec';
import type { AppEvent } from './bindings/AppEvent';
import type { EngineEventBatch } from './bindings/EngineEventBatch';

export type {
  DesktopPrefs,
  AccountLimits,
  LimitSpec,
  ExportKind,
  Forecast,
  ImportFormat,
  ImportMode,
  ImportOptions,
  ImportProgress,
  ImportReport,
  BulkResult,
  ComposeRequest,
  Counters,
  EngineEvent,
  Job,
  JobErrorCode,
  JobEvent,
  LaneSnapshot,
  QueueFilter,
  QueueItem,
  AccountView,
  AppInfo,
  CachedBoard,
  ConnectSummary,
  ConnectTarget,
  CustomServerAppView,
  Disconnected,
  EngineError,
  ErrorCode,
  PinEdit,
  PinterestAppView,
  QueuedJobs,
  SchedulingSettings,
  SecretsBackend,
  SlotPlan,
};

export { commands } from './bindings/commands';
export type { CommandArgs, CommandName, CommandResult } from './bindings/commands';

/** A channel for an import's progress, passed as `progress` to `commands.importPreview` and
 *  `commands.importCommit`. */
export function progressChannel(onProgress: (p: ImportProgress) => void): Channel<ImportProgress> {
  const channel = new Channel<ImportProgress>();
  channel.onmessage = onProgress;
  return channel;
}

/** Files dropped on the window (Tauri's native drag and drop gives their paths). */
export function onFileDrop(handler: (paths: string[]) => void): Promise<UnlistenFn> {
  return listen<{ paths: string[] }>('tauri://drag-drop', (e) => handler(e.payload.paths ?? []));
}

/** Each event's payload, by the event's generated name: a renamed event fails the type check. */
type EventPayloads = {
  'engine-events': EngineEventBatch;
  'accounts-changed': number;
  'connect-url': string;
};
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Checked when compiling: the map names exactly the events the shell declares.
true satisfies Same<keyof EventPayloads, AppEvent>;

function on<K extends AppEvent>(name: K, handler: (payload: EventPayloads[K]) => void): Promise<UnlistenFn> {
  return listen<EventPayloads[K]>(name, (e) => handler(e.payload));
}

/** The engine's events, batched by the shell (at most every 250 ms). `lagged`: re-read. The
 *  screens do not listen here: they read the one coalescing store in ./engineEvents.ts. */
export function onEngineEvents(
  handler: (events: EngineEvent[], lagged: boolean) => void,
): Promise<UnlistenFn> {
  return on('engine-events', (batch) => handler(batch.events, batch.lagged));
}

/** The accounts list changed (connect, disconnect, board sync, needs-reconnect). */
export function onAccountsChanged(handler: () => void): Promise<UnlistenFn> {
  return on('accounts-changed', () => handler());
}

/** The consent page's address, sent when a connect opens the browser. */
export function onConnectUrl(handler: (url: string) => void): Promise<UnlistenFn> {
  return on('connect-url', handler);
}
