// Typed wrappers over the Tauri commands and events. Every command goes through `call`, whose
// names, argument names and types and result types come from ./bindings/commands.ts (generated
// from the #[tauri::command] signatures by tests/command_bindings/; the types themselves by
// ts-rs), so a change on one side breaks the type check.
import { Channel, invoke } from '@tauri-apps/api/core';
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
import type { JobEvent } from './bindings/JobEvent';
import type { LaneSnapshot } from './bindings/LaneSnapshot';
import type { QueueFilter } from './bindings/QueueFilter';
import type { QueueItem } from './bindings/QueueItem';
import type { AppInfo } from './bindings/AppInfo';
import type { CachedBoard } from './bindings/CachedBoard';
import type { ConnectSummary } from './bindings/ConnectSummary';
import type { ConnectTarget } from './bindings/ConnectTarget';
import type { Disconnected } from './bindings/Disconnected';
import type { EngineError } from './bindings/EngineError';
import type { PinEdit } from './bindings/PinEdit';
import type { PinterestAppView } from './bindings/PinterestAppView';
import type { QueuedJobs } from './bindings/QueuedJobs';
import type { SchedulingSettings } from './bindings/SchedulingSettings';
import type { SlotPlan } from './bindings/SlotPlan';
import type { SecretsBackend } from './bindings/SecretsBackend';
import type { DesktopPrefs } from './bindings/DesktopPrefs';
import type { LimitSpec } from './bindings/LimitSpec';
import type { CommandArgs, CommandName, CommandResult } from './bindings/commands';
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
  EngineEvent,
  Job,
  JobEvent,
  LaneSnapshot,
  QueueFilter,
  QueueItem,
  AccountView,
  AppInfo,
  CachedBoard,
  ConnectSummary,
  ConnectTarget,
  Disconnected,
  EngineError,
  PinEdit,
  PinterestAppView,
  QueuedJobs,
  SchedulingSettings,
  SecretsBackend,
  SlotPlan,
};

/** Invokes a command by its Rust name; the arguments are omitted when it takes none. */
function call<K extends CommandName>(
  name: K,
  ...args: CommandArgs<K> extends Record<string, never> ? [] : [CommandArgs<K>]
): Promise<CommandResult<K>> {
  return invoke<CommandResult<K>>(name, args[0]);
}

export function appInfo(): Promise<AppInfo> {
  return call('app_info');
}

export function listAccounts(): Promise<AccountView[]> {
  return call('list_accounts');
}

export function accountBoards(accountId: number): Promise<CachedBoard[]> {
  return call('account_boards', { accountId });
}

export function refreshBoards(accountId: number): Promise<number> {
  return call('refresh_boards', { accountId });
}

export function connectAccount(target: ConnectTarget): Promise<ConnectSummary> {
  return call('connect_account', { target });
}

export function reconnectAccount(accountId: number): Promise<ConnectSummary> {
  return call('reconnect_account', { accountId });
}

export function cancelConnect(): Promise<void> {
  return call('cancel_connect');
}

export function disconnectAccount(accountId: number, queued: QueuedJobs): Promise<Disconnected> {
  return call('disconnect_account', { accountId, queued });
}

export function pinterestApp(): Promise<PinterestAppView> {
  return call('pinterest_app');
}

export function savePinterestApp(
  clientId: string,
  clientSecret: string | null,
  redirectPort: number,
): Promise<PinterestAppView> {
  return call('save_pinterest_app', { clientId, clientSecret, redirectPort });
}

export function chooseSecretsBackend(backend: SecretsBackend): Promise<PinterestAppView> {
  return call('choose_secrets_backend', { backend });
}

export function composePin(request: ComposeRequest): Promise<number[]> {
  return call('compose_pin', { request });
}

export function listQueue(filter: QueueFilter): Promise<QueueItem[]> {
  return call('list_queue', { filter });
}

export function cancelJobs(jobIds: number[]): Promise<BulkResult> {
  return call('cancel_jobs', { jobIds });
}

export function retryJobs(jobIds: number[]): Promise<BulkResult> {
  return call('retry_jobs', { jobIds });
}

/** Holds the jobs as drafts (account, board and time kept): nothing is sent until moved. */
export function holdJobs(jobIds: number[]): Promise<BulkResult> {
  return call('hold_jobs', { jobIds });
}

