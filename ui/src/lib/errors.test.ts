// toUiError: an engine error is kept as it came, but only with a code ErrorCode has; anything
// else (Tauri's string rejections, exceptions, odd shapes) gets the fallback code and a message.
import { describe, expect, it } from 'vitest';
import { FALLBACK_CODE, isEngineError, toUiError } from './errors';

describe('toUiError', () => {
  it('keeps the engine error of a rejected command', () => {
    expect(toUiError({ code: 'database_too_new', message: 'm' })).toEqual({ code: 'database_too_new', message: 'm' });
    expect(isEngineError({ code: 'storage', message: 'x' })).toBe(true);
  });

  it('does not take a code the engine does not have, or a shape that is not its error', () => {
    expect(isEngineError({ code: 'in_the_past', message: 'x' })).toBe(false);
    expect(isEngineError({ code: 3, message: 'x' })).toBe(false);
    expect(isEngineError({ code: 'storage' })).toBe(false);
    expect(isEngineError(null)).toBe(false);
    expect(toUiError({ code: 'in_the_past', message: 'That time has passed' })).toEqual({
      code: FALLBACK_CODE,
      message: 'That time has passed',
    });
  });

  it('gives anything else the fallback code and a readable message', () => {
    expect(FALLBACK_CODE).toBe('invalid_input');
    // Tauri rejects with a string when it cannot read the arguments.
    expect(toUiError('invalid args `accountId` for command `account_boards`')).toEqual({
      code: FALLBACK_CODE,
      message: 'invalid args `accountId` for command `account_boards`',
    });
    expect(toUiError(new TypeError('x is undefined'))).toEqual({ code: FALLBACK_CODE, message: 'x is undefined' });
    expect(toUiError(new Error(''))).toEqual({ code: FALLBACK_CODE, message: 'Error' });
    expect(toUiError(undefined)).toEqual({ code: FALLBACK_CODE, message: 'Unexpected failure: undefined' });
    expect(toUiError('')).toEqual({ code: FALLBACK_CODE, message: 'Unexpected failure: ' });
    expect(toUiError({})).toEqual({ code: FALLBACK_CODE, message: 'Unexpected failure: [object Object]' });
  });
});
