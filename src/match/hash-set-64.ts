/**
 * A set of row hashes (integers below 2^53) in one Float64Array: open addressing, linear
 * probing, at most half full. 16 bytes a member and no object per member, where a JavaScript
 * Set of non-small numbers costs about twice that and keeps the garbage collector busy.
 */
export class HashSet64 {
  private slots = new Float64Array(1024);
  private mask = 1023;
  size = 0;

  /** Bytes the set holds. */
  get byteLength(): number {
    return this.slots.byteLength;
  }

  has(hash: number): boolean {
    const key = hash + 1; // 0 marks an empty slot
    const slots = this.slots;
    for (let slot = (key >>> 0) & this.mask; slots[slot] !== 0; slot = (slot + 1) & this.mask) {
      if (slots[slot] === key) return true;
    }
    return false;
  }

  add(hash: number): void {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    this.insert(hash + 1);
  }

  private insert(key: number): void {
    const slots = this.slots;
    let slot = (key >>> 0) & this.mask;
    while (slots[slot] !== 0) {
      if (slots[slot] === key) return;
      slot = (slot + 1) & this.mask;
    }
    slots[slot] = key;
    this.size++;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.mask = this.slots.length - 1;
    this.size = 0;
    for (const key of old) if (key !== 0) this.insert(key);
  }
}
