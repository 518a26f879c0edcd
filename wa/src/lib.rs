//! The WhatsApp link of the worker, kept in its own crate so that whatsapp-rust (about 330k
//! lines) is compiled once and the worker's own changes never rebuild it: the PostgreSQL
//! session store ([`store`]), the one connection holder ([`holder`]) and what the client's
//! events mean for us ([`events`]), and the link itself ([`link`]): the client under a
//! supervisor that holds the lock, applies our policy to every way the client stops, and
//! sends with the server's acknowledgement as the only proof.

pub mod events;
pub mod holder;
pub mod link;
pub mod store;
