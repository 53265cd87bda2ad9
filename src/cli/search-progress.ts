import type { MultiBar, SingleBar } from 'cli-progress';
import type { FileProgress, FileSearchResult } from '../search/search-file.js';
import type { RunEvents } from '../search/run-search.js';

const MIB = 1024 * 1024;

/**
 * How a search shows its progress on stderr: on a terminal, a bar per file (bytes, rate, ETA
 * when the size is known, rates found) plus a total; otherwise one line when each file starts
 * and ends, which keeps logs (CloudWatch, CI) readable.
 */
export async function createSearchProgress(
  err: NodeJS.WritableStream & { isTTY?: boolean },
  showBars: boolean,
): Promise<RunEvents & { stop(): void }> {
  if (showBars && err.isTTY === true) return barProgress(await createMultiBar(err));
  return lineProgress(err);
}

/** cli-progress loads only to draw on a terminal; logs, pipes and --no-progress never need it. */
async function createMultiBar(err: NodeJS.WritableStream): Promise<MultiBar> {
  const { default: cliProgress } = await import('cli-progress');
  return new cliProgress.MultiBar(
    {
      stream: err as NodeJS.WritableStream & { isTTY: boolean } as never,
      format: '{name} |{bar}| {value_mib}/{total_mib} MiB {rate} MiB/s {eta_text} | {rows} rates',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
}

function lineProgress(err: NodeJS.WritableStream): RunEvents & { stop(): void } {
  const startedAt = new Map<string, number>();
  return {
    onFileStart(name, index, total) {
      startedAt.set(name, Date.now());
      err.write(`[${index + 1}/${total}] searching ${name}\n`);
    },
    onFileDone(name, result) {
      const seconds = (Date.now() - (startedAt.get(name) ?? Date.now())) / 1000;
      err.write(`${describeEnd(name, result, seconds)}\n`);
    },
    onLog(message) {
      err.write(`${message}\n`);
    },
    stop() {},
  };
}

function describeEnd(name: string, result: FileSearchResult, seconds: number): string {
  const size = `${(result.rawBytes / MIB).toFixed(1)} MiB`;
  if (result.error) {
    // "NAME: what" and "NAME (part 3/4): what" (a ranged part) lose the name the line already shows.
    const message = result.error.message.startsWith(name)
      ? result.error.message.slice(name.length).replace(/^\s*\(([^)]*)\):\s*/, '$1: ').replace(/^:\s*/, '')
      : result.error.message;
    return `failed ${name} after ${size}: ${message}`;
  }
  const note = result.incomplete ? ' (incomplete: rows may be missing, see the warnings)' : '';
  return `done ${name}: ${result.rowsFound} rates, ${size} in ${seconds.toFixed(1)} s${note}`;
}

function barProgress(multibar: MultiBar): RunEvents & { stop(): void } {
  const bars = new Map<string, SingleBar>();
  const startedAt = new Map<string, number>();
  let filesDone = 0;
  let filesTotal = 0;
  let rowsTotal = 0;
  const totalBar = multibar.create(1, 0, { name: 'all files'.padEnd(40), rows: 0 }, { format: '{name} |{bar}| {value}/{total} files | {rows} rates' });
  const update = (name: string, progress: FileProgress) => {
    const bar = bars.get(name);
    if (!bar) return;
    const seconds = Math.max(0.001, (Date.now() - (startedAt.get(name) ?? Date.now())) / 1000);
    const total = progress.totalRawBytes ?? Math.max(progress.rawBytes, 1);
    bar.setTotal(total);
    bar.update(progress.rawBytes, {
      value_mib: (progress.rawBytes / MIB).toFixed(1),
      total_mib: progress.totalRawBytes ? (progress.totalRawBytes / MIB).toFixed(1) : '?',
      rate: (progress.rawBytes / MIB / seconds).toFixed(1),
      rows: progress.rowsFound,
      eta_text: etaText(progress, seconds),
    });
  };
  return {
    onFileStart(name, _index, total) {
      filesTotal = total;
      startedAt.set(name, Date.now());
      const label = name.length > 40 ? `...${name.slice(-37)}` : name.padEnd(40);
      bars.set(name, multibar.create(1, 0, { name: label, value_mib: '0', total_mib: '?', rate: '-', rows: 0, eta_text: '' }));
      totalBar.setTotal(filesTotal);
    },
    onFileProgress: update,
    onFileDone(name, result) {
      filesDone++;
      rowsTotal += result.rowsFound;
      update(name, { rawBytes: result.rawBytes, totalRawBytes: result.rawBytes || 1, rowsFound: result.rowsFound });
      totalBar.update(filesDone, { rows: rowsTotal });
    },
    onLog(message) {
      multibar.log(`${message}\n`);
    },
    stop() {
      multibar.stop();
    },
  };
}

/** "ETA 2m05s" when the size is known and bytes are flowing, else nothing. */
function etaText(progress: FileProgress, seconds: number): string {
  if (!progress.totalRawBytes || progress.rawBytes === 0) return '';
  const remaining = ((progress.totalRawBytes - progress.rawBytes) / progress.rawBytes) * seconds;
  const minutes = Math.floor(remaining / 60);
  return `ETA ${minutes}m${String(Math.round(remaining % 60)).padStart(2, '0')}s`;
}
