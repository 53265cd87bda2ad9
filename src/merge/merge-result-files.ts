import type { SearchOutput } from '../search/rate-row.js';
import { collectMergeSources } from './collect-merge-inputs.js';
import { mergeSearchOutputs } from './merge-search-outputs.js';
import { parseSearchOutput } from './read-search-output.js';

export interface MergedResultFiles {
  document: SearchOutput;
  /** The files that went into it, in merge order. */
  sourceNames: string[];
}

/** Reads, checks and merges result files given as paths, folders, S3 objects or S3 prefixes. */
export async function mergeResultFiles(locations: readonly string[], region?: string): Promise<MergedResultFiles> {
  // The same file named twice (a.json a.json, or a file and its folder) is read once.
  const sources = (await collectMergeSources(locations, region)).filter(
    (source, index, all) => all.findIndex((other) => other.name === source.name) === index,
  );
  const documents: SearchOutput[] = [];
  for (const source of sources) documents.push(parseSearchOutput(await source.readText(), source.name));
  const sourceNames = sources.map((source) => source.name);
  return { document: mergeSearchOutputs(documents, sourceNames), sourceNames };
}
