import { describe, expect, it } from 'vitest';
import { findFreshUrl } from '../../src/toc/find-fresh-url.js';

const stale = 'https://d1example.cloudfront.test/mrf/2023-11_ppo.json.gz?Expires=1700000000&Signature=abc&Key-Pair-Id=K0EXAMPLE';

describe('findFreshUrl', () => {
  it('finds the same file with a new signature in a re-read index', () => {
    const fresh = 'https://d1example.cloudfront.test/mrf/2023-11_ppo.json.gz?Expires=1800000000&Signature=def&Key-Pair-Id=K0EXAMPLE';
    const files = [{ url: 'https://d1example.cloudfront.test/mrf/other.json.gz?Expires=1800000000', plans: [] }, { url: fresh, plans: [] }];
    expect(findFreshUrl(files, stale)).toBe(fresh);
  });

  it('finds nothing when the index still holds the stale link or no longer lists the file', () => {
    expect(findFreshUrl([{ url: stale, plans: [] }], stale)).toBeUndefined();
    expect(findFreshUrl([], stale)).toBeUndefined();
  });
});
