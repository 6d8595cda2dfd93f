//! Users, organizations, roles and memberships.

use super::*;

pub async fn users_are_unique_by_email_case_insensitively(store: S) {
    let ada = user("Ada@Example.com");
    store.insert_user(&ada).await.unwrap();
    let found = store
        .find_user_by_email(&Email::parse("ada@EXAMPLE.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, ada);
    assert_eq!(found.email.as_str(), "Ada@Example.com", "keeps the address as typed");
    let twin = user("ADA@example.COM");
    assert_eq!(store.insert_user(&twin).await, Err(StoreError::Conflict("email")));
    assert_eq!(
        store.get_user(&twin.id).await.unwrap(),
        None,
        "a refused insert leaves nothing"
    );
    assert_eq!(store.count_users().await.unwrap(), 1);
}

pub async fn users_page_in_creation_order(store: S) {
    let clock = clock();
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut u = user(&format!("user{i}@example.com"));
        u.id = hallpass_core::ids::UserId::generate(&clock, &SystemRng);
        clock.advance(SECOND);
        store.insert_user(&u).await.unwrap();
        ids.push(u.id);
    }
    let first = store.list_users(None, 2).await.unwrap();
    assert_eq!(first.iter().map(|u| u.id.clone()).collect::<Vec<_>>(), ids[..2]);
    let second = store.list_users(Some(&first[1].id), 2).await.unwrap();
    assert_eq!(second.iter().map(|u| u.id.clone()).collect::<Vec<_>>(), ids[2..4]);
    let last = store.list_users(Some(&second[1].id), 2).await.unwrap();
    assert_eq!(last.len(), 1);
}

pub async fn user_updates_replace_fields(store: S) {
    let mut u = user("grace@example.com");
    store.insert_user(&u).await.unwrap();
    u.name = Some("Grace Hopper".into());
    u.email_verified = true;
    u.password_hash = Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into());
    u.metadata = json!({"team": "navy"});
    u.updated_at = T0.plus(MINUTE);
    store.update_user(&u).await.unwrap();
    assert_eq!(store.get_user(&u.id).await.unwrap().unwrap(), u);
    let ghost = user("ghost@example.com");
    assert_eq!(store.update_user(&ghost).await, Err(StoreError::NotFound));
}

pub async fn organizations_have_unique_slugs(store: S) {
    let acme = organization("acme");
    store.insert_organization(&acme).await.unwrap();
    assert_eq!(
        store.insert_organization(&organization("acme")).await,
        Err(StoreError::Conflict("slug"))
    );
    let found = store
        .find_organization_by_slug(&Slug::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, acme);
    let mut renamed = acme.clone();
    renamed.name = "Acme Inc.".into();
    store.update_organization(&renamed).await.unwrap();
    assert_eq!(
        store.get_organization(&acme.id).await.unwrap().unwrap().name,
        "Acme Inc."
    );
    assert_eq!(store.list_organizations(None, 10).await.unwrap().len(), 1);
}

