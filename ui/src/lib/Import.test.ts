// Export asks before it replaces a file: the engine answers `file_exists` and writes nothing,
// the screen asks, and only "Replace it" sends the export again with replace set.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('./api', async (importOriginal) =>
  (await import('./testing/mockCommands')).withCommands(importOriginal, {
    listAccounts: vi.fn(),
    exportCsv: vi.fn(),
  }),
);

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
