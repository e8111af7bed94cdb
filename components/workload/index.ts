export { createNamespace, platformLabels, type NamespaceArgs } from "./namespace";
