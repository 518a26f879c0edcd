-- The real WhatsApp client's facts for the admin page, written by the worker holding the link:
-- which transport it runs (console, fake, whatsapp) and, in test mode, the one number every
-- message is redirected to (WHATSAPP_REDIRECT_TO), so the page can say so in a banner.
ALTER TABLE whatsapp_sessions
    ADD COLUMN transport    TEXT,
    ADD COLUMN redirect_to  TEXT;

-- Receipts arrive by WhatsApp's message id; one lookup per receipt.
CREATE INDEX whatsapp_logs_wa_message_id ON whatsapp_logs (wa_message_id)
    WHERE wa_message_id IS NOT NULL;
