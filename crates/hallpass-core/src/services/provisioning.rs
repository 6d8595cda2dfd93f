//! SCIM provisioning (RFC 7644) for one directory: Users and Groups as its
//! identity provider writes them, and what that does in Hallpass.
//!
//! - A SCIM User with an email (its primary email, else its `userName` when
//!   that is an address) is a Hallpass user — found by that address or
//!   created, verified — and a member of the directory's organization. A
//!   User without one is kept and becomes a Hallpass user once it has one.
//! - `active: false` suspends the membership and ends the user's sessions
//!   (the apps are told); `active: true` restores it.
//! - Group membership gives roles through the directory's `group_roles`;
//!   without a mapped group a provisioned member has `member`.
//! - `DELETE` of a User removes the membership and ends the sessions, and
//!   removes the Hallpass user too when they belong nowhere else and have no
//!   password.
//!
//! Every change is audited with the directory as actor. The protocol itself
//! (schemas, filters, PATCH) is `hallpass_scim`'s.

use super::audit::{self, Actor};
use super::memberships::view as membership_view;
use super::roles::MEMBER_ROLE;
use crate::context::Context;
use crate::error::CoreError;
use crate::ids::{ScimId, UserId};
use crate::sessions::{self, EndReason};
use crate::store::{Directory, Membership, MembershipStatus, ScimKind, ScimResource, StoreError, User};
use crate::values::Email;
use hallpass_scim::filter::Filter;
use hallpass_scim::path::Scope;
use hallpass_scim::{GroupFields, PatchRequest, ResourceKind, ScimError, UserFields};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// What a SCIM request can fail with: a SCIM error for the client, or
/// something that went wrong inside (a 500).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProvisionError {
    Scim(ScimError),
    Core(CoreError),
}

impl From<ScimError> for ProvisionError {
    fn from(err: ScimError) -> Self {
        ProvisionError::Scim(err)
    }
}

impl From<CoreError> for ProvisionError {
    fn from(err: CoreError) -> Self {
        ProvisionError::Core(err)
    }
}

impl From<StoreError> for ProvisionError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(what) => {
                ProvisionError::Scim(ScimError::uniqueness(format!("{what} is already taken")))
            }
            other => ProvisionError::Core(CoreError::Store(other)),
        }
    }
}

type Result<T> = std::result::Result<T, ProvisionError>;

fn store_kind(kind: ResourceKind) -> ScimKind {
    match kind {
        ResourceKind::User => ScimKind::User,
        ResourceKind::Group => ScimKind::Group,
    }
}

fn actor(dir: &Directory) -> Actor {
    Actor::Directory(dir.id.to_string())
}

/// The `ETag` / `meta.version` of a version.
pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

/// Whether an `If-Match` header allows a change to `version`.
fn if_match_allows(if_match: Option<&str>, version: i64) -> bool {
    let Some(header) = if_match else { return true };
    header
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/").trim_matches('"') == version.to_string())
}

/// The resource as a client sees it: what was written, with `id` and `meta`.
pub fn render(base: &str, resource: &ScimResource) -> Value {
    let kind = match resource.kind {
        ScimKind::User => ResourceKind::User,
        ScimKind::Group => ResourceKind::Group,
    };
    let mut doc = resource.document.clone();
    if let Some(object) = doc.as_object_mut() {
        object.insert("id".into(), json!(resource.id));
        object.insert(
            "meta".into(),
            json!({
                "resourceType": kind.name(),
                "created": resource.created_at.to_rfc3339(),
                "lastModified": resource.updated_at.to_rfc3339(),
                "location": format!("{base}{}/{}", kind.endpoint(), resource.id),
                "version": etag(resource.version),
            }),
        );
    }
    doc
}

fn not_found(kind: ResourceKind) -> ProvisionError {
    ScimError::not_found(format!("No such {} in this directory.", kind.name())).into()
}

async fn load(ctx: &Context, dir: &Directory, kind: ResourceKind, id: &str) -> Result<ScimResource> {
    let Ok(id) = ScimId::parse(id) else {
        return Err(not_found(kind));
    };
    match ctx.store.get_scim_resource(&dir.id, &id).await? {
        Some(r) if r.kind == store_kind(kind) => Ok(r),
        _ => Err(not_found(kind)),
    }
}

