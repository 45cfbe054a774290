/**
 * Teardown steps, run last-in first-out. Setup registers each step as soon
 * as the thing exists, so a bed that fails half-way still leaves nothing
 * behind (daemons, network namespaces, mounts).
 */
export class Cleanup {
  readonly #steps: { what: string; step: () => Promise<void> | void }[] = [];

  add(what: string, step: () => Promise<void> | void): void {
    this.#steps.push({ what, step });
  }

  /** Runs every step even if some fail, then throws one error naming all failures. */
  async run(): Promise<void> {
    const failures: string[] = [];
    for (const { what, step } of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (failures.length) throw new Error(`test bed teardown failed:\n${failures.join("\n")}`);
  }
}
