/**
 * Compressed test inputs made in memory: a small MRF-shaped JSON document of any size, and ZIP
 * archives (written here by hand, stored or deflated members) so no binary fixture is checked in.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** A valid in-network JSON document of at least `minBytes` bytes (filler items repeat). */
export function sampleMrfJson(minBytes = 1024): Buffer {
  const head =
    '{"reporting_entity_name":"Example Health","version":"1.0.0","provider_references":' +
    '[{"provider_group_id":1,"provider_groups":[{"npi":[1234567893],"tin":{"type":"ein","value":"11-1000001"}}]}],' +
    '"in_network":[';
  const item = (index: number): string =>
    `{"billing_code":"${99000 + (index % 1000)}","billing_code_type":"CPT","negotiated_rates":` +
    `[{"provider_references":[1],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":${(index % 500) + 0.5}}]}]}`;
  const items: string[] = [];
  let length = head.length + 2;
  for (let index = 0; length < minBytes || index === 0; index++) {
    const text = item(index);
    items.push(text);
    length += text.length + 1;
  }
  return Buffer.from(`${head}${items.join(',')}]}`, 'utf8');
}

export interface ZipMember {
  name: string;
  data: Uint8Array;
  /** Stored (no compression) instead of deflated. */
  store?: boolean;
}

/** A ZIP archive (local headers, central directory, end record) holding `members` in order. */
export function makeZip(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const member of members) {
    const name = Buffer.from(member.name, 'utf8');
    const payload = member.store ? Buffer.from(member.data) : deflateRawSync(member.data);
    const method = member.store ? 0 : 8;
    const checksum = crc32(member.data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(payload.length, 18);
    local.writeUInt32LE(member.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, payload);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(payload.length, 20);
    central.writeUInt32LE(member.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + payload.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** `data` cut into pieces of `size` bytes, as an async stream (size 1 = byte by byte). */
export async function* inPieces(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < data.length; start += size) yield data.subarray(start, start + size);
}

/** Everything a byte stream yields, joined. */
export async function collectBytes(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  for await (const chunk of stream) pieces.push(chunk);
  return Buffer.concat(pieces);
}