/// The keys a resource is stored under.
fn keys(kind: ResourceKind, doc: &Value) -> (Option<String>, Option<String>) {
    match kind {
        ResourceKind::User => {
            let f = UserFields::of(doc);
            (Some(f.user_name.to_lowercase()), f.external_id)
        }
        ResourceKind::Group => (None, GroupFields::of(doc).external_id),
    }
}

/// Group members must be resources of this directory.
async fn check_members(ctx: &Context, dir: &Directory, doc: &Value) -> Result<()> {
    for member in GroupFields::of(doc).members {
        let known = match ScimId::parse(&member) {
            Ok(id) => ctx.store.get_scim_resource(&dir.id, &id).await?.is_some(),
            Err(_) => false,
        };
        if !known {
            return Err(ScimError::invalid_value(format!("`{member}` is not a member of this directory.")).into());
        }
    }
    Ok(())
}

pub async fn create(ctx: &Context, dir: &Directory, kind: ResourceKind, body: &Value, base: &str) -> Result<Value> {
    let doc = kind.normalize(body)?;
    let (unique_key, external_id) = keys(kind, &doc);
    if let Some(key) = &unique_key {
        if ctx
            .store
            .find_scim_resource_by_key(&dir.id, ScimKind::User, key)
            .await?
            .is_some()
        {
            return Err(ScimError::uniqueness("userName is already taken in this directory.").into());
        }
    }
    if kind == ResourceKind::Group {
        check_members(ctx, dir, &doc).await?;
    }
    let now = ctx.clock.now();
    let mut resource = ScimResource {
        directory_id: dir.id.clone(),
        id: ScimId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        kind: store_kind(kind),
        unique_key,
        external_id,
        user_id: None,
        document: doc,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut made = None;
    if kind == ResourceKind::User {
        let (user, created) = link_user(ctx, dir, &resource, None).await?;
        resource.user_id = user;
        if created {
            made = resource.user_id.clone();
        }
    }
    if let Err(err) = ctx.store.insert_scim_resource(&resource).await {
        // Lost a race for the userName: the user made for it goes too.
        if let Some(user) = made {
            ctx.store.delete_user(&user).await?;
        }
        return Err(err.into());
    }
    audit::record(
        ctx,
        &actor(dir),
        "scim.created",
        resource.user_id.as_ref().map(UserId::as_str),
        json!({ "directory_id": dir.id, "resource": kind.name(), "id": resource.id, "before": null, "after": resource.document }),
    )
    .await;
    after_write(ctx, dir, None, &resource).await?;
    Ok(render(base, &resource))
}

pub async fn get(ctx: &Context, dir: &Directory, kind: ResourceKind, id: &str, base: &str) -> Result<Value> {
    Ok(render(base, &load(ctx, dir, kind, id).await?))
}

/// A page of a list: the resources on it and how many matched in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub resources: Vec<Value>,
    pub total: usize,
}

