import { describe, expect, it } from 'vitest';
import { describeError, isEngineError } from './api';

describe('engine errors', () => {
  it('recognises the {code, message} shape', () => {
    expect(isEngineError({ code: 'storage', message: 'x' })).toBe(true);
    expect(isEngineError({ code: 3, message: 'x' })).toBe(false);
    expect(isEngineError('boom')).toBe(false);
    expect(isEngineError(null)).toBe(false);
  });

  it('keeps the code, or says unexpected', () => {
    expect(describeError({ code: 'database_too_new', message: 'm' })).toEqual({
      code: 'database_too_new',
      message: 'm',
    });
    expect(describeError(new Error('raw'))).toEqual({ code: 'unexpected', message: 'Error: raw' });
  });
});
