use crate::cli::RolesCommand;
use crate::config::Config;
use crate::output::{emit, table};
use crate::startup::ready_store;
use crate::views;
use hallpass_core::ids::OrgId;
use hallpass_core::services::audit::Actor;
use hallpass_core::services::roles::{self, NewRole};
use hallpass_proto::management::Page;

pub async fn run(config: &Config, command: RolesCommand, json: bool) -> anyhow::Result<()> {
    let ctx = ready_store(config, config.migrate).await?;
    // Members get `admin` or `member` unless told otherwise: those must exist.
    hallpass_core::services::roles::ensure_default_roles(&ctx).await?;
    match command {
        RolesCommand::Create {
            name,
            description,
            permissions,
            organization,
        } => {
            let new = NewRole {
                organization_id: organization.as_deref().map(OrgId::parse).transpose()?,
                name,
                description,
                permissions,
            };
            let role = roles::create_role(&ctx, new, &Actor::Cli).await?;
            emit(json, &views::role(&role), |r| {
                format!("created role {} [{}]", r.name, r.permissions.join(", "))
            })
        }
        RolesCommand::List { organization } => {
            let org = organization.as_deref().map(OrgId::parse).transpose()?;
            let list = roles::list_roles(&ctx, org.as_ref()).await?;
            let page = Page {
                data: list.iter().map(views::role).collect(),
                next_cursor: None,
            };
            emit(json, &page, |p| {
                table(
                    &["NAME", "SCOPE", "PERMISSIONS"],
                    p.data
                        .iter()
                        .map(|r| {
                            vec![
                                r.name.clone(),
                                r.organization_id.clone().unwrap_or_else(|| "environment".into()),
                                r.permissions.join(", "),
                            ]
                        })
                        .collect(),
                )
            })
        }
    }
}
