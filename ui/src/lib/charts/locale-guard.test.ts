// The locale guard: a navigator.language Intl rejects ("C") is replaced before uPlot loads.
import { describe, expect, it, vi } from 'vitest';

describe('locale guard', () => {
  it('replaces a language tag Intl cannot use', async () => {
    Object.defineProperty(navigator, 'language', { value: 'C', configurable: true });
    vi.resetModules();
    await import('./locale-guard');
    expect(() => new Intl.NumberFormat(navigator.language)).not.toThrow();
    expect(navigator.language).not.toBe('C');
  });
});
