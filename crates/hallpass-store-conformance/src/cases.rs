//! Each case states one rule of the store contract and checks it through the
//! `Store` traits only.

use crate::fixtures::*;
use hallpass_core::crypto::Algorithm;
use hallpass_core::ids::{KeyId, OneTimeTokenId, RoleId};
use hallpass_core::rng::SystemRng;
use hallpass_core::store::*;
use hallpass_core::values::{Email, Slug};
use hallpass_proto::Jwk;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

type S = Arc<dyn Store>;

const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

pub async fn migrations_are_current_and_idempotent(store: S) {
    let status = store.migration_status().await.unwrap();
    assert!(status.is_current(), "{status:?}");
    store.migrate().await.unwrap();
    assert!(store.migration_status().await.unwrap().is_current());
    store.ping().await.unwrap();
}

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

pub async fn clients_keep_at_most_two_secrets(store: S) {
    let c = client();
    let (_, first) = secret(&c.id);
    store.insert_client(&c, Some(&first)).await.unwrap();
    assert_eq!(store.get_client(&c.id).await.unwrap().unwrap(), c);
    let (_, second) = secret(&c.id);
    store.add_client_secret(&second).await.unwrap();
    let (_, third) = secret(&c.id);
    assert!(matches!(
        store.add_client_secret(&third).await,
        Err(StoreError::Limit(_))
    ));
    assert_eq!(store.list_client_secrets(&c.id).await.unwrap().len(), 2);
    assert!(store.delete_client_secret(&c.id, &first.id).await.unwrap());
    store.add_client_secret(&third).await.unwrap();
    let hashes: Vec<_> = store
        .list_client_secrets(&c.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.hash)
        .collect();
    assert!(hashes.contains(&second.hash) && hashes.contains(&third.hash));
    let (_, orphan) = secret(&client().id);
    assert_eq!(store.add_client_secret(&orphan).await, Err(StoreError::NotFound));
    assert_eq!(store.count_clients().await.unwrap(), 1);
}

pub async fn deleting_a_client_removes_its_grants(store: S) {
    let g = grounds(&store).await;
    let (_, refresh) = new_token();
    let fam = family(&g.client.id, &g.user.id, &g.session.id, None);
    store
        .insert_refresh_family(&fam, &refresh, T0.plus(MINUTE * 60))
        .await
        .unwrap();
    let (_, code) = code(&g.client.id, &g.user.id, &g.session.id);
    store.insert_authorization_code(&code).await.unwrap();
    assert!(store.delete_client(&g.client.id).await.unwrap());
    assert!(!store.delete_client(&g.client.id).await.unwrap());
    assert_eq!(store.find_refresh_family(&refresh, T0).await.unwrap(), None);
    assert_eq!(
        store.consume_authorization_code(&code.hash, T0).await.unwrap(),
        CodeRedemption::Unknown
    );
}

