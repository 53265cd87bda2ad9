#!/usr/bin/env node
/**
 * Deterministic synthetic in-network-rates files for the benchmark.
 *
 * The shape follows the issue: tens of thousands of provider groups of 1-30 NPIs, thousands of
 * billing codes with 5-2000 negotiated rates each, each rate pointing at 1-8 groups with 1-4
 * prices, escapes in descriptions, gzip level 6. The file is written as it is generated (never
 * whole in memory) and the number of rows a correct search for the chosen NPI returns is counted
 * on the way, so the benchmark checks correctness as well as speed.
 *
 * Usage: node bench/make-synthetic-mrf.js --variant refs-first --size-mb 64 --seed 1 --out FILE
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** Bumped whenever the output for a given (variant, size, seed) changes, so caches refresh. */
export const GENERATOR_VERSION = 3;

export const VARIANTS = Object.freeze({
  'refs-first': 'provider_references before in_network (the common layout)',
  'in-network-first': 'in_network before provider_references (the search must spool or re-read)',
  'big-item': 'one in_network item of 300 MB (or 60% of a smaller file)',
  'npi-strings': 'NPIs written as strings ("1234567893")',
  'inline-groups': 'provider_groups inline in every negotiated rate (schema v1), no references',
  'npi-5pct': 'the searched NPI sits in 5% of all provider groups',
});

const MIB = 1024 * 1024;
const FLUSH_BYTES = MIB;
const BIG_ITEM_BYTES = 300 * MIB;

/** A small fast seeded generator (mulberry32); every stream of numbers here comes from one. */
function makeRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  return { next, int };
}

