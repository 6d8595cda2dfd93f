//! Invitations: one pending per address and organization, settled once.

use super::*;
use hallpass_core::crypto::SecretHash;
use hallpass_core::ids::InvitationId;
use hallpass_core::store::{Invitation, InvitationStatus};

fn invitation(org: &hallpass_core::ids::OrgId, email: &str) -> (String, Invitation) {
    let (secret, hash) = new_token();
    let invitation = Invitation {
        id: InvitationId::generate(&clock(), &SystemRng),
        organization_id: org.clone(),
        email: email.to_owned(),
        roles: vec!["member".into()],
        client_id: None,
        invited_by: Some("cli".into()),
        token_hash: hash,
        status: InvitationStatus::Pending,
        created_at: T0,
        expires_at: T0.plus(MINUTE),
        settled_at: None,
        accepted_by: None,
    };
    (secret, invitation)
}

pub async fn invitations_settle_once_and_one_is_pending_per_address(store: S) {
    let org = organization("hooli");
    store.insert_organization(&org).await.unwrap();
    let (secret, first) = invitation(&org.id, "gavin@example.com");
    store.insert_invitation(&first).await.unwrap();
    let (_, twin) = invitation(&org.id, "gavin@example.com");
    assert_eq!(
        store.insert_invitation(&twin).await,
        Err(StoreError::Conflict("pending invitation"))
    );
    let found = store
        .find_invitation_by_token(&SecretHash::of(&secret))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, first);

    // Resend: a new secret; the old one finds nothing.
    let (fresh, fresh_hash) = new_token();
    assert!(store
        .renew_invitation(&first.id, &fresh_hash, T0.plus(MINUTE))
        .await
        .unwrap());
    assert_eq!(
        store.find_invitation_by_token(&SecretHash::of(&secret)).await.unwrap(),
        None
    );
    assert!(store
        .find_invitation_by_token(&SecretHash::of(&fresh))
        .await
        .unwrap()
        .is_some());

    // Accepted once; an expired one is not accepted at all.
    let u = user("gavin@example.com");
    store.insert_user(&u).await.unwrap();
    assert!(store
        .settle_invitation(&first.id, InvitationStatus::Accepted, Some(&u.id), T0)
        .await
        .unwrap());
    assert!(!store
        .settle_invitation(&first.id, InvitationStatus::Revoked, None, T0)
        .await
        .unwrap());
    let settled = store.get_invitation(&first.id).await.unwrap().unwrap();
    assert_eq!(settled.status, InvitationStatus::Accepted);
    assert_eq!(settled.accepted_by, Some(u.id.clone()));
    assert!(
        !store.renew_invitation(&first.id, &fresh_hash, T0).await.unwrap(),
        "settled: no resend"
    );

    let (_, again) = invitation(&org.id, "gavin@example.com");
    store.insert_invitation(&again).await.unwrap();
    assert!(
        !store
            .settle_invitation(&again.id, InvitationStatus::Accepted, Some(&u.id), T0.plus(MINUTE))
            .await
            .unwrap(),
        "expired"
    );
    assert_eq!(
        store
            .expire_invitations(&org.id, "gavin@example.com", T0)
            .await
            .unwrap(),
        0,
        "not expired yet"
    );
    assert_eq!(
        store
            .expire_invitations(&org.id, "gavin@example.com", T0.plus(MINUTE))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.get_invitation(&again.id).await.unwrap().unwrap().status,
        InvitationStatus::Expired
    );
    let (_, third) = invitation(&org.id, "gavin@example.com");
    store.insert_invitation(&third).await.unwrap();
    assert_eq!(store.list_invitations(&org.id, None, 10).await.unwrap().len(), 3);
    let after = store.list_invitations(&org.id, Some(&first.id), 10).await.unwrap();
    assert_eq!(after.len(), [&again, &third].iter().filter(|i| i.id > first.id).count());
}

pub async fn idempotency_keys_replay_the_first_answer(store: S) {
    use hallpass_core::store::IdempotencyClaim;
    let (a, b) = ([1u8; 32], [2u8; 32]);
    let old = T0.minus(MINUTE);
    let claim = |hash: [u8; 32], now| {
        let store = store.clone();
        async move {
            store
                .claim_idempotency_key("cli_a", "k1", &hash, now, old, old)
                .await
                .unwrap()
        }
    };
    assert_eq!(claim(a, T0).await, IdempotencyClaim::New);
    assert_eq!(claim(a, T0).await, IdempotencyClaim::InFlight);
    assert_eq!(claim(b, T0).await, IdempotencyClaim::Mismatch);
    store
        .complete_idempotency_key("cli_a", "k1", 201, "{\"id\":1}")
        .await
        .unwrap();
    assert_eq!(
        claim(a, T0).await,
        IdempotencyClaim::Replay {
            status: 201,
            body: "{\"id\":1}".into()
        }
    );
    assert_eq!(
        store
            .claim_idempotency_key("cli_b", "k1", &a, T0, old, old)
            .await
            .unwrap(),
        IdempotencyClaim::New,
        "keys are per client"
    );
    store.release_idempotency_key("cli_b", "k1").await.unwrap();
    assert_eq!(
        store
            .claim_idempotency_key("cli_b", "k1", &b, T0, old, old)
            .await
            .unwrap(),
        IdempotencyClaim::New,
        "a released key may be used again"
    );
    assert_eq!(
        store
            .claim_idempotency_key("cli_a", "k1", &b, T0.plus(MINUTE), T0.plus(SECOND), old)
            .await
            .unwrap(),
        IdempotencyClaim::New,
        "an expired key counts as unused"
    );
    // Unanswered (the request died), then claimed again after its lease.
    assert_eq!(
        store
            .claim_idempotency_key("cli_a", "k1", &b, T0.plus(MINUTE), old, old)
            .await
            .unwrap(),
        IdempotencyClaim::InFlight
    );
    assert_eq!(
        store
            .claim_idempotency_key("cli_a", "k1", &b, T0.plus(MINUTE), old, T0.plus(MINUTE).plus(SECOND))
            .await
            .unwrap(),
        IdempotencyClaim::New,
        "a claim left unanswered past its lease counts as abandoned"
    );
}