/// `GET /Users` and `/Groups`: `filter` (already parsed), then the page
/// from `start_index` (1-based) of `count`. `userName eq` and `id eq` are
/// answered from the index; other filters read the directory's resources.
pub async fn list(
    ctx: &Context,
    dir: &Directory,
    kind: ResourceKind,
    filter: Option<&Filter>,
    start_index: usize,
    count: usize,
    base: &str,
) -> Result<Page> {
    let scope = Scope::Resource(kind);
    if let Some(f) = filter {
        f.check(scope)?;
        let indexed = match (kind, f.equality_on("userName"), f.equality_on("id")) {
            (ResourceKind::User, Some(name), _) => Some(
                ctx.store
                    .find_scim_resource_by_key(&dir.id, ScimKind::User, &name.to_lowercase())
                    .await?,
            ),
            (_, _, Some(id)) => Some(match ScimId::parse(id) {
                Ok(id) => ctx
                    .store
                    .get_scim_resource(&dir.id, &id)
                    .await?
                    .filter(|r| r.kind == store_kind(kind)),
                Err(_) => None,
            }),
            _ => None,
        };
        if let Some(found) = indexed {
            let all: Vec<Value> = found
                .iter()
                .map(|r| render(base, r))
                .filter(|r| f.matches(scope, r))
                .collect();
            let total = all.len();
            let resources = all.into_iter().skip(start_index - 1).take(count).collect();
            return Ok(Page { resources, total });
        }
    } else {
        // No filter: count, then read only the page.
        let total = usize::try_from(ctx.store.count_scim_resources(&dir.id, store_kind(kind)).await?).unwrap_or(0);
        let mut resources = Vec::new();
        let mut skipped = 0;
        let mut after: Option<ScimId> = None;
        while resources.len() < count {
            let batch = ctx
                .store
                .list_scim_resources(&dir.id, store_kind(kind), after.as_ref(), 500)
                .await?;
            let Some(last) = batch.last() else { break };
            after = Some(last.id.clone());
            for r in &batch {
                if skipped + 1 < start_index {
                    skipped += 1;
                } else if resources.len() < count {
                    resources.push(render(base, r));
                }
            }
        }
        return Ok(Page { resources, total });
    }
    let mut total = 0;
    let mut resources = Vec::new();
    let mut after: Option<ScimId> = None;
    loop {
        let batch = ctx
            .store
            .list_scim_resources(&dir.id, store_kind(kind), after.as_ref(), 500)
            .await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id.clone());
        for r in &batch {
            let rendered = render(base, r);
            if filter.is_none_or(|f| f.matches(scope, &rendered)) {
                total += 1;
                if total >= start_index && resources.len() < count {
                    resources.push(rendered);
                }
            }
        }
    }
    Ok(Page { resources, total })
}

/// `PUT`: the resource becomes `body` (read-only attributes aside).
pub async fn replace(
    ctx: &Context,
    dir: &Directory,
    kind: ResourceKind,
    id: &str,
    body: &Value,
    if_match: Option<&str>,
    base: &str,
) -> Result<Value> {
    let before = load(ctx, dir, kind, id).await?;
    let doc = kind.normalize(body)?;
    write(ctx, dir, kind, before, doc, if_match, base).await
}

/// `PATCH`: the operations applied in order, all or none.
pub async fn patch(
    ctx: &Context,
    dir: &Directory,
    kind: ResourceKind,
    id: &str,
    body: &Value,
    if_match: Option<&str>,
    base: &str,
) -> Result<Value> {
    let request = PatchRequest::parse(body)?;
    let before = load(ctx, dir, kind, id).await?;
    let mut doc = before.document.clone();
    request.apply(kind, &mut doc)?;
    let doc = kind.normalize(&doc)?;
    write(ctx, dir, kind, before, doc, if_match, base).await
}

async fn write(
    ctx: &Context,
    dir: &Directory,
    kind: ResourceKind,
    before: ScimResource,
    doc: Value,
    if_match: Option<&str>,
    base: &str,
) -> Result<Value> {
    if !if_match_allows(if_match, before.version) {
        return Err(ScimError::precondition_failed().into());
    }
    if kind == ResourceKind::Group {
        check_members(ctx, dir, &doc).await?;
    }
    let (unique_key, external_id) = keys(kind, &doc);
    let mut after = ScimResource {
        unique_key,
        external_id,
        document: doc,
        version: before.version + 1,
        updated_at: ctx.clock.now(),
        ..before.clone()
    };
    if after.document == before.document {
        // Nothing changed: no new version, nothing to tell.
        return Ok(render(base, &before));
    }
    if kind == ResourceKind::User {
        let (user, _) = link_user(ctx, dir, &after, before.user_id.as_ref()).await?;
        after.user_id = user;
    }
    if !ctx.store.update_scim_resource(&after, before.version).await? {
        return Err(ScimError::precondition_failed().into());
    }
    audit::record(
        ctx,
        &actor(dir),
        "scim.updated",
        after.user_id.as_ref().map(UserId::as_str),
        json!({ "directory_id": dir.id, "resource": kind.name(), "id": after.id, "before": before.document, "after": after.document }),
    )
    .await;
    after_write(ctx, dir, Some(&before), &after).await?;
    Ok(render(base, &after))
}

