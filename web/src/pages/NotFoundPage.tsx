/** Any address the app does not know. */
import { Link } from "../components/Link.tsx";

export function NotFoundPage({
  title = "Page not found",
  message = "There is nothing at this address.",
}: {
  title?: string;
  message?: string;
}) {
  return (
    <main className="message-page">
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <Link to="/">Back to Sitrep</Link>
      </p>
    </main>
  );
}
