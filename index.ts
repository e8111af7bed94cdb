// The Pulumi program: read and validate the stack config, build the platform, export the stack outputs.
// Exported as a function so the engine (and the offline plan) run it after config is in place.
import * as pulumi from "@pulumi/pulumi";
import { AgentPlatform, loadPlatformConfig } from "./components";

export = (): Record<string, unknown> => {
  const config = loadPlatformConfig();
  const platform = new AgentPlatform("agents", { config });
  return {
    environment: config.environment,
    namespace: platform.namespace,
    credentialsSecretName: platform.credentialsSecretName,
    serverPassword: pulumi.secret(platform.serverPassword),
    secretArns: platform.secretArns,
    awsServices: platform.awsServices,
    kubeconfig: pulumi.secret(platform.kubeconfig),
  };
};
