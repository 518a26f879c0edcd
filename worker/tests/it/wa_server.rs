//! An in-process fake of WhatsApp's server for the real client: a `TransportFactory` whose
//! transport runs the server side of the Noise handshake (XX for a fresh or uncached device, IK
//! once the client cached our certificate chain), as whatsapp-rust's own
//! `tests/handshake_integration.rs` does, then plays a script of stanzas per connection. The
//! certificate chain is zero-signed, so the client is built with
//! `danger-skip-cert-chain-verify` (a dev-dependency feature only).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use whatsapp_rust::async_channel::{self, Receiver, Sender};
use whatsapp_rust::buffa::{self, Message as _};
use whatsapp_rust::bytes::Bytes;
use whatsapp_rust::http::{HttpClient, HttpRequest, HttpResponse};
use whatsapp_rust::transport::{DisconnectReason, Transport, TransportEvent, TransportFactory};
use whatsapp_rust::wacore::framing::{FrameDecoder, encode_frame};
use whatsapp_rust::wacore::handshake::NoiseHandshake;
use whatsapp_rust::wacore::libsignal::protocol::KeyPair;
use whatsapp_rust::wacore_binary::builder::NodeBuilder;
use whatsapp_rust::wacore_binary::consts::{NOISE_PATTERN_IK, NOISE_PATTERN_XX, WA_CONN_HEADER};
use whatsapp_rust::wacore_binary::marshal::marshal;
use whatsapp_rust::wacore_binary::node::Node;
use whatsapp_rust::waproto::whatsapp as wa;
use whatsapp_rust::{anyhow, async_trait};

/// What the server does on one connection, after the handshake.
#[derive(Debug, Clone)]
pub enum Step {
    Send(Node),
    /// The socket ends, as a dropped network does.
    Drop,
}

/// `<iq xmlns="md"><pair-device><ref>…</ref></pair-device></iq>`: an unpaired device gets QR
/// codes to show.
pub fn pair_device() -> Node {
    NodeBuilder::new("iq")
        .attr("from", "s.whatsapp.net")
        .attr("type", "set")
        .attr("id", "pair-1")
        .attr("xmlns", "md")
        .children([NodeBuilder::new("pair-device")
            .children((0..6).map(|i| {
                NodeBuilder::new("ref")
                    .bytes(format!("2@fakeref{i}").into_bytes())
                    .build()
            }))
            .build()])
        .build()
}

