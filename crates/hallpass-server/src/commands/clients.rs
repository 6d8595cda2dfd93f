use crate::cli::{ClientsCommand, CreateClientArgs, UpdateClientArgs};
use crate::config::Config;
use crate::output::{emit, table};
use crate::startup::ready_store;
use crate::views;
use anyhow::Context as _;
use hallpass_core::ids::{ClientId, SecretId};
use hallpass_core::services::audit::Actor;
use hallpass_core::services::clients::{self, ClientUpdate, NewClient};
use hallpass_core::store::ClientKind;
use hallpass_proto::management::{ClientSecret, CreatedClient, Page};
use serde_json::json;

/// The scope that lets a machine client use the whole management API.
pub const ADMIN_SCOPE: &str = "hallpass:admin";

pub async fn run(config: &Config, command: ClientsCommand, json: bool) -> anyhow::Result<()> {
    let ctx = ready_store(config, config.migrate).await?;
    match command {
        ClientsCommand::Create(args) => {
            let new = new_client(args)?;
            let created = clients::create_client(&ctx, new, config.mode()?.uri_policy(), &Actor::Cli).await?;
            let out = CreatedClient {
                client: views::client(&created.client),
                client_secret: created.secret,
            };
            emit(json, &out, |c| {
                let mut text = format!("client_id      {}\n", c.client.client_id);
                if let Some(secret) = &c.client_secret {
                    text.push_str(&format!(
                        "client_secret  {secret}\n\nThe secret is shown only now: store it safely."
                    ));
                }
                text
            })
        }
        ClientsCommand::List { limit, after } => {
            let after = after.as_deref().map(ClientId::parse).transpose()?;
            let list = clients::list_clients(&ctx, after.as_ref(), limit).await?;
            let next_cursor = (list.len() == limit.clamp(1, 200) as usize)
                .then(|| list.last().map(|c| c.id.to_string()))
                .flatten();
            let page = Page {
                data: list.iter().map(views::client).collect(),
                next_cursor,
            };
            emit(json, &page, |p| {
                table(
                    &["CLIENT_ID", "NAME", "TYPE", "REDIRECT URIS"],
                    p.data
                        .iter()
                        .map(|c| {
                            vec![
                                c.client_id.clone(),
                                c.name.clone(),
                                c.client_type.clone(),
                                c.redirect_uris.join(" "),
                            ]
                        })
                        .collect(),
                )
            })
        }
        ClientsCommand::Show { client_id } => {
            let id = ClientId::parse(&client_id)?;
            let client = clients::get_client(&ctx, &id).await?;
            let secrets = clients::list_client_secrets(&ctx, &id).await?;
            let details = views::client_details(&client, &secrets);
            emit(json, &details, |c| serde_json::to_string_pretty(c).unwrap_or_default())
        }
        ClientsCommand::Delete { client_id } => {
            let id = ClientId::parse(&client_id)?;
            clients::delete_client(&ctx, &id, &Actor::Cli).await?;
            emit(json, &json!({ "deleted": id }), |_| {
                format!("deleted {id} with its secrets and tokens")
            })
        }
        ClientsCommand::Update(args) => {
            let id = ClientId::parse(&args.client_id)?;
            let update = client_update(args)?;
            let client = clients::update_client(&ctx, &id, update, config.mode()?.uri_policy(), &Actor::Cli).await?;
            emit(json, &views::client(&client), |c| format!("updated {}", c.client_id))
        }
        ClientsCommand::RotateSecret { client_id } => {
            let id = ClientId::parse(&client_id)?;
            let (secret_id, secret) = clients::rotate_client_secret(&ctx, &id, &Actor::Cli).await?;
            let out = ClientSecret {
                client_id: id.to_string(),
                secret_id: secret_id.to_string(),
                client_secret: secret,
            };
            emit(json, &out, |s| {
                format!(
                    "client_secret  {}\nsecret_id      {}\n\nThe previous secret keeps working until you delete it with\n  hallpass clients delete-secret {} SECRET_ID",
                    s.client_secret, s.secret_id, s.client_id
                )
            })
        }
        ClientsCommand::DeleteSecret { client_id, secret_id } => {
            let id = ClientId::parse(&client_id)?;
            let secret = SecretId::parse(&secret_id)?;
            clients::delete_client_secret(&ctx, &id, &secret, &Actor::Cli).await?;
            emit(json, &json!({ "deleted": secret }), |_| {
                format!("deleted secret {secret}")
            })
        }
    }
}

fn new_client(args: CreateClientArgs) -> anyhow::Result<NewClient> {
    let mut scopes = args.scopes;
    if args.admin && !scopes.iter().any(|s| s == ADMIN_SCOPE) {
        scopes.push(ADMIN_SCOPE.to_owned());
    }
    Ok(NewClient {
        name: args.name,
        kind: if args.public {
            ClientKind::Public
        } else {
            ClientKind::Confidential
        },
        redirect_uris: args.redirect_uris,
        post_logout_redirect_uris: args.post_logout_redirect_uris,
        initiate_login_uri: args.initiate_login_uri,
        backchannel_logout_uri: args.backchannel_logout_uri,
        native: args.native,
        granted_scopes: scopes,
        access_token_ttl_secs: args.access_token_ttl,
        id_token_algorithm: args.id_token_alg.parse().context("--id-token-alg")?,
    })
}

fn client_update(args: UpdateClientArgs) -> anyhow::Result<ClientUpdate> {
    let optional = |value: Option<String>| value.map(|v| (!v.is_empty()).then_some(v));
    Ok(ClientUpdate {
        name: args.name,
        redirect_uris: (!args.redirect_uris.is_empty()).then_some(args.redirect_uris),
        post_logout_redirect_uris: if args.clear_post_logout_redirect_uris {
            Some(Vec::new())
        } else {
            (!args.post_logout_redirect_uris.is_empty()).then_some(args.post_logout_redirect_uris)
        },
        initiate_login_uri: optional(args.initiate_login_uri),
        backchannel_logout_uri: optional(args.backchannel_logout_uri),
        access_token_ttl_secs: args.access_token_ttl.map(|ttl| (ttl != 0).then_some(ttl)),
        id_token_algorithm: args
            .id_token_alg
            .map(|a| a.parse())
            .transpose()
            .context("--id-token-alg")?,
    })
}
