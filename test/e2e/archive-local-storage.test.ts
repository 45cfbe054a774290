/**
 * --from-archive leaves local storage as it found it. The user has a newer
 * image under the name the archive's image has: loading moves the name onto
 * the archive's image; after the run the name must again be the user's
 * image (not left `<none>`), and the image the load brought in must be gone.
 * For podman and for dockerd, each with an archive it wrote itself, after
 * a push and after a run that failed once the archive was loaded.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, useBed } from './helpers/bed.ts';
import { runCli } from './helpers/cli.ts';
import { EXIT, describeRun, expectSuccess } from './helpers/expect-cli.ts';
import { expectPushed } from './helpers/expect-registry.ts';
import { testDir, tool } from './helpers/local-tools.ts';
import { freePort } from '../bed/ports.ts';
import { removeTag } from './helpers/archive-tags.ts';
import { forget, freshImage, holdsImage, idOf } from './helpers/fresh-image.ts';
import { LOOPBACK_FLAGS } from './helpers/tool-flags.ts';

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;
const image = 'apim-le-cache';

/** Where to push: the plain registry, or a port where nothing answers (the run fails after the load, in preflight). */
const OUTCOMES = [
  { outcome: 'pushed', exit: EXIT.ok, registry: () => plain.host },
  { outcome: 'failed: registry unreachable', exit: EXIT.failed, registry: () => `127.0.0.1:${closedPort}` },
] as const;
let closedPort = 0;

beforeAll(async () => {
  closedPort = await freePort();
});

// One at a time: podman 4 fails a listing of images while another process removes one.
describe.each(['podman', 'docker'] as const)('--from-archive -c %s', (name) => {
  it.each(OUTCOMES)("$outcome: a newer local image of the archive's name keeps its name; the loaded image is removed", async ({ exit, registry }) => {
    const tag = uniqueName('r');
    const ref = `${apim.path}/${image}:${tag}`;
    let archived = '';
    try {
      // The archive's image: built for this test, saved, then removed, so only the archive has it.
      archived = await freshImage(name, ref);
      const archive = join(testDir(), 'old.tar');
      expectSuccess(await runCli(['save', '-o', archive, '-c', name, '-s', tag, '-i', image]));
      await forget(name, archived);
      // The user's newer image under the same name.
      await tool(name, ['tag', `${apim.path}/${image}:${apim.tag}`, ref]);
      const users = await idOf(name, ref);

      const path = uniqueName();
      const r = await runCli(['--from-archive', archive, '-r', `${registry()}/${path}`, ...LOOPBACK_FLAGS[name], '-s', tag, '-i', image]);
      expect(r.code, describeRun(r)).toBe(exit);
      if (exit === EXIT.ok) await expectPushed(plain, path, tag, { [image]: archived });
      expect(r.stderr, 'the archive was loaded').toContain(`Loading ${archive} into ${name}`);
      expect(await idOf(name, ref), `${ref} names the user's image again\n${describeRun(r)}`).toBe(users);
      expect(await holdsImage(name, archived), `the image the load brought in is gone\n${describeRun(r)}`).toBe(false);
      expect(r.stderr).toMatch(/Local storage put back as found after loading: .* names your image [0-9a-f]{12} again; removed the image it added/);
    } finally {
      await removeTag(tag);
      if (archived) for (const where of ['podman', 'docker'] as const) await forget(where, archived);
    }
  });
});