pub async fn delete(
    ctx: &Context,
    dir: &Directory,
    kind: ResourceKind,
    id: &str,
    if_match: Option<&str>,
) -> Result<()> {
    let before = load(ctx, dir, kind, id).await?;
    if !if_match_allows(if_match, before.version) {
        return Err(ScimError::precondition_failed().into());
    }
    if !ctx.store.delete_scim_resource(&dir.id, &before.id).await? {
        return Err(not_found(kind));
    }
    audit::record(
        ctx,
        &actor(dir),
        "scim.deleted",
        before.user_id.as_ref().map(UserId::as_str),
        json!({ "directory_id": dir.id, "resource": kind.name(), "id": before.id, "before": before.document, "after": null }),
    )
    .await;
    match kind {
        ResourceKind::Group => {
            for member in GroupFields::of(&before.document).members {
                resync_member(ctx, dir, &member).await?;
            }
        }
        ResourceKind::User => {
            drop_from_groups(ctx, dir, &before.id).await?;
            if let Some(user) = &before.user_id {
                deprovision(ctx, dir, user).await?;
            }
        }
    }
    Ok(())
}

/// Finds or makes the Hallpass user a SCIM User is, and keeps their email
/// and name as the directory says. `(user, whether it was made now)`.
async fn link_user(
    ctx: &Context,
    dir: &Directory,
    resource: &ScimResource,
    linked: Option<&UserId>,
) -> Result<(Option<UserId>, bool)> {
    let fields = UserFields::of(&resource.document);
    let email = match fields.email.as_deref().map(Email::parse) {
        Some(Ok(email)) => Some(email),
        Some(Err(e)) => return Err(ScimError::invalid_value(format!("The email is not valid: {e}")).into()),
        None => None,
    };
    let name = fields.name.map(|n| n.chars().take(200).collect::<String>());
    if let Some(id) = linked {
        if let Some(mut user) = ctx.store.get_user(id).await? {
            if !owned_by(ctx, dir, &user).await? {
                // Someone with a life beyond this organization: the directory
                // does not rename them or move their address.
                return Ok((Some(user.id), false));
            }
            let before = user.clone();
            if let Some(email) = email {
                if email.normalized() != user.email.normalized() {
                    user.email = email;
                    user.email_verified = true;
                }
            }
            if name.is_some() {
                user.name = name;
            }
            if user != before {
                user.updated_at = ctx.clock.now();
                ctx.store.update_user(&user).await.map_err(|e| match e {
                    StoreError::Conflict(_) => ScimError::uniqueness("The email belongs to another user.").into(),
                    other => ProvisionError::from(other),
                })?;
                audit::record(
                    ctx,
                    &actor(dir),
                    "user.updated",
                    Some(user.id.as_str()),
                    json!({ "before": user_view(&before), "after": user_view(&user) }),
                )
                .await;
            }
            return Ok((Some(user.id), false));
        }
    }
    let Some(email) = email else { return Ok((None, false)) };
    if let Some(existing) = ctx.store.find_user_by_email(&email).await? {
        let taken = ctx
            .store
            .scim_users_of(&existing.id)
            .await?
            .iter()
            .any(|r| r.directory_id == dir.id && r.id != resource.id);
        if taken {
            return Err(ScimError::uniqueness("Another User of this directory has that email.").into());
        }
        return Ok((Some(existing.id), false));
    }
    let now = ctx.clock.now();
    let user = User {
        id: UserId::generate(ctx.clock.as_ref(), ctx.rng.as_ref()),
        email,
        // The organization's directory vouches for the address.
        email_verified: true,
        name,
        password_hash: None,
        external_id: None,
        metadata: json!({}),
        created_at: now,
        updated_at: now,
    };
    ctx.store.insert_user(&user).await.map_err(|e| match e {
        StoreError::Conflict(_) => ScimError::uniqueness("The email belongs to another user.").into(),
        other => ProvisionError::from(other),
    })?;
    audit::record(
        ctx,
        &actor(dir),
        "user.created",
        Some(user.id.as_str()),
        json!({ "email": user.email.as_str(), "directory_id": dir.id }),
    )
    .await;
    Ok((Some(user.id), true))
}

fn user_view(u: &User) -> Value {
    json!({ "email": u.email.as_str(), "email_verified": u.email_verified, "name": u.name })
}

