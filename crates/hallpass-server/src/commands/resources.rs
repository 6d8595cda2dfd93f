use crate::cli::ResourcesCommand;
use crate::config::Config;
use crate::output::{emit, table};
use crate::startup::ready_store;
use crate::views;
use hallpass_core::ids::ResourceId;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::resources::{self, NewResource, ResourceUpdate};
use hallpass_proto::management::{Page, Resource};
use serde_json::json;

fn summary(r: &Resource) -> String {
    format!("{}  {}  scopes: {}", r.id, r.identifier, r.scopes.join(" "))
}

pub async fn run(config: &Config, command: ResourcesCommand, json: bool) -> anyhow::Result<()> {
    let ctx = ready_store(config, config.migrate).await?;
    match command {
        ResourcesCommand::Create {
            identifier,
            name,
            scopes,
            access_token_ttl,
        } => {
            let new = NewResource {
                identifier,
                name,
                scopes,
                access_token_ttl_secs: access_token_ttl,
            };
            let created = resources::create_resource(&ctx, new, &Actor::Cli).await?;
            emit(json, &views::resource(&created), summary)
        }
        ResourcesCommand::List { limit, after } => {
            let after = after.as_deref().map(ResourceId::parse).transpose()?;
            let list = resources::list_resources(&ctx, after.as_ref(), limit).await?;
            let next_cursor = (list.len() == limit.clamp(1, 200) as usize)
                .then(|| list.last().map(|r| r.id.to_string()))
                .flatten();
            let page = Page {
                data: list.iter().map(views::resource).collect(),
                next_cursor,
            };
            emit(json, &page, |p| {
                table(
                    &["ID", "IDENTIFIER", "NAME", "SCOPES"],
                    p.data
                        .iter()
                        .map(|r| vec![r.id.clone(), r.identifier.clone(), r.name.clone(), r.scopes.join(" ")])
                        .collect(),
                )
            })
        }
        ResourcesCommand::Show { id } => {
            let resource = resources::get_resource(&ctx, &ResourceId::parse(&id)?).await?;
            emit(json, &views::resource(&resource), summary)
        }
        ResourcesCommand::Update {
            id,
            identifier,
            name,
            scopes,
            access_token_ttl,
        } => {
            let update = ResourceUpdate {
                identifier,
                name,
                scopes,
                access_token_ttl_secs: access_token_ttl.map(Some),
            };
            let resource = resources::update_resource(&ctx, &ResourceId::parse(&id)?, update, &Actor::Cli).await?;
            emit(json, &views::resource(&resource), summary)
        }
        ResourcesCommand::Delete { id } => {
            let id = ResourceId::parse(&id)?;
            resources::delete_resource(&ctx, &id, &Actor::Cli).await?;
            emit(json, &json!({ "deleted": id }), |_| format!("deleted {id}"))
        }
    }
}
