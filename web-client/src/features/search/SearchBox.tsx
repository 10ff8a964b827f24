import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams, useMatch } from 'react-router';

/** The top bar's search field: Enter opens the results page (`/search?q=…`), which keeps the query in the URL. */
export function SearchBox() {
  const navigate = useNavigate();
  const onSearchPage = useMatch('/search') !== null;
  const [params] = useSearchParams();
  const current = onSearchPage ? (params.get('q') ?? '') : '';
  const [q, setQ] = useState(current);
  useEffect(() => setQ(current), [current]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = q.trim();
    if (text) navigate(`/search?q=${encodeURIComponent(text)}`);
  };
  return (
    <form className="searchbox" role="search" onSubmit={submit}>
      <input
        type="search"
        className="searchbox__input"
        aria-label="Search messages"
        placeholder="Search messages"
        maxLength={256}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
    </form>
  );
}
