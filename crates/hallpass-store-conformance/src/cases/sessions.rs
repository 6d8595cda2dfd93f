//! Browser sessions.

use super::*;

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

pub async fn organization_session_limits_are_set_replaced_and_removed(store: S) {
    use hallpass_core::store::SessionLimits;
    let org = organization("pied-piper");
    store.insert_organization(&org).await.unwrap();
    assert_eq!(store.get_organization_session_limits(&org.id).await.unwrap(), None);
    let strict = SessionLimits {
        idle_secs: 600,
        absolute_secs: 3600,
    };
    store
        .put_organization_session_limits(&org.id, strict, T0)
        .await
        .unwrap();
    let stricter = SessionLimits {
        idle_secs: 300,
        absolute_secs: 1800,
    };
    store
        .put_organization_session_limits(&org.id, stricter, T0)
        .await
        .unwrap();
    assert_eq!(
        store.get_organization_session_limits(&org.id).await.unwrap(),
        Some(stricter)
    );
    let ghost = organization("ghost");
    assert_eq!(
        store.put_organization_session_limits(&ghost.id, strict, T0).await,
        Err(StoreError::NotFound)
    );
    assert!(store.delete_organization_session_limits(&org.id).await.unwrap());
    assert!(!store.delete_organization_session_limits(&org.id).await.unwrap());
    assert_eq!(store.get_organization_session_limits(&org.id).await.unwrap(), None);
}

pub async fn concurrent_session_ending_has_one_winner(store: S) {
    let (g, _, refresh) = family_with_token(&store).await;
    // Each caller ends at its own moment, so an overwrite would show.
    let tasks: Vec<_> = (1..=10)
        .map(|i| {
            let (store, id) = (store.clone(), g.session.id.clone());
            tokio::spawn(async move { store.end_session(&id, "logout", T0.plus(SECOND * i)).await.unwrap() })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        winners.extend(task.await.unwrap());
    }
    assert_eq!(winners.len(), 1, "exactly one caller ends the session");
    let stored = store.get_session(&g.session.id).await.unwrap().unwrap();
    assert_eq!(stored.ended_at, winners[0].ended_at, "the winner's end is the one kept");
    assert_eq!(
        store.find_refresh_family(&refresh, T0).await.unwrap(),
        None,
        "its refresh tokens are revoked"
    );
}

pub async fn ending_a_session_while_its_token_rotates_leaves_nothing_live(store: S) {
    // A few rounds, so both orders of the race get their chance.
    for _ in 0..5 {
        let (g, _, first) = family_with_token(&store).await;
        let (_, next) = new_token();
        let now = T0.plus(SECOND);
        let rotate = {
            let (store, request) = (store.clone(), rotation(&g.client.id, first, next, now, Duration::ZERO));
            tokio::spawn(async move { store.rotate_refresh_token(&request).await.unwrap() })
        };
        let end = {
            let (store, id) = (store.clone(), g.session.id.clone());
            tokio::spawn(async move { store.end_session(&id, "logout", now).await.unwrap() })
        };
        let (rotated, ended) = (rotate.await.unwrap(), end.await.unwrap());
        assert!(ended.is_some(), "the session ends whichever goes first");
        assert!(
            matches!(rotated, RefreshRotation::Rotated { .. } | RefreshRotation::Revoked),
            "{rotated:?}"
        );
        for token in [first, next] {
            assert_eq!(
                store.find_refresh_family(&token, now).await.unwrap(),
                None,
                "no refresh token of an ended session works"
            );
        }
    }
}
