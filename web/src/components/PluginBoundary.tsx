/**
 * Keeps a failing plugin component from taking the page down: it shows a
 * short notice in its place instead.
 */
import { Component, type ReactNode } from "react";

interface Props {
  pluginId: string;
  children: ReactNode;
  /** Shown instead of the default notice. */
  fallback?: ReactNode;
}

export class PluginBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    console.warn(`Sitrep: a component of plugin ${this.props.pluginId} failed`, error);
  }

  override render(): ReactNode {
    if (this.state.failed)
      return this.props.fallback ?? <p className="plugin-error">The {this.props.pluginId} plugin could not show this.</p>;
    return this.props.children;
  }
}
