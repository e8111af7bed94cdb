// The plan's output folder: checked before the program runs, so a bad --out stops in a moment with one line
// (exit 2), never with a stack trace or a hang; and never a folder of the user's that the plan would clobber.
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export class OutDirError extends Error {
  override name = "OutDirError";
}

/** What the plan writes into its folder; a folder holding anything else is not the plan's to overwrite. */
const OWN_ENTRIES = new Set(["state.json", "manifests", "review-only", ".agent-platform-plan"]);
const MARKER = ".agent-platform-plan";
/** Kernel file systems: writing there is never meant, and some paths block or loop instead of failing. */
const PSEUDO_FILE_SYSTEMS = ["/proc", "/sys", "/dev"];

const reasons: Record<string, string> = {
  EACCES: "permission denied", EPERM: "not permitted", EROFS: "the file system is read-only",
  ENOENT: "a folder on the way cannot be created", ENOTDIR: "a part of the path is a file, not a folder",
  ENOSPC: "no space left on the device", EEXIST: "a file is in the way", EISDIR: "a folder is in the way",
};

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  return reasons[code] ?? (error as Error).message.split("\n")[0] ?? String(error);
}

/** Check (and create) the output folder; `label` names where it came from, for the message. */
export function prepareOutDir(dir: string, label: string): string {
  const shown = `${label} ${dir}`;
  const pseudo = PSEUDO_FILE_SYSTEMS.find((root) => dir === root || dir.startsWith(`${root}/`));
  if (pseudo) throw new OutDirError(`${shown}: is under ${pseudo}, a kernel file system; give a folder for state.json, manifests/ and review-only/`);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new OutDirError(`${shown}: is a file, not a folder; give a folder for state.json, manifests/ and review-only/`);
    const foreign = readdirSync(dir).filter((entry) => !OWN_ENTRIES.has(entry));
    if (foreign.length > 0) {
      throw new OutDirError(`${shown}: holds ${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}, which the plan did not write; give an empty or new folder (the plan replaces manifests/ and review-only/ in it)`);
    }
    const state = path.join(dir, "state.json");
    if (existsSync(state) && !lstatSync(state).isFile()) throw new OutDirError(`${shown}: state.json there is not a regular file`);
  }
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, MARKER), "Written by npm run plan; the plan replaces this folder's contents on every run.\n");
  } catch (error) {
    throw new OutDirError(`${shown}: cannot write there: ${reason(error)}`);
  }
  return dir;
}

/** Remove the previous run's manifests, so a deleted object does not linger as a file. */
export function clearOutputs(dir: string): void {
  for (const sub of ["manifests", "review-only"]) rmSync(path.join(dir, sub), { recursive: true, force: true });
}

export function writeOutFile(dir: string, relativePath: string, text: string): void {
  const file = path.join(dir, relativePath);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (error) {
    throw new OutDirError(`cannot write ${file}: ${reason(error)}`);
  }
}
