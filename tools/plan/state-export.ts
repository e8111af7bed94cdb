// The captured graph as `pulumi stack export` writes it (deployment version 3), so `pulumi policy analyze --file`
// and our own policy runner read it like a real stack's export.
import type { CapturedStack } from "./capture";
import { toStateValue, type Json } from "./wire";

export interface StateResource {
  urn: string;
  custom: boolean;
  id?: string;
  type: string;
  inputs?: Record<string, Json>;
  outputs?: Record<string, Json>;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  provider?: string;
  protect?: boolean;
  retainOnDelete?: boolean;
}

export interface DeploymentV3 {
  version: 3;
  deployment: {
    manifest: { time: string; magic: string; version: string };
    resources: StateResource[];
  };
}

export function toDeployment(captured: CapturedStack, sdkVersion: string, now = new Date()): DeploymentV3 {
  const resources = captured.resources.map((r): StateResource => ({
    urn: r.urn,
    custom: r.custom,
    ...(r.id !== undefined ? { id: r.id } : {}),
    type: r.type,
    inputs: toStateValue(r.inputs) as Record<string, Json>,
    outputs: toStateValue(r.outputs) as Record<string, Json>,
    ...(r.type === "pulumi:pulumi:Stack" ? {} : { parent: r.parent }),
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
    ...(r.provider ? { provider: r.provider } : {}),
    ...(r.protect ? { protect: true } : {}),
    ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
  }));
  return {
    version: 3,
    deployment: {
      manifest: { time: now.toISOString(), magic: "", version: `agent-platform offline plan (@pulumi/pulumi ${sdkVersion})` },
      resources,
    },
  };
}
