/**
 * The emulated NetBox's workers: a counting semaphore. A request holds one worker for as long
 * as the cost model says it costs; requests beyond the number of workers wait in line.
 */
export class WorkerPool {
  busyMs = 0;
  maxBusy = 0;
  maxQueued = 0;
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private size: number) {}

  get workers(): number {
    return this.size;
  }

  resize(size: number): void {
    this.size = Math.max(1, Math.floor(size));
    this.drain();
  }

  /** Runs `work` on a worker, then keeps the worker for the cost it returns (ms). */
  async run<T>(work: () => { result: T; costMs: number }): Promise<T> {
    await this.acquire();
    try {
      const { result, costMs } = work();
      if (costMs > 0) {
        this.busyMs += costMs;
        await sleep(costMs);
      }
      return result;
    } finally {
      this.release();
    }
  }

  resetCounters(): void {
    this.busyMs = 0;
    this.maxBusy = this.busy;
    this.maxQueued = this.waiting.length;
  }

  private acquire(): Promise<void> {
    if (this.busy < this.size && this.waiting.length === 0) {
      this.take();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.maxQueued = Math.max(this.maxQueued, this.waiting.length);
    });
  }

  private take(): void {
    this.busy += 1;
    this.maxBusy = Math.max(this.maxBusy, this.busy);
  }

  private release(): void {
    this.busy -= 1;
    this.drain();
  }

  private drain(): void {
    while (this.busy < this.size && this.waiting.length > 0) {
      this.take();
      this.waiting.shift()?.();
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
