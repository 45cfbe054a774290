/** Every product image, with each container tool, lands in the registry as the local image. */
import { describe, expect, it } from "vitest";
import { uniqueName, useBed } from "./helpers/bed.ts";
import { runCli } from "./helpers/cli.ts";
import { expectSuccess } from "./helpers/expect-cli.ts";
import { expectPushed, expectTags } from "./helpers/expect-registry.ts";
import { toolSpy } from "./helpers/tool-spy.ts";

const bed = useBed();
const { plain } = bed.registries;
const apim = bed.images.defaults;

describe("all images", () => {
  it("podman: -c podman -t to the plain HTTP registry", async () => {
    // podman speaks plain HTTP only with --tls-verify=false, which -t adds.
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${plain.host}/${path}`, "-c", "podman", "-t"]));
    await expectPushed(plain, path, "v6.0.0", apim.podmanIds);
    await expectTags(plain, path, bed.productImages, ["v6.0.0"]);
  });

  it("docker: -c docker to the plain HTTP registry (loopback is insecure to dockerd)", async () => {
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${plain.host}/${path}`, "-c", "docker"]));
    await expectPushed(plain, path, "v6.0.0", apim.dockerIds);
    await expectTags(plain, path, bed.productImages, ["v6.0.0"]);
  });

  it("docker is the default tool: podman is never called", async () => {
    // A podman first on PATH that leaves a mark proves which tool did the work.
    const spy = toolSpy(["podman"], false);
    const path = uniqueName();
    expectSuccess(await runCli(["-r", `${plain.host}/${path}`], { env: { PATH: spy.path } }));
    await expectPushed(plain, path, "v6.0.0", apim.dockerIds);
    expect(spy.calls("podman"), "podman was run").toEqual([]);
  });

  it("long option names: --registry --container-tool --no-tls-verify", async () => {
    const path = uniqueName();
    expectSuccess(await runCli(["--registry", `${plain.host}/${path}`, "--container-tool", "podman", "--no-tls-verify"]));
    await expectPushed(plain, path, "v6.0.0", apim.podmanIds);
  });
});
