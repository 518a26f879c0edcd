//! The whatsapp-rust client: connection, supervisor, sends.
