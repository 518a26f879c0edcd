-- Linking the production WhatsApp number from the admin page: the REPLACED status (another
-- device or worker took the session over), since-when and ban expiry for the status line, when
-- the number was paired (the daily cap ramps up from that day), and one pending command the
-- web tier leaves for the worker holding the connection (the web tier never talks to WhatsApp).
-- Delivery facts per message for the log page: acked by the server, delivered, read, refused.

ALTER TABLE whatsapp_sessions DROP CONSTRAINT whatsapp_sessions_status_check;
ALTER TABLE whatsapp_sessions
    ADD CONSTRAINT whatsapp_sessions_status_check
        CHECK (status IN ('DISCONNECTED', 'CONNECTING', 'WAITING_QR', 'CONNECTED', 'LOGGED_OUT',
                          'BANNED', 'REPLACED')),
    ADD COLUMN banned_until   TIMESTAMPTZ,
    ADD COLUMN status_since   TIMESTAMPTZ,
    ADD COLUMN paired_at      TIMESTAMPTZ,
    ADD COLUMN command        TEXT CHECK (command IN ('LOGOUT', 'PAIR_QR', 'PAIR_CODE')),
    ADD COLUMN command_phone  TEXT,
    ADD COLUMN command_at     TIMESTAMPTZ,
    -- Who asked, as a record only: no foreign key, so the seed's TRUNCATE users CASCADE (a demo
    -- reset) cannot take the pairing and the wa_* session with it.
    ADD COLUMN command_by     BIGINT,
    -- A pairing code is requested for one number; the other commands carry none.
    ADD CONSTRAINT whatsapp_sessions_command_phone
        CHECK (CASE WHEN command = 'PAIR_CODE' THEN command_phone IS NOT NULL
                    ELSE command_phone IS NULL END);
UPDATE whatsapp_sessions SET status_since = updated_at;

ALTER TABLE whatsapp_logs
    ADD COLUMN acked_at      TIMESTAMPTZ,
    ADD COLUMN delivered_at  TIMESTAMPTZ,
    ADD COLUMN read_at       TIMESTAMPTZ,
    ADD COLUMN nack_code     TEXT,
    ADD COLUMN hold_reason   TEXT;

-- Facts about the database as a whole, e.g. `demo_data = true` written by the demo seed, so the
-- real WhatsApp client refuses to message the made-up numbers unless a test redirect is set.
CREATE TABLE app_settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
