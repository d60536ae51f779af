/** Build the plugin in `dir` into `<outDir>/<id>.tar.gz`; resolves to that path. */
export function buildPlugin(props: { dir: string; outDir: string; minify?: boolean }): Promise<string>;
