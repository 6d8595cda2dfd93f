use crate::cli::InvitationsCommand;
use crate::config::Config;
use crate::output::{emit, table};
use crate::startup::ready_store;
use crate::views;
use async_trait::async_trait;
use hallpass_core::ids::{InvitationId, OrgId};
use hallpass_core::services::audit::Actor;
use hallpass_core::services::invitations::{self, Links, NewInvitation};
use hallpass_core::signin::mailer::{Mailer, Message};
use hallpass_proto::management::Page;
use std::sync::Arc;

/// Without SMTP the command prints the mail: the operator passes the link on.
#[derive(Debug)]
struct Printed;

#[async_trait]
impl Mailer for Printed {
    async fn send(&self, message: &Message) -> Result<(), String> {
        if let Message::Invitation { to, link, .. } = message {
            eprintln!("no SMTP server is configured; send this invitation link to {to}:\n{link}");
        }
        Ok(())
    }
}

fn mailer(config: &Config) -> anyhow::Result<Arc<dyn Mailer>> {
    Ok(match config.smtp_url.is_some() {
        true => crate::mail::from_config(config, config.mode()?)?.mailer,
        false => Arc::new(Printed),
    })
}

pub async fn run(config: &Config, command: InvitationsCommand, json: bool) -> anyhow::Result<()> {
    let ctx = ready_store(config, config.migrate).await?;
    // Members get `admin` or `member` unless told otherwise: those must exist.
    hallpass_core::services::roles::ensure_default_roles(&ctx).await?;
    let base = format!("{}/invitations/accept?token=", config.issuer());
    let now = ctx.clock.now();
    match command {
        InvitationsCommand::Create {
            organization,
            email,
            roles,
            client_id,
        } => {
            let mailer = mailer(config)?;
            mailer.read_branding_from(ctx.store.clone());
            let links = Links {
                base: &base,
                mailer: mailer.as_ref(),
            };
            let new = NewInvitation {
                email,
                roles,
                client_id,
            };
            let invitation = invitations::invite(&ctx, &OrgId::parse(&organization)?, new, &links, &Actor::Cli).await?;
            emit(json, &views::invitation(&invitation, now), |i| {
                format!("invited {} to {} ({})", i.email, i.organization_id, i.id)
            })
        }
        InvitationsCommand::List { organization } => {
            let list = invitations::list_invitations(&ctx, &OrgId::parse(&organization)?, None, 200).await?;
            let page = Page {
                data: list.iter().map(|i| views::invitation(i, now)).collect(),
                next_cursor: None,
            };
            emit(json, &page, |p| {
                table(
                    &["ID", "EMAIL", "STATUS", "ROLES", "EXPIRES"],
                    p.data
                        .iter()
                        .map(|i| {
                            vec![
                                i.id.clone(),
                                i.email.clone(),
                                i.status.clone(),
                                i.roles.join(", "),
                                i.expires_at.clone(),
                            ]
                        })
                        .collect(),
                )
            })
        }
        InvitationsCommand::Revoke { organization, id } => {
            let (org, id) = (OrgId::parse(&organization)?, InvitationId::parse(&id)?);
            let revoked = invitations::revoke(&ctx, &org, &id, &Actor::Cli).await?;
            emit(json, &views::invitation(&revoked, now), |i| format!("revoked {}", i.id))
        }
        InvitationsCommand::Resend { organization, id } => {
            let (org, id) = (OrgId::parse(&organization)?, InvitationId::parse(&id)?);
            let mailer = mailer(config)?;
            mailer.read_branding_from(ctx.store.clone());
            let links = Links {
                base: &base,
                mailer: mailer.as_ref(),
            };
            let resent = invitations::resend(&ctx, &org, &id, &links, &Actor::Cli).await?;
            emit(json, &views::invitation(&resent, now), |i| {
                format!("sent {} a new link (expires {})", i.email, i.expires_at)
            })
        }
    }
}
