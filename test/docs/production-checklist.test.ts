// docs/production-checklist.md: every item of the seeds' checklists has a row, and every row points at something
// that exists (a test file, a policy id of the right form, a doc or runbook anchor) or says it is the operator's job.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { rules } from "../../policy/rules";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../plan/stacks";
import { prose, readDoc } from "./markdown";
import { resolveLink } from "./links";

/**
 * The seeds' checklist items, word for word (../shared/seeds/000_*.txt "Final Checklist", 003_*.txt "Production
 * Checklist"). A copy, because the seeds live outside the repository; the last test compares it with them where they
 * are present.
 */
const SEED_ITEMS: readonly string[] = [
  "Database properly configured and backed up", "Environment variables secured", "SSL/TLS certificates installed",
  "Monitoring and alerting set up", "Load testing completed", "Security audit passed", "Rollback plan documented",
  "Team trained on operations", "Support channels established",
  "Storage backend configured (PostgreSQL)", "MLFlow production deployment", "TLS/SSL certificates configured",
  "Secrets in secure vault", "Firewall rules configured", "Monitoring and alerting setup", "Backup procedures documented",
  "Health check endpoints configured", "Resource limits set", "Log aggregation configured", "Load balancer configured",
  "High availability setup",
  "Verify all services healthy", "Test workflow execution", "Monitor metrics for 1 hour", "Load test with expected traffic",
  "Verify MLFlow tracking", "Test backup/restore", "Document incident response", "Train team on operations",
  "Daily health checks", "Weekly backup verification", "Monthly security updates", "Quarterly performance review",
  "Annual disaster recovery test", "Regular log reviews", "Capacity planning", "Cost optimization",
];

const DOC = "docs/production-checklist.md";
const doc = readDoc(DOC);

interface Row {
  number: string;
  item: string;
  area: string;
  policies: string[];
  tests: string[];
  links: string[];
  notes: string;
}

const COLUMNS = ["#", "Seed item", "Area", "Policy rules", "Tests", "Runbooks and docs", "Notes"];

/** The rows of every table whose header is COLUMNS. */
function rows(): Row[] {
  const out: Row[] = [];
  let inTable = false;
  for (const line of prose(doc).split("\n")) {
    if (!line.startsWith("|")) {
      inTable = false;
      continue;
    }
    const cells = line.slice(1, line.endsWith("|") ? -1 : undefined).split("|").map((c) => c.trim());
    if (cells.join("|") === COLUMNS.join("|")) {
      inTable = true;
      continue;
    }
    if (!inTable || cells.every((c) => /^-+$/.test(c))) continue;
    const [number = "", item = "", area = "", policies = "", tests = "", links = "", notes = ""] = cells;
    out.push({
      number, item, area, notes,
      policies: [...policies.matchAll(/`policy: ([^`]*)`/g)].map((m) => m[1] ?? ""),
      tests: [...tests.matchAll(/`([^`]*)`/g)].map((m) => m[1] ?? ""),
      links: [...links.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? ""),
    });
  }
  return out;
}

const ROWS = rows();

describe("docs/production-checklist.md", () => {
  it("has one row per seed item, in the seeds' words, numbered in order", () => {
    expect(ROWS.map((r) => r.item)).toEqual(SEED_ITEMS);
    expect(ROWS.map((r) => r.number)).toEqual(SEED_ITEMS.map((_, i) => String(i + 1)));
  });

  it.each(ROWS.map((r) => [r.number, r] as const))("row %s: an area, and something that enforces or documents it, or the operator's job", (_, row) => {
    expect(["security", "reliability", "ops"]).toContain(row.area);
    const owned = /\*\*operator's job\*\*|\*\*not applicable\*\*/.test(row.notes);
    expect(row.policies.length + row.tests.length + row.links.length > 0 || owned, row.item).toBe(true);
  });

  it("names only test files that exist", () => {
    const tests = [...new Set(ROWS.flatMap((r) => r.tests))];
    expect(tests.length).toBeGreaterThan(10);
    expect(tests.filter((t) => !/^test\/.+\.test\.ts$/.test(t) || !existsSync(path.join(REPO_ROOT, t)))).toEqual([]);
  });

  it("links only to files and anchors that exist", () => {
    const links = [...new Set(ROWS.flatMap((r) => r.links))];
    expect(links.length).toBeGreaterThan(10);
    expect(links.map((l) => resolveLink(DOC, l)).filter((problem) => problem !== undefined)).toEqual([]);
  });

  it("writes policy ids as `policy: <id>`, each a rule id of the catalogue's form", () => {
    const ids = [...new Set(ROWS.flatMap((r) => r.policies))];
    expect(ids.length).toBeGreaterThan(20);
    expect(ids.filter((id) => !/^(k8s|rds|redis|s3|eks|secret|kms|iam|irsa)-[a-z0-9]+(-[a-z0-9]+)*$/.test(id))).toEqual([]);
    // Nothing that looks like a policy outside the column the later check reads.
    const elsewhere = ROWS.flatMap((r) => [r.item, r.notes, ...r.tests]).filter((cell) => cell.includes("policy:"));
    expect(elsewhere).toEqual([]);
  });

  it("names only rules the policy pack has (policy/rules)", () => {
    const known = new Set(rules.map((r) => r.id));
    expect([...new Set(ROWS.flatMap((r) => r.policies))].filter((id) => !known.has(id))).toEqual([]);
  });

  // A copy of ../shared/seeds, kept in the repository (docs/reference/seeds) so this runs on any clone.
  const seeds = path.resolve(REPO_ROOT, "docs", "reference", "seeds");
  it("lists exactly the seeds' checklist items", () => {
    const items = readdirSync(seeds).filter((f) => f.endsWith(".txt")).sort()
      .flatMap((f) => [...readFileSync(path.join(seeds, f), "utf8").matchAll(/^- \[ \] (.+?)\s*$/gm)].map((m) => m[1] ?? ""));
    expect(items).toEqual(SEED_ITEMS);
  });
});
