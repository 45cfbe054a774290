/** Whether an archive is gzipped (a `docker save | gzip`), by its magic bytes. */
import { open } from "node:fs/promises";

/** Whether the file starts with the gzip magic bytes. */
export async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
