//! The WhatsApp link of the worker, kept in its own crate so that whatsapp-rust (about 330k
//! lines) is compiled once and the worker's own changes never rebuild it: the PostgreSQL
//! session store ([`store`]) and the one connection holder ([`holder`]); the client and its
//! supervisor come with issue 10's remaining items.

pub mod holder;
pub mod store;
