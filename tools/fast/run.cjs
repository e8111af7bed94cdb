// node tools/fast/run.cjs ENTRY.ts [ARGS...]: run a TypeScript entry point through its cached bundle (build.cjs),
// in this process, as if it had been started as `node ENTRY ARGS...`.
"use strict";
/* global console */
const path = require("node:path");
const { companionsOf, ensureBuilt } = require("./build.cjs");
const { loadBundle } = require("./load.cjs");

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node tools/fast/run.cjs ENTRY.ts [ARGS...]");
  process.exit(2);
}
// Side by side: esbuild spreads each build over the cores, and a fresh bundle costs only the check of its inputs.
Promise.all([ensureBuilt(entry), ...companionsOf(entry).map((companion) => ensureBuilt(companion))]).then(
  ([bundle]) => {
    process.argv = [process.argv[0], bundle, ...args];
    loadBundle(bundle);
  },
  (error) => {
    // esbuild has printed the syntax errors with their places; a type error never stops a run (npm test checks types).
    console.error(`Could not build ${path.normalize(entry)}: ${error.message.split("\n")[0]}`);
    process.exitCode = 3;
  },
);
