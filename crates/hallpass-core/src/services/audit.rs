//! Recording security events. An audit write that fails is logged and does not
//! undo the change it describes: the change is already committed.

use crate::context::Context;
use crate::sessions::Device;
use crate::store::NewAuditEvent;

/// Who asked for a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// An operator at the command line.
    Cli,
    /// A management API client.
    Client(String),
    /// A signed-in user.
    User(String),
    /// Someone not (yet) signed in: a sign-in attempt, a sign-up.
    Anonymous,
    /// An organization's SCIM directory (its identity provider), by id.
    Directory(String),
}

impl Actor {
    pub fn label(&self) -> String {
        match self {
            Actor::Cli => "cli".to_owned(),
            Actor::Client(id) | Actor::User(id) | Actor::Directory(id) => id.clone(),
            Actor::Anonymous => "anonymous".to_owned(),
        }
    }
}

pub async fn record(ctx: &Context, actor: &Actor, kind: &str, user_id: Option<&str>, details: serde_json::Value) {
    record_from(ctx, actor, kind, user_id, details, None).await;
}

/// Records an event with the address and user agent it came from.
pub async fn record_from(
    ctx: &Context,
    actor: &Actor,
    kind: &str,
    user_id: Option<&str>,
    details: serde_json::Value,
    device: Option<&Device>,
) {
    let event = NewAuditEvent {
        at: ctx.clock.now(),
        kind: kind.to_owned(),
        actor: Some(actor.label()),
        user_id: user_id.map(str::to_owned),
        ip: device.and_then(|d| d.ip.clone()),
        user_agent: device.and_then(|d| d.user_agent.clone()),
        details,
    };
    if let Err(err) = ctx.store.append_audit_event(&event).await {
        tracing::error!(%err, kind, "could not write an audit event");
    }
}
