/**
 * The three examples of the seed's reference page, run as written (docker,
 * the default tool), checked through the registry API.
 */
import { describe, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, expectTags, pick } from "./helpers/expect-registry.ts";

const bed = useBed();
const { plain, tls } = bed.registries;
const ids = bed.images.defaults.dockerIds;
const selected = ["apim-le-toolkit", "apim-le-cacheloader"];

describe("the seed's examples", () => {
  it("push with defaults and TLS verification turned off: -r <registry>/apim-trial -t", async () => {
    // The TLS registry is in dockerd's insecure-registries, which is what -t with docker needs.
    const path = `${uniqueName()}/apim-trial`;
    expectSuccess(await runCli(["-r", `${tls.host}/${path}`, "-t"]));
    await expectPushed(tls, path, "v6.0.0", ids);
  });

  it("push specific images: -i apim-le-toolkit -i apim-le-cacheloader", async () => {
    const path = `${uniqueName()}/apim-trial`;
    expectSuccess(await runCli(["-r", `${plain.host}/${path}`, "-i", "apim-le-toolkit", "-i", "apim-le-cacheloader"]));
    await expectPushed(plain, path, "v6.0.0", pick(ids, selected));
  });

  it("push specific images with a destination tag: ... -d apim-trials", async () => {
    const path = `${uniqueName()}/apim-trial`;
    expectSuccess(
      await runCli(["-r", `${plain.host}/${path}`, "-i", "apim-le-toolkit", "-i", "apim-le-cacheloader", "-d", "apim-trials"]),
    );
    await expectPushed(plain, path, "apim-trials", pick(ids, selected));
    // -d replaces the tag at the destination; the source tag is not pushed too.
    await expectTags(plain, path, selected, ["apim-trials"]);
  });
});
