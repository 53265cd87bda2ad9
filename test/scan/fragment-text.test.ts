import { describe, expect, it } from 'vitest';
import { fragmentText } from '../../src/scan/fragment-text.js';

describe('fragmentText', () => {
  it('reads UTF-8 as UTF-8, and Windows-1252 bytes beside it as Windows-1252, pointing at the first', () => {
    expect(fragmentText(Buffer.from('"Café 漢😀"'))).toEqual({ text: '"Café 漢😀"' });
    // "Café é漢😀" whose first é is the Windows-1252 byte E9; the rest is UTF-8; 0x96 is an en dash.
    const mixed = Buffer.concat([Buffer.from('"Caf'), Buffer.from([0xe9, 0x20, 0x96, 0x20]), Buffer.from('é漢😀"')]);
    expect(fragmentText(mixed)).toEqual({ text: '"Café – é漢😀"', notUtf8At: 4 });
  });
});
