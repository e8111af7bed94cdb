import { describe, expect, it } from "vitest";
import { ConfigError, parsePlatformConfig, rdsMaxConnections, type PlatformConfigInput } from "../../components/config";

const prod = {
  environment: "prod" as const, ingress: { host: "agents.example.com", certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/x" },
  // A cluster this stack creates needs its admins (cluster.adminPrincipalArns).
  cluster: { adminPrincipalArns: ["arn:aws:iam::123456789012:role/deploy"] },
  // Images come through the pull-through cache by default with cluster.mode=create: Docker Hub's credential.
  image: { dockerHubCredentialArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf" },
};
const dev = { environment: "dev" } as const;

describe("RDS max_connections from the instance class (LEAST(memory / 9531392, 5000))", () => {
  it.each([
    ["db.t4g.micro", 112], ["db.t4g.medium", 450], ["db.m6i.large", 901], ["db.r6g.large", 1802], ["db.r6g.2xlarge", 5000],
  ])("%s → %i", (instanceClass, expected) => {
    expect(rdsMaxConnections(instanceClass)).toBe(expected);
  });

  it("knows no memory for classes outside the t, m, r, x, z families", () => {
    expect(rdsMaxConnections("db.c6gd.large")).toBeUndefined();
  });
});

describe("connection budget", () => {
  // Worst case = maxReplicas × workers × (pool + overflow) + 10 for jobs; allowed = 80% of max_connections.
  it.each<[string, PlatformConfigInput]>([
    ["defaults on db.t4g.medium: 10 × 1 × 15 + 10 = 160 ≤ 360", prod],
    ["the maintainer's load settings on db.r6g.2xlarge: 10 × 10 × 35 + 10 = 3510 ≤ 4000", { ...prod, server: { uvicornWorkers: 10 }, database: { instanceClass: "db.r6g.2xlarge", poolSize: 25, maxOverflow: 10 } }],
    ["exactly at 80%: 7 × 1 × 50 + 10 = 360 ≤ 360", { ...prod, server: { maxReplicas: 7 }, database: { poolSize: 40, maxOverflow: 10 } }],
    ["dev StatefulSet: 3 × 1 × 15 + 10 = 55 ≤ 160", { ...dev, server: { maxReplicas: 3 } }],
  ])("accepts %s", (_, input) => {
    expect(() => parsePlatformConfig(input)).not.toThrow();
  });

  it.each<[string, PlatformConfigInput, string]>([
    ["one over 80% on RDS", { ...prod, server: { maxReplicas: 7 }, database: { poolSize: 41, maxOverflow: 10 } },
      "the worst case of 367 connections (server.maxReplicas 7 × server.uvicornWorkers 1 × (database.poolSize 41 + database.maxOverflow 10) + 10 for jobs) exceeds 360, 80% of max_connections 450 of db.t4g.medium; lower those keys, or choose a larger database.instanceClass"],
    ["the maintainer's load settings on the default class", { ...prod, server: { uvicornWorkers: 10 }, database: { poolSize: 25, maxOverflow: 10 } },
      "the worst case of 3510 connections"],
    ["a small StatefulSet", { ...dev, server: { maxReplicas: 20 }, database: { maxConnections: 100 } },
      "exceeds 80, 80% of database.maxConnections 100; lower those keys, or raise database.maxConnections"],
  ])("refuses %s, naming the keys", (_, input, message) => {
    try {
      parsePlatformConfig(input);
      expect.unreachable("the budget should have been refused");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const issue = (error as ConfigError).issues.find((i) => i.key === "agent-platform:database.poolSize");
      expect(issue?.message).toContain(message);
    }
  });

  it("refuses an instance class whose memory it cannot derive, since the budget cannot be checked", () => {
    expect(() => parsePlatformConfig({ ...prod, database: { instanceClass: "db.c6gd.large" } })).toThrow(/database.instanceClass = "db.c6gd.large": has no known memory size/);
  });
});
