//! SCIM directories: found by their token's hash, their resources unique by
//! `userName` within one directory only, changed only at the version read,
//! gone with the directory; memberships suspended and restored.

use super::*;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::{DirectoryId, ScimId};
use std::collections::BTreeMap;

fn directory(org: &hallpass_core::ids::OrgId) -> (String, Directory) {
    let (token, hash) = new_token();
    let d = Directory {
        id: DirectoryId::generate(&clock(), &SystemRng),
        organization_id: org.clone(),
        name: "Okta".into(),
        token_hash: hash,
        group_roles: BTreeMap::from([("Admins".to_string(), "admin".to_string())]),
        created_at: T0,
        updated_at: T0,
    };
    (token, d)
}

fn scim_user(dir: &DirectoryId, user_name: &str) -> ScimResource {
    ScimResource {
        directory_id: dir.clone(),
        id: ScimId::generate(&clock(), &SystemRng),
        kind: ScimKind::User,
        unique_key: Some(user_name.to_lowercase()),
        external_id: Some("00u1".into()),
        user_id: None,
        document: json!({"userName": user_name}),
        version: 1,
        created_at: T0,
        updated_at: T0,
    }
}

pub async fn directories_are_found_by_token_and_keep_their_resources_apart(store: S) {
    let org = organization("initech");
    store.insert_organization(&org).await.unwrap();
    let (token, d) = directory(&org.id);
    store.insert_directory(&d).await.unwrap();
    let (_, other) = directory(&org.id);
    store.insert_directory(&other).await.unwrap();
    assert_eq!(
        store.find_directory_by_token(&SecretHash::of(&token)).await.unwrap(),
        Some(d.clone())
    );
    assert_eq!(store.get_directory(&d.id).await.unwrap(), Some(d.clone()));
    // Made in the same millisecond: id order is the random part's.
    let mut both = vec![d.clone(), other.clone()];
    both.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(store.list_directories(&org.id, None, 10).await.unwrap(), both);
    assert_eq!(
        store.list_directories(&org.id, Some(&both[0].id), 10).await.unwrap(),
        vec![both[1].clone()]
    );
    let (_, orphan) = directory(&hallpass_core::ids::OrgId::from_trusted("org_gone".into()));
    assert!(
        store.insert_directory(&orphan).await.is_err(),
        "a directory needs its organization"
    );

    // A new token: the old one finds nothing.
    let (fresh, fresh_hash) = new_token();
    assert!(store
        .replace_directory_token(&d.id, &fresh_hash, T0.plus(MINUTE))
        .await
        .unwrap());
    assert_eq!(
        store.find_directory_by_token(&SecretHash::of(&token)).await.unwrap(),
        None
    );
    let found = store
        .find_directory_by_token(&SecretHash::of(&fresh))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, d.id);

    // userName is unique in a directory, not across directories.
    let bob = scim_user(&d.id, "Bob@Example.com");
    store.insert_scim_resource(&bob).await.unwrap();
    assert_eq!(
        store.insert_scim_resource(&scim_user(&d.id, "bob@example.com")).await,
        Err(StoreError::Conflict("userName"))
    );
    store
        .insert_scim_resource(&scim_user(&other.id, "bob@example.com"))
        .await
        .unwrap();
    assert_eq!(
        store.get_scim_resource(&d.id, &bob.id).await.unwrap(),
        Some(bob.clone())
    );
    assert_eq!(
        store.get_scim_resource(&other.id, &bob.id).await.unwrap(),
        None,
        "another directory's id is not found"
    );
    let by_key = store
        .find_scim_resource_by_key(&d.id, ScimKind::User, "bob@example.com")
        .await
        .unwrap();
    assert_eq!(by_key, Some(bob.clone()));
    assert_eq!(store.count_scim_resources(&d.id, ScimKind::User).await.unwrap(), 1);
    assert_eq!(store.count_scim_resources(&d.id, ScimKind::Group).await.unwrap(), 0);

    // Groups have no key: two of the same name do not clash.
    for _ in 0..2 {
        let mut group = scim_user(&d.id, "x");
        group.kind = ScimKind::Group;
        group.unique_key = None;
        store.insert_scim_resource(&group).await.unwrap();
    }
    assert_eq!(
        store
            .list_scim_resources(&d.id, ScimKind::Group, None, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        store
            .list_scim_resources(&d.id, ScimKind::User, None, 10)
            .await
            .unwrap(),
        vec![bob.clone()]
    );
    assert_eq!(
        store
            .list_scim_resources(&d.id, ScimKind::User, Some(&bob.id), 10)
            .await
            .unwrap(),
        vec![]
    );

    // Deleting the directory deletes its resources.
    assert!(store.delete_directory(&d.id).await.unwrap());
    assert_eq!(store.get_scim_resource(&d.id, &bob.id).await.unwrap(), None);
    assert!(!store.delete_directory(&d.id).await.unwrap());
    assert_eq!(store.count_scim_resources(&other.id, ScimKind::User).await.unwrap(), 1);
}