/// After a User or Group was written: memberships, suspension and roles follow.
async fn after_write(
    ctx: &Context,
    dir: &Directory,
    before: Option<&ScimResource>,
    after: &ScimResource,
) -> Result<()> {
    match after.kind {
        ScimKind::User => {
            if let Some(old) = before.and_then(|b| b.user_id.as_ref()) {
                if after.user_id.as_ref() != Some(old) {
                    deprovision(ctx, dir, old).await?;
                }
            }
            sync_member(ctx, dir, after).await
        }
        ScimKind::Group => {
            let mut touched: BTreeSet<String> = GroupFields::of(&after.document).members.into_iter().collect();
            if let Some(b) = before {
                touched.extend(GroupFields::of(&b.document).members);
            }
            for member in touched {
                resync_member(ctx, dir, &member).await?;
            }
            Ok(())
        }
    }
}

async fn resync_member(ctx: &Context, dir: &Directory, member: &str) -> Result<()> {
    let Ok(id) = ScimId::parse(member) else { return Ok(()) };
    match ctx.store.get_scim_resource(&dir.id, &id).await? {
        Some(user) if user.kind == ScimKind::User => sync_member(ctx, dir, &user).await,
        _ => Ok(()),
    }
}

/// Every Group of the directory.
async fn groups(ctx: &Context, dir: &Directory) -> Result<Vec<ScimResource>> {
    let mut all = Vec::new();
    loop {
        let after = all.last().map(|g: &ScimResource| g.id.clone());
        let batch = ctx
            .store
            .list_scim_resources(&dir.id, ScimKind::Group, after.as_ref(), 500)
            .await?;
        if batch.is_empty() {
            return Ok(all);
        }
        all.extend(batch);
    }
}

/// The roles a SCIM User's groups give, through `group_roles`.
async fn mapped_roles(ctx: &Context, dir: &Directory, user: &ScimId) -> Result<Vec<String>> {
    if dir.group_roles.is_empty() {
        return Ok(Vec::new());
    }
    let mut roles = BTreeSet::new();
    for group in groups(ctx, dir).await? {
        let fields = GroupFields::of(&group.document);
        if fields.members.iter().any(|m| m == user.as_str()) {
            if let Some(role) = dir.group_roles.get(&fields.display_name) {
                roles.insert(role.clone());
            }
        }
    }
    Ok(roles.into_iter().collect())
}

/// Makes the linked Hallpass user's membership what the SCIM User says:
/// present, suspended or not, with the roles its groups map to.
async fn sync_member(ctx: &Context, dir: &Directory, resource: &ScimResource) -> Result<()> {
    let Some(user) = &resource.user_id else { return Ok(()) };
    let org = &dir.organization_id;
    let active = UserFields::of(&resource.document).active;
    let before = ctx.store.get_membership(org, user).await?;
    let mut names = mapped_roles(ctx, dir, &resource.id).await?;
    let keep_roles = dir.group_roles.is_empty() && before.is_some();
    if names.is_empty() {
        names.push(MEMBER_ROLE.to_owned());
    }
    let mut role_ids = Vec::new();
    for name in &names {
        if let Some(role) = ctx.store.find_role(Some(org), name).await? {
            role_ids.push(role.id);
        }
    }
    role_ids.sort();
    role_ids.dedup();
    let now = ctx.clock.now();
    let wanted = match &before {
        Some(b) if keep_roles || b.role_ids == role_ids => None,
        Some(b) => Some(Membership {
            role_ids,
            updated_at: now,
            ..b.clone()
        }),
        None => Some(Membership {
            organization_id: org.clone(),
            user_id: user.clone(),
            status: if active {
                MembershipStatus::Active
            } else {
                MembershipStatus::Suspended
            },
            role_ids,
            created_at: now,
            updated_at: now,
        }),
    };
    if let Some(m) = wanted {
        ctx.store.put_membership(&m).await?;
        audit::record(
            ctx,
            &actor(dir),
            if before.is_some() {
                "membership.updated"
            } else {
                "membership.created"
            },
            Some(user.as_str()),
            json!({ "before": before.as_ref().map(membership_view), "after": membership_view(&m) }),
        )
        .await;
    }
    let was_suspended = before.as_ref().map(|b| b.status == MembershipStatus::Suspended);
    match (active, was_suspended) {
        (false, Some(false)) | (false, None) => {
            if was_suspended.is_some() {
                ctx.store.suspend_membership(org, user, Some(now)).await?;
                audit::record(
                    ctx,
                    &actor(dir),
                    "membership.suspended",
                    Some(user.as_str()),
                    json!({ "organization_id": org }),
                )
                .await;
            }
            end_sessions_if_owned(ctx, dir, user).await?;
        }
        (true, Some(true)) => {
            ctx.store.suspend_membership(org, user, None).await?;
            audit::record(
                ctx,
                &actor(dir),
                "membership.restored",
                Some(user.as_str()),
                json!({ "organization_id": org }),
            )
            .await;
        }
        _ => {}
    }
    Ok(())
}

