import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/helpers/shared-dir.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * `../shared` beside the repository holds the CMS example files and the real-world bug cases.
 * CI always has it; a clone elsewhere skips the suites that read it (our own fixtures under
 * test/fixtures still cover every schema shape).
 */
export const sharedDir = resolve(repoRoot, '..', 'shared');
export const hasSharedDir = existsSync(resolve(sharedDir, 'cases')) && existsSync(resolve(sharedDir, 'fixtures'));
export const sharedSkipReason = `../shared (CMS fixtures and bug cases) not found beside the repository at ${sharedDir}`;
