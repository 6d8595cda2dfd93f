//! Applications and their secrets.

use super::*;

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

pub async fn concurrent_secret_additions_keep_the_limit(store: S) {
    let c = client();
    let (_, first) = secret(&c.id);
    store.insert_client(&c, Some(&first)).await.unwrap();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (store, (_, added)) = (store.clone(), secret(&c.id));
            tokio::spawn(async move { store.add_client_secret(&added).await })
        })
        .collect();
    let mut added = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => added += 1,
            Err(StoreError::Limit(_)) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(added, 1, "one caller gets the second place");
    assert_eq!(store.list_client_secrets(&c.id).await.unwrap().len(), 2);
}
