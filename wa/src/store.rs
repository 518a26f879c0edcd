//! The whatsapp-rust session store on PostgreSQL.