/// `<failure reason="…"/>` with more attributes (e.g. a ban's `code` and `expire`).
pub fn failure(attrs: &[(&'static str, &str)]) -> Node {
    let mut b = NodeBuilder::new("failure");
    for (k, v) in attrs {
        b = b.attr(k, v.to_string());
    }
    b.build()
}

/// `<stream:error><conflict type="replaced"/></stream:error>`: another client took over.
pub fn replaced() -> Node {
    NodeBuilder::new("stream:error")
        .children([NodeBuilder::new("conflict")
            .attr("type", "replaced")
            .build()])
        .build()
}

struct Keys {
    identity: KeyPair,
    cert_chain: Vec<u8>,
}

impl Keys {
    fn static_pub(&self) -> [u8; 32] {
        self.identity
            .public_key
            .public_key_bytes()
            .try_into()
            .expect("32 bytes")
    }
}

/// The fake server: one script per connection, in order (the last repeats).
pub struct FakeServer {
    keys: Arc<Keys>,
    scripts: Mutex<VecDeque<Vec<Step>>>,
    last: Mutex<Vec<Step>>,
    connects: AtomicUsize,
}

impl FakeServer {
    pub fn new(scripts: Vec<Vec<Step>>) -> Arc<FakeServer> {
        let identity = KeyPair::generate(&mut rand_wa::rng());
        let static_pub: [u8; 32] = identity
            .public_key
            .public_key_bytes()
            .try_into()
            .expect("32 bytes");
        let cert_chain = wacore_noise::test_util::build_cert_chain_bytes(&static_pub);
        Arc::new(FakeServer {
            keys: Arc::new(Keys {
                identity,
                cert_chain,
            }),
            scripts: Mutex::new(scripts.into()),
            last: Mutex::new(Vec::new()),
            connects: AtomicUsize::new(0),
        })
    }

    /// How many connections the client made.
    pub fn connects(&self) -> usize {
        self.connects.load(Ordering::SeqCst)
    }

    fn next_script(&self) -> Vec<Step> {
        let mut scripts = self.scripts.lock().unwrap();
        match scripts.pop_front() {
            Some(s) => {
                *self.last.lock().unwrap() = s.clone();
                s
            }
            None => self.last.lock().unwrap().clone(),
        }
    }

    /// The factory the client connects through.
    pub fn factory(self: &Arc<Self>) -> Arc<dyn TransportFactory> {
        Arc::new(Factory(self.clone()))
    }
}

struct Factory(Arc<FakeServer>);

struct Pipe {
    to_server: Sender<Bytes>,
}

#[async_trait]
impl Transport for Pipe {
    async fn send(&self, data: Bytes) -> Result<(), anyhow::Error> {
        self.to_server
            .send(data)
            .await
            .map_err(|_| anyhow::anyhow!("the fake server closed the connection"))
    }

    async fn disconnect(&self) {
        self.to_server.close();
    }
}

#[async_trait]
impl TransportFactory for Factory {
    async fn create_transport(
        &self,
    ) -> Result<(Arc<dyn Transport>, Receiver<TransportEvent>), anyhow::Error> {
        self.0.connects.fetch_add(1, Ordering::SeqCst);
        let (to_server, from_client) = async_channel::unbounded::<Bytes>();
        let (to_client, events) = async_channel::unbounded::<TransportEvent>();
        let script = self.0.next_script();
        let keys = self.0.keys.clone();
        to_client.send(TransportEvent::Connected).await?;
        tokio::spawn(async move {
            if let Err(e) = serve(&keys, &from_client, &to_client, script).await {
                tracing::debug!(error = %e, "fake WhatsApp server connection ended");
            }
        });
        Ok((Arc::new(Pipe { to_server }), events))
    }
}

/// Reads one frame from the client (the first one after the connection header).
async fn frame(
    from: &Receiver<Bytes>,
    dec: &mut FrameDecoder,
    first: &mut bool,
) -> anyhow::Result<Vec<u8>> {
    loop {
        if let Some(f) = dec.decode_frame() {
            return Ok(f.to_vec());
        }
        let data = from.recv().await?;
        let data: &[u8] = if *first && data.starts_with(&WA_CONN_HEADER) {
            *first = false;
            &data[WA_CONN_HEADER.len()..]
        } else {
            *first = false;
            &data
        };
        dec.feed(data);
    }
}

async fn to_client(to: &Sender<TransportEvent>, payload: &[u8]) -> anyhow::Result<()> {
    let framed = encode_frame(payload, None)?;
    to.send(TransportEvent::DataReceived(framed.into())).await?;
    Ok(())
}

async fn serve(
    keys: &Keys,
    from: &Receiver<Bytes>,
    to: &Sender<TransportEvent>,
    script: Vec<Step>,
) -> anyhow::Result<()> {
    let mut dec = FrameDecoder::new();
    let mut first = true;
    let hello = frame(from, &mut dec, &mut first).await?;
    let msg = wa::HandshakeMessage::decode_from_slice(&hello)?;
    let ch = msg
        .client_hello
        .into_option()
        .ok_or_else(|| anyhow::anyhow!("no client hello"))?;
    let client_eph: [u8; 32] = ch
        .ephemeral
        .ok_or_else(|| anyhow::anyhow!("no ephemeral"))?
        .try_into()
        .map_err(|_| anyhow::anyhow!("ephemeral length"))?;
    let server_eph = KeyPair::generate(&mut rand_wa::rng());
    let server_eph_pub: [u8; 32] = server_eph
        .public_key
        .public_key_bytes()
        .try_into()
        .map_err(|_| anyhow::anyhow!("key length"))?;

    let (c2s, s2c) = match (ch.r#static, ch.payload) {
        // IK: the client already knows our static key (it cached the certificate chain).
        (Some(enc_static), Some(enc_payload)) => {
            let mut noise = NoiseHandshake::new(NOISE_PATTERN_IK, &WA_CONN_HEADER)?;
            noise.authenticate(&keys.static_pub());
            noise.authenticate(&client_eph);
            noise.mix_shared_secret(keys.identity.private_key.serialize(), &client_eph)?;
            let client_static: [u8; 32] = noise
                .decrypt(&enc_static)?
                .try_into()
                .map_err(|_| anyhow::anyhow!("static length"))?;
            noise.mix_shared_secret(keys.identity.private_key.serialize(), &client_static)?;
            let _payload = noise.decrypt(&enc_payload)?;
            noise.authenticate(&server_eph_pub);
            noise.mix_shared_secret(server_eph.private_key.serialize(), &client_eph)?;
            noise.mix_shared_secret(server_eph.private_key.serialize(), &client_static)?;
            let cert = noise.encrypt(&keys.cert_chain)?;
            let hello = server_hello(server_eph_pub, None, cert);
            to_client(to, &hello).await?;
            noise.finish()?
        }
        // XX: a fresh device, or one without our chain.
        _ => {
            let mut noise = NoiseHandshake::new(NOISE_PATTERN_XX, &WA_CONN_HEADER)?;
            noise.authenticate(&client_eph);
            noise.authenticate(&server_eph_pub);
            noise.mix_shared_secret(server_eph.private_key.serialize(), &client_eph)?;
            let enc_static = noise.encrypt(&keys.static_pub())?;
            noise.mix_shared_secret(keys.identity.private_key.serialize(), &client_eph)?;
            let cert = noise.encrypt(&keys.cert_chain)?;
            to_client(to, &server_hello(server_eph_pub, Some(enc_static), cert)).await?;
            let finish = frame(from, &mut dec, &mut first).await?;
            let cf = wa::HandshakeMessage::decode_from_slice(&finish)?
                .client_finish
                .into_option()
                .ok_or_else(|| anyhow::anyhow!("no client finish"))?;
            let client_static: [u8; 32] = noise
                .decrypt(&cf.r#static.unwrap_or_default())?
                .try_into()
                .map_err(|_| anyhow::anyhow!("static length"))?;
            noise.mix_shared_secret(server_eph.private_key.serialize(), &client_static)?;
            let _payload = noise.decrypt(&cf.payload.unwrap_or_default())?;
            noise.finish()?
        }
    };
    // The initiator writes with the first key: that is what we read with.
    let _ = c2s;
    let mut counter = 0u32;
    for step in script {
        match step {
            Step::Send(node) => {
                let plain = marshal(&node)?;
                let sealed = s2c.encrypt_with_counter(counter, &plain)?;
                counter += 1;
                to_client(to, &sealed).await?;
            }
            Step::Drop => {
                to.send(TransportEvent::Disconnected(DisconnectReason::StreamEnded))
                    .await?;
                to.close();
                return Ok(());
            }
        }
    }
    // Keep the connection open (reading and ignoring the client) until the client closes it.
    while from.recv().await.is_ok() {}
    Ok(())
}

fn server_hello(ephemeral: [u8; 32], r#static: Option<Vec<u8>>, payload: Vec<u8>) -> Vec<u8> {
    wa::HandshakeMessage {
        server_hello: buffa::MessageField::some(wa::handshake_message::ServerHello {
            ephemeral: Some(ephemeral.to_vec()),
            r#static,
            payload: Some(payload),
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec()
}

/// No HTTP in tests: the version is given, nothing else is fetched.
pub struct NoHttp;

#[async_trait]
impl HttpClient for NoHttp {
    async fn execute(&self, request: HttpRequest) -> anyhow::Result<HttpResponse> {
        anyhow::bail!("no network in tests ({})", request.url)
    }
}
