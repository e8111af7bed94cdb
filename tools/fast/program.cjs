// The program the Pulumi engine runs (Pulumi.yaml: `main: tools/fast/program.cjs`, `typescript: false`): index.ts
// through the same cached bundle as `npm run plan`, so `pulumi preview` neither type-checks nor transpiles file by
// file through ts-node. The SDK's run.ts requires this file and awaits the function it exports
// (pulumi/pulumi@v3.248.0:sdk/nodejs/cmd/run/run.ts:541 and :576).
"use strict";
const { ensureBuilt } = require("./build.cjs");
const { loadBundle } = require("./load.cjs");

module.exports = async () => {
  const program = loadBundle(await ensureBuilt("index.ts"));
  return (typeof program === "function" ? program : program.default)();
};
