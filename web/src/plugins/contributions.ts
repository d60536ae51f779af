/**
 * @module plugins/contributions
 * What the enabled plugins have added to the UI, keyed by plugin id so a
 * disabled plugin's additions can be removed together.
 */
import type { ComponentType, ReactNode } from "react";
import type {
  MainMenuAction,
  PluginComponentProps,
  PluginPage,
  PostMenuAction,
  PostTypeProps,
  SidebarSection,
  WebLocation,
} from "#common/web-plugin-api.ts";
import type { Channel, Post } from "#common/wire.ts";

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

export interface PostMenuActionContribution extends PostMenuAction {
  key: string;
  pluginId: string;
}

export interface SidebarSectionContribution extends SidebarSection {
  /** Unique across plugins: `pluginId:id`. */
  key: string;
  pluginId: string;
  /** Bumped by `refresh()`, so the sidebar filters again. */
  version: number;
}

export interface AdminPageContribution {
  key: string;
  pluginId: string;
  /** The page's id within the plugin ("" for its main page). */
  pageId: string;
  title: string;
  component: ComponentType<PluginComponentProps>;
}

export interface PageContribution extends PluginPage {
  key: string;
  pluginId: string;
}

export interface MainMenuContribution extends MainMenuAction {
  key: string;
  pluginId: string;
}

export interface Contributions {
  rhs: RhsContribution[];
  headerButtons: HeaderButtonContribution[];
  postTypes: PostTypeContribution[];
  /** Items of posts' "⋯" menus, in the order registered. */
  postMenuActions: PostMenuActionContribution[];
  adminPages: AdminPageContribution[];
  /** Pages under `/{team}/`; the latest registration of a path wins. */
  pages: PageContribution[];
  /** Team menu entries, in the order registered. */
  mainMenuActions: MainMenuContribution[];
  /** Plugins' sections of the channel sidebar, in the order registered. */
  sidebarSections: SidebarSectionContribution[];
  /** Key of the RHS panel shown, or null. */
  openRhs: string | null;
  /** Ids of the plugins whose web code is loaded. */
  loaded: string[];
}

export const noContributions: Contributions = {
  rhs: [],
  headerButtons: [],
  postTypes: [],
  postMenuActions: [],
  adminPages: [],
  pages: [],
  mainMenuActions: [],
  sidebarSections: [],
  openRhs: null,
  loaded: [],
};

/** The plugin page at `/{team}/{path}`, if one is registered. */
export function pluginPageFor(contributions: Contributions, path: string): PageContribution | undefined {
  return contributions.pages.findLast((page) => page.path === path);
}

/** The renderer for a post type; the latest registration wins. */
export function postTypeRenderer(contributions: Contributions, type: string): PostTypeContribution | undefined {
  return contributions.postTypes.findLast((contribution) => contribution.type === type);
}

/**
 * The plugins' post-menu items for one post: those whose `filter` accepts it.
 * A filter that throws hides its item (and is reported), never the menu.
 */
export function postMenuActionsFor(contributions: Contributions, post: Post): PostMenuActionContribution[] {
  return contributions.postMenuActions.filter((item) => {
    if (!item.filter) return true;
    try {
      return item.filter(post) === true;
    } catch (error) {
      console.warn(`Sitrep: plugin ${item.pluginId}'s post menu filter for "${item.text}" failed`, error);
      return false;
    }
  });
}

/**
 * The user's channels split into the plugins' sidebar sections: each channel
 * goes to the first section whose filter accepts it; `rest` are the others.
 * A filter that throws holds nothing (and is reported), never breaks the sidebar.
 */
export function channelsBySection(
  sections: readonly SidebarSectionContribution[],
  channels: readonly Channel[],
): { sections: Array<{ section: SidebarSectionContribution; channels: Channel[] }>; rest: Channel[] } {
  const failed = new Set<string>();
  const accepts = (section: SidebarSectionContribution, channel: Channel) => {
    if (failed.has(section.key)) return false;
    try {
      return section.filter(channel) === true;
    } catch (error) {
      failed.add(section.key);
      console.warn(`Sitrep: plugin ${section.pluginId}'s sidebar section "${section.title}" failed`, error);
      return false;
    }
  };
  const filled = sections.map((section) => ({ section, channels: [] as Channel[] }));
  const rest: Channel[] = [];
  for (const channel of channels) {
    const home = filled.find((entry) => accepts(entry.section, channel));
    if (home) home.channels.push(channel);
    else rest.push(channel);
  }
  return { sections: filled, rest };
}
