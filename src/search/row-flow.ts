/**
 * Backpressure for result rows. A search that matches a lot (an NPI in 5% of all groups) finds
 * rows faster than they are written; without a bound they would queue up in memory. The scanner
 * pauses at the end of an in_network item while too many rows are in flight, and resumes when
 * the writer has caught up.
 */
export interface RowsBackpressure {
  isFull(): boolean;
  drained(): Promise<void>;
}

/** Rows in flight above which the scanner pauses, and the level at which it resumes. */
const HIGH_WATER_ROWS = 20_000;
const LOW_WATER_ROWS = 5_000;

export class RowFlow implements RowsBackpressure {
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  sent(count: number): void {
    this.inFlight += count;
  }

  written(count: number): void {
    this.inFlight -= count;
    if (this.inFlight > LOW_WATER_ROWS) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  isFull(): boolean {
    return this.inFlight > HIGH_WATER_ROWS;
  }

  drained(): Promise<void> {
    if (this.inFlight <= LOW_WATER_ROWS) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
