// Preloaded with `node --require` by the plan benchmark: writes the process's peak resident memory (KiB) and
// its own wall time at exit to the file named by BENCH_USAGE_FILE.
const { writeFileSync } = require("node:fs");
const started = process.hrtime.bigint();
process.on("exit", () => {
  const file = process.env.BENCH_USAGE_FILE;
  if (!file) return;
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  writeFileSync(file, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, wallMs }));
});
