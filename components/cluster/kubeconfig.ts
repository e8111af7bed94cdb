import * as pulumi from "@pulumi/pulumi";

/** A kubeconfig that authenticates with `aws eks get-token`, so no long-lived credential is stored in it. */
export function eksKubeconfig(clusterName: pulumi.Input<string>, endpoint: pulumi.Input<string>, caData: pulumi.Input<string>, region: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.all([clusterName, endpoint, caData, region]).apply(([name, server, ca, awsRegion]) => JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server, "certificate-authority-data": ca } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [{
      name,
      user: {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "aws",
          args: ["eks", "get-token", "--cluster-name", name, "--region", awsRegion, "--output", "json"],
          interactiveMode: "Never",
        },
      },
    }],
  }));
}