/// The directory let the user go: no membership, no sessions, and no
/// account if it was only ever this organization's way in.
async fn deprovision(ctx: &Context, dir: &Directory, user: &UserId) -> Result<()> {
    let org = &dir.organization_id;
    if let Some(before) = ctx.store.get_membership(org, user).await? {
        ctx.store.delete_membership(org, user).await?;
        audit::record(
            ctx,
            &actor(dir),
            "membership.deleted",
            Some(user.as_str()),
            json!({ "before": membership_view(&before), "after": null }),
        )
        .await;
    }
    end_sessions_if_owned(ctx, dir, user).await?;
    let Some(account) = ctx.store.get_user(user).await? else {
        return Ok(());
    };
    let elsewhere = !ctx.store.list_user_memberships(user).await?.is_empty()
        || account.password_hash.is_some()
        || !ctx.store.scim_users_of(user).await?.is_empty();
    if !elsewhere && ctx.store.delete_user(user).await? {
        audit::record(
            ctx,
            &actor(dir),
            "user.deleted",
            Some(user.as_str()),
            json!({ "before": user_view(&account), "after": null }),
        )
        .await;
    }
    Ok(())
}

/// Whether the Hallpass user is this directory's alone: no password, no
/// membership in another organization, no other directory's User. Only such
/// a user's account (email, name) and sessions does the directory change; a
/// user who also belongs elsewhere loses this organization (suspended or
/// removed: no tokens in it) but keeps the rest, which another
/// organization's directory must not reach.
async fn owned_by(ctx: &Context, dir: &Directory, user: &User) -> Result<bool> {
    if user.password_hash.is_some() {
        return Ok(false);
    }
    let memberships = ctx.store.list_user_memberships(&user.id).await?;
    if memberships.iter().any(|m| m.organization_id != dir.organization_id) {
        return Ok(false);
    }
    let links = ctx.store.scim_users_of(&user.id).await?;
    Ok(links.iter().all(|r| r.directory_id == dir.id))
}

async fn end_sessions_if_owned(ctx: &Context, dir: &Directory, user: &UserId) -> Result<()> {
    let Some(account) = ctx.store.get_user(user).await? else {
        return Ok(());
    };
    if owned_by(ctx, dir, &account).await? {
        sessions::end_for_user(ctx, user, None, EndReason::Deprovisioned).await?;
    }
    Ok(())
}

/// Takes a deleted User out of the directory's Groups.
async fn drop_from_groups(ctx: &Context, dir: &Directory, user: &ScimId) -> Result<()> {
    for group in groups(ctx, dir).await? {
        let Some(members) = group.document.get("members").and_then(Value::as_array) else {
            continue;
        };
        if !members
            .iter()
            .any(|m| m.get("value").and_then(Value::as_str) == Some(user.as_str()))
        {
            continue;
        }
        let mut after = group.clone();
        let kept: Vec<Value> = members
            .iter()
            .filter(|m| m.get("value").and_then(Value::as_str) != Some(user.as_str()))
            .cloned()
            .collect();
        if let Some(o) = after.document.as_object_mut() {
            if kept.is_empty() {
                o.remove("members");
            } else {
                o.insert("members".into(), Value::Array(kept));
            }
        }
        after.version += 1;
        after.updated_at = ctx.clock.now();
        ctx.store.update_scim_resource(&after, group.version).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_accepts_the_current_version_or_a_star() {
        assert!(if_match_allows(None, 3));
        assert!(if_match_allows(Some("W/\"3\""), 3));
        assert!(if_match_allows(Some("\"3\""), 3));
        assert!(if_match_allows(Some("*"), 3));
        assert!(if_match_allows(Some("W/\"1\", W/\"3\""), 3));
        assert!(!if_match_allows(Some("W/\"2\""), 3));
    }
}
