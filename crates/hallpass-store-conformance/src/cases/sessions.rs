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
