/**
 * `save` writes `<archive>.sha256` beside the archive, in sha256sum's
 * format: GNU sha256sum checks a copy with it, and the summary shows the
 * sum and that command. With --force the sum follows the new archive.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { expectSuccess } from './helpers/expect-cli.ts';
import { testDir } from './helpers/local-tools.ts';

const image = 'apim-le-cache';
const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function save(file: string, ...flags: string[]) {
  const r = await runCli(['save', '-o', file, '-c', 'podman', '-i', image, ...flags]);
  expectSuccess(r);
  return r;
}

describe('save writes a checksum file', () => {
  it('that sha256sum -c accepts for a copy, and the summary names it', async () => {
    const dir = testDir();
    const archive = join(dir, 'apim-images.tar');
    const r = await save(archive);
    const sum = sha256Of(archive);
    expect(readFileSync(`${archive}.sha256`, 'utf8')).toBe(`${sum}  apim-images.tar\n`);
    expect(r.stderr).toContain(sum);
    expect(r.stderr).toContain('sha256sum -c apim-images.tar.sha256');

    // The operator's copy on the far side, checked with the standard tool.
    const far = join(dir, 'usb-stick');
    mkdirSync(far);
    for (const name of ['apim-images.tar', 'apim-images.tar.sha256']) copyFileSync(join(dir, name), join(far, name));
    const { stdout } = await promisify(execFile)('sha256sum', ['-c', 'apim-images.tar.sha256'], { cwd: far });
    expect(stdout.trim()).toBe('apim-images.tar: OK');
  });

  it('follows the new archive with --force', async () => {
    const archive = join(testDir(), 'apim-images.tar');
    writeFileSync(archive, 'an archive made yesterday\n');
    writeFileSync(`${archive}.sha256`, `${'0'.repeat(64)}  apim-images.tar\n`);
    await save(archive, '--force');
    expect(readFileSync(`${archive}.sha256`, 'utf8')).toBe(`${sha256Of(archive)}  apim-images.tar\n`);
  });
});
