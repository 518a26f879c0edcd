//! The client's two ways out to the network, wrapped so that a failure is seen: the client
//! retries a connection that cannot be made on its own, silently, so without these the admin
//! page would say "connecting" forever while the machine has no route to WhatsApp. Each
//! failure is kept in a [`NetworkTrouble`], which the supervisor turns into the state
//! `Disconnected { reason }` that the page and the messages left waiting show.

use std::sync::Arc;

use tokio::sync::watch;
use whatsapp_rust::anyhow;
use whatsapp_rust::async_channel;
use whatsapp_rust::http::{HttpClient, HttpRequest, HttpResponse};
use whatsapp_rust::transport::{Transport, TransportEvent, TransportFactory};

/// The last network failure, cleared by the next success.
#[derive(Clone)]
pub struct NetworkTrouble {
    last: Arc<watch::Sender<Option<String>>>,
}

impl Default for NetworkTrouble {
    fn default() -> NetworkTrouble {
        NetworkTrouble {
            last: Arc::new(watch::channel(None).0),
        }
    }
}

impl NetworkTrouble {
    pub fn subscribe(&self) -> watch::Receiver<Option<String>> {
        self.last.subscribe()
    }

    fn failed(&self, what: String) {
        self.last.send_replace(Some(what));
    }

    fn ok(&self) {
        self.last.send_if_modified(|v| v.take().is_some());
    }
}

/// A transport factory reporting failed connection attempts.
pub struct WatchedTransport {
    pub inner: Arc<dyn TransportFactory>,
    pub trouble: NetworkTrouble,
}

#[whatsapp_rust::async_trait]
impl TransportFactory for WatchedTransport {
    async fn create_transport(
        &self,
    ) -> Result<(Arc<dyn Transport>, async_channel::Receiver<TransportEvent>), anyhow::Error> {
        match self.inner.create_transport().await {
            Ok(t) => {
                self.trouble.ok();
                Ok(t)
            }
            Err(e) => {
                self.trouble
                    .failed(format!("tidak bisa menghubungi server WhatsApp: {e:#}"));
                Err(e)
            }
        }
    }
}

/// An HTTP client reporting failed requests (the WhatsApp Web version is fetched over HTTP
/// before every first connect).
pub struct WatchedHttp {
    pub inner: Arc<dyn HttpClient>,
    pub trouble: NetworkTrouble,
}

#[whatsapp_rust::async_trait]
impl HttpClient for WatchedHttp {
    async fn execute(&self, request: HttpRequest) -> anyhow::Result<HttpResponse> {
        let url = request.url.clone();
        match self.inner.execute(request).await {
            Ok(r) => Ok(r),
            Err(e) => {
                self.trouble
                    .failed(format!("tidak bisa menghubungi {url}: {e:#}"));
                Err(e)
            }
        }
    }
}
