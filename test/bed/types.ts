/**
 * What the test bed hands to the end-to-end tests (through vitest's
 * `provide`/`inject`). Plain data only: it crosses into the test workers by
 * structured clone.
 */

/** One distribution registry of the bed. */
export interface BedRegistry {
  /** `host:port`, exactly what a user passes to `-r` before the path. */
  host: string;
  /** Base URL of its API, `http://host` or `https://host`. */
  url: string;
  /** PEM file of the CA that signed its certificate (TLS registries only). */
  caFile?: string;
  /** htpasswd credentials it demands (the auth registry only). */
  credentials?: { username: string; password: string };
  /**
   * A second account of the auth registry, named like a Harbor robot
   * account (`robot$apim+ci`), whose password holds `$`, `+`, `:`, `%`,
   * `@`, quotes, a backslash and a space.
   */
  robot?: { username: string; password: string };
  /** Its log, with an access-log line per HTTP request (see access-log.ts in the e2e helpers). */
  logFile?: string;
}

/** The seven product images built under one source path and tag. */
export interface BedImageSet {
  /** Local repository path, e.g. `apim` (the `-p` value). */
  path: string;
  /** Local tag, e.g. `v6.0.0` (the `-s` value). */
  tag: string;
  /** Image id (`sha256:...`) per image name, as podman reports it. */
  podmanIds: Record<string, string>;
  /** Image id (`sha256:...`) per image name, as the sandboxed dockerd reports it. */
  dockerIds: Record<string, string>;
}

/** The bed's non-root user (operator.ts): rootless podman, docker through the socket's group. */
export interface BedOperator {
  user: string;
  uid: number;
  gid: number;
  /** Its HOME, inside the bed; its rootless podman storage is under it. */
  home: string;
  /** Its whole environment, as `su -` gives it: no XDG_RUNTIME_DIR, REGISTRY_AUTH_FILE or DOCKER_CONFIG. */
  env: Record<string, string>;
}

export interface Bed {
  registries: {
    /** Plain HTTP on 127.0.0.1. */
    plain: BedRegistry;
    /** Self-signed TLS on 127.0.0.1; listed in dockerd's --insecure-registry. */
    tls: BedRegistry;
    /** htpasswd basic auth over plain HTTP on 127.0.0.1. */
    auth: BedRegistry;
    /**
     * Self-signed TLS on a non-loopback address inside a network namespace:
     * docker treats all of 127.0.0.0/8 as insecure, so only this one shows a
     * registry that is NOT in dockerd's insecure registries.
     */
    remoteTls: BedRegistry;
  };
  /** CA that signed both TLS registries' certificates. */
  caFile: string;
  /**
   * Environment for child processes (merge over process.env): points podman
   * and docker at the bed's isolated storage, daemon and login files. Its
   * PATH holds only podman, docker, bash and sh (no node): tool-path.ts.
   */
  env: Record<string, string>;
  /**
   * The program under test, installed as `<extract-location>/scripts/push-images`
   * (`.mjs` kept for a script): program.ts.
   */
  program: string;
  /** A non-root user for the rootless e2e tests; it has no images until a test builds them. */
  operator: BedOperator;
  /** The product's image names, in the product's order. */
  productImages: readonly string[];
  images: {
    /** The product defaults: `apim/<image>:v6.0.0`. */
    defaults: BedImageSet;
    /** Other images under another path and tag, for `-p` / `-s`: `acme/<image>:v6.1.0`. */
    alternate: BedImageSet;
  };
  /** Scratch directory of this bed run; removed at teardown. */
  root: string;
  /** Seconds the bed took to start. */
  startSeconds: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    bed: Bed;
  }
}
