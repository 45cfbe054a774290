/**
 * A bounded number of blob uploads in flight across all images, handed out
 * largest first: the big layers start early and the small ones fill the
 * gaps, so the last upload to finish is a small one.
 */
export class UploadSlots {
  private free: number;
  private readonly waiting: Array<{ size: number; start: () => void }> = [];

  constructor(slots: number) {
    this.free = slots;
  }

  /** Runs `work` once a slot is free, the largest waiting blob first. */
  async run<T>(size: number, work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((start) => this.enqueue({ size, start }));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next.start();
      else this.free += 1;
    }
  }

  private enqueue(waiter: { size: number; start: () => void }): void {
    const at = this.waiting.findIndex((other) => other.size < waiter.size);
    this.waiting.splice(at === -1 ? this.waiting.length : at, 0, waiter);
  }
}
