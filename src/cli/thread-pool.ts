/**
 * libuv's thread pool runs zlib's work (the layers' block gzip,
 * src/bundle/block-gzip.ts) and has 4 threads unless told otherwise before
 * its first use: one per core, so a host with more cores compresses on all
 * of them. Imported first by the entry point, for that side effect only.
 */
import { availableParallelism } from "node:os";

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism()));
