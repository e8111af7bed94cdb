/**
 * The CrossGuard entry point: `pulumi preview --policy-pack policy`. It only constructs the pack; constructing a
 * PolicyPack starts its gRPC server, so tests import rules/ instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { packPolicies } from "./rules";

new PolicyPack("agent-platform", { policies: packPolicies() });
