//! The WhatsApp link of the worker, kept in its own crate so that whatsapp-rust (about 330k
//! lines) is compiled once and the worker's own changes never rebuild it: the PostgreSQL
//! session store ([`store`]), the one connection holder ([`holder`]) and what the client's
//! events mean for us ([`events`]); the client and its supervisor come with issue 10's
//! remaining items.

pub mod events;
pub mod holder;
pub mod store;
