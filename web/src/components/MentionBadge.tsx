/** The count of unread mentions beside a channel or a team (nothing when there are none); read out as "N mentions". */
export function MentionBadge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span className="mention-badge">
      <span aria-hidden="true">{count > 99 ? "99+" : count}</span>
      <span className="visually-hidden">
        {" "}
        ({count} {count === 1 ? "mention" : "mentions"})
      </span>
    </span>
  );
}
