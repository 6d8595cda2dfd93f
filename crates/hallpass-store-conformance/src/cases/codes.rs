//! Authorization codes: redeemed once, replay revokes.

use super::*;

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
