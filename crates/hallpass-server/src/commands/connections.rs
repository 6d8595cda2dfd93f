use crate::cli::{ConnectionArgs, ConnectionsCommand};
use crate::config::Config;
use crate::output::{emit, table};
use crate::startup::ready_keys;
use crate::views;
use anyhow::Context as _;
use hallpass_core::ids::{ConnectionId, OrgId};
use hallpass_core::services::audit::Actor;
use hallpass_core::services::connections::{self, ConnectionFields};
use hallpass_core::services::saml_settings::SamlFields;
use hallpass_proto::management::{Connection, Page};

fn fields(kind: Option<String>, args: ConnectionArgs) -> anyhow::Result<ConnectionFields> {
    let client_secret = if args.client_secret_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the client secret from standard input")?;
        Some(line.trim_end_matches(['\n', '\r']).to_owned())
    } else {
        None
    };
    let list = |v: Vec<String>| (!v.is_empty()).then_some(v);
    let file = |path: Option<std::path::PathBuf>| {
        path.map(|p| std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display())))
            .transpose()
    };
    Ok(ConnectionFields {
        kind,
        name: args.name,
        domains: list(args.domains),
        enabled: args.enabled,
        sso_required: args.sso_required,
        issuer: args.issuer,
        client_id: args.client_id,
        client_secret,
        scopes: list(args.scopes),
        authorization_endpoint: args.authorization_endpoint,
        token_endpoint: args.token_endpoint,
        userinfo_endpoint: args.userinfo_endpoint,
        jwks_uri: args.jwks_uri,
        saml: SamlFields {
            idp_metadata_xml: file(args.idp_metadata_file)?,
            idp_entity_id: args.idp_entity_id,
            idp_sso_url: args.idp_sso_url,
            idp_certificate: file(args.idp_certificate_file)?,
            idp_secondary_certificate: file(args.idp_secondary_certificate_file)?,
            idp_initiated_client_id: args.idp_initiated_client_id,
            sp_private_key: file(args.sp_private_key_file)?,
            sp_certificate: file(args.sp_certificate_file)?,
            sign_authn_requests: args.sign_authn_requests,
        },
    })
}

fn connection_table(page: &Page<Connection>) -> String {
    table(
        &["ID", "TYPE", "NAME", "DOMAINS", "ENABLED"],
        page.data
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    c.kind.clone(),
                    c.name.clone(),
                    c.domains.join(", "),
                    c.enabled.to_string(),
                ]
            })
            .collect(),
    )
}

fn line(c: &Connection) -> String {
    format!("{} {} ({}); redirect URI: {}", c.id, c.name, c.kind, c.redirect_uri)
}

pub async fn run(config: &Config, command: ConnectionsCommand, json: bool) -> anyhow::Result<()> {
    let (ctx, master) = ready_keys(config, config.migrate).await?;
    let issuer = config.oauth_policy().issuer;
    let view = |c: &hallpass_core::store::Connection| views::connection(c, &issuer);
    match command {
        ConnectionsCommand::Create { kind, org, settings } => {
            let org = org.as_deref().map(OrgId::parse).transpose()?;
            let created =
                connections::create_connection(&ctx, &master, org.as_ref(), fields(Some(kind), settings)?, &Actor::Cli)
                    .await?;
            emit(json, &view(&created), |c| format!("created {}", line(c)))
        }
        ConnectionsCommand::List { org } => {
            let org = org.as_deref().map(OrgId::parse).transpose()?;
            let list = connections::list_connections(&ctx, org.as_ref()).await?;
            let page = Page {
                data: list.iter().map(view).collect(),
                next_cursor: None,
            };
            emit(json, &page, connection_table)
        }
        ConnectionsCommand::Show { id } => {
            let found = connections::get_connection(&ctx, &ConnectionId::parse(&id)?).await?;
            emit(json, &view(&found), line)
        }
        ConnectionsCommand::Update { id, settings } => {
            let id = ConnectionId::parse(&id)?;
            let updated =
                connections::update_connection(&ctx, &master, &id, fields(None, settings)?, &Actor::Cli).await?;
            emit(json, &view(&updated), |c| format!("updated {}", line(c)))
        }
        ConnectionsCommand::Delete { id } => {
            connections::delete_connection(&ctx, &ConnectionId::parse(&id)?, &Actor::Cli).await?;
            emit(json, &serde_json::json!({ "deleted": id }), |v| {
                format!("deleted {}", v["deleted"])
            })
        }
    }
}
