use crate::cli::AdminsCommand;
use crate::config::Config;
use crate::output::{emit, table};
use crate::startup::ready_store;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::console;
use hallpass_core::services::users::{self, NewUser};
use hallpass_core::CoreError;
use serde_json::json;

pub async fn run(config: &Config, command: AdminsCommand, json: bool) -> anyhow::Result<()> {
    let ctx = ready_store(config, config.migrate).await?;
    match command {
        AdminsCommand::Add { email, create } => {
            let existing = users::find_user_by_email(&ctx, &email).await?;
            let (user, link) = match (existing, create) {
                (Some(user), _) => (user, None),
                (None, true) => {
                    let new = NewUser {
                        email: email.clone(),
                        email_verified: true,
                        ..NewUser::default()
                    };
                    let user = users::create_user(&ctx, new, &config.passwords, &Actor::Cli).await?;
                    let token = console::sign_in_link_token(&ctx, &user, &Actor::Cli).await?;
                    (user, Some(format!("{}/login/link?token={token}", config.issuer())))
                }
                (None, false) => {
                    anyhow::bail!(
                        "no user has the address {email}: create one with `hallpass admins add {email} --create`"
                    )
                }
            };
            console::add_admin(&ctx, user.email.as_str(), &Actor::Cli).await?;
            let minutes = console::SIGN_IN_LINK_TTL.as_secs() / 60;
            let out = json!({ "user_id": user.id, "email": user.email.as_str(), "sign_in_link": link });
            emit(json, &out, |_| match &link {
                Some(link) => format!(
                    "{} <{}> is a console admin. Sign in once, within {minutes} minutes, with:\n{link}",
                    user.id, user.email
                ),
                None => format!(
                    "{} <{}> is a console admin: sign in at {}/admin",
                    user.id,
                    user.email,
                    config.issuer()
                ),
            })
        }
        AdminsCommand::List => {
            let admins = console::list_admins(&ctx).await?;
            let rows: Vec<_> = admins
                .iter()
                .map(
                    |a| json!({ "user_id": a.user_id, "email": a.email.as_str(), "added_at": a.added_at.to_rfc3339() }),
                )
                .collect();
            emit(json, &rows, |_| {
                table(
                    &["USER", "EMAIL", "ADDED"],
                    admins
                        .iter()
                        .map(|a| vec![a.user_id.to_string(), a.email.to_string(), a.added_at.to_rfc3339()])
                        .collect(),
                )
            })
        }
        AdminsCommand::Remove { email } => match console::remove_admin(&ctx, &email, &Actor::Cli).await {
            Ok(user) => emit(json, &json!({ "user_id": user.id, "removed": true }), |_| {
                format!("{} <{}> is no longer a console admin", user.id, user.email)
            }),
            Err(CoreError::NotFound("console admin")) => anyhow::bail!("{email} is not a console admin"),
            Err(err) => Err(err.into()),
        },
    }
}
