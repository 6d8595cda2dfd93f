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
