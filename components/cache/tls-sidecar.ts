import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { restrictedContainerSecurity } from "../workload/pod-security";

/** Where the server's Redis client connects when the sidecar carries it: plaintext, inside the pod only. */
export const SIDECAR_LISTEN = { host: "127.0.0.1", port: 6379 };
const ENVOY_UID = 10101;
/**
 * The sidecar's health endpoint for the kubelet's probes: an HTTP listener on the pod IP that only answers
 * GET /ready with 200 (a direct response, no route anywhere). Probes cannot target 127.0.0.1: the kubelet would dial
 * the node's loopback, and Pod Security (v1.34 hostProbesAndHostLifecycle) forbids any probe `host`.
 */
export const SIDECAR_HEALTH = { port: 15021, path: "/ready" };

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
      }, {
        name: "health",
        address: { socket_address: { address: "0.0.0.0", port_value: SIDECAR_HEALTH.port } },
        filter_chains: [{
          filters: [{
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
              stat_prefix: "health",
              route_config: {
                virtual_hosts: [{
                  name: "health",
                  domains: ["*"],
                  routes: [{ match: { path: SIDECAR_HEALTH.path }, direct_response: { status: 200, body: { inline_string: "ok" } } }],
                }],
              },
              http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
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
      ports: [{ name: "redis-local", containerPort: SIDECAR_LISTEN.port, protocol: "TCP" }, { name: "tls-health", containerPort: SIDECAR_HEALTH.port, protocol: "TCP" }],
      startupProbe: { httpGet: { port: SIDECAR_HEALTH.port, path: SIDECAR_HEALTH.path }, periodSeconds: 2, failureThreshold: 30 },
      livenessProbe: { httpGet: { port: SIDECAR_HEALTH.port, path: SIDECAR_HEALTH.path }, periodSeconds: 20 },
      securityContext: restrictedContainerSecurity(ENVOY_UID),
      resources: { requests: { cpu: "50m", memory: "64Mi", "ephemeral-storage": "10Mi" }, limits: { cpu: "500m", memory: "128Mi", "ephemeral-storage": "100Mi" } },
      volumeMounts: [{ name: "redis-tls-config", mountPath: "/etc/envoy", readOnly: true }],
    },
    volume: { name: "redis-tls-config", configMap: { name: configMapName } },
  };
}
