// uPlot formats numbers with `new Intl.NumberFormat(navigator.language)` as soon as it is
// imported. Under the POSIX "C" locale (a minimal Linux session, the test display) WebKit reports
// `navigator.language` as "C", which Intl rejects with a RangeError, and the charts never load.
// Imported before uPlot, this swaps an unusable tag for the runtime's own default locale.
function usable(tag: string): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

if (typeof navigator !== 'undefined' && !usable(navigator.language)) {
  const fallback = new Intl.NumberFormat().resolvedOptions().locale || 'en-US';
  try {
    Object.defineProperty(navigator, 'language', { value: fallback, configurable: true });
  } catch {
    // Not redefinable here: the charts' box then shows why it could not load.
  }
}

export {};
