/**
 * @module pages/use-charts
 * The chart module, loaded with a dynamic `import()` the first time a page
 * that draws charts mounts: its own chunk, never in the RHS's bundle.
 */
import { useEffect, useState } from "react";
import type * as Charts from "../charts/charts.tsx";

let loading: Promise<typeof Charts> | null = null;

/** The charts once loaded; null until then. */
export function useCharts(): typeof Charts | null {
  const [charts, setCharts] = useState<typeof Charts | null>(null);
  useEffect(() => {
    let live = true;
    loading ??= import("../charts/charts.tsx");
    void loading.then((module) => live && setCharts(module));
    return () => {
      live = false;
    };
  }, []);
  return charts;
}
