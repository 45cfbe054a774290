/**
 * How many of an image's layers podman or docker has pushed, read from
 * the lines it prints as it goes (neither prints bytes when its output is
 * not a terminal, so none are claimed):
 *
 * - podman: `Copying blob sha256:<digest>` when a layer starts, `... skipped:
 *   already exists` or `... done` where its version says so, and `Copying
 *   config` once every layer is there (podman 4.3 prints only the first
 *   and the last).
 * - docker: `<id>: Preparing|Waiting|Pushing` while a layer is on its
 *   way, `<id>: Pushed|Layer already exists|Mounted from <repo>` once it
 *   is there, and `<tag>: digest: ...` at the end.
 *
 * The total is the image's distinct layers from preflight's inspect; when
 * it is unknown nothing is said.
 */

/** Layers at the registry, of all, and those being sent. */
export interface LayerCounts {
  readonly layersDone: number;
  readonly layersTotal: number;
  readonly layersSending: number;
}

const PODMAN_BLOB = /^Copying blob (?:sha256:)?([0-9a-f]{12})[0-9a-f]*(.*)$/;
const PODMAN_BLOB_THERE = /skipped|already exists|done/;
const PODMAN_ALL_THERE = /^Copying config /;
const DOCKER_LAYER = /^([0-9a-f]{12}): (.+)$/;
const DOCKER_LAYER_THERE = /^(Pushed|Layer already exists|Already exists|Mounted from )/;
const DOCKER_LAYER_SENDING = /^Pushing/;
const DOCKER_ALL_THERE = /^\S+: digest: sha256:[0-9a-f]+ size: \d+/;

export class LayerProgress {
  private readonly done = new Set<string>();
  private readonly sending = new Set<string>();
  private allThere = false;
  /** The end of the output not yet ended by a newline. */
  private partial = "";
  private said = "";

  constructor(
    /** Distinct layers of the image; 0 when unknown. */
    private readonly total: number,
    private readonly onChange: (counts: LayerCounts) => void,
  ) {}

  /** Takes the next piece of the engine's output. */
  read(text: string): void {
    const lines = `${this.partial}${text}`.split(/\r?\n|\r/);
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.readLine(line.trim());
    this.tell();
  }

  private readLine(line: string): void {
    if (PODMAN_ALL_THERE.test(line) || DOCKER_ALL_THERE.test(line)) {
      this.allThere = true;
      return;
    }
    const podman = PODMAN_BLOB.exec(line);
    if (podman) return this.mark(podman[1] as string, PODMAN_BLOB_THERE.test(podman[2] ?? ""));
    const docker = DOCKER_LAYER.exec(line);
    if (!docker) return;
    const [, id = "", status = ""] = docker;
    if (DOCKER_LAYER_THERE.test(status)) this.mark(id, true);
    else if (DOCKER_LAYER_SENDING.test(status)) this.mark(id, false);
  }

  private mark(id: string, there: boolean): void {
    if (there) {
      this.done.add(id);
      this.sending.delete(id);
    } else if (!this.done.has(id)) this.sending.add(id);
  }

  private tell(): void {
    if (this.total === 0) return;
    const layersTotal = Math.max(this.total, this.done.size);
    const layersDone = this.allThere ? layersTotal : this.done.size;
    const counts = { layersDone, layersTotal, layersSending: this.allThere ? 0 : this.sending.size };
    const now = JSON.stringify(counts);
    if (now === this.said) return;
    this.said = now;
    this.onChange(counts);
  }
}
