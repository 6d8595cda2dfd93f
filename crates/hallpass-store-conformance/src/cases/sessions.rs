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

pub async fn ending_a_users_sessions_ends_only_the_live_ones_but_one(store: S) {
    let u = user("leaver@example.com");
    store.insert_user(&u).await.unwrap();
    let other = user("stayer@example.com");
    store.insert_user(&other).await.unwrap();
    let (_, kept) = session(&u.id);
    let (_, a) = session(&u.id);
    let (_, b) = session(&u.id);
    let (_, already) = session(&u.id);
    let (_, theirs) = session(&other.id);
    for s in [&kept, &a, &b, &already, &theirs] {
        store.insert_session(s).await.unwrap();
    }
    let c = client();
    store.insert_client(&c, None).await.unwrap();
    let (_, refresh) = new_token();
    store
        .insert_refresh_family(&family(&c.id, &u.id, &a.id, None), &refresh, T0.plus(MINUTE * 60))
        .await
        .unwrap();
    store.end_session(&already.id, "logout", T0).await.unwrap();

    let now = T0.plus(SECOND);
    let ended = store
        .end_user_sessions(&u.id, Some(&kept.id), "password_changed", now)
        .await
        .unwrap();
    let mut ids: Vec<_> = ended.iter().map(|s| s.id.clone()).collect();
    ids.sort();
    let mut expected = vec![a.id.clone(), b.id.clone()];
    expected.sort();
    assert_eq!(ids, expected, "the live ones but the kept one");
    assert!(ended
        .iter()
        .all(|s| s.ended_at == Some(now) && s.end_reason.as_deref() == Some("password_changed")));
    assert_eq!(
        store.find_refresh_family(&refresh, now).await.unwrap(),
        None,
        "their refresh tokens die too"
    );
    let still = |id| {
        let store = store.clone();
        async move { store.get_session(&id).await.unwrap().unwrap() }
    };
    assert_eq!(still(kept.id.clone()).await.ended_at, None);
    assert_eq!(
        still(theirs.id.clone()).await.ended_at,
        None,
        "another user's session is untouched"
    );
    assert_eq!(
        still(already.id.clone()).await.end_reason.as_deref(),
        Some("logout"),
        "an ended one keeps its reason"
    );

    let all = store.end_user_sessions(&u.id, None, "user_deleted", now).await.unwrap();
    assert_eq!(all.iter().map(|s| &s.id).collect::<Vec<_>>(), vec![&kept.id]);
    assert!(
        store
            .end_user_sessions(&u.id, None, "user_deleted", now)
            .await
            .unwrap()
            .is_empty(),
        "ending twice ends nothing new"
    );
}

pub async fn concurrent_ends_of_a_users_sessions_end_each_once(store: S) {
    let u = user("raced@example.com");
    store.insert_user(&u).await.unwrap();
    for _ in 0..5 {
        store.insert_session(&session(&u.id).1).await.unwrap();
    }
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (store, id) = (store.clone(), u.id.clone());
            tokio::spawn(async move {
                store
                    .end_user_sessions(&id, None, "revoked", T0.plus(SECOND))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap().len();
    }
    assert_eq!(total, 5, "each session is reported ended by exactly one caller");
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
