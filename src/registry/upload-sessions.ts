/**
 * The state file of chunked uploads: for each blob whose upload a run left
 * open (Ctrl-C, a kill, a closed terminal, a failure), where the registry
 * keeps it, so the next run continues from there instead of sending it
 * all again. Small, in the user's state directory
 * (`${XDG_STATE_HOME:-~/.local/state}/push-images/uploads.json`, mode 0600),
 * keyed by registry + repository + digest.
 *
 * It holds the registry's own session URL (its latest Location, with the
 * `_state` distribution signs) and the offset, never a header or a
 * password. It is written after every chunk, not only on Ctrl-C: a run
 * killed without a chance to clean up leaves its sessions usable too.
 * Each write re-reads the file and replaces it whole (temporary file,
 * then rename), so a crash never leaves half a file and entries of
 * another run at the same time survive unless both write at once (then
 * that run's session starts afresh: the worst case is bytes sent again).
 * The same file remembers the blobs each registry confirmed, and where
 * (placed-blobs.ts), for the next run to mount rather than send again.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { Logger } from "../core/logger.ts";
import { latestRegistries, readPlaced, withoutPlaced, withPlaced, type PlacedBlob } from "./placed-blobs.ts";

/** One upload session a registry keeps open for a later run. */
export interface RecordedUpload {
  /** The registry as -r names it (host[:port]). */
  readonly registry: string;
  readonly repository: string;
  readonly digest: string;
  /** The latest Location the registry gave: only that one continues the session (distribution checks its `_state`). */
  readonly location: string;
  /** Bytes the registry confirmed. */
  readonly offset: number;
  /** The blob's size. */
  readonly size: number;
  /** ISO time of the last chunk. */
  readonly recordedAt: string;
}

/**
 * distribution purges upload sessions older than a week by default
 * (storage.maintenance.uploadpurging); older entries only cost a request.
 */
const KEPT_FOR_MS = 7 * 24 * 3600 * 1000;

interface StateFile {
  readonly uploads: Record<string, RecordedUpload>;
  /** By registry, oldest first. */
  readonly placed?: Record<string, PlacedBlob[]>;
}

/** What the file holds, as the run works on it. */
interface State {
  readonly uploads: Map<string, RecordedUpload>;
  readonly placed: Map<string, PlacedBlob[]>;
}

/** Where the state file lives for this environment (the XDG base directory rule). */
export function uploadStateFile(env: NodeJS.ProcessEnv): string {
  const stateHome = env.XDG_STATE_HOME?.startsWith("/") ? env.XDG_STATE_HOME : join(env.HOME || homedir(), ".local", "state");
  return join(stateHome, "push-images", "uploads.json");
}

export class UploadSessions {
  private state?: State;
  private writing: Promise<void> = Promise.resolve();
  /** Each kind of trouble (reading, writing) is said once: a read warning must not hide that nothing can be recorded. */
  private readonly warned = new Set<"read" | "write">();

  constructor(
    readonly file: string,
    private readonly log: Pick<Logger, "warn">,
    private readonly now: () => number = Date.now,
  ) {}

  get(registry: string, repository: string, digest: string): RecordedUpload | undefined {
    return this.loaded().uploads.get(keyOf(registry, repository, digest));
  }

  /** Records (or moves on) a session; resolves once the file holds it. */
  record(upload: Omit<RecordedUpload, "recordedAt">): Promise<void> {
    const entry: RecordedUpload = {
      ...upload,
      location: withoutUserInfo(upload.location),
      recordedAt: new Date(this.now()).toISOString(),
    };
    const key = keyOf(upload.registry, upload.repository, upload.digest);
    this.loaded().uploads.set(key, entry);
    return this.write(({ uploads }) => uploads.set(key, entry));
  }

  /** Drops a session: the blob is complete, present, or the registry no longer knows the session. */
  forget(registry: string, repository: string, digest: string): Promise<void> {
    const key = keyOf(registry, repository, digest);
    if (!this.loaded().uploads.delete(key)) return Promise.resolve();
    return this.write(({ uploads }) => uploads.delete(key));
  }

