//! The WhatsApp link of the worker, kept in its own crate so that whatsapp-rust (about 330k
//! lines) is compiled once and the worker's own changes never rebuild it: the PostgreSQL
//! session store ([`store`]) and the client around it ([`client`]).

pub mod client;
pub mod store;
