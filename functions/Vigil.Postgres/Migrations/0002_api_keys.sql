-- API keys: only the SHA-256 of the key is stored; the plain key is shown once at creation.
CREATE TABLE api_keys (
    id         text        PRIMARY KEY,
    name       text        NOT NULL,
    role       text        NOT NULL CHECK (role IN ('ingest', 'read', 'operator', 'admin')),
    tenant_id  text,
    key_hash   bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text,
    revoked_at timestamptz
);
