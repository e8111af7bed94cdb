// The Pulumi program: read and validate the stack config, build the platform, export the stack outputs.
// Exported as a function so the engine (and the offline plan) run it after config is in place.
import * as pulumi from "@pulumi/pulumi";
import { AgentPlatform, ClusterMode, loadPlatformConfig } from "./components";

export = (): Record<string, unknown> => {
  const config = loadPlatformConfig();
  const platform = new AgentPlatform("agents", config);
  const outputs: Record<string, unknown> = {
    environment: config.environment,
    url: platform.url,
    namespace: platform.namespace,
    credentialsSecretName: platform.credentialsSecretName,
    serverPassword: pulumi.secret(platform.serverPassword),
    secretArns: platform.secretArns,
    awsServices: platform.awsServices,
    serviceName: platform.serviceName,
    databaseEndpoint: platform.databaseEndpoint,
    cacheEndpoint: platform.cacheEndpoint,
    backupBucket: platform.backupBucket,
  };
  // Only a cluster this stack created has a kubeconfig worth exporting.
  if (config.cluster.mode === ClusterMode.Create) outputs.kubeconfig = pulumi.secret(platform.kubeconfig);
  return outputs;
};
