-- The whatsapp-rust client's own state (the five store traits of whatsapp-rust 0.7, written by
-- `wa::store::PgStore`): one table per kind of record, every key led by the link session
-- (`whatsapp_sessions.session_id`), so several sessions share one database and a session's
-- rows can be wiped for re-pairing (`PgStore::wipe`) or go with its session row (CASCADE).
-- Unix-second timestamps stay BIGINT because the traits pass and compare them as i64; u32 ids
-- are BIGINT so the whole u32 range fits.

-- The generic key/value table of the first WhatsApp migration was never used: the typed tables
-- below replace it.
DROP TABLE whatsapp_store;

-- Write order across the store, for the two "most recently stored" questions the traits ask
-- (latest app-state sync key, newest LID for a phone number). Unix seconds tie too often.
CREATE SEQUENCE wa_store_seq;

-- The device (identity, noise and signed pre-key pairs, account, counters): one serde JSON
-- blob per session, because the struct grows every release. `pn` is a copy for operators.
CREATE TABLE wa_device (
    session_id  TEXT PRIMARY KEY REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    data        JSONB NOT NULL,
    pn          TEXT,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- SignalStore
CREATE TABLE wa_identities (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    address     TEXT NOT NULL,
    key         BYTEA NOT NULL CHECK (length(key) = 32),
    PRIMARY KEY (session_id, address)
);

CREATE TABLE wa_signal_sessions (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    address     TEXT NOT NULL,
    record      BYTEA NOT NULL,
    PRIMARY KEY (session_id, address)
);

CREATE TABLE wa_prekeys (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    id          BIGINT NOT NULL CHECK (id BETWEEN 0 AND 4294967295),
    record      BYTEA NOT NULL,
    uploaded    BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (session_id, id)
);

CREATE TABLE wa_signed_prekeys (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    id          BIGINT NOT NULL CHECK (id BETWEEN 0 AND 4294967295),
    record      BYTEA NOT NULL,
    PRIMARY KEY (session_id, id)
);

CREATE TABLE wa_sender_keys (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    address     TEXT NOT NULL,
    record      BYTEA NOT NULL,
    PRIMARY KEY (session_id, address)
);

-- AppSyncStore
CREATE TABLE wa_sync_keys (
    session_id     TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    key_id         BYTEA NOT NULL,
    key_data       BYTEA NOT NULL,
    fingerprint    BYTEA NOT NULL,
    key_timestamp  BIGINT NOT NULL,
    stored_seq     BIGINT NOT NULL DEFAULT nextval('wa_store_seq'),
    PRIMARY KEY (session_id, key_id)
);
CREATE INDEX wa_sync_keys_latest_idx ON wa_sync_keys (session_id, stored_seq DESC);

-- One HashState per collection, as serde JSON bytes (its map of index to value MACs is opaque).
CREATE TABLE wa_app_state_versions (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    state       BYTEA NOT NULL,
    PRIMARY KEY (session_id, name)
);

CREATE TABLE wa_mutation_macs (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    index_mac   BYTEA NOT NULL,
    version     BIGINT NOT NULL,
    value_mac   BYTEA NOT NULL,
    PRIMARY KEY (session_id, name, index_mac)
);

-- ProtocolStore
CREATE TABLE wa_sender_key_devices (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    group_jid   TEXT NOT NULL,
    device_jid  TEXT NOT NULL,
    has_key     BOOLEAN NOT NULL,
    PRIMARY KEY (session_id, group_jid, device_jid)
);
-- delete_sender_key_device_rows removes a device across every group.
CREATE INDEX wa_sender_key_devices_device_idx ON wa_sender_key_devices (session_id, device_jid);

CREATE TABLE wa_lid_pn (
    session_id       TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    lid              TEXT NOT NULL,
    phone_number     TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    learning_source  TEXT NOT NULL,
    stored_seq       BIGINT NOT NULL DEFAULT nextval('wa_store_seq'),
    PRIMARY KEY (session_id, lid)
);
CREATE INDEX wa_lid_pn_phone_idx ON wa_lid_pn (session_id, phone_number, stored_seq DESC);

CREATE TABLE wa_base_keys (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    address     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    base_key    BYTEA NOT NULL,
    PRIMARY KEY (session_id, address, message_id)
);

-- One DeviceListRecord per user, as serde JSON.
CREATE TABLE wa_device_lists (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    record      JSONB NOT NULL,
    PRIMARY KEY (session_id, user_id)
);

CREATE TABLE wa_group_metadata (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    group_jid   TEXT NOT NULL,
    blob        BYTEA NOT NULL,
    PRIMARY KEY (session_id, group_jid)
);

-- An empty token is a placeholder written by the sender side before any token was received.
CREATE TABLE wa_tc_tokens (
    session_id        TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    jid               TEXT NOT NULL,
    token             BYTEA NOT NULL,
    token_timestamp   BIGINT NOT NULL,
    sender_timestamp  BIGINT,
    PRIMARY KEY (session_id, jid)
);

-- Sent payloads kept for retry receipts; taken (deleted) by the first retry.
CREATE TABLE wa_sent_messages (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    chat_jid    TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    payload     BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (session_id, chat_jid, message_id)
);
CREATE INDEX wa_sent_messages_created_idx ON wa_sent_messages (session_id, created_at);

CREATE TABLE wa_pending_inbound (
    session_id   TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    chat         TEXT NOT NULL,
    sender       TEXT NOT NULL,
    id           TEXT NOT NULL,
    message      BYTEA NOT NULL,
    inserted_at  BIGINT NOT NULL,
    PRIMARY KEY (session_id, chat, sender, id)
);

-- MsgSecretStore: expires_at 0 means never; message_ts 0 means unknown.
CREATE TABLE wa_msg_secrets (
    session_id  TEXT NOT NULL REFERENCES whatsapp_sessions (session_id) ON DELETE CASCADE,
    chat        TEXT NOT NULL,
    sender      TEXT NOT NULL,
    msg_id      TEXT NOT NULL,
    secret      BYTEA NOT NULL CHECK (length(secret) = 32),
    expires_at  BIGINT NOT NULL,
    message_ts  BIGINT NOT NULL,
    PRIMARY KEY (session_id, chat, sender, msg_id)
);
CREATE INDEX wa_msg_secrets_expiry_idx ON wa_msg_secrets (session_id, expires_at) WHERE expires_at <> 0;