  /** The repository an earlier run confirmed `digest` in at `registry`, as the file said when this run first read it. */
  placedAt(registry: string, digest: string): string | undefined {
    return this.loaded()
      .placed.get(registry)
      ?.find((entry) => entry.digest === digest)?.repository;
  }

  /** Remembers that `registry` confirmed `digest` in `repository` (the newest entry; the oldest go beyond the bound). */
  placed(registry: string, repository: string, digest: string): Promise<void> {
    const entry: PlacedBlob = { digest, repository, placedAt: new Date(this.now()).toISOString() };
    return this.write(({ placed }) => placed.set(registry, withPlaced(placed.get(registry) ?? [], entry)));
  }

  /** Forgets where `digest` was: the registry would not mount it from there (gone, or not readable). */
  notPlaced(registry: string, digest: string): Promise<void> {
    const list = this.loaded().placed.get(registry);
    if (!list?.some((entry) => entry.digest === digest)) return Promise.resolve();
    this.loaded().placed.set(registry, withoutPlaced(list, digest));
    return this.write(({ placed }) => placed.set(registry, withoutPlaced(placed.get(registry) ?? [], digest)));
  }

  private loaded(): State {
    this.state ??= this.read();
    return this.state;
  }

  private read(): State {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (error) {
      // No file, or a path where none can be (ENOTDIR): nothing was recorded; whether one can be is the write's to say.
      if (!["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "")) {
        this.warnOnce("read", `cannot read ${this.file} (${(error as Error).message}): uploads recorded there are not continued`);
      }
      return emptyState();
    }
    try {
      const parsed = JSON.parse(text) as Partial<StateFile>;
      const oldest = this.now() - KEPT_FOR_MS;
      const uploads = Object.entries(parsed.uploads ?? {}).filter(
        ([, entry]) => isEntry(entry) && Date.parse(entry.recordedAt) >= oldest,
      );
      return { uploads: new Map(uploads), placed: readPlaced(parsed.placed) };
    } catch {
      this.warnOnce("read", `${this.file} is not valid JSON; it is replaced by the next recorded upload`);
      return emptyState();
    }
  }

  /** Applies `change` to what the file holds now and writes it back whole; one write at a time. */
  private write(change: (state: State) => void): Promise<void> {
    this.writing = this.writing.then(() => {
      try {
        const state = this.read();
        change(state);
        mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
        const temporary = `${this.file}.${process.pid}.tmp`;
        const placed = Object.fromEntries(latestRegistries(state.placed));
        const written: StateFile = { uploads: Object.fromEntries(state.uploads), placed };
        writeFileSync(temporary, `${JSON.stringify(written, null, 2)}\n`, { mode: 0o600 });
        // An existing file keeps the mode it was made with; ours is private whatever the umask.
        chmodSync(temporary, 0o600);
        renameSync(temporary, this.file);
      } catch (error) {
        const cannot = `cannot record upload sessions in ${this.file} (${(error as Error).message})`;
        this.warnOnce("write", `${cannot}: an interrupted upload will start afresh next time`);
      }
    });
    return this.writing;
  }

  private warnOnce(kind: "read" | "write", message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.log.warn(message);
  }
}

function emptyState(): State {
  return { uploads: new Map(), placed: new Map() };
}

function keyOf(registry: string, repository: string, digest: string): string {
  return `${registry}/${repository}@${digest}`;
}

/** A Location carries no credentials from any registry we know; should one ever hold `user:password@`, it is not written. */
function withoutUserInfo(location: string): string {
  try {
    const url = new URL(location);
    if (!url.username && !url.password) return location;
    url.username = "";
    url.password = "";
    return url.toString();
  } catch {
    return location;
  }
}

function isEntry(value: unknown): value is RecordedUpload {
  const entry = value as Partial<RecordedUpload> | null;
  const strings = [entry?.location, entry?.digest, entry?.recordedAt].every((field) => typeof field === "string");
  return strings && typeof entry?.offset === "number";
}
