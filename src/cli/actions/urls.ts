import type { CliIo } from '../io.js';
import { createByteProgress } from '../byte-progress.js';
import { redactUrlsInText } from '../../shared/redact-url.js';
import { formatUtcSeconds, signedUrlExpiry } from '../../sources/signed-url.js';
import { listInNetworkFiles } from '../../toc/list-in-network-files.js';
import { parseTocFilters } from '../../toc/parse-toc-filters.js';
import type { TocFile } from '../../toc/toc-types.js';
import { writeFileAtomically } from '../../writers/atomic-file.js';
import { writeLines, writeText } from '../../writers/write-text.js';

export interface UrlsFlags {
  tocUrl: string;
  planId?: string;
  planName?: string;
  market?: string;
  allowedAmounts?: boolean;
  json?: boolean;
  output?: string;
  userAgent?: string;
}


/** Signed links that have already expired are useless; say so before anyone tries them. */
function expiredLinksWarning(files: TocFile[], nowMs: number): string | undefined {
  const expiries = files
    .map((file) => signedUrlExpiry(file.url))
    .filter((expiry): expiry is Date => expiry !== undefined && expiry.getTime() <= nowMs);
  if (expiries.length === 0) return undefined;
  const earliest = new Date(Math.min(...expiries.map((expiry) => expiry.getTime())));
  return (
    `${expiries.length} of ${files.length} listed URLs are signed links that already expired ` +
    `(earliest ${formatUtcSeconds(earliest)}); fetch the table of contents again for fresh links`
  );
}

/**
 * One URL a line, or a JSON array of { url, description, plans } written file by file: an
 * unfiltered index can tie millions of plans to its files, more than one string may hold.
 */
export async function writeUrlList(files: TocFile[], asJson: boolean, out: NodeJS.WritableStream): Promise<void> {
  if (!asJson) {
    await writeLines(files, out, (file) => `${file.url}\n`);
    return;
  }
  if (files.length === 0) {
    await writeText(out, '[]\n');
    return;
  }
  await writeText(out, '[\n');
  await writeLines(files.entries(), out, ([index, file]) => {
    const item = JSON.stringify(file, null, 2).replaceAll('\n', '\n  ');
    return `  ${item}${index === files.length - 1 ? '\n' : ',\n'}`;
  });
  await writeText(out, ']\n');
}

export async function listUrls(flags: UrlsFlags, io: CliIo): Promise<void> {
  const filters = parseTocFilters(flags);
  const progress = createByteProgress(io, 'reading the table of contents');
  let listing;
  try {
    listing = await listInNetworkFiles(flags.tocUrl, filters, {
      includePlans: flags.json === true,
      userAgent: flags.userAgent,
      onBytes: progress.onBytes,
      onNotice: (message) => io.err.write(`note: ${redactUrlsInText(message)}\n`),
    });
  } finally {
    progress.done();
  }

  const files = flags.allowedAmounts ? listing.allowedAmountFiles : listing.files;
  const kind = flags.allowedAmounts ? 'allowed-amount' : 'in-network';
  const warnings = [...listing.warnings];
  const expired = expiredLinksWarning(files, Date.now());
  if (expired) warnings.push(expired);
  if (files.length === 0 && listing.structuresSelected > 0) warnings.push(`the selected reporting structures list no ${kind} files`);
  for (const warning of warnings) io.err.write(`warning: ${redactUrlsInText(warning)}\n`);

  const asJson = flags.json === true;
  if (flags.output && flags.output !== '-') await writeFileAtomically(flags.output, (out) => writeUrlList(files, asJson, out));
  else await writeUrlList(files, asJson, io.out);
  io.err.write(
    `listed ${files.length} ${kind} files from ${listing.structuresSelected} of ${listing.structuresSeen} reporting structures` +
      `${flags.output && flags.output !== '-' ? ` -> ${flags.output}` : ''}\n`,
  );
}
