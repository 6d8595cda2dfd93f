use crate::cli::DirectoriesCommand;
use crate::config::Config;
use crate::output::{emit, table};
use crate::startup::ready_store;
use crate::views;
use anyhow::Context as _;
use hallpass_core::ids::{DirectoryId, OrgId};
use hallpass_core::services::audit::Actor;
use hallpass_core::services::directories::{self, NewDirectory};
use hallpass_proto::management::{Directory, Page};
use std::collections::BTreeMap;

fn group_roles(pairs: Vec<String>) -> anyhow::Result<BTreeMap<String, String>> {
    pairs
        .into_iter()
        .map(|pair| {
            let (group, role) = pair.rsplit_once('=').context(format!("`{pair}` is not GROUP=ROLE"))?;
            Ok((group.to_owned(), role.to_owned()))
        })
        .collect()
}

fn shown(d: &Directory) -> String {
    let mut out = format!(
        "directory {} ({}) of {}\nSCIM base URL: {}",
        d.id, d.name, d.organization_id, d.scim_base_url
    );
    if let Some(token) = &d.bearer_token {
        out.push_str(&format!("\nbearer token (shown once): {token}"));
    }
    out
}

pub async fn run(config: &Config, command: DirectoriesCommand, json: bool) -> anyhow::Result<()> {
    let ctx = ready_store(config, config.migrate).await?;
    // Provisioned members get `member` unless a group maps a role: it must exist.
    hallpass_core::services::roles::ensure_default_roles(&ctx).await?;
    let issuer = config.issuer();
    match command {
        DirectoriesCommand::Create {
            organization,
            name,
            group_roles: pairs,
        } => {
            let new = NewDirectory {
                name,
                group_roles: group_roles(pairs)?,
            };
            let (d, token) = directories::create(&ctx, &OrgId::parse(&organization)?, new, &Actor::Cli).await?;
            emit(json, &views::directory(&d, &issuer, Some(token)), shown)
        }
        DirectoriesCommand::List { organization } => {
            let list = directories::list(&ctx, &OrgId::parse(&organization)?, None, 200).await?;
            let page = Page {
                data: list.iter().map(|d| views::directory(d, &issuer, None)).collect(),
                next_cursor: None,
            };
            emit(json, &page, |p| {
                table(
                    &["ID", "NAME", "SCIM BASE URL"],
                    p.data
                        .iter()
                        .map(|d| vec![d.id.clone(), d.name.clone(), d.scim_base_url.clone()])
                        .collect(),
                )
            })
        }
        DirectoriesCommand::Get { id } => {
            let d = directories::get(&ctx, &DirectoryId::parse(&id)?).await?;
            emit(json, &views::directory(&d, &issuer, None), shown)
        }
        DirectoriesCommand::RotateToken { id } => {
            let (d, token) = directories::replace_token(&ctx, &DirectoryId::parse(&id)?, &Actor::Cli).await?;
            emit(json, &views::directory(&d, &issuer, Some(token)), shown)
        }
        DirectoriesCommand::Delete { id } => {
            let id = DirectoryId::parse(&id)?;
            directories::delete(&ctx, &id, &Actor::Cli).await?;
            emit(json, &serde_json::json!({ "deleted": id }), |_| format!("deleted {id}"))
        }
    }
}
