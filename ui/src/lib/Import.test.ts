// Export asks before it replaces a file: the engine answers `file_exists` and writes nothing,
// the screen asks, and only "Replace it" sends the export again with replace set. An import's
// images outside the file's folder are listed, and allowed (exactly those) only when told.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('./api', async (importOriginal) => ({
  ...(await (await import('./testing/mockCommands')).withCommands(importOriginal, {
    listAccounts: vi.fn(),
    exportCsv: vi.fn(),
    importPreview: vi.fn(),
  })),
  // A Tauri channel needs the shell; the preview's progress is not under test here.
  progressChannel: vi.fn(() => ({})),
}));

import Import from './Import.svelte';
import * as api from './api';

beforeEach(() => {
  vi.clearAllMocks();
  vi.mocked(api.commands.listAccounts).mockResolvedValue([]);
});
afterEach(() => cleanup());

describe('Import: export', () => {
  it('asks before replacing an existing file, and replaces it only when told', async () => {
    const exportCsv = vi.mocked(api.commands.exportCsv);
    exportCsv.mockRejectedValueOnce({ code: 'file_exists', message: '/tmp/q.csv already exists; replace it?' });
    exportCsv.mockResolvedValueOnce(12);
    render(Import);
    await fireEvent.input(screen.getByTestId('export-path'), { target: { value: '/tmp/q.csv' } });
    await fireEvent.click(screen.getByText('Export the queue'));
    await screen.findByTestId('export-replace-ask');
    expect(exportCsv).toHaveBeenCalledWith('queue', '/tmp/q.csv', false);
    expect(screen.queryByText(/Wrote/)).toBeNull();
    await fireEvent.click(screen.getByTestId('export-replace'));
    await waitFor(() => expect(screen.getByText('Wrote 12 rows to /tmp/q.csv.')).toBeTruthy());
    expect(exportCsv).toHaveBeenLastCalledWith('queue', '/tmp/q.csv', true);
    expect(screen.queryByTestId('export-replace-ask')).toBeNull();
  });

  it('keeps the file when the user says so', async () => {
    vi.mocked(api.commands.exportCsv).mockRejectedValueOnce({ code: 'file_exists', message: 'exists' });
    render(Import);
    await fireEvent.input(screen.getByTestId('export-path'), { target: { value: '/tmp/h.csv' } });
    await fireEvent.click(screen.getByText('Export the history'));
    await fireEvent.click(await screen.findByText('Keep it'));
    expect(screen.queryByTestId('export-replace-ask')).toBeNull();
    expect(api.commands.exportCsv).toHaveBeenCalledTimes(1);
  });
});

describe('Import: images outside the file folder', () => {
  const report = (allowed: boolean) => ({
    format: 'pinpace_csv',
    committed: false,
    counts: { rows: 2, valid: allowed ? 2 : 1, invalid: allowed ? 0 : 1, already_imported: 0, warned: 0, pins_created: 0, jobs_created: 0 },
    file_issues: [],
    rows: [],
    rows_not_listed: 0,
    outside_media: ['/home/u/Pictures/id.jpg'],
    outside_media_count: 1,
  });

  it('lists them, and allows exactly the listed images only when told', async () => {
    const preview = vi.mocked(api.commands.importPreview);
    preview.mockResolvedValueOnce(report(false) as never);
    preview.mockResolvedValueOnce(report(true) as never);
    render(Import);
    await fireEvent.input(screen.getByTestId('import-path'), { target: { value: '/tmp/in/pins.csv' } });
    await fireEvent.click(screen.getByTestId('import-preview'));
    const notice = await screen.findByTestId('import-outside');
    expect(notice.textContent).toContain('/home/u/Pictures/id.jpg');
    expect(notice.textContent).toContain('not imported unless you allow them');
    expect(preview.mock.calls[0][2]).toMatchObject({ allowed_outside_media: [], allow_any_outside_media: false });
    await fireEvent.click(screen.getByTestId('import-allow-outside'));
    await waitFor(() => expect(preview).toHaveBeenCalledTimes(2));
    expect(preview.mock.calls[1][2]).toMatchObject({
      allowed_outside_media: ['/home/u/Pictures/id.jpg'],
      allow_any_outside_media: false,
    });
    await waitFor(() => expect(screen.getByTestId('import-outside').textContent).toContain('allowed by you'));
    expect(screen.queryByTestId('import-allow-outside')).toBeNull();
    // A new file forgets the allowance.
    await fireEvent.input(screen.getByTestId('import-path'), { target: { value: '/tmp/other.csv' } });
    preview.mockResolvedValueOnce(report(false) as never);
    await fireEvent.click(screen.getByTestId('import-preview'));
    await waitFor(() => expect(preview).toHaveBeenCalledTimes(3));
    expect(preview.mock.calls[2][2]).toMatchObject({ allowed_outside_media: [] });
  });
});
