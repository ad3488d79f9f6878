import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';

export default function NotFoundPage(): ReactNode {
  const location = useLocation();
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        The dashboard has no page at <code>{location.pathname}</code>. Go to the <Link to="/">overview</Link>.
      </p>
    </section>
  );
}
