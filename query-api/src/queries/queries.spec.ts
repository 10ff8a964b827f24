import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderHotQueries } from './generate';

const dir = fileURLToPath(new URL('.', import.meta.url));

describe('committed hot-query SQL', () => {
  it('matches what the repositories generate', async () => {
    const rendered = await renderHotQueries();
    for (const [name, text] of Object.entries(rendered)) {
      const file = `${dir}${name}.sql`;
      if (process.env.UPDATE_SQL) writeFileSync(file, text);
      expect(readFileSync(file, 'utf8'), `${name}.sql is stale: UPDATE_SQL=1 npx vitest run query-api/src/queries`).toBe(text);
    }
  });
});
