/** `results_YYYYMMDD_HHMMSS.json` in local time, the same default name `search` uses. */
export function defaultResultsFileName(now: Date = new Date()): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `results_${date}_${time}.json`;
}
