/**
 * @module plugins/contributions
 * What the enabled plugins have added to the UI, keyed by plugin id so a
 * disabled plugin's additions can be removed together.
 */
import type { ComponentType, ReactNode } from "react";
import type { PluginComponentProps, PostTypeProps, WebLocation } from "#common/web-plugin-api.ts";

export interface RhsContribution {
  /** Unique across plugins: `pluginId:id`. */
  key: string;
  pluginId: string;
  title: string;
  component: ComponentType<PluginComponentProps>;
}

export interface HeaderButtonContribution {
  key: string;
  pluginId: string;
  icon: ReactNode;
  label: string;
  action(location: WebLocation): void;
}

export interface PostTypeContribution {
  key: string;
  pluginId: string;
  type: string;
  component: ComponentType<PostTypeProps>;
}

export interface AdminPageContribution {
  key: string;
  pluginId: string;
  title: string;
  component: ComponentType<PluginComponentProps>;
}

export interface Contributions {
  rhs: RhsContribution[];
  headerButtons: HeaderButtonContribution[];
  postTypes: PostTypeContribution[];
  adminPages: AdminPageContribution[];
  /** Key of the RHS panel shown, or null. */
  openRhs: string | null;
  /** Ids of the plugins whose web code is loaded. */
  loaded: string[];
}

export const noContributions: Contributions = { rhs: [], headerButtons: [], postTypes: [], adminPages: [], openRhs: null, loaded: [] };

/** The renderer for a post type; the latest registration wins. */
export function postTypeRenderer(contributions: Contributions, type: string): PostTypeContribution | undefined {
  return contributions.postTypes.findLast((contribution) => contribution.type === type);
}