pub async fn sessions_are_found_by_token_and_touched(store: S) {
    let u = user("sess@example.com");
    store.insert_user(&u).await.unwrap();
    let (token, s) = session(&u.id);
    store.insert_session(&s).await.unwrap();
    let found = store
        .find_session_by_token(&hallpass_core::crypto::SecretHash::of(&token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, s);
    let later = T0.plus(MINUTE);
    assert!(store
        .touch_session(&s.id, later, later.plus(Duration::from_secs(7 * 86_400)))
        .await
        .unwrap());
    let touched = store.get_session(&s.id).await.unwrap().unwrap();
    assert_eq!(touched.last_active_at, later);
    // The idle expiry never passes the absolute one.
    assert!(store
        .touch_session(&s.id, later, s.absolute_expires_at.plus(MINUTE))
        .await
        .unwrap());
    assert_eq!(
        store.get_session(&s.id).await.unwrap().unwrap().idle_expires_at,
        s.absolute_expires_at
    );
    // An idle-expired session is not revived.
    let dead = s.absolute_expires_at.plus(SECOND);
    assert!(!store.touch_session(&s.id, dead, dead.plus(MINUTE)).await.unwrap());
    let (_, second) = session(&u.id);
    store.insert_session(&second).await.unwrap();
    assert_eq!(store.list_user_sessions(&u.id).await.unwrap().len(), 2);
}

pub async fn ending_a_session_is_idempotent_and_revokes_refresh(store: S) {
    let g = grounds(&store).await;
    let (_, refresh) = new_token();
    let fam = family(&g.client.id, &g.user.id, &g.session.id, None);
    store
        .insert_refresh_family(&fam, &refresh, T0.plus(MINUTE * 60))
        .await
        .unwrap();
    assert!(store.find_refresh_family(&refresh, T0).await.unwrap().is_some());
    let ended = store
        .end_session(&g.session.id, "logout", T0.plus(SECOND))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ended.ended_at, Some(T0.plus(SECOND)));
    assert_eq!(ended.end_reason.as_deref(), Some("logout"));
    assert_eq!(
        store
            .end_session(&g.session.id, "logout", T0.plus(MINUTE))
            .await
            .unwrap(),
        None,
        "ending twice ends nothing new"
    );
    assert_eq!(
        store.get_session(&g.session.id).await.unwrap().unwrap().ended_at,
        Some(T0.plus(SECOND))
    );
    assert_eq!(
        store.find_refresh_family(&refresh, T0.plus(SECOND)).await.unwrap(),
        None
    );
    let (_, next) = new_token();
    let outcome = store
        .rotate_refresh_token(&rotation(
            &g.client.id,
            refresh,
            next,
            T0.plus(SECOND * 2),
            Duration::ZERO,
        ))
        .await
        .unwrap();
    assert_eq!(outcome, RefreshRotation::Revoked);
}

pub async fn codes_are_redeemed_once_and_replay_revokes(store: S) {
    let g = grounds(&store).await;
    let (_, c) = code(&g.client.id, &g.user.id, &g.session.id);
    store.insert_authorization_code(&c).await.unwrap();
    assert_eq!(
        store
            .consume_authorization_code(&c.hash, T0.plus(SECOND))
            .await
            .unwrap(),
        CodeRedemption::Redeemed(c.clone())
    );
    let (_, refresh) = new_token();
    let fam = family(&g.client.id, &g.user.id, &g.session.id, Some(c.hash));
    store
        .insert_refresh_family(&fam, &refresh, T0.plus(MINUTE * 60))
        .await
        .unwrap();
    assert_eq!(
        store
            .consume_authorization_code(&c.hash, T0.plus(SECOND * 2))
            .await
            .unwrap(),
        CodeRedemption::Replayed(c.clone())
    );
    assert_eq!(
        store.find_refresh_family(&refresh, T0.plus(SECOND * 2)).await.unwrap(),
        None,
        "tokens issued from a replayed code are revoked"
    );
}

pub async fn expired_and_unknown_codes(store: S) {
    let g = grounds(&store).await;
    let (_, c) = code(&g.client.id, &g.user.id, &g.session.id);
    store.insert_authorization_code(&c).await.unwrap();
    assert_eq!(
        store.consume_authorization_code(&c.hash, c.expires_at).await.unwrap(),
        CodeRedemption::Expired
    );
    let (_, unknown) = new_token();
    assert_eq!(
        store.consume_authorization_code(&unknown, T0).await.unwrap(),
        CodeRedemption::Unknown
    );
}