pub async fn roles_and_memberships_yield_access(store: S) {
    let org = organization("globex");
    store.insert_organization(&org).await.unwrap();
    let u = user("member@example.com");
    store.insert_user(&u).await.unwrap();
    let admin = role(None, "admin", &["users:write", "users:read"]);
    let viewer = role(None, "viewer", &["users:read"]);
    let custom_viewer = role(Some(&org.id), "viewer", &["reports:read"]);
    for r in [&admin, &viewer, &custom_viewer] {
        store.insert_role(r).await.unwrap();
    }
    assert_eq!(
        store.insert_role(&role(None, "admin", &[])).await,
        Err(StoreError::Conflict("role name"))
    );
    let found = store.find_role(Some(&org.id), "viewer").await.unwrap().unwrap();
    assert_eq!(found.id, custom_viewer.id, "an organization's custom role comes first");
    assert_eq!(store.find_role(None, "viewer").await.unwrap().unwrap().id, viewer.id);
    assert_eq!(store.list_roles(Some(&org.id)).await.unwrap().len(), 3);
    assert_eq!(store.list_roles(None).await.unwrap().len(), 2);
    assert_eq!(found.permissions, vec!["reports:read".to_string()]);

    let mut m = Membership {
        organization_id: org.id.clone(),
        user_id: u.id.clone(),
        status: MembershipStatus::Active,
        role_ids: vec![admin.id.clone(), custom_viewer.id.clone()],
        created_at: T0,
        updated_at: T0,
    };
    store.put_membership(&m).await.unwrap();
    let access = store.member_access(&org.id, &u.id).await.unwrap().unwrap();
    assert_eq!(access.roles, vec!["admin", "viewer"]);
    assert_eq!(access.permissions, vec!["reports:read", "users:read", "users:write"]);

    m.role_ids = vec![];
    store.put_membership(&m).await.unwrap();
    let access = store.member_access(&org.id, &u.id).await.unwrap().unwrap();
    assert_eq!(
        access,
        Access::default(),
        "an active member without roles has empty access"
    );
    assert_eq!(store.list_user_memberships(&u.id).await.unwrap().len(), 1);

    m.status = MembershipStatus::Pending;
    store.put_membership(&m).await.unwrap();
    assert_eq!(
        store.member_access(&org.id, &u.id).await.unwrap(),
        None,
        "pending members have no access"
    );
    assert!(store.delete_membership(&org.id, &u.id).await.unwrap());
    assert!(!store.delete_membership(&org.id, &u.id).await.unwrap());
    assert_eq!(store.get_membership(&org.id, &u.id).await.unwrap(), None);
}

pub async fn membership_with_unknown_role_is_refused(store: S) {
    let org = organization("initech");
    store.insert_organization(&org).await.unwrap();
    let u = user("peter@example.com");
    store.insert_user(&u).await.unwrap();
    let ghost_role = RoleId::generate(&clock(), &SystemRng);
    let m = Membership {
        organization_id: org.id.clone(),
        user_id: u.id.clone(),
        status: MembershipStatus::Active,
        role_ids: vec![ghost_role],
        created_at: T0,
        updated_at: T0,
    };
    assert_eq!(store.put_membership(&m).await, Err(StoreError::NotFound));
    assert_eq!(
        store.get_membership(&org.id, &u.id).await.unwrap(),
        None,
        "nothing half-created"
    );
}

pub async fn organization_members_page_and_deleted_users_leave_everything(store: S) {
    let org = organization("umbrella");
    store.insert_organization(&org).await.unwrap();
    let mut users = Vec::new();
    for i in 0..3 {
        let u = user(&format!("member{i}@example.com"));
        store.insert_user(&u).await.unwrap();
        store
            .put_membership(&Membership {
                organization_id: org.id.clone(),
                user_id: u.id.clone(),
                status: MembershipStatus::Active,
                role_ids: vec![],
                created_at: T0,
                updated_at: T0,
            })
            .await
            .unwrap();
        users.push(u.id);
    }
    users.sort();
    let first = store.list_organization_memberships(&org.id, None, 2).await.unwrap();
    assert_eq!(first.iter().map(|m| m.user_id.clone()).collect::<Vec<_>>(), users[..2]);
    let rest = store
        .list_organization_memberships(&org.id, Some(&first[1].user_id), 2)
        .await
        .unwrap();
    assert_eq!(rest.iter().map(|m| m.user_id.clone()).collect::<Vec<_>>(), users[2..]);

    let (_, session) = session(&users[0]);
    store.insert_session(&session).await.unwrap();
    assert!(store.delete_user(&users[0]).await.unwrap());
    assert!(!store.delete_user(&users[0]).await.unwrap(), "already gone");
    assert_eq!(store.get_user(&users[0]).await.unwrap(), None);
    assert_eq!(
        store.get_session(&session.id).await.unwrap(),
        None,
        "sessions go with the user"
    );
    assert_eq!(
        store
            .list_organization_memberships(&org.id, None, 10)
            .await
            .unwrap()
            .len(),
        2,
        "and memberships"
    );
}
