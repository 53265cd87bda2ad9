import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/capture-io.js';
import { repoRoot } from '../helpers/shared-dir.js';

const sample = resolve(repoRoot, 'samples', 'in-network-sample.json.gz');

describe('search options that refine another one', () => {
  it('refuses them alone (exit 2) rather than running another search than the one asked for', async () => {
    const cases: Array<[string[], string]> = [
      [['--plan-id', '12-3456789'], '--plan-id works only with --toc-url'],
      [['--market', 'group'], '--market works only with --toc-url'],
      [['--pick', '1'], '--pick works only with --provider-name'],
      [['--state', 'NY'], '--state works only with --provider-name'],
    ];
    for (const [extra, message] of cases) {
      const result = await runMain('search', '--npi', '1234567893', '--url', sample, '-o', '-', '--no-progress', '--no-lookup', ...extra);
      expect(result.code, extra.join(' ')).toBe(2);
      expect(result.err).toContain(`error: ${message}`);
      expect(result.out).toBe('');
    }
  });
});
