use crate::cli::UsersCommand;
use crate::config::Config;
use crate::output::{emit, table};
use crate::startup::ready_store;
use crate::views;
use anyhow::Context as _;
use hallpass_core::ids::UserId;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::users::{self, NewUser, UserChanges};
use hallpass_core::services::{memberships, roles};
use hallpass_core::sessions::{self, EndReason};
use hallpass_proto::management::Page;

pub async fn run(config: &Config, command: UsersCommand, json: bool) -> anyhow::Result<()> {
    let ctx = ready_store(config, config.migrate).await?;
    match command {
        UsersCommand::Create {
            email,
            name,
            password_stdin,
            email_verified,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .context("reading the password from standard input")?;
                Some(line.trim_end_matches(['\n', '\r']).to_owned())
            } else {
                None
            };
            let new = NewUser {
                email,
                name,
                password,
                email_verified,
            };
            let user = users::create_user(&ctx, new, &config.passwords, &Actor::Cli).await?;
            emit(json, &views::user(&user), |u| format!("created {} <{}>", u.id, u.email))
        }
        UsersCommand::List { limit, after, email } => {
            let list = match email {
                Some(email) => users::find_user_by_email(&ctx, &email).await?.into_iter().collect(),
                None => {
                    let after = after.as_deref().map(UserId::parse).transpose()?;
                    users::list_users(&ctx, after.as_ref(), limit).await?
                }
            };
            let next_cursor = (list.len() == limit.clamp(1, 200) as usize)
                .then(|| list.last().map(|u| u.id.to_string()))
                .flatten();
            let page = Page {
                data: list.iter().map(views::user).collect(),
                next_cursor,
            };
            emit(json, &page, |p| {
                table(
                    &["ID", "EMAIL", "VERIFIED", "NAME", "CREATED"],
                    p.data
                        .iter()
                        .map(|u| {
                            vec![
                                u.id.clone(),
                                u.email.clone(),
                                u.email_verified.to_string(),
                                u.name.clone().unwrap_or_default(),
                                u.created_at.clone(),
                            ]
                        })
                        .collect(),
                )
            })
        }
        UsersCommand::Show { id } => {
            let id = UserId::parse(&id)?;
            let user = users::get_user(&ctx, &id).await?;
            let mut orgs = Vec::new();
            for m in memberships::list_user_memberships(&ctx, &id).await? {
                let visible = roles::list_roles(&ctx, Some(&m.organization_id)).await?;
                orgs.push(views::membership(&m, &visible));
            }
            let shown = serde_json::json!({ "user": views::user(&user), "memberships": orgs });
            emit(json, &shown, |_| {
                let mut lines = vec![format!(
                    "{} <{}> {}",
                    user.id,
                    user.email,
                    user.name.clone().unwrap_or_default()
                )];
                lines.extend(
                    orgs.iter()
                        .map(|m| format!("  {} {} [{}]", m.organization_id, m.status, m.roles.join(", "))),
                );
                lines.join("\n")
            })
        }
        UsersCommand::Update {
            id,
            name,
            email_verified,
            external_id,
        } => {
            let id = UserId::parse(&id)?;
            let changes = UserChanges {
                name,
                email_verified,
                external_id,
                metadata: None,
            };
            let user = users::update_user(&ctx, &id, changes, &Actor::Cli).await?;
            emit(json, &views::user(&user), |u| format!("updated {} <{}>", u.id, u.email))
        }
        UsersCommand::Delete { id } => {
            let id = UserId::parse(&id)?;
            users::get_user(&ctx, &id).await?;
            let ctx = crate::startup::telling_apps(config, ctx).await?;
            let ended = sessions::end_for_user(&ctx, &id, None, EndReason::UserDeleted).await?;
            users::delete_user(&ctx, &id, &Actor::Cli).await?;
            let done = serde_json::json!({ "deleted": id, "sessions_ended": ended.len() });
            emit(json, &done, |_| {
                format!("deleted {id} ({} sessions ended)", ended.len())
            })
        }
    }
}
