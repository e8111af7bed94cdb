// Relative links in the repository's Markdown: the file must exist and, for a Markdown file, the anchor too.
import { existsSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../plan/stacks";
import { readDoc } from "./markdown";

/**
 * Documents others are writing at the same time, which a link may name before they land. A link to one is accepted
 * while the file is missing, and checked like any other once it exists.
 */
export const PENDING_DOCS: ReadonlySet<string> = new Set(["docs/observability.md", "docs/policy.md"]);

/** Why a link from `fromDoc` (repo-relative) does not resolve, or undefined when it does or is not local. */
export function resolveLink(fromDoc: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const [file = "", anchor] = target.split("#", 2);
  const relative = file === "" ? fromDoc : path.posix.normalize(path.posix.join(path.posix.dirname(fromDoc), file));
  if (relative.startsWith("..")) return `${fromDoc}: ${target} leaves the repository`;
  if (!existsSync(path.join(REPO_ROOT, relative))) {
    return PENDING_DOCS.has(relative) ? undefined : `${fromDoc}: ${target}: ${relative} does not exist`;
  }
  if (anchor === undefined || anchor === "") return undefined;
  if (!relative.endsWith(".md")) return `${fromDoc}: ${target}: an anchor into a file that is not Markdown`;
  const slugs = readDoc(relative).headings.map((h) => h.slug);
  return slugs.includes(anchor) ? undefined : `${fromDoc}: ${target}: no heading with anchor #${anchor} in ${relative}`;
}
