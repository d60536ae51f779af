/**
 * @module plugins/shared-modules
 * Shares the host's React with plugin bundles, whose builds map `react`,
 * `react-dom` and `react/jsx-runtime` to `globalThis.__SITREP__`.
 */
import * as React from "react";
import * as ReactDOM from "react-dom";
import * as jsxRuntime from "react/jsx-runtime";
import type { SharedModules } from "#common/web-plugin-api.ts";

declare global {
  var __SITREP__: SharedModules | undefined;
}

/** Set `globalThis.__SITREP__`; must run before any plugin is imported. */
export function shareModules(): void {
  globalThis.__SITREP__ = { React, ReactDOM, jsxRuntime };
}
