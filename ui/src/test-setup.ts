// Vitest setup for jsdom: jsdom has no matchMedia, which uPlot (the live charts) calls when it is
// imported; a stub that matches nothing lets components that include the charts mount in tests.
if (typeof window !== 'undefined' && typeof window.matchMedia !== 'function') {
  window.matchMedia = (query: string): MediaQueryList =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

// Thumbnails of stored images go through the shell's media protocol (convertFileSrc); give the
// tests the Linux spelling of its address.
import { mockConvertFileSrc } from '@tauri-apps/api/mocks';
mockConvertFileSrc('linux');
