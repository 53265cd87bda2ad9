import { describe, expect, it } from 'vitest';
import { uniqueLocations } from '../../src/search/run-search.js';

describe('uniqueLocations', () => {
  it('takes links that differ only in their signature or token as one file, and other query parameters as other files', () => {
    const locations = [
      'https://cdn.test/rates.json.gz?X-Amz-Signature=SECRET1&X-Amz-Date=20261204&file=A',
      'https://cdn.test/rates.json.gz?X-Amz-Signature=SECRET2&X-Amz-Date=20261205&file=A',
      'https://cdn.test/rates.json.gz?sig=abc&file=B',
      'HTTPS://CDN.test/rates.json.gz?file=A',
    ];
    expect(uniqueLocations(locations)).toEqual([locations[0], locations[2]]);
  });
});
