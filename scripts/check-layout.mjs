// npm run check:layout: the shape issue 15 asks of the code, checked so it
// stays that way. Fails (exit 1) listing each finding when
//   - a file in src/ is over 250 lines, or src/ files average over 120;
//   - a line in src/ or plugins/ is over 140 characters;
//   - src/ imports in a circle, type-only imports included (they still tie
//     the files together for a reader). plugins/ files are nodes of the graph
//     too: src/options/apply-options.ts imports them and they import src/, so a circle
//     may pass through them.
// Relative import specifiers only; no dependency beyond Node.js.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const MAX_FILE_LINES = 250;
const MAX_AVERAGE_LINES = 120;
const MAX_LINE_CHARS = 140;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const name = (file) => relative(root, file);
const sources = (dir) =>
  readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();

const srcFiles = sources("src");
const pluginFiles = sources("plugins");
const text = new Map([...srcFiles, ...pluginFiles].map((file) => [file, readFileSync(file, "utf8")]));
const linesOf = (file) => text.get(file).replace(/\n$/, "").split("\n");

const findings = [];

const lineCounts = srcFiles.map((file) => [file, linesOf(file).length]);
for (const [file, count] of lineCounts) {
  if (count > MAX_FILE_LINES) findings.push(`${name(file)}: ${count} lines (at most ${MAX_FILE_LINES})`);
}
const average = lineCounts.reduce((sum, [, count]) => sum + count, 0) / lineCounts.length;
const averageLine = `src/ averages ${average.toFixed(1)} lines over ${lineCounts.length} files (at most ${MAX_AVERAGE_LINES})`;
if (average > MAX_AVERAGE_LINES) findings.push(averageLine);

for (const file of [...srcFiles, ...pluginFiles]) {
  linesOf(file).forEach((line, index) => {
    // Characters as a reader counts them, not UTF-16 units.
    const chars = [...line].length;
    if (chars > MAX_LINE_CHARS) findings.push(`${name(file)}:${index + 1}: ${chars} characters (at most ${MAX_LINE_CHARS})`);
  });
}

const graph = new Map([...text.keys()].map((file) => [file, importsOf(file)]));
for (const group of tangles(graph)) {
  if (!group.some((file) => srcFiles.includes(file))) continue;
  const circle = shortestCircle(graph, group);
  const among =
    group.length > circle.length ? `; ${group.length} files in circles with each other: ${group.map(name).join(", ")}` : "";
  findings.push(`import circle: ${[...circle, circle[0]].map(name).join(" -> ")}${among}`);
}

if (findings.length === 0) {
  console.log(`check-layout: ok (${averageLine}; no line over ${MAX_LINE_CHARS} characters; no import circle)`);
} else {
  console.log(`check-layout: ${findings.length} finding${findings.length === 1 ? "" : "s"}`);
  for (const finding of findings) console.log(`  ${finding}`);
  if (average <= MAX_AVERAGE_LINES) console.log(`  (ok: ${averageLine})`);
  process.exitCode = 1;
}

/** The files `file` imports by relative specifier (static, type-only, re-exports and import()) that are in the graph. */
function importsOf(file) {
  const source = text.get(file);
  const specifiers = [
    // import x from "./a", import type { X } from "./a", export { x } from "./a", import "./a": at a line's start.
    ...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm),
    ...source.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((match) => match[1]);
  const targets = specifiers.filter((spec) => spec.startsWith(".")).map((spec) => resolveSpecifier(file, spec));
  return [...new Set(targets.filter((target) => target !== undefined && text.has(target)))];
}

function resolveSpecifier(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")];
  return candidates.find((candidate) => text.has(candidate));
}

/**
 * Each group of files that import each other in circles (a strongly
 * connected component, Tarjan's DFS): a large tangle is one finding, shown
 * by one shortest circle and its members, not by thousands of circles.
 */
function tangles(edges) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const groups = [];
  let next = 0;
  const visit = (file) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of edges.get(file)) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file), low.get(target)));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file), index.get(target)));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || edges.get(file).includes(file)) groups.push(group.sort());
  };
  for (const file of edges.keys()) if (!index.has(file)) visit(file);
  return groups;
}

/** The shortest way from the group's first file back to itself, within the group (breadth first). */
function shortestCircle(edges, group) {
  const start = group[0];
  const inGroup = new Set(group);
  const cameFrom = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const target of edges.get(file)) {
      if (!inGroup.has(target) || cameFrom.has(target)) continue;
      cameFrom.set(target, file);
      if (target === start) {
        const path = [];
        for (let at = cameFrom.get(start); at !== start; at = cameFrom.get(at)) path.unshift(at);
        return [start, ...path];
      }
      queue.push(target);
    }
  }
  return group;
}
