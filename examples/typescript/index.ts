// A program of your own that uses the package as published: a dev platform (in-cluster PostgreSQL and Redis, no
// ingress, no AWS) in the cluster of the ambient kubeconfig. test/package/consumer.test.ts installs the packed
// tarball here, type-checks this file strictly and runs it under Pulumi's mocks.
import * as pulumi from "@pulumi/pulumi";
import { AgentPlatform, DatabaseMode, Environment } from "@agent-platform/agent-platform";

const config = new pulumi.Config();

const platform = new AgentPlatform("agents", {
  environment: Environment.Dev,
  namespace: config.get("namespace") ?? "agents-example",
  database: { mode: DatabaseMode.StatefulSet, storageSize: "10Gi" },
  server: { minReplicas: 1, maxReplicas: 2 },
});

export const namespace = platform.namespace;
export const serviceName = platform.serviceName;
export const databaseEndpoint = platform.databaseEndpoint;
export const serverPassword = platform.serverPassword;
export const url = platform.url;
