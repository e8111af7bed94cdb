/** Writes docs/policy.md from the rules' metadata (`npm run gen:policy`); a test checks it is current. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { policyDir } from "./pack-config";
import { renderPolicyDocs } from "./render-docs";

writeFileSync(join(policyDir(), "..", "docs", "policy.md"), renderPolicyDocs());
