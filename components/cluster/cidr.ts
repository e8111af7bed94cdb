// IPv4 subnet arithmetic for carving the VPC into per-zone subnets.

function toInt(address: string): number {
  return address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function toAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** The `index`-th block of prefix length `newPrefix` inside `cidr` (10.0.0.0/16, 19, 2 → 10.0.64.0/19). */
export function subnetCidr(cidr: string, newPrefix: number, index: number): string {
  const [address = "", prefixText = ""] = cidr.split("/");
  const prefix = Number(prefixText);
  if (newPrefix < prefix || newPrefix > 28) throw new Error(`cannot carve /${newPrefix} blocks out of ${cidr}`);
  if (index < 0 || index >= 2 ** (newPrefix - prefix)) throw new Error(`${cidr} has no block ${index} of size /${newPrefix}`);
  return `${toAddress(toInt(address) + index * 2 ** (32 - newPrefix))}/${newPrefix}`;
}

/**
 * The subnet plan for a VPC: eight private blocks of prefix+3 (nodes and pods take VPC addresses with the VPC
 * CNI, so private subnets get the room), the first N used; public subnets carved out of the last block.
 */
export function subnetPlan(vpcCidr: string, zones: number): { private: string[]; public: string[] } {
  const prefix = Number(vpcCidr.split("/")[1]);
  const lastBlock = subnetCidr(vpcCidr, prefix + 3, 7);
  return {
    private: Array.from({ length: zones }, (_, i) => subnetCidr(vpcCidr, prefix + 3, i)),
    public: Array.from({ length: zones }, (_, i) => subnetCidr(lastBlock, prefix + 6, i)),
  };
}
