export { ImageBuild, type ImageBuildArgs } from "./image-build";
