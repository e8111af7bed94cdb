import { describe, expect, it } from "vitest";
import { amiTypeFor } from "../../components/cluster/eks-cluster";
import { subnetCidr, subnetPlan } from "../../components/cluster/cidr";

describe("subnet arithmetic", () => {
  it("carves the n-th block of a prefix", () => {
    expect(subnetCidr("10.0.0.0/16", 19, 0)).toBe("10.0.0.0/19");
    expect(subnetCidr("10.0.0.0/16", 19, 2)).toBe("10.0.64.0/19");
    expect(subnetCidr("10.20.0.0/16", 22, 3)).toBe("10.20.12.0/22");
  });

  it("refuses blocks that do not fit", () => {
    expect(() => subnetCidr("10.0.0.0/16", 15, 0)).toThrow(/cannot carve/);
    expect(() => subnetCidr("10.0.0.0/16", 19, 8)).toThrow(/no block 8/);
  });

  it.each([
    ["10.0.0.0/16", 3],
    ["172.16.0.0/18", 6],
    ["192.168.0.0/20", 2],
  ])("plans %s over %i zones with disjoint subnets inside the VPC", (vpc, zones) => {
    const plan = subnetPlan(vpc, zones);
    expect(plan.private).toHaveLength(zones);
    expect(plan.public).toHaveLength(zones);
    const toRange = (cidr: string): [number, number] => {
      const [address = "", prefix = "0"] = cidr.split("/");
      const start = address.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
      return [start, start + 2 ** (32 - Number(prefix)) - 1];
    };
    const [vpcStart, vpcEnd] = toRange(vpc);
    const ranges = [...plan.private, ...plan.public].map(toRange).sort((a, b) => a[0] - b[0]);
    ranges.forEach(([start, end], i) => {
      expect(start).toBeGreaterThanOrEqual(vpcStart);
      expect(end).toBeLessThanOrEqual(vpcEnd);
      if (i > 0) expect(start).toBeGreaterThan((ranges[i - 1] as [number, number])[1]);
    });
  });
});

describe("node AMI type", () => {
  it("picks arm64 for Graviton families and x86_64 otherwise", () => {
    expect(amiTypeFor(["m7g.large", "c7gn.xlarge", "t4g.medium"])).toBe("AL2023_ARM_64_STANDARD");
    expect(amiTypeFor(["m6i.large", "m7i-flex.large", "c5n.xlarge"])).toBe("AL2023_x86_64_STANDARD");
  });

  it("refuses a node group that mixes architectures", () => {
    expect(() => amiTypeFor(["m6i.large", "m7g.large"])).toThrow(/mixes arm64 \(m7g.large\)/);
  });
});
