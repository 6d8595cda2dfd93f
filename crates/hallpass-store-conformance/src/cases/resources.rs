//! Resources (RFC 8707) and what grants remember of them.

use super::*;
use hallpass_core::ids::{ClientId, ResourceId};

fn resource(identifier: &str) -> Resource {
    let (c, r) = ids();
    Resource {
        id: ResourceId::generate(&c, &r),
        identifier: identifier.into(),
        name: "Tools".into(),
        scopes: vec!["mcp:tools".into(), "mcp:read".into()],
        access_token_ttl_secs: Some(600),
        created_at: T0,
        updated_at: T0,
    }
}

pub async fn resources_are_unique_by_identifier_and_page_in_order(store: S) {
    let first = resource("https://mcp.example.com/mcp");
    store.insert_resource(&first).await.unwrap();
    assert_eq!(store.get_resource(&first.id).await.unwrap(), Some(first.clone()));
    assert_eq!(
        store
            .find_resource_by_identifier("https://mcp.example.com/mcp")
            .await
            .unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        store
            .find_resource_by_identifier("https://mcp.example.com/mcp/")
            .await
            .unwrap(),
        None,
        "identifiers match exactly"
    );
    let clash = resource("https://mcp.example.com/mcp");
    assert_eq!(
        store.insert_resource(&clash).await,
        Err(StoreError::Conflict("identifier"))
    );
    let second = resource("https://api.example.com/");
    store.insert_resource(&second).await.unwrap();
    let mut both = vec![first.clone(), second.clone()];
    both.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(store.list_resources(None, 10).await.unwrap(), both);
    assert_eq!(
        store.list_resources(Some(&both[0].id), 10).await.unwrap(),
        vec![both[1].clone()]
    );

    let mut changed = second.clone();
    changed.identifier = first.identifier.clone();
    assert_eq!(
        store.update_resource(&changed).await,
        Err(StoreError::Conflict("identifier"))
    );
    changed.identifier = "https://api.example.com/v2".into();
    changed.scopes = vec!["read".into()];
    changed.access_token_ttl_secs = None;
    store.update_resource(&changed).await.unwrap();
    assert_eq!(store.get_resource(&second.id).await.unwrap(), Some(changed.clone()));

    assert!(store.delete_resource(&first.id).await.unwrap());
    assert!(!store.delete_resource(&first.id).await.unwrap());
    assert_eq!(store.get_resource(&first.id).await.unwrap(), None);
    assert_eq!(store.update_resource(&first).await, Err(StoreError::NotFound));
}

pub async fn codes_and_refresh_families_keep_their_resource(store: S) {
    let g = grounds(&store).await;
    let (_, mut c) = code(&g.client.id, &g.user.id, &g.session.id);
    c.resource = Some("https://mcp.example.com/mcp".into());
    store.insert_authorization_code(&c).await.unwrap();
    assert_eq!(
        store
            .consume_authorization_code(&c.hash, T0.plus(SECOND))
            .await
            .unwrap(),
        CodeRedemption::Redeemed(c.clone())
    );
    let (_, refresh) = new_token();
    let mut fam = family(&g.client.id, &g.user.id, &g.session.id, Some(c.hash));
    fam.resource = c.resource.clone();
    store
        .insert_refresh_family(&fam, &refresh, T0.plus(MINUTE * 60))
        .await
        .unwrap();
    let found = store.find_presented_refresh(&refresh).await.unwrap().unwrap();
    assert_eq!(
        found.presented.family.resource.as_deref(),
        Some("https://mcp.example.com/mcp")
    );
    let found = store.find_refresh_family(&refresh, T0).await.unwrap().unwrap();
    assert_eq!(found, fam);
}

pub async fn consents_are_kept_per_resource_and_withdrawing_one_revokes_the_clients_refresh_tokens(store: S) {
    let g = grounds(&store).await;
    let other = client();
    store.insert_client(&other, None).await.unwrap();
    let consent = |client: &ClientId, resource: Option<&str>, scopes: &[&str]| Consent {
        user_id: g.user.id.clone(),
        client_id: client.clone(),
        resource: resource.map(str::to_owned),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        granted_at: T0,
    };
    let mcp = consent(&g.client.id, Some("https://mcp.example.com/mcp"), &["mcp:tools"]);
    let plain = consent(&g.client.id, None, &["openid"]);
    let elsewhere = consent(&other.id, None, &["openid"]);
    for k in [&mcp, &plain, &elsewhere] {
        store.put_consent(k).await.unwrap();
    }
    let wider = consent(
        &g.client.id,
        Some("https://mcp.example.com/mcp"),
        &["mcp:tools", "mcp:read"],
    );
    store.put_consent(&wider).await.unwrap();
    assert_eq!(
        store
            .find_consent(&g.user.id, &g.client.id, Some("https://mcp.example.com/mcp"))
            .await
            .unwrap(),
        Some(wider.clone()),
        "a second answer replaces the first"
    );
    assert_eq!(
        store.find_consent(&g.user.id, &g.client.id, None).await.unwrap(),
        Some(plain.clone())
    );
    assert_eq!(store.list_user_consents(&g.user.id).await.unwrap().len(), 3);
    let orphan = consent(&client().id, None, &["openid"]);
    assert_eq!(store.put_consent(&orphan).await, Err(StoreError::NotFound));

    let (_, refresh) = new_token();
    let fam = family(&g.client.id, &g.user.id, &g.session.id, None);
    store
        .insert_refresh_family(&fam, &refresh, T0.plus(MINUTE * 60))
        .await
        .unwrap();
    let (_, kept) = new_token();
    let other_fam = family(&other.id, &g.user.id, &g.session.id, None);
    store
        .insert_refresh_family(&other_fam, &kept, T0.plus(MINUTE * 60))
        .await
        .unwrap();
    assert!(store
        .withdraw_consent(
            &g.user.id,
            &g.client.id,
            Some("https://mcp.example.com/mcp"),
            T0.plus(SECOND)
        )
        .await
        .unwrap());
    assert!(!store
        .withdraw_consent(
            &g.user.id,
            &g.client.id,
            Some("https://mcp.example.com/mcp"),
            T0.plus(SECOND)
        )
        .await
        .unwrap());
    assert_eq!(
        store.find_refresh_family(&refresh, T0.plus(SECOND)).await.unwrap(),
        None
    );
    assert!(
        store
            .find_refresh_family(&kept, T0.plus(SECOND))
            .await
            .unwrap()
            .is_some(),
        "another client's tokens stay"
    );
    assert_eq!(store.list_user_consents(&g.user.id).await.unwrap().len(), 2);
}