/** Mixes a seed and an index into an independent 32-bit seed (murmur3 finaliser). */
function mixSeed(seed, index) {
  let h = (Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Appends the NPI check digit (Luhn over "80840" + the nine digits). */
export function withCheckDigit(nineDigits) {
  let sum = 24; // the "80840" prefix contributes 24
  for (let i = 0; i < 9; i++) {
    let digit = nineDigits.charCodeAt(8 - i) - 48;
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return nineDigits + String((10 - (sum % 10)) % 10);
}

/** Pool NPIs start with 1; the searched NPI starts with 2, so it never appears by accident. */
function poolNpi(seed, index) {
  const body = 100_000_000 + (mixSeed(seed ^ 0x5bd1e995, index) % 900_000_000);
  return withCheckDigit('1' + String(body).slice(1));
}

function targetNpi(seed) {
  const body = 100_000_000 + (mixSeed(seed ^ 0x27d4eb2f, 7) % 900_000_000);
  return withCheckDigit('2' + String(body).slice(1));
}

function groupCountFor(sizeBytes) {
  return Math.min(60_000, Math.max(60, Math.round(sizeBytes / 36_000)));
}

const DESCRIPTIONS = [
  'Office or other outpatient visit, \\"established\\" patient',
  'Drug screen, any number of classes; \\\\ by direct optical observation',
  'Therapeutic procedure, 1 or more areas, each 15 minutes\\nline two',
  'Anesthesia for procedures on the caf\\u00e9 \\u2013 see note\\t(tab)',
  'Magnetic resonance (eg, proton) imaging, brain \\/ stem; without contrast',
  'Emergency department visit \\u0022high\\u0022 complexity',
];
const SERVICE_CODE_SETS = ['["11"]', '["11","22"]', '["02","10","11"]', '["21","22","23","24"]'];
const MODIFIER_SETS = ['[]', '["26"]', '["TC"]', '["26","59"]'];
const BILLING_CODE_TYPES = ['CPT', 'HCPCS', 'MS-DRG', 'RC'];

/**
 * Builds the provider groups. Reference r holds one inner group (15% hold two, with different
 * TINs); `targetHits[r]` says how many of its inner groups hold the searched NPI.
 */
function makeGroups(variant, seed, groupCount, npi) {
  const random = makeRandom(mixSeed(seed, 101));
  const npiAsString = variant === 'npi-strings';
  const innerCounts = new Uint8Array(groupCount);
  let innerTotal = 0;
  for (let r = 0; r < groupCount; r++) {
    innerCounts[r] = random.next() < 0.15 ? 2 : 1;
    innerTotal += innerCounts[r];
  }
  // Which inner groups hold the NPI: 5% of them, or a few (0.05%, at least 3) otherwise.
  const share = variant === 'npi-5pct' ? 0.05 : 0.0005;
  const wanted = Math.max(3, Math.round(innerTotal * share));
  const holds = new Uint8Array(innerTotal);
  for (let placed = 0; placed < wanted; ) {
    const k = random.int(0, innerTotal - 1);
    if (holds[k] === 0) {
      holds[k] = 1;
      placed++;
    }
  }
  const targetHits = new Uint8Array(groupCount);
  const innerJson = []; // per reference: the JSON of its provider_groups array members
  let k = 0;
  let npiPoolIndex = 0;
  for (let r = 0; r < groupCount; r++) {
    const parts = [];
    for (let g = 0; g < innerCounts[r]; g++, k++) {
      const size = random.int(1, 30);
      const npis = [];
      for (let n = 0; n < size; n++) npis.push(poolNpi(seed, (npiPoolIndex++ * 7) % 250_000));
      if (holds[k] === 1) {
        npis[random.int(0, size - 1)] = npi;
        targetHits[r]++;
      }
      const npiJson = npiAsString ? npis.map((value) => `"${value}"`).join(',') : npis.join(',');
      const tin = `${String(10 + (r % 89)).padStart(2, '0')}-${String(1_000_000 + r * 2 + g).slice(-7)}`;
      parts.push(`{"npi":[${npiJson}],"tin":{"type":"ein","value":"${tin}"}}`);
    }
    innerJson.push(parts.join(','));
  }
  const groupsWithNpi = holds.reduce((sum, value) => sum + value, 0);
  return { innerJson, targetHits, innerTotal, groupsWithNpi };
}

function referencesSection(groups) {
  const parts = [];
  for (let r = 0; r < groups.innerJson.length; r++) {
    parts.push(`{"provider_group_id":${r + 1},"provider_groups":[${groups.innerJson[r]}]}`);
  }
  return `"provider_references":[${parts.join(',')}]`;
}

/** A skewed count between 5 and 2000 (log-uniform: many small codes, a few huge ones). */
function rateCount(random) {
  return Math.round(Math.exp(Math.log(5) + random.next() * (Math.log(2000) - Math.log(5))));
}

/**
 * Writes one synthetic MRF to `path` (gzip level 6) and returns what a search must find.
 * @param {{ variant: string, sizeBytes: number, seed: number, path: string }} options
 */
export async function makeSyntheticMrf({ variant, sizeBytes, seed, path }) {
  if (!(variant in VARIANTS)) {
    throw new Error(`unknown variant '${variant}'; expected one of ${Object.keys(VARIANTS).join(', ')}`);
  }
  const npi = targetNpi(seed);
  const groupCount = groupCountFor(sizeBytes);
  const groups = makeGroups(variant, seed, groupCount, npi);
  const isInline = variant === 'inline-groups';
  const random = makeRandom(mixSeed(seed, 202));

  const gzip = createGzip({ level: 6 });
  const source = new PassThrough();
  const finished = pipeline(source, gzip, createWriteStream(`${path}.partial`));
  let pending = [];
  let pendingBytes = 0;
  let writtenBytes = 0;
  const write = async (text) => {
    pending.push(text);
    pendingBytes += text.length;
    writtenBytes += text.length; // every character is ASCII, so characters are bytes
    if (pendingBytes < FLUSH_BYTES) return;
    const ok = source.write(Buffer.from(pending.join(''), 'latin1'));
    pending = [];
    pendingBytes = 0;
    if (!ok) await once(source, 'drain');
  };

  const header =
    '{"reporting_entity_name":"Synthetic Health Plan \\"Bench\\"","reporting_entity_type":"health insurance issuer",' +
    `"last_updated_on":"2025-01-01","version":"${isInline ? '1.0.0' : '1.3.1'}",`;
  const references = isInline ? '' : referencesSection(groups);
  const closing = ']}';
  let expectedRows = 0;
  let items = 0;
  let rates = 0;
  let priceSerial = 0;

  await write(header);
  if (variant !== 'in-network-first' && !isInline) await write(`${references},`);
  await write('"in_network":[');
  const budget = sizeBytes - writtenBytes - closing.length - (variant === 'in-network-first' ? references.length + 1 : 0);
  const inNetworkStart = writtenBytes;
  const bigItemBytes = Math.min(BIG_ITEM_BYTES, Math.round(sizeBytes * 0.6));

  while (writtenBytes - inNetworkStart < budget || items === 0) {
    const code = 10_000 + items;
    const isBigItem = variant === 'big-item' && items === 1;
    const itemRates = isBigItem ? Number.MAX_SAFE_INTEGER : rateCount(random);
    const itemStart = writtenBytes;
    await write(
      `${items > 0 ? ',' : ''}{"negotiation_arrangement":"ffs","name":"Procedure ${code}",` +
        `"billing_code_type":"${BILLING_CODE_TYPES[code % 4]}","billing_code_type_version":"2025",` +
        `"billing_code":"${code}","description":"${DESCRIPTIONS[code % DESCRIPTIONS.length]} #${code}",` +
        '"negotiated_rates":[',
    );
    for (let n = 0; n < itemRates; n++) {
      if (isBigItem ? writtenBytes - itemStart >= bigItemBytes : writtenBytes - inNetworkStart >= budget && n > 0) break;
      const referenceCount = random.int(1, 8);
      const chosen = new Set();
      while (chosen.size < referenceCount) chosen.add(random.int(0, groupCount - 1));
      const priceCount = random.int(1, 4);
      let hits = 0;
      for (const r of chosen) hits += groups.targetHits[r];
      expectedRows += hits * priceCount;

      const prices = [];
      for (let p = 0; p < priceCount; p++) {
        // A serial in the cents makes every price, and so every output row, distinct.
        const cents = 2_000 + (priceSerial++ % 90_000_000);
        const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        const isInstitutional = (cents & 7) === 0;
        prices.push(
          `{"negotiated_type":"${(cents & 3) === 0 ? 'fee schedule' : 'negotiated'}","negotiated_rate":${amount},` +
            `"expiration_date":"9999-12-31",` +
            (isInstitutional
              ? '"billing_class":"institutional"'
              : `"service_code":${SERVICE_CODE_SETS[cents % 4]},"billing_class":"professional"`) +
            `,"billing_code_modifier":${MODIFIER_SETS[(cents >> 2) % 4]}}`,
        );
      }
      const who = isInline
        ? `"provider_groups":[${[...chosen].map((r) => groups.innerJson[r]).join(',')}]`
        : `"provider_references":[${[...chosen].map((r) => r + 1).join(',')}]`;
      await write(`${n > 0 ? ',' : ''}{${who},"negotiated_prices":[${prices.join(',')}]}`);
      rates++;
    }
    await write(']}');
    items++;
  }
  await write(']');
  if (variant === 'in-network-first') await write(`,${references}`);
  await write('}');
  source.end(Buffer.from(pending.join(''), 'latin1'));
  await finished;
  await rename(`${path}.partial`, path);

  const compressedBytes = (await stat(path)).size;
  return {
    generatorVersion: GENERATOR_VERSION,
    variant,
    seed,
    targetBytes: sizeBytes,
    uncompressedBytes: writtenBytes,
    compressedBytes,
    npi,
    expectedRows,
    providerReferences: isInline ? 0 : groupCount,
    providerGroups: groups.innerTotal,
    groupsWithNpi: groups.groupsWithNpi,
    inNetworkItems: items,
    negotiatedRates: rates,
    prices: priceSerial,
  };
}

/** Cache file name for a (variant, size, seed). */
export function cachedFileName(variant, sizeMb, seed) {
  return `${variant}-${sizeMb}mb-seed${seed}.json.gz`;
}

/**
 * Returns the cached file for (variant, size, seed), generating it first when missing or made
 * by another generator version. The metadata sits beside it as `<file>.meta.json`.
 */
export async function ensureSyntheticMrf({ variant, sizeMb, seed, cacheDir, log = () => {} }) {
  const path = join(cacheDir, cachedFileName(variant, sizeMb, seed));
  const metaPath = `${path}.meta.json`;
  try {
    const meta = JSON.parse(await readFile(metaPath, 'utf8'));
    if (meta.generatorVersion === GENERATOR_VERSION && (await stat(path)).size === meta.compressedBytes) {
      return { path, meta };
    }
  } catch {
    // Not cached yet (or unreadable): generate below.
  }
  await mkdir(dirname(path), { recursive: true });
  const startedAt = performance.now();
  log(`generating ${variant} ${sizeMb} MB (seed ${seed}) ...`);
  const meta = await makeSyntheticMrf({ variant, sizeBytes: sizeMb * MIB, seed, path });
  meta.generateSeconds = Number(((performance.now() - startedAt) / 1000).toFixed(1));
  await writeFile(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  log(`  done in ${meta.generateSeconds} s: ${(meta.compressedBytes / MIB).toFixed(1)} MB gzip`);
  return { path, meta };
}

function parseArguments(argv) {
  const options = { variant: 'refs-first', sizeMb: 16, seed: 1, out: '' };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[++i];
    if (name === '--variant') options.variant = value;
    else if (name === '--size-mb') options.sizeMb = Number(value);
    else if (name === '--seed') options.seed = Number(value);
    else if (name === '--out') options.out = value;
    else throw new Error(`unknown option '${name}'; use --variant, --size-mb, --seed, --out`);
  }
  if (!options.out) options.out = cachedFileName(options.variant, options.sizeMb, options.seed);
  return options;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = parseArguments(process.argv.slice(2));
  const meta = await makeSyntheticMrf({
    variant: options.variant,
    sizeBytes: Math.round(options.sizeMb * MIB),
    seed: options.seed,
    path: options.out,
  });
  process.stdout.write(`${JSON.stringify({ path: options.out, ...meta }, null, 2)}\n`);
}
