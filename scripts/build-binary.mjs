#!/usr/bin/env node
/**
 * Builds npi-rates as one executable file (Node's single executable applications), for people who
 * want a binary instead of Node and node_modules:
 *
 *   npm run build:binary                 -> build/npi-rates (build/npi-rates.exe on Windows)
 *   node scripts/build-binary.mjs --out DIR
 *
 * Steps: esbuild bundles the CLI into one CommonJS file (Node 20 SEAs run CommonJS only) and the
 * search worker thread into one ES module (it uses top-level await); `node --experimental-sea-config`
 * turns the CLI bundle into a blob; postject injects the blob into a copy of this node binary.
 *
 * Two things the sources expect cannot live inside the executable: the worker file that
 * `new Worker(new URL('./file-worker.js', import.meta.url))` starts, and the package.json that
 * `../../package.json` reads give the version. At start-up the executable writes both, once per
 * build, under ~/.cache/npi-rates/<version>-<hash>/ (XDG_CACHE_HOME is honoured), and every
 * `import.meta.url` in the CLI bundle points into that folder so the relative paths land there.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--out');
const outDir = resolve(outFlag >= 0 ? process.argv[outFlag + 1] : join(root, 'build'));
const workDir = join(outDir, 'sea-work');
const isWindows = process.platform === 'win32';
const isMac = process.platform === 'darwin';
const executable = join(outDir, isWindows ? 'npi-rates.exe' : 'npi-rates');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  write: false,
  logLevel: 'warning',
  legalComments: 'none',
};

async function bundleWorker() {
  const result = await build({
    ...common,
    entryPoints: [join(root, 'src/search/file-worker.ts')],
    format: 'esm',
    // Bundled CommonJS dependencies call require(); an ES module has none unless made.
    banner: { js: "import { createRequire as __npiRatesCreateRequire } from 'node:module'; const require = __npiRatesCreateRequire(import.meta.url);" },
  });
  return result.outputFiles[0].text;
}

function extractionBanner(workerSource) {
  const hash = createHash('sha256').update(workerSource).digest('hex').slice(0, 12);
  const cacheName = `${packageJson.version}-${hash}`;
  const packageText = JSON.stringify({ name: packageJson.name, version: packageJson.version, type: 'module' });
  return `var __npiRatesModuleUrl = (() => {
  const fs = require('node:fs');
  const path = require('node:path');
  const os = require('node:os');
  const url = require('node:url');
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const root = path.join(cacheHome, 'npi-rates', ${JSON.stringify(cacheName)});
  const bundleDir = path.join(root, 'dist', 'bundle');
  const workerPath = path.join(bundleDir, 'file-worker.js');
  if (!fs.existsSync(workerPath)) {
    fs.mkdirSync(bundleDir, { recursive: true, mode: 0o700 });
    // Write under a temporary name and rename, so two processes starting at once never see half a file.
    const write = (file, text) => {
      const temporary = file + '.' + process.pid;
      fs.writeFileSync(temporary, text);
      fs.renameSync(temporary, file);
    };
    write(path.join(root, 'package.json'), ${JSON.stringify(packageText)});
    write(workerPath, ${JSON.stringify(workerSource)});
  }
  return url.pathToFileURL(path.join(bundleDir, 'cli.js')).href;
})();`;
}

async function bundleCli(workerSource) {
  const result = await build({
    ...common,
    stdin: {
      contents: "import { main } from './src/cli/main.ts';\nmain(process.argv).then((code) => { process.exitCode = code; });\n",
      resolveDir: root,
      sourcefile: 'npi-rates-binary-entry.ts',
      loader: 'ts',
    },
    format: 'cjs',
    define: { 'import.meta.url': '__npiRatesModuleUrl' },
    banner: { js: extractionBanner(workerSource) },
  });
  return result.outputFiles[0].text;
}

function run(command, args) {
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });
const workerSource = await bundleWorker();
const cliBundle = join(workDir, 'npi-rates.cjs');
writeFileSync(cliBundle, await bundleCli(workerSource));

const blob = join(workDir, 'sea-prep.blob');
const seaConfig = join(workDir, 'sea-config.json');
writeFileSync(seaConfig, JSON.stringify({ main: cliBundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }));
run(process.execPath, ['--experimental-sea-config', seaConfig]);

rmSync(executable, { force: true });
copyFileSync(process.execPath, executable);
chmodSync(executable, 0o755);
// macOS refuses to run a signed binary that was modified: drop the signature first, re-sign after.
if (isMac) run('codesign', ['--remove-signature', executable]);
const postjectArgs = [executable, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'];
if (isMac) postjectArgs.push('--macho-segment-name', 'NODE_SEA');
run(process.execPath, [join(root, 'node_modules', 'postject', 'dist', 'cli.js'), ...postjectArgs]);
if (isMac) run('codesign', ['--sign', '-', executable]);

process.stderr.write(`built ${executable} (npi-rates ${packageJson.version}, Node ${process.version}, ${process.platform}-${process.arch})\n`);
