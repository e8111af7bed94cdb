import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface ExistingClusterArgs {
  /** Kubeconfig contents (keep it a secret). Default: the ambient kubeconfig (KUBECONFIG or ~/.kube/config). */
  kubeconfig?: pulumi.Input<string>;
  /** ARN of the cluster's IAM OIDC provider, for IRSA roles. Default: none (IRSA roles cannot be created). */
  oidcProviderArn?: string;
  /** The cluster's OIDC issuer URL (https://…). Default: none; set together with oidcProviderArn. */
  oidcIssuerUrl?: string;
}

/**
 * A cluster someone else runs (kind, minikube, a shared EKS): only the Kubernetes provider that reaches it, and the
 * OIDC facts IRSA needs. It creates no cloud resources.
 */
export class ExistingCluster extends pulumi.ComponentResource {
  /** Provider every Kubernetes resource of the platform is created with. */
  public readonly provider: k8s.Provider;
  /** IAM OIDC provider ARN, or undefined when IRSA is not configured. */
  public readonly oidcProviderArn: pulumi.Output<string | undefined>;
  /** OIDC issuer URL, or undefined when IRSA is not configured. */
  public readonly oidcIssuerUrl: pulumi.Output<string | undefined>;

  constructor(name: string, args: ExistingClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("agent-platform:cluster:ExistingCluster", name, {}, opts);
    this.provider = new k8s.Provider(`${name}-k8s`, {
      ...(args.kubeconfig === undefined ? {} : { kubeconfig: pulumi.secret(args.kubeconfig) }),
    }, { parent: this });
    this.oidcProviderArn = pulumi.output(args.oidcProviderArn);
    this.oidcIssuerUrl = pulumi.output(args.oidcIssuerUrl);
    this.registerOutputs({ oidcProviderArn: this.oidcProviderArn, oidcIssuerUrl: this.oidcIssuerUrl });
  }
}
