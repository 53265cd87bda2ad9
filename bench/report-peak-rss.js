/**
 * Preloaded into every benchmarked Node process (`node --import bench/report-peak-rss.js ...`,
 * also inherited through NODE_OPTIONS by child processes): on exit it appends the process's peak
 * resident set size to the file named by BENCH_PEAK_RSS_FILE, one JSON line per process. Needs no
 * /usr/bin/time, and counts worker threads with their process.
 */
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const reportPath = process.env.BENCH_PEAK_RSS_FILE;
if (reportPath && isMainThread) {
  process.on('exit', () => {
    const line = { pid: process.pid, ppid: process.ppid, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
    appendFileSync(reportPath, `${JSON.stringify(line)}\n`);
  });
}