/** Moves the jobs, in order, to `at` and every `spacingMinutes` after it. */
export function moveJobs(jobIds: number[], at: string, spacingMinutes: number): Promise<BulkResult> {
  return call('move_jobs', { jobIds, at, spacingMinutes });
}

export function reschedule(jobId: number, at: string): Promise<void> {
  return call('reschedule', { jobId, at });
}

/** Edits a job's pin (text, board, section) and queues it again, now or at `edit.at`. A refused
 *  edit changes nothing. */
export function editAndRequeue(jobId: number, edit: PinEdit): Promise<Job> {
  return call('edit_and_requeue', { jobId, edit });
}

export function jobHistory(jobId: number): Promise<JobEvent[]> {
  return call('job_history', { jobId });
}

export function counters(): Promise<Counters> {
  return call('counters');
}

export function forecast(): Promise<Forecast> {
  return call('forecast');
}

export function lanes(): Promise<LaneSnapshot[]> {
  return call('lanes');
}

function progressChannel(onProgress: (p: ImportProgress) => void): Channel<ImportProgress> {
  const channel = new Channel<ImportProgress>();
  channel.onmessage = onProgress;
  return channel;
}

/** Checks every row of the file and reports; writes nothing. */
export function importPreview(
  path: string,
  format: ImportFormat,
  options: ImportOptions,
  onProgress: (p: ImportProgress) => void,
): Promise<ImportReport> {
  return call('import_preview', {
    path,
    format,
    options,
    progress: progressChannel(onProgress),
  });
}

/** Imports the file: every valid row, or (all_or_nothing) nothing unless all are valid. */
export function importCommit(
  path: string,
  format: ImportFormat,
  options: ImportOptions,
  mode: ImportMode,
  onProgress: (p: ImportProgress) => void,
): Promise<ImportReport> {
  return call('import_commit', {
    path,
    format,
    options,
    mode,
    progress: progressChannel(onProgress),
  });
}

export function exportCsv(kind: ExportKind, path: string): Promise<number> {
  return call('export_csv', { kind, path });
}

export function schedulingSettings(): Promise<SchedulingSettings> {
  return call('scheduling_settings');
}

export function saveSchedulingSettings(settings: SchedulingSettings): Promise<SchedulingSettings> {
  return call('save_scheduling_settings', { settings });
}

export function accountSlots(accountId: number): Promise<SlotPlan | null> {
  return call('account_slots', { accountId });
}

export function setAccountSlots(accountId: number, plan: SlotPlan): Promise<void> {
  return call('set_account_slots', { accountId, plan });
}

/** The account's next slot no pin holds yet (RFC 3339). */
export function nextSlot(accountId: number): Promise<string> {
  return call('next_slot', { accountId });
}

/** A local PNG/JPEG as a `data:` URL for previews (refused if it is not one). */
export function imagePreview(path: string): Promise<string> {
  return call('image_preview', { path });
}

/** The system's file dialog for an image; null when cancelled. */
export function pickImage(): Promise<string | null> {
  return call('pick_image');
}

/** Files dropped on the window (Tauri's native drag and drop gives their paths). */
export function onFileDrop(handler: (paths: string[]) => void): Promise<UnlistenFn> {
  return listen<{ paths: string[] }>('tauri://drag-drop', (e) => handler(e.payload.paths ?? []));
}

/** An account's tier or own limits; applied to the running pacer. Returns the limits in force. */
export function setAccountLimits(accountId: number, limits: AccountLimits): Promise<LimitSpec[]> {
  return call('set_account_limits', { accountId, limits });
}

export function desktopPrefs(): Promise<DesktopPrefs> {
  return call('desktop_prefs');
}

/** Saves the desktop preferences; an unknown time zone is refused and nothing changes. */
export function saveDesktopPrefs(prefs: DesktopPrefs): Promise<DesktopPrefs> {
  return call('save_desktop_prefs', { prefs });
}

/** Opens the folder of the desktop's log files in the file manager; resolves to its path. */
export function openLogFolder(): Promise<string> {
  return call('open_log_folder');
}

export function launchAtLogin(): Promise<boolean> {
  return call('launch_at_login');
}

export function setLaunchAtLogin(enabled: boolean): Promise<boolean> {
  return call('set_launch_at_login', { enabled });
}

/** Pauses (or resumes) every account; kept across restarts. */
export function setPausedAll(paused: boolean): Promise<void> {
  return call('set_paused_all', { paused });
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

/** The engine's events, batched by the shell (at most every 250 ms). `lagged`: re-read. */
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
