//! `mostrador-sandbox`: a local simulator of the Mercado Libre API surface Mostrador uses.
//!
//! It is a product component, not a test mock: demo mode runs it in process so a new user sees a
//! live seller, and tests and benchmarks exercise the real client against it over loopback HTTP.
//! Paths, query parameters, JSON shapes, limits and error bodies follow Mercado Libre's
//! documentation. The `/_sandbox/...` control endpoints (see [`routes::control`]) let tests inject
//! buyer questions and faults and read what the API received.
//!
//! Layout: [`world`] holds the state, [`seed`] builds a deterministic seller, [`routes`] serves
//! HTTP, [`traffic`] simulates buyers.
#![warn(missing_docs)]

pub mod activity;
pub mod api_error;
pub mod contract;
pub mod images;
pub mod reputation;
pub mod routes;
pub mod seed;
pub mod traffic;
pub mod world;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::routes::Shared;

/// The sandbox application's client id (any Mostrador build in demo mode uses it).
pub const CLIENT_ID: &str = "5501234567890123";
/// The sandbox application's client secret. Not a secret: the sandbox is local.
pub const CLIENT_SECRET: &str = "sandbox-client-secret";
/// The redirect URI registered for the sandbox application.
pub const REDIRECT_URI: &str = "http://127.0.0.1/mostrador/callback";

/// How to run the sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Loopback port; 0 picks a free one.
    pub port: u16,
    /// Seed of the generated world.
    pub seed: u64,
    /// A simulated buyer asks a question this often; `None` disables traffic.
    pub question_every: Option<Duration>,
    /// A simulated buyer purchases this often; `None` disables sales.
    pub order_every: Option<Duration>,
    /// A buyer writes a post-sale message this often.
    pub message_every: Option<Duration>,
    /// A buyer opens a claim this often.
    pub claim_every: Option<Duration>,
    /// A shipment passes its dispatch deadline this often.
    pub delay_every: Option<Duration>,
    /// Post-sale conversations the main seller starts with, each waiting on a buyer's
    /// unread message (recent orders).
    pub open_conversations: usize,
    /// Size of the demo seller.
    pub profile: seed::Profile,
    /// Latency, rate limit and faults from the start.
    pub faults: world::Faults,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            port: 0,
            seed: 42,
            question_every: None,
            order_every: None,
            message_every: None,
            claim_every: None,
            delay_every: None,
            open_conversations: 0,
            profile: seed::Profile::Tiny,
            faults: world::Faults::default(),
        }
    }
}

/// A running sandbox.
pub struct Sandbox {
    addr: SocketAddr,
    world: Shared,
    cancel: CancellationToken,
    server: tokio::task::JoinHandle<()>,
}

impl Sandbox {
    /// Binds `127.0.0.1:port` and serves until [`Sandbox::stop`] (or drop of the runtime).
    pub async fn start(config: SandboxConfig) -> anyhow::Result<Self> {
        let mut generated = seed::world(config.profile, config.seed, chrono::Utc::now());
        generated.faults = config.faults.clone();
        seed::open_conversations(
            &mut generated,
            config.open_conversations,
            chrono::Utc::now(),
        );
        let world = Arc::new(Mutex::new(generated));
        let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        routes::lock(&world).image_base = Some(format!("http://{addr}/_sandbox/images"));
        let cancel = CancellationToken::new();
        let app = routes::router(world.clone());
        let stop = cancel.clone();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        if let Some(every) = config.question_every {
            tokio::spawn(traffic::run(world.clone(), every, cancel.clone()));
        }
        if let Some(every) = config.order_every {
            tokio::spawn(traffic::sales(world.clone(), every, cancel.clone()));
        }
        for (kind, every) in [
            (traffic::AfterSale::Message, config.message_every),
            (traffic::AfterSale::Claim, config.claim_every),
            (traffic::AfterSale::Delay, config.delay_every),
        ] {
            if let Some(every) = every {
                tokio::spawn(traffic::after_sale(
                    world.clone(),
                    kind,
                    every,
                    cancel.clone(),
                ));
            }
        }
        tracing::info!(%addr, "sandbox listening");
        Ok(Self {
            addr,
            world,
            cancel,
            server,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Direct access to the simulated world (in-process control).
    pub fn world(&self) -> &Shared {
        &self.world
    }

    /// Issues an authorization code for the demo seller, as if they had consented on the
    /// authorization page, bound to [`REDIRECT_URI`] and an optional S256 PKCE challenge.
    pub fn authorize_demo_seller(&self, code_challenge: Option<String>) -> String {
        let mut world = routes::lock(&self.world);
        let seller = world.seller_id;
        let challenge = code_challenge.map(|c| (c, "S256".to_owned()));
        routes::oauth::issue_code(&mut world, seller, CLIENT_ID, REDIRECT_URI, challenge)
    }

    /// An authorization code for `user_id` (one of the sandbox's sellers), as if they consented.
    pub fn authorize_user(&self, user_id: i64, code_challenge: Option<String>) -> String {
        let mut world = routes::lock(&self.world);
        let challenge = code_challenge.map(|c| (c, "S256".to_owned()));
        routes::oauth::issue_code(&mut world, user_id, CLIENT_ID, REDIRECT_URI, challenge)
    }

    /// Stops serving and waits for the server task.
    pub async fn stop(self) {
        self.cancel.cancel();
        let _ = self.server.await;
    }
}
