//! Demo mode: the sandbox runs in process with a seeded seller and simulated buyers asking,
//! buying, writing after the sale, opening claims and waiting on late shipments, and the app
//! connects to it through the same OAuth code exchange (with PKCE) a real account uses.

use std::sync::Arc;

use mostrador_core::Core;
use mostrador_core::accounts::Connection;
use mostrador_core::marketplace::oauth::{ClientCredentials, Pkce};
use mostrador_core::secrets::Sensitive;
use mostrador_sandbox::{Sandbox, SandboxConfig};

use crate::cli::Options;

/// Open post-sale conversations the demo seller starts with, so the messages screen has some.
const OPEN_CONVERSATIONS: usize = 3;

/// Starts the sandbox with the demo's traffic.
pub async fn start_sandbox(options: &Options) -> anyhow::Result<Sandbox> {
    let sandbox = Sandbox::start(SandboxConfig {
        port: options.sandbox_port,
        question_every: options.question_every,
        order_every: options.traffic.order_every,
        message_every: options.traffic.message_every,
        claim_every: options.traffic.claim_every,
        delay_every: options.traffic.delay_every,
        open_conversations: OPEN_CONVERSATIONS,
        profile: options.demo_profile,
        faults: mostrador_sandbox::world::Faults {
            latency_ms: options.demo_latency_ms,
            ..mostrador_sandbox::world::Faults::default()
        },
        ..SandboxConfig::default()
    })
    .await?;
    tracing::info!(url = %sandbox.url(), "demo sandbox running");
    Ok(sandbox)
}

/// Connects the sandbox's demo seller to `core`, with its second account (some of whose SKUs
/// are the first's, so the demo shows linked stock).
pub async fn connect(core: &Arc<Core>, sandbox: &Sandbox) -> anyhow::Result<()> {
    for (n, user) in [
        mostrador_sandbox::seed::SELLER_ID,
        mostrador_sandbox::seed::OUTLET_ID,
    ]
    .into_iter()
    .enumerate()
    {
        let verifier = format!(
            "demo-{:032x}-{:016x}-{n}",
            std::process::id() as u128 * 7919,
            sandbox.addr().port()
        );
        let pkce = Pkce::from_verifier(verifier);
        let code = sandbox.authorize_user(user, Some(pkce.challenge.clone()));
        core.engine()
            .connect(Connection {
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
    }
    Ok(())
}

/// The demo seller's post-sale quick replies (a real install starts with none: the seller
/// writes their own).
pub async fn seed_templates(core: &Arc<Core>) -> anyhow::Result<()> {
    use mostrador_core::store::templates::{Draft, TemplateKind, save};
    let drafts: [(&str, &str, TemplateKind); 3] = [
        (
            "Gracias",
            "¡Hola {buyer_first_name}! Gracias por tu compra #{order_id} ({items}). Ya la estamos preparando. {seller}",
            TemplateKind::PostSale,
        ),
        (
            "Seguimiento",
            "¡Hola {buyer_first_name}! Tu compra ya viaja con {carrier}: el seguimiento es {tracking_number} y llega el {shipping_eta}.",
            TemplateKind::PostSale,
        ),
        (
            "Factura",
            "Hola {buyer_first_name}, te dejamos la factura de la compra #{order_id} en este mensaje. ¡Gracias!",
            TemplateKind::PostSale,
        ),
    ];
    core.engine()
        .store()
        .run(move |c| {
            let now = chrono::Utc::now();
            for (title, text, kind) in drafts {
                let draft = Draft {
                    title: title.into(),
                    text: text.into(),
                    item_id: None,
                    shortcut: None,
                    kind: Some(kind),
                };
                save(c, None, &draft, now)?;
            }
            Ok(())
        })
        .await?;
    Ok(())
}
