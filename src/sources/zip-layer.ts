import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openPromise, type Entry } from 'yauzl';
import { NpiRatesError } from '../shared/errors.js';

/** Files of the archive, leaving out folders and macOS resource forks. */
function isFileMember(entry: Entry): boolean {
  const name = entry.fileName;
  return !name.endsWith('/') && !name.startsWith('__MACOSX/') && !path.posix.basename(name).startsWith('._');
}

/** Members named as rate files: `.json` or `.json.gz`. */
function isJsonMember(entry: Entry): boolean {
  return /\.json(\.gz)?$/i.test(entry.fileName);
}

function zipError(code: string, sourceName: string, message: string, hint: string, cause?: unknown): NpiRatesError {
  return new NpiRatesError(code, `${sourceName}: ${message}`, { hint, cause });
}

/**
 * The JSON member of a ZIP archive. A ZIP's directory sits at its end, so reading it from the
 * front is unreliable (sizes may only follow the data); the archive is spooled to a temporary
 * file instead, read with yauzl, and deleted afterwards. ZIP-packaged MRFs are rare, so the
 * extra disk pass is accepted. The only file of the archive is read, whatever its name; among
 * several, exactly one `.json`/`.json.gz` member is expected, and README files and the like are skipped.
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
      const files: Entry[] = [];
      for await (const entry of zipFile.eachEntry()) {
        names.push(entry.fileName);
        if (isFileMember(entry)) files.push(entry);
      }
      // The bytes, not the name, tell what a member holds (a zip made from a pipe names it "-"),
      // so an archive of one file is read whatever its name; among several, the .json one.
      const members = files.length === 1 ? files : files.filter(isJsonMember);
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
