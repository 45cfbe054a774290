/**
 * The image lines of save's summary. In a pipe, each image's reference and
 * id whole, for scripts; on a terminal, the path and tag all share said
 * once, then each image by name with its id, shortened to docker's 12
 * digits when the whole one does not fit (src/core/fit-line.ts).
 */
import { fitFields } from "../core/fit-line.ts";
import { sharedNames } from "../core/shared-names.ts";
import type { SaveIndex } from "./oci-documents.ts";

const SHORT_ID = "sha256:".length + 12;

export function savedImageLines(images: SaveIndex["images"], columns?: number): string[] {
  if (columns === undefined) return images.map(({ reference, id }) => `  ${reference}  ${id}`);
  const names = sharedNames(images.map(({ image, reference }) => ({ image, source: reference, target: reference })));
  const indent = names.header ? "    " : "  ";
  const lines = images.map(({ image, reference, id }) =>
    fitFields(
      [
        { text: indent },
        { text: names.header ? image : reference, shorten: "middle" },
        { before: "  ", text: id, narrow: id.slice(0, SHORT_ID), drop: 1 },
      ],
      columns,
    ),
  );
  return names.header
    ? [fitFields([{ text: "  " }, { text: names.header.source, shorten: "middle" }], columns), ...lines]
    : lines;
}
