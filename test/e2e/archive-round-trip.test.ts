/**
 * The air-gapped workflow across tools: `push-images save` with one tool,
 * `--from-archive` with the other. Between the two, the images' tag is
 * removed from local storage, so the push can only have them from the
 * archive; the registry must then hold the ORIGINAL images (config digest
 * = the id the bed recorded for the tool that saved them). The loaded
 * images' ids are confirmed with one inspect for all of them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniqueName, useBed } from './helpers/bed.ts';
import { runCli } from './helpers/cli.ts';
import { expectSuccess } from './helpers/expect-cli.ts';
import { expectPushed } from './helpers/expect-registry.ts';
import { testDir } from './helpers/local-tools.ts';
import { refsWithTag, removeTag, tagCopies } from './helpers/archive-tags.ts';
import { toolSpy } from './helpers/tool-spy.ts';
import { LOOPBACK_FLAGS } from './helpers/tool-flags.ts';

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;

describe.each([
  { saveWith: 'podman', pushWith: 'docker', flags: LOOPBACK_FLAGS.docker, ids: apim.podmanIds },
  { saveWith: 'docker', pushWith: 'podman', flags: LOOPBACK_FLAGS.podman, ids: apim.dockerIds },
] as const)('save with $saveWith, push with $pushWith', ({ saveWith, pushWith, flags, ids }) => {
  it('every image arrives as the original', async () => {
    const tag = uniqueName('s');
    try {
      await tagCopies(saveWith, bed.productImages, tag);
      const archive = join(testDir(), 'apim-images.tar');
      expectSuccess(await runCli(['save', '-o', archive, '-c', saveWith, '-s', tag]));
      await removeTag(tag);
      expect(await refsWithTag(tag), 'the images are only in the archive now').toEqual([]);

      const path = uniqueName();
      const spy = toolSpy([pushWith]);
      expectSuccess(await runCli(['--from-archive', archive, '-r', `${plain.host}/${path}`, ...flags, '-s', tag], { env: { PATH: spy.path } }));
      await expectPushed(plain, path, tag, ids);
      // One to confirm what was loaded, one for the targets (preflight); not one per image.
      expect(spy.calls(pushWith).filter((call) => call.startsWith('image inspect'))).toHaveLength(2);
    } finally {
      await removeTag(tag);
    }
  });
});
