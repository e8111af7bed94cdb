import { readFileSync } from "node:fs";
import * as path from "node:path";

/** The bootstrap SQL that ships: read from components/database/sql (copied next to the compiled code by `npm run build`). */
export function bootstrapSqlFiles(): Record<string, string> {
  const dir = path.join(__dirname, "sql");
  return Object.fromEntries(["bootstrap.sql", "extensions.sql"].map((file) => [file, readFileSync(path.join(dir, file), "utf8")]));
}
