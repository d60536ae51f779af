/**
 * The runtime tests' own plugin folders; building, hand-made bundles and
 * uploads are the test kit's (`#testing`: testPluginBundle, makeBundle,
 * makeTarGz, pluginForm, upload, exampleBundle).
 */
import path from "node:path";

export { exampleDir } from "#testing";
/** The boundary plugin: routes with schemas and access levels, and storage probes. */
export const boundaryDir = path.join(import.meta.dirname, "boundary");
