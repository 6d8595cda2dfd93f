//! Refresh-token rotation: once, with a grace window, reuse ends the session.

use super::*;

pub(crate) fn rotation(
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
        // The store keeps these bytes without reading them; the replacement's
        // hash stands in, so a test can tell which successor came back.
        replacement_sealed: replacement.as_bytes().to_vec(),
        replacement_expires_at: now.plus(Duration::from_secs(30 * 86_400)),
        now,
        idle_expires_at: now.plus(Duration::from_secs(7 * 86_400)),
        grace,
    }
}

pub(crate) async fn family_with_token(store: &S) -> (Grounds, RefreshFamily, hallpass_core::crypto::SecretHash) {
    let g = grounds(store).await;
    let (_, first) = new_token();
    let fam = family(&g.client.id, &g.user.id, &g.session.id, None);
    store
        .insert_refresh_family(&fam, &first, T0.plus(MINUTE * 60))
        .await
        .unwrap();
    (g, fam, first)
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
    // Inside the grace window the replaced token gets the same successor
    // back, and nothing new is issued: a retry never starts a second chain.
    let (_, third) = new_token();
    let outcome = store
        .rotate_refresh_token(&rotation(&fam.client_id, first, third, now.plus(SECOND * 3), grace))
        .await
        .unwrap();
    match outcome {
        RefreshRotation::RotatedInGrace { successor_sealed, .. } => {
            assert_eq!(successor_sealed, second.as_bytes().to_vec(), "the same successor")
        }
        other => panic!("expected RotatedInGrace, got {other:?}"),
    }
    assert_eq!(
        store.find_refresh_family(&third, now.plus(SECOND * 3)).await.unwrap(),
        None,
        "no second successor"
    );
    assert!(store.find_refresh_family(&second, now).await.unwrap().is_some());
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

pub async fn concurrent_rotation_in_grace_keeps_one_successor(store: S) {
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
    let mut winners = Vec::new();
    let mut resent = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            RefreshRotation::Rotated { family, .. } => {
                assert_eq!(family.id, fam.id);
                winners.push(family);
            }
            RefreshRotation::RotatedInGrace {
                family,
                successor_sealed,
                ..
            } => {
                assert_eq!(family.id, fam.id);
                resent.push(successor_sealed);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one rotation");
    let mut live = Vec::new();
    for next in &replacements {
        if store
            .find_refresh_family(next, T0.plus(SECOND))
            .await
            .unwrap()
            .is_some()
        {
            live.push(next.as_bytes().to_vec());
        }
    }
    assert_eq!(live.len(), 1, "one successor exists");
    assert!(
        resent.iter().all(|sealed| sealed == &live[0]),
        "every caller in the window got that successor"
    );
    assert!(store
        .get_session(&g.session.id)
        .await
        .unwrap()
        .unwrap()
        .ended_at
        .is_none());
}

pub async fn a_stale_branch_ends_the_session_even_inside_the_grace_window(store: S) {
    let (g, fam, first) = family_with_token(&store).await;
    let grace = Duration::from_secs(5);
    let (_, second) = new_token();
    let (_, third) = new_token();
    let (_, fork) = new_token();
    store
        .rotate_refresh_token(&rotation(&fam.client_id, first, second, T0.plus(SECOND), grace))
        .await
        .unwrap();
    let outcome = store
        .rotate_refresh_token(&rotation(&fam.client_id, second, third, T0.plus(SECOND * 2), grace))
        .await
        .unwrap();
    assert!(matches!(outcome, RefreshRotation::Rotated { .. }), "{outcome:?}");
    // `first` is inside its window, but its successor has moved on.
    let outcome = store
        .rotate_refresh_token(&rotation(&fam.client_id, first, fork, T0.plus(SECOND * 3), grace))
        .await
        .unwrap();
    assert!(matches!(outcome, RefreshRotation::ReuseDetected { .. }), "{outcome:?}");
    let session = store.get_session(&g.session.id).await.unwrap().unwrap();
    assert_eq!(session.end_reason.as_deref(), Some("refresh_reuse"));
    assert_eq!(
        store.find_refresh_family(&third, T0.plus(SECOND * 3)).await.unwrap(),
        None
    );
    assert_eq!(
        store.find_refresh_family(&fork, T0.plus(SECOND * 3)).await.unwrap(),
        None
    );
}

pub async fn presenting_a_token_reads_it_without_changing_it(store: S) {
    let (g, fam, first) = family_with_token(&store).await;
    let read = store.find_presented_refresh(&first).await.unwrap().unwrap();
    assert_eq!(read.user.as_ref(), Some(&g.user), "the user comes with the token");
    let found = read.presented;
    assert_eq!(found.family, fam);
    assert_eq!(found.session.map(|s| s.id), Some(g.session.id.clone()));
    assert_eq!((found.rotated_at, found.successor), (None, None));
    let (_, second) = new_token();
    store
        .rotate_refresh_token(&rotation(
            &fam.client_id,
            first,
            second,
            T0.plus(SECOND),
            Duration::ZERO,
        ))
        .await
        .unwrap();
    let read = store.find_presented_refresh(&first).await.unwrap().unwrap();
    assert_eq!(read.user.as_ref(), Some(&g.user));
    let found = read.presented;
    assert_eq!(found.rotated_at, Some(T0.plus(SECOND)));
    let successor = found.successor.unwrap();
    assert_eq!(successor.sealed, second.as_bytes().to_vec());
    assert!(!successor.rotated);
    let (_, unknown) = new_token();
    assert_eq!(store.find_presented_refresh(&unknown).await.unwrap(), None);
    // Reading it changed nothing: the successor still rotates.
    let (_, third) = new_token();
    let outcome = store
        .rotate_refresh_token(&rotation(
            &fam.client_id,
            second,
            third,
            T0.plus(SECOND * 2),
            Duration::ZERO,
        ))
        .await
        .unwrap();
    assert!(matches!(outcome, RefreshRotation::Rotated { .. }), "{outcome:?}");
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
