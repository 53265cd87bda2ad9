import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openPromise, type Entry } from 'yauzl';
import { NpiRatesError } from '../shared/errors.js';

/** Members that hold the rates: `.json` or `.json.gz`, outside macOS resource-fork folders. */
function isRatesMember(entry: Entry): boolean {
  const name = entry.fileName;
  if (name.endsWith('/') || name.startsWith('__MACOSX/') || path.posix.basename(name).startsWith('._')) return false;
  return /\.json(\.gz)?$/i.test(name);
}

function zipError(code: string, sourceName: string, message: string, hint: string, cause?: unknown): NpiRatesError {
  return new NpiRatesError(code, `${sourceName}: ${message}`, { hint, cause });
}

/**
 * The JSON member of a ZIP archive. A ZIP's directory sits at its end, so reading it from the
 * front is unreliable (sizes may only follow the data); the archive is spooled to a temporary
 * file instead, read with yauzl, and deleted afterwards. ZIP-packaged MRFs are rare, so the
 * extra disk pass is accepted. Exactly one `.json`/`.json.gz` member is expected; README files
 * and the like are skipped.
 */
export async function* zipJsonMember(raw: AsyncIterable<Uint8Array>, sourceName: string): AsyncGenerator<Uint8Array> {
  const directory = await mkdtemp(path.join(tmpdir(), 'npi-rates-zip-'));
  try {
    const archivePath = path.join(directory, 'archive.zip');
    await pipeline(Readable.from(raw), createWriteStream(archivePath));

    let zipFile;
    try {
      zipFile = await openPromise(archivePath, { autoClose: false });
    } catch (error) {
      throw zipError('NPI_RATES_BAD_ZIP', sourceName, `unreadable ZIP archive (${(error as Error).message})`,
        'the download may be incomplete: download it again', error);
    }
    try {
      const names: string[] = [];
      const members: Entry[] = [];
      for await (const entry of zipFile.eachEntry()) {
        names.push(entry.fileName);
        if (isRatesMember(entry)) members.push(entry);
      }
      if (members.length !== 1) {
        const problem = members.length === 0 ? 'no .json member' : `${members.length} .json members`;
        throw zipError('NPI_RATES_ZIP_MEMBERS', sourceName, `ZIP archive has ${problem} (members: ${names.join(', ') || 'none'})`,
          members.length === 0
            ? 'the archive does not hold an in-network rate file'
            : 'unpack the archive and search each JSON file separately');
      }
      const memberStream = await zipFile.openReadStreamPromise(members[0]);
      yield* memberStream as AsyncIterable<Buffer>;
    } catch (error) {
      if (error instanceof NpiRatesError) throw error;
      throw zipError('NPI_RATES_BAD_ZIP', sourceName, `damaged ZIP archive (${(error as Error).message})`,
        'download it again; if the error repeats, report it to the publisher', error);
    } finally {
      zipFile.close();
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
