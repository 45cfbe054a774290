/**
 * Ctrl-C during `save`: exit 130, the container tool's save is stopped,
 * and nothing is left under the final name, nor a temporary file beside
 * it. The save is held open by a stand-in tool (helpers/archive-slow-save)
 * so the interrupt lands while the partial archive is on disk.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../bed/wait.ts';
import { startCli } from './helpers/cli.ts';
import { describeRun } from './helpers/expect-cli.ts';
import { testDir } from './helpers/local-tools.ts';
import { partialFiles } from './helpers/archive-inspect.ts';
import { isRunning, slowSave } from './helpers/archive-slow-save.ts';

describe.concurrent('save interrupted by SIGINT', () => {
  it.each(['podman', 'docker'] as const)('-c %s: exit 130, no archive and no leftovers', async (tool) => {
    const dir = testDir();
    const output = join(dir, 'apim-images.tar');
    const stand = slowSave(tool);
    const cli = startCli(['save', '-o', output, '-c', tool], { env: { PATH: stand.path } });

    const sleeper = await Promise.race([stand.sleeping(), cli.result.then((r) => {
      throw new Error(`save ended before it could be interrupted\n${describeRun(r)}`);
    })]);
    expect(partialFiles(dir), 'the partial archive is on disk when Ctrl-C comes').not.toEqual([]);
    cli.kill('SIGINT');
    const r = await cli.result;

    expect(r.code, describeRun(r)).toBe(130);
    expect(readdirSync(dir), 'files left in the output directory').toEqual([]);
    await waitFor(async () => !isRunning(sleeper), { what: `the stopped ${tool} save (pid ${sleeper}) to end`, timeoutMs: 5_000 });
  });
});
