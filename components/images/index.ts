export { ImageBuild, type ImageBuildArgs } from "./image-build";
export { PullThroughCache, type PullThroughCacheArgs } from "./pull-through-cache";
export { cacheNamespace, ecrHost, imageSource, neededUpstreams, registryAccount, resolveImage, usedImages, withResolvedImages, type ImageSource } from "./image-plan";
export { parseImageRef, type ImageRef } from "./references";
export * from "./pins";
