/**
 * Images podman built or loaded under a bare name are `localhost/<image>`,
 * so an operator's source path is then just `-p localhost`. Bundles name
 * images without that prefix, as podman and docker load them; `save` must
 * still find its own images in the bundle it wrote, and `--from-archive
 * -p localhost` must find them there (both failed with ARCHIVE_INVALID /
 * a missing image before).
 */
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { enginelessPath } from "./helpers/engineless.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed } from "./helpers/expect-registry.ts";
import { forget, freshImage } from "./helpers/fresh-image.ts";
import { testDir } from "./helpers/local-tools.ts";

const { plain } = useBed().registries;
const tag = uniqueName("v");
const made: string[] = [];
afterAll(async () => {
  for (const id of made) await forget("podman", id);
});

describe("save and --from-archive with -p localhost", () => {
  it("saves localhost/<image> and pushes it from the bundle", async () => {
    const id = await freshImage("podman", `localhost/apim-le-cache:${tag}`);
    made.push(id);
    const bundle = join(testDir(), "bundle.tar");
    const source = ["-p", "localhost", "-s", tag, "-i", "apim-le-cache"];
    expectSuccess(await runCli(["save", "-o", bundle, "-c", "podman", ...source]));

    const path = uniqueName();
    const push = ["--from-archive", bundle, "-r", `${plain.host}/${path}`, "-t", ...source];
    expectSuccess(await runCli(push, { env: { PATH: enginelessPath() } }));
    await expectPushed(plain, path, tag, { "apim-le-cache": id });
  });
});