pub async fn concurrent_code_redemption_has_one_winner(store: S) {
    let g = grounds(&store).await;
    let (_, c) = code(&g.client.id, &g.user.id, &g.session.id);
    store.insert_authorization_code(&c).await.unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            let hash = c.hash;
            tokio::spawn(async move { store.consume_authorization_code(&hash, T0.plus(SECOND)).await.unwrap() })
        })
        .collect();
    let mut redeemed = 0;
    for task in tasks {
        match task.await.unwrap() {
            CodeRedemption::Redeemed(_) => redeemed += 1,
            CodeRedemption::Replayed(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(redeemed, 1);
}

fn rotation(
    client: &hallpass_core::ids::ClientId,
    presented: hallpass_core::crypto::SecretHash,
    replacement: hallpass_core::crypto::SecretHash,
    now: hallpass_core::clock::Timestamp,
    grace: Duration,
) -> RotateRefresh {
    RotateRefresh {
        presented,
        client_id: client.clone(),
        replacement,
        replacement_expires_at: now.plus(Duration::from_secs(30 * 86_400)),
        now,
        idle_expires_at: now.plus(Duration::from_secs(7 * 86_400)),
        grace,
    }
}

async fn family_with_token(store: &S) -> (Grounds, RefreshFamily, hallpass_core::crypto::SecretHash) {
    let g = grounds(store).await;
    let (_, first) = new_token();
    let fam = family(&g.client.id, &g.user.id, &g.session.id, None);
    store
        .insert_refresh_family(&fam, &first, T0.plus(MINUTE * 60))
        .await
        .unwrap();
    (g, fam, first)
}

pub async fn refresh_rotation_follows_the_rules(store: S) {
    let (g, fam, first) = family_with_token(&store).await;
    let grace = Duration::from_secs(5);
    let (_, second) = new_token();
    let now = T0.plus(MINUTE);
    match store
        .rotate_refresh_token(&rotation(&fam.client_id, first, second, now, grace))
        .await
        .unwrap()
    {
        RefreshRotation::Rotated { family, session } => {
            assert_eq!(family.id, fam.id);
            assert_eq!(session.id, g.session.id);
            assert_eq!(session.last_active_at, now, "a refresh counts as activity");
        }
        other => panic!("expected Rotated, got {other:?}"),
    }
    assert_eq!(
        store.find_refresh_family(&first, now).await.unwrap(),
        None,
        "a rotated token is no longer current"
    );
    assert!(store.find_refresh_family(&second, now).await.unwrap().is_some());
    // Inside the grace window the replaced token earns another fresh token.
    let (_, third) = new_token();
    let outcome = store
        .rotate_refresh_token(&rotation(&fam.client_id, first, third, now.plus(SECOND * 3), grace))
        .await
        .unwrap();
    assert!(matches!(outcome, RefreshRotation::RotatedInGrace { .. }), "{outcome:?}");
    assert!(store
        .find_refresh_family(&third, now.plus(SECOND * 3))
        .await
        .unwrap()
        .is_some());
    // Unknown and expired tokens.
    let (_, fourth) = new_token();
    let (_, stranger) = new_token();
    assert_eq!(
        store
            .rotate_refresh_token(&rotation(&fam.client_id, stranger, fourth, now, grace))
            .await
            .unwrap(),
        RefreshRotation::Unknown
    );
    let (_, short_family, short_lived) = family_with_token(&store).await; // expires at T0 + 60 min
    let late = T0.plus(MINUTE * 61);
    assert_eq!(
        store
            .rotate_refresh_token(&rotation(&short_family.client_id, short_lived, fourth, late, grace))
            .await
            .unwrap(),
        RefreshRotation::Expired
    );
}

pub async fn refresh_reuse_after_grace_ends_the_session(store: S) {
    let (g, fam, first) = family_with_token(&store).await;
    let grace = Duration::from_secs(5);
    let (_, second) = new_token();
    store
        .rotate_refresh_token(&rotation(&fam.client_id, first, second, T0.plus(SECOND), grace))
        .await
        .unwrap();
    // A second, independent family in the same session.
    let (_, other) = new_token();
    let other_family = family(&g.client.id, &g.user.id, &g.session.id, None);
    store
        .insert_refresh_family(&other_family, &other, T0.plus(MINUTE * 60))
        .await
        .unwrap();

    let (_, stolen_replacement) = new_token();
    let outcome = store
        .rotate_refresh_token(&rotation(
            &fam.client_id,
            first,
            stolen_replacement,
            T0.plus(SECOND * 10),
            grace,
        ))
        .await
        .unwrap();
    assert!(matches!(outcome, RefreshRotation::ReuseDetected { .. }), "{outcome:?}");
    let session = store.get_session(&g.session.id).await.unwrap().unwrap();
    assert_eq!(session.end_reason.as_deref(), Some("refresh_reuse"));
    let now = T0.plus(SECOND * 11);
    assert_eq!(
        store.find_refresh_family(&second, now).await.unwrap(),
        None,
        "the legitimate holder is cut off too"
    );
    assert_eq!(
        store.find_refresh_family(&other, now).await.unwrap(),
        None,
        "every family of the session is revoked"
    );
    assert_eq!(
        store.find_refresh_family(&stolen_replacement, now).await.unwrap(),
        None,
        "no replacement was issued"
    );
}

pub async fn concurrent_rotation_has_one_winner(store: S) {
    let (_, fam, first) = family_with_token(&store).await;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (store, client) = (store.clone(), fam.client_id.clone());
            tokio::spawn(async move {
                let (_, next) = new_token();
                store
                    .rotate_refresh_token(&rotation(&client, first, next, T0.plus(SECOND), Duration::ZERO))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut rotated = 0;
    let mut reuse = 0;
    for task in tasks {
        match task.await.unwrap() {
            RefreshRotation::Rotated { .. } => rotated += 1,
            RefreshRotation::ReuseDetected { .. } | RefreshRotation::Revoked => reuse += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(rotated, 1, "exactly one rotation");
    assert_eq!(reuse, 9, "every other caller is detected as reuse");
}

pub async fn concurrent_rotation_in_grace_keeps_one_family(store: S) {
    let (g, fam, first) = family_with_token(&store).await;
    let replacements: Vec<_> = (0..10).map(|_| new_token().1).collect();
    let tasks: Vec<_> = replacements
        .iter()
        .map(|next| {
            let (store, next, client) = (store.clone(), *next, fam.client_id.clone());
            tokio::spawn(async move {
                store
                    .rotate_refresh_token(&rotation(&client, first, next, T0.plus(SECOND), Duration::from_secs(5)))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut rotated = 0;
    for task in tasks {
        match task.await.unwrap() {
            RefreshRotation::Rotated { family, .. } => {
                rotated += 1;
                assert_eq!(family.id, fam.id);
            }
            RefreshRotation::RotatedInGrace { family, .. } => assert_eq!(family.id, fam.id),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(rotated, 1);
    for next in replacements {
        let found = store
            .find_refresh_family(&next, T0.plus(SECOND))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, fam.id, "no second family");
    }
    assert!(store
        .get_session(&g.session.id)
        .await
        .unwrap()
        .unwrap()
        .ended_at
        .is_none());
}

pub async fn another_clients_refresh_token_is_unknown_and_untouched(store: S) {
    let (_, fam, first) = family_with_token(&store).await;
    let intruder = client();
    store.insert_client(&intruder, None).await.unwrap();
    let (_, next) = new_token();
    let outcome = store
        .rotate_refresh_token(&rotation(&intruder.id, first, next, T0.plus(SECOND), Duration::ZERO))
        .await
        .unwrap();
    assert_eq!(outcome, RefreshRotation::Unknown);
    let outcome = store
        .rotate_refresh_token(&rotation(&fam.client_id, first, next, T0.plus(SECOND), Duration::ZERO))
        .await
        .unwrap();
    assert!(
        matches!(outcome, RefreshRotation::Rotated { .. }),
        "the owner's token still works: {outcome:?}"
    );
}

pub async fn a_session_knows_its_clients(store: S) {
    let (g, fam, _) = family_with_token(&store).await;
    let other = client();
    store.insert_client(&other, None).await.unwrap();
    let (_, code) = code(&other.id, &g.user.id, &g.session.id);
    store.insert_authorization_code(&code).await.unwrap();
    let mut expected = vec![fam.client_id.clone(), other.id.clone()];
    expected.sort();
    assert_eq!(store.clients_of_session(&g.session.id).await.unwrap(), expected);
}

pub async fn revoked_refresh_family_stops_rotation(store: S) {
    let (_, fam, first) = family_with_token(&store).await;
    assert!(store.revoke_refresh_family(&first, T0.plus(SECOND)).await.unwrap());
    assert!(
        !store.revoke_refresh_family(&first, T0.plus(SECOND)).await.unwrap(),
        "revoking twice revokes nothing new"
    );
    let (_, next) = new_token();
    assert_eq!(
        store
            .rotate_refresh_token(&rotation(
                &fam.client_id,
                first,
                next,
                T0.plus(SECOND * 2),
                Duration::ZERO
            ))
            .await
            .unwrap(),
        RefreshRotation::Revoked
    );
    let (_, unknown) = new_token();
    assert!(!store.revoke_refresh_family(&unknown, T0).await.unwrap());
}

fn key_record(algorithm: Algorithm, status: KeyStatus) -> SigningKeyRecord {
    let id = KeyId::generate(&clock(), &SystemRng);
    SigningKeyRecord {
        public_jwk: Jwk {
            kty: "EC".into(),
            kid: id.to_string(),
            use_: "sig".into(),
            alg: algorithm.to_string(),
            crv: Some("P-256".into()),
            x: Some("x".into()),
            y: Some("y".into()),
            n: None,
            e: None,
        },
        id,
        algorithm,
        status,
        encrypted_private_key: vec![1, 2, 3],
        created_at: T0,
        retired_at: None,
        unpublish_at: None,
    }
}

pub async fn signing_keys_rotate_and_unpublish(store: S) {
    let first = key_record(Algorithm::Es256, KeyStatus::Active);
    assert!(store.insert_first_signing_key(&first).await.unwrap());
    let second = key_record(Algorithm::Es256, KeyStatus::Active);
    store
        .rotate_signing_key(&second, T0.plus(MINUTE), T0.plus(MINUTE * 10))
        .await
        .unwrap();
    let published = store.list_published_keys(T0.plus(MINUTE * 2)).await.unwrap();
    assert_eq!(published.len(), 2, "the retired key is still published");
    let active: Vec<_> = published.iter().filter(|k| k.status == KeyStatus::Active).collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].id, second.id);
    let retired = published.iter().find(|k| k.id == first.id).unwrap();
    assert_eq!(retired.retired_at, Some(T0.plus(MINUTE)));
    assert_eq!(retired.public_jwk, first.public_jwk);
    assert_eq!(
        store.list_published_keys(T0.plus(MINUTE * 10)).await.unwrap().len(),
        1,
        "gone once its tokens have expired"
    );
    assert_eq!(store.delete_unpublished_keys(T0.plus(MINUTE * 10)).await.unwrap(), 1);
    assert_eq!(store.list_all_keys().await.unwrap().len(), 1);
}

pub async fn one_active_key_per_algorithm(store: S) {
    assert!(store
        .insert_first_signing_key(&key_record(Algorithm::Rs256, KeyStatus::Active))
        .await
        .unwrap());
    assert!(
        !store
            .insert_first_signing_key(&key_record(Algorithm::Rs256, KeyStatus::Active))
            .await
            .unwrap(),
        "a second first key loses"
    );
    assert!(store
        .insert_first_signing_key(&key_record(Algorithm::EdDsa, KeyStatus::Active))
        .await
        .unwrap());
    assert_eq!(store.list_published_keys(T0).await.unwrap().len(), 2);
}

fn one_time(purpose: OneTimePurpose, email: &str, hash: hallpass_core::crypto::SecretHash) -> OneTimeToken {
    OneTimeToken {
        id: OneTimeTokenId::generate(&clock(), &SystemRng),
        purpose,
        email: email.into(),
        hash,
        payload: json!({"return_to": "/oauth/authorize?x=1"}),
        attempts: 0,
        max_attempts: 3,
        created_at: T0,
        expires_at: T0.plus(MINUTE * 5),
        consumed_at: None,
    }
}

pub async fn one_time_tokens_void_and_redeem_once(store: S) {
    let (_, old) = new_token();
    store
        .issue_one_time_token(&one_time(OneTimePurpose::MagicLink, "a@example.com", old))
        .await
        .unwrap();
    let (_, new) = new_token();
    let issued = one_time(OneTimePurpose::MagicLink, "a@example.com", new);
    store.issue_one_time_token(&issued).await.unwrap();
    let now = T0.plus(SECOND);
    assert_eq!(
        store
            .redeem_one_time_token(OneTimePurpose::MagicLink, &old, now)
            .await
            .unwrap(),
        Redemption::Used,
        "resend voids the old link"
    );
    assert_eq!(
        store
            .redeem_one_time_token(OneTimePurpose::PasswordReset, &new, now)
            .await
            .unwrap(),
        Redemption::Unknown,
        "purposes do not mix"
    );
    match store
        .redeem_one_time_token(OneTimePurpose::MagicLink, &new, now)
        .await
        .unwrap()
    {
        Redemption::Redeemed(t) => assert_eq!(t.payload, issued.payload),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store
            .redeem_one_time_token(OneTimePurpose::MagicLink, &new, now)
            .await
            .unwrap(),
        Redemption::Used
    );
    let (_, late) = new_token();
    store
        .issue_one_time_token(&one_time(OneTimePurpose::MagicLink, "b@example.com", late))
        .await
        .unwrap();
    assert_eq!(
        store
            .redeem_one_time_token(OneTimePurpose::MagicLink, &late, T0.plus(MINUTE * 5))
            .await
            .unwrap(),
        Redemption::Expired
    );
}

pub async fn one_time_codes_count_attempts(store: S) {
    let (_, right) = new_token();
    let (_, wrong) = new_token();
    store
        .issue_one_time_token(&one_time(OneTimePurpose::SignInCode, "c@example.com", right))
        .await
        .unwrap();
    let now = T0.plus(SECOND);
    let code = OneTimePurpose::SignInCode;
    assert_eq!(
        store
            .attempt_one_time_code(code, "c@example.com", &wrong, now)
            .await
            .unwrap(),
        CodeAttempt::Wrong { attempts_left: 2 }
    );
    assert!(matches!(
        store
            .attempt_one_time_code(code, "c@example.com", &right, now)
            .await
            .unwrap(),
        CodeAttempt::Accepted(_)
    ));
    assert_eq!(
        store
            .attempt_one_time_code(code, "c@example.com", &right, now)
            .await
            .unwrap(),
        CodeAttempt::NoLiveCode,
        "single use"
    );

    let (_, again) = new_token();
    store
        .issue_one_time_token(&one_time(code, "d@example.com", again))
        .await
        .unwrap();
    for left in [2, 1, 0] {
        assert_eq!(
            store
                .attempt_one_time_code(code, "d@example.com", &wrong, now)
                .await
                .unwrap(),
            CodeAttempt::Wrong { attempts_left: left }
        );
    }
    assert_eq!(
        store
            .attempt_one_time_code(code, "d@example.com", &again, now)
            .await
            .unwrap(),
        CodeAttempt::NoLiveCode,
        "out of attempts"
    );
    assert_eq!(
        store
            .attempt_one_time_code(code, "nobody@example.com", &again, now)
            .await
            .unwrap(),
        CodeAttempt::NoLiveCode
    );
}

pub async fn audit_events_filter_newest_first(store: S) {
    for (i, kind) in ["user.signed_in", "user.signed_in", "session.revoked"]
        .iter()
        .enumerate()
    {
        let event = NewAuditEvent {
            at: T0.plus(SECOND * u32::try_from(i).unwrap()),
            kind: kind.to_string(),
            actor: Some("usr_x".into()),
            user_id: Some(if i == 2 { "usr_b".into() } else { "usr_a".into() }),
            ip: Some("127.0.0.1".into()),
            user_agent: None,
            details: json!({"i": i}),
        };
        store.append_audit_event(&event).await.unwrap();
    }
    let all = store
        .list_audit_events(&AuditFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert!(all[0].id > all[1].id, "newest first");
    let signed_in = AuditFilter {
        kind: Some("user.signed_in".into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.list_audit_events(&signed_in).await.unwrap().len(), 2);
    let of_b = AuditFilter {
        user_id: Some("usr_b".into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        store.list_audit_events(&of_b).await.unwrap()[0].event.details,
        json!({"i": 2})
    );
    let window = AuditFilter {
        since: Some(T0.plus(SECOND)),
        until: Some(T0.plus(SECOND * 2)),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.list_audit_events(&window).await.unwrap().len(), 1);
    let page = AuditFilter {
        before_id: Some(all[0].id),
        limit: 1,
        ..Default::default()
    };
    assert_eq!(store.list_audit_events(&page).await.unwrap()[0].id, all[1].id);
}
