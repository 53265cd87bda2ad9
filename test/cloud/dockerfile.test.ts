/**
 * No Docker engine here, so the Dockerfile is checked by reading it: multi-stage, linux/amd64,
 * a small Node 20 runtime stage with only the built CLI, the entrypoint wired, nothing the build
 * context lacks.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './cloud-run-env.js';

interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let stage = -1;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    const [keyword, ...rest] = full.split(/\s+/);
    if (keyword.toUpperCase() === 'FROM') stage += 1;
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), stage });
  }
  return instructions;
}

const dockerfile = parseDockerfile(readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'));
const dockerignore = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const froms = dockerfile.filter((instruction) => instruction.keyword === 'FROM');
const finalStage = froms.length - 1;
const inFinalStage = (keyword: string) => dockerfile.filter((instruction) => instruction.stage === finalStage && instruction.keyword === keyword);

describe('Dockerfile', () => {
  it('builds in one stage and runs from a second, both for linux/amd64 on Node 20', () => {
    expect(froms.map((from) => from.args)).toEqual([
      '--platform=linux/amd64 node:20-bookworm-slim AS build',
      '--platform=linux/amd64 node:20-bookworm-slim AS runtime',
    ]);
  });

  it('installs from the lock file and prunes dev dependencies after compiling', () => {
    const runs = dockerfile.filter((instruction) => instruction.stage === 0 && instruction.keyword === 'RUN').map((instruction) => instruction.args);
    expect(runs[0]).toMatch(/^npm ci\b/);
    expect(runs[1]).toBe('npm run build && npm prune --omit=dev --no-audit --no-fund');
  });

  it('copies only the compiled CLI, production modules and the entrypoint into the runtime stage', () => {
    const copies = inFinalStage('COPY').map((instruction) => instruction.args);
    expect(copies).toEqual([
      '--from=build /app/package.json ./package.json',
      '--from=build /app/node_modules ./node_modules',
      '--from=build /app/dist ./dist',
      'bin ./bin',
      'docker/entrypoint.sh /usr/local/bin/npi-rates-entrypoint',
    ]);
    expect(copies.some((args) => /(^|\s)src\b/.test(args))).toBe(false);
  });

  it('runs as the unprivileged node user through the entrypoint, with npi-rates on PATH', () => {
    expect(inFinalStage('USER').map((instruction) => instruction.args)).toEqual(['node']);
    expect(inFinalStage('ENTRYPOINT').map((instruction) => JSON.parse(instruction.args) as string[])).toEqual([['/usr/local/bin/npi-rates-entrypoint']]);
    expect(inFinalStage('RUN').map((instruction) => instruction.args).join(' ')).toContain('ln -s /app/bin/npi-rates.js /usr/local/bin/npi-rates');
  });

  it('copies nothing from the build context that is missing or excluded by .dockerignore', () => {
    const contextSources = dockerfile
      .filter((instruction) => instruction.keyword === 'COPY' && !instruction.args.startsWith('--from='))
      .flatMap((instruction) => instruction.args.split(/\s+/).slice(0, -1));
    expect(contextSources).toEqual(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'bin', 'docker/entrypoint.sh']);
    for (const source of contextSources) {
      expect(existsSync(path.join(REPO_ROOT, source)), source).toBe(true);
      expect(dockerignore.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)), source).toBe(false);
    }
    for (const heavy of ['node_modules', 'dist', '.git', 'test']) expect(dockerignore).toContain(heavy);
  });
});
