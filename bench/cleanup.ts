/**
 * Teardown steps, run last-in first-out, once. Each step is registered as
 * soon as the thing it removes exists, so a bench that fails or is
 * interrupted half-way still leaves no registry, proxy, storage or temp dir.
 */
export class Cleanup {
  readonly #steps: { what: string; step: () => Promise<void> | void }[] = [];

  add(what: string, step: () => Promise<void> | void): void {
    this.#steps.push({ what, step });
  }

  /** Runs (and forgets) the steps added after `mark()` returned `since`; for per-run resources. */
  mark(): number {
    return this.#steps.length;
  }

  async runSince(since: number): Promise<void> {
    await runAll(this.#steps.splice(since).reverse());
  }

  /** Every step, even when some fail; failures are reported, not thrown, so the rest still runs. */
  async run(): Promise<void> {
    await runAll(this.#steps.splice(0).reverse());
  }
}

async function runAll(steps: { what: string; step: () => Promise<void> | void }[]): Promise<void> {
  for (const { what, step } of steps) {
    try {
      await step();
    } catch (error) {
      process.stderr.write(`bench cleanup: ${what} failed: ${(error as Error).message}\n`);
    }
  }
}
