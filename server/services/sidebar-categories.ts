/**
 * @module services/sidebar-categories
 * The sidebar's categories of a user in a team, as Mattermost's
 * `GET /users/{id}/teams/{id}/channels/categories` answers them for a user
 * who never rearranged them: Favorites, Channels (the team's channels the
 * user is in, by name) and Direct Messages (most recent first), computed from
 * the memberships each time. Favorites are the channels the user marked
 * (`favorite_channel` preferences); none while there are none.
 */
import { isDirectOrGroup, type Channel, type SidebarCategories, type SidebarCategory } from "#common/wire.ts";
import type { Host } from "../host.ts";
import { channelsOfUser } from "./channels.ts";

/** A category's kind, as Mattermost names them. */
type SidebarCategoryType = SidebarCategory["type"];

/** Mattermost's id of a user's default category in a team. */
export function categoryId(props: { type: SidebarCategoryType; userId: string; teamId: string }): string {
  return `${props.type}_${props.userId}_${props.teamId}`;
}

/** The user's default categories in a team, with the channels each holds; `favoriteIds` go to Favorites. */
export async function sidebarCategoriesOf(
  host: Host,
  props: { userId: string; teamId: string; favoriteIds?: ReadonlySet<string> },
): Promise<SidebarCategories> {
  const favorites = props.favoriteIds ?? new Set<string>();
  const channels = await channelsOfUser(host, props);
  const isFavorite = (c: Channel) => favorites.has(c.id);
  const byName = (a: Channel, b: Channel) => a.display_name.localeCompare(b.display_name);
  const category = (type: SidebarCategoryType, order: number, display: string, sorting: SidebarCategory["sorting"], ids: string[]) => ({
    id: categoryId({ type, userId: props.userId, teamId: props.teamId }),
    user_id: props.userId,
    team_id: props.teamId,
    sort_order: order,
    sorting,
    type,
    display_name: display,
    muted: false,
    collapsed: false,
    channel_ids: ids,
  });
  const categories = [
    category(
      "favorites",
      0,
      "Favorites",
      "",
      channels
        .filter(isFavorite)
        .sort(byName)
        .map((c) => c.id),
    ),
    category(
      "channels",
      10,
      "Channels",
      "",
      channels
        .filter((c) => !isFavorite(c) && !isDirectOrGroup(c))
        .sort(byName)
        .map((c) => c.id),
    ),
    category(
      "direct_messages",
      20,
      "Direct Messages",
      "recent",
      channels
        .filter((c) => !isFavorite(c) && isDirectOrGroup(c))
        .sort((a, b) => b.last_post_at - a.last_post_at)
        .map((c) => c.id),
    ),
  ];
  return { categories, order: categories.map((c) => c.id) };
}
