-- The `state` of an OAuth sign-in started on the connect page (src/connect/oauth.ts): single
-- use, short-lived, bound to the connect link. Only the state's SHA-256 is stored; what the
-- callback needs (the link token, the fields typed before signing in) is sealed.
CREATE TABLE oauth_states (
  state_hash text PRIMARY KEY,
  link_id text NOT NULL REFERENCES connect_links(id) ON DELETE CASCADE,
  sealed text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_states_expires ON oauth_states (expires_at);
