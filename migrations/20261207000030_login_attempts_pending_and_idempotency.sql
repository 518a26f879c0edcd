-- The login throttle counts an attempt before its password is checked: the row is written with
-- success NULL ("being checked") and settled to true/false afterwards, so parallel guesses see
-- each other. `device` is the SHA-256 (hex) of the browser's known-device cookie: a browser that
-- logged in as a user recently is not slowed or blocked by others' failures, and has its own
-- quota of failures.
ALTER TABLE login_attempts ALTER COLUMN success DROP NOT NULL;
ALTER TABLE login_attempts ADD COLUMN device TEXT;

-- Which request body an Idempotency-Key was first sent with, per user and endpoint: a key
-- reused with a different body is refused (422 idempotency_key_reused) instead of silently
-- answering with the first record.
CREATE TABLE idempotency_fingerprints (
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, scope, key)
);
