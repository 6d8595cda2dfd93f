//! The installation's sign-in settings: one row, changed only from the version read.

use super::*;

pub async fn signin_settings_change_only_from_the_version_read(store: S) {
    let empty = store.get_signin_settings().await.unwrap();
    assert_eq!(
        empty,
        StoredSignInSettings::default(),
        "nothing stored: all from the configuration"
    );

    let first = SignInOverrides {
        product_name: Some("Acme".into()),
        logo_url: Some(String::new()),
        magic_link: Some(false),
        ..SignInOverrides::default()
    };
    assert!(store.put_signin_settings(0, &first, T0).await.unwrap());
    let stored = store.get_signin_settings().await.unwrap();
    assert_eq!(stored.overrides, first, "`Some(\"\")` and `None` stay apart");
    assert_eq!((stored.version, stored.updated_at), (1, Some(T0)));

    let second = SignInOverrides {
        primary_color: Some("#112233".into()),
        support_email: Some("help@acme.test".into()),
        password: Some(true),
        email_code: Some(false),
        ..SignInOverrides::default()
    };
    assert!(
        !store.put_signin_settings(0, &second, T0).await.unwrap(),
        "a second first write loses"
    );
    assert!(
        !store.put_signin_settings(7, &second, T0).await.unwrap(),
        "a version never read loses"
    );
    assert_eq!(
        store.get_signin_settings().await.unwrap().overrides,
        first,
        "losers write nothing"
    );

    assert!(store.put_signin_settings(1, &second, T0).await.unwrap());
    let stored = store.get_signin_settings().await.unwrap();
    assert_eq!(
        stored.overrides, second,
        "a write replaces every field, clearing the unset ones"
    );
    assert_eq!(stored.version, 2);

    // Ten writers from one version: exactly one wins.
    let writers = (0..10).map(|i| {
        let store = store.clone();
        tokio::spawn(async move {
            let mine = SignInOverrides {
                product_name: Some(format!("Writer {i}")),
                ..SignInOverrides::default()
            };
            store.put_signin_settings(2, &mine, T0).await.unwrap()
        })
    });
    let mut winners = 0;
    for writer in writers {
        winners += usize::from(writer.await.unwrap());
    }
    assert_eq!(winners, 1);
    assert_eq!(store.get_signin_settings().await.unwrap().version, 3);
}
