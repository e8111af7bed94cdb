// Just enough Markdown for the documentation tests: headings with the anchors GitHub gives them, sections, links,
// and inline code, all outside fenced code blocks (except where a test asks for code on purpose).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../plan/stacks";

export interface Heading {
  level: number;
  text: string;
  /** The anchor GitHub generates: see githubSlug. */
  slug: string;
  /** 0-based line index. */
  line: number;
}

export interface Doc {
  file: string;
  lines: string[];
  /** Whether each line is inside a fenced code block (the fences included). */
  inFence: boolean[];
  headings: Heading[];
}

/**
 * GitHub's heading anchor: lower case, markup and punctuation dropped (letters, digits, spaces, '-' and '_' stay),
 * spaces to '-'; a repeated anchor gets -1, -2, ... (github-slugger's rules).
 */
export function githubSlug(text: string): string {
  const plain = text.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1");
  return plain.toLowerCase().replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "").replace(/\s/g, "-");
}

export function readDoc(relative: string): Doc {
  const lines = readFileSync(path.join(REPO_ROOT, relative), "utf8").split("\n");
  const inFence: boolean[] = [];
  let fence = false;
  for (const line of lines) {
    const isFence = /^\s*(```|~~~)/.test(line);
    inFence.push(fence || isFence);
    if (isFence) fence = !fence;
  }
  const headings: Heading[] = [];
  const seen = new Map<string, number>();
  lines.forEach((line, i) => {
    const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m || inFence[i]) return;
    const base = githubSlug(m[2] ?? "");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    headings.push({ level: (m[1] ?? "").length, text: m[2] ?? "", slug: n === 0 ? base : `${base}-${n}`, line: i });
  });
  return { file: relative, lines, inFence, headings };
}

/** The lines under a heading, up to the next heading of the same or a higher level. */
export function sectionOf(doc: Doc, heading: Heading): string {
  const next = doc.headings.find((h) => h.line > heading.line && h.level <= heading.level);
  return doc.lines.slice(heading.line + 1, next?.line ?? doc.lines.length).join("\n");
}

/** Text outside fenced code blocks. */
export function prose(doc: Doc): string {
  return doc.lines.filter((_, i) => !doc.inFence[i]).join("\n");
}

/** Link and image targets outside code: [text](target) and ![alt](target). */
export function linkTargets(doc: Doc): string[] {
  const text = prose(doc).replace(/`[^`\n]*`/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? "");
}

/** Every inline code span, and every line of every fenced block, as one list of snippets. */
export function codeSnippets(doc: Doc): string[] {
  const inline = [...prose(doc).matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? "");
  return [...inline, ...doc.lines.filter((_, i) => doc.inFence[i])];
}
