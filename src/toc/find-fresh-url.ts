import type { TocFile } from './toc-types.js';

/** The URL without query and fragment: what stays the same when a CDN signs a link again. */
function unsignedForm(url: string): string {
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : url.slice(0, cut);
}

/**
 * After a signed link expired (HTTP 403), the same file in a freshly read table of contents: the
 * listed URL with the same scheme, host and path but a different query. Undefined when the index
 * no longer lists the file or lists it with the same (still stale) signature.
 */
export function findFreshUrl(files: readonly TocFile[], staleUrl: string): string | undefined {
  const wanted = unsignedForm(staleUrl);
  return files.find((file) => file.url !== staleUrl && unsignedForm(file.url) === wanted)?.url;
}
