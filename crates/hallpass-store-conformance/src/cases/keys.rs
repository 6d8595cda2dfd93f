//! Signing keys.

use super::*;

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
