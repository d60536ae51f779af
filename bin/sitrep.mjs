#!/usr/bin/env node
// The `sitrep` command: runs the TypeScript CLI through tsx's loader.
import { register } from "tsx/esm/api";
register();
const { runCli } = await import("../server/cli/index.ts");
await runCli(process.argv);
