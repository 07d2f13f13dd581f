//! Demo mode: the sandbox runs in process with a seeded seller and simulated buyers, and the app
//! connects to it through the same OAuth code exchange (with PKCE) a real account uses.

use std::sync::Arc;

use mostrador_core::Core;
use mostrador_core::accounts::Connection;
use mostrador_core::marketplace::oauth::{ClientCredentials, Pkce};
use mostrador_core::secrets::Sensitive;
use mostrador_sandbox::{Sandbox, SandboxConfig};

use crate::cli::Options;

/// Starts the sandbox and connects its demo seller.
pub async fn start(core: &Arc<Core>, options: &Options) -> anyhow::Result<Sandbox> {
    let sandbox = Sandbox::start(SandboxConfig {
        port: options.sandbox_port,
        question_every: options.question_every,
        profile: options.demo_profile,
        faults: mostrador_sandbox::world::Faults {
            latency_ms: options.demo_latency_ms,
            ..mostrador_sandbox::world::Faults::default()
        },
        ..SandboxConfig::default()
    })
    .await?;
    let verifier = format!(
        "demo-{:032x}-{:016x}",
        std::process::id() as u128 * 7919,
        sandbox.addr().port()
    );
    let pkce = Pkce::from_verifier(verifier);
    let code = sandbox.authorize_demo_seller(Some(pkce.challenge.clone()));
    core.connect(Connection {
        api_base: sandbox.url(),
        client: ClientCredentials {
            client_id: mostrador_sandbox::CLIENT_ID.into(),
            client_secret: Sensitive::new(mostrador_sandbox::CLIENT_SECRET.into()),
        },
        code,
        redirect_uri: mostrador_sandbox::REDIRECT_URI.into(),
        pkce: Some(pkce),
    })
    .await?;
    tracing::info!(url = %sandbox.url(), "demo sandbox running");
    Ok(sandbox)
}
