import { describe, expect, it } from 'vitest';
import { envInt } from './env';

describe('envInt', () => {
  it('falls back when unset or blank, parses integers in range, refuses the rest naming the variable', () => {
    expect(envInt({}, 'X_PORT', 3001, 0, 65535)).toBe(3001);
    expect(envInt({ X_PORT: '' }, 'X_PORT', 3001, 0, 65535)).toBe(3001);
    expect(envInt({ X_PORT: '  ' }, 'X_PORT', 3001, 0, 65535)).toBe(3001);
    expect(envInt({ X_PORT: ' 8080 ' }, 'X_PORT', 3001, 0, 65535)).toBe(8080);
    expect(envInt({ X_PORT: '0' }, 'X_PORT', 3001, 0, 65535)).toBe(0);
    expect(envInt({ X_PORT: '65535' }, 'X_PORT', 3001, 0, 65535)).toBe(65535);
    for (const bad of ['65536', '-1', '1.5', 'abc', '1e3', '0x10', '80 80']) {
      expect(() => envInt({ X_PORT: bad }, 'X_PORT', 3001, 0, 65535)).toThrow(/^X_PORT must be an integer in \[0, 65535\]/);
    }
  });
});
