import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { restrictedContainerSecurity } from "../workload/pod-security";

/** Where the server's Redis client connects when the sidecar carries it: plaintext, inside the pod only. */
export const SIDECAR_LISTEN = { host: "127.0.0.1", port: 6379 };
const ENVOY_UID = 10101;

/**
 * Envoy configuration for the sidecar: a TCP proxy from 127.0.0.1:6379 to ElastiCache over TLS, verifying the
 * server certificate against the system CAs and its name (SNI). No admin interface.
 */
export function envoyConfig(upstreamHost: string, upstreamPort: number): string {
  return JSON.stringify({
    static_resources: {
      listeners: [{
        name: "redis",
        address: { socket_address: { address: SIDECAR_LISTEN.host, port_value: SIDECAR_LISTEN.port } },
        filter_chains: [{
          filters: [{
            name: "envoy.filters.network.tcp_proxy",
            typed_config: {
              "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
              stat_prefix: "redis",
              cluster: "elasticache",
              idle_timeout: "3600s",
            },
          }],
        }],
      }],
      clusters: [{
        name: "elasticache",
        type: "LOGICAL_DNS",
        dns_lookup_family: "V4_ONLY",
        connect_timeout: "5s",
        load_assignment: {
          cluster_name: "elasticache",
          endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: upstreamHost, port_value: upstreamPort } } } }] }],
        },
        transport_socket: {
          name: "envoy.transport_sockets.tls",
          typed_config: {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
            sni: upstreamHost,
            common_tls_context: {
              tls_params: { tls_minimum_protocol_version: "TLSv1_2" },
              validation_context: {
                trusted_ca: { filename: "/etc/ssl/certs/ca-certificates.crt" },
                match_typed_subject_alt_names: [{ san_type: "DNS", matcher: { exact: upstreamHost } }],
              },
            },
          },
        },
      }],
    },
  }, null, 2);
}

/**
 * The sidecar as a native sidecar (an init container with restartPolicy Always): it starts before the server,
 * is ready when its port accepts connections, and stops after it.
 */
export function tlsSidecarContainer(image: string, configMapName: pulumi.Input<string>): { container: k8s.types.input.core.v1.Container; volume: k8s.types.input.core.v1.Volume } {
  return {
    container: {
      name: "redis-tls",
      image,
      restartPolicy: "Always",
      command: ["envoy", "--config-path", "/etc/envoy/envoy.json", "--log-level", "warn", "--disable-hot-restart"],
      ports: [{ name: "redis-local", containerPort: SIDECAR_LISTEN.port, protocol: "TCP" }],
      startupProbe: { tcpSocket: { port: SIDECAR_LISTEN.port, host: SIDECAR_LISTEN.host }, periodSeconds: 2, failureThreshold: 30 },
      livenessProbe: { tcpSocket: { port: SIDECAR_LISTEN.port, host: SIDECAR_LISTEN.host }, periodSeconds: 20 },
      securityContext: restrictedContainerSecurity(ENVOY_UID),
      resources: { requests: { cpu: "50m", memory: "64Mi", "ephemeral-storage": "10Mi" }, limits: { cpu: "500m", memory: "128Mi", "ephemeral-storage": "100Mi" } },
      volumeMounts: [{ name: "redis-tls-config", mountPath: "/etc/envoy", readOnly: true }],
    },
    volume: { name: "redis-tls-config", configMap: { name: configMapName } },
  };
}
