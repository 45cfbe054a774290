/**
 * Starts the whole bed: three registries on loopback (plain, TLS, htpasswd),
 * a TLS registry in a network namespace, a private dockerd, isolated podman
 * storage, the sample images and a non-root operator. Anything that cannot start throws; what
 * did start is torn down before the error goes up.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCa, issueServerCert } from "./certs.ts";
import { Cleanup } from "./cleanup.ts";
import { isolatedClientEnv } from "./client-env.ts";
import { startDockerd } from "./dockerd.ts";
import { buildSampleImages } from "./images.ts";
import { createNetns } from "./netns.ts";
import { createOperator } from "./operator.ts";
import { checkPreconditions } from "./preconditions.ts";
import { ALTERNATE_SET, DEFAULT_SET, PRODUCT_IMAGES } from "./product.ts";
import { installProgram, programUnderTest } from "./program.ts";
import { startRegistry, type StartedRegistry } from "./registry.ts";
import { run } from "./run.ts";
import { makeScratchDir, removeScratchDir } from "./scratch-dir.ts";
import { makeToolPath } from "./tool-path.ts";
import type { Bed, BedRegistry } from "./types.ts";

export interface RunningBed {
  bed: Bed;
  stop: () => Promise<void>;
}

export async function startBed(): Promise<RunningBed> {
  const startedAt = Date.now();
  checkPreconditions();
  const cleanup = new Cleanup();
  const root = makeScratchDir();
  // Set PUSH_IMAGES_KEEP_BED=1 to keep logs and storage for a post-mortem.
  cleanup.add(`remove ${root}`, () => (process.env.PUSH_IMAGES_KEEP_BED ? undefined : removeScratchDir(root)));
  try {
    const bed = await assemble(root, cleanup);
    bed.startSeconds = Math.round((Date.now() - startedAt) / 100) / 10;
    return { bed, stop: () => cleanup.run() };
  } catch (err) {
    await cleanup.run().catch((teardownError: unknown) => {
      process.stderr.write(`${(teardownError as Error).message}\n`);
    });
    throw err;
  }
}

async function assemble(root: string, cleanup: Cleanup): Promise<Bed> {
  // First: a missing build fails the run at once, not after the daemons start.
  const program = installProgram(programUnderTest(), join(root, "extract"));
  const certDir = join(root, "certs");
  mkdirSync(certDir);
  const ca = await createCa(certDir);
  const netns = await createNetns(cleanup);
  const localCert = await issueServerCert(ca, certDir, "local", ["127.0.0.1"]);
  const remoteCert = await issueServerCert(ca, certDir, "remote", [netns.nsIp]);
  const credentials = { username: "bed-user", password: randomBytes(9).toString("hex") };
  // A Harbor-style robot account whose password holds what shells, URLs, JSON and base64 treat specially.
  const robot = { username: "robot$apim+ci", password: `pa$$:w0rd+%2F@'"\\ ${randomBytes(6).toString("hex")}` };
  const htpasswdFile = join(root, "htpasswd");
  // distribution accepts only bcrypt entries (-B).
  const entries = await Promise.all(
    [credentials, robot].map(({ username, password }) => run("htpasswd", ["-Bbn", username, password])),
  );
  writeFileSync(htpasswdFile, `${entries.join("\n")}\n`);

  const dir = (name: string) => join(root, "registries", name);
  const [plain, tls, auth, remoteTls] = await settleAll([
    startRegistry({ name: "plain", dir: dir("plain"), ip: "127.0.0.1" }, cleanup),
    startRegistry({ name: "tls", dir: dir("tls"), ip: "127.0.0.1", tls: localCert, caFile: ca.certFile }, cleanup),
    startRegistry({ name: "auth", dir: dir("auth"), ip: "127.0.0.1", htpasswdFile }, cleanup),
    startRegistry(
      {
        name: "remote-tls",
        dir: dir("remote-tls"),
        ip: netns.nsIp,
        port: 5000,
        tls: remoteCert,
        caFile: ca.certFile,
        prefix: netns.prefix,
      },
      cleanup,
    ),
  ]);

  // Only the loopback TLS registry is listed; the namespace one must stay out.
  const dockerd = await startDockerd(join(root, "dockerd"), [tls.host], cleanup);
  const env = isolatedClientEnv(join(root, "clients"), dockerd.dockerHost, makeToolPath(join(root, "bin")));
  const operator = await createOperator(root, dockerd.dockerHost, env.PATH ?? "", cleanup);
  const [defaults, alternate] = await buildSampleImages(join(root, "images"), PRODUCT_IMAGES, [DEFAULT_SET, ALTERNATE_SET], {
    ...process.env,
    ...env,
  });
  if (!defaults || !alternate) throw new Error("test bed: sample image sets missing");

  return {
    registries: {
      plain: asData(plain),
      tls: { ...asData(tls), caFile: ca.certFile },
      auth: { ...asData(auth), credentials, robot },
      remoteTls: { ...asData(remoteTls), caFile: ca.certFile },
    },
    caFile: ca.certFile,
    env,
    program,
    operator,
    productImages: PRODUCT_IMAGES,
    images: { defaults, alternate },
    root,
    startSeconds: 0,
  };
}

/** The bed crosses into test workers by structured clone: data only, no stop(). */
function asData({ host, url, logFile }: StartedRegistry): BedRegistry {
  return { host, url, logFile };
}

/**
 * Like Promise.all, but waits for every start to finish before throwing, so
 * the teardown that follows sees every cleanup step they registered.
 */
async function settleAll<T extends readonly unknown[]>(promises: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const errors = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as Error).message] : []));
  if (errors.length) throw new Error(errors.join("\n"));
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
