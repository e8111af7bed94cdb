// Runs the peer checkers (Polaris, kube-score, kube-linter: their default checks, see docs/peer-checkers.md) over
// a directory of manifests, such as the one `npm run plan -- --stack prod --out DIR` writes (DIR/manifests).
// Usage: npx tsx tools/peer-checkers/cli.ts DIR [--json]
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import type { K8sObject } from "./model";
import { runPeerCheckers } from "./index";

const [dir, flag] = process.argv.slice(2);
if (!dir) {
  console.error("usage: tools/peer-checkers/cli.ts DIR [--json]");
  process.exit(2);
}
const objects = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
  .flatMap((f) => parseAllDocuments(readFileSync(path.join(dir, f), "utf8")).map((d) => d.toJS() as K8sObject))
  .filter((o) => o !== null && typeof o === "object" && typeof o.kind === "string");
const findings = runPeerCheckers(objects);
if (flag === "--json") console.log(JSON.stringify(findings, null, 2));
else for (const f of findings) console.log(`${f.checker}\t${f.check}\t${f.severity}\t${f.object}${f.container ? ` [${f.container}]` : ""}`);
