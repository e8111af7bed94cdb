// The README and the operations documents: every relative link and image resolves, and the README leads to the
// documents a newcomer needs.
import { describe, expect, it } from "vitest";
import { resolveLink } from "./links";
import { linkTargets, readDoc } from "./markdown";

const DOCS = ["README.md", "docs/architecture.md", "docs/runbooks.md", "docs/production-checklist.md"];

describe("links", () => {
  it.each(DOCS)("%s: every relative link and image resolves, anchors included", (file) => {
    const targets = linkTargets(readDoc(file));
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.map((t) => resolveLink(file, t)).filter((problem) => problem !== undefined)).toEqual([]);
  });

  it("the checker refuses what does not exist", () => {
    expect(resolveLink("README.md", "docs/nope.md")).toContain("does not exist");
    expect(resolveLink("README.md", "docs/runbooks.md#no-such-heading")).toContain("no heading with anchor");
    expect(resolveLink("docs/runbooks.md", "#first-deploy")).toBeUndefined();
    expect(resolveLink("docs/runbooks.md", "../README.md")).toBeUndefined();
  });
});

describe("README.md", () => {
  const readme = readDoc("README.md");

  it("keeps the two commands a newcomer types first", () => {
    const start = readme.lines.slice(0, 8).join("\n");
    expect(start).toContain("npm ci && npm run plan");
    expect(start).toContain("npm test");
  });

  it("shows the architecture picture and links the operations documents", () => {
    const targets = linkTargets(readme);
    expect(targets).toEqual(expect.arrayContaining([
      "docs/architecture.svg", "docs/architecture.md", "docs/configuration.md", "docs/runbooks.md",
      "docs/production-checklist.md", "docs/observability.md",
    ]));
    expect(readme.lines.some((l) => /!\[[^\]]+\]\(docs\/architecture\.svg\)/.test(l))).toBe(true);
  });
});
