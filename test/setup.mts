// Runs before each test file's imports (vitest hoists static imports above module code, so mocks set inside a
// test file would come too late: the Pulumi notes' trap 2.4.1). Installs the offline plan's mocks, so a test that
// constructs a component directly registers against them; the program harness re-installs them per run.
import { installPlanMocks } from "../tools/plan/capture.js";

await installPlanMocks("agent-platform", "test");
