use crate::cli::OrgsCommand;
use crate::config::Config;
use crate::output::{emit, table};
use crate::startup::ready_store;
use crate::views;
use hallpass_core::ids::{OrgId, UserId};
use hallpass_core::services::audit::Actor;
use hallpass_core::services::organizations::{self, NewOrganization, OrganizationChanges};
use hallpass_core::services::{memberships, roles};
use hallpass_proto::management::{Membership, Organization, Page};

fn org_table(page: &Page<Organization>) -> String {
    table(
        &["ID", "SLUG", "NAME", "CREATED"],
        page.data
            .iter()
            .map(|o| vec![o.id.clone(), o.slug.clone(), o.name.clone(), o.created_at.clone()])
            .collect(),
    )
}

fn member_table(page: &Page<Membership>) -> String {
    table(
        &["USER", "STATUS", "ROLES"],
        page.data
            .iter()
            .map(|m| vec![m.user_id.clone(), m.status.clone(), m.roles.join(", ")])
            .collect(),
    )
}

fn next<T>(list: &[T], limit: u32, id: impl Fn(&T) -> String) -> Option<String> {
    (list.len() == limit.clamp(1, 200) as usize)
        .then(|| list.last().map(id))
        .flatten()
}

pub async fn run(config: &Config, command: OrgsCommand, json: bool) -> anyhow::Result<()> {
    let ctx = ready_store(config, config.migrate).await?;
    // Members get `admin` or `member` unless told otherwise: those must exist.
    hallpass_core::services::roles::ensure_default_roles(&ctx).await?;
    match command {
        OrgsCommand::Create {
            name,
            slug,
            external_id,
        } => {
            let new = NewOrganization {
                name,
                slug,
                external_id,
                metadata: None,
            };
            let org = organizations::create_organization(&ctx, new, &Actor::Cli).await?;
            emit(json, &views::organization(&org), |o| {
                format!("created {} ({})", o.id, o.slug)
            })
        }
        OrgsCommand::List { limit, after } => {
            let after = after.as_deref().map(OrgId::parse).transpose()?;
            let list = organizations::list_organizations(&ctx, after.as_ref(), limit).await?;
            let page = Page {
                next_cursor: next(&list, limit, |o| o.id.to_string()),
                data: list.iter().map(views::organization).collect(),
            };
            emit(json, &page, org_table)
        }
        OrgsCommand::Show { id } => {
            let org = organizations::get_organization(&ctx, &OrgId::parse(&id)?).await?;
            emit(json, &views::organization(&org), |o| {
                format!("{} {} ({})", o.id, o.name, o.slug)
            })
        }
        OrgsCommand::Update { id, name, slug } => {
            let changes = OrganizationChanges {
                name,
                slug,
                ..OrganizationChanges::default()
            };
            let org = organizations::update_organization(&ctx, &OrgId::parse(&id)?, changes, &Actor::Cli).await?;
            emit(json, &views::organization(&org), |o| {
                format!("updated {} ({})", o.id, o.slug)
            })
        }
        OrgsCommand::Members { id, limit, after } => {
            let id = OrgId::parse(&id)?;
            let after = after.as_deref().map(UserId::parse).transpose()?;
            let list = memberships::list_members(&ctx, &id, after.as_ref(), limit).await?;
            let visible = roles::list_roles(&ctx, Some(&id)).await?;
            let page = Page {
                next_cursor: next(&list, limit, |m| m.user_id.to_string()),
                data: list.iter().map(|m| views::membership(m, &visible)).collect(),
            };
            emit(json, &page, member_table)
        }
        OrgsCommand::AddMember {
            id,
            user_id,
            roles: names,
        } => {
            let (id, user) = (OrgId::parse(&id)?, UserId::parse(&user_id)?);
            let names = (!names.is_empty()).then_some(names);
            let m = memberships::put_member(&ctx, &id, &user, names, &Actor::Cli).await?;
            let visible = roles::list_roles(&ctx, Some(&id)).await?;
            emit(json, &views::membership(&m, &visible), |m| {
                format!(
                    "{} is a member of {} [{}]",
                    m.user_id,
                    m.organization_id,
                    m.roles.join(", ")
                )
            })
        }
        OrgsCommand::RemoveMember { id, user_id } => {
            let (id, user) = (OrgId::parse(&id)?, UserId::parse(&user_id)?);
            memberships::remove_member(&ctx, &id, &user, &Actor::Cli).await?;
            let done = serde_json::json!({ "removed": user, "organization_id": id });
            emit(json, &done, |_| format!("removed {user} from {id}"))
        }
    }
}
