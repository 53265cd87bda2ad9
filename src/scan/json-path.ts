import type { PathSegment } from './json-walker.js';

/** `in_network[3].negotiated_rates[12]`: the form every error message uses for a JSON path. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}
