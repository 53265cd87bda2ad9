/**
 * Finds `needle` in `haystack` from `from`. Uses Node's Buffer search (memchr-based) when the
 * runtime has it, and a plain loop elsewhere, so the scanner itself stays free of node: imports.
 */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  if (NodeBuffer) {
    if (haystack instanceof NodeBuffer) return haystack.indexOf(needle, from);
    const view = NodeBuffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
    return view.indexOf(needle, from);
  }
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i >= 0 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

export function asciiBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