pub async fn scim_resources_change_only_at_the_version_read(store: S) {
    let org = organization("umbrella");
    store.insert_organization(&org).await.unwrap();
    let (_, d) = directory(&org.id);
    store.insert_directory(&d).await.unwrap();
    let u = user("carol@example.com");
    store.insert_user(&u).await.unwrap();
    let carol = scim_user(&d.id, "carol");
    store.insert_scim_resource(&carol).await.unwrap();
    store.insert_scim_resource(&scim_user(&d.id, "dave")).await.unwrap();

    let mut changed = carol.clone();
    changed.version = 2;
    changed.user_id = Some(u.id.clone());
    changed.document = json!({"userName": "carol", "active": false});
    changed.updated_at = T0.plus(SECOND);
    assert!(store.update_scim_resource(&changed, 1).await.unwrap());
    assert!(
        !store.update_scim_resource(&changed, 1).await.unwrap(),
        "a stale version changes nothing"
    );
    assert_eq!(
        store.get_scim_resource(&d.id, &carol.id).await.unwrap(),
        Some(changed.clone())
    );
    assert_eq!(store.scim_users_of(&u.id).await.unwrap(), vec![changed.clone()]);

    let mut clash = changed.clone();
    clash.unique_key = Some("dave".into());
    clash.version = 3;
    assert_eq!(
        store.update_scim_resource(&clash, 2).await,
        Err(StoreError::Conflict("userName"))
    );

    // The user's deletion unlinks the resource; deleting it removes it.
    assert!(store.delete_user(&u.id).await.unwrap());
    assert_eq!(
        store
            .get_scim_resource(&d.id, &carol.id)
            .await
            .unwrap()
            .unwrap()
            .user_id,
        None
    );
    assert!(store.delete_scim_resource(&d.id, &carol.id).await.unwrap());
    assert!(!store.delete_scim_resource(&d.id, &carol.id).await.unwrap());
}

pub async fn suspended_memberships_grant_nothing_until_restored(store: S) {
    let org = organization("wonka");
    store.insert_organization(&org).await.unwrap();
    let u = user("charlie@example.com");
    store.insert_user(&u).await.unwrap();
    let member = role(None, "member", &["docs:read"]);
    store.insert_role(&member).await.unwrap();
    let mut m = Membership {
        organization_id: org.id.clone(),
        user_id: u.id.clone(),
        status: MembershipStatus::Active,
        role_ids: vec![member.id.clone()],
        created_at: T0,
        updated_at: T0,
    };
    store.put_membership(&m).await.unwrap();
    assert!(store.member_access(&org.id, &u.id).await.unwrap().is_some());

    assert!(store
        .suspend_membership(&org.id, &u.id, Some(T0.plus(SECOND)))
        .await
        .unwrap());
    assert_eq!(store.member_access(&org.id, &u.id).await.unwrap(), None);
    let read = store.get_membership(&org.id, &u.id).await.unwrap().unwrap();
    assert_eq!(read.status, MembershipStatus::Suspended);
    assert_eq!(read.role_ids, vec![member.id.clone()], "roles are kept");

    // Changing roles does not lift the suspension.
    m.role_ids = vec![];
    store.put_membership(&m).await.unwrap();
    assert_eq!(store.member_access(&org.id, &u.id).await.unwrap(), None);

    assert!(store.suspend_membership(&org.id, &u.id, None).await.unwrap());
    assert!(store.member_access(&org.id, &u.id).await.unwrap().is_some());
    assert_eq!(
        store.get_membership(&org.id, &u.id).await.unwrap().unwrap().status,
        MembershipStatus::Active
    );

    // A membership written suspended starts suspended.
    let v = user("veruca@example.com");
    store.insert_user(&v).await.unwrap();
    let suspended = Membership {
        user_id: v.id.clone(),
        status: MembershipStatus::Suspended,
        ..m.clone()
    };
    store.put_membership(&suspended).await.unwrap();
    assert_eq!(store.member_access(&org.id, &v.id).await.unwrap(), None);
    assert_eq!(
        store.get_membership(&org.id, &v.id).await.unwrap().unwrap().status,
        MembershipStatus::Suspended
    );

    let nobody = hallpass_core::ids::UserId::from_trusted("usr_nobody".into());
    assert!(!store.suspend_membership(&org.id, &nobody, None).await.unwrap());
}
