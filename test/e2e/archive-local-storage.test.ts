/**
 * --from-archive leaves local storage as it found it. The user has a newer
 * image under the name the archive's image has: loading moves the name onto
 * the archive's image; after the run the name must again be the user's
 * image (not left `<none>`), and the image the load brought in must be gone.
 * For podman and for dockerd, each with an archive it wrote itself, after a
 * push, after a run that failed once the archive was loaded, and after
 * Ctrl-C mid-push (a stand-in holds the push open).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../bed/ports.ts';
import { waitFor } from '../bed/wait.ts';
import { uniqueName, useBed } from './helpers/bed.ts';
import { runCli, startCli, type CliResult } from './helpers/cli.ts';
import { EXIT, describeRun, expectSuccess } from './helpers/expect-cli.ts';
import { expectPushed } from './helpers/expect-registry.ts';
import { testDir, tool, type Tool } from './helpers/local-tools.ts';
import { removeTag } from './helpers/archive-tags.ts';
import { forget, freshImage, holdsImage, idOf } from './helpers/fresh-image.ts';
import { stalledPushes } from './helpers/push-stand-ins.ts';
import { LOOPBACK_FLAGS } from './helpers/tool-flags.ts';

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const image = 'apim-le-cache';
let closedPort = 0;

beforeAll(async () => {
  closedPort = await freePort();
});

interface Setting {
  /** The tag of this test's name, `apim/apim-le-cache:<tag>`. */
  tag: string;
  archive: string;
  /** Id of the archive's image, which local storage no longer holds. */
  archived: string;
  /** Id of the user's image under the same name. */
  users: string;
}

/** Builds the archive's image, saves it, removes it, and gives its name to the user's (other) image. */
async function setting(name: Tool, tag: string): Promise<Setting> {
  const ref = `${apim.path}/${image}:${tag}`;
  const archived = await freshImage(name, ref);
  const archive = join(testDir(), 'old.tar');
  expectSuccess(await runCli(['save', '-o', archive, '-c', name, '-s', tag, '-i', image]));
  await forget(name, archived);
  await tool(name, ['tag', `${apim.path}/${image}:${apim.tag}`, ref]);
  return { tag, archive, archived, users: await idOf(name, ref) };
}

/** The name is the user's image again, the loaded image is gone, and the run said so. */
async function expectPutBack(name: Tool, { tag, archive, archived, users }: Setting, r: CliResult): Promise<void> {
  expect(r.stderr, `the archive was loaded\n${describeRun(r)}`).toContain(`Loading ${archive} into ${name}`);
  expect(await idOf(name, `${apim.path}/${image}:${tag}`), `the name is the user's image again\n${describeRun(r)}`).toBe(users);
  expect(await holdsImage(name, archived), `the image the load brought in is gone\n${describeRun(r)}`).toBe(false);
  expect(r.stderr, 'one line says what was put back').toMatch(
    /Local storage put back as found after loading: .* names your image [0-9a-f]{12} again; removed the image it added /);
}

/** Runs `test` in a fresh setting and cleans up after it, whatever happened. */
async function inSetting(name: Tool, test: (setting: Setting) => Promise<void>): Promise<void> {
  const tag = uniqueName('r');
  let archived = '';
  try {
    const made = await setting(name, tag);
    archived = made.archived;
    await test(made);
  } finally {
    await removeTag(tag);
    if (archived) for (const where of ['podman', 'docker'] as const) await forget(where, archived);
  }
}

// One at a time: podman 4 fails a listing of images while another process removes one.
describe.each(['podman', 'docker'] as const)('--from-archive -c %s', (name) => {
  const pushFrom = (made: Setting, registry: string, path: string) =>
    ['--from-archive', made.archive, '-r', `${registry}/${path}`, ...LOOPBACK_FLAGS[name], '-s', made.tag, '-i', image];

  it('pushed: the name is the user\'s image again; the loaded image is removed', () => inSetting(name, async (made) => {
    const path = uniqueName();
    const r = await runCli(pushFrom(made, plain.host, path));
    expectSuccess(r);
    await expectPushed(plain, path, made.tag, { [image]: made.archived });
    await expectPutBack(name, made, r);
  }));

  it('failed after the load (registry unreachable): put back too', () => inSetting(name, async (made) => {
    const r = await runCli(pushFrom(made, `127.0.0.1:${closedPort}`, uniqueName()));
    expect(r.code, describeRun(r)).toBe(EXIT.failed);
    await expectPutBack(name, made, r);
  }));

  it('SIGINT mid-push: exit 130, put back too', () => inSetting(name, async (made) => {
    const stalled = stalledPushes(name);
    const run = startCli(pushFrom(made, plain.host, uniqueName()), { env: { PATH: stalled.path } });
    const ended = () => (run.running() ? undefined : run.output().stderr);
    await waitFor(async () => stalled.pids().length === 1, { what: 'the push to hang', abort: ended });
    run.kill('SIGINT');
    const r = await run.result;
    expect(r.code, describeRun(r)).toBe(130);
    await expectPutBack(name, made, r);
  }));
});
