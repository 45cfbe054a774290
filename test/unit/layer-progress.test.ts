/**
 * src/engine/layer-progress.ts: layers done of all, read from what podman
 * 4.3 and docker 20.10 print when piped (captured from the bed's engines),
 * arriving in pieces that cut lines anywhere.
 */
import { describe, expect, it } from "vitest";
import { LayerProgress, type LayerCounts } from "../../src/engine/layer-progress.ts";

const PODMAN = `Getting image source signatures
Copying blob sha256:ccbb749695f5e9ba1ad79804e932378ab15735cde0e3c1f82f4e4507be57ff84
Copying blob sha256:5d980895a4070b0da37230338c5ed717e5569cf4304d2d0bdf4cbb601b8067c4
Copying blob 06168016bbf9 skipped: already exists
Copying blob sha256:8646fdbe054c7b80d6a70cf42c19c06645c9b7e63115b67cf4326f6fb23ae2be
Copying config sha256:2861dc0bc91ddc88a3b8b48be89c8884c49ed9c959900afdd3b786e9fac5493f
Writing manifest to image destination
Storing signatures
`;

const DOCKER = `The push refers to repository [127.0.0.1:44153/tb15a605155/y]
ccbb749695f5: Preparing
8646fdbe054c: Preparing
06168016bbf9: Preparing
5d980895a407: Preparing
06168016bbf9: Pushed
8646fdbe054c: Layer already exists
5d980895a407: Mounted from tb15a605155/x
ccbb749695f5: Pushed
v1: digest: sha256:b8b588b4592777fea6dadcdfa4dee477e67e4a0afb14eab6b54fbaa67efffac1 size: 1161
`;

function countsOf(output: string, total: number, pieceSize: number): LayerCounts[] {
  const seen: LayerCounts[] = [];
  const progress = new LayerProgress(total, (counts) => seen.push(counts));
  for (let at = 0; at < output.length; at += pieceSize) progress.read(output.slice(at, at + pieceSize));
  return seen;
}

describe("LayerProgress", () => {
  it.each([1, 7, 1000])("podman, in pieces of %i: sending, one already there, then all once the config goes", (size) => {
    expect(countsOf(PODMAN, 4, size).at(-1)).toEqual({ layersDone: 4, layersTotal: 4, layersSending: 0 });
    expect(countsOf(PODMAN, 4, 1)).toEqual([
      { layersDone: 0, layersTotal: 4, layersSending: 0 },
      { layersDone: 0, layersTotal: 4, layersSending: 1 },
      { layersDone: 0, layersTotal: 4, layersSending: 2 },
      { layersDone: 1, layersTotal: 4, layersSending: 2 },
      { layersDone: 1, layersTotal: 4, layersSending: 3 },
      { layersDone: 4, layersTotal: 4, layersSending: 0 },
    ]);
  });

  it("docker: each layer pushed, found or mounted counts, in the order docker says so", () => {
    expect(countsOf(DOCKER, 4, 1).map((c) => c.layersDone)).toEqual([0, 1, 2, 3, 4]);
  });

  it("says nothing when the image's layers are unknown", () => {
    expect(countsOf(DOCKER, 0, 10)).toEqual([]);
  });
});
