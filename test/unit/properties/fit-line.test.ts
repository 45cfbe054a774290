/**
 * Fitting a line to a terminal (src/core/fit-line.ts), for any fields and
 * any width: the line never takes more columns than the width, a line that
 * fits is left as it is, the fields that may not be dropped stay in order,
 * and a message broken at spaces keeps every word.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { columnsOf, fitFields, shortenMiddle, wrapWords, type Field } from "../../../src/core/fit-line.ts";
import { check } from "./check.ts";

const text = fc.string({ unit: fc.constantFrom(..."abc-_/:.0123456789…⠋"), maxLength: 40 });
const field: fc.Arbitrary<Field> = fc.record(
  {
    text,
    before: fc.constantFrom("", " ", "  ", " -> "),
    drop: fc.integer({ min: 0, max: 5 }),
    shorten: fc.constantFrom("middle" as const, "end" as const),
    narrow: text,
  },
  { requiredKeys: ["text"] },
);
const plain = (fields: readonly Field[]) => fields.map((f) => `${f.before ?? ""}${f.text}`).join("");
const escapes = /\x1b\[[0-9;]*m/g;

describe("fitFields", () => {
  it("never takes more columns than the width, colours not counted", () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 6 }), fc.integer({ min: 1, max: 120 }), (fields, width) => {
        const painted = fields.map((f) => ({ ...f, paint: (t: string) => `\x1b[31m${t}\x1b[39m` }));
        const line = fitFields(painted, width).replace(escapes, "");
        check(columnsOf(line) <= width, () => `${JSON.stringify(line)} is wider than ${width}`);
      }),
    );
  });

  it("leaves a line that fits as it is", () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 6 }), fc.integer({ min: 0, max: 40 }), (fields, spare) => {
        const whole = plain(fields);
        const line = fitFields(fields, columnsOf(whole) + spare);
        check(line === whole, () => `${JSON.stringify(line)} != ${JSON.stringify(whole)}`);
      }),
    );
  });

  it("keeps the fields that may not be dropped or shortened, in order, when they fit", () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 6 }), fc.integer({ min: 1, max: 120 }), (fields, width) => {
        const fixed = fields.filter((f) => f.drop === undefined && f.shorten === undefined);
        fc.pre(columnsOf(plain(fixed)) <= width);
        const line = fitFields(fields, width);
        let from = 0;
        for (const f of fixed) {
          const at = line.indexOf(`${f.before ?? ""}${f.text}`, from);
          check(at >= 0, () => `${JSON.stringify(f)} lost from ${JSON.stringify(line)}`);
          from = at + (f.before ?? "").length + f.text.length;
        }
      }),
    );
  });

  it("drops the least useful field first and shortens a name in its middle", () => {
    const fields: Field[] = [
      { text: "[5/7] pushed    " },
      { before: " ", text: "apim-le-trafficmanager", shorten: "middle" },
      { before: "  ", text: "sha256:e53e6db5941c", narrow: "e53e6db5941c", drop: 2 },
      { before: "  ", text: "4.4s", drop: 1 },
    ];
    expect(fitFields(fields, 80)).toBe("[5/7] pushed     apim-le-trafficmanager  sha256:e53e6db5941c  4.4s");
    expect(fitFields(fields, 60)).toBe("[5/7] pushed     apim-le-trafficmanager  sha256:e53e6db5941c");
    expect(fitFields(fields, 53)).toBe("[5/7] pushed     apim-le-trafficmanager  e53e6db5941c");
    expect(fitFields(fields, 39)).toBe("[5/7] pushed     apim-le-trafficmanager");
    expect(fitFields(fields, 30)).toBe("[5/7] pushed     apim-l…anager");
  });
});

describe("shortenMiddle", () => {
  it("keeps both ends of a name", () => {
    expect(shortenMiddle("apim-le-cacheloader-cron", 11)).toBe("apim-…-cron");
    expect(shortenMiddle("short", 10)).toBe("short");
  });
});

describe("wrapWords", () => {
  it("fits every line and keeps every word, in order", () => {
    const words = fc.array(fc.string({ unit: fc.constantFrom(..."abcdef-/:."), minLength: 1, maxLength: 30 }), { maxLength: 20 });
    fc.assert(
      fc.property(words, fc.nat({ max: 6 }), fc.integer({ min: 1, max: 100 }), (list, indent, width) => {
        const lines = wrapWords(`${" ".repeat(indent)}${list.join(" ")}`, width);
        for (const line of lines) check(columnsOf(line) <= width, () => `${JSON.stringify(line)} is wider than ${width}`);
        const fits = list.every((word) => word.length <= width / 2);
        // Words that fit a line come back whole; longer ones are cut, but no character is lost.
        const back = fits ? lines.flatMap((line) => line.split(" ").filter(Boolean)) : [lines.join("").replaceAll(" ", "")];
        const want = fits ? list : [list.join("")];
        check(
          JSON.stringify(back) === JSON.stringify(want),
          () => `${JSON.stringify(lines)} lost words of ${JSON.stringify(list)}`,
        );
      }),
    );
  });
});
