-- Master data and authentication: stokis, mitra, products, users, sessions, login attempts.
-- Every rule the application relies on is also a constraint here, so no code path can store a bad state.

CREATE TABLE stokis (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9-]{2,20}$'),
    name                TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    city                TEXT NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    address             TEXT NOT NULL DEFAULT '' CHECK (length(address) <= 500),
    phone               TEXT CHECK (phone ~ '^62[0-9]{8,13}$'),
    credit_limit        BIGINT NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
    payment_terms_days  INTEGER NOT NULL DEFAULT 14 CHECK (payment_terms_days BETWEEN 0 AND 365),
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX stokis_name_idx ON stokis (lower(name));

CREATE TABLE mitra (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9-]{2,20}$'),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    owner_name  TEXT NOT NULL DEFAULT '' CHECK (length(owner_name) <= 200),
    phone       TEXT CHECK (phone ~ '^62[0-9]{8,13}$'),
    city        TEXT NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    address     TEXT NOT NULL DEFAULT '' CHECK (length(address) <= 500),
    stokis_id   BIGINT NOT NULL REFERENCES stokis (id),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX mitra_stokis_idx ON mitra (stokis_id);
CREATE INDEX mitra_name_idx ON mitra (lower(name));

CREATE TABLE products (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku              TEXT NOT NULL UNIQUE CHECK (sku ~ '^[A-Z0-9-]{2,30}$'),
    name             TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    category         TEXT NOT NULL DEFAULT '' CHECK (length(category) <= 100),
    unit             TEXT NOT NULL CHECK (length(unit) BETWEEN 1 AND 30),
    price_to_mitra   BIGINT NOT NULL CHECK (price_to_mitra >= 0),
    price_to_stokis  BIGINT NOT NULL CHECK (price_to_stokis >= 0),
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX products_active_name_idx ON products (active, name);

CREATE TABLE users (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{3,40}$'),
    password_hash  TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role           TEXT NOT NULL CHECK (role IN ('MITRA', 'STOKIS', 'PUSAT', 'FINANCE', 'GUDANG')),
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone          TEXT CHECK (phone ~ '^62[0-9]{8,13}$'),
    mitra_id       BIGINT REFERENCES mitra (id),
    stokis_id      BIGINT REFERENCES stokis (id),
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_login_at  TIMESTAMPTZ,
    -- a MITRA user belongs to exactly one mitra, a STOKIS user to exactly one stokis, staff to neither
    CONSTRAINT users_mitra_link CHECK ((role = 'MITRA') = (mitra_id IS NOT NULL)),
    CONSTRAINT users_stokis_link CHECK ((role = 'STOKIS') = (stokis_id IS NOT NULL))
);
CREATE INDEX users_mitra_idx ON users (mitra_id) WHERE mitra_id IS NOT NULL;
CREATE INDEX users_stokis_idx ON users (stokis_id) WHERE stokis_id IS NOT NULL;
CREATE INDEX users_role_idx ON users (role);

-- Sessions for both browser cookies and API bearer tokens; only a SHA-256 of the token is stored.
CREATE TABLE sessions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash    BYTEA NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    portal        TEXT NOT NULL CHECK (portal IN ('mitra', 'stokis', 'admin')),
    kind          TEXT NOT NULL CHECK (kind IN ('COOKIE', 'BEARER')),
    csrf_token    TEXT NOT NULL,
    ip            TEXT,
    user_agent    TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at    TIMESTAMPTZ NOT NULL,
    revoked_at    TIMESTAMPTZ,
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Failed logins, for throttling per username and per address.
CREATE TABLE login_attempts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username    TEXT NOT NULL,
    ip          TEXT NOT NULL,
    success     BOOLEAN NOT NULL,
    at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_username_idx ON login_attempts (username, at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at);
